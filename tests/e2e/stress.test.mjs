// "Stress this configuration", the survival card and the sweep panel: searches run in
// Web Workers on every core with progress and Cancel; an unsafe configuration yields a
// shrunk counterexample that opens in the editor and whose own run shows the violation;
// a safe one reports how many schedules it survived; a sweep plots its rates and its
// link reproduces it. The larger wasm package is only fetched when asked for.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { editorText, expectations, openPlayground, runNumber, typeScenario, verdictCounts, waitForVerdict } from './helpers.mjs';

const fixture = (name) => readFileSync(new URL(`../search/${name}.kplay`, import.meta.url), 'utf8');
const UNSAFE = fixture('acks1_failover');
const SAFE = fixture('safe_min_isr_2');

async function openWith(page, url, text) {
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await openPlayground(page, url);
  const before = await runNumber(page);
  await typeScenario(page, text);
  await waitForVerdict(page, { afterRun: before });
  await page.getByTestId('stress').waitFor();
  return requests;
}

const outcome = (page) => page.getByTestId('stress-panel').getAttribute('data-outcome');

async function waitOutcome(page, timeout = 25_000) {
  await page.waitForFunction(() => {
    const o = document.querySelector('[data-testid="stress-panel"]')?.dataset.outcome;
    return o && o !== 'restored';
  }, null, { timeout });
  return outcome(page);
}

