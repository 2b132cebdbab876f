import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import clusterAccessPlugin from '@cluster-access/plugin-cluster-access-backend';
import {
  bootstrapVaultForClusterAccess,
  BootstrapVaultResult,
  KubePeer,
  startKubePeer,
  startVaultPeer,
  VaultPeer,
} from '@cluster-access/sandbox';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';

jest.setTimeout(180_000);

const KUBECTL = '/usr/bin/kubectl';
// The CLI as yarn links it, the way a user runs it.
const LAUNCHER = join(
  dirname(require.resolve('@cluster-access/cli/package.json')),
  'node_modules',
  '.bin',
  'cluster-access',
);

// Catalog memberships, as the catalog would resolve them for userInfo.
const memberships: Record<string, string[]> = {
  'user:default/alice': ['group:default/payments'],
};

type Mocked<T> = NonNullable<T>;
type PermissionsImpl = Mocked<
  Parameters<typeof mockServices.permissions.mock>[0]
>;
type Decision = Awaited<
  ReturnType<Mocked<PermissionsImpl['authorize']>>
>[number];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a program and collects what it printed; never rejects. */
function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<Run> {
  const started = performance.now();
  return new Promise(resolve => {
    execFile(file, args, { env }, (error, stdout, stderr) => {
      resolve({
        code: error ? Number((error as { code?: number }).code ?? 1) : 0,
        stdout,
        stderr,
        ms: performance.now() - started,
      });
    });
  });
}

