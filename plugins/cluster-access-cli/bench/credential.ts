/*
 * What the exec-credential plugin costs kubectl: wall time of
 * `cluster-access credential` as kubectl runs it (a new process each time)
 * when the cached certificate is fresh and when it renews, and of
 * `kubectl auth whoami` with the plugin's kubeconfig against an embedded one.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/cluster-access-cli/bench/credential.ts [--size=small|full] [runs]
 *
 * (or `yarn bench` in the package). The backend plugin runs in this process
 * (startTestBackend, mock auth, SQLite in memory) against the Vault and
 * Kubernetes peers, as in src/cli.flow.test.ts.
 *
 * What users run is the built package: the bin and dist/ as npm installs
 * them (the bin runs dist/ when there is no src/ beside it). The bench
 * builds the package and copies bin/, dist/ and package.json to a directory
 * of its own for the cache-hit rows; kubectl's exec plugin row runs that
 * copy too. A cache hit needs no third-party module, so the copy needs no
 * node_modules; renewing does (the common package, yaml, undici), so the
 * renewal rows run this repository's bin, which runs the TypeScript sources
 * through Backstage's transform (some 150 ms more to start). `node -e 0`,
 * measured in the same rounds, is the floor of any Node program. CPU is
 * the children's user + system time per run (Linux: /proc/self/stat), which
 * a busy machine moves less than wall time.
 */
