import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
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
    const api = fakeNamespaceApi({ listHistory: jest.fn(refused) });
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
      listHistory: jest.fn(async () => [
        {
          id: 'h1',
          createdAt: '2026-11-28T10:00:00.000Z',
          actor: 'user:default/alice',
          type: 'certificate.issued',
          message: 'alice got a certificate',
        },
      ]),
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
