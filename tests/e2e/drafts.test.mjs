// The user's text is never lost (www/src/core/drafts.js, main.js): a reload inside the
// URL's debounce, a preset switch then Back, a damaged or oversized link, an unknown
// preset, a new tab, and a link that replaces an edited draft. Each test uses one browser
// context (its tabs share localStorage, as a user's tabs do).
import assert from 'node:assert/strict';
import { encodeScenario } from '../../www/src/core/share.js';
import { editorText, openPlayground, PRESET_INDEX, runNumber, typeScenario, verdictCounts, waitForVerdict } from './helpers.mjs';

const MINE = 'brokers 1\ntopic mine partitions=1\nproducer app acks=1\nat 0ms app send mine count=3\n';
const notice = (page) => page.getByTestId('notice');

/** Opens the page, types MINE, waits for its run. */
async function edit(page, url) {
  await openPlayground(page, url);
  const before = await runNumber(page);
  await typeScenario(page, MINE);
  await waitForVerdict(page, { afterRun: before });
}

export const tests = [
  {
    name: 'an edit survives a reload inside the URL debounce',
    async run({ page, url }) {
      await openPlayground(page, url);
      await typeScenario(page, MINE);
      // At once: the address bar has not caught up yet (it waits 300 ms).
      await page.reload();
      await waitForVerdict(page);
      assert.equal(await editorText(page), MINE);
    },
  },
  {
    name: 'a preset switch, then Back, brings the edited text back',
    async run({ page, url }) {
      await edit(page, url);
      const other = PRESET_INDEX.presets.find((p) => p.name !== PRESET_INDEX.default).name;
      const before = await runNumber(page);
      await page.getByTestId('preset-select').selectOption(other);
      await waitForVerdict(page, { afterRun: before });
      assert.notEqual(await editorText(page), MINE);
      await page.goBack();
      await page.waitForFunction((t) => document.querySelector('.kp-app').kplayApp.getText() === t, MINE);
      await page.goForward();
      await page.waitForFunction((t) => document.querySelector('.kp-app').kplayApp.getText() !== t, MINE);
    },
  },
  {
    name: 'a damaged link says what is wrong and keeps the last scenario',
    async run({ page, url }) {
      await edit(page, url);
      const tab = await page.context().newPage();
      const good = await encodeScenario(MINE + '# changed\n');
      await tab.goto(`${url}#s=${good.slice(0, (Math.floor(good.length / 4) - 1) * 4)}`);
      await waitForVerdict(tab);
      assert.match(await notice(tab).textContent(), /could not be read: its compressed data is damaged.*Showing your last scenario instead/);
      assert.equal(await editorText(tab), MINE);
      await tab.close();
    },
  },
  {
    name: 'an oversized link is refused without freezing the page',
    async run({ page, url }) {
      const bomb = await encodeScenario('at 0ms app send t\n'.repeat(600_000));
      const t0 = Date.now();
      await openPlayground(page, url, `#s=${bomb}`);
      assert.ok(Date.now() - t0 < 10_000, 'the page answered');
      assert.match(await notice(page).textContent(), /more than 256 KiB of text.*default preset/);
      assert.equal(await page.getByTestId('preset-select').inputValue(), PRESET_INDEX.default);
    },
  },
  {
    name: "links are inflated in the engine's worker, off the page's thread; a line over 4,000 characters is refused",
    async run({ page, url }) {
      // The page's own DecompressionStream is broken here: a link read on the page's thread
      // would fail as damaged. The worker has its own, untouched.
      await page.addInitScript(() => {
        window.DecompressionStream = class {
          constructor() {
            throw new Error('decoded on the main thread');
          }
        };
      });
      const text = 'brokers 1\ntopic t\nproducer app acks=1\nat 0ms app send t count=3\n';
      await openPlayground(page, url, `#s=${await encodeScenario(text)}`);
      assert.equal(await editorText(page), text);
      assert.equal((await verdictCounts(page)).delivered, 3);
      const long = await encodeScenario(`brokers 1\n# ${'x'.repeat(5000)}\ntopic t\n`);
      await page.goto('about:blank');
      await openPlayground(page, url, `#s=${long}`);
      assert.match(await notice(page).textContent(), /line 2 is longer than 4000 characters/);
    },
  },
  {
    name: 'an unknown preset name is a notice, not a silent default',
    async run({ page, url }) {
      await openPlayground(page, url, '#preset=no-such-preset');
      assert.match(await notice(page).textContent(), /There is no preset named "no-such-preset"/);
    },
  },
  {
    name: 'a new tab without a link opens the last scenario, with a way to the default',
    async run({ page, url }) {
      await edit(page, url);
      const tab = await page.context().newPage();
      await openPlayground(tab, url);
      assert.equal(await editorText(tab), MINE);
      assert.match(await notice(tab).textContent(), /Your last scenario on this page/);
      const before = await runNumber(tab);
      await tab.getByTestId('notice-default').click();
      await waitForVerdict(tab, { afterRun: before });
      assert.equal(await tab.getByTestId('preset-select').inputValue(), PRESET_INDEX.default);
      await tab.close();
    },
  },
  {
    name: 'a link that replaces an edited scenario offers it back',
    async run({ page, url }) {
      await edit(page, url);
      const tab = await page.context().newPage();
      await openPlayground(tab, url, '#preset=txn-commit');
      assert.match(await notice(tab).textContent(), /replaced the scenario you were editing/);
      const before = await runNumber(tab);
      await tab.getByTestId('notice-restore').click();
      await waitForVerdict(tab, { afterRun: before });
      assert.equal(await editorText(tab), MINE);
      await tab.close();
    },
  },
];
