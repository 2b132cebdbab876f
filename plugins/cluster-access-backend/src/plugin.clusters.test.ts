import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  buildKubeconfig,
  generateClientKeyAndCsr,
} from '@cluster-access/plugin-cluster-access-common';
import { KubePeer, startKubePeer } from '@cluster-access/sandbox';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { eventually } from './__testUtils__/harness';
import { startTestVault, TestVault } from './__testUtils__/vault';
import { clusterAccessPlugin } from './plugin';

jest.setTimeout(120_000);

const b64 = (text: string) => Buffer.from(text).toString('base64');

/*
 * The whole plugin with the demo's two ways of declaring clusters: dev in
 * the Kubernetes plugin's config, qa as a catalog Resource read through the
 * catalog service after startup. One certificate, one kubeconfig with a
 * context per cluster, and the real kubectl against both peers.
 */
describe('clusterAccessPlugin: clusters declared once, for the Kubernetes plugin', () => {
  let vault: TestVault;
  let dev: KubePeer;
  let qa: KubePeer;
  let workDir: string;

  beforeAll(async () => {
    vault = await startTestVault({ approle: true });
    [dev, qa] = await Promise.all([
      startKubePeer({ clientCaPems: [vault.setup.caPem] }),
      startKubePeer({ clientCaPems: [vault.setup.caPem] }),
    ]);
    workDir = mkdtempSync(join(tmpdir(), 'cluster-access-clusters-'));
  });
  afterAll(async () => {
    await Promise.all([dev?.close(), qa?.close(), vault?.peer.close()]);
    rmSync(workDir, { recursive: true, force: true });
  });

  const qaEntity = () => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'qa',
      namespace: 'default',
      title: 'QA cluster',
      annotations: {
        'kubernetes.io/api-server': qa.url,
        'kubernetes.io/api-server-certificate-authority': b64(qa.caPem),
        'kubernetes.io/auth-provider': 'oidc',
      },
    },
    spec: { type: 'kubernetes-cluster', owner: 'group:default/platform' },
  });

  async function startBackend() {
    const { approle } = vault.setup;
    return startTestBackend({
      features: [
        clusterAccessPlugin,
        catalogServiceMock.factory({ entities: [qaEntity()] }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: {
              clusterLocatorMethods: [
                {
                  type: 'config',
                  clusters: [
                    {
                      name: 'dev',
                      url: dev.url,
                      authProvider: 'serviceAccount',
                      caData: b64(dev.caPem),
                    },
                  ],
                },
                { type: 'catalog', dangerouslyAllowClusterUrls: ['127.0.0.1'] },
              ],
            },
            clusterAccess: {
              certificates: { defaultTtl: '1h', maxTtl: { hours: 2 } },
              vault: {
                address: vault.peer.url,
                pkiMount: vault.setup.pkiMount,
                role: vault.setup.roleName,
                timeout: '2s',
                auth: {
                  method: 'approle',
                  approle: {
                    mount: approle!.mount,
                    roleId: approle!.roleId,
                    secretId: approle!.secretId,
                  },
                },
              },
            },
          },
        }),
      ],
    });
  }

  it('gives a kubeconfig with a context per cluster that kubectl uses on both', async () => {
    const backend = await startBackend();
    const { server } = backend;
    const alice = mockCredentials.user.header('user:default/alice');
    try {
      // The catalog is read once the backend has started.
      await eventually('the catalog cluster is offered', async () => {
        const clusters = await request(server)
          .get('/api/cluster-access/clusters')
          .set('authorization', alice);
        return clusters.body.items?.length === 2;
      });
      const identity = await request(server)
        .get('/api/cluster-access/identity')
        .set('authorization', alice);
      expect(identity.body).toMatchObject({
        defaultTtlSeconds: 3600,
        maxTtlSeconds: 7200,
      });
      const { csrPem, privateKeyPem } = await generateClientKeyAndCsr({
        username: identity.body.username,
        groups: identity.body.groups,
      });
      const issued = await request(server)
        .post('/api/cluster-access/certificates')
        .set('authorization', alice)
        .send({ csr: csrPem });
      expect(issued.status).toBe(201);
      expect(issued.body.clusters).toEqual([
        {
          name: 'dev',
          server: dev.url,
          certificateAuthorityData: b64(dev.caPem),
        },
        {
          name: 'qa',
          title: 'QA cluster',
          server: qa.url,
          certificateAuthorityData: b64(qa.caPem),
        },
      ]);
      const kubeconfig = join(workDir, 'alice.yaml');
      writeFileSync(
        kubeconfig,
        buildKubeconfig({
          username: issued.body.username,
          certificatePem: issued.body.certificate,
          caChain: issued.body.caChain,
          privateKeyPem,
          clusters: issued.body.clusters,
        }),
        { mode: 0o600 },
      );
      for (const [context, peer] of [
        ['dev', dev],
        ['qa', qa],
      ] as const) {
        peer.resetCounts();
        const { stdout } = await promisify(execFile)(
          'kubectl',
          [
            '--kubeconfig',
            kubeconfig,
            '--context',
            context,
            'auth',
            'whoami',
            '-o',
            'json',
          ],
          { env: { PATH: process.env.PATH ?? '', HOME: workDir } },
        );
        expect(JSON.parse(stdout).status.userInfo.username).toBe('alice');
        // Answered by that cluster's peer, not the other one.
        expect(
          Object.values(peer.requestCounts()).reduce((a, b) => a + b, 0),
        ).toBeGreaterThan(0);
      }
    } finally {
      await backend.stop();
    }
  });
});
