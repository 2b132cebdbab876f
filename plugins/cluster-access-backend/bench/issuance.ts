/*
 * What one backend replica costs per certificate, and how far it scales.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/cluster-access-backend/bench/issuance.ts [--size=small|full] [--cpu-prof]
 *
 * (or `yarn bench` at the root, or `yarn bench:issuance` in the package;
 * BENCH_POSTGRES=postgresql://… puts the backend's database on that
 * PostgreSQL server, as production runs, instead of SQLite in memory).
 * Three processes, as in production: this one is the HTTP client (Node's
 * fetch), bench/issuanceBackend.ts one backend replica, and
 * bench/vaultPeerProcess.ts the Vault peer. A second row runs the Vault peer
 * inside the backend's process, as the first version of this benchmark did.
 * Both rows run the bare stack: the plugin's routers on a plain Express app
 * with mock credentials. The third runs the real one
 * (bench/issuanceRealBackend.ts): `createBackend()` of
 * @backstage/backend-defaults with the auth and permission backends and the
 * whole plugin, each user sending a real Backstage token the auth backend
 * issued. The fourth is the floor (bench/issuanceFloorBackend.ts): the least
 * any Node.js backend must do per issuance, to show how far the product is
 * from it. `--stack=bare|real|floor` runs only those rows (not recorded).
 *
 * Per concurrency level (closed loop, worker i plays user i): p50/p99 and
 * throughput of `POST /certificates` (identity and groups from Vault, CSR
 * checks, sign-verbatim, the checks of the returned certificate, the
 * database writes) and of a bare sign-verbatim call with the same CSRs by
 * the same client; the backend process's CPU time per issuance
 * (`process.cpuUsage`, all threads), and at one user its split by phase
 * (self time: Vault calls = node-vault and the HTTP client; database writes;
 * certificate checks; the service's own work including the CSR checks,
 * which are also timed alone; the rest is Express, auth and JSON).
 * `--cpu-prof` writes a V8 CPU profile of the backend's measured requests
 * (not start-up or warm-up) to bench/profiles/ (open it in Chrome's DevTools).
 */
import { mockCredentials } from '@backstage/backend-test-utils';
import { generateClientKeyAndCsr } from '@cluster-access/plugin-cluster-access-common';
import { ChildProcess, fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BackendReady, BackendStats } from './backendProcess';
import type { VaultPeerReady } from './vaultPeerProcess';
import {
  benchSize,
  LatencyStats,
  measure,
  repoRoot,
  round,
  reportResult,
} from './common';

const SIZE = benchSize();
// --levels=1,10 and --requests=N narrow a run (for profiling); not recorded.
const flag = (name: string) =>
  process.argv.find(a => a.startsWith(`--${name}=`))?.split('=')[1];
const DEFAULT_LEVELS = SIZE === 'small' ? [1, 5] : [1, 10, 50, 200];
const LEVELS = flag('levels')?.split(',').map(Number) ?? DEFAULT_LEVELS;
const requestsAt = (level: number) =>
  Number(flag('requests') ?? 0) ||
  (SIZE === 'small' ? 10 : Math.max(300, 3 * level));
const CUSTOM = Boolean(flag('levels') || flag('requests'));
const transform = require.resolve('@backstage/cli/config/nodeTransform.cjs');
const progress = (line: string) => process.stderr.write(`[issuance] ${line}\n`);

function start<T>(
  file: string,
  ready: string,
  options: {
    env?: Record<string, string>;
    execArgv?: string[];
    /** A file for the child's stdout (its logs) instead of this one's. */
    stdoutFile?: string;
  } = {},
): Promise<{ child: ChildProcess; message: T }> {
  const stdout = options.stdoutFile
    ? fs.openSync(options.stdoutFile, 'w')
    : 'inherit';
  const child = fork(path.join(__dirname, file), [], {
    execArgv: ['--require', transform, ...(options.execArgv ?? [])],
    env: { ...process.env, ...options.env },
    stdio: ['ignore', stdout, 'inherit', 'ipc'],
  });
  if (typeof stdout === 'number') fs.closeSync(stdout);
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => {
      const error = new Error(`${file} exited (${code ?? signal})`);
      reject(error);
      // Exiting later (a crash mid-run) must not leave this process waiting.
      if (code !== 0) {
        process.stderr.write(`${error.message}\n`);
        process.exit(1);
      }
    });
    child.on('message', (message: any) => {
      if (message?.type === ready) resolve({ child, message });
    });
  });
}

