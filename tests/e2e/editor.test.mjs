// The editor: located errors are underlined on the right line with message and hint,
// expect lines are marked, the text is highlighted, and completion offers Kafka's
// property names.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { encodeScenario } from '../../www/src/core/share.js';
import { editorText, openPlayground, PRESET_INDEX, runNumber, typeScenario, verdictCounts, waitForVerdict } from './helpers.mjs';

const BAD = `seed 1
brokers 1
topic orders
producer app acks=1 linger.ms=5
producer audit enable.idempotence=true acks=1
at 0ms app send orders count=5
`;

// A consumer group scenario (fewer records: every keystroke below runs it again).
const GROUPS = readFileSync(new URL('../scenarios/consumer_crash_rebalance_reprocesses.kplay', import.meta.url), 'utf8').replace('count=600', 'count=20');

/** Types `text` on a new last line, asks for completion (Ctrl+Space) and returns the labels offered. */
async function completionsAfter(page, text) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+End');
  await page.keyboard.type(`\n${text}`);
  await page.keyboard.press('Control+Space');
  const list = page.locator('.cm-tooltip-autocomplete');
  await list.waitFor();
  await page.waitForTimeout(150); // CodeMirror ignores Enter right after the list opens (interactionDelay)
  return list.locator('.cm-completionLabel').allTextContents();
}

