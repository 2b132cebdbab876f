/**
 * @jest-environment node
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/*
 * This package's benchmarks at their smallest size, so that none of them
 * rots (the figures themselves are not checked: the machine is noisy). The
 * bundle-size benchmark reads a small build made here instead of building
 * the app (minutes); the Generate benchmark of the demo portal is run by
 * packages/e2e-tests (it needs the demo's fixed ports).
 */

jest.setTimeout(120_000);

const BENCH = join(__dirname, '..', 'bench');

function runBenchmark(
  file: string,
  args: string[],
): Promise<{ name: string; figures: any }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
        join(BENCH, file),
        ...args,
      ],
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${file}: ${error.message}\n${stderr}`));
          return;
        }
        const line = stdout
          .split('\n')
          .find(l => l.startsWith('BENCH_RESULT '));
        if (!line) reject(new Error(`${file} printed no BENCH_RESULT`));
        else resolve(JSON.parse(line.slice('BENCH_RESULT '.length)));
      },
    );
  });
}

/** A build output as `backstage-cli package build --stats` leaves it. */
function fakeBuild(options: { x509WithThePage: boolean }) {
  const dist = mkdtempSync(join(tmpdir(), 'bundle-size-'));
  mkdirSync(join(dist, 'static'));
  const gzip: Record<string, number> = {};
  const file = (name: string, bytes: number) => {
    // Hex of random bytes: gzip shrinks it, but not to nothing.
    const content = randomBytes(bytes).toString('hex');
    writeFileSync(join(dist, 'static', name), content);
    gzip[name] = gzipSync(content).length;
    return `static/${name}`;
  };
  const alpha = '../../plugins/cluster-access/src/alpha.tsx';
  const page = {
    moduleName: alpha,
    request: './components/ClusterAccessPage/tabs',
  };
  const generate = {
    moduleName:
      '../../plugins/cluster-access/src/components/GetClusterAccess/issueCertificate.ts',
    request: './credentials',
  };
  const catalog = {
    moduleName:
      '../../node_modules/@backstage/plugin-catalog/dist/alpha/pages.esm.js',
    request: './components/CatalogPage',
  };
  const x509 = {
    name: '../../node_modules/@peculiar/x509/build/x509.es.js',
    size: 9000,
  };
  const stats = {
    chunks: [
      {
        id: 'main',
        initial: true,
        files: [file('main.js', 3000)],
        modules: [{ name: alpha, size: 1200 }],
        origins: [],
      },
      {
        id: 1,
        initial: false,
        files: [file('1.chunk.js', 2000), 'static/1.chunk.js.map'],
        modules: [
          {
            name: '../../plugins/cluster-access/src/components/ClusterAccessPage/tabs.tsx + 2 modules',
            modules: [
              {
                name: '../../plugins/cluster-access/src/components/ClusterAccessPage/tabs.tsx',
                size: 800,
              },
              ...(options.x509WithThePage ? [x509] : []),
            ],
          },
        ],
        origins: [page],
      },
      {
        id: 2,
        initial: false,
        files: [file('2.chunk.js', 1000)],
        modules: [
          { name: '../../node_modules/yaml/dist/index.js', size: 5000 },
        ],
        origins: [page, catalog],
      },
      {
        id: 3,
        initial: false,
        files: [file('3.chunk.js', 4000)],
        modules: [x509],
        origins: [generate],
      },
      {
        id: 4,
        initial: false,
        files: [file('4.chunk.js', 500)],
        modules: [
          {
            name: '../../node_modules/@backstage/plugin-catalog/dist/x.js',
            size: 10,
          },
        ],
        origins: [catalog],
      },
    ],
  };
  writeFileSync(join(dist, 'bundle-stats.json'), JSON.stringify(stats));
  return { dist, gzip };
}

const kb = (bytes: number) => Math.round(bytes / 102.4) / 10;

describe('benchmarks at their smallest size', () => {
  it('browser-keygen: P-256 and P-384 key + CSR timed in Chromium', async () => {
    const { name, figures } = await runBenchmark('browserKeygen.ts', [
      '--size=small',
    ]);
    expect(name).toBe('browser-keygen');
    expect(Object.keys(figures.algorithms)).toEqual([
      'ECDSA-P256',
      'ECDSA-P384',
    ]);
    for (const row of Object.values<any>(figures.algorithms)) {
      expect(row.runs).toBe(10);
      expect(row.p50Ms).toBeGreaterThan(0);
      expect(row.bareWebCrypto.runs).toBe(10);
    }
  });

  it('bundle-size: attributes the chunks of a build to the page and to Generate', async () => {
    const { dist, gzip } = fakeBuild({ x509WithThePage: false });
    try {
      const { name, figures } = await runBenchmark('bundleSize.ts', [
        '--size=small',
        `--dist=${dist}`,
      ]);
      expect(name).toBe('bundle-size');
      expect(
        figures.chunks.map((c: any) => [c.file, c.when, c.sharedWith]),
      ).toEqual([
        ['static/3.chunk.js', 'generate', []],
        ['static/1.chunk.js', 'page', []],
        ['static/2.chunk.js', 'page', ['@backstage/plugin-catalog']],
      ]);
      expect(figures.pageLoadPluginOnlyGzipKb).toBe(kb(gzip['1.chunk.js']));
      expect(figures.pageLoadSharedGzipKb).toBe(kb(gzip['2.chunk.js']));
      expect(figures.onGenerateGzipKb).toBe(kb(gzip['3.chunk.js']));
      expect(figures.initialGzipKb).toBe(kb(gzip['main.js']));
      expect(figures.pluginSourceKbInInitialChunks).toBe(kb(1200));
      expect(figures.x509AtPageLoad).toBe(false);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });

  it('bundle-size: says so when the X.509 code comes with the page', async () => {
    const { dist } = fakeBuild({ x509WithThePage: true });
    try {
      const { figures } = await runBenchmark('bundleSize.ts', [
        `--dist=${dist}`,
      ]);
      expect(figures.x509AtPageLoad).toBe(true);
    } finally {
      rmSync(dist, { recursive: true, force: true });
    }
  });
});
