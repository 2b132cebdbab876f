import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';
import { clusterAccessApiRef } from '../../api';
import { HistoryTable } from './HistoryTable';

const issued = (n: number): HistoryEvent => ({
  id: `e${n}`,
  createdAt: `2026-11-28T10:0${n}:00.000Z`,
  actor: 'user:default/alice',
  type: 'certificate.issued',
  message: `Certificate ${n} issued to alice`,
});

describe('HistoryTable', () => {
  it('appends the next, older page when asked to show older events', async () => {
    const listHistoryPage = jest
      .fn()
      .mockResolvedValueOnce({
        items: [issued(3), issued(2)],
        pageInfo: { nextCursor: 'older-than-2' },
      })
      .mockResolvedValueOnce({ items: [issued(1)], pageInfo: {} });
    await renderInTestApp(
      <TestApiProvider apis={[[clusterAccessApiRef, { listHistoryPage }]]}>
        <HistoryTable filter={{ namespace: 'sandbox/team-a-dev' }} />
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByText('Certificate 3 issued to alice'),
    ).toBeInTheDocument();
    expect(
      screen.queryByText('Certificate 1 issued to alice'),
    ).not.toBeInTheDocument();

    await userEvent.click(
      screen.getByRole('button', { name: 'Show older events' }),
    );

    expect(
      await screen.findByText('Certificate 1 issued to alice'),
    ).toBeInTheDocument();
    // Appended below the page already shown, which stays.
    const texts = screen
      .getAllByText(/^Certificate \d issued to alice$/)
      .map(e => e.textContent);
    expect(texts).toEqual([
      'Certificate 3 issued to alice',
      'Certificate 2 issued to alice',
      'Certificate 1 issued to alice',
    ]);
    expect(listHistoryPage).toHaveBeenLastCalledWith({
      limit: 1000,
      namespace: 'sandbox/team-a-dev',
      cursor: 'older-than-2',
    });
    // The last page says there is nothing older.
    expect(
      screen.queryByRole('button', { name: 'Show older events' }),
    ).not.toBeInTheDocument();
  });

  it('offers no older events when the first page is all there is', async () => {
    const listHistoryPage = jest.fn(async () => ({
      items: [issued(1)],
      pageInfo: {},
    }));
    await renderInTestApp(
      <TestApiProvider apis={[[clusterAccessApiRef, { listHistoryPage }]]}>
        <HistoryTable />
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByText('Certificate 1 issued to alice'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Show older events' }),
    ).not.toBeInTheDocument();
  });
});
