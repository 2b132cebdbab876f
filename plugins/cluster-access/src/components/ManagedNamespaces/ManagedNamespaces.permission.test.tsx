import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { clusterAccessApiRef } from '../../api';
import { fakeNamespaceApi, managedNamespace } from '../../testUtils/namespaces';
import { ManagedNamespaces } from './ManagedNamespaces';

// A file of its own: usePermission caches decisions per permission in a
// module-level SWR cache, so another test's ALLOW would be served here.
describe('ManagedNamespaces without the namespace permissions', () => {
  it('hides member management and Decommission even from the owner Group', async () => {
    const authorize = jest.fn(() => 'DENY' as const);
    const api = fakeNamespaceApi({
      listNamespaces: jest.fn(async () => [managedNamespace()]),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [clusterAccessApiRef, api],
          [
            identityApiRef,
            mockApis.identity({
              userEntityRef: 'user:default/alice',
              ownershipEntityRefs: ['group:default/payments'],
            }),
          ],
          [permissionApiRef, mockApis.permission({ authorize })],
        ]}
      >
        <ManagedNamespaces />
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    const row = (await screen.findByText('payments-api-dev')).closest(
      'tr',
    ) as HTMLElement;
    expect(
      within(row).queryByRole('button', { name: /Decommission/ }),
    ).toBeNull();
    await userEvent.click(
      within(row).getByRole('button', { name: 'Members of payments-api-dev' }),
    );
    const dialog = screen.getByRole('dialog');
    expect(within(dialog).getByText('dave')).toBeInTheDocument();
    expect(within(dialog).queryByRole('button', { name: /Remove/ })).toBeNull();
    expect(within(dialog).queryByLabelText('Add a user')).toBeNull();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'cluster-access.namespace.members.manage',
        }),
      }),
    );
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'cluster-access.namespace.delete',
        }),
      }),
    );
  });
});
