/*
 * One backend replica for bench/issuance.ts, in a process of its own so that
 * its CPU time is the backend's alone: the certificates feature as the plugin
 * composes it (the history router mounted first, as the plugin does; the
 * certificates router, CertificateService, the Vault signer and identity
 * directory; SQLite in memory, or PostgreSQL as in production when
 * BENCH_POSTGRES names a server). The Vault peer runs in another process
 * (BENCH_VAULT holds where) or, for the in-process row, in this one.
 *
 * Talks to its parent over IPC: `stats` answers the CPU used so far and its
 * split by phase; `reset` zeroes the split; `csr-cost` times the CSR checks
 * alone.
 */
import 'reflect-metadata';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import fs from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { CertificateService } from '../src/certificates/CertificateService';
import { DatabaseCertificateStore } from '../src/certificates/DatabaseCertificateStore';
import { checkCsr } from '../src/certificates/csr';
import {
  VaultClient,
  vaultOperation,
} from '../src/certificates/vault/VaultClient';
import { staticClusterDirectory } from '../src/config/ClusterDirectory';
import { readClusterAccessSettings } from '../src/config/readClusterAccessSettings';
import { migrateDatabase } from '../src/database/migrations';
import { createCertificatesFeature } from '../src/features/certificates';
import { DatabaseHistoryStore } from '../src/history/DatabaseHistoryStore';
import { HistoryRecorder } from '../src/history/HistoryRecorder';
import { createHistoryRouter } from '../src/service/historyRouter';
import { openBenchDatabase } from './benchDatabase';
import { accountCpu, cpuMs, setCpuAccounting } from './common';
import { startBootstrappedVault, VaultPeerReady } from './vaultPeerProcess';

export type BackendMessage =
  | { type: 'stats' }
  | { type: 'reset' }
  | { type: 'split'; on: boolean }
  | { type: 'profile-start' }
  | { type: 'profile-stop'; file: string }
  | { type: 'csr-cost'; csrPem: string; username: string; runs: number };

export interface BackendStats {
  type: 'stats';
  cpuMs: number;
  /** Of cpuMs, the time spent in the kernel (system calls: sockets). */
  systemCpuMs: number;
  phases: Record<string, number>;
  /** HTTP requests the backend sent to Vault so far, by method and path. */
  vaultCalls: Record<string, number>;
}

const phases: Record<string, number> = {};
const vaultCalls: Record<string, number> = {};

/**
 * Counts every request the backend sends over node:http (only Vault here),
 * below node-vault and the token manager alike: a steady-state issuance
 * should make one, the sign.
 */
function countVaultCalls() {
  const original = http.request;
  (http as any).request = function counted(this: unknown, ...args: any[]) {
    const [target, options] = args;
    const url = target instanceof URL ? target : undefined;
    const method = options?.method === 'GET' ? 'read' : 'write';
    const key = vaultOperation(method, url?.pathname.slice(4) ?? '?');
    vaultCalls[key] = (vaultCalls[key] ?? 0) + 1;
    return (original as any).apply(this, args);
  };
}

const STATUS: Record<string, number> = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  ServiceUnavailableError: 503,
};

/** Self CPU time per phase, for one-at-a-time runs. */
function instrument() {
  accountCpu(CertificateService.prototype, 'issue', 'service', phases);
  accountCpu(
    CertificateService.prototype as any,
    'signAndCheck',
    'certificate checks',
    phases,
  );
  accountCpu(VaultClient.prototype, 'read', 'vault calls', phases);
  accountCpu(VaultClient.prototype, 'write', 'vault calls', phases);
  accountCpu(
    DatabaseCertificateStore.prototype,
    'addCertificate',
    'database writes',
    phases,
  );
  accountCpu(
    DatabaseHistoryStore.prototype,
    'addHistoryEvent',
    'database writes',
    phases,
  );
}

