import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { NamespaceRequestFilter, clusterAccessApiRef } from '../../api';
import {
  errorResponse,
  fakeNamespaceApi,
  namespaceRequest,
} from '../../testUtils/namespaces';
import { NamespaceRequests } from './NamespaceRequests';

// Three lists and their dialogs render slowly on a shared machine.
jest.setTimeout(60_000);

// alice asks for a qa namespace; carol (an approver) asked for one herself;
// the policy lets carol decide on every request but the one for edge.
const alicesRequest = namespaceRequest({
  id: '00000000-0000-4000-8000-00000000000a',
  namespace: 'payments-api-qa',
  requester: 'user:default/alice',
});
const carolsRequest = namespaceRequest({
  id: '00000000-0000-4000-8000-00000000000c',
  namespace: 'platform-tools-qa',
  owner: 'group:default/platform',
  requester: 'user:default/carol',
});
const edgeRequest = namespaceRequest({
  id: '00000000-0000-4000-8000-00000000000e',
  namespace: 'search-index-qa',
  owner: 'group:default/search',
  cluster: 'edge',
  requester: 'user:default/bob',
});
const carolsReadyRequest = namespaceRequest({
  id: '00000000-0000-4000-8000-0000000000c2',
  namespace: 'platform-ci-dev',
  owner: 'group:default/platform',
  tier: 'dev',
  requester: 'user:default/carol',
  status: 'ready',
  decidedBy: 'system',
});

const authorize = jest.fn((request: { resourceRef?: string }) =>
  request.resourceRef === edgeRequest.id
    ? ('DENY' as const)
    : ('ALLOW' as const),
);

function fakeApi(
  overrides: Parameters<typeof fakeNamespaceApi>[0] = {},
): ReturnType<typeof fakeNamespaceApi> {
  return fakeNamespaceApi({
    listRequests: jest.fn(async (filter?: NamespaceRequestFilter) => {
      if (filter?.decidedByMe) return [];
      return filter?.mine
        ? [carolsReadyRequest, carolsRequest]
        : [alicesRequest, carolsRequest, edgeRequest];
    }),
    ...overrides,
  });
}

async function renderRequests(api: ReturnType<typeof fakeNamespaceApi>) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [clusterAccessApiRef, api],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/carol',
            ownershipEntityRefs: ['group:default/platform'],
          }),
        ],
        [permissionApiRef, mockApis.permission({ authorize })],
      ]}
    >
      <NamespaceRequests />
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  await screen.findByText('Waiting for a decision');
}

/** The row of a table that shows `namespace`, in the table titled `table`. */
function row(table: string, namespace: string): HTMLElement {
  const heading = screen.getByRole('heading', { name: table });
  const container = heading.closest('.MuiPaper-root') as HTMLElement;
  return within(container).getByText(namespace).closest('tr') as HTMLElement;
}

