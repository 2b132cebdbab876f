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
import {
  clientSubject,
  createCsr,
  createSmugglingCsr,
} from './__testUtils__/pki';
import { clusterAccessPlugin } from './plugin';

jest.setTimeout(120_000);

const KUBECTL = '/usr/bin/kubectl';

// What the catalog would resolve: two alices in different catalog
// namespaces, and a Group named like the real admins' in a namespace an
// attacker controls.
const memberships: Record<string, string[]> = {
  'user:default/alice': ['group:default/payments'],
  'user:eu/alice': ['group:eu/payments', 'group:attacker/platform-admins'],
  'user:default/carol': ['group:default/payments'],
};

const userInfoFactory = userInfoServiceFactory(ref => memberships[ref] ?? []);

/**
 * The attacks of issue #8 against the real router, the Vault peer and the
 * Kubernetes peer: each is refused with a clear 4xx, nothing is recorded,
 * Vault is not touched, and identities never collide.
 */
describe('clusterAccessPlugin: certificate attacks against both peers', () => {
  let vault: TestVault;
  let kube: KubePeer;
  let workDir: string;
  let approleAccessor: string;

  beforeAll(async () => {
    vault = await startTestVault({ approle: true });
    kube = await startKubePeer({ clientCaPems: [vault.setup.caPem] });
    workDir = mkdtempSync(join(tmpdir(), 'cluster-access-attacks-'));
    const mounts = await vault.root('GET', 'sys/auth');
    approleAccessor = mounts.data['approle/'].accessor;
  });
  afterAll(async () => {
    await kube?.close();
    await vault?.peer.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  async function startBackend() {
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
              vault: {
                address: vault.peer.url,
                pkiMount: vault.setup.pkiMount,
                role: vault.setup.roleName,
                timeoutMs: 2000,
                // The organisation's login mount; approle stands in for OIDC.
                identity: { aliasMountPath: 'approle' },
                auth: { method: 'token', token: vault.setup.backendToken },
              },
              clusters: [
                {
                  name: 'sandbox',
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

  /**
   * Identity and PKI calls to Vault while `fn` ran (the peer counts every
   * request; the plugin's background role check at startup is left out).
   */
  async function vaultCallsDuring(fn: () => Promise<void>) {
    vault.peer.reset();
    await fn();
    return Object.keys(vault.peer.requestCounts()).filter(k =>
      /\/v1\/(identity\/|sys\/auth|pki\/(sign|revoke|issue))/.test(k),
    );
  }

  async function whoami(kubeconfig: string) {
    const { stdout } = await promisify(execFile)(
      KUBECTL,
      ['--kubeconfig', kubeconfig, 'auth', 'whoami', '-o', 'json'],
      { env: { PATH: process.env.PATH ?? '', HOME: workDir } },
    );
    return JSON.parse(stdout).status.userInfo;
  }

  it('refuses smuggled extensions and a second CN without a Vault call, recording nothing', async () => {
    const backend = await startBackend();
    const alice = mockCredentials.user.header('user:default/alice');
    try {
      for (const [csr, message] of [
        [
          await createSmugglingCsr({
            subject: clientSubject('alice', ['payments']),
          }),
          /2 extensionRequest attributes.*1\.3\.6\.1\.5\.5\.7\.3\.9.*keyCertSign/,
        ],
        // kube-apiserver would read the last CN, "admin".
        [
          await createCsr({
            subject: [
              { CN: ['alice'] },
              { O: ['payments'] },
              { CN: ['admin'] },
            ],
          }),
          /exactly one CN/,
        ],
      ] as const) {
        let res: request.Response | undefined;
        const calls = await vaultCallsDuring(async () => {
          res = await request(backend.server)
            .post('/api/cluster-access/certificates')
            .set('authorization', alice)
            .send({ csr });
        });
        expect(res!.status).toBe(400);
        expect(res!.body.error.message).toMatch(message);
        expect(calls).toEqual([]);
      }
      const listed = await request(backend.server)
        .get('/api/cluster-access/certificates')
        .set('authorization', alice);
      expect(listed.body.items).toEqual([]);
      await expect(
        vault.root('GET', 'identity/entity/name/alice'),
      ).rejects.toThrow(/404/);
      const history = await request(backend.server)
        .get('/api/cluster-access/history')
        .set('authorization', alice);
      expect(history.body.items).toEqual([
        expect.objectContaining({
          type: 'certificate.failed',
          message:
            'Certificate issuance failed: the request did not meet the rules for a client certificate.',
        }),
        expect.objectContaining({ type: 'certificate.failed' }),
      ]);
    } finally {
      await backend.stop();
    }
  });

  it('creates no Vault entity for people who only look', async () => {
    const backend = await startBackend();
    try {
      const calls = await vaultCallsDuring(async () => {
        const res = await request(backend.server)
          .get('/api/cluster-access/identity')
          .set(
            'authorization',
            mockCredentials.user.header('user:default/carol'),
          );
        expect(res.status).toBe(200);
      });
      // Reads only: the alias lookup is a POST that writes nothing.
      expect(calls.sort()).toEqual([
        'GET /v1/identity/entity/name/carol',
        'GET /v1/sys/auth',
        'POST /v1/identity/lookup/entity',
      ]);
      await expect(
        vault.root('GET', 'identity/entity/name/carol'),
      ).rejects.toThrow(/404/);
    } finally {
      await backend.stop();
    }
  });

  it("gives the two alices different Kubernetes users, never the admins' group, and leaves the login alias in place", async () => {
    // eu/alice logged in to Vault once (her login entity holds the alias),
    // and a Vault operator put that entity in two groups.
    const login = await vault.root('POST', 'identity/entity', {
      name: 'login-eu-alice',
    });
    await vault.root('POST', 'identity/entity-alias', {
      name: 'eu/alice',
      mount_accessor: approleAccessor,
      canonical_id: login.data.id,
    });
    for (const name of ['oncall', 'kubeadm:cluster-admins']) {
      await vault.root('POST', 'identity/group', {
        name,
        member_entity_ids: [login.data.id],
      });
    }
    const backend = await startBackend();
    try {
      const users: Record<string, unknown> = {};
      for (const ref of ['user:default/alice', 'user:eu/alice']) {
        const auth = mockCredentials.user.header(ref);
        const identity = await request(backend.server)
          .get('/api/cluster-access/identity')
          .set('authorization', auth);
        expect(identity.status).toBe(200);
        const { csrPem, privateKeyPem } = await generateClientKeyAndCsr({
          username: identity.body.username,
          groups: identity.body.groups,
        });
        const issued = await request(backend.server)
          .post('/api/cluster-access/certificates')
          .set('authorization', auth)
          .send({ csr: csrPem });
        expect(issued.status).toBe(201);
        const kubeconfig = join(workDir, `${ref.replace(/\W/g, '-')}.yaml`);
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
        users[ref] = await whoami(kubeconfig);
      }
      expect(users).toEqual({
        'user:default/alice': {
          username: 'alice',
          groups: ['payments', 'system:authenticated'],
        },
        'user:eu/alice': {
          username: 'eu/alice',
          groups: [
            'attacker/platform-admins',
            'eu/payments',
            'oncall',
            'system:authenticated',
          ],
        },
      });
      // Her login alias stayed on her login entity, now marked as hers.
      const owner = await vault.root('POST', 'identity/lookup/entity', {
        alias_name: 'eu/alice',
        alias_mount_accessor: approleAccessor,
      });
      expect(owner.data.id).toBe(login.data.id);
      expect(owner.data.metadata).toEqual({
        backstage_entity_ref: 'user:eu/alice',
      });
    } finally {
      await backend.stop();
    }
  });
});
