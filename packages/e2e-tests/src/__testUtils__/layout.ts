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

/**
 * Waits (up to a deadline) for the page's finite animations and transitions
 * to end: a dialog fading in or a button's ripple caught halfway makes a
 * picture that differs from run to run.
 */
export async function settleAnimations(page: Page, timeoutMs = 3000) {
  await page.evaluate(async deadline => {
    const finite = document
      .getAnimations()
      .filter(a => a.effect?.getComputedTiming().iterations !== Infinity)
      .map(a => a.finished.catch(() => undefined));
    await Promise.race([
      Promise.all(finite),
      new Promise(resolve => setTimeout(resolve, deadline)),
    ]);
  }, timeoutMs);
}

/**
 * A full-page screenshot named after the step and the viewport, once
 * transitions have ended; `animations: 'disabled'` then fast-forwards what
 * still runs (ripples, spinners), so the same page gives the same picture.
 */
export async function shoot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const size = page.viewportSize();
  const file = path.join(
    SCREENSHOT_DIR,
    `${name}-${size?.width}x${size?.height}.png`,
  );
  await settleAnimations(page);
  // A full-page capture draws fixed elements (the sidebar, the phone's
  // bottom bar) where the scrolled viewport had them, halfway down the
  // picture. A window as tall as the page draws them as a tall screen would.
  const height = await page.evaluate(
    () => document.documentElement.scrollHeight,
  );
  if (size && height > size.height) {
    await page.setViewportSize({ width: size.width, height });
  }
  try {
    await page.screenshot({ path: file, animations: 'disabled' });
  } finally {
    if (size && height > size.height) await page.setViewportSize(size);
  }
  return file;
}

/**
 * Below this width a block of text inside a card counts as squeezed when it
 * wraps into about one word a line (Backstage's notifications table at
 * 390 px gave its message column about 50 px: "na / me / spa / ce").
 */
export const MIN_TEXT_WIDTH = 160;

/**
 * On a phone a control in a dialog or on the plugin's pages must be at
 * least this tall and wide to hit with a thumb (WCAG 2.5.5, Apple's 44 pt):
 * MUI's small text button is 30 px tall, and a Remove beside a member's
 * name was easy to miss.
 */
export const MIN_TOUCH_TARGET = 44;

/**
 * The plugin's own content: each tab of its page and each of its entity
 * cards (`PluginContent` in plugins/cluster-access marks them). Only there,
 * and in dialogs, are controls judged for size: Backstage's sidebar, its
 * page header and tab bar and other plugins' pages are not ours to change.
 */
export const PLUGIN_CONTENT = '[data-plugin-content="cluster-access"]';

/** What a thumb presses: buttons, selects, tabs, and links drawn as buttons. */
const CONTROLS =
  'button, [role="button"], [role="tab"], a.MuiButtonBase-root, select, input[type="checkbox"], input[type="radio"]';

/** Up to this width the page counts as a phone's (MUI's xs breakpoint). */
const PHONE_MAX_WIDTH = 600;

