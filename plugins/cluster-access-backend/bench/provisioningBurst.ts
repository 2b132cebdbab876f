/*
 * A burst of namespace requests (dev tier: approved at once) against the
 * Kubernetes peer: time until every one is ready, Kubernetes calls per
 * namespace, and how many the worker provisions at once per cluster
 * (`clusterAccess.requests.provisioningConcurrency`).
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/cluster-access-backend/bench/provisioningBurst.ts [--size=small|full]
 *
 * Full size: 500 requests across 100 Groups, at concurrency 8 (the default)
 * and 32; small: 20 across 5 at 4. The requests go through NamespaceRequestService as the
 * router's POST /requests does (membership from the catalog, history,
 * automatic approval, the worker triggered); the peer runs in a process of
 * its own, as kube-apiserver does in production, so CPU is counted per side;
 * the store is SQLite in memory. `--cpu-prof` writes a CPU profile of the
 * burst (not start-up) for the backend and for the peer to bench/profiles/.
 */
import 'reflect-metadata';
import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory from 'knex';
import path from 'node:path';
import { staticClusterDirectory } from '../src/config/ClusterDirectory';
import { readClusterAccessSettings } from '../src/config/readClusterAccessSettings';
import { migrateDatabase } from '../src/database/migrations';
import { DatabaseHistoryStore } from '../src/history/DatabaseHistoryStore';
import { HistoryRecorder } from '../src/history/HistoryRecorder';
import { DatabaseAccessStore } from '../src/namespaces/access/DatabaseAccessStore';
import { KubernetesClusterClientProvider } from '../src/namespaces/cluster/KubernetesClusterClient';
import { createNamespaceServices } from '../src/namespaces/createNamespaceServices';
import { CatalogGroupDirectory } from '../src/namespaces/members/groups';
import { DatabaseNamespaceStore } from '../src/namespaces/requests/DatabaseNamespaceStore';
import {
  benchSize,
  cpuMs,
  Profiler,
  reportResult,
  repoRoot,
  round,
} from './common';
import { startKubePeerProcess } from './kubePeerProcess';

const SIZE = benchSize();
// --requests=N, --groups=N and --concurrency=a,b narrow a run (for
// profiling); `yarn bench` never passes them.
const arg = (name: string) =>
  process.argv.find(a => a.startsWith(`--${name}=`))?.split('=')[1];
const REQUESTS = Number(arg('requests') ?? (SIZE === 'small' ? 20 : 500));
const GROUPS = Number(arg('groups') ?? (SIZE === 'small' ? 5 : 100));
const MEMBERS_PER_GROUP = 3;
const DEFAULT_CONCURRENCY = SIZE === 'small' ? [4] : [8, 32];
const CONCURRENCY =
  arg('concurrency')?.split(',').map(Number) ?? DEFAULT_CONCURRENCY;

const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

function orgEntities(): Entity[] {
  return Array.from({ length: GROUPS }, (_, g) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: `team-${g}`, namespace: 'default' },
    spec: { type: 'team', children: [] },
    relations: Array.from({ length: MEMBERS_PER_GROUP }, (__, m) => ({
      type: 'hasMember',
      targetRef: `user:default/user-${g}-${m}`,
    })),
  }));
}

