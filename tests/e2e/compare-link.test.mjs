// Compare mode shared by link: "Link to this comparison" gives a URL that opens the same
// scenario and runs the same comparison (`#s=...&compare=producer:app:acks&value=all`).
import assert from 'node:assert/strict';
import { openPlayground, waitForVerdict } from './helpers.mjs';

async function compareAcks(page) {
  const compare = page.getByTestId('view-compare');
  await compare.getByTestId('compare-setting').selectOption({ label: 'acks = 1' });
  await compare.getByTestId('compare-value').fill('all');
  await compare.getByTestId('compare-run').click();
  await compare.getByTestId('compare-verdict-b').waitFor();
  return compare;
}

export const tests = [
  {
    name: 'a comparison shared by link runs again where it is opened',
    async run({ page, url }) {
      await openPlayground(page, url);
      const compare = await compareAcks(page);
      await compare.getByTestId('compare-link').click();
      const link = compare.getByTestId('compare-link-url');
      await link.waitFor({ state: 'visible' });
      const href = await link.inputValue();
      const hash = new URLSearchParams(new URL(href).hash.slice(1));
      assert.equal(hash.get('compare'), 'producer:app:acks');
      assert.equal(hash.get('value'), 'all');
      assert.ok(hash.get('s'), 'the link carries the scenario text');
      const a = await compare.getByTestId('compare-verdict-a').textContent();
      const b = await compare.getByTestId('compare-verdict-b').textContent();

      const other = await page.context().newPage();
      await other.goto(href);
      await waitForVerdict(other);
      const again = other.getByTestId('view-compare');
      await again.getByTestId('compare-verdict-b').waitFor({ timeout: 20_000 });
      assert.equal(await again.getByTestId('compare-verdict-a').textContent(), a);
      assert.equal(await again.getByTestId('compare-verdict-b').textContent(), b);
      assert.match(b, /no acknowledged record lost/);
      assert.equal(await again.getByTestId('compare-value').inputValue(), 'all');
      await other.close();
    },
  },
  {
    name: 'a comparison link naming a setting the scenario lacks says so',
    async run({ page, url }) {
      await openPlayground(page, url);
      const href = new URL(page.url());
      href.hash = `preset=acks1-leader-failover&compare=producer:nobody:acks&value=all`;
      await page.goto('about:blank');
      await page.goto(href.href);
      await waitForVerdict(page);
      const compare = page.getByTestId('view-compare');
      await compare.locator('.kv-status', { hasText: 'producer:nobody:acks' }).waitFor({ timeout: 20_000 });
      assert.match(await compare.locator('.kv-status').textContent(), /which this scenario does not have/);
      assert.equal(await compare.getByTestId('compare-result').textContent(), '');
    },
  },
];
