import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  mockApis,
  renderInTestApp,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { clusterAccessApiRef } from './api';
import clusterAccessPlugin, {
  entityGroupNamespacesCard,
  entityUserAccessCard,
} from './alpha';

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
    const listHistory = jest.fn(async () => history);
    renderTestApp({
      features: [clusterAccessPlugin],
      apis: [[clusterAccessApiRef, { listHistory }]],
      initialRouteEntries: ['/cluster-access/history'],
    });
    expect(
      await screen.findByText('carol approved payments-dev'),
    ).toBeInTheDocument();
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

  it('renders the User card for a user entity', async () => {
    const listHistory = jest.fn(async () => history);
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
      { apis: [[clusterAccessApiRef, { listHistory }]] },
    );
    expect(
      await screen.findByText('carol approved payments-dev'),
    ).toBeInTheDocument();
    expect(listHistory).toHaveBeenCalledWith({
      actor: 'user:default/carol',
      limit: 20,
    });
  });

  it('renders the Group card for a group entity', async () => {
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
    );
    expect(await screen.findByText(/Payments team/)).toBeInTheDocument();
  });
});
