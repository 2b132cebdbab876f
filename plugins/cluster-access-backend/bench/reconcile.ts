/*
 * Reconciliation cost against the Kubernetes peer: the Kubernetes calls
 * (pages per kind) and the time of a steady-state pass over N managed
 * namespaces (goal: zero writes), of passes that repair k drifted objects
 * (goal: exactly k writes), and the backend's memory during a pass (goal: it
 * follows the page size, not N). The peer runs in its own process
 * (bench/kubePeerProcess.ts), so this process is the backend alone.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/cluster-access-backend/bench/reconcile.ts [--size=small|full] \
 *     [--page-size=N] [namespaces] [k,k,...]
 *
 * (or `yarn bench:reconcile` in the package). Full size: 10,000 namespaces,
 * k = 1, 10, 100; small: 30 namespaces, k = 1, 5. The namespaces are provisioned first through the real
 * provisioner (server-side apply); each belongs to one of 100 Groups of
 * three members, so it holds a Namespace, LimitRange, ResourceQuota,
 * NetworkPolicy, Role and six RoleBindings. The store is SQLite in memory,
 * the catalog an in-memory one; times include the catalog and database reads.
 */
import 'reflect-metadata';
import { LoggerService } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import knexFactory from 'knex';
import v8 from 'node:v8';
import vm from 'node:vm';
import { readClusterAccessSettings } from '../src/config/readClusterAccessSettings';
import { migrateDatabase } from '../src/database/migrations';
import { DatabaseHistoryStore } from '../src/history/DatabaseHistoryStore';
import { HistoryRecorder } from '../src/history/HistoryRecorder';
import { DatabaseAccessStore } from '../src/namespaces/access/DatabaseAccessStore';
import { KubernetesClusterClientProvider } from '../src/namespaces/cluster/KubernetesClusterClient';
import { ClusterClient } from '@cluster-access/plugin-cluster-access-node';
import { createNamespaceServices } from '../src/namespaces/createNamespaceServices';
import { CatalogGroupDirectory } from '../src/namespaces/members/groups';
import { DatabaseNamespaceStore } from '../src/namespaces/requests/DatabaseNamespaceStore';
import { StoredNamespaceRequest } from '../src/namespaces/requests/NamespaceStore';
import { staticClusterDirectory } from '../src/config/ClusterDirectory';
import { toManifest } from '../src/namespaces/cluster/renderManifests';
import { benchSize, reportResult, round } from './common';
import { RemoteKubePeer, startKubePeerProcess } from './kubePeerProcess';

const SIZE = benchSize();
const positional = process.argv.slice(2).filter(a => !a.startsWith('--'));
const NAMESPACES = Number(positional[0] ?? (SIZE === 'small' ? 30 : 10_000));
const pageFlag = process.argv.find(a => a.startsWith('--page-size='));
/** Objects per list page and requests per database page; the defaults (500) unless asked. */
const PAGE_SIZE = pageFlag ? Number(pageFlag.split('=')[1]) : undefined;
const DRIFTS = (positional[1] ?? (SIZE === 'small' ? '1,5' : '1,10,100'))
  .split(',')
  .map(Number);
const GROUPS = 100;
/** Namespaces made through the provisioner in the set-up; the rest are seeded. */
const PROVISIONED = 200;
const MEMBERS_PER_GROUP = 3;
const STEADY_RUNS = 5;
const RBAC = 'rbac.authorization.k8s.io/v1';

const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

// A full collection before each measured pass, so its baseline is what stays alive.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

/**
 * Runs `fn` while sampling this process's memory: the heap after a full
 * collection before it, and the highest heap and resident size seen while it
 * ran (sampled every 2 ms; a short spike between samples can be missed).
 */
async function withMemory<T>(fn: () => Promise<T>) {
  gc();
  const before = process.memoryUsage();
  let peakHeap = before.heapUsed;
  let peakRss = before.rss;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakRss = Math.max(peakRss, m.rss);
  }, 2);
  try {
    const result = await fn();
    return {
      result,
      memory: {
        heapBeforeMb: round(before.heapUsed / 2 ** 20, 0),
        peakHeapMb: round(peakHeap / 2 ** 20, 0),
        heapGrowthMb: round((peakHeap - before.heapUsed) / 2 ** 20, 0),
        peakRssMb: round(peakRss / 2 ** 20, 0),
      },
    };
  } finally {
    clearInterval(timer);
  }
}

