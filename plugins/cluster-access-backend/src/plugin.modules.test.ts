import 'reflect-metadata';
import { createBackendModule } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  clusterAccessClusterClientProviderExtensionPoint,
  ClusterSettings,
} from '@cluster-access/plugin-cluster-access-node';
import request from 'supertest';
import { clusterAccessPlugin } from './plugin';
import { clientSubject, createCsr, createTestCa } from './__testUtils__/pki';
import {
  createTestSignerModule,
  InMemoryCaSigner,
} from './__testUtils__/testSignerModule';

jest.setTimeout(60_000);

const ALICE = 'user:default/alice';

describe('modules of the cluster-access plugin', () => {
  it('issues and revokes through a signer that a separate module registered, without Vault', async () => {
    const signer = new InMemoryCaSigner(await createTestCa('Module CA'));
    const { server } = await startTestBackend({
      features: [
        clusterAccessPlugin,
        createTestSignerModule(signer),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            clusterAccess: {
              clusters: [{ name: 'prod', url: 'https://prod.example.com' }],
            },
          },
        }),
      ],
    });
    const as = mockCredentials.user.header(ALICE);

    const identity = await request(server)
      .get('/api/cluster-access/identity')
      .set('authorization', as);
    expect(identity.status).toBe(200);
    expect(identity.body).toMatchObject({ username: 'alice', groups: [] });
    // The module's signer caps the lifetime, as Vault's role would.
    expect(identity.body.maxTtlSeconds).toBe(3600);

    const csr = await createCsr({ subject: clientSubject('alice', []) });
    const issued = await request(server)
      .post('/api/cluster-access/certificates')
      .set('authorization', as)
      .send({ csr });
    expect(issued.status).toBe(201);
    expect(issued.body).toMatchObject({
      username: 'alice',
      groups: [],
      clusters: [{ name: 'prod', server: 'https://prod.example.com' }],
    });
    expect(signer.signed).toEqual([
      expect.objectContaining({ username: 'alice', groups: [] }),
    ]);

    const revoked = await request(server)
      .post(
        `/api/cluster-access/certificates/${issued.body.serialNumber}/revoke`,
      )
      .set('authorization', as);
    expect(revoked.status).toBe(200);
    expect(signer.revoked).toEqual([issued.body.serialNumber]);

    const history = await request(server)
      .get('/api/cluster-access/history')
      .set('authorization', as);
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual([
      'certificate.revoked',
      'certificate.issued',
    ]);
  });

  it('refuses a second signer: two modules must not race for issuance', async () => {
    const ca = await createTestCa('Module CA');
    await expect(
      startTestBackend({
        features: [
          clusterAccessPlugin,
          createTestSignerModule(new InMemoryCaSigner(ca), 'first'),
          createTestSignerModule(new InMemoryCaSigner(ca), 'second'),
        ],
      }),
    ).rejects.toThrow(/certificate signer has already been set/);
  });

  it('builds cluster clients with the provider a module set, from the configured clusters', async () => {
    const seen: ClusterSettings[][] = [];
    const { server } = await startTestBackend({
      features: [
        clusterAccessPlugin,
        createBackendModule({
          pluginId: 'cluster-access',
          moduleId: 'test-clients',
          register(env) {
            env.registerInit({
              deps: {
                clients: clusterAccessClusterClientProviderExtensionPoint,
              },
              async init({ clients }) {
                clients.setClusterClientProvider(({ clusters }) => {
                  seen.push(clusters);
                  return { forCluster: () => undefined };
                });
              },
            });
          },
        }),
        mockServices.rootConfig.factory({
          data: {
            clusterAccess: {
              clusters: [
                {
                  name: 'prod',
                  url: 'https://prod.example.com/',
                  serviceAccountToken: 'token',
                },
              ],
            },
          },
        }),
      ],
    });
    expect(seen).toEqual([
      [
        {
          name: 'prod',
          url: 'https://prod.example.com',
          credentials: { type: 'token', token: 'token' },
        },
      ],
    ]);
    const clusters = await request(server)
      .get('/api/cluster-access/clusters')
      .set('authorization', mockCredentials.user.header(ALICE));
    expect(clusters.body.items).toEqual([
      expect.objectContaining({ name: 'prod', provisioning: true }),
    ]);
  });
});
