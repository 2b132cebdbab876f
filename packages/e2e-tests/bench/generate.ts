/*
 * The portal's Generate → kubeconfig as a user sees it, in headless Chromium
 * against the demo (scripts/start-all.js: development build of the app, the
 * backend, the Vault and Kubernetes peers), split by the page's own User
 * Timing measures (`cluster-access:*`, see issueCertificate.ts): loading the
 * X.509 code, key + CSR, the POST, the kubeconfig, and the rest until the
 * download link shows (React rendering). The first Generate of a page is
 * reported apart (it loads the X.509 chunk), the others as p50/p90.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     packages/e2e-tests/bench/generate.ts [--size=small|full]
 *
 * The demo binds fixed ports: this takes /tmp/ca-ports.lock itself (flock).
 */
import { spawnSync } from 'node:child_process';
import { Page } from 'playwright-core';
import { launchBrowser, signInAs } from '../src/__testUtils__/browser';
import { APP_URL, startPortal } from '../src/__testUtils__/portal';

const SIZE = process.argv.includes('--size=small') ? 'small' : 'full';
const RUNS = SIZE === 'small' ? 3 : 20;
const LOCK = '/tmp/ca-ports.lock';

type Sample = Record<string, number>;

/** One Generate, from the click to the download link with the new file. */
const generateOnce = async (): Promise<Sample> => {
  performance.clearMeasures();
  const link = () =>
    document.querySelector('a[download][href^="blob:"]')?.getAttribute('href');
  const before = link();
  const button = [...document.querySelectorAll('button')].find(b =>
    b.textContent?.includes('Generate certificate and kubeconfig'),
  )!;
  const clicked = performance.now();
  button.click();
  // The commit that puts the new link in the DOM (a MutationObserver runs
  // right after it), then the next frame, when the user can see it.
  const inDom = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no link')), 60_000);
    const observer = new MutationObserver(() => {
      const href = link();
      if (href && href !== before) {
        observer.disconnect();
        clearTimeout(timer);
        resolve(performance.now());
      }
    });
    observer.observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
    });
  });
  const shown = await new Promise<number>(resolve =>
    requestAnimationFrame(() => resolve(performance.now())),
  );
  const sample: Sample = { total: shown - clicked };
  let lastEnd = clicked;
  for (const m of performance.getEntriesByType('measure')) {
    if (!m.name.startsWith('cluster-access:')) continue;
    sample[m.name.slice('cluster-access:'.length)] = m.duration;
    if (m.name === 'cluster-access:load-crypto') {
      sample['click to start'] = m.startTime - clicked;
    }
    lastEnd = Math.max(lastEnd, m.startTime + m.duration);
  }
  sample['render until the link is in the DOM'] = inDom - lastEnd;
  sample['until the next frame'] = shown - inDom;
  return sample;
};

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  const round = (n: number) => Math.round(n * 10) / 10;
  return { p50Ms: round(at(0.5)), p90Ms: round(at(0.9)) };
}

/**
 * One more Generate under Chromium's CPU profiler: self time by script and
 * by function, to see where a Generate's time goes.
 */
async function profile(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await page.evaluate(generateOnce);
  const { profile: p } = await cdp.send('Profiler.stop');
  const byScript = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const nodes = new Map(p.nodes.map(n => [n.id, n]));
  const dt = (p.endTime - p.startTime) / 1000 / (p.samples?.length || 1);
  for (const id of p.samples ?? []) {
    const frame = nodes.get(id)!.callFrame;
    const script =
      frame.url.replace(/^.*\/static\//, '').replace(/\?.*$/, '') || '(native)';
    const fn = `${frame.functionName || '(anonymous)'} ${script}:${
      frame.lineNumber
    }`;
    byScript.set(script, (byScript.get(script) ?? 0) + dt);
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
  }
  // Inclusive time: every function on the sampled stack, once per sample.
  const parent = new Map<number, number>();
  for (const n of p.nodes)
    for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const id of p.samples ?? []) {
    const onStack = new Set<string>();
    for (
      let at: number | undefined = id;
      at !== undefined;
      at = parent.get(at)
    ) {
      const f = nodes.get(at)!.callFrame;
      if (!f.url) continue;
      onStack.add(
        `${f.functionName || '(anonymous)'} ${f.url
          .replace(/^.*node_modules\//, '')
          .replace(/^.*\/src\//, 'src/')}:${f.lineNumber}`,
      );
    }
    for (const fn of onStack) inclusive.set(fn, (inclusive.get(fn) ?? 0) + dt);
  }
  const top = (m: Map<string, number>, n = 15) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  for (const [title, m] of [
    ['self time by script', byScript],
    ['self time by function', byFunction],
    ['inclusive time', inclusive],
  ] as const) {
    process.stdout.write(`\n${title} (ms):\n`);
    for (const [k, v] of top(m, 40))
      process.stdout.write(`  ${v.toFixed(1)}  ${k}\n`);
  }
}

async function main() {
  const portal = await startPortal();
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    await signInAs(page, 'alice');
    await page.goto(`${APP_URL}/cluster-access`);
    await page.getByText('payments', { exact: true }).first().waitFor();
    const samples: Sample[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      samples.push(await page.evaluate(generateOnce));
      // Wait for the button to come back before the next Generate.
      await page
        .getByRole('button', { name: 'Generate certificate and kubeconfig' })
        .and(page.locator(':enabled'))
        .waitFor();
    }
    if (process.argv.includes('--profile')) await profile(page);
    const [first, ...rest] = samples;
    const steps = Object.keys(first);
    const round = (n: number) => Math.round(n * 10) / 10;
    const rows = steps.map(step => ({
      step,
      firstMs: round(first[step]),
      ...stats(rest.map(s => s[step] ?? 0)),
    }));
    process.stdout.write(
      `| Generate → kubeconfig (${RUNS} runs after the first) | first ms | p50 ms | p90 ms |\n| --- | ---: | ---: | ---: |\n${rows
        .map(r => `| ${r.step} | ${r.firstMs} | ${r.p50Ms} | ${r.p90Ms} |`)
        .join('\n')}\n`,
    );
    process.stdout.write(
      `BENCH_RESULT ${JSON.stringify({
        name: 'portal-generate',
        figures: { runs: RUNS, chromium: browser.version(), rows },
      })}\n`,
    );
  } finally {
    await browser.close();
    await portal.stop();
  }
}

if (!process.env.CA_PORTS_LOCKED) {
  // Hold the ports lock for the whole run, as the browser tests do.
  const { status } = spawnSync(
    'flock',
    [LOCK, process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, CA_PORTS_LOCKED: '1' } },
  );
  process.exit(status ?? 1);
} else {
  main().catch(error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  });
}