/**
 * What a pass keeps alive, as opposed to the garbage it makes: when a probe
 * is on, every page the reconciler lists is measured after a full GC, once
 * as it arrives and once after it was handled, and so is every page of
 * requests the access step records (when the page's requests, members and
 * RoleBindings are all held). The peak minus the heap before the pass is
 * what the pass holds at its fullest; if pages are streamed it follows the
 * page size, not the number of namespaces.
 */
class ProbedClusterClients extends KubernetesClusterClientProvider {
  probing = false;
  peakRetained = 0;

  forCluster(cluster: string): ClusterClient | undefined {
    const client = super.forCluster(cluster);
    if (!client) return undefined;
    const probed = Object.create(client) as ClusterClient;
    probed.listPages = (type, selector, onPage) =>
      client.listPages(type, selector, async page => {
        this.sample();
        await onPage(page);
        this.sample();
      });
    return probed;
  }

  sample() {
    if (!this.probing) return;
    gc();
    this.peakRetained = Math.max(
      this.peakRetained,
      process.memoryUsage().heapUsed,
    );
  }

  /** Runs one pass with the probe on: the heap before it and its peak, in MB. */
  async measure(fn: () => Promise<unknown>) {
    gc();
    const before = process.memoryUsage().heapUsed;
    this.peakRetained = before;
    this.probing = true;
    try {
      await fn();
    } finally {
      this.probing = false;
    }
    return {
      heapBeforeMb: round(before / 2 ** 20, 1),
      peakRetainedMb: round(this.peakRetained / 2 ** 20, 1),
      retainedGrowthMb: round((this.peakRetained - before) / 2 ** 20, 1),
    };
  }
}

/** `namespaces 21 (limit 500), …`: list requests (pages) per resource, from the peer's log. */
function pagesPerKind(
  lists: Array<{ resource: string; limit?: number }>,
): Record<string, number> {
  const pages: Record<string, number> = {};
  for (const l of lists) {
    if (l.limit === undefined) {
      throw new Error(`the reconciler listed ${l.resource} without a limit`);
    }
    pages[l.resource] = (pages[l.resource] ?? 0) + 1;
  }
  return pages;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** `namespaces 1, rolebindings 2, …`: list requests per kind (pages count). */
function listsPerKind(counts: Record<string, number>): string {
  return Object.entries(counts)
    .filter(([key]) => key.startsWith('list '))
    .map(([key, n]) => `${key.slice('list '.length)} ${n}`)
    .join(', ');
}

function summarize(counts: Record<string, number>) {
  let lists = 0;
  let reads = 0;
  let writes = 0;
  for (const [key, n] of Object.entries(counts)) {
    if (key.startsWith('list ')) lists += n;
    else if (key.startsWith('get ')) reads += n;
    else writes += n;
  }
  return { lists, reads, writes };
}

function orgEntities(): Entity[] {
  const entities: Entity[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const members = Array.from(
      { length: MEMBERS_PER_GROUP },
      (_, m) => `user:default/user-${g}-${m}`,
    );
    entities.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: `team-${g}`, namespace: 'default' },
      spec: { type: 'team', children: [] },
      relations: members.map(targetRef => ({ type: 'hasMember', targetRef })),
    });
  }
  return entities;
}

