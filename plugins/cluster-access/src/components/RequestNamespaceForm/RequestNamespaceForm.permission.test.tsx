import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { clusterAccessApiRef } from '../../api';
import { fakeNamespaceApi } from '../../testUtils/namespaces';
import { RequestNamespaceForm } from './RequestNamespaceForm';

// A file of its own: usePermission caches decisions per permission in a
// module-level SWR cache, so another test's ALLOW would be served here.
describe('RequestNamespaceForm without the request permission', () => {
  it('disables Request namespace and says why', async () => {
    const authorize = jest.fn(() => 'DENY' as const);
    const api = fakeNamespaceApi();
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [clusterAccessApiRef, api],
          [
            identityApiRef,
            mockApis.identity({
              userEntityRef: 'user:default/mallory',
              ownershipEntityRefs: ['group:default/guests'],
            }),
          ],
          [permissionApiRef, mockApis.permission({ authorize })],
        ]}
      >
        <RequestNamespaceForm />
      </TestApiProvider>,
      { routeEntries: ['/request-namespace?owner=group:default/guests'] },
    );
    await userEvent.type(
      await screen.findByLabelText('Reason'),
      'a valid request otherwise',
    );
    expect(screen.getByLabelText('Namespace name')).toHaveValue(
      'guests-app-dev',
    );
    expect(
      await screen.findByText(
        'You do not have permission to request namespaces on this portal.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Request namespace' }),
    ).toBeDisabled();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'cluster-access.request.create',
        }),
      }),
    );
    expect(api.createRequest).not.toHaveBeenCalled();
  });
});
