// Smoke tests of the playground page through its data-testid hooks: the engine loads,
// the default preset runs, a mistake is located, and the site works from a sub-path.
import assert from 'node:assert/strict';
import { openPlayground, PRESET_INDEX, typeScenario, verdictCounts, waitForVerdict, runNumber } from './helpers.mjs';

export const tests = [
  {
    name: 'the engine loads and runs the default preset',
    async run({ page, url }) {
      const wasmResponse = page.waitForResponse((res) => res.url().endsWith('.wasm'));
      await openPlayground(page, url);
      const wasm = await wasmResponse;
      assert.equal(wasm.status(), 200);
      assert.equal(wasm.headers()['content-type'], 'application/wasm');
      assert.match(await page.getByTestId('version').textContent(), /^v\d+\.\d+\.\d+/);
      assert.match(await page.getByTestId('status').textContent(), /^ran in \d+ ms$/);
      assert.equal(await page.locator('[data-testid="diagnostics"] li').count(), 0);
      assert.equal(await page.getByTestId('preset-select').inputValue(), PRESET_INDEX.default);
      const counts = await verdictCounts(page);
      assert.equal(Object.keys(counts).length, 8);
      assert.ok(counts.delivered > 0);
      assert.match(await page.getByTestId('trace-hash').textContent(), /^[0-9a-f]{16}$/);
    },
  },
  {
    name: 'a clean acks=0 run is called clean and promised at-most-once, never exactly-once',
    async run({ page, url }) {
      await openPlayground(page, url);
      const before = await runNumber(page);
      await typeScenario(page, 'brokers 1\ntopic orders partitions=1\nproducer app acks=0\nat 0ms app send orders count=10\n');
      await waitForVerdict(page, { afterRun: before });
      assert.equal((await verdictCounts(page)).delivered, 10);
      assert.equal(await page.getByTestId('semantics').getAttribute('data-kind'), 'clean');
      const promise = page.getByTestId('promise');
      assert.equal(await promise.getAttribute('data-level'), 'at-most-once');
      assert.match(await promise.textContent(), /acks=0/);
      assert.doesNotMatch(await page.getByTestId('verdict').textContent(), /exactly-once/);
    },
  },
  {
    name: 'a mistake is listed with its line and column',
    async run({ page, url }) {
      await openPlayground(page, url);
      const before = await runNumber(page);
      await typeScenario(page, 'seed 42\nbrokers 3\ntopic orders partitions=3 replication.factor=3\nproducer app acks=all linger.m=5\n');
      await waitForVerdict(page, { afterRun: before });
      const item = page.locator('[data-testid="diagnostics"] li').first();
      assert.equal(await item.getAttribute('data-line'), '4');
      assert.equal(await item.getAttribute('data-column'), '23');
      assert.match(await item.textContent(), /^4:23: Unknown producer property 'linger\.m' \(hint: did you mean linger\.ms\?\)$/);
      assert.equal(await page.getByTestId('status').textContent(), '1 error(s)');
    },
  },
  {
    name: 'the site works from a sub-path (relative URLs only)',
    async run({ page, url }) {
      for (const file of ['', 'embed.html']) {
        // Example snippets inside <pre> are text, not references.
        const html = (await (await page.request.get(url + file)).text()).replace(/<pre>[\s\S]*?<\/pre>/g, '');
        const absolute = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)]
          .map((m) => m[1])
          .filter((ref) => ref.startsWith('/') || /^[a-z]+:\/\//i.test(ref));
        assert.deepEqual(absolute, [], `${file || 'index.html'} must not use absolute URLs`);
      }
      // Serve the same site under /deep/sub/ by mapping that prefix onto the real server.
      const sub = new URL('deep/sub/', url).href;
      await page.route(`${sub}**`, async (route) => {
        const response = await route.fetch({ url: url + route.request().url().slice(sub.length) });
        await route.fulfill({ response });
      });
      await openPlayground(page, sub);
      assert.match(await page.getByTestId('status').textContent(), /^ran in/);
      // The widget too: its chunks, CSS, worker and wasm resolve relative to widget.js.
      await page.goto(sub + 'embed.html');
      await page.locator('#demo-acks1').scrollIntoViewIfNeeded();
      await waitForVerdict(page, { scope: '#demo-acks1' });
      assert.equal((await verdictCounts(page, '#demo-acks1')).lost, 16);
      assert.ok(await page.evaluate(() => [...document.styleSheets].some((s) => s.href?.includes('/deep/sub/assets/'))), 'widget CSS loaded from the sub-path');
    },
  },
];
