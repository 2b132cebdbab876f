import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { Entity } from '@backstage/catalog-model';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { ManagedNamespaceFilter, clusterAccessApiRef } from '../../api';
import {
  errorResponse,
  fakeNamespaceApi,
  managedNamespace,
  namespaceRequest,
  paymentsAccess,
} from '../../testUtils/namespaces';
import { ManagedNamespaces } from './ManagedNamespaces';

// alice is in payments; search is someone else's team.
const paymentsDev = managedNamespace();
const searchDev = managedNamespace({
  name: 'search-index-dev',
  owner: 'group:default/search',
  requestId: '00000000-0000-4000-8000-0000000000b1',
  members: [{ user: 'user:default/sam', username: 'sam', source: 'group' }],
  quota: undefined,
  quotaError: 'cluster edge unreachable',
  cluster: 'edge',
});
const paymentsOld = managedNamespace({
  name: 'payments-old-dev',
  requestId: '00000000-0000-4000-8000-0000000000a2',
  pendingDecommissionRequestId: '00000000-0000-4000-8000-0000000000d1',
});

function fakeApi(overrides: Parameters<typeof fakeNamespaceApi>[0] = {}) {
  return fakeNamespaceApi({
    listNamespaces: jest.fn(async (filter?: ManagedNamespaceFilter) =>
      filter?.user
        ? [paymentsDev, paymentsOld]
        : [paymentsDev, paymentsOld, searchDev],
    ),
    ...overrides,
  });
}

const erin: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'erin', namespace: 'default' },
  spec: { profile: { displayName: 'Erin Example' }, memberOf: [] },
};

// bob is in the payments Group, so already a member of payments-api-dev.
const bob: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'bob', namespace: 'default' },
  spec: { profile: { displayName: 'Bob Builder' }, memberOf: [] },
};

async function renderNamespaces(
  api: ReturnType<typeof fakeNamespaceApi>,
  catalog = catalogApiMock.mock({
    queryEntities: jest.fn(async () => ({
      items: [],
      totalItems: 0,
      pageInfo: {},
    })),
  }),
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [clusterAccessApiRef, api],
        [catalogApiRef, catalog],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/alice',
            ownershipEntityRefs: [
              'user:default/alice',
              'group:default/payments',
            ],
          }),
        ],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <ManagedNamespaces />
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

const rowOf = async (name: string) =>
  (await screen.findByText(name)).closest('tr') as HTMLElement;

