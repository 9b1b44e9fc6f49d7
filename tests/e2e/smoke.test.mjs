// Smoke tests of the playground page through its data-testid hooks.
import assert from 'node:assert/strict';

/** Opens the page and waits until the engine has loaded and checked the default scenario. */
async function openReady(page, url) {
  const wasmResponse = page.waitForResponse((res) => res.url().endsWith('.wasm'));
  await page.goto(url);
  const summary = page.getByTestId('summary');
  await page.waitForFunction(() => document.querySelector('[data-testid="summary"]')?.textContent.trim() !== '');
  return { summary, wasm: await wasmResponse };
}

export const tests = [
  {
    name: 'the engine loads and checks the default scenario',
    async run({ page, url }) {
      const { summary, wasm } = await openReady(page, url);
      assert.equal(wasm.status(), 200);
      assert.equal(wasm.headers()['content-type'], 'application/wasm');
      assert.match(await page.getByTestId('version').textContent(), /^v\d+\.\d+\.\d+/);
      assert.equal(await page.getByTestId('status').textContent(), 'valid');
      assert.equal(await page.locator('[data-testid="diagnostics"] li').count(), 0);
      const shown = JSON.parse(await summary.textContent());
      assert.equal(typeof shown, 'object');
    },
  },
  {
    name: 'a mistake is listed with its line and column',
    async run({ page, url }) {
      await openReady(page, url);
      const editor = page.getByTestId('scenario');
      await editor.fill('seed 42\nbrokers 3\ntopic orders partitions=3 replication.factor=3\nproducer app acks=all linger.m=5\n');
      const item = page.locator('[data-testid="diagnostics"] li').first();
      await item.waitFor();
      assert.equal(await item.getAttribute('data-line'), '4');
      assert.equal(await item.getAttribute('data-column'), '23');
      assert.match(await item.textContent(), /^4:23: Unknown producer property 'linger\.m' \(hint: did you mean linger\.ms\?\)$/);
      assert.equal(await page.getByTestId('status').textContent(), '1 error(s)');
    },
  },
  {
    name: 'the site works from a sub-path (relative URLs only)',
    async run({ page, url }) {
      const html = await (await page.request.get(url)).text();
      const absolute = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)]
        .map((m) => m[1])
        .filter((ref) => ref.startsWith('/') || /^[a-z]+:\/\//i.test(ref));
      assert.deepEqual(absolute, [], 'index.html must not use absolute URLs');
      // Serve the same site under /deep/sub/ by mapping that prefix onto the real server.
      const sub = new URL('deep/sub/', url).href;
      await page.route(`${sub}**`, async (route) => {
        const response = await route.fetch({ url: url + route.request().url().slice(sub.length) });
        await route.fulfill({ response });
      });
      await openReady(page, sub);
      assert.equal(await page.getByTestId('status').textContent(), 'valid');
    },
  },
];