async function burst(concurrency: number) {
  const peer = await startKubePeerProcess();
  const token = await peer.issueServiceAccountToken({
    namespace: 'cluster-access',
    name: 'backstage',
  });
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  const db = await migrateDatabase(
    mockServices.database({ knex, migrations: { skip: false } }),
  );
  const settings = readClusterAccessSettings(
    new ConfigReader({
      clusterAccess: {
        clusters: [
          {
            name: 'sandbox',
            url: peer.url,
            caData: Buffer.from(peer.caPem).toString('base64'),
            serviceAccountToken: token,
          },
        ],
        requests: { provisioningConcurrency: concurrency },
      },
    }),
  );
  const services = createNamespaceServices({
    settings: settings.namespaces,
    certificates: settings.certificates,
    clusters: staticClusterDirectory(settings.clusters),
    clients: new KubernetesClusterClientProvider(
      staticClusterDirectory(settings.clusters),
    ),
    store: new DatabaseNamespaceStore(db),
    accessStore: new DatabaseAccessStore(db),
    history: new HistoryRecorder({
      store: new DatabaseHistoryStore(db),
      logger: silentLogger,
    }),
    groups: new CatalogGroupDirectory({
      catalog: catalogServiceMock({ entities: orgEntities() }),
      auth: mockServices.auth(),
    }),
    logger: silentLogger,
  });
  // How many namespaces are being provisioned at any moment.
  let running = 0;
  let peak = 0;
  const provision = services.provisioner.provision.bind(services.provisioner);
  services.provisioner.provision = async (...args) => {
    peak = Math.max(peak, ++running);
    try {
      return await provision(...args);
    } finally {
      running--;
    }
  };
  await peer.resetCounts();
  // Statements by their first word (select, insert, update), for the report.
  const statements: Record<string, number> = {};
  knex.on('query', (query: { sql: string }) => {
    const verb = query.sql.trimStart().split(/\s/)[0].toLowerCase();
    statements[verb] = (statements[verb] ?? 0) + 1;
  });

  const profile = process.argv.includes('--cpu-prof');
  const profiler = new Profiler();
  if (profile) await Promise.all([profiler.start(), peer.profileStart()]);
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const peerCpuBefore = await peer.cpuMs();
  await Promise.all(
    Array.from({ length: REQUESTS }, async (_, i) => {
      const g = i % GROUPS;
      const user = `user:default/user-${g}-0`;
      await services.requests.createRequest(
        {
          cluster: 'sandbox',
          namespace: `team-${g}-burst${i}-dev`,
          owner: `group:default/team-${g}`,
          tier: 'dev',
          reason: 'burst benchmark',
        },
        { userEntityRef: user, ownershipEntityRefs: [user] },
        // The permission decision is the router's; every request is allowed.
        async () => {},
      );
    }),
  );
  const filedMs = performance.now() - started;
  await services.worker.idle();
  const seconds = (performance.now() - started) / 1000;
  const cpu = cpuMs(process.cpuUsage(cpuBefore));
  const peerCpu = (await peer.cpuMs()) - peerCpuBefore;
  if (profile) {
    const file = (who: string) =>
      path.join(
        repoRoot(),
        'bench',
        'profiles',
        `burst-${SIZE}-${concurrency}-${who}-${Date.now()}.cpuprofile`,
      );
    const files = [file('backend'), file('peer')];
    await Promise.all([profiler.stop(files[0]), peer.profileStop(files[1])]);
    process.stderr.write(`[burst] CPU profiles: ${files.join(' ')}\n`);
  }
  const ready = await services.store.listRequests({
    kind: 'create',
    status: ['ready'],
    limit: REQUESTS + 1,
  });
  if (ready.length !== REQUESTS) {
    throw new Error(`${ready.length} of ${REQUESTS} requests are ready`);
  }
  const counts = await peer.requestCounts();
  const connections = await peer.connectionCount();
  const calls = Object.values(counts).reduce((a, b) => a + b, 0);
  const byVerb: Record<string, number> = {};
  for (const [key, n] of Object.entries(counts)) {
    const verb = key.split(' ')[0];
    byVerb[verb] = (byVerb[verb] ?? 0) + n;
  }
  await knex.destroy();
  await peer.close();
  return {
    concurrency,
    requests: REQUESTS,
    groups: GROUPS,
    secondsUntilAllReady: round(seconds, 1),
    secondsToFile: round(filedMs / 1000, 1),
    namespacesPerSecond: round(REQUESTS / seconds, 1),
    // Wall time depends on the machine's load; CPU time much less so.
    cpuMsPerNamespaceBackendAndPeer: round((cpu + peerCpu) / REQUESTS, 1),
    cpuMsPerNamespaceBackend: round(cpu / REQUESTS, 1),
    cpuMsPerNamespacePeer: round(peerCpu / REQUESTS, 1),
    tlsConnections: connections,
    databaseStatementsPerNamespace: Object.fromEntries(
      Object.entries(statements).map(([verb, n]) => [
        verb,
        round(n / REQUESTS, 1),
      ]),
    ),
    kubernetesCallsPerNamespace: round(calls / REQUESTS, 1),
    kubernetesCallsPerNamespaceByVerb: Object.fromEntries(
      Object.entries(byVerb).map(([verb, n]) => [verb, round(n / REQUESTS, 1)]),
    ),
    peakParallelProvisioning: peak,
  };
}

async function main() {
  const rows = [];
  for (const concurrency of CONCURRENCY) {
    const row = await burst(concurrency);
    process.stderr.write(`[burst] ${JSON.stringify(row)}\n`);
    rows.push(row);
  }
  const lines = [
    `Provisioning burst: ${REQUESTS} dev-tier requests across ${GROUPS} Groups, Kubernetes peer in its own process`,
    '',
    '| concurrency per cluster | all ready after | namespaces/s | CPU ms per namespace backend / peer | Kubernetes calls per namespace | TLS connections | peak in parallel |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      r =>
        `| ${r.concurrency} | ${r.secondsUntilAllReady} s | ${r.namespacesPerSecond} | ${r.cpuMsPerNamespaceBackend} / ${r.cpuMsPerNamespacePeer} | ${r.kubernetesCallsPerNamespace} | ${r.tlsConnections} | ${r.peakParallelProvisioning} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  reportResult('provisioning-burst', SIZE, { rows });
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
