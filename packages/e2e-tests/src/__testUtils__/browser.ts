import { Browser, chromium, Page } from 'playwright-core';
import { APP_URL } from './portal';

/** Debian's Chromium; test runners may not download browsers of their own. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Signs in through the demo's sample-user picker. */
export async function signInAs(page: Page, user: string) {
  await page.goto(APP_URL);
  await page
    .getByRole('button', { name: `Sign in as ${user}` })
    .click({ timeout: 60_000 });
  await page.getByText('Catalog').first().waitFor({ timeout: 60_000 });
}
