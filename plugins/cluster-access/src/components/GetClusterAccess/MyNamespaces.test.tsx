import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { clusterAccessApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { fakeNamespaceApi, namespaceAccess } from '../../testUtils/namespaces';
import { MyNamespaces } from './MyNamespaces';

async function renderMyNamespaces(api: ReturnType<typeof fakeNamespaceApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[clusterAccessApiRef, api]]}>
      <MyNamespaces />
    </TestApiProvider>,
    {
      mountedRoutes: {
        '/cluster-access': rootRouteRef,
        '/catalog/:namespace/:kind/:name': entityRouteRef,
      },
    },
  );
}

describe('MyNamespaces', () => {
  it('lists, per cluster, the namespaces the signed-in user can use, with roles and why', async () => {
    const api = fakeNamespaceApi({
      listAccess: jest.fn(async () => [
        namespaceAccess(),
        namespaceAccess({
          via: 'binding',
          binding: 'team-view',
          subject: { kind: 'Group', name: 'payments' },
          user: undefined,
          role: { kind: 'ClusterRole', name: 'view' },
          standing: 'owner-group',
        }),
        namespaceAccess({
          namespace: 'search-api-qa',
          owner: 'group:default/search',
          status: 'provisioning',
          via: 'extra',
          addedBy: 'user:default/dave',
          expiresAt: '2026-12-20T12:00:00.000Z',
        }),
        namespaceAccess({ cluster: 'edge', namespace: 'payments-edge-dev' }),
        // The reconciler found only the edit binding here, and nothing yet
        // in a namespace just made: only what is held is shown.
        namespaceAccess({
          cluster: 'edge',
          namespace: 'payments-half-dev',
          roles: [{ kind: 'ClusterRole', name: 'edit' }],
        }),
        namespaceAccess({
          cluster: 'edge',
          namespace: 'payments-new-dev',
          roles: [],
        }),
      ]),
    });
    await renderMyNamespaces(api);

    // The backend decides who "me" is, from the credentials.
    expect(api.listAccess).toHaveBeenCalledWith({ mine: true });
    const sandbox = await screen.findByRole('list', {
      name: 'Your namespaces on sandbox',
    });
    const rows = within(sandbox).getAllByRole('listitem');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('payments-api-dev');
    expect(rows[0]).toHaveTextContent(/edit\s*binding manager\s*view/);
    expect(rows[0]).toHaveTextContent(
      'You are a member of payments, which owns it.',
    );
    expect(rows[0]).toHaveTextContent(
      'The RoleBinding team-view, made with kubectl, names your group payments.',
    );
    expect(rows[1]).toHaveTextContent('search-api-qa (provisioning)');
    expect(rows[1]).toHaveTextContent(
      'You were added as an extra member by dave, until',
    );
    const edge = screen.getByRole('list', { name: 'Your namespaces on edge' });
    const [full, half, fresh] = within(edge).getAllByRole('listitem');
    expect(full).toHaveTextContent('payments-edge-dev');
    expect(full).toHaveTextContent(/edit\s*binding manager/);
    expect(half).toHaveTextContent('payments-half-dev');
    expect(within(half).getByText('edit')).toBeInTheDocument();
    expect(within(half).queryByText('binding manager')).toBeNull();
    expect(within(fresh).getByText('no RoleBinding yet')).toBeInTheDocument();
    expect(within(fresh).queryByText('edit')).toBeNull();
  });

  it('says so, with a way to request one, when the user can use no namespace', async () => {
    await renderMyNamespaces(fakeNamespaceApi());
    expect(
      await screen.findByText(/You cannot use any namespace yet/),
    ).toBeInTheDocument();
    // A link drawn as a button (LinkButton gives it the button role).
    expect(
      screen.getByRole('button', { name: 'Request a namespace' }),
    ).toHaveAttribute('href', '/cluster-access/request-namespace');
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
  });
});
