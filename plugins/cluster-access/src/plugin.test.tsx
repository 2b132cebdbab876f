import { screen } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import userEvent from '@testing-library/user-event';
import { identityApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  clusterAccessApiRef,
  ClusterAccessPage as ClusterAccessPageExtension,
  clusterAccessPlugin,
  clusterAccessRouteRef,
  EntityGroupNamespacesCard,
  EntityUserAccessCard,
} from './index';
import { ClusterAccessPage } from './components/ClusterAccessPage';
import {
  fakeNamespaceApi,
  managedNamespace,
  namespaceAccess,
  namespaceRequest,
} from './testUtils/namespaces';

const history = [
  {
    id: 'e1',
    createdAt: '2026-11-28T10:00:00.000Z',
    actor: 'user:default/alice',
    type: 'certificate.issued',
    message: 'Certificate issued to alice',
  },
];

describe('legacy frontend system export', () => {
  it('is a plugin with the cluster-access id and a root route', () => {
    expect(clusterAccessPlugin.getId()).toBe('cluster-access');
    expect(clusterAccessPlugin.routes.root).toBeDefined();
    // The routable page that apps mount in their FlatRoutes.
    expect(typeof ClusterAccessPageExtension).toBe('function');
  });

  it('renders the page with the history from the API', async () => {
    const listHistoryPage = jest.fn(async () => ({
      items: history,
      pageInfo: {},
    }));
    await renderInTestApp(
      <TestApiProvider apis={[[clusterAccessApiRef, { listHistoryPage }]]}>
        <ClusterAccessPage />
      </TestApiProvider>,
      {
        routeEntries: ['/history'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByText('Certificate issued to alice'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('Cluster access').length).toBeGreaterThan(0);
  });

  it('opens on the Get cluster access tab, with who the certificate is for', async () => {
    const api = {
      listHistory: jest.fn(async () => history),
      getIdentity: jest.fn(async () => ({
        username: 'alice',
        groups: ['payments'],
        defaultTtlSeconds: 3600,
        maxTtlSeconds: 86400,
      })),
      issueCertificate: jest.fn(),
      listCertificates: jest.fn(async () => []),
      revokeCertificate: jest.fn(),
      listAccess: jest.fn(async () => []),
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [clusterAccessApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <ClusterAccessPage />
      </TestApiProvider>,
    );
    expect(await screen.findByText('alice')).toBeInTheDocument();
    expect(screen.getByText('payments')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /generate certificate/i }),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('You have no active certificates.'),
    ).toBeInTheDocument();
    expect(api.listHistory).not.toHaveBeenCalled();
  });

  it('renders the User card with that user’s namespaces and activity', async () => {
    const listHistory = jest.fn(async () => history);
    const listAccess = jest.fn(async () => [namespaceAccess()]);
    await renderInTestApp(
      <TestApiProvider
        apis={[[clusterAccessApiRef, { listHistory, listAccess }]]}
      >
        <EntityProvider
          entity={{
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'User',
            metadata: { name: 'alice', namespace: 'default' },
          }}
        >
          <EntityUserAccessCard />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByText('Certificate issued to alice'),
    ).toBeInTheDocument();
    expect(await screen.findByText('payments-api-dev')).toBeInTheDocument();
    expect(listHistory).toHaveBeenCalledWith({
      actor: 'user:default/alice',
      limit: 5,
    });
    expect(listAccess).toHaveBeenCalledWith({
      user: 'user:default/alice',
    });
  });

  it('renders the Group card with the Group’s namespaces and a link to request one', async () => {
    const listNamespaces = jest.fn(async () => [managedNamespace()]);
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [clusterAccessApiRef, { listNamespaces, listAccess: async () => [] }],
          [
            identityApiRef,
            mockApis.identity({
              userEntityRef: 'user:default/alice',
              ownershipEntityRefs: ['group:default/payments'],
            }),
          ],
        ]}
      >
        <EntityProvider
          entity={{
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Group',
            metadata: { name: 'payments', namespace: 'default' },
          }}
        >
          <EntityGroupNamespacesCard />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/cluster-access': clusterAccessRouteRef } },
    );
    expect(await screen.findByText('payments-api-dev')).toBeInTheDocument();
    expect(listNamespaces).toHaveBeenCalledWith({
      owner: 'group:default/payments',
    });
    expect(
      screen.getByRole('link', { name: /Request a namespace/ }),
    ).toHaveAttribute(
      'href',
      '/cluster-access/request-namespace?owner=group%3Adefault%2Fpayments',
    );
  });

  it('serves the namespace tabs, reachable from the tab bar', async () => {
    const api = fakeNamespaceApi({
      listRequests: jest.fn(async () => [namespaceRequest()]),
      listNamespaces: jest.fn(async () => [managedNamespace()]),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [clusterAccessApiRef, api],
          [permissionApiRef, mockApis.permission()],
          [
            identityApiRef,
            mockApis.identity({
              userEntityRef: 'user:default/alice',
              ownershipEntityRefs: ['group:default/payments'],
            }),
          ],
        ]}
      >
        <ClusterAccessPage />
      </TestApiProvider>,
      {
        // The fake tiers offer two of the user's Groups: name one.
        routeEntries: ['/request-namespace?owner=group:default/payments'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(await screen.findByLabelText('Namespace name')).toHaveValue(
      'payments-app-dev',
    );

    await userEvent.click(screen.getByRole('tab', { name: 'Requests' }));
    expect(
      await screen.findByText('Waiting for a decision'),
    ).toBeInTheDocument();
    expect(screen.getAllByText('payments-api-qa').length).toBeGreaterThan(0);

    await userEvent.click(screen.getByRole('tab', { name: 'Namespaces' }));
    await screen.findAllByText('payments-api-dev');
    expect(
      screen.getAllByRole('progressbar', { name: /pods/i }).length,
    ).toBeGreaterThan(0);
  });

  it('shows the backend error when the history cannot be read', async () => {
    const listHistoryPage = jest.fn(async () => {
      throw new Error('backend unavailable');
    });
    await renderInTestApp(
      <TestApiProvider apis={[[clusterAccessApiRef, { listHistoryPage }]]}>
        <ClusterAccessPage />
      </TestApiProvider>,
      {
        routeEntries: ['/history'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByText('Error: backend unavailable'),
    ).toBeInTheDocument();
  });
});
