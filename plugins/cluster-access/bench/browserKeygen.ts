/*
 * Key pair + CSR in headless Chromium, as the portal's Generate makes them:
 * the same module the page loads, bundled for the browser, timed in the page
 * over N runs (p50/p90), with the first (cold) call apart and, as the floor,
 * bare WebCrypto doing the same work (generate, sign ~300 bytes, export).
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/cluster-access/bench/browserKeygen.ts [--size=small|full]
 *
 * Needs /usr/bin/chromium (or CHROMIUM_PATH); binds no port.
 */
import {
  bundleForBrowser,
  launchChromium,
  openPageWith,
  percentiles,
} from './browserPage';

const SIZE = process.argv.includes('--size=small') ? 'small' : 'full';
const RUNS = SIZE === 'small' ? 10 : 200;

/** The page's entry: what Generate calls, and the WebCrypto floor. */
const ENTRY = `
import { generateClientKeyAndCsr as generateKeyAndCsr } from './src/components/GetClusterAccess/credentials';

async function floor(algorithm) {
  const params = algorithm === 'ECDSA-P384'
    ? [{ name: 'ECDSA', namedCurve: 'P-384' }, { name: 'ECDSA', hash: 'SHA-384' }]
    : [{ name: 'ECDSA', namedCurve: 'P-256' }, { name: 'ECDSA', hash: 'SHA-256' }];
  const keys = await crypto.subtle.generateKey(params[0], true, ['sign', 'verify']);
  await crypto.subtle.exportKey('spki', keys.publicKey);
  await crypto.subtle.sign(params[1], keys.privateKey, new Uint8Array(300));
  await crypto.subtle.exportKey('pkcs8', keys.privateKey);
}

async function time(fn, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await fn();
    times.push(performance.now() - started);
  }
  return times;
}

window.bench = async (runs, algorithm) => {
  const identity = { username: 'alice', groups: ['payments', 'team-a'] };
  const once = () => generateKeyAndCsr({ ...identity, algorithm });
  const cold = await time(once, 1);
  const warm = await time(once, runs);
  const bare = await time(() => floor(algorithm), runs);
  const sample = await once();
  return { cold: cold[0], warm, bare, csrPem: sample.csrPem };
};
`;

async function main() {
  const script = await bundleForBrowser(ENTRY);
  const browser = await launchChromium();
  const rows: Record<string, any> = {};
  try {
    process.stdout.write(
      `| key + CSR in Chromium | runs | p50 ms | p90 ms | min ms | first call ms | bare WebCrypto p50 ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n`,
    );
    for (const algorithm of ['ECDSA-P256', 'ECDSA-P384']) {
      // A fresh page each time, so the first call is really the first.
      const page = await openPageWith(browser, script);
      const result = await page.evaluate(
        ([runs, alg]) => (window as any).bench(runs, alg),
        [RUNS, algorithm] as const,
      );
      await page.close();
      if (!result.csrPem.startsWith('-----BEGIN CERTIFICATE REQUEST-----')) {
        throw new Error(`${algorithm}: no CSR came out`);
      }
      const warm = percentiles(result.warm);
      const bare = percentiles(result.bare);
      rows[algorithm] = {
        ...warm,
        firstCallMs: Math.round(result.cold * 100) / 100,
        bareWebCrypto: bare,
      };
      process.stdout.write(
        `| ${algorithm} | ${warm.runs} | ${warm.p50Ms} | ${warm.p90Ms} | ${warm.minMs} | ${rows[algorithm].firstCallMs} | ${bare.p50Ms} |\n`,
      );
    }
    process.stdout.write(
      `BENCH_RESULT ${JSON.stringify({
        name: 'browser-keygen',
        figures: {
          chromium: browser.version(),
          bundleKb: Math.round(script.length / 102.4) / 10,
          algorithms: rows,
        },
      })}\n`,
    );
  } finally {
    await browser.close();
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