/** Sends a message to the backend and waits for its answer of that type. */
function ask<T>(child: ChildProcess, message: { type: string }): Promise<T> {
  return new Promise(resolve => {
    const listener = (answer: any) => {
      if (answer?.type === message.type) {
        child.off('message', listener);
        resolve(answer);
      }
    };
    child.on('message', listener);
    child.send(message);
  });
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  child.removeAllListeners('exit');
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.disconnect();
  await exited;
}

interface Row {
  users: number;
  issuance: LatencyStats;
  bareSign: LatencyStats;
  ratioP50: number;
  ratioP99: number;
  ratioThroughput: number;
  backendCpuMsPerIssuance: number;
  /** Of backendCpuMsPerIssuance, in the kernel (socket reads and writes). */
  backendSystemCpuMsPerIssuance: number;
  /** Answers other than 201, by status (none when every issuance succeeded). */
  failedByStatus?: Record<string, number>;
  bareSignFailedByStatus?: Record<string, number>;
  /**
   * Requests the backend sent to Vault while measuring, by kind: the sign
   * once per issuance, an identity read per user per cache TTL.
   */
  vaultCalls: Record<string, number>;
  /**
   * Requests the backend answered while measuring, per issuance, by method
   * and path: on the real stack also those its plugins send each other.
   */
  backendRequestsPerIssuance: Record<string, number>;
}

/**
 * bare: the plugin's routers on plain Express; real: a Backstage backend;
 * floor: bench/issuanceFloorBackend.ts, the least the work itself costs.
 */
type Stack = 'bare' | 'real' | 'floor';

/** The differences of two counts, without the zeros. */
function delta(
  after: Record<string, number>,
  before: Record<string, number>,
  per = 1,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, n]) => [key, round((n - (before[key] ?? 0)) / per)])
      .filter(([, n]) => n),
  );
}

/** Starts the backend of that stack; the real one logs to a file. */
async function startBackend(stack: Stack, vault?: VaultPeerReady) {
  const env: Record<string, string> = vault
    ? { BENCH_VAULT: JSON.stringify(vault) }
    : {};
  if (stack !== 'real') {
    return start<BackendReady & { vault: VaultPeerReady }>(
      stack === 'bare' ? 'issuanceBackend.ts' : 'issuanceFloorBackend.ts',
      'backend-ready',
      { env },
    );
  }
  const stdoutFile = path.join(
    os.tmpdir(),
    `cluster-access-bench-real-${process.pid}.log`,
  );
  progress(`real backend's logs: ${stdoutFile}`);
  const backend = await start<BackendReady>(
    'issuanceRealBackend.ts',
    'backend-ready',
    { env: { ...env, NODE_ENV: 'production' }, stdoutFile },
  );
  return { ...backend, message: { ...backend.message, vault: vault! } };
}

/** A user's authorization header: a real token on the real stack. */
async function authorizationOf(ready: BackendReady, name: string) {
  if (!ready.tokenUrl) {
    return mockCredentials.user.header(`user:default/${name}`);
  }
  const res = await fetch(ready.tokenUrl, {
    headers: { [ready.userHeader!]: name },
  });
  if (!res.ok) {
    throw new Error(`sign-in as ${name}: ${res.status} ${await res.text()}`);
  }
  const body = await res.json();
  return `Bearer ${body.backstageIdentity.token}`;
}

