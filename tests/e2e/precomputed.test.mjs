// A preset opens with its run made when the site was built (scripts/prerender.mjs,
// www/src/core/precomputed.js): the verdict is on screen before the engine has loaded,
// and it is exactly what the page's own engine returns for the same text.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { editorText, openPlayground, runNumber, typeScenario, verdictCounts, waitForVerdict } from './helpers.mjs';

const DIST = new URL('../../www/dist/', import.meta.url);
const INDEX = JSON.parse(readFileSync(new URL('../../www/presets/index.json', import.meta.url), 'utf8'));

export const tests = [
  {
    name: 'every precomputed run is byte for byte what the engine in Chromium returns',
    async run({ page, url }) {
      const all = readdirSync(new URL('prerendered/', DIST)).filter((f) => f.endsWith('.json'));
      // Every preset has a file (no 404 when one is opened); those over the size limit hold no run.
      assert.deepEqual(all.sort(), INDEX.presets.map((p) => `${p.name}.json`).sort());
      const files = all.filter((f) => 'outcome' in JSON.parse(readFileSync(new URL(`prerendered/${f}`, DIST), 'utf8')));
      // Presets of every kind are precomputed; only runs too big to be worth fetching are not.
      assert.ok(files.length >= INDEX.presets.length / 2, `only ${files.length} presets precomputed`);
      assert.ok(files.includes(`${INDEX.default}.json`), 'the default preset is precomputed');
      const worker = readdirSync(new URL('assets/', DIST)).find((f) => /^worker-.*\.js$/.test(f));
      await page.goto(url + 'embed.html');
      const mismatches = await page.evaluate(
        async ({ files, worker }) => {
          const w = new Worker(`./assets/${worker}`, { type: 'module' });
          let next = 0;
          const ask = (msg) =>
            new Promise((resolve) => {
              const id = ++next;
              w.onmessage = (e) => e.data.id === id && e.data.type !== 'progress' && resolve(e.data);
              w.postMessage({ ...msg, id });
            });
          const bad = [];
          for (const f of files) {
            const file = await (await fetch(`./prerendered/${f}`)).json();
            const live = await ask({ type: 'run', text: file.text, options: file.options });
            if (JSON.stringify(live.value) !== JSON.stringify(file.outcome)) bad.push(f);
          }
          w.terminate();
          return bad;
        },
        { files, worker },
      );
      assert.deepEqual(mismatches, [], 'precomputed runs that differ from the engine');
    },
  },
  {
    name: 'the default preset shows its precomputed run; an edit runs in the engine',
    async run({ page, url }) {
      await openPlayground(page, url);
      assert.match(await page.getByTestId('status').textContent(), /^ran at build time \(shown in \d+ ms\)$/);
      const counts = await verdictCounts(page);
      assert.ok(counts.delivered > 0);
      // The views have the full run: its records and its trace.
      await page.getByTestId('record-grid').waitFor({ state: 'visible' });
      const before = await runNumber(page);
      const text = await editorText(page);
      await typeScenario(page, `${text.trimEnd()}\n# edited\n`);
      await waitForVerdict(page, { afterRun: before });
      assert.match(await page.getByTestId('status').textContent(), /^ran in \d+ ms$/);
      assert.deepEqual(await verdictCounts(page), counts, 'a comment changes nothing of the run');
    },
  },
];
