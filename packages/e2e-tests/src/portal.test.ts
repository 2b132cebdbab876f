import { Browser } from 'playwright-core';
import { launchBrowser, signInAs } from './browser';
import { APP_URL, startPortal } from './portal';

jest.setTimeout(300_000);

describe('the demo portal in Chromium', () => {
  let portal: Awaited<ReturnType<typeof startPortal>>;
  let browser: Browser;

  beforeAll(async () => {
    portal = await startPortal();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
  });

  it('signs in as a sample user and shows the sample org and the Cluster access entry', async () => {
    const page = await browser.newPage();
    await signInAs(page, 'alice');

    await page.getByRole('link', { name: /Cluster access/ }).waitFor();

    await page.goto(`${APP_URL}/catalog?filters[kind]=group`);
    for (const group of ['Acme', 'Engineering', 'Payments team', 'Cluster approvers']) {
      await page.getByText(group, { exact: true }).first().waitFor();
    }

    await page.goto(`${APP_URL}/cluster-access/history`);
    await page.getByRole('heading', { name: 'Cluster access' }).waitFor();
    await page.getByText('History').first().waitFor();
    await page.close();
  });

  it('signs a fresh browser in as another sample user who sees their profile', async () => {
    const page = await browser.newPage();
    await signInAs(page, 'carol');
    await page.goto(`${APP_URL}/catalog/default/user/carol`);
    await page.getByText('Carol Carlsson').first().waitFor();
    await page.close();
  });
});