import 'reflect-metadata';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import clusterAccessPlugin from '@cluster-access/plugin-cluster-access-backend';
import {
  bootstrapVaultForClusterAccess,
  startKubePeer,
  startVaultPeer,
} from '@cluster-access/sandbox';
import { execFile, execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';

// --size=small (3 runs, what the smoke test uses) or full (20); a number overrides.
const SIZE = process.argv.includes('--size=small') ? 'small' : 'full';
const positional = process.argv.slice(2).filter(a => !a.startsWith('--'));
const RUNS = Number(positional[0] ?? (SIZE === 'small' ? 3 : 20));
const figures: Record<
  string,
  { p50Ms: number; p90Ms: number; minMs: number; cpuMs?: number }
> = {};
const PACKAGE_DIR = dirname(
  require.resolve('@cluster-access/cli/package.json'),
);
const LAUNCHER = join(PACKAGE_DIR, 'bin', 'cluster-access');

/** CPU time (ms) of the waited-for children so far, or undefined off Linux. */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the parenthesised name; cutime and cstime are 16 and 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

/**
 * The package as npm installs it: `backstage-cli package build`, then bin/,
 * dist/ and package.json copied into `into` (no src/, so the bin runs dist/).
 * A dist/ the build made is removed again, as package.test.ts does.
 */
function installBuiltPackage(into: string): string {
  const root = join(PACKAGE_DIR, '..', '..');
  const hadDist = existsSync(join(PACKAGE_DIR, 'dist'));
  execFileSync(
    process.execPath,
    [
      join(root, '.yarn', 'releases', 'yarn-4.13.0.cjs'),
      'backstage-cli',
      'package',
      'build',
    ],
    { cwd: PACKAGE_DIR, stdio: 'ignore' },
  );
  for (const entry of ['bin', 'dist', 'package.json']) {
    cpSync(join(PACKAGE_DIR, entry), join(into, entry), { recursive: true });
  }
  if (!hadDist) rmSync(join(PACKAGE_DIR, 'dist'), { recursive: true });
  return join(into, 'bin', 'cluster-access');
}

type Allow = NonNullable<
  Parameters<typeof mockServices.permissions.factory>[0]
>['result'];

function run(file: string, args: string[], env: NodeJS.ProcessEnv) {
  return new Promise<number>((resolve, reject) => {
    const started = performance.now();
    execFile(file, args, { env }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${stderr}`));
      else resolve(performance.now() - started);
    });
  });
}

async function measure(
  label: string,
  fn: () => Promise<number>,
): Promise<void> {
  const times: number[] = [];
  const cpuBefore = childrenCpuMs();
  for (let i = 0; i < RUNS; i++) times.push(await fn());
  const cpuAfter = childrenCpuMs();
  times.sort((a, b) => a - b);
  const at = (p: number) =>
    times[Math.min(times.length - 1, Math.ceil(p * times.length) - 1)];
  figures[label] = {
    p50Ms: Math.round(at(0.5)),
    p90Ms: Math.round(at(0.9)),
    minMs: Math.round(times[0]),
    ...(cpuBefore === undefined || cpuAfter === undefined
      ? {}
      : { cpuMs: Math.round((cpuAfter - cpuBefore) / RUNS) }),
  };
  process.stdout.write(
    `| ${label} | ${at(0.5).toFixed(0)} | ${at(0.9).toFixed(
      0,
    )} | ${times[0].toFixed(0)} | ${figures[label].cpuMs ?? '-'} |\n`,
  );
}

async function main() {
  const vaultPeer = await startVaultPeer({ port: 0 });
  const vault = await bootstrapVaultForClusterAccess({
    url: vaultPeer.url,
    rootToken: vaultPeer.rootToken,
  });
  const kube = await startKubePeer({ clientCaPems: [vault.caPem] });
  const backend = await startTestBackend({
    features: [
      clusterAccessPlugin,
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.permissions.factory({ result: 'ALLOW' as Allow }),
      mockServices.rootConfig.factory({
        data: {
          clusterAccess: {
            certificates: { defaultTtlSeconds: 3600, maxTtlSeconds: 7200 },
            vault: {
              address: vaultPeer.url,
              pkiMount: vault.pkiMount,
              role: vault.roleName,
              auth: { method: 'token', token: vault.backendToken },
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
  const backendUrl = `http://127.0.0.1:${
    (backend.server.address() as AddressInfo).port
  }`;
  const work = mkdtempSync(join(tmpdir(), 'cluster-access-bench-'));
  const env = {
    PATH: `${dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: work,
    KUBECACHEDIR: join(work, 'cache'),
    XDG_CONFIG_HOME: join(work, 'config'),
    XDG_DATA_HOME: join(work, 'data'),
    CLUSTER_ACCESS_TOKEN: mockCredentials.user.token('user:default/alice'),
  };
  const execConfig = join(work, 'exec.yaml');
  const embedConfig = join(work, 'embed.yaml');
  try {
    const login = ['login', '--backend-url', backendUrl, '-o'];
    await run(LAUNCHER, [...login, execConfig], env);
    await run(LAUNCHER, [...login, embedConfig, '--embed'], env);
    const installed = installBuiltPackage(join(work, 'installed'));
    // The kubeconfig login wrote, its exec command the installed copy.
    const installedConfig = join(work, 'exec-installed.yaml');
    const kubeconfig = parse(readFileSync(execConfig, 'utf8'));
    for (const { user } of kubeconfig.users) user.exec.command = installed;
    writeFileSync(installedConfig, stringify(kubeconfig));

    const credential = ['credential', '--backend-url', backendUrl];
    const whoami = (file: string) =>
      run('/usr/bin/kubectl', ['--kubeconfig', file, 'auth', 'whoami'], env);
    // Warm-up: the transform's cache, the kube peer's TLS, the database.
    for (let i = 0; i < 3; i++) {
      await run(LAUNCHER, [...credential, '--min-remaining', '2h'], env);
      await run(installed, credential, env);
      await whoami(execConfig);
      await whoami(installedConfig);
      await whoami(embedConfig);
    }

    process.stdout.write(
      `${RUNS} runs each, wall time and CPU (user + system) in ms\n\n| what | p50 | p90 | min | CPU |\n| --- | ---: | ---: | ---: | ---: |\n`,
    );
    await measure('`node -e 0` (the floor: Node starting and exiting)', () =>
      run(process.execPath, ['-e', '0'], env),
    );
    await measure('`credential`, cached certificate fresh', () =>
      run(installed, credential, env),
    );
    await measure(
      '`credential`, cached, from this repository (TypeScript sources)',
      () => run(LAUNCHER, credential, env),
    );
    await measure(
      '`credential`, renewing (token from env, new P-256 key, sign, cache)',
      () => run(LAUNCHER, [...credential, '--min-remaining', '2h'], env),
    );
    await measure('`kubectl auth whoami`, embedded kubeconfig', () =>
      whoami(embedConfig),
    );
    await measure('`kubectl auth whoami`, exec plugin, cached', () =>
      whoami(installedConfig),
    );
    await measure(
      '`kubectl auth whoami`, exec plugin from this repository, cached',
      () => whoami(execConfig),
    );

    // The default token source: `backstage-cli auth print-token` for the
    // instance signed in to this backend (as `auth login` stores it).
    const now = Date.now();
    mkdirSync(join(work, 'config', 'backstage-cli'), { recursive: true });
    writeFileSync(
      join(work, 'config', 'backstage-cli', 'auth-instances.yaml'),
      stringify({
        instances: [
          {
            name: 'bench',
            baseUrl: backendUrl,
            clientId: `${backendUrl}/api/auth/.well-known/oauth-client/cli.json`,
            issuedAt: now,
            accessTokenExpiresAt: now + 3600_000,
          },
        ],
      }),
    );
    const secrets = join(
      work,
      'data',
      'backstage-cli',
      'auth-secrets',
      encodeURIComponent('backstage-cli:auth-instance:bench'),
    );
    mkdirSync(secrets, { recursive: true });
    writeFileSync(
      join(secrets, 'accessToken.secret'),
      env.CLUSTER_ACCESS_TOKEN,
    );
    await measure('`credential`, renewing, token from `backstage-cli`', () =>
      run(LAUNCHER, [...credential, '--min-remaining', '2h'], {
        ...env,
        CLUSTER_ACCESS_TOKEN: '',
      }),
    );
    // For `yarn bench` at the root, which writes bench/results/credential.json.
    process.stdout.write(
      `\nBENCH_RESULT ${JSON.stringify({
        name: 'credential',
        size: SIZE,
        figures: { runs: RUNS, wallTimes: figures },
      })}\n`,
    );
  } finally {
    await backend.stop();
    await kube.close();
    await vaultPeer.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  // The test backend leaves timers behind (scheduler, database pool).
  () => process.exit(0),
  error => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  },
);
