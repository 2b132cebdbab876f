import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
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
import { userInfoServiceFactory } from './__testUtils__/harness';
import { startTestVault, TestVault } from './__testUtils__/vault';
import { clusterAccessPlugin } from './plugin';

jest.setTimeout(120_000);

const KUBECTL = '/usr/bin/kubectl';

// Catalog memberships, as the catalog would resolve them for userInfo.
const memberships: Record<string, string[]> = {
  'user:default/alice': ['group:default/payments'],
  'user:default/bob': ['group:default/payments', 'group:default/search'],
};

const userInfoFactory = userInfoServiceFactory(ref => memberships[ref] ?? []);

describe('clusterAccessPlugin: the whole certificate flow', () => {
  let vault: TestVault;
  let kube: KubePeer;
  let workDir: string;

  beforeAll(async () => {
    vault = await startTestVault({ approle: true });
    kube = await startKubePeer({ clientCaPems: [vault.setup.caPem] });
    workDir = mkdtempSync(join(tmpdir(), 'cluster-access-flow-'));
  });
  afterAll(async () => {
    await kube?.close();
    await vault?.peer.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function startBackend() {
    const { approle } = vault.setup;
    return startTestBackend({
      features: [
        clusterAccessPlugin,
        userInfoFactory,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
        mockServices.rootConfig.factory({
          data: {
            clusterAccess: {
              certificates: { defaultTtlSeconds: 3600, maxTtlSeconds: 7200 },
              vault: {
                address: vault.peer.url,
                pkiMount: vault.setup.pkiMount,
                role: vault.setup.roleName,
                timeoutMs: 2000,
                auth: {
                  method: 'approle',
                  approle: {
                    mount: approle!.mount,
                    roleId: approle!.roleId,
                    secretId: approle!.secretId,
                  },
                },
              },
              clusters: [
                {
                  name: 'sandbox',
                  title: 'Local sandbox cluster',
                  url: kube.url,
                  caData: Buffer.from(kube.caPem).toString('base64'),
                },
              ],
            },
          },
        }),
      ],
    });
  }

  it('issues a certificate that kubectl uses as the user, with their groups', async () => {
    const backend = await startBackend();
    const { server } = backend;
    const alice = mockCredentials.user.header('user:default/alice');
    try {
      expect(
        (await request(server).get('/api/cluster-access/identity')).status,
      ).toBe(401);

      // alice has no Vault entity yet; asking who she is creates none.
      const first = await request(server)
        .get('/api/cluster-access/identity')
        .set('authorization', alice);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        username: 'alice',
        groups: ['payments'],
        defaultTtlSeconds: 3600,
        maxTtlSeconds: 7200,
      });
      await expect(
        vault.root('GET', 'identity/entity/name/alice'),
      ).rejects.toThrow(/404/);

      // Her first certificate makes it.
      const warmUp = await generateClientKeyAndCsr({
        username: first.body.username,
        groups: first.body.groups,
      });
      expect(
        (
          await request(server)
            .post('/api/cluster-access/certificates')
            .set('authorization', alice)
            .send({ csr: warmUp.csrPem, ttlSeconds: 600 })
        ).status,
      ).toBe(201);
      const entity = await vault.root('GET', 'identity/entity/name/alice');
      expect(entity.data.metadata.backstage_entity_ref).toBe(
        'user:default/alice',
      );

      // A Vault group of hers shows up; a system: one never does.
      for (const name of ['platform-admins', 'system:masters']) {
        await vault.root('POST', 'identity/group', {
          name,
          member_entity_ids: [entity.data.id],
        });
      }
      const identity = await request(server)
        .get('/api/cluster-access/identity')
        .set('authorization', alice);
      expect(identity.body.groups).toEqual(['payments', 'platform-admins']);

      // The client's part: a key pair and a CSR, then the kubeconfig.
      const { csrPem, privateKeyPem } = await generateClientKeyAndCsr({
        username: identity.body.username,
        groups: identity.body.groups,
      });
      const issued = await request(server)
        .post('/api/cluster-access/certificates')
        .set('authorization', alice)
        .send({ csr: csrPem, ttlSeconds: 1800 });
      expect(issued.status).toBe(201);
      expect(issued.body.clusters).toEqual([
        {
          name: 'sandbox',
          title: 'Local sandbox cluster',
          server: kube.url,
          certificateAuthorityData: Buffer.from(kube.caPem).toString('base64'),
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
      const { stdout } = await promisify(execFile)(
        KUBECTL,
        ['--kubeconfig', kubeconfig, 'auth', 'whoami', '-o', 'json'],
        { env: { PATH: process.env.PATH ?? '', HOME: workDir } },
      );
      const review = JSON.parse(stdout);
      expect(review.kind).toBe('SelfSubjectReview');
      expect(review.status.userInfo.username).toBe('alice');
      expect([...review.status.userInfo.groups].sort()).toEqual([
        'payments',
        'platform-admins',
        'system:authenticated',
      ]);

      const listed = await request(server)
        .get('/api/cluster-access/certificates')
        .set('authorization', alice);
      expect(listed.body.items).toEqual([
        expect.objectContaining({
          serialNumber: issued.body.serialNumber,
          groups: ['payments', 'platform-admins'],
        }),
        expect.objectContaining({ groups: ['payments'] }),
      ]);

      const revoked = await request(server)
        .post(
          `/api/cluster-access/certificates/${issued.body.serialNumber}/revoke`,
        )
        .set('authorization', alice);
      expect(revoked.status).toBe(200);
      const inVault = await vault.root(
        'GET',
        `${vault.setup.pkiMount}/cert/${issued.body.serialNumber}`,
      );
      expect(inVault.data.revocation_time).toBeGreaterThan(0);

      const history = await request(server)
        .get('/api/cluster-access/history')
        .set('authorization', alice);
      expect(history.body.items.map((e: { type: string }) => e.type)).toEqual([
        'certificate.revoked',
        'certificate.issued',
        'certificate.issued',
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('answers 503 while Vault is sealed and 502 when Vault refuses', async () => {
    const backend = await startBackend();
    const { server } = backend;
    const bob = mockCredentials.user.header('user:default/bob');
    try {
      const identity = await request(server)
        .get('/api/cluster-access/identity')
        .set('authorization', bob);
      const { csrPem } = await generateClientKeyAndCsr({
        username: identity.body.username,
        groups: identity.body.groups,
      });

      vault.peer.seal();
      const sealed = await request(server)
        .post('/api/cluster-access/certificates')
        .set('authorization', bob)
        .send({ csr: csrPem });
      vault.peer.unseal();
      expect(sealed.status).toBe(503);
      expect(sealed.body.error.message).toMatch(/Vault is sealed/);

      vault.peer.failNext(1, {
        status: 403,
        message: 'permission denied',
        path: /sign-verbatim/,
      });
      const refused = await request(server)
        .post('/api/cluster-access/certificates')
        .set('authorization', bob)
        .send({ csr: csrPem });
      expect(refused.status).toBe(502);

      const ok = await request(server)
        .post('/api/cluster-access/certificates')
        .set('authorization', bob)
        .send({ csr: csrPem });
      expect(ok.status).toBe(201);
      expect(ok.body.groups).toEqual(['payments', 'search']);
    } finally {
      vault.peer.reset();
      await backend.stop();
    }
  });
});