async function runMode(stack: Stack, vaultOutOfProcess: boolean) {
  const profile = process.argv.includes('--cpu-prof');
  const vaultChild = vaultOutOfProcess
    ? await start<VaultPeerReady>('vaultPeerProcess.ts', 'vault-ready')
    : undefined;
  const backend = await startBackend(stack, vaultChild?.message);
  const { base, vault } = backend.message;
  progress(
    `${stack} backend ready (Vault ${
      vaultOutOfProcess ? 'out of' : 'in'
    } process)`,
  );
  try {
    const users = await Promise.all(
      Array.from({ length: Math.max(...LEVELS) }, async (_, i) => {
        const authorization = await authorizationOf(
          backend.message,
          `bench-${i}`,
        );
        const identity = await (
          await fetch(`${base}/identity`, { headers: { authorization } })
        ).json();
        const { csrPem } = await generateClientKeyAndCsr({
          username: identity.username,
          groups: identity.groups,
        });
        return { authorization, csrPem, username: identity.username };
      }),
    );
    const failures = new Map<number | string, number>();
    const bareFailures = new Map<number | string, number>();
    const issue = async (worker: number) => {
      let status: number | string;
      try {
        const res = await fetch(`${base}/certificates`, {
          method: 'POST',
          headers: {
            authorization: users[worker].authorization,
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            csr: users[worker].csrPem,
            ttlSeconds: 3600,
          }),
        });
        await res.arrayBuffer();
        status = res.status;
      } catch (error) {
        status = (error as Error).message;
      }
      // Counted, not thrown: a level that overloads the machine says so.
      if (status !== 201) {
        failures.set(status, (failures.get(status) ?? 0) + 1);
      }
    };
    const signBare = async (worker: number) => {
      let status: number | string;
      try {
        const res = await fetch(
          `${vault.url}/v1/${vault.pkiMount}/sign-verbatim/${vault.roleName}`,
          {
            method: 'POST',
            headers: {
              'x-vault-token': vault.backendToken,
              'content-type': 'application/json',
            },
            body: JSON.stringify({
              csr: users[worker].csrPem,
              ttl: '3600s',
              format: 'pem',
              key_usage: ['DigitalSignature'],
              ext_key_usage: ['ClientAuth'],
              exclude_cn_from_sans: true,
            }),
          },
        );
        await res.arrayBuffer();
        status = res.status;
      } catch (error) {
        status = (error as Error).message;
      }
      if (status !== 200) {
        bareFailures.set(status, (bareFailures.get(status) ?? 0) + 1);
      }
    };

    // Every user's first issuance creates its Vault entity: not measured.
    for (let i = 0; i < users.length; i += 10) {
      await Promise.all(users.slice(i, i + 10).map((_, j) => issue(i + j)));
    }
    await measure(1, 20, signBare);

    progress('users ready, entities made');
    if (profile) await ask(backend.child, { type: 'profile-start' });
    const rows: Row[] = [];
    let split: Record<string, number> | undefined;
    for (const level of LEVELS) {
      const total = requestsAt(level);
      progress(`${level} user(s), ${total} requests`);
      await ask(backend.child, { type: 'reset' });
      const before = await ask<BackendStats>(backend.child, { type: 'stats' });
      failures.clear();
      bareFailures.clear();
      const issuance = await measure(level, total, issue);
      const failed = Object.fromEntries(failures);
      const after = await ask<BackendStats>(backend.child, { type: 'stats' });
      const bareSign = await measure(level, total, signBare);
      const perIssuance = (after.cpuMs - before.cpuMs) / total;
      rows.push({
        users: level,
        issuance,
        bareSign,
        ratioP50: round(issuance.p50Ms / bareSign.p50Ms),
        ratioP99: round(issuance.p99Ms / bareSign.p99Ms),
        ratioThroughput: round(issuance.perSecond / bareSign.perSecond),
        backendCpuMsPerIssuance: round(perIssuance),
        backendSystemCpuMsPerIssuance: round(
          (after.systemCpuMs - before.systemCpuMs) / total,
        ),
        vaultCalls: delta(after.vaultCalls, before.vaultCalls),
        backendRequestsPerIssuance: delta(
          after.backendRequests,
          before.backendRequests,
          total,
        ),
        ...(failures.size ? { failedByStatus: failed } : {}),
        ...(bareFailures.size
          ? { bareSignFailedByStatus: Object.fromEntries(bareFailures) }
          : {}),
      });
    }
    // The profile covers the measured levels only: the split below times
    // its phases with process.cpuUsage(), which would show up in it.
    if (profile) {
      const file = path.join(
        repoRoot(),
        'bench',
        'profiles',
        `issuance-${stack}-${
          vaultOutOfProcess ? 'out' : 'in'
        }-${Date.now()}.cpuprofile`,
      );
      await ask(backend.child, { type: 'profile-stop', file } as any);
      progress(`CPU profile of the backend: ${file}`);
    }
    // The split: one user at a time, so that process CPU is this request's;
    // timing the phases costs CPU of its own, so this run is kept apart.
    // The floor has no phases.
    if (stack !== 'floor') {
      const total = requestsAt(1);
      progress(`CPU split, 1 user, ${total} requests`);
      await ask(backend.child, { type: 'reset' });
      await ask(backend.child, { type: 'split', on: true } as any);
      const before = await ask<BackendStats>(backend.child, { type: 'stats' });
      await measure(1, total, issue);
      const after = await ask<BackendStats>(backend.child, { type: 'stats' });
      await ask(backend.child, { type: 'split', on: false } as any);
      const perIssuance = (after.cpuMs - before.cpuMs) / total;
      split = Object.fromEntries(
        Object.entries(after.phases).map(([k, v]) => [k, round(v / total)]),
      );
      split['router, auth, HTTP, JSON (the rest)'] = round(
        perIssuance -
          Object.values(after.phases).reduce((a, b) => a + b, 0) / total,
      );
      split.total = round(perIssuance);
    }
    if (stack === 'floor') return { stack, vault: 'own process', rows };
    const csrCost = await ask<{ cpuMs: number }>(backend.child, {
      type: 'csr-cost',
      csrPem: users[0].csrPem,
      username: users[0].username,
      runs: SIZE === 'small' ? 10 : 200,
    } as any);
    return {
      stack,
      vault: vaultOutOfProcess ? 'own process' : 'in the backend process',
      rows,
      cpuSplitMsAtOneUser: {
        ...split,
        'of which CSR checks': round(csrCost.cpuMs),
      },
    };
  } finally {
    await stop(backend.child);
    if (vaultChild) await stop(vaultChild.child);
  }
}

