/*
 * Reads an app build (its chunk files and the bundler's stats, written by
 * `backstage-cli package build --stats`) and attributes chunks to the
 * Cluster access page; see bundleSize.ts. Kept apart so a test can run it on
 * a small build of its own.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The parts of webpack/rspack stats this reads. */
interface StatsModule {
  name?: string;
  size?: number;
  modules?: StatsModule[];
}
interface StatsChunk {
  id: string | number;
  initial: boolean;
  files: string[];
  modules?: StatsModule[];
  origins: { moduleName?: string; module?: string; request?: string }[];
}
interface Stats {
  chunks: StatsChunk[];
}

export interface ChunkReport {
  file: string;
  /** `page`: loaded when the page opens; `generate`: on the first Generate. */
  when: 'page' | 'generate';
  /** Other packages whose dynamic imports load this chunk too. */
  sharedWith: string[];
  /** Packages in the chunk, largest first (`(app)` for the repository's own). */
  packages: string[];
  gzipBytes: number;
  rawBytes: number;
}

export interface BundleReport {
  chunks: ChunkReport[];
  totals: {
    pageLoad: { pluginOnlyGzipBytes: number; sharedGzipBytes: number };
    onGenerate: { gzipBytes: number };
    initialGzipBytes: number;
  };
  x509AtPageLoad: boolean;
  pluginSourceBytesInInitialChunks: number;
}

const PLUGIN =
  /plugins\/cluster-access(-common)?\/|@cluster-access\/plugin-cluster-access(-common)?\//;
/** The page's dynamic import (new frontend system and legacy page). */
const PAGE_IMPORT = /(^|\/)components\/ClusterAccessPage(\/tabs)?$/;
/** The X.509 code a Generate imports (issueCertificate.ts). */
const GENERATE_IMPORT = /(^|\/)credentials$/;
const X509 =
  /node_modules\/(@peculiar\/|asn1js\/|pkijs\/|tsyringe\/|reflect-metadata\/)/;

function leafModules(modules: StatsModule[] = []): StatsModule[] {
  return modules.flatMap(m => (m.modules ? leafModules(m.modules) : [m]));
}

function packageOf(name: string): string {
  const m = name.match(/node_modules\/((@[^/]+\/)?[^/]+)/);
  if (m) return m[1];
  return PLUGIN.test(name) ? '(this plugin)' : '(app)';
}

function originName(o: StatsChunk['origins'][number]): string {
  return o.moduleName ?? o.module ?? '';
}

function packagesBySize(chunk: StatsChunk): string[] {
  const sizes = new Map<string, number>();
  for (const m of leafModules(chunk.modules)) {
    const p = packageOf(m.name ?? '');
    sizes.set(p, (sizes.get(p) ?? 0) + (m.size ?? 0));
  }
  return [...sizes].sort((a, b) => b[1] - a[1]).map(([p]) => p);
}

/** Attributes the chunks of the build in `dist` to the Cluster access page. */
export function analyseBuild(dist: string): BundleReport {
  const stats: Stats = JSON.parse(
    readFileSync(join(dist, 'bundle-stats.json'), 'utf8'),
  );
  const sizes = (chunk: StatsChunk) => {
    const raw = chunk.files
      .filter(f => f.endsWith('.js'))
      .map(f => readFileSync(join(dist, f)));
    return {
      rawBytes: raw.reduce((n, b) => n + b.length, 0),
      gzipBytes: raw.reduce((n, b) => n + gzipSync(b).length, 0),
    };
  };
  const loadedBy = (chunk: StatsChunk, request: RegExp) =>
    chunk.origins.some(
      o => PLUGIN.test(originName(o)) && request.test(o.request ?? ''),
    );

  const chunks: ChunkReport[] = [];
  let initialGzipBytes = 0;
  let pluginSourceBytesInInitialChunks = 0;
  let x509AtPageLoad = false;
  for (const chunk of stats.chunks) {
    if (chunk.initial) {
      initialGzipBytes += sizes(chunk).gzipBytes;
      for (const m of leafModules(chunk.modules)) {
        if (PLUGIN.test(m.name ?? '')) {
          pluginSourceBytesInInitialChunks += m.size ?? 0;
        }
      }
      continue;
    }
    let when: ChunkReport['when'];
    if (loadedBy(chunk, PAGE_IMPORT)) when = 'page';
    else if (loadedBy(chunk, GENERATE_IMPORT)) when = 'generate';
    else continue;
    if (
      when === 'page' &&
      leafModules(chunk.modules).some(m => X509.test(m.name ?? ''))
    ) {
      x509AtPageLoad = true;
    }
    const sharedWith = [
      ...new Set(
        chunk.origins
          .map(originName)
          .filter(name => !PLUGIN.test(name))
          .map(packageOf),
      ),
    ];
    chunks.push({
      file: chunk.files.find(f => f.endsWith('.js')) ?? String(chunk.id),
      when,
      sharedWith,
      packages: packagesBySize(chunk),
      ...sizes(chunk),
    });
  }
  chunks.sort(
    (a, b) => a.when.localeCompare(b.when) || b.gzipBytes - a.gzipBytes,
  );
  const sum = (list: ChunkReport[]) =>
    list.reduce((n, c) => n + c.gzipBytes, 0);
  const page = chunks.filter(c => c.when === 'page');
  return {
    chunks,
    totals: {
      pageLoad: {
        pluginOnlyGzipBytes: sum(page.filter(c => c.sharedWith.length === 0)),
        sharedGzipBytes: sum(page.filter(c => c.sharedWith.length > 0)),
      },
      onGenerate: { gzipBytes: sum(chunks.filter(c => c.when === 'generate')) },
      initialGzipBytes,
    },
    x509AtPageLoad,
    pluginSourceBytesInInitialChunks,
  };
}
