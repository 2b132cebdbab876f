/*
 * One portal for every browser test: it binds the demo's fixed ports
 * (3000, 7007, 8200, 6443, 6444), so the tests share it and run in this one file.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Browser, Page } from 'playwright-core';
import { launchBrowser, signInAs } from './__testUtils__/browser';
import { DESKTOP, PHONE, shoot } from './__testUtils__/layout';
import { APP_URL, BACKEND_URL, startPortal } from './__testUtils__/portal';

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
    // Waiting for the other browser test file to give the portal back
    // (they take turns: fixed ports) comes on top of the start-up.
  }, 30 * 60_000);

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

  it('signs a fresh browser in as another sample user, who sees their profile and signs out back to the picker', async () => {
    const page = await browser.newPage();
    await signInAs(page, 'carol');
    await page.goto(`${APP_URL}/catalog/default/user/carol`);
    await page.getByText('Carol Carlsson').first().waitFor();
    expect(page.url()).toBe(`${APP_URL}/catalog/default/user/carol`);

    // Signing out brings the picker back instead of signing carol in again.
    await page.goto(`${APP_URL}/settings`);
    await page.getByRole('button', { name: /more/i }).first().click();
    await page
      .getByText(/sign out/i)
      .first()
      .click();
    await page.getByRole('button', { name: 'Sign in as alice' }).waitFor();
    expect(
      await page.evaluate(() =>
        window.localStorage.getItem('cluster-access:sample-user'),
      ),
    ).toBeNull();
    await page.close();
  });
  it('alice generates a kubeconfig in the browser that the real kubectl uses as her, on both clusters', async () => {
    // The qa cluster is a catalog Resource, read once the catalog has it.
    const identity = await (
      await fetch(`${BACKEND_URL}/api/auth/sample-users/refresh`, {
        headers: { 'x-cluster-access-sample-user': 'alice' },
      })
    ).json();
    let clusters: string[] = [];
    for (let i = 0; i < 90 && !clusters.includes('qa'); i++) {
      if (i > 0) await new Promise(r => setTimeout(r, 1000));
      const answer = await fetch(`${BACKEND_URL}/api/cluster-access/clusters`, {
        headers: {
          authorization: `Bearer ${identity.backstageIdentity.token}`,
        },
      });
      clusters = (await answer.json()).items.map(
        (c: { name: string }) => c.name,
      );
    }
    expect(clusters).toEqual(['dev', 'qa']);

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

    // One context per cluster: dev (current) and qa, each its own peer.
    for (const context of ['dev', 'qa']) {
      const { stdout } = await run('kubectl', [
        '--kubeconfig',
        file,
        '--context',
        context,
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
    }
    const { stdout: current } = await run('kubectl', [
      '--kubeconfig',
      file,
      'config',
      'get-contexts',
      '-o',
      'name',
    ]);
    expect(current.trim().split('\n')).toEqual(['dev', 'qa']);

    // The new certificate is listed, and the issuance is in the history.
    await page.getByText('Your certificates').waitFor();
    await page.goto(`${APP_URL}/cluster-access/history`);
    // The history speaks in sentences, with names instead of event types.
    await page
      .getByText(/got a certificate as/)
      .first()
      .waitFor();
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

  async function requestNamespace(
    page: Page,
    options: { tier: string; name: string; reason: string },
  ) {
    await page.goto(
      `${APP_URL}/cluster-access/request-namespace?owner=group:default/payments`,
    );
    await page.getByLabel('Tier', { exact: true }).selectOption(options.tier);
    // The demo binds each tier to the cluster of the same name.
    await page
      .getByLabel('Cluster', { exact: true })
      .selectOption(options.tier);
    await page.getByLabel('Namespace name').fill(options.name);
    await page.getByLabel('Reason').fill(options.reason);
    await page.getByRole('button', { name: 'Request namespace' }).click();
    await page.getByText(options.name).first().waitFor();
  }

  /** Presses "Refresh status" until the filed request shows the status. */
  async function waitForStatus(page: Page, status: string) {
    for (let i = 0; i < 30; i++) {
      if (await page.getByText(status, { exact: true }).count()) return;
      await page.getByRole('button', { name: 'Refresh status' }).click();
      await page.waitForTimeout(1000);
    }
    throw new Error(`The request never became ${status}`);
  }

  it('alice requests a dev namespace in the portal; it is made at once and her kubeconfig works in it', async () => {
    const page = await browser.newPage();
    await signInAs(page, 'alice');
    await requestNamespace(page, {
      tier: 'dev',
      name: 'payments-e2e-dev',
      reason: 'browser test',
    });
    await waitForStatus(page, 'Ready');

    // The kubeconfig alice downloaded in the earlier test: RBAC on the new
    // namespace lets her work there, and nowhere else.
    const kubeconfig = path.join(tmp, 'alice-kubeconfig.yaml');
    await run('kubectl', [
      '--kubeconfig',
      kubeconfig,
      '-n',
      'payments-e2e-dev',
      'create',
      'configmap',
      'hello',
      '--from-literal=from=alice',
    ]);
    await expect(
      run('kubectl', [
        '--kubeconfig',
        kubeconfig,
        '-n',
        'cluster-access',
        'create',
        'configmap',
        'hello',
        '--from-literal=from=alice',
      ]),
    ).rejects.toThrow(/forbidden/);
    await page.close();
  });

  /** Whether an element fits the window sideways (it may scroll inside). */
  const fitsSideways = (page: Page, selector: string) =>
    page
      .locator(selector)
      .first()
      .evaluate(el => {
        const box = el.getBoundingClientRect();
        return box.left >= 0 && box.right <= window.innerWidth + 1;
      });

  it('alice sees the namespaces she can use before downloading anything, and the manifests of her request, at 1440 and 390 px', async () => {
    for (const size of [DESKTOP, PHONE]) {
      const page = await browser.newPage({ viewport: size });
      await signInAs(page, 'alice');
      await page.goto(`${APP_URL}/cluster-access`);
      const mine = page.getByRole('list', { name: 'Your namespaces on dev' });
      await mine.getByText('payments-e2e-dev').waitFor();
      const row = mine.getByRole('listitem').filter({
        hasText: 'payments-e2e-dev',
      });
      // The Group's display name replaces its ref once the catalog answers.
      await row
        .filter({
          hasText: 'You are a member of Payments team, which owns it.',
        })
        .waitFor();
      expect(
        await fitsSideways(page, 'ul[aria-label^="Your namespaces"]'),
      ).toBe(true);
      await mine.scrollIntoViewIfNeeded();
      await shoot(page, 'get-access-my-namespaces');

      await page.goto(`${APP_URL}/cluster-access/requests`);
      await page
        .getByRole('button', { name: 'Details of payments-e2e-dev' })
        .first()
        .click();
      const manifests = page.getByRole('region', {
        name: 'Manifests of payments-e2e-dev',
      });
      await manifests.getByText('kind: ResourceQuota').first().waitFor();
      const yaml = (await manifests.textContent()) ?? '';
      expect(yaml).toContain('pod-security.kubernetes.io/enforce');
      expect(yaml).toContain('name: ca-edit-alice');
      expect(
        await fitsSideways(
          page,
          '[aria-label="Manifests of payments-e2e-dev"]',
        ),
      ).toBe(true);
      const download = page.waitForEvent('download');
      await page.getByRole('link', { name: 'Download' }).click();
      expect((await download).suggestedFilename()).toBe(
        'dev-payments-e2e-dev.yaml',
      );
      await shoot(page, 'request-manifests');
      await page.close();
    }
  });

  it('the Payments Group page says who can get into its namespaces, flagging a binding alice made with kubectl for an outsider', async () => {
    // alice delegates read access to mallory (outside the organisation)
    // through the rolebinding-manager role her namespace gives her.
    const kubeconfig = path.join(tmp, 'alice-kubeconfig.yaml');
    await run('kubectl', [
      '--kubeconfig',
      kubeconfig,
      '-n',
      'payments-e2e-dev',
      'create',
      'rolebinding',
      'mallory-view',
      '--clusterrole=view',
      '--user=mallory',
    ]);

    const page = await browser.newPage();
    await signInAs(page, 'alice');
    await page.goto(`${APP_URL}/catalog/default/group/payments`);
    const access = page.getByRole('list', {
      name: 'Who can get into the namespaces of Payments team',
    });
    await access.waitFor({ timeout: 60_000 });

    // The reconciler (every 10 s in the demo, after 30 s) records the
    // bindings, its own and alice's; the page shows them after a reload.
    const flagged = access.getByText(
      /^Mallory Moss can view payments-e2e-dev through the RoleBinding mallory-view, made with kubectl: neither a member nor an extra member\.$/,
    );
    const deadline = Date.now() + 120_000;
    while (!(await flagged.count())) {
      if (Date.now() > deadline) {
        throw new Error('The kubectl-made binding never showed');
      }
      await page.waitForTimeout(3000);
      await page.reload();
      await access.waitFor({ timeout: 60_000 });
    }
    // The members' roles are the bindings that pass found them holding.
    await access
      .getByText(
        'Alice Andersson and Bob Berg can edit and manage role bindings in payments-e2e-dev as members of Payments team.',
      )
      .waitFor({ timeout: 10_000 });
    expect(
      await access.getByRole('img', { name: 'Outsider access' }).count(),
    ).toBe(1);
    await page.goto(`${APP_URL}/cluster-access/history`);
    await page
      .getByText(/found a binding it does not manage/)
      .first()
      .waitFor();
    await page.close();
  });

  it('a qa namespace waits for carol, who approves it on the Requests tab', async () => {
    const alice = await browser.newPage();
    await signInAs(alice, 'alice');
    await requestNamespace(alice, {
      tier: 'qa',
      name: 'payments-e2e-qa',
      reason: 'release testing',
    });
    await alice
      .getByText('Waiting for approval', { exact: true })
      .first()
      .waitFor();
    // alice cannot approve her own request.
    await alice.goto(`${APP_URL}/cluster-access/requests`);
    await alice.getByText('payments-e2e-qa').first().waitFor();
    expect(
      await alice
        .getByRole('button', { name: 'Approve payments-e2e-qa' })
        .count(),
    ).toBe(0);
    await alice.close();

    const carol = await browser.newPage();
    await signInAs(carol, 'carol');
    await carol.goto(`${APP_URL}/cluster-access/requests`);
    await carol
      .getByRole('button', { name: 'Approve payments-e2e-qa' })
      .first()
      .click();
    await carol.getByLabel('Comment (optional)').fill('ok for release');
    await carol.getByRole('button', { name: 'Approve', exact: true }).click();

    // The dialog closes and the decision is confirmed on the page.
    await carol
      .getByText(/^Approved\b/)
      .first()
      .waitFor({ timeout: 30_000 });

    // Provisioned for the Payments team: alice may now work in it.
    const kubeconfig = path.join(tmp, 'alice-kubeconfig.yaml');
    let answer = '';
    for (let i = 0; i < 30 && answer !== 'yes'; i++) {
      answer = (
        await run('kubectl', [
          '--kubeconfig',
          kubeconfig,
          'auth',
          'can-i',
          'create',
          'configmaps',
          '-n',
          'payments-e2e-qa',
          // The qa namespace is on the qa cluster, the kubeconfig's second context.
          '--context',
          'qa',
        ]).catch(e => ({ stdout: String(e.stdout ?? '') }))
      ).stdout.trim();
      if (answer !== 'yes') await carol.waitForTimeout(1000);
    }
    expect(answer).toBe('yes');

    await carol.goto(`${APP_URL}/cluster-access/namespaces`);
    await carol.getByRole('button', { name: 'All' }).click();
    await carol.getByText('payments-e2e-qa').first().waitFor();
    await carol.close();
  });

  it('alice fills the "Request a Kubernetes namespace" template in the browser: her Group, the tiers and clusters the backend offers, the naming rule; it files the namespace as her', async () => {
    const page = await browser.newPage({
      viewport: { width: 1440, height: 900 },
    });
    await signInAs(page, 'alice');
    await page.goto(`${APP_URL}/create/templates/default/request-namespace`);

    // MyGroupsPicker: alice is in one Group, which the picker chooses for her.
    const owner = page.getByRole('textbox', { name: 'Owner team' });
    await owner.waitFor({ timeout: 60_000 });
    for (let i = 0; i < 60 && !(await owner.inputValue()); i++) {
      await page.waitForTimeout(500);
    }
    expect(await owner.inputValue()).toBe('Payments team');

    // The tier picker offers the backend's tiers with what each needs.
    await page.getByRole('button', { name: /^Tier/ }).click();
    const tierOptions = await page.getByRole('option').allInnerTexts();
    expect(tierOptions).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/made at once/),
        expect.stringMatching(/needs an approver/),
      ]),
    );
    await page
      .getByRole('option', { name: /made at once/ })
      .first()
      .click();
    await page.getByRole('button', { name: /^Cluster/ }).click();
    await page.getByRole('option').first().click();

    // The naming rule, filled in with her Group, is the hint.
    const name = page.getByRole('textbox', { name: 'Namespace name' });
    const hint = page.getByText(/Naming rule of .*payments/);
    await hint.waitFor();
    await name.fill('Payments Form');
    await page.getByText(/The name /).waitFor();
    await name.fill('payments-form-dev');
    await page
      .getByRole('textbox', { name: /Reason/ })
      .fill('from the template form');
    await page.getByRole('button', { name: 'Review' }).click();
    await shoot(page, 'template-review');
    await page.getByRole('button', { name: 'Create' }).click();

    // The task's output: a link to the request, as alice filed it.
    const link = page.getByRole('link', {
      name: /Follow the request for payments-form-dev/,
    });
    await link.waitFor({ timeout: 120_000 });
    await shoot(page, 'template-done');
    const identity = await (
      await fetch(`${BACKEND_URL}/api/auth/sample-users/refresh`, {
        headers: { 'x-cluster-access-sample-user': 'alice' },
      })
    ).json();
    const requests = await (
      await fetch(`${BACKEND_URL}/api/cluster-access/requests?mine=true`, {
        headers: {
          authorization: `Bearer ${identity.backstageIdentity.token}`,
        },
      })
    ).json();
    expect(requests.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          namespace: 'payments-form-dev',
          requester: 'user:default/alice',
          owner: 'group:default/payments',
        }),
      ]),
    );
    await link.click();
    await page.getByText('payments-form-dev').first().waitFor();
    await page.close();
  });
});
