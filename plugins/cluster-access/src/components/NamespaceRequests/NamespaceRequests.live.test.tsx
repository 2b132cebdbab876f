import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  ClusterAccessSignal,
  NamespaceRequest,
} from '@cluster-access/plugin-cluster-access-common';
import { NamespaceRequestFilter, clusterAccessApiRef } from '../../api';
import { fakeNamespaceApi, namespaceRequest } from '../../testUtils/namespaces';
import { NamespaceRequests } from './NamespaceRequests';

// Rendering the whole tab with its dialogs is slow on a shared machine.
jest.setTimeout(60_000);

const alicesRequest = namespaceRequest({
  id: '00000000-0000-4000-8000-00000000000a',
  namespace: 'payments-api-qa',
  requester: 'user:default/alice',
});
const decidedByCarol = namespaceRequest({
  id: '00000000-0000-4000-8000-0000000000d1',
  namespace: 'search-index-qa',
  owner: 'group:default/search',
  requester: 'user:default/bob',
  status: 'rejected',
  decidedBy: 'user:default/carol',
});

/** A signals API whose subscribers the test can call. */
function fakeSignals() {
  const listeners = new Set<(m: ClusterAccessSignal) => void>();
  return {
    api: {
      subscribe: (_channel: string, onMessage: any) => {
        listeners.add(onMessage);
        return { unsubscribe: () => listeners.delete(onMessage) };
      },
    },
    send: (m: ClusterAccessSignal) => listeners.forEach(l => l(m)),
  };
}

async function render(options: {
  user: string;
  pending: () => NamespaceRequest[];
  mine?: NamespaceRequest[];
  decided?: NamespaceRequest[];
  route?: string;
  signals?: ReturnType<typeof fakeSignals>;
}) {
  const api = fakeNamespaceApi({
    listRequests: jest.fn(async (filter?: NamespaceRequestFilter) => {
      if (filter?.decidedByMe) return options.decided ?? [];
      if (filter?.mine) return options.mine ?? [];
      return options.pending();
    }),
    getRequest: jest.fn(async ({ id }) => {
      const found = options.pending().find(r => r.id === id);
      if (!found) throw new Error(`No namespace request ${id}`);
      return found;
    }),
  });
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [clusterAccessApiRef, api],
        [identityApiRef, mockApis.identity({ userEntityRef: options.user })],
        [permissionApiRef, mockApis.permission({ authorize: 'ALLOW' })],
        ...(options.signals
          ? [[signalApiRef, options.signals.api] as const]
          : []),
      ]}
    >
      <NamespaceRequests />
    </TestApiProvider>,
    {
      routeEntries: [options.route ?? '/'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  await screen.findByText('Waiting for a decision');
  return api;
}

describe('NamespaceRequests, live', () => {
  it('opens the request of a notification link with Approve and Reject for an approver', async () => {
    const api = await render({
      user: 'user:default/carol',
      pending: () => [alicesRequest],
      route: `/?request=${alicesRequest.id}`,
    });
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByText('Request for payments-api-qa'),
    ).toBeInTheDocument();
    expect(api.getRequest).toHaveBeenCalledWith({ id: alicesRequest.id });
    await userEvent.click(
      await within(dialog).findByRole('button', {
        name: 'Approve payments-api-qa',
      }),
    );
    // The decision dialog takes over, as from the table.
    expect(
      await screen.findByRole('button', { name: 'Approve' }),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Withdraw payments-api-qa' }),
    ).not.toBeInTheDocument();
  });

  it('lets the requester withdraw her pending request, and never offers her a decision', async () => {
    let pending = [alicesRequest];
    const api = await render({
      user: 'user:default/alice',
      pending: () => pending,
      mine: [alicesRequest],
      route: `/?request=${alicesRequest.id}`,
    });
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).queryByRole('button', { name: /Approve/ }),
    ).not.toBeInTheDocument();
    api.withdrawRequest.mockImplementation(async () => {
      pending = [];
      return { ...alicesRequest, status: 'withdrawn' };
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Withdraw payments-api-qa' }),
    );
    expect(api.withdrawRequest).toHaveBeenCalledWith({ id: alicesRequest.id });
    expect(
      await screen.findByText(/Withdrew payments-api-qa/),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('shows what the approver decided recently, and nothing for people who never decide', async () => {
    await render({
      user: 'user:default/carol',
      pending: () => [],
      decided: [decidedByCarol],
    });
    expect(
      await screen.findByText('Recently decided by you'),
    ).toBeInTheDocument();
    expect(screen.getByText('search-index-qa')).toBeInTheDocument();
  });

  it('hides the recent decisions of someone who has none', async () => {
    await render({ user: 'user:default/alice', pending: () => [] });
    expect(
      screen.queryByText('Recently decided by you'),
    ).not.toBeInTheDocument();
  });

  it('reloads the lists when the backend signals a change, without polling', async () => {
    const signals = fakeSignals();
    let pending: NamespaceRequest[] = [];
    const api = await render({
      user: 'user:default/carol',
      pending: () => pending,
      signals,
    });
    expect(
      screen.getByText('No request is waiting for a decision.'),
    ).toBeInTheDocument();
    const loads = api.listRequests.mock.calls.length;
    // Certificate events do not touch requests: no reload.
    signals.send({ type: 'certificate.issued' });
    pending = [alicesRequest];
    signals.send({
      type: 'request.created',
      requestId: alicesRequest.id,
      cluster: 'sandbox',
      namespace: 'payments-api-qa',
    });
    expect(await screen.findByText('payments-api-qa')).toBeInTheDocument();
    // One reload (three lists) for the one matching signal.
    expect(api.listRequests.mock.calls.length).toBe(loads + 3);
  });
});
