// Every preset opens in the playground, runs in the browser, and shows its verdict: the
// counts its `expect` lines pin (name=N) and every expectation green; the preset that
// demonstrates a configuration error shows that error, located. Also: choosing a preset
// from the menu loads and runs it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { assertAllHeld, editorText, expectations, openPlayground, PRESET_INDEX, summaryEquals, verdictCounts, waitForVerdict, runNumber } from './helpers.mjs';

const BANNER = ['delivered', 'lost', 'duplicated', 'reordered', 'phantom', 'aborted', 'failed', 'pending'];
const text = (name) => readFileSync(new URL(`../../www/presets/${name}.kplay`, import.meta.url), 'utf8');

const perPreset = PRESET_INDEX.presets.map((preset) => ({
  name: `preset ${preset.name}: ${preset.error ? 'shows its located error' : 'verdict and expectations'}`,
  async run({ page, url }) {
    await openPlayground(page, url, `#preset=${preset.name}`);
    assert.equal(await editorText(page), text(preset.name));
    assert.equal(await page.getByTestId('preset-select').inputValue(), preset.name);
    assert.match(await page.getByTestId('preset-info').textContent(), new RegExp(preset.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    if (preset.error) {
      assert.equal(await page.getByTestId('verdict').getAttribute('data-state'), 'invalid');
      const item = page.locator('[data-testid="diagnostics"] li').first();
      assert.equal(await item.getAttribute('data-line'), String(preset.error.line));
      assert.equal(await item.getAttribute('data-column'), String(preset.error.column));
      assert.match(await item.textContent(), new RegExp(preset.error.message));
      return;
    }
    const counts = await verdictCounts(page);
    for (const [name, value] of summaryEquals(text(preset.name))) {
      if (BANNER.includes(name)) assert.equal(counts[name], value, `${preset.name}: ${name}`);
    }
    assertAllHeld(await expectations(page), preset.name);
    assert.equal(await page.getByTestId('expectations').getAttribute('data-all-held'), 'true');
  },
}));

export const tests = [
  {
    name: 'choosing a preset from the menu loads and runs it',
    async run({ page, url }) {
      await openPlayground(page, url);
      const before = await runNumber(page);
      await page.getByTestId('preset-select').selectOption('idempotence-dedup');
      await waitForVerdict(page, { afterRun: before });
      assert.equal(await editorText(page), text('idempotence-dedup'));
      assert.equal((await verdictCounts(page)).duplicated, 0);
      assert.match(page.url(), /#preset=idempotence-dedup$/);
      assert.equal(await page.getByTestId('semantics').getAttribute('data-kind'), 'clean');
    },
  },
  ...perPreset,
];
