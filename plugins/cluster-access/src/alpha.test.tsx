import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { identityApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { clusterAccessApiRef } from './api';
import clusterAccessPlugin, {
  entityGroupNamespacesCard,
  entityUserAccessCard,
} from './alpha';
import { rootRouteRef } from './routes';
import {
  fakeNamespaceApi,
  managedNamespace,
  namespaceAccess,
} from './testUtils/namespaces';

const history = [
  {
    id: 'e1',
    createdAt: '2026-11-28T10:00:00.000Z',
    actor: 'user:default/carol',
    type: 'request.approved',
    message: 'carol approved payments-dev',
  },
];

describe('new frontend system export (/alpha)', () => {
  it('installs as a plugin whose page is served at /cluster-access', async () => {
    expect(clusterAccessPlugin.pluginId).toBe('cluster-access');
    const listHistoryPage = jest.fn(async () => ({
      items: history,
      pageInfo: {},
    }));
    renderTestApp({
      features: [clusterAccessPlugin],
      apis: [[clusterAccessApiRef, { listHistoryPage }]],
      initialRouteEntries: ['/cluster-access/history'],
    });
    expect(
      await screen.findByText('carol approved payments-dev'),
    ).toBeInTheDocument();
  });

  it('draws one header, with a tab per sub-page, and lets config disable a tab', async () => {
    const listHistoryPage = jest.fn(async () => ({
      items: history,
      pageInfo: {},
    }));
    renderTestApp({
      features: [clusterAccessPlugin],
      apis: [[clusterAccessApiRef, { listHistoryPage }]],
      initialRouteEntries: ['/cluster-access/history'],
      config: {
        app: {
          extensions: [{ 'sub-page:cluster-access/namespaces': false }],
        },
      },
    });
    expect(
      await screen.findByText('carol approved payments-dev'),
    ).toBeInTheDocument();
    // The app's page header is the only one: the page draws none itself.
    expect(
      screen.getAllByRole('heading', { name: 'Cluster access' }),
    ).toHaveLength(1);
    expect(
      screen.queryByText('Self-service, short-lived access to Kubernetes'),
    ).not.toBeInTheDocument();
    for (const tab of [
      'Get cluster access',
      'Request namespace',
      'Requests',
      'History',
    ]) {
      expect(screen.getByRole('tab', { name: tab })).toBeInTheDocument();
    }
    expect(
      screen.queryByRole('tab', { name: 'Namespaces' }),
    ).not.toBeInTheDocument();
  });

  it('serves the Get cluster access tab at /cluster-access', async () => {
    const api = {
      listHistory: jest.fn(async () => history),
      getIdentity: jest.fn(async () => ({
        username: 'carol',
        groups: ['platform'],
        defaultTtlSeconds: 3600,
        maxTtlSeconds: 3600,
      })),
      issueCertificate: jest.fn(),
      listCertificates: jest.fn(async () => []),
      revokeCertificate: jest.fn(),
      listAccess: jest.fn(async () => []),
    };
    renderTestApp({
      features: [clusterAccessPlugin],
      apis: [
        [clusterAccessApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ],
      initialRouteEntries: ['/cluster-access'],
    });
    expect(await screen.findByText('carol')).toBeInTheDocument();
    expect(screen.getByText('platform')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: /generate certificate/i }),
    ).toBeInTheDocument();
  });

  it('serves the Request namespace tab at /cluster-access/request-namespace', async () => {
    const api = fakeNamespaceApi();
    renderTestApp({
      features: [clusterAccessPlugin],
      apis: [
        [clusterAccessApiRef, api],
        [permissionApiRef, mockApis.permission()],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/alice',
            ownershipEntityRefs: ['group:default/payments'],
          }),
        ],
      ],
      initialRouteEntries: [
        '/cluster-access/request-namespace?owner=group:default/payments',
      ],
    });
    expect(await screen.findByLabelText('Namespace name')).toHaveValue(
      'payments-app-dev',
    );
    expect(
      screen.getByRole('button', { name: 'Request namespace' }),
    ).toBeInTheDocument();
  });

  it('renders the User card for a user entity', async () => {
    const listHistory = jest.fn(async () => history);
    const listAccess = jest.fn(async () => [namespaceAccess()]);
    const card = createExtensionTester(entityUserAccessCard).reactElement();
    await renderInTestApp(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: { name: 'carol', namespace: 'default' },
        }}
      >
        {card}
      </EntityProvider>,
      {
        apis: [[clusterAccessApiRef, { listHistory, listAccess }]],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByText('carol approved payments-dev'),
    ).toBeInTheDocument();
    expect(await screen.findByText('payments-api-dev')).toBeInTheDocument();
    expect(listHistory).toHaveBeenCalledWith({
      actor: 'user:default/carol',
      limit: 5,
    });
    expect(listAccess).toHaveBeenCalledWith({
      user: 'user:default/carol',
    });
  });

  it('renders the Group card with the Group’s namespaces for a group entity', async () => {
    const listNamespaces = jest.fn(async () => [managedNamespace()]);
    const card = createExtensionTester(
      entityGroupNamespacesCard,
    ).reactElement();
    await renderInTestApp(
      <EntityProvider
        entity={{
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Group',
          metadata: { name: 'payments', title: 'Payments team' },
        }}
      >
        {card}
      </EntityProvider>,
      {
        apis: [
          [clusterAccessApiRef, { listNamespaces, listAccess: async () => [] }],
          mockApis.identity({
            userEntityRef: 'user:default/alice',
            ownershipEntityRefs: ['group:default/payments'],
          }),
        ],
        mountedRoutes: { '/cluster-access': rootRouteRef },
      },
    );
    expect(
      await screen.findByText('Kubernetes namespaces owned by Payments team'),
    ).toBeInTheDocument();
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
});
