// Consumer groups in the playground: a consumer crash that makes its group reprocess
// records, compared with the native CLI's report of the same text (`kplay run --json`):
// the reprocessed and skipped cards, the group panel (every rebalance, the final
// assignment, committed offset and lag per partition, each consumer's processed count),
// the records grid's reprocessed cells, and the consumer lanes of the timeline with the
// crash on c1's lane. A run without groups shows none of it. Each group's promise
// (report.guarantee.by_group): an auto-committing group with auto.offset.reset=earliest
// promises at-least-once and keeps it; one with latest and commits on a timer promises
// nothing, and a member crash makes it skip records. On the views' own test
// page: cooperative rebalances, and a rebalance row that scrubs to its start.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeScenario } from '../../www/src/core/share.js';
import { openPlayground, runNumber, typeScenario, verdictCounts, waitForVerdict } from './helpers.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FILE = 'tests/scenarios/consumer_crash_rebalance_reprocesses.kplay';
const TEXT = readFileSync(new URL(`../../${FILE}`, import.meta.url), 'utf8');

/** The native report of `file`: `cargo run --bin kplay -- run FILE --json --trace` (built by cargo
 * if needed, before any test starts, so the build does not count against a test's time). */
function nativeReport(file = FILE) {
  const args = ['run', '--quiet', '--bin', 'kplay', '--', 'run', file, '--json', '--trace'];
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

// Two groups' promises: the search fixtures, the second with a member crash that makes it skip.
const ALOS = readFileSync(new URL('../../tests/search/group_alos.kplay', import.meta.url), 'utf8');
const NONE = `${readFileSync(new URL('../../tests/search/group_latest_commits.kplay', import.meta.url), 'utf8').trimEnd()}
at 4100ms crash c1
at 5s restart c1
`;
const NONE_FILE = join(mkdtempSync(join(tmpdir(), 'kplay-e2e-')), 'group_latest_commits_crash.kplay');
writeFileSync(NONE_FILE, NONE);
const NATIVE_ALOS = nativeReport('tests/search/group_alos.kplay');
const NATIVE_NONE = nativeReport(NONE_FILE);
// An at-least-once group too slow for its topic's retention: retention.ms deletes records
// it has not read, its position falls below the log start (OFFSET_OUT_OF_RANGE), earliest
// moves it to the log start and the auto-commit passes what was deleted. Those records are
// skipped by design (deleted, as for any reader that far behind): the promise holds.
const RETENTION = `seed 1
brokers 3 min.insync.replicas=2 log.retention.check.interval.ms=10000 log.retention.minutes=1
topic orders partitions=1 replication.factor=3 segment.bytes=5000
producer app acks=all linger.ms=0
consumer c1 group.id=billing auto.offset.reset=earliest auto.commit.interval.ms=1000
at 0ms c1 subscribe orders
at 0ms c1 poll every=100ms process=1s
at 0ms app send orders count=400 every=500ms size=200B
run until 300s
`;
const RETENTION_FILE = join(NONE_FILE, '..', 'group_retention.kplay');
writeFileSync(RETENTION_FILE, RETENTION);
const NATIVE_RETENTION = nativeReport(RETENTION_FILE);

/** The promise block of group `name` in the panel: its attributes, badge, observed text and
 * reasons ({property, holds, line: the mark, property and settings as shown, open: whether
 * its explanation is, text: the explanation}). */
async function groupPromise(page, name) {
  const block = page.locator(`[data-testid="group-panel"] [data-testid="group"][data-group="${name}"] [data-testid="group-promise"]`);
  await block.waitFor();
  return block.evaluate((b) => ({
    level: b.dataset.level,
    breaks: b.dataset.breaks,
    clean: b.dataset.clean,
    badge: b.querySelector('[data-testid="group-level"]').textContent,
    observed: b.querySelector('[data-testid="group-observed"]').textContent,
    reasons: [...b.querySelectorAll('[data-testid="group-reasons"] li')].map((l) => ({
      property: l.dataset.property,
      holds: l.dataset.holds === 'true',
      line: l.querySelector('summary').textContent,
      open: l.querySelector('details').open,
      text: l.querySelector('.kv-reason-text').textContent,
    })),
  }));
}

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
    name: "each group's promise: at-least-once kept by auto-commit and earliest; none with latest and timed commits, which skip after a crash",
    async run({ page, url }) {
      // The at-least-once group, opened from a link.
      const alos = NATIVE_ALOS.guarantee.by_group.billing;
      assert.equal(alos.promised, 'at-least-once');
      await openPlayground(page, url, `#s=${await encodeScenario(ALOS)}`);
      assert.equal(await page.getByTestId('trace-hash').textContent(), NATIVE_ALOS.trace_hash);
      let shown = await groupPromise(page, 'billing');
      assert.deepEqual([shown.level, shown.breaks, shown.clean, shown.badge], ['at-least-once', 'false', 'true', 'at-least-once']);
      assert.equal(shown.observed, 'clean: every record processed once');
      assert.equal(shown.observed, alos.observed.text);
      assert.deepEqual(shown.reasons.map((r) => [r.property, r.holds]), alos.reasons.map((r) => [r.property, r.holds]));
      // Every durability reason holds; the one that fails is reprocessing, which at-least-once allows.
      assert.deepEqual(shown.reasons.filter((r) => !r.holds).map((r) => r.property), ['no-duplicates']);
      assert.deepEqual(shown.reasons.map((r) => r.text), alos.reasons.map((r) => r.text));
      assert.deepEqual(shown.reasons.map((r) => r.line), [
        '✓ no record skipped enable.auto.commit=true',
        '✓ no record skipped auto.offset.reset=earliest',
        '✓ no record skipped unclean.leader.election.enable=false · fails under power-loss-all',
        '✓ no record skipped retention.ms, retention.bytes',
        '✗ no record processed twice',
      ]);
      assert.deepEqual(shown.reasons.map((r) => r.open), [false, false, false, false, false], 'the explanations open on a click');
      assert.equal(await page.getByTestId('broken-promises').count(), 0, 'no group broke its promise');
      await page.locator('[data-testid="group"][data-group="billing"]').screenshot({ path: 'test-results/e2e/groups-promise-alos.png' });

      // The same group with latest and commits on a timer, typed into the editor: no promise, and the crash skips.
      const none = NATIVE_NONE.guarantee.by_group.billing;
      assert.equal(none.promised, 'none');
      assert.ok(none.observed.skipped > 0 && NATIVE_NONE.summary.skipped === none.observed.skipped, 'the crash makes the group skip records');
      const run = await runNumber(page);
      await typeScenario(page, NONE);
      await waitForVerdict(page, { afterRun: run });
      assert.equal(await page.getByTestId('trace-hash').textContent(), NATIVE_NONE.trace_hash);
      shown = await groupPromise(page, 'billing');
      assert.deepEqual([shown.level, shown.breaks, shown.clean, shown.badge], ['none', 'false', 'false', 'none: may skip records']);
      assert.equal(shown.observed, none.observed.text);
      assert.match(shown.observed, new RegExp(`${none.observed.skipped} record\\(s\\) committed past without being processed$`), 'skipping breaks no promise of none');
      assert.equal(await page.locator('[data-testid="group-observed"].kv-warn-text').count(), 1, 'not clean, not broken');
      assert.deepEqual(shown.reasons.map((r) => [r.property, r.holds]), none.reasons.map((r) => [r.property, r.holds]));
      const failing = shown.reasons.filter((r) => !r.holds && r.property === 'durability');
      assert.deepEqual(failing.map((r) => r.line), [
        '✗ no record skipped commit, process',
        '✗ no record skipped c1: auto.offset.reset=latest, c2: auto.offset.reset=latest',
      ], 'two settings let the group skip');
      assert.deepEqual(shown.reasons.map((r) => r.open), shown.reasons.map((r) => !r.holds && r.property === 'durability'), 'what lets it skip is explained at once');
      assert.match(failing[0].text, /^an explicit commit .* while the records the last poll returned are still being processed/);
      assert.match(failing[1].text, /^auto\.offset\.reset=latest \(the default\)/);
      // The banner: the producers' promise stays the main line, and no group is said to break its own.
      assert.equal(await page.getByTestId('promise').getAttribute('data-level'), NATIVE_NONE.guarantee.promised);
      assert.equal(await page.getByTestId('broken-promises').count(), 0);
      assert.equal(await page.getByTestId('semantics').getAttribute('data-kind'), 'skipped');
      await page.locator('[data-testid="group"][data-group="billing"]').screenshot({ path: 'test-results/e2e/groups-promise-none.png' });
    },
  },
  {
    name: 'a group behind its topic\'s retention: what retention deleted unread is skipped by design, the promise holds',
    async run({ page, url }) {
      const g = NATIVE_RETENTION.guarantee;
      const billing = g.by_group.billing;
      assert.ok(billing.promised === 'at-least-once' && billing.observed.skipped > 0, 'the fixture skips records');
      assert.equal(billing.observed.skipped_deleted, billing.observed.skipped, 'every skipped record was deleted by retention');
      assert.equal(billing.observed.breaks_promise, false);
      assert.equal(NATIVE_RETENTION.groups.billing.skipped_deleted, billing.observed.skipped);
      assert.ok(NATIVE_RETENTION.explanations.some((x) => x.kind === 'skipped' && /retention deleted/.test(x.text)), 'the skip is explained by retention');
      await openPlayground(page, url, `#s=${await encodeScenario(RETENTION)}`);
      assert.equal(await page.getByTestId('trace-hash').textContent(), NATIVE_RETENTION.trace_hash);
      const promise = page.getByTestId('promise');
      // Nothing broke any promise: no list of broken ones under the producers' line.
      assert.equal(await promise.getByTestId('broken-promises').count(), 0);
      assert.doesNotMatch(await promise.textContent(), /this run broke it/);
      // The group panel: at-least-once, not broken, not clean, the deleted records named.
      const shown = await groupPromise(page, 'billing');
      assert.deepEqual([shown.level, shown.breaks, shown.clean, shown.badge], ['at-least-once', 'false', 'false', 'at-least-once']);
      assert.equal(shown.observed, `${billing.observed.skipped_deleted} record(s) deleted by retention before the group read them`);
      assert.ok(shown.reasons.some((r) => r.holds && /retention deletes whole segments/.test(r.text)), 'the reasons name retention');
      assert.equal(await page.locator('[data-testid="group-observed"].kv-bad-text').count(), 0);
      await page.locator('[data-testid="group"][data-group="billing"]').screenshot({ path: 'test-results/e2e/groups-promise-retention.png' });
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
