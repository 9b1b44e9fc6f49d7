// Long runs: they happen in the Web Worker, show a progress bar, can be cancelled, and
// an edit cancels the run in progress; the page keeps drawing frames meanwhile.
import assert from 'node:assert/strict';
import { openPlayground, runNumber, typeScenario, verdictCounts, waitForVerdict } from './helpers.mjs';

const LONG = (count, mode = '') => `seed 1
brokers 3
topic big partitions=3 replication.factor=3
producer app acks=all linger.ms=5
at 0ms app send big count=${count} every=1us size=100B${mode}
`;
// Sync sends make a run long by its events, not its size: one request round trip per
// record, so a million of them take tens of seconds however fast the simulator gets,
// and a cancelled run has only built a small part of its state.
const VERY_LONG = LONG(1_000_000, ' sync');

/** The whole text of a readable stream (a download). */
async function streamText(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** The longest gap between animation frames over `ms` (the main thread's responsiveness). */
function longestFrameGap(page, ms) {
  return page.evaluate(
    (ms) =>
      new Promise((resolve) => {
        let last = performance.now();
        let worst = 0;
        const end = last + ms;
        const tick = (now) => {
          worst = Math.max(worst, now - last);
          last = now;
          if (now < end) requestAnimationFrame(tick);
          else resolve(worst);
        };
        requestAnimationFrame(tick);
      }),
    ms,
  );
}

export const tests = [
  {
    name: 'Cancel shows for a run whose progress stays at 0%',
    async run({ page, url }) {
      await openPlayground(page, url);
      // The timeline ends at 20 h, so the 75 s of sends are under 0.1% of it: progress reads 0
      // for the whole burst, and every update says so.
      await typeScenario(page, 'brokers 1\ntopic t partitions=1\nproducer app acks=1 linger.ms=0\nat 0ms app send t count=150000 every=500us\nat 20h app flush\n');
      const cancel = page.getByTestId('cancel');
      await cancel.waitFor({ state: 'visible', timeout: 3_000 });
      assert.equal(await page.getByTestId('progress').getAttribute('value'), '0');
      assert.equal(await page.getByTestId('status').textContent(), 'running…');
      await cancel.click();
      assert.equal(await page.getByTestId('status').textContent(), 'cancelled');
    },
  },
  {
    name: 'a long run shows progress, keeps the page responsive, and can be cancelled',
    async run({ page, url }) {
      await openPlayground(page, url);
      await typeScenario(page, VERY_LONG);
      const bar = page.getByTestId('progress');
      await bar.waitFor({ state: 'visible', timeout: 5_000 });
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="progress"]').value) > 0, null, { timeout: 10_000 });
      assert.match(await page.getByTestId('status').textContent(), /^running… \d+%$/);
      const gap = await longestFrameGap(page, 600);
      assert.ok(gap < 250, `the page froze for ${Math.round(gap)} ms during the run`);
      await page.screenshot({ path: 'test-results/e2e/responsive-progress.png' });
      await page.getByTestId('cancel').click();
      assert.equal(await page.getByTestId('status').textContent(), 'cancelled');
      assert.equal(await page.getByTestId('cancel').isDisabled(), true);
      assert.equal(await bar.isVisible(), false);
      // The engine still works after a cancel (a fresh worker).
      const before = await runNumber(page);
      await typeScenario(page, LONG(1000));
      await waitForVerdict(page, { afterRun: before });
      assert.equal((await verdictCounts(page)).delivered, 1000);
    },
  },
  {
    name: 'a run of more than 50,000 records is paged from the worker: the grid, a journey and the charts have it all, and no frame waits',
    async run({ page, url }) {
      await openPlayground(page, url);
      const before = await runNumber(page);
      await typeScenario(page, LONG(120_000));
      await waitForVerdict(page, { afterRun: before, timeout: 25_000 });
      // The verdict comes first; the records follow a page at a time, then the charts.
      const frames = longestFrameGap(page, 2500);
      frames.catch(() => {}); // awaited below; a failure before that must not leave it unhandled
      assert.equal((await verdictCounts(page)).delivered, 120_000);
      await page.waitForFunction(() => document.querySelector('[data-testid="record-grid"]')?.dataset.count === '120000', null, { timeout: 20_000 });
      assert.match(await page.getByTestId('lean-note').textContent(), /This run is large \(120,000 records, [\d,]+ trace events;.*the grid, journeys and charts have every record; the trace stays in the engine's worker/);
      await page.getByTestId('chart-throughput').waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal(await page.getByTestId('views-root').getAttribute('data-paged'), 'true');
      // The timeline shows a window of the trace (which stayed in the worker) around the
      // scrubbed time: at first the run's end.
      assert.equal(await page.getByTestId('view-timeline').isVisible(), true);
      await page.waitForFunction(() => document.querySelector('[data-testid="views-root"]')?.dataset.timelineWindow);
      const windowOf = () => page.getByTestId('views-root').evaluate((r) => r.dataset.timelineWindow.split('+').map(Number));
      const [endFrom, endCount] = await windowOf();
      const note = await page.getByTestId('timeline-window').textContent();
      const total = Number(/ of ([\d,]+),/.exec(note)?.[1].replaceAll(',', ''));
      assert.ok(total > 6000 && endCount === 6000 && endFrom + endCount === total, `the window ends with the trace: ${endFrom}+${endCount} of ${total} (${note})`);
      assert.ok((await page.locator('[data-testid="timeline-svg"] .kv-arrow, [data-testid="timeline-svg"] .kv-mark').count()) > 10, 'the window is drawn');
      // The scrubber and the cluster view work from the worker's model and replays: the end
      // state first, then the state halfway through the run.
      await page.waitForFunction(() => document.querySelector('[data-testid="views-root"]')?.dataset.snapshotAt);
      assert.equal(await page.getByTestId('view-cluster').isVisible(), true);
      const leaderLeos = () => page.locator('[data-testid="replica"][data-role="leader"]').evaluateAll((rs) => rs.map((r) => Number(r.dataset.leo)));
      const atEnd = await leaderLeos();
      assert.equal(atEnd.reduce((a, b) => a + b, 0), 120_000, `the three partitions' leaders hold every record at the end: ${atEnd}`);
      const mid = await page.evaluate(() => {
        const range = document.querySelector('[data-testid="scrubber"]');
        range.value = String(Math.floor(Number(range.max) / 2));
        range.dispatchEvent(new Event('input', { bubbles: true }));
        return document.querySelector('[data-testid="views-root"]').dataset.now;
      });
      await page.waitForFunction((t) => document.querySelector('[data-testid="views-root"]')?.dataset.snapshotAt === t, mid, { timeout: 20_000 });
      const halfway = (await leaderLeos()).reduce((a, b) => a + b, 0);
      assert.ok(halfway > 0 && halfway < 120_000, `halfway the leaders hold ${halfway} records`);
      // Scrubbed to the start, before the window shown: the timeline's window follows.
      await page.evaluate(() => {
        const range = document.querySelector('[data-testid="scrubber"]');
        range.value = '0';
        range.dispatchEvent(new Event('input', { bubbles: true }));
      });
      await page.waitForFunction(() => document.querySelector('[data-testid="views-root"]')?.dataset.timelineWindow?.startsWith('0+'), null, { timeout: 20_000 });
      assert.deepEqual(await windowOf(), [0, 6000]);
      assert.match(await page.getByTestId('timeline-window').textContent(), new RegExp(`^Events 1–6,000 of ${total.toLocaleString('en-US')},`));
      const gap = await frames;
      assert.ok(gap < 250, `the page froze for ${Math.round(gap)} ms while the records came over`);
      // The last record's journey is read from the trace in the worker: sent, appended, acked.
      await page.getByTestId('record-go').fill('119999');
      await page.getByTestId('record-go').press('Enter');
      await page.getByTestId('journey-title').filter({ hasText: 'Record 119999' }).waitFor({ timeout: 20_000 });
      const steps = await page.locator('[data-testid="journey-steps"] li').evaluateAll((li) => li.map((l) => `${l.dataset.kind}: ${l.textContent}`));
      for (const step of [/^send: /, /^broker: .*appended the batch/, /^ok: .*batch acknowledged/]) assert.ok(steps.some((s) => step.test(s)), `the journey has a step ${step}: ${steps.join(' | ')}`);
      // The grid scrolls to it and draws the rows in view only.
      const grid = await page.getByTestId('record-grid').evaluate((c) => ({ selected: c.dataset.selected, height: c.getBoundingClientRect().height }));
      assert.equal(grid.selected, '119999');
      assert.ok(grid.height <= 400, `the canvas is as tall as the grid's view (${grid.height}px), not as the grid`);
      // The trace downloads from the worker.
      assert.equal(await page.getByTestId('download-trace').isDisabled(), false);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-trace').click()]);
      const trace = JSON.parse(await streamText(await download.createReadStream()));
      assert.ok(trace.length > 120_000 / 100 && trace.some((e) => e.type === 'batch_acked'), `the downloaded trace has the run's events (${trace.length})`);
      // Six-digit figures fit their cards (no overflow), in the page's narrowest layout too.
      for (const width of [1100, 390]) {
        await page.setViewportSize({ width, height: 800 });
        const overflow = await page.locator('[data-testid^="verdict-"] dd').evaluateAll((dds) => dds.filter((d) => d.scrollWidth > d.clientWidth + 1).map((d) => d.textContent));
        assert.deepEqual(overflow, [], `figures overflowing their cards at ${width}px`);
      }
    },
  },
  {
    name: "Cancel stays reachable while a paged run's records are copied, and stops the copying, not the verdict",
    async run({ page, url }) {
      await openPlayground(page, url);
      const before = await runNumber(page);
      await typeScenario(page, LONG(300_000));
      await waitForVerdict(page, { afterRun: before, timeout: 30_000 });
      // The verdict is shown and the records are on their way: Cancel is there.
      assert.equal(await page.locator('.kp-runbar').getAttribute('data-transfer'), 'true');
      const cancel = page.getByTestId('cancel');
      assert.equal(await cancel.isVisible(), true);
      assert.equal(await cancel.isDisabled(), false);
      const gridCount = () => page.evaluate(() => Number(document.querySelector('[data-testid="record-grid"]')?.dataset.count ?? 0));
      assert.notEqual(await gridCount(), 300_000, 'the grid is still waiting for its records');
      await cancel.click();
      assert.equal(await page.getByTestId('status').textContent(), 'copying cancelled');
      assert.equal(await cancel.isDisabled(), true);
      assert.equal(await cancel.isVisible(), false);
      assert.match(await page.getByTestId('lean-note').textContent(), /^Copying cancelled: the verdict above is the whole run's, but its 300,000 records stayed/);
      // The verdict stays: the whole run's counts.
      assert.equal(await page.getByTestId('verdict').getAttribute('data-state'), 'done');
      assert.equal((await verdictCounts(page)).delivered, 300_000);
      // Nothing arrives after the cancel (the 300,000 records took about 3 s to copy).
      await page.waitForTimeout(3500);
      assert.notEqual(await gridCount(), 300_000, 'the records never reach the grid after the cancel');
      assert.equal(await page.locator('.kp-records-pane').isVisible(), false);
      assert.equal(await page.getByTestId('status').textContent(), 'copying cancelled');
      // The engine still works (a fresh worker).
      const again = await runNumber(page);
      await typeScenario(page, LONG(1000));
      await waitForVerdict(page, { afterRun: again });
      assert.equal((await verdictCounts(page)).delivered, 1000);
      assert.equal(await page.getByTestId('lean-note').isVisible(), false);
    },
  },
  {
    name: 'a long trace from few records is paged too: the page keeps drawing frames when the run ends',
    async run({ page, url }) {
      await openPlayground(page, url);
      const before = await runNumber(page);
      // min.insync.replicas=3 with a broker down: every batch is refused with
      // NOT_ENOUGH_REPLICAS and retried every millisecond for two minutes.
      await typeScenario(page, `seed 1
brokers 3
topic t partitions=1 replication.factor=3 min.insync.replicas=3
producer app acks=all retry.backoff.ms=1 retry.backoff.max.ms=1 delivery.timeout.ms=120000
at 0ms crash broker-3
at 10ms app send t count=1445 every=1ms
`);
      const frames = longestFrameGap(page, 9000);
      frames.catch(() => {}); // awaited below; a failure before that must not leave it unhandled
      await waitForVerdict(page, { afterRun: before, timeout: 25_000 });
      await page.waitForFunction(() => document.querySelector('[data-testid="record-grid"]')?.dataset.count === '1445', null, { timeout: 20_000 });
      const note = await page.getByTestId('lean-note').textContent();
      const events = Number(/1,445 records, ([\d,]+) trace events/.exec(note)?.[1].replaceAll(',', ''));
      assert.ok(events > 100_000, `a trace of ${events} events is paged: ${note}`);
      assert.equal(await page.getByTestId('views-root').getAttribute('data-paged'), 'true');
      // The failures are the run's: every record failed with NOT_ENOUGH_REPLICAS after its retries.
      assert.equal((await verdictCounts(page)).failed, 1445);
      const gap = await frames;
      assert.ok(gap < 250, `the page froze for ${Math.round(gap)} ms`);
    },
  },
  {
    name: 'compare mode works on paged runs: both verdicts, the first divergence read in the worker, both views side by side',
    async run({ page, url }) {
      await page.setViewportSize({ width: 1500, height: 1000 });
      await openPlayground(page, url);
      const before = await runNumber(page);
      await typeScenario(page, LONG(55_000));
      await waitForVerdict(page, { afterRun: before, timeout: 25_000 });
      await page.waitForFunction(() => document.querySelector('[data-testid="views-root"]')?.dataset.paged === 'true', null, { timeout: 20_000 });
      assert.doesNotMatch(await page.getByTestId('lean-note').textContent(), /compare mode is off/);
      const compare = page.getByTestId('view-compare');
      await compare.getByTestId('compare-setting').selectOption({ label: 'acks = all' });
      await compare.getByTestId('compare-value').fill('1');
      await compare.getByTestId('compare-run').click();
      await compare.getByTestId('compare-verdict-b').waitFor({ timeout: 40_000 });
      assert.match(await compare.getByTestId('compare-verdict-a').textContent(), /A acks=all/);
      assert.match(await compare.getByTestId('compare-verdict-b').textContent(), /B acks=1/);
      // The summary has both runs' counts: every record delivered either way.
      const delivered = await compare.locator('[data-testid="compare-summary"] tr').filter({ hasText: /^delivered/ }).locator('td').allTextContents();
      assert.deepEqual(delivered, ['55,000', '55,000']);
      // acks=1 answers before the followers fetch: the runs part at the first produce answer,
      // found in the worker from the two traces the page never had.
      const div = compare.getByTestId('first-divergence');
      await page.waitForFunction(() => document.querySelector('[data-testid="first-divergence"]')?.dataset.index, null, { timeout: 40_000 });
      assert.match(await div.textContent(), /^First divergence at [\d.]+ (µs|ms|s) \(trace event [\d,]+\)/);
      assert.ok(Number(await div.getAttribute('data-index')) > 0);
      // Side by side: each side pages its own run (A's and B's traces both held in the worker).
      await compare.getByTestId('compare-views-show').click();
      for (const side of ['compare-view-a', 'compare-view-b']) {
        const root = page.locator(`[data-testid="${side}"] .kv-compare-view-body`);
        await page.locator(`[data-testid="${side}"] [data-testid="chart-throughput"]`).waitFor({ timeout: 20_000 });
        assert.equal(await root.getAttribute('data-paged'), 'true', `${side} shows a paged run`);
        await page.waitForFunction((s) => document.querySelector(`[data-testid="${s}"] .kv-compare-view-body`)?.dataset.timelineWindow, side, { timeout: 20_000 });
      }
    },
  },
  {
    name: 'an edit during a long run cancels it and runs the new text',
    async run({ page, url }) {
      await openPlayground(page, url);
      const before = await runNumber(page);
      await typeScenario(page, VERY_LONG);
      await page.waitForFunction(() => document.querySelector('.kp-runbar')?.dataset.phase === 'running', null, { timeout: 5_000 });
      await page.waitForTimeout(300);
      await typeScenario(page, LONG(500));
      await waitForVerdict(page, { afterRun: before });
      assert.equal((await verdictCounts(page)).delivered, 500);
      assert.match(await page.getByTestId('status').textContent(), /^ran in \d+ ms$/);
    },
  },
];
