/*
 * The layout check itself, on pages built in Chromium with setContent: no
 * portal and no ports, so it runs beside anything. It must catch what the
 * journeys once let through (Backstage's notifications table squeezed to a
 * column of single words on a phone) and must pass the layouts the portal
 * uses on purpose.
 */
import { Browser, Page } from 'playwright-core';
import { launchBrowser } from './__testUtils__/browser';
import { layoutProblems, PHONE } from './__testUtils__/layout';

jest.setTimeout(60_000);

const MESSAGE =
  'alice asks for namespace payments-notify-qa (qa) For payments on qa: “Load test before the release”. Open it to approve or reject.';

/** A card (MUI's Paper class) around some HTML, on a phone-sized page. */
const card = (width: string, body: string) => `
  <style>
    body { margin: 0; font: 14px/1.4 sans-serif; }
    .MuiPaper-root { margin: 16px; width: ${width}; box-sizing: border-box; }
    table { border-collapse: collapse; width: 100%; }
    td, th { padding: 8px; text-align: left; vertical-align: top; }
  </style>
  <div class="MuiPaper-root">${body}</div>`;

/** The notifications page as it was: filters beside the table at 390 px. */
const squeezedTable = card(
  '358px',
  `<div style="display: grid; grid-template-columns: 2fr 10fr; gap: 16px">
     <div>Filters</div>
     <table><tr>
       <td style="width: 24px; padding-right: 40px"><input type="checkbox"></td>
       <td><div>${MESSAGE}</div></td>
       <td style="width: 110px; white-space: nowrap">✓ ☐ ⊘</td>
     </tr></table>
   </div>`,
);

describe('layoutProblems', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: PHONE });
  });

  afterAll(async () => {
    await browser?.close();
  });

  const problemsOf = async (html: string) => {
    await page.setContent(html);
    return layoutProblems(page);
  };

  it('fails on a table cell squeezed into one word a line', async () => {
    const problems = await problemsOf(squeezedTable);
    expect(problems).toEqual([
      expect.stringMatching(
        /^div "alice asks for namespace payments-[^"]*" is squeezed to \d+ px: 21 words on \d+ lines$/,
      ),
    ]);
  });

  it('passes the same table once the filters stack above it', async () => {
    const stacked = squeezedTable.replace('2fr 10fr', 'minmax(0, 1fr)');
    expect(await problemsOf(stacked)).toEqual([]);
  });

  it('passes narrow cells that wrap a short value, as a details table does on a phone', async () => {
    const details = card(
      '358px',
      `<table>
         <tr><th style="width: 30%; white-space: nowrap">Requested by</th>
             <td>Alice Andersson on 12/1/2026, 3:04:05 AM</td></tr>
         <tr><th style="white-space: nowrap">Reason</th>
             <td>Load test before the release, with the whole team watching the dashboards</td></tr>
         <tr><th style="white-space: nowrap">Status</th>
             <td><span style="display: inline-block; width: 90px">Waiting for approval</span></td></tr>
       </table>`,
    );
    expect(await problemsOf(details)).toEqual([]);
  });

  it('fails on a sentence that runs past its dialog instead of wrapping, and passes it wrapped', async () => {
    const sentence = (wrap: string) =>
      card(
        '358px',
        `<div style="overflow-y: auto; padding: 8px 24px">
           <h3>History</h3>
           <ul style="padding: 0"><li style="display: flex">
             <div style="flex: 1 1 auto; min-width: 0; white-space: ${wrap}">
               Alice Andersson requested <code style="white-space: nowrap">payments-notify-qa</code>
               (qa) for Payments team: “Load test before the release”
             </div>
           </li></ul>
           <pre>apiVersion: v1   # code may scroll sideways: ${'x'.repeat(
             80,
           )}</pre>
         </div>`,
      );
    expect(await problemsOf(sentence('nowrap'))).toEqual([
      expect.stringMatching(
        /^div "Alice Andersson requested payments-[^"]*" runs to \d+, past its box 16–374$/,
      ),
    ]);
    expect(await problemsOf(sentence('normal'))).toEqual([]);
  });

  it('fails on a button in a dialog too small to touch on a phone, and not on a laptop', async () => {
    const dialog = (height: number) =>
      card(
        '358px',
        `<div role="dialog" style="padding: 8px 24px">
           <p>dave · extra member, added by <a href="#">Alice Andersson</a></p>
           <button aria-label="Remove user:default/dave"
             style="height: ${height}px; width: 64px">Remove</button>
         </div>`,
      );
    expect(await problemsOf(dialog(30))).toEqual([
      'button "Remove user:default/dave" is 64×30 px, too small to touch (44 px)',
    ]);
    expect(await problemsOf(dialog(44))).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 900 });
    try {
      expect(await problemsOf(dialog(30))).toEqual([]);
    } finally {
      await page.setViewportSize(PHONE);
    }
  });

  it('fails on a row action on the plugin’s page too small to touch on a phone, and not on Backstage’s own controls', async () => {
    // Backstage's sidebar and header, which the plugin does not draw, keep
    // their small controls; the plugin's content (marked) is judged, but
    // for a link in a sentence.
    const page_ = (action: string) => `
      <nav><button style="height: 24px; width: 24px">☰</button></nav>
      ${card(
        '358px',
        `<div data-plugin-content="cluster-access">
           <table><tr>
             <td>payments-api-dev</td>
             <td><p>Applied 8 objects <button class="MuiLink-root">show them</button></p>
                 <button style="${action}">Members</button>
                 <button aria-label="Decommission payments-api-dev"
                   style="height: 44px; width: 44px">⊘</button></td>
           </tr></table>
         </div>`,
      )}`;
    expect(await problemsOf(page_('height: 30px; width: 90px'))).toEqual([
      'button "Members" is 90×30 px, too small to touch (44 px)',
    ]);
    // An icon button as tall as a thumb but too narrow.
    expect(await problemsOf(page_('height: 44px; width: 30px'))).toEqual([
      'button "Members" is 30×44 px, too small to touch (44 px)',
    ]);
    expect(await problemsOf(page_('height: 44px; width: 90px'))).toEqual([]);
    await page.setViewportSize({ width: 1440, height: 900 });
    try {
      expect(await problemsOf(page_('height: 30px; width: 90px'))).toEqual([]);
    } finally {
      await page.setViewportSize(PHONE);
    }
  });

  it('fails on a button whose label breaks inside a word beside a field', async () => {
    const row = (wrap: string) =>
      card(
        '358px',
        `<form style="display: flex; gap: 8px; padding: 8px 24px; overflow-wrap: anywhere">
           <input style="flex: 1 1 100%; min-width: 0">
           <button style="overflow-wrap: ${wrap}; padding: 0 8px">Add</button>
         </form>`,
      );
    expect(await problemsOf(row('inherit'))).toEqual([
      expect.stringMatching(
        /^button "Add" breaks inside a word: 1 word on [2-3] lines$/,
      ),
    ]);
    expect(await problemsOf(row('normal'))).toEqual([]);
  });

  it('still fails on a button outside its card and on a page that scrolls sideways', async () => {
    const problems = await problemsOf(
      card('200px', '<button style="width: 400px">Approve</button>'),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^the page scrolls sideways/),
      expect.stringMatching(
        /^button "Approve" spans 16–416, outside its card 16–216$/,
      ),
    ]);
  });
});