describe('ManagedNamespaces', () => {
  it('lists the user’s namespaces with owner, tier, status, members and quota usage', async () => {
    const api = fakeApi();
    await renderNamespaces(api);
    const row = await rowOf('payments-api-dev');
    expect(api.listNamespaces).toHaveBeenCalledWith({
      user: 'user:default/alice',
    });
    expect(screen.getByText('Your namespaces')).toBeInTheDocument();
    expect(within(row).getByText('sandbox')).toBeInTheDocument();
    expect(within(row).getByText('payments')).toBeInTheDocument();
    expect(within(row).getByText('dev')).toBeInTheDocument();
    expect(within(row).getByText('Ready')).toBeInTheDocument();
    expect(
      within(row)
        .getAllByText(/^(alice|bob|dave)$/)
        .map(e => e.textContent),
    ).toEqual(['alice', 'bob', 'dave']);

    expect(
      within(row).getByRole('progressbar', { name: 'Pods usage' }),
    ).toHaveAttribute('aria-valuenow', '75');
    expect(within(row).getByText('15 / 20')).toBeInTheDocument();
    expect(
      within(row).getByRole('progressbar', { name: 'Memory usage' }),
    ).toHaveAttribute('aria-valuenow', '25');
    expect(within(row).getByText('2Gi / 8Gi')).toBeInTheDocument();

    const old = await rowOf('payments-old-dev');
    expect(within(old).getByText('Deletion requested')).toBeInTheDocument();
  });

  it('shows every namespace under All, with why a quota is missing', async () => {
    const api = fakeApi();
    await renderNamespaces(api);
    await rowOf('payments-api-dev');
    expect(screen.queryByText('search-index-dev')).toBeNull();
    // A toggle labelled where it can be seen, at a size a finger hits.
    const scope = screen.getByRole('group', { name: 'Show' });
    expect(screen.getByText('Show')).toBeVisible();
    const all = within(scope).getByRole('button', { name: 'All' });
    expect(all).not.toHaveClass('MuiToggleButton-sizeSmall');
    expect(within(scope).getByRole('button', { name: 'Mine' })).toHaveAttribute(
      'aria-pressed',
      'true',
    );
    await userEvent.click(all);
    const row = await rowOf('search-index-dev');
    expect(api.listNamespaces).toHaveBeenLastCalledWith({});
    expect(screen.getByText('All namespaces')).toBeInTheDocument();
    expect(
      within(row).getByText(
        'Quota usage unavailable: cluster edge unreachable',
      ),
    ).toBeInTheDocument();
  });

  it('lets a member of the owner Group add and remove extra members, not Group members', async () => {
    const api = fakeApi({
      addMember: jest.fn(async () => ({
        user: 'user:default/erin',
        username: 'erin',
        applied: true,
      })),
      removeMember: jest.fn(async () => ({ applied: false })),
    });
    await renderNamespaces(api);
    await userEvent.click(
      within(await rowOf('payments-api-dev')).getByRole('button', {
        name: 'Members of payments-api-dev',
      }),
    );
    const dialog = screen.getByRole('dialog');
    const members = within(dialog).getByRole('list', { name: 'Members' });
    expect(
      within(members).queryByRole('button', {
        name: 'Remove user:default/bob',
      }),
    ).toBeNull();

    await userEvent.click(
      within(members).getByRole('button', {
        name: 'Remove user:default/dave',
      }),
    );
    expect(api.removeMember).toHaveBeenCalledWith({
      cluster: 'sandbox',
      name: 'payments-api-dev',
      user: 'user:default/dave',
    });
    // The notice names him as the list does, not by his ref.
    await waitFor(() =>
      expect(within(dialog).getByRole('alert')).toHaveTextContent(
        /^\S*dave was removed; the cluster could not be reached/,
      ),
    );
    expect(within(dialog).getByRole('alert')).not.toHaveTextContent(
      'user:default/dave',
    );

    const field = within(dialog).getByLabelText('Add a user');
    const add = within(dialog).getByRole('button', { name: 'Add' });
    await userEvent.type(field, 'group:default/payments');
    expect(within(dialog).getByText(/Enter a user name/)).toBeInTheDocument();
    expect(add).toBeDisabled();
    await userEvent.clear(field);
    await userEvent.type(field, 'bob');
    expect(within(dialog).getByText('Already has access.')).toBeInTheDocument();
    expect(add).toBeDisabled();
    await userEvent.clear(field);
    await userEvent.type(field, 'erin');
    await userEvent.click(add);
    expect(api.addMember).toHaveBeenCalledWith({
      cluster: 'sandbox',
      name: 'payments-api-dev',
      user: 'user:default/erin',
    });
    await waitFor(() =>
      expect(within(dialog).getByRole('alert')).toHaveTextContent(
        /^\S*erin has access now\.$/,
      ),
    );
    expect(field).toHaveValue('');
    // Each change reloads the list, so the dialog shows the new members.
    await waitFor(() => expect(api.listNamespaces).toHaveBeenCalledTimes(3));
    // Typing 40 characters into a dialog: slow on a loaded machine.
  }, 90_000);

  it('shows who added each extra member and until when, the bindings made with kubectl, and marks outsider access', async () => {
    const withExtra = managedNamespace({
      members: [
        { user: 'user:default/alice', username: 'alice', source: 'group' },
        {
          user: 'user:default/dave',
          username: 'dave',
          source: 'extra',
          addedBy: 'user:default/alice',
          addedAt: '2026-11-20T12:00:00.000Z',
          expiresAt: '2026-12-20T12:00:00.000Z',
        },
      ],
    });
    const api = fakeApi({
      listNamespaces: jest.fn(async () => [withExtra, paymentsOld]),
      listAccess: jest.fn(async filter =>
        filter?.flagged
          ? paymentsAccess.filter(e => e.flagged)
          : paymentsAccess,
      ),
    });
    await renderNamespaces(api);
    const row = await rowOf('payments-api-dev');
    expect(
      await within(row).findByText('Outsider access (1)'),
    ).toBeInTheDocument();
    expect(
      within(await rowOf('payments-old-dev')).queryByText(/Outsider access/),
    ).toBeNull();

    await userEvent.click(
      within(row).getByRole('button', { name: 'Members of payments-api-dev' }),
    );
    const dialog = screen.getByRole('dialog');
    const members = within(dialog).getByRole('list', { name: 'Members' });
    expect(within(members).getByText(/^dave · extra member/).textContent).toBe(
      'dave · extra member, added by alice on 20 Nov 2026 · access ends 20 Dec 2026',
    );
    const bindings = await within(dialog).findByRole('list', {
      name: 'RoleBindings made with kubectl in payments-api-dev',
    });
    expect(api.listAccess).toHaveBeenCalledWith({
      cluster: 'sandbox',
      namespace: 'payments-api-dev',
    });
    expect(
      within(bindings)
        .getAllByRole('listitem')
        .map(item => item.lastElementChild!.textContent),
    ).toEqual([
      'User mallory can view payments-api-dev through the RoleBinding mallory-view, made with kubectl: neither a member nor an extra member.',
      'The service account ci can edit payments-api-dev through the RoleBinding ci-edit, made with kubectl.',
      'Everyone in payments can view payments-api-dev through the RoleBinding team-view, made with kubectl.',
    ]);
  });

  it('adds a member picked from a catalog search, offering only non-members by name', async () => {
    const api = fakeApi({
      addMember: jest.fn(async () => ({
        user: 'user:default/erin',
        username: 'erin',
        applied: true,
      })),
    });
    const catalog = catalogApiMock.mock({
      queryEntities: jest.fn(async () => ({
        items: [bob, erin],
        totalItems: 2,
        pageInfo: {},
      })),
    });
    await renderNamespaces(api, catalog);
    await userEvent.click(
      within(await rowOf('payments-api-dev')).getByRole('button', {
        name: 'Members of payments-api-dev',
      }),
    );
    const dialog = screen.getByRole('dialog');
    const field = within(dialog).getByLabelText('Add a user');
    await userEvent.type(field, 'Eri');

    // The search is debounced: on a slow machine the options of an earlier
    // term ("E") show first. Pick only once the whole term was searched.
    await waitFor(() =>
      expect(catalog.queryEntities).toHaveBeenLastCalledWith(
        expect.objectContaining({
          filter: { kind: 'User' },
          fullTextFilter: {
            term: 'Eri',
            fields: ['metadata.name', 'spec.profile.displayName'],
          },
        }),
      ),
    );
    const erinOption = await screen.findByText('Erin Example');
    const [offered] = screen.getAllByRole('option');
    expect(screen.getAllByRole('option')).toHaveLength(1);
    // By name and user name, not by entity ref.
    expect(offered).toHaveTextContent(/^Erin Example\s*erin$/);
    expect(screen.queryByText('Bob Builder')).toBeNull();
    await userEvent.click(erinOption);
    expect(field).toHaveValue('Erin Example');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(api.addMember).toHaveBeenCalledWith({
      cluster: 'sandbox',
      name: 'payments-api-dev',
      user: 'user:default/erin',
    });
    await waitFor(() =>
      expect(within(dialog).getByRole('alert')).toHaveTextContent(
        /^\S*erin has access now\.$/,
      ),
    );
  });

  it('shows the backend’s refusal to add a member', async () => {
    const api = fakeApi({
      addMember: jest.fn(async () => {
        throw await ResponseError.fromResponse(
          errorResponse(400, 'InputError', 'Unknown user user:default/zed'),
        );
      }),
    });
    await renderNamespaces(api);
    await userEvent.click(
      within(await rowOf('payments-api-dev')).getByRole('button', {
        name: 'Members of payments-api-dev',
      }),
    );
    const dialog = screen.getByRole('dialog');
    await userEvent.type(within(dialog).getByLabelText('Add a user'), 'zed');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add' }));
    expect(
      await within(dialog).findByText(
        'Error: The request was refused: Unknown user user:default/zed',
      ),
    ).toBeInTheDocument();
  });

  it('shows members read-only, and no Decommission, on another Group’s namespace', async () => {
    const api = fakeApi();
    await renderNamespaces(api);
    await rowOf('payments-api-dev');
    await userEvent.click(screen.getByRole('button', { name: 'All' }));
    const row = await rowOf('search-index-dev');
    expect(
      within(row).queryByRole('button', { name: /Decommission/ }),
    ).toBeNull();
    await userEvent.click(
      within(row).getByRole('button', { name: 'Members of search-index-dev' }),
    );
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByText('sam')).toBeInTheDocument();
    expect(within(dialog).queryByLabelText('Add a user')).toBeNull();
  });

  it('asks for decommissioning after a confirmation that says an approval is needed', async () => {
    const api = fakeApi({
      decommissionNamespace: jest.fn(async () =>
        namespaceRequest({
          id: '00000000-0000-4000-8000-0000000000d2',
          kind: 'decommission',
          namespace: 'payments-api-dev',
          tier: 'dev',
        }),
      ),
    });
    await renderNamespaces(api);
    const old = await rowOf('payments-old-dev');
    // Already asked for: not twice.
    expect(
      within(old).queryByRole('button', { name: /Decommission/ }),
    ).toBeNull();

    await userEvent.click(
      within(await rowOf('payments-api-dev')).getByRole('button', {
        name: 'Decommission payments-api-dev',
      }),
    );
    const dialog = screen.getByRole('dialog');
    expect(
      within(dialog).getByText(/Nothing happens until an approver approves/),
    ).toBeInTheDocument();
    await userEvent.type(
      within(dialog).getByLabelText('Reason (optional)'),
      'project ended',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Ask for deletion' }),
    );
    expect(api.decommissionNamespace).toHaveBeenCalledWith({
      cluster: 'sandbox',
      name: 'payments-api-dev',
      reason: 'project ended',
    });
    expect(
      await screen.findByText(
        /Deletion of payments-api-dev requested; it waits for an approver/,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
