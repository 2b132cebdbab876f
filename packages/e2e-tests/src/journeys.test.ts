/*
 * The developer, approver and outsider journeys at laptop and phone sizes:
 * a screenshot of every step into test-results/screenshots, and a layout
 * check on each page that fails when a button or table leaves its card or
 * the page scrolls sideways. Its own portal (fixed ports): run it alone.
 */
import { Browser, Page } from 'playwright-core';
import { launchBrowser, signInAs } from './__testUtils__/browser';
import { DESKTOP, layoutProblems, PHONE, shoot } from './__testUtils__/layout';
import { APP_URL, startPortal } from './__testUtils__/portal';

jest.setTimeout(400_000);

describe('journeys in Chromium, on a laptop and on a phone', () => {
  let portal: Awaited<ReturnType<typeof startPortal>>;
  let browser: Browser;

  beforeAll(async () => {
    portal = await startPortal();
    browser = await launchBrowser();
    // The first load compiles the app bundle: wait for it once, generously.
    const warm = await browser.newPage();
    await warm.goto(APP_URL, { timeout: 240_000 });
    await warm
      .getByRole('button', { name: /Sign in as/ })
      .first()
      .waitFor({
        timeout: 240_000,
      });
    await warm.close();
    // Waiting for the other browser test file to give the portal back
    // (they take turns: fixed ports) comes on top of the start-up.
  }, 30 * 60_000);

  afterAll(async () => {
    await browser?.close();
    await portal?.stop();
  });

  async function open(user: string, size: typeof DESKTOP): Promise<Page> {
    const page = await browser.newPage({ viewport: size });
    await signInAs(page, user);
    return page;
  }

  /** The layout problems of the running journey, step by step. */
  let found: { name: string; problems: string[] }[] = [];

  // A journey goes on past a step with layout problems, so one run shows
  // every step's picture and problems, and fails at its end.
  afterEach(() => {
    const steps = found;
    found = [];
    if (steps.length) {
      throw new Error(`Layout problems: ${JSON.stringify(steps, null, 2)}`);
    }
  });

  /** Screenshot, then the layout check. */
  async function check(page: Page, name: string) {
    await page.waitForLoadState('networkidle');
    await shoot(page, name);
    const problems = await layoutProblems(page);
    if (problems.length) found.push({ name, problems });
  }

  /**
   * The Members dialog of alice's dev namespace, with dave as an extra
   * member (added on the first visit) so that a Remove button and the
   * longest line, who added him and when, are on the picture.
   */
  async function members(page: Page, name: string) {
    await page
      .getByRole('button', { name: 'Members of payments-journey-dev' })
      .click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('alice · through the Group').waitFor();
    const remove = dialog.getByRole('button', {
      name: 'Remove user:default/dave',
    });
    if (!(await remove.count())) {
      await dialog.getByLabel('Add a user').fill('user:default/dave');
      await dialog.getByRole('button', { name: 'Add', exact: true }).click();
      await remove.waitFor();
      // Told by name, as the list names him, not by his ref.
      await dialog
        .getByRole('alert')
        .filter({ hasText: /^Dave Dahl has access now\.$/ })
        .waitFor();
    }
    await dialog.getByText(/extra member, added by Alice Andersson/).waitFor();
    await dialog.getByText(/RoleBindings made with kubectl/).waitFor();
    await check(page, name);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  it('alice, a developer, gets a kubeconfig and a namespace', async () => {
    for (const [size, tag] of [
      [DESKTOP, 'desktop'],
      [PHONE, 'phone'],
    ] as const) {
      const page = await open('alice', size);
      await page.goto(`${APP_URL}/cluster-access`);
      await page.getByText('payments', { exact: true }).first().waitFor();
      await check(page, `01-alice-get-access-${tag}`);
      await page
        .getByRole('button', { name: 'Generate certificate and kubeconfig' })
        .click();
      await page.locator('a[download][href^="blob:"]').waitFor();
      // The private key stays hidden on screen until asked for.
      await page.getByText('(private key hidden)').first().waitFor();
      await page.getByRole('tab', { name: /PowerShell/ }).waitFor();
      await check(page, `02-alice-kubeconfig-${tag}`);
      if (tag === 'phone') {
        await page
          .getByRole('button', { name: /^Revoke certificate / })
          .first()
          .click();
        const revoke = page.getByRole('dialog');
        await revoke
          .getByText(/does not check revocation|do not check/)
          .waitFor();
        await check(page, '02b-alice-revoke-dialog-phone');
        await revoke.getByRole('button', { name: 'Cancel' }).click();
        await revoke.waitFor({ state: 'detached' });
      }
      page.on('dialog', dialog => dialog.accept());
      await page.close({ runBeforeUnload: false });
    }

    const page = await open('alice', DESKTOP);
    await page.goto(
      `${APP_URL}/cluster-access/request-namespace?owner=group:default/payments`,
    );
    await page.getByLabel('Tier', { exact: true }).selectOption('dev');
    await page.getByLabel('Cluster', { exact: true }).selectOption('dev');
    await page.getByLabel('Namespace name').fill('payments-journey-dev');
    await page.getByLabel('Reason').fill('Trying the journey');
    await check(page, '03-alice-request-form-desktop');
    await page.getByRole('button', { name: 'Request namespace' }).click();
    const deadline = Date.now() + 60_000;
    while (
      !(await page
        .getByText('kubectl -n payments-journey-dev get pods')
        .count())
    ) {
      if (Date.now() > deadline) throw new Error('never became Ready');
      const refresh = page.getByRole('button', { name: 'Refresh status' });
      if (await refresh.count()) await refresh.click();
      await page.waitForTimeout(1000);
    }
    await check(page, '04-alice-namespace-ready-desktop');

    await page.goto(`${APP_URL}/cluster-access/namespaces`);
    await page.getByText('payments-journey-dev').first().waitFor();
    await check(page, '05-alice-namespaces-desktop');
    await members(page, '05b-alice-members-desktop');
    await page.goto(`${APP_URL}/cluster-access/history`);
    // Sentences with names, one row per request, steps folded.
    await page
      .getByText(/requested/)
      .first()
      .waitFor();
    await page
      .getByText(/Applied \d+ Kubernetes objects/)
      .first()
      .waitFor();
    expect(await page.getByText('provisioning.step').count()).toBe(0);
    expect(await page.getByText('user:default/alice').count()).toBe(0);
    await check(page, '06-history-desktop');
    await page.goto(`${APP_URL}/catalog/default/user/alice`);
    await page.getByText('Recent activity').first().waitFor();
    await check(page, '07-alice-user-card-desktop');
    await page.setViewportSize(PHONE);
    await page.goto(`${APP_URL}/cluster-access/namespaces`);
    await page.getByText('payments-journey-dev').first().waitFor();
    await check(page, '08-alice-namespaces-phone');
    await members(page, '08b-alice-members-phone');
    await page
      .getByRole('button', { name: 'Decommission payments-journey-dev' })
      .click();
    const decommission = page.getByRole('dialog');
    await decommission.getByLabel('Reason (optional)').fill('No longer used');
    await check(page, '08c-alice-decommission-dialog-phone');
    await decommission.getByRole('button', { name: 'Cancel' }).click();
    await decommission.waitFor({ state: 'detached' });
    // The pages no step above shows on a phone: the History (one column,
    // the namespace above its story), the Group's and the User's cards.
    await page.goto(`${APP_URL}/cluster-access/history`);
    await page
      .getByText(/Applied \d+ Kubernetes objects/)
      .first()
      .waitFor();
    await check(page, '08d-history-phone');
    await page.goto(`${APP_URL}/catalog/default/group/payments`);
    await page
      .getByRole('table', { name: 'Namespaces of payments' })
      .first()
      .waitFor();
    await check(page, '08e-payments-group-card-phone');
    await page.goto(`${APP_URL}/catalog/default/user/alice`);
    await page.getByText('Recent activity').first().waitFor();
    await check(page, '08f-alice-user-card-phone');
    await page.close();
  });

  it('carol, an approver, reviews alice’s qa request with icon actions that fit', async () => {
    const alice = await open('alice', DESKTOP);
    await alice.goto(
      `${APP_URL}/cluster-access/request-namespace?owner=group:default/payments`,
    );
    await alice.getByLabel('Tier', { exact: true }).selectOption('qa');
    await alice.getByLabel('Cluster', { exact: true }).selectOption('qa');
    await alice.getByLabel('Namespace name').fill('payments-journey-qa');
    await alice.getByLabel('Reason').fill('Release test');
    await alice.getByRole('button', { name: 'Request namespace' }).click();
    await alice.getByText('Waiting for approval').first().waitFor();
    await alice.close();

    let rawTypes = -1;
    for (const [size, tag] of [
      // The phone first: the desktop pass approves the request.
      [PHONE, 'phone'],
      [DESKTOP, 'desktop'],
    ] as const) {
      const carol = await open('carol', size);
      await carol.goto(`${APP_URL}/cluster-access/requests`);
      await carol
        .getByRole('button', { name: 'Approve payments-journey-qa' })
        .waitFor();
      await check(carol, `09-carol-requests-${tag}`);
      if (tag === 'phone') {
        // Rejecting asks for a comment, with a hint: the longest of the
        // comment dialogs. Cancelled: the desktop pass approves.
        await carol
          .getByRole('button', { name: 'Reject payments-journey-qa' })
          .click();
        await carol.getByLabel('Comment', { exact: true }).fill('Too big');
        await check(carol, '10-carol-reject-dialog-phone');
        await carol.getByRole('button', { name: 'Cancel' }).click();
        await carol.getByRole('dialog').waitFor({ state: 'detached' });
      }
      if (tag === 'desktop') {
        await carol
          .getByRole('button', { name: 'Approve payments-journey-qa' })
          .click();
        await carol
          .getByLabel('Comment (optional)')
          .fill('OK for the release test');
        await check(carol, '10-carol-approve-dialog-desktop');
        await carol
          .getByRole('button', { name: 'Approve', exact: true })
          .click();
        await carol.getByText(/Approved payments-journey-qa/).waitFor();
        await carol.goto(`${APP_URL}/cluster-access/history`);
        await carol
          .getByText(/OK for the release test/)
          .first()
          .waitFor();
        rawTypes = await carol.getByText('request.approved').count();
      }
      await carol.close();
    }
    // The decision reads as a sentence with the comment, not an event type.
    expect(rawTypes).toBe(0);
  });

  it('mallory, an outsider, sees one calm message per tab and no error', async () => {
    for (const [size, tag] of [
      [DESKTOP, 'desktop'],
      [PHONE, 'phone'],
    ] as const) {
      const page = await open('mallory', size);
      await page.goto(`${APP_URL}/cluster-access`);
      await page
        .getByText('You can’t get cluster access on this portal')
        .waitFor();
      expect(await page.getByText(/NotAllowedError|stack/i).count()).toBe(0);
      await check(page, `11-mallory-get-access-${tag}`);
      await page.goto(`${APP_URL}/cluster-access/request-namespace`);
      await page
        .getByText('You can’t request namespaces on this portal')
        .waitFor();
      expect(await page.getByLabel('Reason').count()).toBe(0);
      await check(page, `12-mallory-request-namespace-${tag}`);
      await page.close();
    }
  });
  it('carol approves alice’s qa request from her notification; alice’s open page follows and she is told', async () => {
    const alice = await open('alice', DESKTOP);
    await alice.goto(
      `${APP_URL}/cluster-access/request-namespace?owner=group:default/payments`,
    );
    await alice.getByLabel('Tier', { exact: true }).selectOption('qa');
    await alice.getByLabel('Namespace name').fill('payments-notify-qa');
    await alice.getByLabel('Reason').fill('Load test before the release');
    await alice.getByRole('button', { name: 'Request namespace' }).click();
    await alice.getByText('Waiting for approval').first().waitFor();
    // Set on this document only: a reload or a navigation would lose it.
    await alice.evaluate(() => {
      (window as any).journeyMarker = 'same page';
    });
    await check(alice, '13-alice-waiting-desktop');

    const notification = /alice asks for namespace payments-notify-qa \(qa\)/;
    // On the phone carol reads the notification and opens the request.
    const phone = await open('carol', PHONE);
    await phone.goto(`${APP_URL}/notifications`);
    await phone.getByRole('link', { name: notification }).waitFor();
    await check(phone, '14-carol-notification-phone');
    await phone.getByRole('link', { name: notification }).click();
    await phone
      .getByRole('dialog')
      .getByRole('button', { name: 'Approve payments-notify-qa' })
      .waitFor();
    await check(phone, '15-carol-notification-request-phone');
    // The history, below the objects: its sentences wrap within the dialog.
    const story = phone.getByRole('list', { name: 'Request history' });
    await story
      .getByText(/requested/)
      .first()
      .waitFor();
    await story.scrollIntoViewIfNeeded();
    await check(phone, '15b-carol-request-history-phone');
    await phone.close();

    // At her desk she approves from the same link.
    const carol = await open('carol', DESKTOP);
    await carol.goto(`${APP_URL}/notifications`);
    await carol.getByRole('link', { name: notification }).waitFor();
    await check(carol, '14-carol-notification-desktop');
    await carol.getByRole('link', { name: notification }).click();
    expect(carol.url()).toMatch(/\/cluster-access\/requests\?request=/);
    const dialog = carol.getByRole('dialog');
    await dialog.getByText('Load test before the release').first().waitFor();
    await check(carol, '15-carol-notification-request-desktop');
    await dialog
      .getByRole('button', { name: 'Approve payments-notify-qa' })
      .click();
    await carol.getByLabel('Comment (optional)').fill('Go ahead');
    await carol.getByRole('button', { name: 'Approve', exact: true }).click();
    await carol.getByText(/Approved payments-notify-qa/).waitFor();
    await carol.close();

    // Alice's page follows through signals: pending is never polled, so
    // only a signal can bring the namespace's next step here.
    await alice
      .getByText('kubectl -n payments-notify-qa get pods')
      .waitFor({ timeout: 90_000 });
    expect(await alice.evaluate(() => (window as any).journeyMarker)).toBe(
      'same page',
    );
    await check(alice, '16-alice-followed-desktop');
    await alice.close();

    // One notification per request for the requester, updated in place
    // (one scope): "carol approved" became "is ready" when it was made.
    const told = await open('alice', PHONE);
    await told.goto(`${APP_URL}/notifications`);
    await told
      .getByRole('link', { name: 'Namespace payments-notify-qa is ready' })
      .waitFor();
    await check(told, '17-alice-notified-phone');
    await told.close();
  });
});