describe('the cluster-access CLI against the backend, Vault and Kubernetes', () => {
  let vaultPeer: VaultPeer;
  let vault: BootstrapVaultResult;
  let kube: KubePeer;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let backendUrl: string;
  let work: string;
  let env: NodeJS.ProcessEnv;

  const signPath = () =>
    `POST /v1/${vault.pkiMount}/sign-verbatim/${vault.roleName}`;
  const signed = () => vaultPeer.requestCounts()[signPath()] ?? 0;
  const cli = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) =>
    run(LAUNCHER, args, { ...env, ...extraEnv });
  const kubectl = (kubeconfig: string, extraEnv: NodeJS.ProcessEnv = {}) =>
    run(KUBECTL, ['--kubeconfig', kubeconfig, 'auth', 'whoami', '-o', 'json'], {
      ...env,
      ...extraEnv,
    });
  const cachePath = () =>
    join(
      env.KUBECACHEDIR!,
      'cluster-access',
      `127.0.0.1_${new URL(backendUrl).port}.json`,
    );
  const readCache = () => JSON.parse(readFileSync(cachePath(), 'utf8'));

  function whoami(result: Run) {
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const { userInfo } = JSON.parse(result.stdout).status;
    return { username: userInfo.username, groups: [...userInfo.groups].sort() };
  }

  beforeAll(async () => {
    vaultPeer = await startVaultPeer({ port: 0 });
    vault = await bootstrapVaultForClusterAccess({
      url: vaultPeer.url,
      rootToken: vaultPeer.rootToken,
    });
    kube = await startKubePeer({ clientCaPems: [vault.caPem] });
    const permissions = mockServices.permissions.mock({
      // mallory is outside the organisation: the policy denies her.
      authorize: async (requests, { credentials }) => {
        const principal = credentials.principal as { userEntityRef?: string };
        const result =
          principal.userEntityRef === 'user:default/mallory' ? 'DENY' : 'ALLOW';
        return requests.map(() => ({ result } as Decision));
      },
    });
    const userInfo = mockServices.userInfo.mock({
      async getUserInfo(credentials) {
        const ref = (credentials.principal as { userEntityRef: string })
          .userEntityRef;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: [ref, ...(memberships[ref] ?? [])],
        };
      },
    });
    backend = await startTestBackend({
      features: [
        clusterAccessPlugin,
        userInfo.factory,
        permissions.factory,
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.rootConfig.factory({
          data: {
            clusterAccess: {
              certificates: { defaultTtlSeconds: 3600, maxTtlSeconds: 7200 },
              vault: {
                address: vaultPeer.url,
                pkiMount: vault.pkiMount,
                role: vault.roleName,
                timeoutMs: 2000,
                auth: { method: 'token', token: vault.backendToken },
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
    const { port } = backend.server.address() as AddressInfo;
    backendUrl = `http://127.0.0.1:${port}`;

    work = mkdtempSync(join(tmpdir(), 'cluster-access-cli-flow-'));
    env = {
      // Node and kubectl, but not node_modules/.bin: the kubeconfig must
      // work without cluster-access in PATH.
      PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
      HOME: work,
      KUBECACHEDIR: join(work, 'cache'),
      XDG_CONFIG_HOME: join(work, 'config'),
      XDG_DATA_HOME: join(work, 'data'),
      CLUSTER_ACCESS_TOKEN: mockCredentials.user.token('user:default/alice'),
    };
  });

  afterAll(async () => {
    await backend?.stop();
    await kube?.close();
    await vaultPeer?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('logs in with --exec, and kubectl gets its certificate from the plugin as the user, from the cache while it is fresh', async () => {
    // --kubeconfig as kubectl means it: the file to merge into (new here).
    const kubeconfig = join(work, 'exec.yaml');
    const login = await cli([
      'login',
      '--backend-url',
      backendUrl,
      '--kubeconfig',
      kubeconfig,
      '--ttl',
      '1h',
    ]);
    expect(login.stderr).toBe('');
    expect(login.code).toBe(0);
    expect(login.stdout).toContain(
      `Signed in to ${backendUrl} as alice, groups payments.`,
    );
    expect(login.stdout).toMatch(
      /valid until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ \(1h\)\./,
    );
    expect(login.stdout).toContain(
      `\nTry it:\n  kubectl --kubeconfig ${kubeconfig} --context sandbox auth whoami\n`,
    );
    expect(signed()).toBe(1);

    // The kubeconfig holds no secret: only the plugin to run.
    const text = readFileSync(kubeconfig, 'utf8');
    expect(text).not.toMatch(/client-key-data|PRIVATE KEY/);
    const config = parse(text);
    expect(config.users).toEqual([
      {
        name: 'alice@sandbox',
        user: {
          exec: expect.objectContaining({
            apiVersion: 'client.authentication.k8s.io/v1',
            command: LAUNCHER,
            args: ['credential', '--backend-url', backendUrl, '--ttl', '1h'],
            interactiveMode: 'Never',
            provideClusterInfo: false,
          }),
        },
      },
    ]);
    expect(config.clusters[0].cluster.server).toBe(kube.url);

    // The key and certificate are in a private cache.
    expect(statSync(cachePath()).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(cachePath())).mode & 0o777).toBe(0o700);
    const cached = readCache();
    expect(cached).toMatchObject({ username: 'alice', groups: ['payments'] });

    expect(whoami(await kubectl(kubeconfig))).toEqual({
      username: 'alice',
      groups: ['payments', 'system:authenticated'],
    });
    expect(whoami(await kubectl(kubeconfig))).toMatchObject({
      username: 'alice',
    });
    // Both kubectl calls used the cached certificate.
    expect(signed()).toBe(1);
    expect(readCache().serialNumber).toBe(cached.serialNumber);

    // What kubectl read: the cached certificate, expiring at its NotAfter.
    const credential = await cli(['credential', '--backend-url', backendUrl]);
    expect(credential.code).toBe(0);
    const { status } = JSON.parse(credential.stdout);
    const certificate = new X509Certificate(status.clientCertificateData);
    expect(Date.parse(status.expirationTimestamp)).toBe(
      Date.parse(certificate.validTo),
    );
    expect(certificate.subject).toBe('CN=alice\nO=payments');
    expect(signed()).toBe(1);

    const report = await cli(['status', '--backend-url', backendUrl]);
    expect(report.code).toBe(0);
    expect(report.stdout).toMatch(/user: {4}alice\n {2}groups: {2}payments\n/);
    expect(report.stdout).toMatch(/\((59m\d+s|1h) left\)/);
  });

  it('renews a certificate near its expiry with a new key, and kubectl keeps working', async () => {
    const kubeconfig = join(work, 'exec.yaml');
    const before = readCache();
    const signedBefore = signed();

    // Ask for more time left than the 1h certificate has: due for renewal.
    const config = parse(readFileSync(kubeconfig, 'utf8'));
    config.users[0].user.exec.args.push('--min-remaining', '2h');
    const renewing = join(work, 'renewing.yaml');
    writeFileSync(renewing, stringify(config));

    const result = await kubectl(renewing);
    expect(whoami({ ...result, stderr: '' })).toEqual({
      username: 'alice',
      groups: ['payments', 'system:authenticated'],
    });
    // The plugin said why every call will renew (1h < 2h), on stderr.
    expect(result.stderr).toContain('less than --min-remaining 2h');
    expect(signed()).toBe(signedBefore + 1);
    const after = readCache();
    expect(after.serialNumber).not.toBe(before.serialNumber);
    expect(after.clientKeyData).not.toBe(before.clientKeyData);
    // Same lifetime as login asked for, kept from the exec arguments.
    const lifetime = Date.parse(after.expiresAt) - Date.parse(after.issuedAt);
    expect(lifetime).toBeGreaterThan(3500_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);

    // The backend's list shows both certificates of alice.
    const listed = await fetch(
      `${backendUrl}/api/cluster-access/certificates`,
      {
        headers: {
          authorization: mockCredentials.user.header('user:default/alice'),
        },
      },
    );
    const serials = (await listed.json()).items.map(
      (c: { serialNumber: string }) => c.serialNumber.toLowerCase(),
    );
    expect(serials).toEqual(
      expect.arrayContaining(
        [before.serialNumber, after.serialNumber].map(s => s.toLowerCase()),
      ),
    );

    // Back to the default threshold: the renewed certificate is fresh.
    expect(whoami(await kubectl(kubeconfig)).username).toBe('alice');
    expect(signed()).toBe(signedBefore + 1);
  });

  it('lets concurrent kubectl calls share one renewal', async () => {
    const kubeconfig = join(work, 'exec.yaml');
    rmSync(cachePath());
    const signedBefore = signed();
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => kubectl(kubeconfig)),
    );
    for (const result of results) {
      expect(whoami(result).username).toBe('alice');
    }
    expect(signed()).toBe(signedBefore + 1);
    expect(existsSync(`${cachePath()}.lock`)).toBe(false);
  });

  it('logs in with --embed -o FILE: a self-contained kubeconfig, no cache, never overwritten without --force', async () => {
    const cacheHome = join(work, 'embed-cache');
    const kubeconfig = join(work, 'embed.yaml');
    const login = await cli(
      [
        'login',
        '--backend-url',
        backendUrl,
        '--embed',
        '-o',
        kubeconfig,
        '--key-type',
        'ecdsa-p384',
      ],
      { KUBECACHEDIR: cacheHome },
    );
    expect(login).toMatchObject({ code: 0, stderr: '' });
    expect(login.stdout).toContain('ECDSA P-384 key made here');
    const { user } = parse(readFileSync(kubeconfig, 'utf8')).users[0];
    expect(Object.keys(user)).toEqual([
      'client-certificate-data',
      'client-key-data',
    ]);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    // (The dev-mode TypeScript transform keeps its own cache there too.)
    expect(existsSync(join(cacheHome, 'cluster-access'))).toBe(false);
    // kubectl needs no plugin, so not even node in PATH.
    expect(
      whoami(await kubectl(kubeconfig, { PATH: '/usr/bin:/bin' })),
    ).toEqual({
      username: 'alice',
      groups: ['payments', 'system:authenticated'],
    });

    const again = await cli(
      ['login', '--backend-url', backendUrl, '--embed', '-o', kubeconfig],
      { KUBECACHEDIR: cacheHome },
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; use --force');
    const forced = await cli(
      [
        'login',
        '--backend-url',
        backendUrl,
        '--embed',
        '-o',
        kubeconfig,
        '--force',
      ],
      { KUBECACHEDIR: cacheHome },
    );
    expect(forced.code).toBe(0);
  });

  it('tells the user what went wrong: not allowed, Vault sealed', async () => {
    const mallory = await cli(
      [
        'login',
        '--backend-url',
        backendUrl,
        '--kubeconfig',
        join(work, 'm.yaml'),
      ],
      {
        CLUSTER_ACCESS_TOKEN: mockCredentials.user.token(
          'user:default/mallory',
        ),
        KUBECACHEDIR: join(work, 'mallory-cache'),
      },
    );
    expect(mallory.code).toBe(1);
    expect(mallory.stderr).toMatch(
      /^cluster-access: You are not allowed to get cluster access from http:\/\/127\.0\.0\.1:\d+ \(403\)/,
    );
    expect(existsSync(join(work, 'm.yaml'))).toBe(false);

    const kubeconfig = join(work, 'exec.yaml');
    rmSync(cachePath());
    vaultPeer.seal();
    try {
      const result = await kubectl(kubeconfig);
      expect(result.code).not.toBe(0);
      // kubectl passes the plugin's message on.
      expect(result.stderr).toContain(
        'cluster-access: Vault is unavailable, so no certificate can be issued right now (503)',
      );
    } finally {
      vaultPeer.unseal();
    }
    expect(whoami(await kubectl(kubeconfig)).username).toBe('alice');
  });

  it('gets the token from the Backstage CLI instance signed in to the backend', async () => {
    const withoutToken = { CLUSTER_ACCESS_TOKEN: '' };
    rmSync(cachePath());

    // Nobody signed in yet.
    const none = await cli(
      ['credential', '--backend-url', backendUrl],
      withoutToken,
    );
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      `You are not signed in to ${backendUrl} with the Backstage CLI`,
    );
    expect(none.stderr).toContain(
      `Sign in with: backstage-cli auth login --backend-url ${backendUrl}`,
    );

    // What `backstage-cli auth login` stores (no keychain here: files), for
    // this backend under a name of the user's choosing, and for another one.
    const now = Date.now();
    mkdirSync(join(work, 'config', 'backstage-cli'), { recursive: true });
    writeFileSync(
      join(work, 'config', 'backstage-cli', 'auth-instances.yaml'),
      stringify({
        instances: [
          {
            name: 'other',
            baseUrl: 'https://other.example.com',
            clientId:
              'https://other.example.com/api/auth/.well-known/oauth-client/cli.json',
            issuedAt: now,
            accessTokenExpiresAt: now + 3600_000,
            selected: true,
          },
          {
            name: 'demo',
            baseUrl: backendUrl,
            clientId: `${backendUrl}/api/auth/.well-known/oauth-client/cli.json`,
            issuedAt: now,
            accessTokenExpiresAt: now + 3600_000,
          },
        ],
      }),
    );
    for (const [name, ref] of [
      ['other', 'user:default/mallory'],
      ['demo', 'user:default/alice'],
    ]) {
      const secrets = join(
        work,
        'data',
        'backstage-cli',
        'auth-secrets',
        encodeURIComponent(`backstage-cli:auth-instance:${name}`),
      );
      mkdirSync(secrets, { recursive: true });
      writeFileSync(
        join(secrets, 'accessToken.secret'),
        mockCredentials.user.token(ref),
      );
    }

    const signedBefore = signed();
    const result = await cli(
      ['credential', '--backend-url', backendUrl],
      withoutToken,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(signed()).toBe(signedBefore + 1);
    // alice's token (instance "demo"), not the selected instance's mallory.
    expect(readCache().username).toBe('alice');
  });

  it('merges into the kubeconfig kubectl uses next to other clusters; -o - feeds kubectl; logout makes kubectl sign in again', async () => {
    const home = join(work, 'merge-home');
    mkdirSync(home);
    const theirs = stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        { name: 'elsewhere', cluster: { server: 'https://127.0.0.1:1' } },
      ],
      contexts: [
        { name: 'elsewhere', context: { cluster: 'elsewhere', user: 'me' } },
      ],
      'current-context': 'elsewhere',
      users: [{ name: 'me', user: { token: 'abc' } }],
    });
    const other = join(home, 'other.yaml');
    writeFileSync(other, theirs);
    // kubectl's rules: new entries go to the first file of the list that exists.
    const merged = {
      HOME: home,
      KUBECONFIG: `${join(home, 'missing.yaml')}:${other}`,
    };
    const login = await cli(['login', '--backend-url', backendUrl], merged);
    expect(login).toMatchObject({ code: 0, stderr: '' });
    expect(login.stdout).toContain(
      `Updated ${other} (the previous version is in ${other}.bak).\nContexts: sandbox.\n\nTry it:\n  kubectl --context sandbox auth whoami\n`,
    );
    expect(readFileSync(`${other}.bak`, 'utf8')).toBe(theirs);
    expect(existsSync(join(home, 'missing.yaml'))).toBe(false);

    const kubectlMerged = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
      run(KUBECTL, args, { ...env, ...merged, ...extra });
    expect(
      (await kubectlMerged(['config', 'get-contexts', '-o', 'name'])).stdout,
    ).toBe('elsewhere\nsandbox\n');
    expect((await kubectlMerged(['config', 'current-context'])).stdout).toBe(
      'elsewhere\n',
    );
    expect(
      whoami(
        await kubectlMerged([
          '--context',
          'sandbox',
          'auth',
          'whoami',
          '-o',
          'json',
        ]),
      ),
    ).toEqual({
      username: 'alice',
      groups: ['payments', 'system:authenticated'],
    });

    // Again: the same entries, so nothing is written.
    const again = await cli(['login', '--backend-url', backendUrl], merged);
    expect(again.stdout).toContain(
      'already had these entries: nothing changed.',
    );

    // -o -: only the kubeconfig on stdout, which kubectl can use as it is.
    const standalone = await cli([
      'login',
      '--backend-url',
      backendUrl,
      '--embed',
      '-o',
      '-',
    ]);
    expect(standalone.code).toBe(0);
    const file = join(work, 'from-stdout.yaml');
    writeFileSync(file, standalone.stdout, { mode: 0o600 });
    expect(
      whoami(await kubectl(file, { PATH: '/usr/bin:/bin' })).username,
    ).toBe('alice');

    // logout removes the certificate and key; the next kubectl call signs in.
    const signedBefore = signed();
    const logout = await cli(['logout', '--backend-url', backendUrl]);
    expect(logout.code).toBe(0);
    expect(existsSync(cachePath())).toBe(false);
    expect(
      whoami(
        await kubectlMerged([
          '--context',
          'sandbox',
          'auth',
          'whoami',
          '-o',
          'json',
        ]),
      ).username,
    ).toBe('alice');
    expect(signed()).toBe(signedBefore + 1);
    expect(existsSync(cachePath())).toBe(true);
  });
});
