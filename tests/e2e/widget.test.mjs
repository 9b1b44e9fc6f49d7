// The <kplay-scenario> widget: the demo article renders both embeds and they run; an
// embed can be edited; the src attribute works; "Open in the playground" reproduces it;
// a widget with the stress panel searches and opens its counterexample.
import assert from 'node:assert/strict';
import { editorText, runNumber, typeScenario, verdictCounts, waitForVerdict } from './helpers.mjs';

const FIRST = '#demo-acks1';
const SECOND = '#demo-acks-all';

async function openEmbed(page, url) {
  await page.goto(url + 'embed.html');
  for (const id of [FIRST, SECOND]) {
    await page.locator(id).scrollIntoViewIfNeeded();
    await waitForVerdict(page, { scope: id });
  }
}

export const tests = [
  {
    name: 'the embed page renders both scenarios and runs them',
    async run({ page, url }) {
      await openEmbed(page, url);
      assert.equal((await verdictCounts(page, FIRST)).lost, 16);
      assert.equal((await verdictCounts(page, SECOND)).lost, 0);
      assert.equal(await page.locator(`${SECOND} [data-testid="expectations"]`).getAttribute('data-all-held'), 'true');
      // Panels: the first has the default ones, the second editor + verdict + the timeline view, read-only.
      assert.equal(await page.locator(`${FIRST} [data-testid="records"]`).count(), 1);
      assert.equal(await page.locator(`${SECOND} [data-testid="records"]`).count(), 0);
      assert.ok((await page.locator(`${SECOND} [data-testid="views-root"] > *`).count()) > 0, 'views mounted');
      assert.equal(await page.locator(`${SECOND} .cm-content`).getAttribute('contenteditable'), 'false');
      assert.equal(await page.locator(`${SECOND} [data-testid="run"]`).isHidden(), true);
      // The inline text was dedented.
      assert.match(await editorText(page, SECOND), /^# acks=all with min\.insync\.replicas=2/);
      await page.screenshot({ path: 'test-results/e2e/widget-embed-page.png', fullPage: true });
    },
  },
  {
    name: 'an embed is editable: acks=all removes its loss',
    async run({ page, url }) {
      await openEmbed(page, url);
      const before = await runNumber(page, FIRST);
      await typeScenario(page, (await editorText(page, FIRST)).replace('producer app acks=1', 'producer app acks=all'), FIRST);
      await waitForVerdict(page, { scope: FIRST, afterRun: before });
      assert.equal((await verdictCounts(page, FIRST)).lost, 0);
      const href = await page.locator(`${FIRST} .kp-widget-open`).getAttribute('href');
      assert.ok(href.startsWith(`${url}index.html#s=`), href);
      const hash = await page.locator(`${FIRST} [data-testid="trace-hash"]`).textContent();
      const text = await editorText(page, FIRST);
      await page.goto(href);
      await waitForVerdict(page);
      assert.equal(await editorText(page), text);
      assert.equal(await page.getByTestId('trace-hash').textContent(), hash);
    },
  },
  {
    name: 'src= loads a scenario file; without autorun a Run button starts it',
    async run({ page, url }) {
      await page.goto(url + 'embed.html');
      await page.evaluate(() => {
        const text = 'seed 1\nbrokers 1\ntopic orders\nproducer app\nat 0ms app send orders count=3\nexpect delivered=3\n';
        const el = document.createElement('kplay-scenario');
        el.id = 'from-src';
        el.setAttribute('src', URL.createObjectURL(new Blob([text], { type: 'text/plain' })));
        el.setAttribute('panels', 'verdict records controls');
        document.body.prepend(el);
      });
      const run = page.locator('#from-src [data-testid="run"]');
      await run.waitFor();
      assert.match(await page.locator('#from-src [data-testid="status"]').textContent(), /press Run/);
      await run.click();
      await waitForVerdict(page, { scope: '#from-src' });
      assert.equal((await verdictCounts(page, '#from-src')).delivered, 3);
      assert.equal(await page.locator('#from-src .cm-content').count(), 0, 'no editor panel');
      // Without an editor the controls still edit the text.
      const before = await runNumber(page, '#from-src');
      await page.locator('#from-src summary', { hasText: 'Settings' }).click();
      await page.locator('#from-src [data-testid="control-acks"]').selectOption('0');
      await waitForVerdict(page, { scope: '#from-src', afterRun: before });
      assert.match(await page.evaluate(() => document.querySelector('#from-src .kp-app').kplayApp.getText()), /^producer app acks=0$/m);
    },
  },
  {
    name: 'a widget with the stress panel searches and opens the counterexample in its editor',
    async run({ page, url }) {
      await page.goto(url + 'embed.html');
      await page.evaluate(() => {
        const el = document.createElement('kplay-scenario');
        el.id = 'stressed';
        el.setAttribute('panels', 'editor verdict stress');
        el.setAttribute('autorun', '');
        el.textContent = 'brokers 3\ntopic orders partitions=1 replication.factor=3\nproducer app acks=1 linger.ms=0\nat 0ms app send orders count=100 every=1ms\nexpect lost=0\n';
        document.body.prepend(el);
      });
      await waitForVerdict(page, { scope: '#stressed' });
      const before = await runNumber(page, '#stressed');
      await page.locator('#stressed [data-testid="stress-schedules"]').selectOption('200');
      await page.locator('#stressed [data-testid="stress"]').click();
      await page.waitForFunction(() => document.querySelector('#stressed [data-testid="stress-panel"]')?.dataset.outcome === 'found', null, { timeout: 25_000 });
      await waitForVerdict(page, { scope: '#stressed', afterRun: before });
      assert.match(await editorText(page, '#stressed'), /^# kplay search --seed 1: schedule \d+ /m);
      // acks=1 without idempotence: the search finds a loss or a reordering (whichever
      // schedule comes first); the counterexample in the editor shows it again.
      const v = await verdictCounts(page, '#stressed');
      assert.ok(v.lost > 0 || v.reordered > 0 || v.duplicated > 0, JSON.stringify(v));
    },
  },
];
