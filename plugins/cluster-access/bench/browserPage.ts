/*
 * A page for timing the plugin's code in headless Chromium without a server:
 * esbuild bundles a small entry that imports the code the portal runs, and
 * Playwright answers the page's requests itself (`page.route`), so no port
 * is bound. The page is on an https origin because browsers only give
 * `crypto.subtle` to secure contexts.
 */
import { build } from 'esbuild';
import { join } from 'node:path';
import { Browser, chromium, Page } from 'playwright-core';

/** Debian's Chromium; as in the browser tests, nothing is downloaded. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ORIGIN = 'https://bench.cluster-access.invalid';

/** Bundles `source` (resolved from this package) for the browser, minified. */
export async function bundleForBrowser(source: string): Promise<string> {
  const result = await build({
    stdin: {
      contents: source,
      resolveDir: join(__dirname, '..'),
      loader: 'ts',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
    ],
  });
}

/** A page on a secure origin that has run `script`. */
export async function openPageWith(
  browser: Browser,
  script: string,
): Promise<Page> {
  const page = await browser.newPage();
  await page.route(`${ORIGIN}/**`, route => {
    const url = new URL(route.request().url());
    if (url.pathname === '/bundle.js') {
      return route.fulfill({ contentType: 'text/javascript', body: script });
    }
    return route.fulfill({
      contentType: 'text/html',
      body: '<!doctype html><title>bench</title><script src="/bundle.js"></script>',
    });
  });
  await page.goto(`${ORIGIN}/`);
  return page;
}

/** p50/p90/min of a list of times, rounded to 0.01 ms. */
export function percentiles(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  const round = (n: number) => Math.round(n * 100) / 100;
  return {
    runs: sorted.length,
    p50Ms: round(at(0.5)),
    p90Ms: round(at(0.9)),
    minMs: round(sorted[0]),
  };
}
