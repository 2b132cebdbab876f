#!/usr/bin/env node
/*
 * Remakes the benchmark table of the root README.md (between the
 * `<!-- bench:start -->` and `<!-- bench:end -->` markers) from
 * bench/results/*.json: the full-size result of each benchmark, else its
 * small one (marked). `node bench/table.js` after copying results in; `yarn
 * bench` calls it at the end.
 */
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const README = path.join(ROOT, 'README.md');
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';

function load(name) {
  for (const suffix of ['', '.small']) {
    const file = path.join(__dirname, 'results', `${name}${suffix}.json`);
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  }
  return undefined;
}

function where(result) {
  const m = result.machine;
  return `${result.size} size, ${result.date.slice(0, 10)}, Node ${
    result.node
  }, ${m.cpus} × ${m.cpuModel}, load average ${
    m.loadAverageAtStart ?? m.loadAverage[0]
  }`;
}

function issuanceRows(result) {
  const lines = [
    // Results from before the database was recorded ran on SQLite.
    `Database: ${result.figures.database ?? 'SQLite in memory'}.`,
    '',
    '| stack | Vault | users | p50 ms | p99 ms | issuances/s | bare sign p50 / p99 ms | bare sign/s | ratio p50 / p99 / throughput | backend CPU ms/issuance |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  // Results from before the real stack was measured have bare rows only.
  const stack = mode => mode.stack ?? 'bare';
  for (const mode of result.figures.modes) {
    for (const r of mode.rows) {
      lines.push(
        `| ${stack(mode)} | ${mode.vault} | ${r.users} | ${
          r.issuance.p50Ms
        } | ${r.issuance.p99Ms} | ${r.issuance.perSecond} | ${
          r.bareSign.p50Ms
        } / ${r.bareSign.p99Ms} | ${r.bareSign.perSecond} | ${r.ratioP50} / ${
          r.ratioP99
        } / ${r.ratioThroughput} | ${r.backendCpuMsPerIssuance}${
          r.failedByStatus
            ? ` (failed: ${Object.entries(r.failedByStatus)
                .map(([status, n]) => `${n} × ${status}`)
                .join(', ')})`
            : ''
        } |`,
      );
    }
  }
  lines.push('');
  for (const mode of result.figures.modes) {
    if (mode.vault !== 'own process' || !mode.cpuSplitMsAtOneUser) continue;
    lines.push(
      `  Backend CPU per issuance at 1 user, by phase (ms, ${stack(
        mode,
      )} stack, Vault ${
        mode.vault
      }; timing the phases adds its own cost): ${Object.entries(
        mode.cpuSplitMsAtOneUser,
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}.`,
    );
  }
  return lines;
}

function burstRows(result) {
  const split = r =>
    r.cpuMsPerNamespaceBackend === undefined
      ? `${r.cpuMsPerNamespaceBackendAndPeer}`
      : `${r.cpuMsPerNamespaceBackendAndPeer} (${r.cpuMsPerNamespaceBackend} / ${r.cpuMsPerNamespacePeer})`;
  const statements = r =>
    r.databaseStatementsPerNamespace
      ? Object.values(r.databaseStatementsPerNamespace)
          .reduce((a, b) => a + b, 0)
          .toFixed(1)
      : '';
  return [
    '| concurrency per cluster | requests / Groups | all ready after | namespaces/s | CPU ms per namespace (backend / peer) | Kubernetes calls per namespace | TLS connections | database statements per namespace | peak in parallel |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...result.figures.rows.map(
      r =>
        `| ${r.concurrency} | ${r.requests} / ${r.groups} | ${
          r.secondsUntilAllReady
        } s | ${r.namespacesPerSecond} | ${split(r)} | ${
          r.kubernetesCallsPerNamespace
        } | ${r.tlsConnections ?? ''} | ${statements(r)} | ${
          r.peakParallelProvisioning
        } |`,
    ),
  ];
}

