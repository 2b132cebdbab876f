#!/usr/bin/env node
/*
 * `yarn bench` at the root: runs every benchmark at a small and then at its
 * full size (or only one size: `yarn bench --size=small`; only some:
 * `yarn bench issuance reconcile`), writes bench/results/<name>.json (full
 * size) or <name>.small.json with the figures, the machine, the Node version
 * and the date, then remakes the README's benchmark table from those files
 * (bench/table.js).
 *
 * Each benchmark prints its table and, last, one `BENCH_RESULT {json}` line
 * with its figures. Run them one at a time: on a shared machine the figures
 * move with its load (recorded as the load average).
 */
const { spawn, execSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** Every benchmark, with the file that runs it. */
const BENCHMARKS = [
  {
    name: 'issuance',
    file: 'plugins/cluster-access-backend/bench/issuance.ts',
  },
  {
    name: 'provisioning-burst',
    file: 'plugins/cluster-access-backend/bench/provisioningBurst.ts',
  },
  {
    name: 'reconcile',
    file: 'plugins/cluster-access-backend/bench/reconcile.ts',
  },
  {
    name: 'credential',
    file: 'plugins/cluster-access-cli/bench/credential.ts',
  },
  {
    name: 'browser-keygen',
    file: 'plugins/cluster-access/bench/browserKeygen.ts',
  },
  {
    // Binds the demo's fixed ports: takes /tmp/ca-ports.lock itself.
    name: 'portal-generate',
    file: 'packages/e2e-tests/bench/generate.ts',
  },
  {
    // Full size builds the app for production (minutes).
    name: 'bundle-size',
    file: 'plugins/cluster-access/bench/bundleSize.ts',
  },
];

/** Runs one benchmark; resolves with the figures of its BENCH_RESULT line. */
function runBenchmark(benchmark, size, { quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs', {
          paths: [ROOT],
        }),
        path.join(ROOT, benchmark.file),
        `--size=${size}`,
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', quiet ? 'pipe' : 'inherit'] },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', chunk => {
      out += chunk;
      if (!quiet) process.stdout.write(chunk);
    });
    child.stderr?.on('data', chunk => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('exit', code => {
      const line = out
        .split('\n')
        .reverse()
        .find(l => l.startsWith('BENCH_RESULT '));
      if (code !== 0 || !line) {
        reject(
          new Error(
            `${benchmark.file} --size=${size} failed (exit ${code})${
              err ? `:\n${err.slice(-2000)}` : ''
            }`,
          ),
        );
        return;
      }
      resolve(JSON.parse(line.slice('BENCH_RESULT '.length)));
    });
  });
}

function machine() {
  const cpus = os.cpus();
  return {
    platform: `${os.platform()} ${os.release()}`,
    cpus: cpus.length,
    cpuModel: cpus[0] ? cpus[0].model : 'unknown',
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: os.loadavg().map(n => Math.round(n * 10) / 10),
  };
}

function commit() {
  try {
    return execSync('git rev-parse --short HEAD', {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
  } catch {
    return undefined;
  }
}

function writeResult(result) {
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const suffix = result.size === 'full' ? '' : `.${result.size}`;
  const file = path.join(dir, `${result.name}${suffix}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

async function main() {
  const args = process.argv.slice(2);
  const sizeArg = args.find(a => a.startsWith('--size='));
  const sizes = sizeArg ? [sizeArg.split('=')[1]] : ['small', 'full'];
  const names = args.filter(a => !a.startsWith('--'));
  const selected = names.length
    ? BENCHMARKS.filter(b => names.includes(b.name))
    : BENCHMARKS;
  if (names.length && selected.length !== names.length) {
    throw new Error(
      `unknown benchmark; known: ${BENCHMARKS.map(b => b.name).join(', ')}`,
    );
  }
  for (const size of sizes) {
    for (const benchmark of selected) {
      process.stdout.write(`\n== ${benchmark.name} (${size}) ==\n`);
      const started = Date.now();
      const loadBefore = os.loadavg()[0];
      const { figures } = await runBenchmark(benchmark, size);
      const file = writeResult({
        name: benchmark.name,
        size,
        date: new Date().toISOString(),
        node: process.version,
        commit: commit(),
        durationSeconds: Math.round((Date.now() - started) / 100) / 10,
        machine: { ...machine(), loadAverageAtStart: loadBefore },
        figures,
      });
      process.stdout.write(`-> ${path.relative(ROOT, file)}\n`);
    }
  }
  require('./table').updateReadme();
}

module.exports = { BENCHMARKS, runBenchmark };

if (require.main === module) {
  main().catch(error => {
    process.stderr.write(`${error.stack || error}\n`);
    process.exit(1);
  });
}