async function main() {
  const inProcess = !process.env.BENCH_VAULT;
  const vault: VaultPeerReady = inProcess
    ? await startBootstrappedVault()
    : JSON.parse(process.env.BENCH_VAULT!);
  instrument();
  countVaultCalls();
  const logger = mockServices.rootLogger({ level: 'none' });
  const { knex, drop } = await openBenchDatabase();
  const db = await migrateDatabase(
    mockServices.database({ knex, migrations: { skip: false } }),
  );
  const settings = readClusterAccessSettings(
    new ConfigReader({
      clusterAccess: {
        certificates: { defaultTtlSeconds: 3600 },
        vault: {
          address: vault.url,
          pkiMount: vault.pkiMount,
          role: vault.roleName,
          // Generous: an overloaded machine makes a slow peer, not a failure.
          timeoutMs: 30_000,
          auth: { method: 'token', token: vault.backendToken },
          // BENCH_IDENTITY_CACHE_TTL=0 measures without the identity cache.
          identity: {
            cacheTtlSeconds: Number(process.env.BENCH_IDENTITY_CACHE_TTL ?? 30),
          },
        },
        clusters: [{ name: 'bench', url: 'https://127.0.0.1:6443' }],
      },
    }),
  );
  const httpAuth = mockServices.httpAuth();
  const historyStore = new DatabaseHistoryStore(db);
  const noopEvent = { success: async () => {}, fail: async () => {} };
  const feature = await createCertificatesFeature({
    settings,
    clusters: staticClusterDirectory(settings.clusters),
    knex: db,
    history: new HistoryRecorder({ store: historyStore, logger }),
    logger,
    httpAuth,
    userInfo: {
      getUserInfo: async credentials => {
        const ref = (credentials.principal as { userEntityRef: string })
          .userEntityRef;
        return {
          userEntityRef: ref,
          ownershipEntityRefs: [ref, 'group:default/bench'],
        };
      },
    },
    permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    auditor: { createEvent: async () => noopEvent },
  });
  const app = express()
    // As the plugin mounts them: the history router, then the feature's.
    .use(
      '/api/cluster-access',
      await createHistoryRouter({ httpAuth, history: historyStore }),
    )
    .use('/api/cluster-access', feature.router)
    // Statuses as Backstage's error middleware gives them, without the stack.
    .use(
      (
        error: Error & { statusCode?: number },
        _req: express.Request,
        res: express.Response,
        _next: express.NextFunction,
      ) => {
        res
          .status(error.statusCode ?? STATUS[error.name] ?? 500)
          .json({ error: { name: error.name, message: error.message } });
      },
    );
  const server = app.listen(0, '127.0.0.1');
  await new Promise(resolve => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;

  // Only the measured requests are profiled, not start-up and warm-up.
  const session = new Session();
  const post = (method: string, params?: object) =>
    new Promise((resolve, reject) =>
      session.post(method, params ?? {}, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  process.on('message', async (message: BackendMessage) => {
    if (message.type === 'reset') {
      for (const key of Object.keys(phases)) phases[key] = 0;
      process.send!({ type: 'reset' });
    } else if (message.type === 'split') {
      setCpuAccounting(message.on);
      process.send!({ type: 'split' });
    } else if (message.type === 'stats') {
      const stats: BackendStats = {
        type: 'stats',
        cpuMs: cpuMs(),
        systemCpuMs: process.cpuUsage().system / 1000,
        phases: { ...phases },
        vaultCalls: { ...vaultCalls },
      };
      process.send!(stats);
    } else if (message.type === 'profile-start') {
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
      process.send!({ type: 'profile-start' });
    } else if (message.type === 'profile-stop') {
      const { profile } = (await post('Profiler.stop')) as { profile: object };
      session.disconnect();
      fs.mkdirSync(path.dirname(message.file), { recursive: true });
      fs.writeFileSync(message.file, JSON.stringify(profile));
      process.send!({ type: 'profile-stop' });
    } else if (message.type === 'csr-cost') {
      const before = process.cpuUsage();
      for (let i = 0; i < message.runs; i++) {
        await checkCsr({ csrPem: message.csrPem, username: message.username });
      }
      process.send!({
        type: 'csr-cost',
        cpuMs: cpuMs(process.cpuUsage(before)) / message.runs,
      });
    }
  });
  process.on('disconnect', () => {
    server.close();
    void feature
      .shutdown()
      .then(() => knex.destroy())
      .then(drop)
      .finally(() => process.exit(0));
  });
  process.send!({
    type: 'backend-ready',
    base: `http://127.0.0.1:${port}/api/cluster-access`,
    vault: { ...vault, close: undefined },
  });
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
