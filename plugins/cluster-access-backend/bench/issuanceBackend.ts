/*
 * One backend replica for bench/issuance.ts, in a process of its own so that
 * its CPU time is the backend's alone: the certificates feature as the plugin
 * composes it (the history router mounted first, as the plugin does; the
 * certificates router, CertificateService, the Vault signer and identity
 * directory; SQLite in memory, or PostgreSQL as in production when
 * BENCH_POSTGRES names a server). The Vault peer runs in another process
 * (BENCH_VAULT holds where) or, for the in-process row, in this one.
 *
 * The bare stack: the feature's router on a plain Express app, with mock
 * credentials and user info, and a permission service that allows. The real
 * Backstage stack around the same plugin is bench/issuanceRealBackend.ts.
 * Talks to its parent over IPC (bench/backendProcess.ts).
 */
import 'reflect-metadata';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { staticClusterDirectory } from '../src/config/ClusterDirectory';
import { readClusterAccessSettings } from '../src/config/readClusterAccessSettings';
import { migrateDatabase } from '../src/database/migrations';
import { createCertificatesFeature } from '../src/features/certificates';
import { DatabaseHistoryStore } from '../src/history/DatabaseHistoryStore';
import { HistoryRecorder } from '../src/history/HistoryRecorder';
import { createHistoryRouter } from '../src/service/historyRouter';
import { openBenchDatabase } from './benchDatabase';
import {
  benchVaultConfig,
  countBackendRequests,
  countVaultCalls,
  instrument,
  serveParent,
} from './backendProcess';
import { startBootstrappedVault, VaultPeerReady } from './vaultPeerProcess';

const STATUS: Record<string, number> = {
  InputError: 400,
  AuthenticationError: 401,
  NotAllowedError: 403,
  NotFoundError: 404,
  ConflictError: 409,
  ServiceUnavailableError: 503,
};

async function main() {
  const inProcess = !process.env.BENCH_VAULT;
  const vault: VaultPeerReady = inProcess
    ? await startBootstrappedVault()
    : JSON.parse(process.env.BENCH_VAULT!);
  instrument();
  countVaultCalls(vault.url);
  countBackendRequests();
  const logger = mockServices.rootLogger({ level: 'none' });
  const { knex, drop } = await openBenchDatabase();
  const db = await migrateDatabase(
    mockServices.database({ knex, migrations: { skip: false } }),
  );
  const settings = readClusterAccessSettings(
    new ConfigReader({
      clusterAccess: {
        certificates: { defaultTtlSeconds: 3600 },
        vault: benchVaultConfig(vault),
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
      await createHistoryRouter({
        httpAuth,
        permissions: mockServices.permissions({
          result: AuthorizeResult.ALLOW,
        }),
        history: historyStore,
      }),
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

  serveParent(
    {
      base: `http://127.0.0.1:${port}/api/cluster-access`,
      vault: { ...vault, close: undefined },
    },
    async () => {
      server.close();
      await feature.shutdown();
      await knex.destroy();
      await drop();
    },
  );
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