describe('NamespaceRequests', () => {
  it('lists pending requests and the user’s own, with status, requester, owner, tier and cluster', async () => {
    const api = fakeApi();
    await renderRequests(api);
    expect(api.listRequests).toHaveBeenCalledWith({ status: ['pending'] });
    expect(api.listRequests).toHaveBeenCalledWith({ mine: true });

    const pending = row('Waiting for a decision', 'payments-api-qa');
    expect(
      within(pending).getByText('Waiting for approval'),
    ).toBeInTheDocument();
    expect(within(pending).getByText('alice')).toBeInTheDocument();
    expect(within(pending).getByText('payments')).toBeInTheDocument();
    expect(within(pending).getByText('qa')).toBeInTheDocument();
    expect(within(pending).getByText('sandbox')).toBeInTheDocument();

    const ready = row('Your requests', 'platform-ci-dev');
    expect(within(ready).getByText('Ready')).toBeInTheDocument();
  });

  it('shows Approve and Reject to an approver on others’ requests only, and only where the policy allows', async () => {
    await renderRequests(fakeApi());

    const alices = row('Waiting for a decision', 'payments-api-qa');
    expect(
      await within(alices).findByRole('button', {
        name: 'Approve payments-api-qa',
      }),
    ).toBeInTheDocument();
    expect(
      within(alices).getByRole('button', { name: 'Reject payments-api-qa' }),
    ).toBeInTheDocument();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'cluster-access.request.approve',
        }),
        resourceRef: alicesRequest.id,
      }),
    );

    // The policy denies the edge request: no buttons, though it is pending.
    await waitFor(() =>
      expect(authorize).toHaveBeenCalledWith(
        expect.objectContaining({ resourceRef: edgeRequest.id }),
      ),
    );
    const edge = row('Waiting for a decision', 'search-index-qa');
    expect(within(edge).queryByRole('button', { name: /Approve/ })).toBeNull();

    // carol's own pending request: no buttons in either table, and the
    // permission is not even asked for it.
    for (const table of ['Waiting for a decision', 'Your requests']) {
      const own = row(table, 'platform-tools-qa');
      expect(within(own).queryByRole('button', { name: /Approve/ })).toBeNull();
      expect(within(own).queryByRole('button', { name: /Reject/ })).toBeNull();
      expect(
        within(own).getByText('Your request — someone else decides'),
      ).toBeInTheDocument();
    }
    // Not on others' requests, nor on carol's own request once decided.
    expect(
      within(alices).queryByText('Your request — someone else decides'),
    ).toBeNull();
    expect(
      within(row('Your requests', 'platform-ci-dev')).queryByText(
        'Your request — someone else decides',
      ),
    ).toBeNull();
    expect(authorize).not.toHaveBeenCalledWith(
      expect.objectContaining({ resourceRef: carolsRequest.id }),
    );
  });

  it('approves with the comment from the dialog and reloads the lists', async () => {
    const api = fakeApi({
      approveRequest: jest.fn(async () => ({
        ...alicesRequest,
        status: 'approved' as const,
        decidedBy: 'user:default/carol',
      })),
    });
    await renderRequests(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve payments-api-qa' }),
    );
    const dialog = screen.getByRole('dialog');
    expect(
      within(dialog).getByText(/integration tests for the API/),
    ).toBeInTheDocument();
    await userEvent.type(
      within(dialog).getByLabelText('Comment (optional)'),
      'fine for a sprint',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );

    expect(api.approveRequest).toHaveBeenCalledWith({
      id: alicesRequest.id,
      comment: 'fine for a sprint',
    });
    expect(
      await screen.findByText('Approved payments-api-qa on sandbox.'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).toBeNull();
    // Three lists, loaded once and again after the decision.
    await waitFor(() => expect(api.listRequests).toHaveBeenCalledTimes(6));
  });

  it('rejects only with a comment', async () => {
    const api = fakeApi({
      rejectRequest: jest.fn(async () => ({
        ...alicesRequest,
        status: 'rejected' as const,
      })),
    });
    await renderRequests(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Reject payments-api-qa' }),
    );
    const dialog = screen.getByRole('dialog');
    const reject = within(dialog).getByRole('button', { name: 'Reject' });
    expect(reject).toBeDisabled();
    await userEvent.type(within(dialog).getByLabelText('Comment'), '   ');
    expect(reject).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText('Comment'),
      'use the dev tier',
    );
    await userEvent.click(reject);
    expect(api.rejectRequest).toHaveBeenCalledWith({
      id: alicesRequest.id,
      comment: 'use the dev tier',
    });
    expect(
      await screen.findByText('Rejected payments-api-qa on sandbox.'),
    ).toBeInTheDocument();
  });

  it('keeps the dialog open with the backend’s refusal', async () => {
    const api = fakeApi({
      approveRequest: jest.fn(async () => {
        throw await ResponseError.fromResponse(
          errorResponse(409, 'ConflictError', 'Request is no longer pending'),
        );
      }),
    });
    await renderRequests(api);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Approve payments-api-qa' }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Approve' }),
    );
    expect(
      await within(dialog).findByText(
        'Error: Conflict: Request is no longer pending',
      ),
    ).toBeInTheDocument();
    expect(api.approveRequest).toHaveBeenCalledWith({
      id: alicesRequest.id,
      comment: undefined,
    });
  });

  it('shows a request’s details and history', async () => {
    const api = fakeApi({
      listHistory: jest.fn(async () => [
        {
          id: 'h2',
          createdAt: '2026-11-28T10:05:00.000Z',
          actor: 'system',
          type: 'provisioning.ready',
          requestId: carolsReadyRequest.id,
          namespace: 'sandbox/platform-ci-dev',
          message: 'Namespace platform-ci-dev on sandbox is ready',
        },
        {
          id: 'h1',
          createdAt: '2026-11-28T10:00:00.000Z',
          actor: 'user:default/carol',
          type: 'request.created',
          requestId: carolsReadyRequest.id,
          namespace: 'sandbox/platform-ci-dev',
          message: 'user:default/carol requested namespace platform-ci-dev',
          details: {
            tier: 'dev',
            owner: 'group:default/platform',
            reason: 'CI runners',
          },
        },
      ]),
    });
    await renderRequests(api);
    await userEvent.click(
      within(row('Your requests', 'platform-ci-dev')).getByRole('button', {
        name: 'Details of platform-ci-dev',
      }),
    );
    const dialog = screen.getByRole('dialog');
    expect(
      within(dialog).getByText(
        'Approved automatically (the tier needs no approval)',
      ),
    ).toBeInTheDocument();
    const history = await within(dialog).findByRole('list', {
      name: 'Request history',
    });
    expect(
      within(history)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual([
      // Sentences with names, oldest first, not the stored messages.
      expect.stringMatching(
        /^carol requested platform-ci-dev \(dev\) for platform: “CI runners”/,
      ),
      expect.stringMatching(/^platform-ci-dev is ready/),
    ]);
    expect(api.listHistory).toHaveBeenCalledWith({
      request: carolsReadyRequest.id,
      limit: 100,
    });
  });

  it('shows the backend’s error when the requests cannot be read', async () => {
    const api = fakeApi({
      listRequests: jest.fn(async () => {
        throw new Error('backend unavailable');
      }),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [clusterAccessApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <NamespaceRequests />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Error: backend unavailable'),
    ).toBeInTheDocument();
  });
});
