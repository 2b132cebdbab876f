import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { clusterAccessApiRef } from '../../api';
import { errorResponse, fakeNamespaceApi } from '../../testUtils/namespaces';
import { RequestNamespaceForm } from './RequestNamespaceForm';

// `cluster-access.request.create` is a resource permission decided on the
// request being filed (a policy may allow dev but not prod), which the
// permission backend cannot be asked about before it exists: the backend
// decides when the form is sent, and its reason shows under the form.
describe('RequestNamespaceForm when the policy refuses the request', () => {
  it('shows the backend’s 403 with its reason and keeps the form', async () => {
    const authorize = jest.fn(() => 'DENY' as const);
    const api = fakeNamespaceApi({
      createRequest: jest.fn(async () => {
        throw await ResponseError.fromResponse(
          errorResponse(
            403,
            'NotAllowedError',
            'You are not allowed to cluster-access.request.create for tier dev on cluster sandbox owned by group:default/guests',
          ),
        );
      }),
    });
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
    await userEvent.click(
      screen.getByRole('button', { name: 'Request namespace' }),
    );
    expect(
      await screen.findByText(
        'Error: Not allowed: You are not allowed to cluster-access.request.create for tier dev on cluster sandbox owned by group:default/guests',
      ),
    ).toBeInTheDocument();
    expect(api.createRequest).toHaveBeenCalledTimes(1);
    expect(screen.getByLabelText('Namespace name')).toHaveValue(
      'guests-app-dev',
    );
    // Asking the permission backend without a resource would be refused.
    expect(authorize).not.toHaveBeenCalled();
  }, 60_000);
});
