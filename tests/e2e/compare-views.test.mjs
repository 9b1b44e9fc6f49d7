// Compare mode, side by side: "Show both runs side by side" mounts the timeline, cluster
// view and charts of run A and run B in two columns; scrubbing one moves the other to the
// same moment (each to its own last state change at or before it).
import assert from 'node:assert/strict';
import { openPlayground } from './helpers.mjs';

const A = '[data-testid="compare-view-a"]';
const B = '[data-testid="compare-view-b"]';

/** The scrubbed time (µs) and the time of the snapshot shown of one side's views. */
function sideState(page, side) {
  return page.evaluate((sel) => {
    const body = document.querySelector(`${sel} .kv-compare-view-body`);
    return { now: Number(body?.dataset.now), snapshotAt: Number(body?.dataset.snapshotAt) };
  }, side);
}

export const tests = [
  {
    name: 'compare mode shows both runs side by side, and scrubbing one moves the other',
    async run({ page, url }) {
      await page.setViewportSize({ width: 1500, height: 1000 });
      await openPlayground(page, url, '#preset=acks1-leader-failover');
      const compare = page.getByTestId('view-compare');
      await compare.getByTestId('compare-setting').selectOption({ label: 'acks = 1' });
      await compare.getByTestId('compare-value').fill('all');
      await compare.getByTestId('compare-run').click();
      await compare.getByTestId('compare-verdict-b').waitFor();
      await compare.getByTestId('compare-views-show').click();
      for (const side of [A, B]) {
        await page.locator(`${side} [data-testid="view-timeline"]`).waitFor();
        await page.locator(`${side} [data-testid="chart-throughput"]`).waitFor({ timeout: 15_000 });
      }
      assert.match(await page.locator(`${A} > h4`).textContent(), /A acks=1/);
      assert.match(await page.locator(`${B} > h4`).textContent(), /B acks=all/);
      // Two columns: B beside A, not under it.
      const [boxA, boxB] = [await page.locator(A).boundingBox(), await page.locator(B).boundingBox()];
      assert.ok(boxB.x > boxA.x + boxA.width - 1 && Math.abs(boxB.y - boxA.y) < 2, `side by side: A at ${boxA.x},${boxA.y}, B at ${boxB.x},${boxB.y}`);
      // Both start at their run's end, each with the cluster state there.
      await page.waitForFunction(([a, b]) => [a, b].every((s) => document.querySelector(`${s} .kv-compare-view-body`)?.dataset.snapshotAt), [A, B]);
      // The failover is in both runs: each side's scrubber marks the leader's crash (at 60 ms) and its fencing.
      for (const side of [A, B]) {
        const ticks = await page.locator(`${side} .kv-tick`).evaluateAll((ts) => ts.map((t) => t.title));
        for (const tick of [/^60 ms action$/, / broker_fenced$/]) assert.ok(ticks.some((t) => tick.test(t)), `${side}'s scrubber marks ${tick}: ${ticks.join(' | ')}`);
      }
      // Scrub A halfway (by its state changes) with its own scrubber: B follows to the same moment.
      const t = await page.evaluate((sel) => {
        const range = document.querySelector(`${sel} [data-testid="scrubber"]`);
        range.value = String(Math.floor(Number(range.max) / 2));
        range.dispatchEvent(new Event('input', { bubbles: true }));
        return Number(document.querySelector(`${sel} .kv-compare-view-body`).dataset.now);
      }, A);
      assert.ok(t > 0, 'A was scrubbed');
      const b = await sideState(page, B);
      assert.ok(b.now <= t && b.now > 0, `B moved to its last change at or before A's ${t} µs (now ${b.now})`);
      await page.waitForFunction(([sel, want]) => Number(document.querySelector(`${sel} .kv-compare-view-body`)?.dataset.snapshotAt) === want, [B, b.now]);
      // And the other way round: scrubbing B to its end moves A past where it was.
      const end = await page.evaluate((sel) => {
        const range = document.querySelector(`${sel} [data-testid="scrubber"]`);
        range.value = range.max;
        range.dispatchEvent(new Event('input', { bubbles: true }));
        return Number(document.querySelector(`${sel} .kv-compare-view-body`).dataset.now);
      }, B);
      const a = await sideState(page, A);
      assert.ok(end > t && a.now > t, `A followed B to ${end} µs (now ${a.now})`);
      await page.getByTestId('compare-views').screenshot({ path: 'test-results/e2e/compare-side-by-side.png' });
      // The main views were not moved by either.
      assert.notEqual(Number(await page.getByTestId('views-root').getAttribute('data-now')), t);
      // A new comparison closes them.
      await compare.getByTestId('compare-run').click();
      await compare.getByTestId('compare-views-show').waitFor();
      assert.equal(await page.locator(A).count(), 0);
    },
  },
];