/** Changes one object of the namespace, cycling through the kinds of drift. */
async function drift(
  peer: RemoteKubePeer,
  request: StoredNamespaceRequest,
  i: number,
) {
  const ns = request.namespace;
  switch (i % 4) {
    case 0:
      await peer.deleteObject({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        namespace: ns,
        name: 'cluster-access-isolation',
      });
      return;
    case 1: {
      const quota = (await peer.getObject({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        namespace: ns,
        name: 'cluster-access-quota',
      }))!;
      await peer.putObject({
        ...quota,
        spec: { hard: { ...(quota.spec as any).hard, pods: '9999' } },
      });
      return;
    }
    case 2: {
      const namespace = (await peer.getObject({
        apiVersion: 'v1',
        kind: 'Namespace',
        name: ns,
      }))!;
      await peer.putObject({
        ...namespace,
        metadata: {
          ...namespace.metadata,
          labels: {
            ...namespace.metadata?.labels,
            'pod-security.kubernetes.io/enforce': 'privileged',
          },
        },
      });
      return;
    }
    default: {
      const binding = (
        await peer.listObjects({
          apiVersion: RBAC,
          kind: 'RoleBinding',
          namespace: ns,
        })
      ).find(b => b.metadata?.name?.startsWith('ca-edit-'))!;
      await peer.deleteObject({
        apiVersion: RBAC,
        kind: 'RoleBinding',
        namespace: ns,
        name: binding.metadata!.name!,
      });
    }
  }
}