export const tests = [
  {
    name: 'an unsafe configuration: the counterexample opens in the editor and its run shows the loss',
    async run({ page, url }) {
      const requests = await openWith(page, url, UNSAFE);
      assert.ok(!requests.some((u) => /pkg-search|search-worker/.test(u)), 'the search package is not loaded up front');
      await page.getByTestId('stress-schedules').selectOption('200');
      const before = await runNumber(page);
      await page.getByTestId('stress').click();
      assert.equal(await waitOutcome(page), 'found');
      const found = page.getByTestId('stress-found');
      assert.equal(await found.getAttribute('data-verified'), 'true');
      // acks=1 promises nothing: what breaks is the file's own `expect lost=0`.
      assert.match(await found.textContent(), /failed expect lost=0/);
      // The shrunk text is in the editor, and the verdict is its run's: the loss, in red.
      await waitForVerdict(page, { afterRun: before });
      const text = await editorText(page);
      assert.match(text, /^# kplay search --seed 1: schedule \d+ failed expect lost=0/m);
      assert.ok(text.length < UNSAFE.length + 400 && /crash (broker-\d|leader)/.test(text), text);
      assert.ok((await verdictCounts(page)).lost > 0);
      assert.ok((await expectations(page)).some((e) => !e.held && /lost=0/.test(e.text)));
      assert.equal(await page.getByTestId('semantics').getAttribute('data-kind'), 'lost');
      await page.screenshot({ path: 'test-results/e2e/stress-found.png', fullPage: true });
      // Back to the user's own text.
      const again = await runNumber(page);
      await page.getByTestId('stress-back').click();
      await waitForVerdict(page, { afterRun: again });
      assert.equal(await editorText(page), UNSAFE);
    },
  },
  {
    name: 'a safe configuration survives every schedule, searched on every core',
    async run({ page, url }) {
      await openWith(page, url, SAFE);
      const cores = await page.evaluate(() => Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1)));
      assert.match(await page.getByTestId('stress-panel').textContent(), new RegExp(`on ${cores} worker`));
      await page.getByTestId('stress-schedules').selectOption('200');
      await page.getByTestId('stress').click();
      assert.equal(await waitOutcome(page), 'survived');
      const survived = page.getByTestId('stress-survived');
      assert.equal(await survived.getAttribute('data-survived'), '200');
      assert.match(await survived.textContent(), /200 of 200 schedules kept the promise \(exactly-once-per-session\)/);
      assert.equal(await editorText(page), SAFE, 'the text is untouched');
    },
  },
  {
    name: 'a search shows progress and Cancel stops it',
    async run({ page, url }) {
      await openWith(page, url, SAFE);
      await page.getByTestId('stress-schedules').selectOption('20000');
      await page.getByTestId('stress').click();
      await page.waitForFunction(() => Number(document.querySelector('[data-testid="stress-progress"]').value) > 0, null, { timeout: 20_000 });
      assert.match(await page.getByTestId('stress-status').textContent(), /of 20\u202f000 schedules/);
      // The page stays responsive while the workers search.
      const t0 = Date.now();
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
      assert.ok(Date.now() - t0 < 1000, 'a frame within a second');
      await page.getByTestId('stress-cancel').click();
      assert.equal(await waitOutcome(page), 'cancelled');
      assert.equal(await page.getByTestId('stress').isDisabled(), false);
      assert.equal(await page.getByTestId('stress-status').textContent(), 'cancelled');
    },
  },
  {
    name: 'the survival card answers each fault kind by search',
    async run({ page, url }) {
      await openWith(page, url, UNSAFE);
      await page.getByTestId('card').click();
      const table = page.getByTestId('card-table');
      await table.waitFor({ timeout: 25_000 });
      assert.equal(await table.locator('tbody tr').count(), 11, 'one row per fault kind, late-request included');
      const cell = (kind, verdict) => table.locator(`tr[data-kind="${kind}"] td[data-verdict="${verdict}"]`).getAttribute('data-value');
      assert.equal(await cell('leader-crash', 'lost'), 'yes', 'acks=1 loses on a leader crash');
      assert.equal(await cell('follower-crash', 'lost'), 'no');
      // A "yes" opens its schedule, whose run shows the loss.
      const before = await runNumber(page);
      await table.locator('tr[data-kind="leader-crash"] td[data-verdict="lost"] button').click();
      await waitForVerdict(page, { afterRun: before });
      assert.ok((await verdictCounts(page)).lost > 0);
      await page.screenshot({ path: 'test-results/e2e/stress-card.png', fullPage: true });
    },
  },
  {
    name: 'a sweep plots rates per combination and its link reproduces it',
    async run({ page, url }) {
      await openWith(page, url, UNSAFE);
      await page.getByTestId('sweep-name-1').fill('acks');
      await page.getByTestId('sweep-values-1').fill('0,1,all');
      await page.getByTestId('sweep-run').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="sweep-panel"]').dataset.state === 'done', null, { timeout: 25_000 });
      assert.equal(await page.getByTestId('sweep-plot').getAttribute('data-points'), '3');
      assert.equal(await page.locator('[data-testid="sweep-plot"] canvas').count() > 0, true);
      const rates = await page.locator('[data-testid="sweep-table"] tbody tr').evaluateAll((rows) =>
        rows.map((r) => [r.dataset.values, Number(r.querySelector('[data-rate="lost"]').dataset.value)]),
      );
      assert.deepEqual(rates.map((r) => r[0]), ['acks=0', 'acks=1', 'acks=all']);
      assert.ok(rates[1][1] === 0 && rates[2][1] === 0, 'no fault in the file: nothing lost');
      // Each combination's speed: acks=all waits for the followers, so its p99 is above acks=0's.
      const p99 = await page.locator('[data-testid="sweep-table"] [data-speed="latency_p99_ms"]').evaluateAll((cells) => cells.map((c) => Number(c.dataset.value)));
      assert.ok(p99.every((v) => v > 0), `p99 per combination: ${p99}`);
      assert.ok(p99[0] < p99[2], `acks=0 p99 ${p99[0]} ms < acks=all ${p99[2]} ms`);
      await page.screenshot({ path: 'test-results/e2e/sweep.png', fullPage: true });
      // The link carries the scenario and the sweep; opening it runs the same sweep.
      const href = await page.getByTestId('sweep-link').getAttribute('href');
      assert.match(href, /#s=.*&sweep=acks%3D0%2C1%2Call&seeds=1$/);
      const other = await page.context().newPage();
      await other.goto(href);
      await other.waitForFunction(() => document.querySelector('[data-testid="sweep-panel"]')?.dataset.state === 'done', null, { timeout: 25_000 });
      const again = await other.locator('[data-testid="sweep-table"] tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.values));
      assert.deepEqual(again, ['acks=0', 'acks=1', 'acks=all']);
      await other.close();
    },
  },
];