function table(mode: Awaited<ReturnType<typeof runMode>>): string {
  const f = (n: number) => n.toFixed(1);
  return [
    `Stack: ${mode.stack}; Vault peer: ${mode.vault}`,
    '',
    '| users | p50 ms | p99 ms | issuances/s | bare sign p50 | bare sign p99 | bare sign/s | ratio p50 | ratio p99 | ratio throughput | backend CPU ms/issuance | of which kernel |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...mode.rows.map(
      r =>
        `| ${r.users} | ${f(r.issuance.p50Ms)} | ${f(r.issuance.p99Ms)} | ${f(
          r.issuance.perSecond,
        )} | ${f(r.bareSign.p50Ms)} | ${f(r.bareSign.p99Ms)} | ${f(
          r.bareSign.perSecond,
        )} | ${r.ratioP50} | ${r.ratioP99} | ${r.ratioThroughput} | ${
          r.backendCpuMsPerIssuance
        } | ${r.backendSystemCpuMsPerIssuance} |`,
    ),
    '',
    ...mode.rows.map(
      r =>
        `Vault calls for ${r.issuance.requests} issuances at ${
          r.users
        } user(s): ${JSON.stringify(
          r.vaultCalls,
        )}; requests answered per issuance: ${JSON.stringify(
          r.backendRequestsPerIssuance,
        )}`,
    ),
    ...(mode.cpuSplitMsAtOneUser
      ? [
          `CPU split at 1 user (ms per issuance): ${JSON.stringify(
            mode.cpuSplitMsAtOneUser,
          )}`,
        ]
      : []),
  ].join('\n');
}

/**
 * The rows, one after the other in one run: the bare stack with the Vault
 * peer out of and in the backend's process, then the real stack (peer out).
 */
const MODES: Array<{ stack: Stack; vaultOutOfProcess: boolean }> = [
  { stack: 'bare', vaultOutOfProcess: true },
  { stack: 'bare', vaultOutOfProcess: false },
  { stack: 'real', vaultOutOfProcess: true },
  { stack: 'floor', vaultOutOfProcess: true },
];

/** The backends' database, as recorded with the figures. */
function benchDatabaseName() {
  return process.env.BENCH_POSTGRES ? 'PostgreSQL' : 'SQLite in memory';
}

async function main() {
  progress(`database: ${benchDatabaseName()}`);
  const modes = [];
  const onlyVault = flag('vault');
  const onlyStack = flag('stack');
  if (onlyStack && !MODES.some(m => m.stack === onlyStack)) {
    throw new Error(`--stack must be bare, real or floor, got ${onlyStack}`);
  }
  for (const { stack, vaultOutOfProcess } of MODES) {
    if (onlyVault && (onlyVault === 'out') !== vaultOutOfProcess) continue;
    if (onlyStack && onlyStack !== stack) continue;
    const mode = await runMode(stack, vaultOutOfProcess);
    process.stdout.write(`${table(mode)}\n\n`);
    modes.push(mode);
  }
  if (!CUSTOM && !onlyVault && !onlyStack) {
    reportResult('issuance', SIZE, { database: benchDatabaseName(), modes });
  }
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