async function main() {
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
  const database = mockServices.database({ knex, migrations: { skip: false } });
  const db = await migrateDatabase(database);
  const history = new DatabaseHistoryStore(db);
  const store = new DatabaseNamespaceStore(db);
  const catalog = catalogServiceMock({ entities: orgEntities() });
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
      },
    }),
  );
  // Counts the access view's row writes: a quiet pass must make none.
  const accessStore = new DatabaseAccessStore(db);
  // Rows of kubectl-made bindings apart: a first pass also records the
  // members' own bindings (for the roles the access view shows) when no
  // earlier pass has.
  let accessRowWrites = 0;
  let kubectlRowWrites = 0;
  const saveBindings = accessStore.saveBindings.bind(accessStore);
  accessStore.saveBindings = async changes => {
    const rows = [...changes.insert, ...changes.remove, ...changes.update];
    accessRowWrites += rows.length;
    kubectlRowWrites += rows.filter(row => !row.managed).length;
    return saveBindings(changes);
  };
  const clients = new ProbedClusterClients(
    settings.clusters,
    PAGE_SIZE ? { pageSize: PAGE_SIZE } : {},
  );
  const listBindings = accessStore.listBindings.bind(accessStore);
  accessStore.listBindings = async ids => {
    clients.sample();
    return listBindings(ids);
  };
  const services = createNamespaceServices({
    settings: settings.namespaces,
    certificates: settings.certificates,
    clusters: staticClusterDirectory(settings.clusters),
    clients,
    store,
    accessStore,
    history: new HistoryRecorder({ store: history, logger: silentLogger }),
    groups: new CatalogGroupDirectory({ catalog, auth: mockServices.auth() }),
    logger: silentLogger,
    reconcilePageSize: PAGE_SIZE,
  });

  const setupStarted = Date.now();
  const requests: StoredNamespaceRequest[] = [];
  for (let i = 0; i < NAMESPACES; i++) {
    const g = i % GROUPS;
    const now = new Date();
    const request = await store.createRequest({
      kind: 'create',
      cluster: 'sandbox',
      namespace: `team-${g}-bench${i}-dev`,
      owner: `group:default/team-${g}`,
      tier: 'dev',
      reason: 'benchmark',
      requester: `user:default/user-${g}-0`,
      expiresAt: new Date(now.getTime() + 3_600_000),
      now,
    });
    await store.updateRequest(
      request.id,
      { status: ['pending'] },
      { status: 'ready' },
      now,
    );
    requests.push(request);
  }
  // The first ones through the real provisioner (server-side apply over
  // HTTPS), a few at a time; the rest seeded straight into the peer's store
  // with the objects the provisioner would apply, since thousands of
  // provisionings take many minutes on a small machine (the burst benchmark
  // measures provisioning).
  const provisioned = requests.slice(0, PROVISIONED);
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      for (let r = provisioned.shift(); r; r = provisioned.shift()) {
        await services.provisioner.provision(r);
      }
    }),
  );
  let batch: object[] = [];
  for (const r of requests.slice(PROVISIONED)) {
    // As the client sends them (the API's field names): the peer, like
    // kube-apiserver, drops fields it does not know, such as client-node's
    // model names `_default` and `_from`.
    batch.push(...(await services.provisioner.desiredState(r)).map(toManifest));
    if (batch.length >= 2000) {
      await peer.putObjects(batch);
      batch = [];
    }
  }
  await peer.putObjects(batch);
  // Seeding skips admission and the write path's defaulting, so one pass
  // settles the seeded objects; it must find nothing to write, or seeding
  // would not be what the provisioner leaves.
  let settleWrites = 0;
  if (NAMESPACES > PROVISIONED) {
    await peer.resetCounts();
    await services.reconciler.reconcileAll();
    settleWrites = summarize(await peer.requestCounts()).writes;
  }
  const setupSeconds = (Date.now() - setupStarted) / 1000;

  const lines: string[] = [];
  lines.push(
    `Reconcile benchmark: ${NAMESPACES} managed namespaces on the Kubernetes peer, ${GROUPS} groups of ${MEMBERS_PER_GROUP}`,
  );
  lines.push(
    `  (set-up in ${setupSeconds.toFixed(1)} s: ${Math.min(
      NAMESPACES,
      PROVISIONED,
    )} namespaces provisioned through the provisioner, ${Math.max(
      0,
      NAMESPACES - PROVISIONED,
    )} seeded into the peer with the same objects and one pass to settle them, which wrote ${settleWrites})`,
  );

  // One RoleBinding made with kubectl, for an outsider, in every tenth
  // namespace: the first pass records (and flags) them, later ones are quiet.
  const outsiders = requests.filter((_, i) => i % 10 === 0);
  for (const r of outsiders) {
    await peer.putObject({
      apiVersion: RBAC,
      kind: 'RoleBinding',
      metadata: { name: 'stranger-view', namespace: r.namespace },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'view',
      },
      subjects: [
        {
          apiGroup: 'rbac.authorization.k8s.io',
          kind: 'User',
          name: 'stranger',
        },
      ],
    });
  }
  await peer.resetCounts();
  kubectlRowWrites = 0;
  const recordStarted = process.hrtime.bigint();
  const first = await withMemory(() => services.reconciler.reconcileAll());
  const recordMs = Number(process.hrtime.bigint() - recordStarted) / 1e6;
  const recorded = summarize(await peer.requestCounts());
  if (kubectlRowWrites !== outsiders.length) {
    throw new Error(
      `recording ${outsiders.length} kubectl-made bindings wrote ${kubectlRowWrites} rows`,
    );
  }

  const steady: number[] = [];
  /** Backend CPU (user + system) per steady pass, steadier than time on a loaded machine. */
  const steadyCpu: number[] = [];
  let steadyCounts: Record<string, number> = {};
  let pages: Record<string, number> = {};
  let steadyMemory = first.memory;
  for (let run = 0; run < STEADY_RUNS; run++) {
    await peer.resetCounts();
    accessRowWrites = 0;
    const started = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    const {
      result: [report],
      memory,
    } = await withMemory(() => services.reconciler.reconcileAll());
    steady.push(Number(process.hrtime.bigint() - started) / 1e6);
    const cpu = process.cpuUsage(cpuBefore);
    steadyCpu.push((cpu.user + cpu.system) / 1000);
    steadyCounts = await peer.requestCounts();
    pages = pagesPerKind(await peer.listRequests());
    if (run === 0 || memory.peakHeapMb > steadyMemory.peakHeapMb) {
      steadyMemory = memory;
    }
    if (
      report.applied + report.deleted !== 0 ||
      report.errors.length ||
      accessRowWrites !== 0
    ) {
      throw new Error(
        `steady state was not quiet (${accessRowWrites} access rows written): ${JSON.stringify(
          report,
        )}`,
      );
    }
  }
  // One more quiet pass, probed (slow: a GC per page), not timed.
  const retained = await clients.measure(() =>
    services.reconciler.reconcileAll(),
  );
  const s = summarize(steadyCounts);
  const figures: Record<string, unknown> = {
    namespaces: NAMESPACES,
    setupSeconds: round(setupSeconds, 1),
    firstPass: { ...recorded, ms: round(recordMs, 0) },
    pageSize: PAGE_SIZE ?? 500,
    firstPassMemory: first.memory,
    steadyStateMemory: steadyMemory,
    steadyStateRetained: retained,
    steadyState: {
      ...s,
      listsPerKind: listsPerKind(steadyCounts),
      pagesPerKind: pages,
      medianMs: round(median(steady), 0),
      medianBackendCpuMs: round(median(steadyCpu), 0),
      runs: STEADY_RUNS,
    },
    repairs: [] as unknown[],
  };
  lines.push('');
  lines.push(
    '| pass | Kubernetes list calls | gets | writes | time (median of runs) |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: |');
  lines.push(
    `| first pass: record ${outsiders.length} kubectl-made bindings (${
      outsiders.length
    } rows) | ${recorded.lists} | ${recorded.reads} | ${
      recorded.writes
    } | ${recordMs.toFixed(0)} ms |`,
  );
  lines.push(
    `| steady state, ${NAMESPACES} namespaces (0 access rows written) | ${
      s.lists
    } | ${s.reads} | ${s.writes} | ${median(steady).toFixed(
      0,
    )} ms (${STEADY_RUNS} runs; backend CPU ${median(steadyCpu).toFixed(
      0,
    )} ms) |`,
  );

  let offset = 0;
  for (const k of DRIFTS) {
    const drifted = requests.slice(offset, offset + k);
    offset += k;
    for (const [i, r] of drifted.entries()) await drift(peer, r, i);
    await peer.resetCounts();
    const started = process.hrtime.bigint();
    const [report] = await services.reconciler.reconcileAll();
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const c = summarize(await peer.requestCounts());
    if (c.writes !== k || report.errors.length) {
      throw new Error(
        `repairing ${k} drifted objects took ${
          c.writes
        } writes: ${JSON.stringify(report)}`,
      );
    }
    (figures.repairs as unknown[]).push({ drifted: k, ...c, ms: round(ms, 0) });
    lines.push(
      `| repair ${k} drifted object${k === 1 ? '' : 's'} | ${c.lists} | ${
        c.reads
      } | ${c.writes} | ${ms.toFixed(0)} ms |`,
    );
  }
  lines.push('');
  lines.push(
    `List requests (pages of ${PAGE_SIZE ?? 500}) per kind: ${listsPerKind(
      steadyCounts,
    )}.`,
  );
  lines.push(
    'Writes are server-side applies (or deletes) of exactly the drifted objects; each kind (Namespace, LimitRange, ResourceQuota, NetworkPolicy, Role by label selector; RoleBinding whole, for the access view) is listed across all namespaces page by page and joined, namespace by namespace, with the ready requests read from the database in pages of the same size in the same (key) order.',
  );
  const m = steadyMemory;
  lines.push(
    `Backend memory during a steady pass (peer in its own process): heap ${m.heapBeforeMb} MB after GC before the pass (the benchmark's own list of the ${NAMESPACES} requests, the catalog, the in-memory database), peak ${m.peakHeapMb} MB (+${m.heapGrowthMb} MB), peak RSS ${m.peakRssMb} MB; first pass +${first.memory.heapGrowthMb} MB heap.`,
  );
  lines.push(
    `What a steady pass keeps alive (a full GC at every page): ${retained.retainedGrowthMb} MB above the ${retained.heapBeforeMb} MB before it.`,
  );
  figures.peakRssMb = round(process.resourceUsage().maxRSS / 1024, 0);
  figures.peerPeakRssMb = await peer.peakRssMb();
  lines.push(
    `Peak RSS over the whole run: backend ${figures.peakRssMb} MB (set-up included), peer ${figures.peerPeakRssMb} MB.`,
  );
  figures.seededNamespaces = Math.max(0, NAMESPACES - PROVISIONED);
  figures.writesSettlingSeeded = settleWrites;
  process.stdout.write(`${lines.join('\n')}\n`);
  reportResult('reconcile', SIZE, figures);

  await knex.destroy();
  await peer.close();
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
