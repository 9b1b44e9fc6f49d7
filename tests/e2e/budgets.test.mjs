// Every run ends, in the page too: a scenario over a budget is a located error before
// anything runs; a run that uses up a budget stops, the verdict says which budget with
// its numbers (report.notes), and the page keeps working. Seeds above 2^53 - 1 stay exact
// (they cross the wasm boundary as strings) in the verdict and the download's file name.
import assert from 'node:assert/strict';
import { openPlayground, runNumber, typeScenario, waitForVerdict } from './helpers.mjs';

const STOPPED = `brokers 10
topic t partitions=10 replication.factor=3
producer app
at 0ms app send t count=100
at 23h app flush
run until 24h
`;

export const tests = [
  {
    name: 'a scenario over the records budget is a located error (it used to crash the engine)',
    async run({ page, url }) {
      await openPlayground(page, url);
      const before = await runNumber(page);
      await typeScenario(page, 'producer app\ntopic t\nat 0ms app send t count=4000000000\n');
      await waitForVerdict(page, { afterRun: before });
      const item = page.locator('[data-testid="diagnostics"] li').first();
      assert.equal(await item.getAttribute('data-line'), '3');
      assert.equal(await item.getAttribute('data-column'), '19');
      assert.match(await item.textContent(), /4,000,000,000 records is over kplay's budget of 1,000,000 records per run \(hint: send at most 1,000,000 records/);
    },
  },
  {
    name: 'a run that uses up a budget says so in the verdict, and the page keeps working',
    async run({ page, url }) {
      await openPlayground(page, url);
      let before = await runNumber(page);
      await typeScenario(page, STOPPED);
      await waitForVerdict(page, { afterRun: before, timeout: 60_000 });
      const verdict = page.getByTestId('verdict');
      assert.equal(await verdict.getAttribute('data-ended-by'), 'budget');
      const notes = await page.locator('[data-testid="run-notes"] li').allTextContents();
      assert.equal(notes.length, 2, notes.join('\n'));
      assert.match(notes[0], /^The run stopped at [\d.]+s: it used up the kernel events budget \([\d,]+ kernel events used, the limit is 10,000,000 kernel events\)/);
      assert.match(notes[1], /^1 timeline line never ran: the run stopped at [\d.]+s \(the kernel events budget\) before it was due: line 5 \(at 23h app flush\)\.$/);
      assert.match(await page.locator('.kp-meta').textContent(), /\(budget\)/);
      assert.ok(Number(await page.getByTestId('verdict-delivered').getAttribute('data-value')) > 0, 'what happened before the stop');
      before = await runNumber(page);
      await typeScenario(page, STOPPED.replace('run until 24h\n', '').replace('at 23h app flush\n', ''));
      await waitForVerdict(page, { afterRun: before });
      assert.equal(await verdict.getAttribute('data-ended-by'), 'idle');
      assert.equal(await page.locator('[data-testid="run-notes"]').count(), 0);
    },
  },
  {
    name: 'a seed above 2^53 stays exact in the verdict and the report file name',
    async run({ page, url }) {
      await openPlayground(page, url);
      const before = await runNumber(page);
      await typeScenario(page, 'seed 18446744073709551615\nproducer app\ntopic t\nat 0ms app send t count=5\n');
      await waitForVerdict(page, { afterRun: before });
      assert.match(await page.locator('.kp-meta').textContent(), /seed 18446744073709551615 /);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-report').click()]);
      assert.match(download.suggestedFilename(), /^kplay-seed18446744073709551615-[0-9a-f]{16}-report\.json$/);
    },
  },
];
