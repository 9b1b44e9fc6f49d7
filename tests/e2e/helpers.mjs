// Shared steps of the e2e tests (not a test file: run.mjs only loads *.test.mjs).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export const PRESET_INDEX = JSON.parse(readFileSync(new URL('../../www/presets/index.json', import.meta.url), 'utf8'));

/** Opens the playground (optionally at a #fragment) and waits for its first verdict. */
export async function openPlayground(page, url, fragment = '') {
  await page.goto(url + fragment);
  return waitForVerdict(page);
}

// `scope` below: a CSS selector of an ancestor, default the page. A <kplay-scenario> scope
// is searched inside its shadow root. Each page function finds its root with
//   (scope ? (document.querySelector(scope)?.shadowRoot ?? document.querySelector(scope)) : document)

/**
 * Waits until the verdict inside `scope` shows a finished run (done or invalid) numbered
 * after `afterRun`; returns its run number.
 */
export async function waitForVerdict(page, { scope = '', afterRun = 0, timeout = 20_000 } = {}) {
  const handle = await page.waitForFunction(
    ({ scope, afterRun }) => {
      const v = (scope ? (document.querySelector(scope)?.shadowRoot ?? document.querySelector(scope)) : document)?.querySelector('[data-testid="verdict"]');
      return v && (v.dataset.state === 'done' || v.dataset.state === 'invalid') && Number(v.dataset.run) > afterRun && Number(v.dataset.run);
    },
    { scope, afterRun },
    { timeout },
  );
  return handle.jsonValue();
}

/** The run counter of the verdict (0 before the first run). */
export async function runNumber(page, scope = '') {
  return page.evaluate((scope) => Number((scope ? (document.querySelector(scope)?.shadowRoot ?? document.querySelector(scope)) : document)?.querySelector('[data-testid="verdict"]')?.dataset.run ?? 0), scope);
}

/** The verdict's counts as numbers: {delivered, lost, ...}. */
export async function verdictCounts(page, scope = '') {
  return page.evaluate((scope) => {
    const out = {};
    for (const el of (scope ? (document.querySelector(scope)?.shadowRoot ?? document.querySelector(scope)) : document).querySelectorAll('[data-testid^="verdict-"]')) out[el.dataset.testid.slice(8)] = Number(el.dataset.value);
    return out;
  }, scope);
}

/** The expectation lines shown: [{line, held, text}]. */
export async function expectations(page, scope = '') {
  return page.evaluate(
    (scope) => [...(scope ? (document.querySelector(scope)?.shadowRoot ?? document.querySelector(scope)) : document).querySelectorAll('[data-testid="expectations"] li')].map((li) => ({ line: Number(li.dataset.line), held: li.dataset.held === 'true', text: li.textContent })),
    scope,
  );
}

/** The scenario text (the app's state: CodeMirror's document). */
export async function editorText(page, scope = '') {
  return page.evaluate((scope) => (scope ? (document.querySelector(scope)?.shadowRoot ?? document.querySelector(scope)) : document).querySelector('.kp-app').kplayApp.getText(), scope);
}

/** Replaces the editor's text as a user would: select all, then type (one input event). */
export async function typeScenario(page, text, scope = '') {
  await page.locator(`${scope} .cm-content`.trim()).first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(text);
}

/** `name=value` clauses with `=` of the summary expect lines of a scenario text: [[name, value]]. */
export function summaryEquals(text) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^expect\s+(?!trace\b)(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const clause of m[1].split(/\s+/)) {
      const eq = /^([a-z_]+)=(\d+)$/.exec(clause);
      if (eq) out.push([eq[1], Number(eq[2])]);
    }
  }
  return out;
}

export function assertAllHeld(list, what) {
  assert.ok(list.length > 0, `${what}: no expectations shown`);
  const failed = list.filter((e) => !e.held);
  assert.deepEqual(failed, [], `${what}: expectations failed`);
}

/** Checks a screenshot's pixels in a page of its own: a light one is mostly light and a
 * dark one mostly dark (the theme reached everything, not just the background), and both
 * have content (not a blank or one-colour page). Returns {mean, sd, dark} (luminance 0..1;
 * dark: the share of dark pixels). */
export async function checkShot(page, png, theme, what) {
  const probe = await page.context().newPage();
  try {
    const stats = await probe.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const { data } = ctx.getImageData(0, 0, c.width, c.height);
      let n = 0, sum = 0, sq = 0, dark = 0;
      for (let i = 0; i < data.length; i += 4 * 7) {
        const y = (0.2126 * data[i] + 0.7152 * data[i + 1] + 0.0722 * data[i + 2]) / 255;
        n += 1;
        sum += y;
        sq += y * y;
        if (y < 0.5) dark += 1;
      }
      const mean = sum / n;
      return { mean, sd: Math.sqrt(sq / n - mean * mean), dark: dark / n };
    }, png.toString('base64'));
    if (theme === 'light') assert.ok(stats.dark < 0.25, `${what}: ${Math.round(stats.dark * 100)}% of a light page is dark`);
    else assert.ok(stats.dark > 0.75, `${what}: only ${Math.round(stats.dark * 100)}% of a dark page is dark`);
    assert.ok(stats.sd > 0.04, `${what}: the screenshot is nearly one colour (sd ${stats.sd.toFixed(3)})`);
    console.log(`     ${what}: ${Math.round(stats.dark * 100)}% dark pixels, luminance ${stats.mean.toFixed(2)} ± ${stats.sd.toFixed(2)}`);
    return stats;
  } finally {
    await probe.close();
  }
}
