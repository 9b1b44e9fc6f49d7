// The settings controls and the text are one state: a control edits the right line of
// the text (and the outcome changes), an edit of the text moves the controls.
import assert from 'node:assert/strict';
import { editorText, expectations, openPlayground, runNumber, typeScenario, verdictCounts, waitForVerdict } from './helpers.mjs';

export const tests = [
  {
    name: 'acks=1 -> acks=all in the failover preset rewrites line 9 and removes the loss',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=acks1-leader-failover');
      assert.equal((await verdictCounts(page)).lost, 3);
      assert.equal(await page.getByTestId('semantics').getAttribute('data-kind'), 'lost');
      assert.equal(await page.getByTestId('promise').getAttribute('data-level'), 'none');
      const control = page.getByTestId('control-acks');
      assert.equal(await control.inputValue(), '1');
      const before = await runNumber(page);
      await control.selectOption('all');
      await waitForVerdict(page, { afterRun: before });
      const lines = (await editorText(page)).split('\n');
      assert.equal(lines[8], 'producer app acks=all linger.ms=0');
      const counts = await verdictCounts(page);
      assert.equal(counts.lost, 0);
      assert.equal(counts.delivered, 400);
      assert.equal(await page.getByTestId('semantics').getAttribute('data-kind'), 'clean');
      // A clean run, but min.insync.replicas=1 still promises no durability.
      assert.equal(await page.getByTestId('promise').getAttribute('data-level'), 'at-most-once');
      // The preset's own expectation (lost=3) no longer holds: that is the lesson the
      // change was made to see, shown as the experiment's result (↺, "now lost=0"), not in
      // red; the preset card says "modified".
      const held = await expectations(page);
      assert.equal(held.find((e) => e.line === 14).held, false);
      const box = page.getByTestId('expectations');
      assert.equal(await box.getAttribute('data-all-held'), 'false');
      assert.equal(await box.getAttribute('data-failed'), '0');
      // lost=3, and the truncation on broker-1 that acks=all no longer causes.
      assert.equal(await box.getAttribute('data-lesson-changed'), '2');
      assert.equal(await box.locator('li[data-lesson="true"]:not([data-held="true"])').count(), 2);
      const line = box.locator('li[data-line="14"]');
      assert.equal(await line.getAttribute('data-lesson'), 'true');
      assert.equal(await line.getAttribute('class'), 'kp-lesson');
      assert.match(await line.textContent(), /↺expect acked=400 lost=3 duplicated=0 now lost=0/);
      assert.match(await page.getByTestId('lesson-note').textContent(), /lesson of “acks=1 loses data on leader failover”/);
      assert.equal(await box.locator('li.kp-bad').count(), 0, 'nothing shown as a failure');
      assert.match(await box.locator('h3').textContent(), /your change moved 2 outcomes the preset teaches/);
      await page.locator('.cm-line.cm-expect-lesson').first().waitFor();
      assert.equal(await page.locator('.cm-expect-failed').count(), 0, 'no red line in the editor');
      assert.match(await page.getByTestId('preset-info').textContent(), /modified/);
      await page.screenshot({ path: 'test-results/e2e/controls-acks-all.png', fullPage: true });
      // An expect line of the user's own that fails is a failure, in red.
      const again = await runNumber(page);
      await page.evaluate(() => {
        const app = document.querySelector('.kp-app').kplayApp;
        app.setText(`${app.getText().trimEnd()}\nexpect lost=3\n`);
      });
      await waitForVerdict(page, { afterRun: again });
      assert.equal(await box.getAttribute('data-failed'), '1');
      assert.equal(await box.locator('li.kp-bad').count(), 1);
      assert.match(await box.locator('h3').textContent(), /1 of 4 failed; 2 of the preset's no longer hold after your change/);
    },
  },
  {
    name: 'editing the text moves the controls; brokers-line settings are edited where they are',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=acks-all-min-isr');
      assert.equal(await page.getByTestId('control-min.insync.replicas').inputValue(), '2');
      let before = await runNumber(page);
      await page.getByTestId('control-min.insync.replicas').fill('3');
      await page.getByTestId('control-min.insync.replicas').press('Enter');
      await waitForVerdict(page, { afterRun: before });
      assert.match(await editorText(page), /^brokers 3 min\.insync\.replicas=3$/m);
      assert.doesNotMatch(await editorText(page), /^topic .*min\.insync/m);
      // Text -> controls.
      before = await runNumber(page);
      const text = (await editorText(page)).replace('linger.ms=0', 'linger.ms=7 compression.type=lz4');
      await typeScenario(page, text);
      await waitForVerdict(page, { afterRun: before });
      assert.equal(await page.getByTestId('control-linger.ms').inputValue(), '7');
      assert.equal(await page.getByTestId('control-compression.type').inputValue(), 'lz4');
      // "default" removes the property from the text.
      before = await runNumber(page);
      await page.getByTestId('control-compression.type').selectOption('');
      await waitForVerdict(page, { afterRun: before });
      assert.doesNotMatch(await editorText(page), /compression\.type/);
    },
  },
  {
    name: 'a network control adds a network line; new seed rewrites the seed line',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=batch-size');
      let before = await runNumber(page);
      await page.getByTestId('control-latency').fill('5ms');
      await page.getByTestId('control-latency').press('Enter');
      await waitForVerdict(page, { afterRun: before });
      assert.match(await editorText(page), /^producer app .*\nnetwork latency=5ms\nat 10ms/m);
      before = await runNumber(page);
      await page.getByTestId('new-seed').click();
      await waitForVerdict(page, { afterRun: before });
      const seed = /^seed (\d+)$/m.exec(await editorText(page))[1];
      assert.match(await page.locator('.kp-meta').textContent(), new RegExp(`seed ${seed}\\b`));
    },
  },
];