function reconcileRows(result) {
  const f = result.figures;
  return [
    `| pass (${f.namespaces} namespaces) | lists | gets | writes | time |`,
    '| --- | ---: | ---: | ---: | ---: |',
    `| first pass (records kubectl-made bindings) | ${f.firstPass.lists} | ${f.firstPass.reads} | ${f.firstPass.writes} | ${f.firstPass.ms} ms |`,
    `| steady state (median of ${f.steadyState.runs}) | ${f.steadyState.lists} | ${f.steadyState.reads} | ${f.steadyState.writes} | ${f.steadyState.medianMs} ms |`,
    ...f.repairs.map(
      r =>
        `| repair ${r.drifted} drifted | ${r.lists} | ${r.reads} | ${r.writes} | ${r.ms} ms |`,
    ),
    '',
    ...(f.steadyStateMemory
      ? [
          `  List requests (pages of ${f.pageSize}) per kind: ${
            f.steadyState.listsPerKind
          }. Backend heap during a steady pass (peer in its own process): ${
            f.steadyStateMemory.heapBeforeMb
          } MB after GC before it, peak ${
            f.steadyStateMemory.peakHeapMb
          } MB (+${f.steadyStateMemory.heapGrowthMb} MB); peak RSS backend ${
            f.peakRssMb
          } MB (set-up included), peer ${f.peerPeakRssMb} MB.${
            f.steadyStateRetained
              ? ` What the pass keeps alive (a full GC at every page): +${f.steadyStateRetained.retainedGrowthMb} MB.`
              : ''
          }${
            f.seededNamespaces
              ? ` ${f.seededNamespaces} of the namespaces were seeded into the peer with the provisioner's objects; the pass that settled them wrote ${f.writesSettlingSeeded}.`
              : ''
          }`,
        ]
      : [
          `  Lists per kind: ${f.steadyState.listsPerKind}. Peak memory (peer in the same process): ${f.peakRssMb} MB.`,
        ]),
  ];
}

function credentialRows(result) {
  return [
    '| what | p50 ms | p90 ms | min ms | CPU ms |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...Object.entries(result.figures.wallTimes).map(
      ([label, t]) =>
        `| ${label} | ${t.p50Ms} | ${t.p90Ms} | ${t.minMs} | ${
          t.cpuMs ?? '-'
        } |`,
    ),
  ];
}

function keygenRows(result) {
  return [
    '| key | runs | p50 ms | p90 ms | min ms | first call ms | bare WebCrypto p50 ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...Object.entries(result.figures.algorithms).map(
      ([alg, r]) =>
        `| ${alg} | ${r.runs} | ${r.p50Ms} | ${r.p90Ms} | ${r.minMs} | ${r.firstCallMs} | ${r.bareWebCrypto.p50Ms} |`,
    ),
    '',
    `  Chromium ${result.figures.chromium}; the code the page loads on Generate, bundled (${result.figures.bundleKb} KB minified), on a static page.`,
  ];
}

function generateRows(result) {
  return [
    `| step (${result.figures.runs} Generates after the first) | first ms | p50 ms | p90 ms |`,
    '| --- | ---: | ---: | ---: |',
    ...result.figures.rows.map(
      r => `| ${r.step} | ${r.firstMs} | ${r.p50Ms} | ${r.p90Ms} |`,
    ),
    '',
    '  The demo runs the app as a development build (React in development mode), so rendering costs several times what it does in production.',
  ];
}

function bundleRows(result) {
  const f = result.figures;
  return [
    '| chunk | loaded | shared with | gzip KB | what |',
    '| --- | --- | --- | ---: | --- |',
    ...f.chunks.map(
      c =>
        `| ${c.file.replace(/^static\//, '')} | ${
          c.when === 'page' ? 'with the page' : 'on Generate'
        } | ${
          c.sharedWith.length ? c.sharedWith.slice(0, 2).join(', ') : '—'
        } | ${c.gzipKb} | ${c.packages.slice(0, 4).join(', ')} |`,
    ),
    '',
    `  With the page: ${
      f.pageLoadPluginOnlyGzipKb
    } KB gzip in chunks only this plugin loads (goal ≤ 150 KB) plus ${
      f.pageLoadSharedGzipKb
    } KB in chunks shared with other plugins; on Generate ${
      f.onGenerateGzipKb
    } KB more. X.509 code with the page: ${
      f.x509AtPageLoad ? 'yes' : 'no'
    }. The app's initial chunks (every page): ${f.initialGzipKb} KB gzip.`,
  ];
}

const SECTIONS = [
  [
    'issuance',
    'Issuance (`POST /certificates` vs a bare sign-verbatim)',
    issuanceRows,
  ],
  ['provisioning-burst', 'Provisioning burst (dev tier)', burstRows],
  ['reconcile', 'Reconcile', reconcileRows],
  [
    'credential',
    'kubectl plugin (`cluster-access credential`)',
    credentialRows,
  ],
  ['browser-keygen', 'Key pair + CSR in headless Chromium', keygenRows],
  [
    'portal-generate',
    'Generate → kubeconfig in the demo portal (Chromium)',
    generateRows,
  ],
  [
    'bundle-size',
    'Cluster access page after a production build of the app',
    bundleRows,
  ],
];

function table() {
  const lines = [];
  for (const [name, title, rows] of SECTIONS) {
    const result = load(name);
    lines.push(
      `- **${title}**${result ? ` — ${where(result)}:` : ': not run yet'}`,
    );
    if (result) {
      lines.push('', ...rows(result).map(l => (l ? `  ${l}` : l)), '');
    }
  }
  return lines.join('\n').replace(/\n+$/, '');
}

function updateReadme() {
  const text = fs.readFileSync(README, 'utf8');
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  if (start < 0 || end < start) {
    throw new Error(`README.md has no ${START} … ${END} block`);
  }
  const next = `${text.slice(
    0,
    start + START.length,
  )}\n\n${table()}\n\n${text.slice(end)}`;
  fs.writeFileSync(README, next);
}

module.exports = { table, updateReadme };

if (require.main === module) updateReadme();
