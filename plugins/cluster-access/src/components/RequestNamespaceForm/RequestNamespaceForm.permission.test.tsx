import { screen } from '@testing-library/react';
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
  it('shows what is missing and whom to ask instead of a form that cannot be sent', async () => {
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
    expect(
      await screen.findByText('You can’t request namespaces on this portal'),
    ).toBeInTheDocument();
    // Without a configured contact, the message still says whom to ask.
    expect(
      screen.getByText(/Ask the people who run this portal/),
    ).toBeInTheDocument();
    expect(screen.queryByLabelText('Reason')).toBeNull();
    expect(
      screen.queryByRole('button', { name: 'Request namespace' }),
    ).toBeNull();
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
