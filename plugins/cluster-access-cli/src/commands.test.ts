import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { credentialCachePath, writeCredentialCache } from './cache';
import { resolveExecCommand } from './commands/login';
import {
  runTestCli,
  TEST_IDENTITY,
  TEST_LAUNCHER,
  TEST_TOKEN,
} from './__testUtils__/cli';
import { makeCachedCredential } from './__testUtils__/credentials';
import {
  backstageError,
  json,
  startFakeBackend,
} from './__testUtils__/fakeBackend';

type Backend = Awaited<ReturnType<typeof startFakeBackend>>;
let backend: Backend;
let dir: string;

afterEach(async () => {
  await backend?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function setup(routes: Parameters<typeof startFakeBackend>[0]) {
  dir = mkdtempSync(join(tmpdir(), 'cluster-access-cmd-'));
  backend = await startFakeBackend(routes);
  return backend.url;
}

const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  runTestCli({
    args,
    dir,
    env: { KUBECACHEDIR: dir, ...env },
    launcher: TEST_LAUNCHER,
  });

async function cache(url: string, ttlSeconds: number, from = url) {
  const credential = await makeCachedCredential({
    backendUrl: from,
    ttlSeconds,
  });
  await writeCredentialCache(
    credentialCachePath({ backendUrl: url, env: { KUBECACHEDIR: dir } }),
    credential,
  );
  return credential;
}

describe('cluster-access credential', () => {
  it('prints a fresh cached certificate without calling Backstage', async () => {
    const url = await setup({});
    const credential = await cache(url, 3600);
    const result = await cli(['credential', '--backend-url', url]);
    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: expect.any(String),
    });
    expect(JSON.parse(result.stdout)).toEqual({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: {
        clientCertificateData: credential.clientCertificateData,
        clientKeyData: credential.clientKeyData,
        expirationTimestamp: credential.expiresAt,
      },
    });
    expect(backend.seen).toEqual([]);
  });

  it('answers in the ExecCredential version kubectl asks for', async () => {
    const url = await setup({});
    await cache(url, 3600);
    const result = await cli(['credential', '--backend-url', url], {
      KUBERNETES_EXEC_INFO: JSON.stringify({
        kind: 'ExecCredential',
        apiVersion: 'client.authentication.k8s.io/v1beta1',
        spec: { interactive: false },
      }),
    });
    expect(JSON.parse(result.stdout).apiVersion).toBe(
      'client.authentication.k8s.io/v1beta1',
    );
    const refused = await cli(['credential', '--backend-url', url], {
      KUBERNETES_EXEC_INFO:
        '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v2"}',
    });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('this plugin speaks');
  });

  it('renews a certificate cached for another backend on the same host', async () => {
    const url = await setup({
      'GET /identity': (_r, res) =>
        backstageError(res, 403, 'NotAllowedError', 'not allowed'),
    });
    await cache(url, 3600, `${url}/other`);
    const result = await cli(['credential', '--backend-url', url]);
    expect(backend.seen.map(r => r.path)).toEqual(['/identity']);
    // Another backend's certificate is no fallback either.
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `cluster-access: You are not allowed to get cluster access from ${url} (403) (not allowed). Ask your platform team if you think you should be.\n`,
    });
  });

  it('tells a user who is not signed in to sign in, and prints nothing for kubectl', async () => {
    const url = await setup({
      'GET /identity': (_r, res) =>
        backstageError(res, 401, 'AuthenticationError', 'Missing credentials'),
    });
    const result = await cli(['credential', '--backend-url', url]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `cluster-access: Backstage at ${url} did not accept your sign-in (401) (Missing credentials). Sign in again with: backstage-cli auth login --backend-url ${url}\n`,
    });
    expect(backend.seen[0].authorization).toBe(`Bearer ${TEST_TOKEN}`);
  });

  it('says so when Vault is unavailable and nothing usable is cached', async () => {
    const url = await setup({
      'GET /identity': (_r, res) => json(res, 200, TEST_IDENTITY),
      'POST /certificates': (_r, res) =>
        backstageError(res, 503, 'ServiceUnavailableError', 'Vault is sealed'),
    });
    const result = await cli(['credential', '--backend-url', url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^cluster-access: Vault is unavailable/);
    // A CSR went out; the private key did not.
    const body = JSON.parse(backend.seen[1].body);
    expect(Object.keys(body)).toEqual(['csr']);
    expect(body.csr).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
    expect(backend.seen[1].body).not.toContain('PRIVATE KEY');
  });

  it('keeps kubectl working with the cached certificate while it is valid, if renewal fails', async () => {
    const url = await setup({
      'GET /identity': (_r, res) => json(res, 200, TEST_IDENTITY),
      'POST /certificates': (_r, res) =>
        backstageError(res, 503, 'ServiceUnavailableError', 'Vault is sealed'),
    });
    const credential = await cache(url, 300);
    const result = await cli(['credential', '--backend-url', url]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).status.clientKeyData).toBe(
      credential.clientKeyData,
    );
    expect(result.stderr).toMatch(
      /^cluster-access: could not renew the certificate: Vault is unavailable.*\ncluster-access: using the cached one, valid for 4m5\ds more\n$/,
    );
  });
});

