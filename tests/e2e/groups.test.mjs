// Consumer groups in the playground: a consumer crash that makes its group reprocess
// records, compared with the native CLI's report of the same text (`kplay run --json`):
// the reprocessed and skipped cards, the group panel (every rebalance, the final
// assignment, committed offset and lag per partition, each consumer's processed count),
// the records grid's reprocessed cells, and the consumer lanes of the timeline with the
// crash on c1's lane. A run without groups shows none of it. On the views' own test
// page: cooperative rebalances, and a rebalance row that scrubs to its start.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeScenario } from '../../www/src/core/share.js';
import { openPlayground, verdictCounts } from './helpers.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FILE = 'tests/scenarios/consumer_crash_rebalance_reprocesses.kplay';
const TEXT = readFileSync(new URL(`../../${FILE}`, import.meta.url), 'utf8');

/** The native report of FILE: `cargo run --bin kplay -- run FILE --json --trace` (built by cargo
 * if needed, before any test starts, so the build does not count against a test's time). */
function nativeReport() {
  const args = ['run', '--quiet', '--bin', 'kplay', '--', 'run', FILE, '--json', '--trace'];
  let out;
  try {
    out = execFileSync('cargo', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    // kplay exits 1 when an expect line fails; the report is on stdout all the same.
    if (!err.stdout) throw err;
    out = err.stdout;
  }
  return JSON.parse(out);
}
const NATIVE = nativeReport();

/** Moves the playground's scrubber to the last stop at or before tUs (as a user dragging it). */
async function scrubTo(page, tUs) {
  return page.evaluate((t) => {
    const report = document.querySelector('.kp-app').kplayApp.report;
    const stops = [...new Set([0, ...report.trace.map((e) => e.at_us), report.end_time_us])].sort((a, b) => a - b);
    let i = 0;
    while (i + 1 < stops.length && stops[i + 1] <= t) i++;
    const range = document.querySelector('[data-testid="scrubber"]');
    range.value = String(i);
    range.dispatchEvent(new Event('input', { bubbles: true }));
    return stops[i];
  }, tUs);
}

export const tests = [
  {
    name: 'a consumer crash: the reprocessed card, the group panel and the timeline agree with the native report',
    async run({ page, url }) {
      const g = NATIVE.groups.billing;
      assert.ok(NATIVE.summary.reprocessed > 0 && g.rebalances.length === 2, 'the fixture reprocesses records after two rebalances');
      await openPlayground(page, url, `#s=${await encodeScenario(TEXT)}`);
      // The same run as the CLI's, and the consumer-side verdicts as the CLI counts them.
      assert.equal(await page.getByTestId('trace-hash').textContent(), NATIVE.trace_hash);
      const counts = await verdictCounts(page);
      assert.equal(counts.reprocessed, NATIVE.summary.reprocessed);
      assert.equal(counts.skipped, NATIVE.summary.skipped, 'shown, with 0, because the run has a group');
      assert.equal(await page.getByTestId('semantics').getAttribute('data-kind'), 'reprocessed');
      assert.match(await page.getByTestId('semantics').textContent(), new RegExp(`${NATIVE.summary.reprocessed} records processed more than once \\(reprocessed\\)`));
      assert.match(await page.getByTestId('verdict-reprocessed').getAttribute('title'), /processed more than once/);
      assert.equal(await page.locator('[data-testid="explanations"] li[data-kind="reprocessed"]').count(), NATIVE.explanations.filter((x) => x.kind === 'reprocessed').length);

      // The group panel: state, every rebalance, the assignment, the lag table, the consumers.
      const panel = page.getByTestId('group-panel');
      await panel.waitFor();
      const group = panel.locator('[data-testid="group"][data-group="billing"]');
      assert.equal(await group.getAttribute('data-state'), g.state);
      assert.equal(await group.getAttribute('data-generation'), String(g.generation));
      const rows = panel.getByTestId('group-rebalance');
      assert.deepEqual(
        await rows.evaluateAll((rs) => rs.map((r) => [Number(r.dataset.generation), r.dataset.kind, Number(r.dataset.start)])),
        g.rebalances.map((r) => [r.generation, r.kind, r.started_us]),
      );
      assert.match(await rows.nth(1).textContent(), /session timeout/);
      assert.match(await panel.getByTestId('group-assignment').textContent(), new RegExp(`c2 → ${g.assignment.c2.join(', ')}`));
      const lag = panel.getByTestId('group-lag');
      assert.equal(await lag.getAttribute('data-lag'), String(g.lag));
      assert.deepEqual(
        await lag.locator('tbody tr').evaluateAll((rs) => rs.map((r) => [r.dataset.tp, r.dataset.committed, Number(r.dataset.lag)])),
        g.offsets.map((o) => [o.tp, String(o.committed ?? ''), o.lag]),
      );
      for (const [name, c] of Object.entries(NATIVE.consumers)) {
        assert.equal(await panel.locator(`[data-testid="group-consumers"] tr[data-consumer="${name}"]`).getAttribute('data-processed'), String(c.processed), name);
      }

      // The records grid colours the reprocessed records.
      assert.equal(await page.getByTestId('legend-reprocessed').textContent(), `reprocessed ${NATIVE.summary.reprocessed}`);

      // The timeline: consumer lanes after the brokers, and c1's crash on its lane.
      const lanes = await page.locator('[data-testid="lane"]').evaluateAll((ls) => ls.map((l) => l.dataset.name));
      assert.deepEqual(lanes, ['app', 'broker-1', 'broker-2', 'broker-3', 'c1', 'c2'], 'producers, brokers, consumers');
      assert.deepEqual([...lanes].sort(), NATIVE.nodes.filter((n) => n !== 'controller').sort(), "the report's nodes");
      const crash = NATIVE.trace.find((e) => e.type === 'consumer_crashed');
      const t = await scrubTo(page, crash.at_us);
      assert.equal(t, crash.at_us);
      const mark = page.locator('[data-testid="view-timeline"] .kv-mark.kv-c-crash', { hasText: /c1's process died/ });
      await mark.first().waitFor();
      assert.match(await mark.first().locator('text').textContent(), /c1 crashed/);
      assert.equal(await page.locator('[data-testid="lane"][data-name="c1"]').getAttribute('data-state'), 'down');
      // Scrubbed between the two rebalances: the second is still to come.
      assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.when)), ['past', 'future']);
      await page.getByTestId('views-root').screenshot({ path: 'test-results/e2e/groups-consumer-crash.png' });
    },
  },
  {
    name: 'a run without consumer groups shows no consumer cards and no group panel',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=acks1-leader-failover');
      await page.waitForFunction(() => document.querySelector('[data-testid="view-timeline"] .kv-it'));
      const counts = await verdictCounts(page);
      assert.equal(counts.reprocessed, undefined);
      assert.equal(counts.skipped, undefined);
      assert.equal(await page.locator('[data-testid="group-panel"]:visible').count(), 0);
    },
  },
  {
    name: 'cooperative rebalances in the group panel; a rebalance scrubs the views to its start',
    async run({ page, url }) {
      await page.goto(new URL('views-test.html?scenario=cooperative_rebalance_moves_only_what_changes_owner&panels=timeline,cluster', url).href);
      await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 25_000 });
      const report = await page.evaluate(() => window.kplayViewsTest.report);
      const rows = page.getByTestId('group-rebalance');
      await rows.first().waitFor();
      assert.equal(await rows.count(), report.groups.billing.rebalances.length);
      assert.deepEqual(await rows.evaluateAll((rs) => [...new Set(rs.map((r) => r.dataset.kind))]), ['cooperative']);
      const last = report.groups.billing.rebalances.at(-1);
      assert.match(await rows.last().textContent(), new RegExp(`assigned c3: ${last.assigned.find(([m]) => m === 'c3')[1].join(', ')}`));
      await rows.nth(1).getByRole('button').click();
      const start = report.groups.billing.rebalances[1].started_us;
      await page.waitForFunction((t) => document.getElementById('views').dataset.now === String(t), start);
      const when = await rows.evaluateAll((rs) => rs.map((r) => r.dataset.when));
      assert.deepEqual(when, ['past', 'now', ...Array(when.length - 2).fill('future')]);
      await page.getByTestId('group-panel').screenshot({ path: 'test-results/e2e/groups-cooperative.png' });
    },
  },
];
