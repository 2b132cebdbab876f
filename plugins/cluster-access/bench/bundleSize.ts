/*
 * What the Cluster access page costs the browser after a production build of
 * the app (packages/app): the gzip size of every chunk the page loads beyond
 * the app's initial chunks (Backstage's own, loaded on every page), split
 * into the chunks only this plugin uses and those it shares with other
 * plugins (catalog, scaffolder...: cached once the user has been there), and
 * the chunks a Generate loads on top (the X.509/ASN.1 code).
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/cluster-access/bench/bundleSize.ts [--size=small|full] [--dist=DIR]
 *
 * full builds the app (`backstage-cli package build --stats`, minutes);
 * small reads packages/app/dist when it holds a build with stats, else
 * builds. --dist reads another build's output instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { analyseBuild, BundleReport } from './bundleAnalysis';

const SIZE = process.argv.includes('--size=small') ? 'small' : 'full';
const distArg = process.argv.find(a => a.startsWith('--dist='));
const APP = resolve(__dirname, '..', '..', '..', 'packages', 'app');

function buildApp() {
  process.stdout.write('Building packages/app for production (minutes)...\n');
  execFileSync(
    process.execPath,
    [
      require.resolve('@backstage/cli/bin/backstage-cli'),
      'package',
      'build',
      '--stats',
    ],
    { cwd: APP, stdio: ['ignore', 'ignore', 'inherit'] },
  );
}

function kb(bytes: number) {
  return Math.round(bytes / 102.4) / 10;
}

function print(report: BundleReport) {
  const out = process.stdout;
  out.write(
    `| chunk | when | used by | gzip KB | raw KB | what |\n| --- | --- | --- | ---: | ---: | --- |\n`,
  );
  for (const c of report.chunks) {
    out.write(
      `| ${c.file} | ${c.when} | ${
        c.sharedWith.length
          ? `also ${c.sharedWith.slice(0, 3).join(', ')}`
          : 'this plugin only'
      } | ${kb(c.gzipBytes)} | ${kb(c.rawBytes)} | ${c.packages
        .slice(0, 6)
        .join(', ')} |\n`,
    );
  }
  const t = report.totals;
  out.write(
    `\nPage load: ${kb(
      t.pageLoad.pluginOnlyGzipBytes,
    )} KB gzip in chunks of this plugin only, ${kb(
      t.pageLoad.sharedGzipBytes,
    )} KB in chunks shared with other plugins; on Generate: ${kb(
      t.onGenerate.gzipBytes,
    )} KB more. X.509 code at page load: ${
      report.x509AtPageLoad
    }. Initial chunks (every page): ${kb(
      t.initialGzipBytes,
    )} KB gzip, of which this plugin's modules are ${kb(
      report.pluginSourceBytesInInitialChunks,
    )} KB of source before minification.\n`,
  );
}

function main() {
  const dist = distArg
    ? resolve(distArg.slice('--dist='.length))
    : join(APP, 'dist');
  const hasBuild = existsSync(join(dist, 'bundle-stats.json'));
  if (!distArg && (SIZE === 'full' || !hasBuild)) buildApp();
  const report = analyseBuild(dist);
  print(report);
  const k = (n: number) => kb(n);
  process.stdout.write(
    `BENCH_RESULT ${JSON.stringify({
      name: 'bundle-size',
      figures: {
        pageLoadPluginOnlyGzipKb: k(report.totals.pageLoad.pluginOnlyGzipBytes),
        pageLoadSharedGzipKb: k(report.totals.pageLoad.sharedGzipBytes),
        onGenerateGzipKb: k(report.totals.onGenerate.gzipBytes),
        initialGzipKb: k(report.totals.initialGzipBytes),
        pluginSourceKbInInitialChunks: k(
          report.pluginSourceBytesInInitialChunks,
        ),
        x509AtPageLoad: report.x509AtPageLoad,
        chunks: report.chunks.map(c => ({
          ...c,
          gzipKb: k(c.gzipBytes),
          rawKb: k(c.rawBytes),
        })),
      },
    })}\n`,
  );
}

main();