export const tests = [
  {
    name: 'an error is underlined on its line with message and hint; fixing it runs again',
    async run({ page, url }) {
      await openPlayground(page, url);
      let before = await runNumber(page);
      await typeScenario(page, BAD);
      await waitForVerdict(page, { afterRun: before });
      assert.equal(await page.getByTestId('verdict').getAttribute('data-state'), 'invalid');
      // The lint decoration sits in the 5th line of the editor, under acks=1 (column 38, where Kafka's rule breaks).
      const mark = page.locator('.cm-lintRange-error').first();
      await mark.waitFor();
      const lineIndex = await mark.evaluate((el) => [...el.closest('.cm-content').querySelectorAll('.cm-line')].indexOf(el.closest('.cm-line')));
      assert.equal(lineIndex, 4);
      assert.equal(await mark.textContent(), 'acks=1');
      assert.equal(await page.locator('.cm-lint-marker-error').count(), 1, 'one gutter marker');
      const item = page.locator('[data-testid="diagnostics"] li').first();
      assert.equal(await item.getAttribute('data-line'), '5');
      assert.match(await item.textContent(), /Must set acks to all in order to use the idempotent producer/);
      assert.match(await item.textContent(), /hint: set acks=all, or set enable\.idempotence=false/);
      // Hovering the underline shows the same message and hint.
      await mark.hover();
      const tip = page.locator('.cm-tooltip-lint');
      await tip.waitFor();
      assert.match(await tip.textContent(), /Must set acks to all.*hint: set acks=all/s);
      await page.screenshot({ path: 'test-results/e2e/editor-error.png' });
      before = await runNumber(page);
      await typeScenario(page, BAD.replace('enable.idempotence=true acks=1', 'acks=1'));
      await waitForVerdict(page, { afterRun: before });
      assert.equal(await page.getByTestId('verdict').getAttribute('data-state'), 'done');
      assert.equal(await page.locator('.cm-lintRange-error').count(), 0);
    },
  },
  {
    name: 'a typo keeps the last good run on screen, marked stale, until the text is valid again',
    async run({ page, url }) {
      await openPlayground(page, url);
      const hash = await page.getByTestId('trace-hash').textContent();
      const counts = await verdictCounts(page);
      const box = await page.getByTestId('verdict').boundingBox();
      const card = await page.getByTestId('verdict-delivered').boundingBox();
      let before = await runNumber(page);
      const text = await editorText(page);
      await typeScenario(page, text.replace(/^producer (\S+)/m, 'producer $1 lnger.ms=5'));
      await waitForVerdict(page, { afterRun: before });
      const verdict = page.getByTestId('verdict');
      assert.equal(await verdict.getAttribute('data-state'), 'invalid');
      assert.equal(await verdict.getAttribute('data-stale'), 'true');
      assert.match(await page.getByTestId('stale-note').textContent(), /not run: the scenario has 1 error .* the last run, from the last valid text/);
      // The last run's verdict, grid and views stay (no wipe, no jump of the layout).
      assert.equal(await page.getByTestId('trace-hash').textContent(), hash);
      assert.deepEqual(await verdictCounts(page), counts);
      assert.equal(await page.locator('.kp-records-pane').isHidden(), false);
      const after = await verdict.boundingBox();
      assert.ok(Math.abs(after.y - box.y) < 1 && Math.abs(after.height - box.height) < 1, `${JSON.stringify(box)} -> ${JSON.stringify(after)}`);
      // The note lies over the verdict: its cards did not move.
      assert.deepEqual(await page.getByTestId('verdict-delivered').boundingBox(), card, 'the counts stayed where they were');
      assert.equal(await page.locator('[data-testid="diagnostics"] li').count(), 1);
      before = await runNumber(page);
      await typeScenario(page, text);
      await waitForVerdict(page, { afterRun: before });
      assert.equal(await verdict.getAttribute('data-stale'), null);
      assert.equal(await page.getByTestId('stale-note').count(), 0);
      assert.equal(await page.getByTestId('trace-hash').textContent(), hash);
      // Another scenario that is invalid (a preset teaching an error) keeps nothing stale:
      // the last run was of a different text.
      const broken = PRESET_INDEX.presets.find((p) => p.error).name;
      before = await runNumber(page);
      await page.getByTestId('preset-select').selectOption(broken);
      await waitForVerdict(page, { afterRun: before });
      assert.equal(await verdict.getAttribute('data-state'), 'invalid');
      assert.equal(await verdict.getAttribute('data-stale'), null);
      assert.equal(await page.getByTestId('trace-hash').count(), 0);
      assert.equal(await page.locator('.kp-records-pane').isHidden(), true);
    },
  },
  {
    name: 'after an edit each count that moved says what it was; a new scenario starts afresh',
    async run({ page, url }) {
      await openPlayground(page, url, `#preset=${PRESET_INDEX.default}`);
      const lost = (await verdictCounts(page)).lost;
      assert.ok(lost > 0, 'the default preset loses records');
      let before = await runNumber(page);
      await page.getByTestId('control-acks').selectOption('all');
      await waitForVerdict(page, { afterRun: before });
      const card = page.getByTestId('verdict-lost');
      assert.equal(await card.getAttribute('data-value'), '0');
      assert.equal(await card.getAttribute('data-was'), String(lost));
      assert.equal(await card.getByTestId('was').textContent(), `was ${lost}`);
      assert.equal(await page.getByTestId('verdict-pending').getAttribute('data-was'), null, 'unchanged counts say nothing');
      before = await runNumber(page);
      await page.getByTestId('preset-select').selectOption('sync-send');
      await waitForVerdict(page, { afterRun: before });
      assert.equal(await page.locator('[data-testid="verdict"] [data-testid="was"]').count(), 0);
    },
  },
  {
    name: 'expect lines are marked held or failed in the editor; keywords are highlighted',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=sync-send');
      // (The editor mounts once the first verdict is painted.)
      await page.locator('.cm-expect-held').nth(1).waitFor();
      assert.equal(await page.locator('.cm-expect-held').count(), 2);
      let before = await runNumber(page);
      await page.getByTestId('control-linger.ms').fill('0');
      await page.getByTestId('control-linger.ms').press('Enter');
      await waitForVerdict(page, { afterRun: before });
      // Held, failed, or (the preset's own lines, moved by the edit) the preset's lesson.
      const marks = await page.locator('.cm-expect-failed, .cm-expect-held, .cm-expect-lesson').count();
      assert.equal(marks, 2);
      const styled = await page.locator('.cm-line', { hasText: /^seed 1$/ }).evaluate((line) => [...line.querySelectorAll('span')].map((s) => [s.textContent, getComputedStyle(s).color]));
      const color = Object.fromEntries(styled);
      assert.ok(color.seed && color.seed !== color['1'], 'seed keyword and its number have their own colours');
    },
  },
  {
    name: 'completion offers producer properties with their defaults',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=linger-batching');
      const line = page.locator('.cm-line', { hasText: /^producer app/ });
      await line.click();
      await page.keyboard.press('End');
      await page.keyboard.type(' deliv');
      const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'delivery.timeout.ms' });
      await option.waitFor();
      await page.waitForTimeout(150); // CodeMirror ignores Enter right after the list opens (interactionDelay)
      assert.match(await page.locator('.cm-tooltip-autocomplete').textContent(), /default 120000/);
      await page.keyboard.press('Enter');
      await page.keyboard.type('9000');
      const text = await page.evaluate(() => document.querySelector('.kp-app').kplayApp.getText());
      assert.match(text, /^producer app acks=1 linger\.ms=50 batch\.size=16384 delivery\.timeout\.ms=9000$/m);
    },
  },
  {
    name: 'completion knows consumers: their actions and poll options, crash and link targets, group APIs and summary names',
    async run({ page, url }) {
      await openPlayground(page, url, `#s=${await encodeScenario(GROUPS)}`);
      await page.locator('.cm-content').click();
      const has = (labels, want) => assert.deepEqual(want.filter((w) => !labels.includes(w)), [], `missing from ${labels.join(' ')}`);
      has(await completionsAfter(page, 'at 20s c2 '), ['subscribe', 'poll', 'commit', 'pause', 'close']);
      // A poll loop's options, picked from the list.
      await page.keyboard.type('po');
      await page.keyboard.press('Enter');
      await page.keyboard.type(' ');
      await page.keyboard.press('Control+Space');
      await page.locator('.cm-tooltip-autocomplete').waitFor();
      has(await page.locator('.cm-tooltip-autocomplete .cm-completionLabel').allTextContents(), ['every', 'process', 'until']);
      await page.keyboard.type('ev');
      await page.waitForTimeout(150);
      await page.keyboard.press('Enter');
      await page.keyboard.type('200ms');
      assert.match(await editorText(page), /^at 20s c2 poll every=200ms$/m);
      has(await completionsAfter(page, 'at 21s c1 commit '), ['sync', 'async']);
      has(await completionsAfter(page, 'at 22s crash '), ['broker-1', 'leader', 'c1', 'c2']);
      has(await completionsAfter(page, 'at 22s restart '), ['broker-1', 'c1', 'c2']);
      has(await completionsAfter(page, 'at 23s drop c1 -> '), ['broker-1', 'app', 'c2']);
      has(await completionsAfter(page, 'at 23s drop c1 -> broker-1 api='), ['JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'OffsetCommit', 'OffsetFetch', 'ListOffsets']);
      has(await completionsAfter(page, 'expect '), ['reprocessed', 'skipped', 'groups.billing.rebalances', 'groups.billing.generation', 'groups.billing.lag',
        'groups.billing.reprocessed', 'groups.billing.skipped', 'groups.billing.processed', 'groups.billing.members', 'consumers.c1.processed']);
      has(await completionsAfter(page, 'expect trace '), ['consumer_crashed', 'rebalance_started', 'partitions_revoked', 'offsets_committed']);
    },
  },
];
