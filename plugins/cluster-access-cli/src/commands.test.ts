import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { credentialCachePath, writeCredentialCache } from './cache';
import { resolveExecCommand } from './commands/login';
import { runCli } from './index';
import { parse } from 'yaml';
import { makeCachedCredential, output } from './__testUtils__/credentials';
import { createSigningRoutes } from './__testUtils__/signer';
import {
  backstageError,
  json,
  startFakeBackend,
} from './__testUtils__/fakeBackend';

const TOKEN = 'token-that-must-not-be-shown';
const identity = {
  username: 'alice',
  groups: ['payments'],
  defaultTtlSeconds: 3600,
  maxTtlSeconds: 7200,
};

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

async function cli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  { launcher }: { launcher?: string } = {
    launcher: '/opt/cluster-access/bin/cluster-access',
  },
) {
  const stdout = output();
  const stderr = output();
  const code = await runCli({
    args,
    context: {
      env: { CLUSTER_ACCESS_TOKEN: TOKEN, KUBECACHEDIR: dir, ...env },
      stdout,
      stderr,
      cwd: dir,
      homeDirectory: dir,
      launcher,
    },
  });
  expect(stdout.text + stderr.text).not.toContain(TOKEN);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

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
    expect(backend.seen[0].authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('says so when Vault is unavailable and nothing usable is cached', async () => {
    const url = await setup({
      'GET /identity': (_r, res) => json(res, 200, identity),
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
      'GET /identity': (_r, res) => json(res, 200, identity),
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

describe('cluster-access login', () => {
  it('refuses to overwrite an -o file before anything is signed', async () => {
    const url = await setup({
      'GET /identity': (_r, res) => json(res, 200, identity),
    });
    writeFileSync(join(dir, 'alice.yaml'), 'mine');
    const result = await cli([
      'login',
      '--backend-url',
      url,
      '-o',
      'alice.yaml',
    ]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `cluster-access: ${join(
        dir,
        'alice.yaml',
      )} already exists; use --force to overwrite it, or leave out -o to merge into your kubeconfig\n`,
    });
    expect(backend.seen.map(r => r.path)).toEqual(['/identity']);
  });

  it('refuses to merge into a kubeconfig it cannot read as one, before anything is signed', async () => {
    const url = await setup({
      'GET /identity': (_r, res) => json(res, 200, identity),
    });
    mkdirSync(join(dir, '.kube'));
    writeFileSync(join(dir, '.kube', 'config'), 'clusters: [');
    const result = await cli(['login', '--backend-url', url]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^cluster-access: .*\.kube\/config is not valid YAML \(.*\); nothing was changed\n$/,
    );
    expect(backend.seen.map(r => r.path)).toEqual(['/identity']);
    expect(readFileSync(join(dir, '.kube', 'config'), 'utf8')).toBe(
      'clusters: [',
    );
  });

  it('refuses an exec kubeconfig that kubectl could not run, before calling Backstage', async () => {
    const url = await setup({
      'GET /identity': (_r, res) => json(res, 200, identity),
    });
    const result = await cli(
      ['login', '--backend-url', url],
      { PATH: '/nonexistent' },
      {},
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cluster-access is not in PATH');
    expect(backend.seen).toEqual([]);
  });
});

describe('cluster-access login, to the end', () => {
  it('merges into ~/.kube/config by default, and a second login changes nothing', async () => {
    const { routes, serials } = await createSigningRoutes({
      clusters: [
        { name: 'dev', server: 'https://dev.example.com:6443' },
        { name: 'prod', server: 'https://prod.example.com' },
      ],
    });
    const url = await setup(routes);
    const config = join(dir, '.kube', 'config');
    const first = await cli(['login', '--backend-url', url]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `Created ${config}.\nContexts: dev, prod (current-context is now dev).\n\nTry it:\n  kubectl --context dev auth whoami\n`,
    );
    const written = parse(readFileSync(config, 'utf8'));
    expect(written['current-context']).toBe('dev');
    expect(written.users.map((u: { name: string }) => u.name)).toEqual([
      'alice@dev',
      'alice@prod',
    ]);
    expect(written.users[0].user.exec).toMatchObject({
      // Not in PATH here: the launcher.
      command: '/opt/cluster-access/bin/cluster-access',
      args: ['credential', '--backend-url', url],
    });
    // The key went to the cache (here KUBECACHEDIR), not the kubeconfig.
    expect(readFileSync(config, 'utf8')).not.toContain('PRIVATE KEY');
    expect(existsSync(join(dir, 'cluster-access'))).toBe(true);

    const second = await cli(['login', '--backend-url', url]);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(
      `${config} already had these entries: nothing changed.\nContexts: dev, prod.\n`,
    );
    expect(existsSync(`${config}.bak`)).toBe(false);
    expect(serials).toHaveLength(2);
  }, 30_000);

  it('writes only the kubeconfig to stdout with -o -, and the rest to stderr', async () => {
    const { routes } = await createSigningRoutes({});
    const url = await setup(routes);
    const result = await cli([
      'login',
      '--backend-url',
      url,
      '--embed',
      '-o',
      '-',
    ]);
    expect(result.code).toBe(0);
    const config = parse(result.stdout);
    expect(config).toMatchObject({
      kind: 'Config',
      'current-context': 'dev',
      contexts: [
        { name: 'dev', context: { cluster: 'dev', user: 'alice@dev' } },
      ],
    });
    expect(Object.keys(config.users[0].user)).toEqual([
      'client-certificate-data',
      'client-key-data',
    ]);
    expect(result.stderr).toMatch(
      /^Signed in to .* as alice, groups payments\./,
    );
    expect(result.stderr).toContain('Wrote the kubeconfig to stdout.');
    // Neither a kubeconfig file nor a cache was written.
    expect(existsSync(join(dir, '.kube'))).toBe(false);
    expect(existsSync(join(dir, 'cluster-access'))).toBe(false);
  }, 30_000);
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
