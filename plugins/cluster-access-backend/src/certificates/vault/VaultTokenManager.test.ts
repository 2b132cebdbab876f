import { createMockDirectory } from '@backstage/backend-test-utils';
import { randomUUID } from 'node:crypto';
import { statSync, utimesSync } from 'node:fs';
import { VaultAuthSettings } from '../../config/types';
import {
  recordingLogger,
  startTestVault,
  TestVault,
} from '../../__testUtils__/vault';
import { VaultClient } from './VaultClient';
import {
  KubePeer,
  startKubePeer,
  tokenReviewerJwt,
} from '@cluster-access/sandbox';

jest.setTimeout(60_000);

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('VaultTokenManager against the Vault peer', () => {
  const mockDir = createMockDirectory();
  let vault: TestVault;
  let kube: KubePeer;

  beforeAll(async () => {
    kube = await startKubePeer({
      provisionerServiceAccount: { namespace: 'backstage', name: 'backstage' },
    });
    // As deploy/vault/setup.sh configures it: Vault checks each login's JWT
    // with a TokenReview, as a reviewer bound to system:auth-delegator
    // (deploy/kubernetes/vault-token-reviewer.yaml).
    vault = await startTestVault({
      approle: true,
      kubernetes: {
        host: kube.url,
        caCert: kube.caPem,
        tokenReviewerJwt: tokenReviewerJwt(kube, 'backstage'),
        serviceAccount: 'backstage',
        namespace: 'backstage',
      },
    });
  });
  afterAll(async () => {
    await Promise.all([vault.peer.close(), kube.close()]);
  });
  beforeEach(() => {
    vault.peer.reset();
  });

  function makeClient(auth: VaultAuthSettings) {
    const { logger, lines } = recordingLogger();
    const client = VaultClient.create({
      config: vault.config({ auth }),
      logger,
    });
    // Any call the backend policy allows proves the token works.
    const readRole = () =>
      client.read(`${vault.setup.pkiMount}/roles/${vault.setup.roleName}`, {
        action: 'read the role',
      });
    return { client, lines, readRole };
  }

  async function approleWith(options: { ttl: string; maxTtl: string }) {
    const name = `short-${randomUUID().slice(0, 8)}`;
    await vault.root('POST', `auth/approle/role/${name}`, {
      token_policies: [vault.setup.backendPolicy],
      token_ttl: options.ttl,
      token_max_ttl: options.maxTtl,
    });
    const roleId = (
      await vault.root('GET', `auth/approle/role/${name}/role-id`)
    ).data.role_id;
    const secretId = (
      await vault.root('POST', `auth/approle/role/${name}/secret-id`, {})
    ).data.secret_id;
    return { method: 'approle' as const, mount: 'approle', roleId, secretId };
  }

  const count = (key: string) => vault.peer.requestCounts()[key] ?? 0;

  it('renews a short-lived token before it expires', async () => {
    const created = await vault.root('POST', 'auth/token/create', {
      policies: [vault.setup.backendPolicy],
      ttl: '3s',
      renewable: true,
    });
    const token = created.auth.client_token;
    const { client, readRole } = makeClient({ method: 'token', token });
    await readRole();
    await sleep(4500);
    // Past the original TTL: only renewal keeps the token alive.
    await expect(readRole()).resolves.toMatchObject({
      data: { client_flag: true },
    });
    expect(count('POST /v1/auth/token/renew-self')).toBeGreaterThanOrEqual(1);
    client.close();
  });

  it('still renews a token it could not look up while Vault was sealed', async () => {
    const created = await vault.root('POST', 'auth/token/create', {
      policies: [vault.setup.backendPolicy],
      ttl: '3s',
      renewable: true,
    });
    const { client, readRole } = makeClient({
      method: 'token',
      token: created.auth.client_token,
    });
    vault.peer.seal();
    await expect(readRole()).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
      message: expect.stringMatching(/sealed/),
    });
    vault.peer.unseal();
    await readRole();
    await sleep(4500);
    await expect(readRole()).resolves.toBeDefined();
    client.close();
  });

  it('logs in again when renewal no longer extends the token (max TTL)', async () => {
    const auth = await approleWith({ ttl: '2s', maxTtl: '3s' });
    const { client, readRole } = makeClient(auth);
    await readRole();
    await sleep(4500);
    // Before any request: the manager logged in again on its own.
    expect(count('POST /v1/auth/approle/login')).toBeGreaterThanOrEqual(2);
    expect(count('POST /v1/auth/token/renew-self')).toBeGreaterThanOrEqual(1);
    await readRole();
    client.close();
  });

  it('logs in again when renewal fails', async () => {
    const auth = await approleWith({ ttl: '3s', maxTtl: '1h' });
    const { client, readRole, lines } = makeClient(auth);
    await readRole();
    vault.peer.failNext(1, { status: 500, path: /renew-self/ });
    await sleep(2600);
    expect(lines.join('\n')).toMatch(/renewal failed .*logging in again/);
    expect(count('POST /v1/auth/approle/login')).toBe(2);
    await readRole();
    client.close();
  });

  it('logs in again when Vault no longer knows the token, and retries the request', async () => {
    const auth = await approleWith({ ttl: '1h', maxTtl: '1h' });
    const { client, readRole } = makeClient(auth);
    await readRole();
    const token = await client.tokens.getToken();
    await vault.root('POST', 'auth/token/revoke', { token });
    await expect(readRole()).resolves.toBeDefined();
    expect(count('POST /v1/auth/approle/login')).toBe(2);
    expect(await client.tokens.getToken()).not.toBe(token);
    client.close();
  });

  it('shares one login between concurrent requests', async () => {
    const auth = await approleWith({ ttl: '1h', maxTtl: '1h' });
    const { client, readRole } = makeClient(auth);
    vault.peer.setDelay(100);
    await Promise.all(Array.from({ length: 20 }, readRole));
    expect(count('POST /v1/auth/approle/login')).toBe(1);
    client.close();
  });

  it('does not retry a 403 when the token is fine (policy says no)', async () => {
    const auth = await approleWith({ ttl: '1h', maxTtl: '1h' });
    const { client } = makeClient(auth);
    const error = await client
      .read('sys/policies/acl/root', { action: 'read a policy' })
      .catch(e => e);
    expect(error.statusCode).toBe(502);
    expect(count('POST /v1/auth/approle/login')).toBe(1);
    client.close();
  });

  it('re-reads a token file when it changes, and when Vault rejects the old token', async () => {
    const newToken = async () =>
      (
        await vault.root('POST', 'auth/token/create', {
          policies: [vault.setup.backendPolicy],
          ttl: '1h',
        })
      ).auth.client_token as string;
    const first = await newToken();
    mockDir.setContent({ 'vault-token': `${first}\n` });
    const tokenFile = mockDir.resolve('vault-token');
    const { client, readRole, lines } = makeClient({
      method: 'tokenFile',
      tokenFile,
    });
    await readRole();
    expect(await client.tokens.getToken()).toBe(first);

    // An agent writes a new token: mtime changes.
    const second = await newToken();
    mockDir.setContent({ 'vault-token': second });
    const later = new Date(Date.now() + 5000);
    utimesSync(tokenFile, later, later);
    await vault.root('POST', 'auth/token/revoke', { token: first });
    await readRole();
    expect(await client.tokens.getToken()).toBe(second);

    // Same size and mtime (a coarse clock): Vault's 403 makes us re-read.
    const third = await newToken();
    const { mtime } = statSync(tokenFile);
    mockDir.setContent({ 'vault-token': third });
    utimesSync(tokenFile, mtime, mtime);
    await vault.root('POST', 'auth/token/revoke', { token: second });
    await readRole();
    expect(await client.tokens.getToken()).toBe(third);
    expect(lines.join('\n')).not.toContain(third);
    client.close();
  });

  it('logs in with a Kubernetes service-account JWT, re-read at each login', async () => {
    const jwt = (name: string) =>
      kube.issueServiceAccountToken({ namespace: 'backstage', name });
    mockDir.setContent({
      token: jwt('backstage'),
    });
    const auth: VaultAuthSettings = {
      method: 'kubernetes',
      mount: vault.setup.kubernetesAuth!.mount,
      role: vault.setup.kubernetesAuth!.role,
      jwtFile: mockDir.resolve('token'),
    };
    const { client, readRole } = makeClient(auth);
    await readRole();
    expect(count('POST /v1/auth/kubernetes/login')).toBe(1);

    // The next login reads the file again: a JWT of another service account
    // is refused, which shows it was re-read.
    mockDir.setContent({
      token: jwt('intruder'),
    });
    await vault.root('POST', 'auth/token/revoke', {
      token: await client.tokens.getToken(),
    });
    const error = await readRole().catch(e => e);
    expect(error.statusCode).toBe(502);
    expect(error.message).toMatch(/log in with kubernetes auth/);
    client.close();
  });

  it('cannot log in once its service account is deleted (the TokenReview fails)', async () => {
    const name = 'backstage';
    mockDir.setContent({
      token: kube.issueServiceAccountToken({ namespace: 'backstage', name }),
    });
    const { client, readRole } = makeClient({
      method: 'kubernetes',
      mount: vault.setup.kubernetesAuth!.mount,
      role: vault.setup.kubernetesAuth!.role,
      jwtFile: mockDir.resolve('token'),
    });
    kube.deleteObject({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      namespace: 'backstage',
      name,
    });
    try {
      const error = await readRole().catch(e => e);
      expect(error.statusCode).toBe(502);
      expect(error.message).toMatch(/log in with kubernetes auth/);
      expect(count('POST /v1/auth/kubernetes/login')).toBe(1);
    } finally {
      client.close();
      // Back for the other tests.
      kube.putObject({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name, namespace: 'backstage' },
      });
    }
  });
});
