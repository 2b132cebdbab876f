import fs from 'node:fs';
import path from 'node:path';
import { Page } from 'playwright-core';

/** Where the journeys leave their screenshots (ignored by git). */
export const SCREENSHOT_DIR = path.resolve(
  __dirname,
  '../../test-results/screenshots',
);

export const DESKTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

/** A full-page screenshot named after the step and the viewport. */
export async function shoot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const size = page.viewportSize();
  const file = path.join(
    SCREENSHOT_DIR,
    `${name}-${size?.width}x${size?.height}.png`,
  );
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * Every button and table that sticks out of its card (a MUI Paper), and
 * whether the page itself scrolls sideways. A table or button inside a box
 * that scrolls sideways within the card is judged by that box: scrolling
 * inside the card is allowed, spilling out of it is not.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth + 1) {
      problems.push(
        `the page scrolls sideways (${doc.scrollWidth} > ${window.innerWidth})`,
      );
    }
    const describe = (el: Element) =>
      `${el.tagName.toLowerCase()} "${(
        el.getAttribute('aria-label') ??
        el.textContent ??
        ''
      )
        .trim()
        .slice(0, 40)}"`;
    const cards = Array.from(document.querySelectorAll('.MuiPaper-root'));
    for (const card of cards) {
      const box = card.getBoundingClientRect();
      if (box.width === 0) continue;
      for (const el of Array.from(card.querySelectorAll('button, table'))) {
        let judged: Element = el;
        for (let a = el.parentElement; a && a !== card; a = a.parentElement) {
          const overflowX = getComputedStyle(a).overflowX;
          if (overflowX === 'auto' || overflowX === 'scroll') judged = a;
        }
        const r = judged.getBoundingClientRect();
        if (r.width === 0) continue;
        if (r.left < box.left - 1 || r.right > box.right + 1) {
          problems.push(
            `${describe(el)} spans ${Math.round(r.left)}–${Math.round(
              r.right,
            )}, outside its card ${Math.round(box.left)}–${Math.round(
              box.right,
            )}`,
          );
        }
      }
    }
    return problems;
  });
}