describe('cluster-access status', () => {
  it('shows user, groups and time left, and exits 0 while a certificate is valid', async () => {
    const url = await setup({});
    const credential = await cache(url, 7200);
    const result = await cli(['status', '--backend-url', url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${url}\n  user:    alice\n`);
    expect(result.stdout).toContain('  groups:  payments\n');
    expect(result.stdout).toContain(
      `  expires: ${credential.expiresAt} (1h59m left)`,
    );
    // Every cached backend when none is named.
    expect((await cli(['status'])).stdout).toBe(result.stdout);
  });

  it('exits 1 when the certificate has expired, is unusable or missing', async () => {
    const url = await setup({});
    const path = credentialCachePath({
      backendUrl: url,
      env: { KUBECACHEDIR: dir },
    });
    expect(await cli(['status', '--backend-url', url])).toEqual({
      code: 1,
      stdout: `No certificate cached (${path}).\n`,
      stderr: '',
    });
    expect(await cli(['status'])).toEqual({
      code: 1,
      stdout: `No certificates cached in ${join(
        dir,
        'cluster-access',
      )}. Get one with: cluster-access login --backend-url URL\n`,
      stderr: '',
    });
    mkdirSync(dirname(path), { recursive: true });
    const expired = await makeCachedCredential({
      backendUrl: url,
      ttlSeconds: 3600,
      notBefore: new Date(Date.now() - 7200_000),
    });
    await writeCredentialCache(path, expired);
    expect(await cli(['status'])).toMatchObject({
      code: 1,
      stdout: expect.stringMatching(/ \(expired 59m\d{1,2}s ago\)\n/),
    });
    writeFileSync(path, 'garbage');
    expect(await cli(['status'])).toMatchObject({
      code: 1,
      stdout: `${path}: cannot be used (it is not JSON); the next 'cluster-access credential' replaces it.\n`,
    });
  });
});

describe('resolveExecCommand', () => {
  function bin(name: string) {
    const directory = join(dir, name);
    mkdirSync(directory);
    writeFileSync(join(directory, name), '#!/bin/sh\n', { mode: 0o755 });
    return directory;
  }

  it('prefers a name in PATH, so the kubeconfig survives upgrades, then the launcher', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cluster-access-cmd-'));
    const launcher = '/opt/cluster-access/bin/cluster-access';
    const both = `${bin('kubectl-cluster_access')}:${bin('cluster-access')}`;
    expect(await resolveExecCommand({ env: { PATH: both }, launcher })).toBe(
      'cluster-access',
    );
    expect(
      await resolveExecCommand({
        env: { PATH: join(dir, 'kubectl-cluster_access') },
        launcher,
      }),
    ).toBe('kubectl-cluster_access');
    expect(
      await resolveExecCommand({ env: { PATH: '/nonexistent' }, launcher }),
    ).toBe(launcher);
    await expect(
      resolveExecCommand({ env: { PATH: '/nonexistent' } }),
    ).rejects.toThrow('cluster-access is not in PATH');
  });
});

describe('the command line', () => {
  it('exits 2 with the usage on an unknown option, and 0 with help', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cluster-access-cmd-'));
    const bad = await cli(['credential', '--backend-url', 'https://a', '--x']);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(
      /^cluster-access: Unknown option '--x'\n\nUsage: cluster-access credential/,
    );
    const help = await cli(['credential', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: cluster-access credential/);
    const version = await cli(['--version']);
    expect(version).toEqual({
      code: 0,
      stdout: `${require('../package.json').version}\n`,
      stderr: '',
    });
  });
});
