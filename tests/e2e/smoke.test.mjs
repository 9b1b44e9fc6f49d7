// Smoke tests of the playground page through its data-testid hooks: the engine loads,
// the default preset runs, a mistake is located, and the site works from a sub-path.
import assert from 'node:assert/strict';
import { openPlayground, PRESET_INDEX, typeScenario, verdictCounts, waitForVerdict, runNumber } from './helpers.mjs';

export const tests = [
  {
    name: 'the page and the widget run under a strict Content-Security-Policy',
    // What the policy refuses below is reported on the console, as it should be.
    expectConsole: [/Content Security Policy/],
    async run({ page, url }) {
      // Every e2e test fails on a console error, so each one also checks that nothing the
      // page does is blocked by the policy; this one checks the policy is there and strict.
      for (const path of ['', 'embed.html', 'frame.html#preset=acks1-leader-failover']) {
        await page.goto(new URL(path, url).href);
        const policy = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
        // Scripts from the site only: no inline script at all (not even one allowed by hash).
        assert.match(policy, /script-src 'self' 'wasm-unsafe-eval';/, policy);
        assert.equal(await page.locator('script:not([src])').count(), 0, `${path || 'index.html'} has an inline script`);
        const scriptSrc = policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
        assert.deepEqual(scriptSrc.split(' ').filter((w) => /unsafe/.test(w)), ["'wasm-unsafe-eval'"], 'no inline or eval script');
        assert.match(policy, /object-src 'none'/);
      }
      await openPlayground(page, url);
      // An injected inline script (what an XSS would add) does not run. (eval cannot be
      // checked from here: code the DevTools protocol evaluates is exempt from the policy.)
      const injected = await page.evaluate(async () => {
        const s = document.createElement('script');
        s.textContent = 'window.__kplayInjected = true';
        document.head.append(s);
        await new Promise((r) => setTimeout(r, 50));
        return window.__kplayInjected === true;
      });
      assert.equal(injected, false);
      assert.ok((await verdictCounts(page)).delivered > 0, 'the engine (wasm in a worker) ran under the policy');
    },
  },
  {
    name: 'the engine loads and runs the default preset',
    async run({ page, url }) {
      const wasmResponse = page.waitForResponse((res) => res.url().endsWith('.wasm'));
      await openPlayground(page, url);
      const wasm = await wasmResponse;
      assert.equal(wasm.status(), 200);
      assert.equal(wasm.headers()['content-type'], 'application/wasm');
      // (A preset's verdict can show before the engine is up: it was run at build time.)
      await page.waitForFunction(() => /^v\d+\.\d+\.\d+/.test(document.querySelector('[data-testid="version"]').textContent), null, { timeout: 20_000 });
      // The preset's run was made at build time (precomputed.test.mjs checks it is the engine's).
      assert.match(await page.getByTestId('status').textContent(), /^ran at build time/);
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
      assert.match(await page.getByTestId('status').textContent(), /^ran (in|at build time)/);
      // The widget too: its chunks, CSS, worker and wasm resolve relative to widget.js.
      await page.goto(sub + 'embed.html');
      await page.locator('#demo-acks1').scrollIntoViewIfNeeded();
      await waitForVerdict(page, { scope: '#demo-acks1' });
      assert.equal((await verdictCounts(page, '#demo-acks1')).lost, 3);
      assert.ok(await page.evaluate(() => [...document.styleSheets].some((s) => s.href?.includes('/deep/sub/assets/'))), 'widget CSS loaded from the sub-path');
    },
  },
];