/**
 * Every button and table that sticks out of its card (a MUI Paper), every
 * text in a card squeezed into a column of single words or running past
 * the box that clips it, whether the page itself scrolls sideways, and on
 * a phone every control in a dialog or in the plugin's content too small
 * to touch. A table or button
 * inside a box that scrolls sideways within the card is judged by that
 * box: scrolling inside the card is allowed, spilling out of it is not.
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  const inCards = await page.evaluate(minTextWidth => {
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

    /**
     * The lines one element's own text (its text nodes and inline
     * children, not its blocks) takes, and how many words that text has.
     */
    const ownText = (el: Element) => {
      const tops = new Set<number>();
      let words = 0;
      let left = Infinity;
      let right = -Infinity;
      const walk = (node: Node, top: boolean) => {
        if (node.nodeType === Node.TEXT_NODE) {
          const text = node.textContent ?? '';
          if (!text.trim()) return;
          words += text.trim().split(/\s+/).length;
          const range = document.createRange();
          range.selectNodeContents(node);
          for (const r of Array.from(range.getClientRects())) {
            if (r.width === 0) continue;
            tops.add(Math.round(r.top / 4));
            left = Math.min(left, r.left);
            right = Math.max(right, r.right);
          }
          return;
        }
        if (!(node instanceof Element)) return;
        if (!top && !getComputedStyle(node).display.startsWith('inline')) {
          return;
        }
        for (const child of Array.from(node.childNodes)) walk(child, false);
      };
      walk(el, true);
      return { lines: tops.size, words, left, right };
    };

    /** The box that clips an element sideways: its nearest overflow box, or the card. */
    const clipBox = (el: Element, card: Element) => {
      for (let a = el.parentElement; a && a !== card; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') {
          return a.getBoundingClientRect();
        }
      }
      return card.getBoundingClientRect();
    };

    const cards = Array.from(document.querySelectorAll('.MuiPaper-root'));
    const squeezed = new Set<Element>();
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
        // A label broken inside a word ("AD / D" when a field beside the
        // button took its room): more lines than words.
        const label = el.tagName === 'BUTTON' ? ownText(el) : undefined;
        if (label && label.words && label.lines > label.words) {
          problems.push(
            `${describe(el)} breaks inside a word: ${label.words} ${
              label.words === 1 ? 'word' : 'words'
            } on ${label.lines} lines`,
          );
        }
      }
      for (const el of Array.from(card.querySelectorAll('*'))) {
        if (squeezed.has(el)) continue;
        if (getComputedStyle(el).display.startsWith('inline')) continue;
        const width = el.getBoundingClientRect().width;
        if (width === 0) continue;
        const { lines, words, left, right } = ownText(el);
        if (!words) continue;
        // Prose runs past the box that clips it: the end of the sentence is
        // cut off. Code, tables and tab bars scroll sideways on purpose.
        const clip = clipBox(el, card);
        if (
          !el.closest('pre, table, [role="tablist"]') &&
          (right > clip.right + 1 || left < clip.left - 1)
        ) {
          squeezed.add(el);
          problems.push(
            `${describe(el)} runs to ${Math.round(
              right,
            )}, past its box ${Math.round(clip.left)}–${Math.round(
              clip.right,
            )}`,
          );
          continue;
        }
        if (width >= minTextWidth) continue;
        // A word or two a line, over many lines: nobody reads that.
        if (lines >= 4 && lines * 1.5 >= words && words >= 3) {
          squeezed.add(el);
          problems.push(
            `${describe(el)} is squeezed to ${Math.round(
              width,
            )} px: ${words} words on ${lines} lines`,
          );
        }
      }
    }
    return problems;
  }, MIN_TEXT_WIDTH);
  return [...inCards, ...(await smallTouchTargets(page))];
}

/**
 * On a phone, the controls in a dialog or in the plugin's content smaller
 * than a thumb. Links and link-styled buttons inside sentences are exempt,
 * as WCAG exempts inline targets.
 */
async function smallTouchTargets(page: Page): Promise<string[]> {
  return page.evaluate(
    ({ minSize, phoneMaxWidth, scopes, controls }) => {
      if (window.innerWidth >= phoneMaxWidth) return [];
      const problems: string[] = [];
      const seen = new Set<Element>();
      for (const scope of Array.from(document.querySelectorAll(scopes))) {
        for (const el of Array.from(scope.querySelectorAll(controls))) {
          if (seen.has(el)) continue;
          seen.add(el);
          const style = getComputedStyle(el);
          if (style.visibility === 'hidden') continue;
          // A link-styled button inside a sentence ("Applied 8 objects show
          // them") is an inline target, which WCAG exempts.
          const inSentence =
            el.matches('.MuiLink-root') &&
            Array.from(el.parentElement?.childNodes ?? []).some(
              n => n.nodeType === Node.TEXT_NODE && !!n.textContent?.trim(),
            );
          if (inSentence) continue;
          // A switch or a check box is hit through its label too.
          const target = el.matches('input') ? el.closest('label') ?? el : el;
          const r = target.getBoundingClientRect();
          if (r.width === 0 || r.height === 0) continue;
          if (r.width < minSize - 0.5 || r.height < minSize - 0.5) {
            const name = (el.getAttribute('aria-label') ?? el.textContent ?? '')
              .trim()
              .slice(0, 40);
            problems.push(
              `${el.tagName.toLowerCase()} "${name}" is ${Math.round(
                r.width,
              )}×${Math.round(
                r.height,
              )} px, too small to touch (${minSize} px)`,
            );
          }
        }
      }
      return problems;
    },
    {
      minSize: MIN_TOUCH_TARGET,
      phoneMaxWidth: PHONE_MAX_WIDTH,
      scopes: `[role="dialog"], ${PLUGIN_CONTENT}`,
      controls: CONTROLS,
    },
  );
}
