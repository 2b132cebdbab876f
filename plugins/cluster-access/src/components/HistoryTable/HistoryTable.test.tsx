import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { HistoryEvent } from '@cluster-access/plugin-cluster-access-common';
import { clusterAccessApiRef } from '../../api';
import { errorResponse, fakeNamespaceApi } from '../../testUtils/namespaces';
import { RequestHistory } from '../RequestDetails/RequestHistory';
import { HistoryTable } from './HistoryTable';

const refused = async () => {
  throw await ResponseError.fromResponse(
    errorResponse(
      403,
      'NotAllowedError',
      'You are not allowed to cluster-access.history.read',
    ),
  );
};

const render = (api: ReturnType<typeof fakeNamespaceApi>, ui: JSX.Element) =>
  renderInTestApp(
    <TestApiProvider apis={[[clusterAccessApiRef, api]]}>{ui}</TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );

describe('HistoryTable', () => {
  it('says calmly that the history cannot be seen when the backend refuses (403)', async () => {
    const api = fakeNamespaceApi({ listHistoryPage: jest.fn(refused) });
    await render(api, <HistoryTable />);
    expect(
      await screen.findByText('You can’t see the history on this portal'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/does not have the permission to see the history/),
    ).toBeInTheDocument();
    // No error panel: neither the error's name nor the server's message.
    expect(screen.queryByText(/NotAllowedError/)).toBeNull();
    expect(screen.queryByText(/cluster-access\.history\.read/)).toBeNull();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it('shows the history when the backend answers', async () => {
    const api = fakeNamespaceApi({
      listHistoryPage: jest.fn(async () => ({
        items: [
          {
            id: 'h1',
            createdAt: '2026-11-28T10:00:00.000Z',
            actor: 'user:default/alice',
            type: 'certificate.issued',
            message: 'alice got a certificate',
          },
        ],
        pageInfo: {},
      })),
    });
    await render(api, <HistoryTable />);
    expect(await screen.findByText('History')).toBeInTheDocument();
    expect(screen.queryByText(/You can’t/)).toBeNull();
  });
});

describe('RequestHistory', () => {
  it('says calmly that the history cannot be seen when the backend refuses (403)', async () => {
    const api = fakeNamespaceApi({ listHistory: jest.fn(refused) });
    await render(api, <RequestHistory requestId="r1" />);
    expect(
      await screen.findByText('You can’t see the history on this portal'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/NotAllowedError/)).toBeNull();
  });
});

const issued = (n: number): HistoryEvent => ({
  id: `e${n}`,
  createdAt: `2026-11-28T10:0${n}:00.000Z`,
  actor: 'user:default/alice',
  type: 'certificate.issued',
  message: `Certificate ${n} issued to alice`,
});

describe('HistoryTable pages', () => {
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
