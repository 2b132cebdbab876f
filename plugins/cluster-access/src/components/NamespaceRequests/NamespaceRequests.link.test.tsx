import { screen, within } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { clusterAccessApiRef } from '../../api';
import { fakeNamespaceApi, namespaceRequest } from '../../testUtils/namespaces';
import { NamespaceRequests } from './NamespaceRequests';

describe('NamespaceRequests opened from a link', () => {
  it('opens the details of the request named by ?request= (the scaffolder action’s link)', async () => {
    const linked = namespaceRequest({
      id: '00000000-0000-4000-8000-0000000000f1',
      namespace: 'payments-tmpl-qa',
    });
    const api = fakeNamespaceApi({
      getRequest: jest.fn(async () => linked),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [clusterAccessApiRef, api],
          [
            identityApiRef,
            mockApis.identity({ userEntityRef: 'user:default/alice' }),
          ],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <NamespaceRequests />
      </TestApiProvider>,
      {
        routeEntries: [`/requests?request=${linked.id}`],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getAllByText(/payments-tmpl-qa/).length,
    ).toBeGreaterThan(0);
    expect(api.getRequest).toHaveBeenCalledWith({ id: linked.id });
  }, 60_000);
});
