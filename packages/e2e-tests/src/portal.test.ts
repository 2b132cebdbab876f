/*
 * One portal for every browser test: it binds the demo's fixed ports
 * (3000, 7007, 8200, 6443), so the tests share it and run in this one file.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Browser } from 'playwright-core';
import { launchBrowser, signInAs } from './__testUtils__/browser';
import { APP_URL, startPortal } from './__testUtils__/portal';

jest.setTimeout(300_000);

const run = promisify(execFile);

describe('the demo portal in Chromium', () => {
  let portal: Awaited<ReturnType<typeof startPortal>>;
  let browser: Browser;
  let tmp: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cluster-access-e2e-'));
    portal = await startPortal();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('signs in as a sample user and shows the sample org and the Cluster access entry', async () => {
    const page = await browser.newPage();
    await signInAs(page, 'alice');

    const nav = page.getByRole('link', { name: /Cluster access/ });
    await nav.waitFor();
    expect(await nav.getAttribute('href')).toBe('/cluster-access');

    // The sample organisation: a child group page shows its parent and
    // its members.
    await page.goto(`${APP_URL}/catalog/default/group/payments`);
    await page
      .getByRole('heading', { name: 'Payments team' })
      .first()
      .waitFor();
    await page.getByText('Alice Andersson').first().waitFor();
    await page.getByText('Bob Berg').first().waitFor();
    await page.getByText('Engineering').first().waitFor();
    await page.goto(`${APP_URL}/catalog/default/group/cluster-approvers`);
    await page.getByText('Carol Carlsson').first().waitFor();

    await page.goto(`${APP_URL}/cluster-access/history`);
    await page
      .getByRole('heading', { name: 'Cluster access' })
      .first()
      .waitFor();
    await page.getByText('History').first().waitFor();
    await page.close();
  });

  it('signs a fresh browser in as another sample user who sees their profile', async () => {
    const page = await browser.newPage();
    await signInAs(page, 'carol');
    await page.goto(`${APP_URL}/catalog/default/user/carol`);
    await page.getByText('Carol Carlsson').first().waitFor();
    expect(page.url()).toBe(`${APP_URL}/catalog/default/user/carol`);
    await page.close();
  });
  it('alice generates a kubeconfig in the browser that the real kubectl uses as her', async () => {
    const page = await browser.newPage();
    await signInAs(page, 'alice');
    await page.goto(`${APP_URL}/cluster-access`);
    await page
      .getByText('payments', { exact: true })
      .first()
      .waitFor()
      .catch(async e => {
        await page.screenshot({ path: path.join(os.tmpdir(), 'e2e-fail.png') });
        throw e;
      });

    await page
      .getByRole('button', { name: 'Generate certificate and kubeconfig' })
      .click();
    // The download link, once it carries the kubeconfig.
    const link = page.locator('a[download][href^="blob:"]');
    await link.waitFor({ timeout: 60_000 });
    // What the browser saves when the user clicks: the blob behind the link,
    // under the link's file name.
    expect(await link.getAttribute('download')).toBe('alice-kubeconfig.yaml');
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/^blob:/);
    const content = await page.evaluate(
      async url => (await fetch(url)).text(),
      href,
    );
    const file = path.join(tmp, 'alice-kubeconfig.yaml');
    fs.writeFileSync(file, content, { mode: 0o600 });

    const { stdout } = await run('kubectl', [
      '--kubeconfig',
      file,
      'auth',
      'whoami',
      '-o',
      'json',
    ]);
    const review = JSON.parse(stdout);
    expect(review.status.userInfo.username).toBe('alice');
    expect(review.status.userInfo.groups).toEqual(
      expect.arrayContaining(['payments', 'system:authenticated']),
    );

    // The new certificate is listed, and the issuance is in the history.
    await page.getByText('Your certificates').waitFor();
    await page.goto(`${APP_URL}/cluster-access/history`);
    await page.getByText('certificate.issued').first().waitFor();
    await page.close();
  });

  it('mallory, outside the organisation, is refused', async () => {
    const page = await browser.newPage();
    await signInAs(page, 'mallory');
    await page.goto(`${APP_URL}/cluster-access`);
    await page
      .getByText(/not allowed|permission/i)
      .first()
      .waitFor({ timeout: 30_000 });
    const generate = page.getByRole('button', {
      name: 'Generate certificate and kubeconfig',
    });
    expect(
      (await generate.count()) === 0 || (await generate.isDisabled()),
    ).toBe(true);
    await page.close();
  });
});
