// The record grid and a record's journey: one cell per record coloured by outcome;
// click, keyboard or "Go to record" opens the journey (send, batch, requests, appends,
// truncation, callback, copies).
import assert from 'node:assert/strict';
import { editorText, openPlayground, runNumber, waitForVerdict } from './helpers.mjs';

/** Clicks the cell of the record at `index` in the grid. */
async function clickCell(page, index) {
  const grid = page.getByTestId('record-grid');
  const { columns, pitch } = await grid.evaluate((c) => ({ columns: Number(c.dataset.columns), pitch: Number(c.dataset.pitch) }));
  await grid.scrollIntoViewIfNeeded();
  await grid.click({ position: { x: (index % columns) * pitch + pitch / 2 - 1, y: Math.floor(index / columns) * pitch + pitch / 2 - 1 } });
}

export const tests = [
  {
    name: 'faults by pointing on a link: drop the next message from the producer to the leader, and the run drops it',
    async run({ page, url }) {
      await openPlayground(page, url);
      await page.waitForFunction(() => document.querySelector('[data-testid="views-root"]')?.dataset.snapshotAt);
      // The start of the run (before the first send).
      await page.getByTestId('scrub-start').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="views-root"]')?.dataset.snapshotAt === '0');
      // A link needs a broker at one end: app -> app is not a link.
      await page.getByTestId('fault-link-from').selectOption('app');
      await page.getByTestId('fault-link-to').selectOption('app');
      assert.equal(await page.getByTestId('fault-link-drop-next').isDisabled(), true);
      await page.getByTestId('fault-link-to').selectOption('broker-1');
      const runs = await runNumber(page);
      await page.getByTestId('fault-link-drop-next').click();
      const line = 'at 0ms drop app -> broker-1 count=1';
      await page.waitForFunction((l) => document.querySelector('.kp-app').kplayApp.getText().includes(l), line);
      await waitForVerdict(page, { afterRun: runs });
      const dropped = await page.evaluate(() => document.querySelector('.kp-app').kplayApp.report.trace.filter((e) => e.type === 'message_dropped'));
      // The rule takes one message; others on the same connection may follow it ('stalled':
      // TCP cannot deliver past a lost segment).
      const byRule = dropped.filter((e) => e.cause === 'drop_rule');
      assert.equal(byRule.length, 1, `one message dropped by the rule: ${JSON.stringify(dropped)}`);
      assert.deepEqual([byRule[0].from, byRule[0].to], ['app', 'broker-1']);
      // And a cut, written the same way.
      const again = await runNumber(page);
      await page.waitForFunction(() => document.querySelector('[data-testid="views-root"]')?.dataset.snapshotAt);
      await page.getByTestId('fault-link-from').selectOption('broker-2');
      await page.getByTestId('fault-link-to').selectOption('broker-1');
      await page.getByTestId('fault-link-cut-10s').click();
      await waitForVerdict(page, { afterRun: again });
      assert.match(await editorText(page), /\nat \S+ cut broker-2 -> broker-1 for 10s\n/);
    },
  },
  {
    name: 'faults by pointing: the cluster view writes the fault line at the scrubbed moment into the text, and the run has it',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=acks-all-min-isr');
      await page.waitForFunction(() => document.querySelector('[data-testid="views-root"]')?.dataset.snapshotAt);
      const before = await editorText(page);
      // Scrub to the first stop at or after 1 s with the scrubber's own control.
      const at = await page.evaluate(() => {
        const range = document.querySelector('[data-testid="scrubber"]');
        range.value = '1';
        range.dispatchEvent(new Event('input', { bubbles: true }));
        return document.querySelector('[data-testid="views-root"]').dataset.now;
      });
      await page.waitForFunction((t) => document.querySelector('[data-testid="views-root"]')?.dataset.snapshotAt === t, at);
      const runs = await runNumber(page);
      await page.getByTestId('fault-broker').selectOption('broker-3');
      await page.getByTestId('fault-power-off').click();
      const t = Number(at);
      const atText = t % 1000 === 0 ? `${t / 1000}ms` : `${t}us`;
      const line = `at ${atText} crash broker-3 mode=power`;
      await page.waitForFunction((l) => document.querySelector('.kp-app').kplayApp.getText().includes(l), line);
      const after = await editorText(page);
      assert.equal(after.split('\n').length, before.split('\n').length + 1, 'one line added');
      const lines = after.split('\n');
      const i = lines.indexOf(line);
      assert.ok(i > 0, `the line is in the text: ${line}`);
      assert.ok(!lines.slice(i + 1).some((l) => /^\s*at\s/.test(l)), 'after the last timeline line');
      await waitForVerdict(page, { afterRun: runs });
      const crash = await page.evaluate(() => document.querySelector('.kp-app').kplayApp.report.trace.find((e) => e.type === 'crashed'));
      assert.deepEqual([crash?.broker, crash?.mode, crash?.at_us], ['broker-3', 'power', t], 'the new run powers broker-3 off at the scrubbed moment');
    },
  },
  {
    name: 'picking a record highlights its batch in the timeline and the cluster view at its append; a journey step moves the views there',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=acks1-leader-failover');
      await page.waitForFunction(() => document.querySelector('[data-testid="record-grid"]')?.dataset.count === '400');
      await page.waitForFunction(() => document.querySelector('[data-testid="view-timeline"] .kv-it'));
      await clickCell(page, 227);
      const root = page.getByTestId('views-root');
      await page.waitForFunction(() => document.querySelector('[data-testid="views-root"][data-focus="227"]'));
      // Scrubbed to the batch's append on broker-1, where the cluster view outlines the
      // batch holding record 227 (it is truncated later: lost).
      const at = await root.getAttribute('data-now');
      await page.waitForFunction((t) => document.querySelector('[data-testid="views-root"]')?.dataset.snapshotAt === t, at);
      const outlined = page.locator('[data-testid="replica"][data-broker="broker-1"] .kv-cell.kv-focus');
      assert.equal(await outlined.count(), 1, 'the batch with record 227 is outlined on the leader');
      assert.match(await outlined.getAttribute('data-records'), /(^| )227( |$)/);
      assert.ok(await page.locator('[data-testid="view-timeline"] .kv-it.kv-focus').count() > 0, 'its request and append are highlighted in the timeline');
      // A journey step's time moves the views to that moment.
      const steps = page.getByTestId('journey-steps').locator('li');
      const last = steps.last();
      const lastAt = await last.getAttribute('data-at');
      await last.locator('time button').click();
      await page.waitForFunction((a) => document.querySelector('[data-testid="views-root"]')?.dataset.now !== a, at);
      const now = Number(await root.getAttribute('data-now'));
      assert.ok(now <= Number(lastAt) && now !== Number(at), `views moved to the step (${now} for ${lastAt})`);
    },
  },
  {
    name: 'a lost record\'s journey shows the append, the crash, the election and the truncation',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=acks1-leader-failover');
      const grid = page.getByTestId('record-grid');
      await page.waitForFunction(() => document.querySelector('[data-testid="record-grid"]')?.dataset.count === '400');
      assert.match(await page.getByTestId('legend-lost').textContent(), /lost 3/);
      await clickCell(page, 227);
      assert.equal(await grid.getAttribute('data-selected'), '227');
      assert.match(await page.getByTestId('journey-title').textContent(), /Record 227\s*lost/);
      const steps = await page.getByTestId('journey-steps').textContent();
      assert.match(steps, /broker-1 appended the batch at offsets 227 \(leader epoch 0\); this record at 227/);
      assert.doesNotMatch(steps, /fetched it/, 'no follower had it');
      assert.match(steps, /callback: success, offset 227/);
      assert.match(steps, /broker-1 crashed \(mode=process\)/);
      assert.match(steps, /broker-2 elected leader of orders-0/);
      assert.match(steps, /broker-1 truncated offsets 227–229/);
      assert.match(await page.getByTestId('journey').textContent(), /copies in the final log\s*none/);
      await page.screenshot({ path: 'test-results/e2e/records-journey-lost.png', fullPage: true });
    },
  },
  {
    name: 'the grid works from the keyboard, from "Go to record" and from the explanations',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=retries-duplicate');
      const grid = page.getByTestId('record-grid');
      await grid.focus();
      await page.keyboard.press('ArrowRight');
      assert.equal(await grid.getAttribute('data-selected'), '0');
      await page.keyboard.press('ArrowRight');
      await page.keyboard.press('ArrowRight');
      assert.equal(await grid.getAttribute('data-selected'), '2');
      assert.match(await page.getByTestId('record-status').textContent(), /^record 2 · duplicated/);
      const steps = await page.getByTestId('journey-steps').textContent();
      assert.match(steps, /lost on the wire \(drop rule\)/);
      assert.match(steps, /retry after REQUEST_TIMED_OUT/);
      await page.keyboard.press('End');
      assert.equal(await grid.getAttribute('data-selected'), '19');
      await page.getByTestId('record-go').fill('7');
      await page.getByTestId('record-go').press('Enter');
      assert.equal(await grid.getAttribute('data-selected'), '7');
      await page.getByRole('button', { name: /journey of record 0/ }).click();
      assert.equal(await page.getByTestId('journey').getAttribute('data-record'), '0');
    },
  },
];
