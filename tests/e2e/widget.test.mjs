// The <kplay-scenario> widget: the demo article renders both embeds and they run; an
// embed can be edited; the src attribute works; "Open in the playground" reproduces it;
// a widget with the stress panel searches and opens its counterexample.
import assert from 'node:assert/strict';
import { checkShot, editorText, runNumber, typeScenario, verdictCounts, waitForVerdict } from './helpers.mjs';

const FIRST = '#demo-acks1';
const SECOND = '#demo-acks-all';

async function openEmbed(page, url) {
  await page.goto(url + 'embed.html');
  for (const id of [FIRST, SECOND]) {
    await page.locator(id).scrollIntoViewIfNeeded();
    await waitForVerdict(page, { scope: id });
  }
}

/** Puts a new <kplay-scenario id=ID> with `attrs` at the top of the page, its inline
 * scenario given as `text` (text content) or `html` (markup: a script or template child). */
function addWidget(page, id, attrs, { text = null, html = null } = {}) {
  return page.evaluate(
    ({ id, attrs, text, html }) => {
      const el = document.createElement('kplay-scenario');
      el.id = id;
      for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
      if (html != null) el.innerHTML = html;
      else if (text != null) el.textContent = text;
      document.body.prepend(el);
    },
    { id, attrs, text, html },
  );
}

export const tests = [
  {
    name: 'the widgets of a page share at most two engine workers',
    async run({ page, url }) {
      const workers = [];
      page.on('worker', (w) => workers.push(w.url()));
      await openEmbed(page, url);
      // Three more, each with a scenario of its own, run at once.
      await page.evaluate(() => {
        for (let i = 1; i <= 3; i += 1) {
          const el = document.createElement('kplay-scenario');
          el.id = `more-${i}`;
          el.setAttribute('autorun', '');
          el.setAttribute('panels', 'verdict');
          const script = document.createElement('script');
          script.type = 'text/kplay';
          script.textContent = `seed ${i}\nbrokers 1\ntopic orders\nproducer app\nat 0ms app send orders count=${i}\n`;
          el.append(script);
          document.body.prepend(el);
        }
      });
      for (let i = 1; i <= 3; i += 1) {
        await page.locator(`#more-${i}`).scrollIntoViewIfNeeded();
        await waitForVerdict(page, { scope: `#more-${i}` });
        assert.equal((await verdictCounts(page, `#more-${i}`)).delivered, i);
      }
      const widgets = await page.locator('kplay-scenario').count();
      assert.equal(widgets, 5);
      // Every widget has asked its engine for its version by now: each asked a shared worker.
      const engines = workers.filter((u) => !/search/.test(u));
      assert.ok(engines.length >= 1 && engines.length <= 2, `${widgets} widgets started ${engines.length} engine workers: ${engines.join(', ')}`);
      // Both runs finished on the shared workers (openEmbed waited for their verdicts).
      assert.equal((await verdictCounts(page, FIRST)).lost, 3);
    },
  },
  {
    name: 'the embed page renders both scenarios and runs them',
    async run({ page, url }) {
      await openEmbed(page, url);
      assert.equal((await verdictCounts(page, FIRST)).lost, 3);
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
      // Nothing of kplay's styling is written to the host page: no custom property on its
      // :root or <body>, even with the views mounted; each widget carries its own.
      const leaked = await page.evaluate(() => {
        const names = ['--kv-bg', '--kv-fg', '--kv-accent', '--bg', '--fg', '--accent', '--rec-lost'];
        const on = (el) => names.filter((n) => getComputedStyle(el).getPropertyValue(n).trim() !== '');
        const views = [...document.querySelectorAll('kplay-scenario')].map((w) => w.shadowRoot?.querySelector('.kv-views')).find(Boolean);
        return { root: on(document.documentElement), body: on(document.body), views: views ? on(views) : null };
      });
      assert.deepEqual(leaked.root, [], "custom properties on the host's :root");
      assert.deepEqual(leaked.body, [], "custom properties on the host's <body>");
      assert.ok(leaked.views?.length === 7, `the views have theirs (${leaked.views})`);
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
      assert.match(await editorText(page, '#from-src'), /^producer app acks=0$/m);
    },
  },
  {
    name: 'a widget with the stress panel searches and opens the counterexample in its editor',
    async run({ page, url }) {
      await page.goto(url + 'embed.html');
      await addWidget(page, 'stressed', { panels: 'editor verdict stress', autorun: '' }, { text: 'brokers 3\ntopic orders partitions=1 replication.factor=3\nproducer app acks=1 linger.ms=0\nat 0ms app send orders count=100 every=1ms\nexpect lost=0\n' });
      await waitForVerdict(page, { scope: '#stressed' });
      const before = await runNumber(page, '#stressed');
      await page.locator('#stressed [data-testid="stress-schedules"]').selectOption('200');
      await page.locator('#stressed [data-testid="stress"]').click();
      await page.waitForFunction(() => document.querySelector('#stressed').shadowRoot?.querySelector('[data-testid="stress-panel"]')?.dataset.outcome === 'found', null, { timeout: 25_000 });
      await waitForVerdict(page, { scope: '#stressed', afterRun: before });
      assert.match(await editorText(page, '#stressed'), /^# kplay search --seed 1: schedule \d+ /m);
      // acks=1 without idempotence: the search finds a loss or a reordering (whichever
      // schedule comes first); the counterexample in the editor shows it again.
      const v = await verdictCounts(page, '#stressed');
      assert.ok(v.lost > 0 || v.reordered > 0 || v.duplicated > 0, JSON.stringify(v));
    },
  },
  {
    name: 'a script type=text/kplay child is read as raw text, once: moving the element keeps its text and edits',
    async run({ page, url }) {
      await page.goto(url + 'embed.html');
      await addWidget(page, 'raw', { panels: 'verdict' }, { html: '<script type="text/kplay">\n    brokers 1\n    topic t\n    producer app acks=1\n    at 0ms app send t value="<b>x</b>" count=2\n  <' + '/script>' });
      await page.waitForFunction(() => document.querySelector('#raw').text !== null && document.querySelector('#raw').shadowRoot?.querySelector('.kp-app'));
      assert.equal(await page.evaluate(() => document.querySelector('#raw').text), 'brokers 1\ntopic t\nproducer app acks=1\nat 0ms app send t value="<b>x</b>" count=2\n');
      // Events and the run() method: kplay-run carries the report.
      const delivered = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const el = document.querySelector('#raw');
            el.addEventListener('kplay-run', (e) => resolve(e.detail.report.summary.delivered), { once: true });
            el.run();
          }),
      );
      assert.equal(delivered, 2);
      assert.equal(await page.evaluate(() => document.querySelector('#raw').report.summary.delivered), 2);
      // A new text (as a script would set it) fires kplay-change; moving the element keeps it.
      const changed = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const el = document.querySelector('#raw');
            el.addEventListener('kplay-change', (e) => resolve(e.detail.text), { once: true });
            el.text = el.text.replace('count=2', 'count=3');
          }),
      );
      assert.match(changed, /count=3/);
      await page.evaluate(() => document.body.append(document.querySelector('#raw')));
      await page.waitForFunction(() => document.querySelector('#raw').shadowRoot?.querySelector('.kp-app'));
      assert.match(await page.evaluate(() => document.querySelector('#raw').text), /value="<b>x<\/b>" count=3/);
    },
  },
  {
    name: 'attribute changes re-mount the widget; an unknown panel name is an error event',
    async run({ page, url }) {
      await page.goto(url + 'embed.html');
      await addWidget(page, 'attrs', { preset: 'sync-send', panels: 'verdict', autorun: '' });
      await waitForVerdict(page, { scope: '#attrs' });
      const first = await page.evaluate(() => document.querySelector('#attrs').text);
      // panels: the text stays, the records panel appears.
      await page.evaluate(() => document.querySelector('#attrs').setAttribute('panels', 'verdict records'));
      await page.locator('#attrs [data-testid="records"]').waitFor();
      assert.equal(await page.evaluate(() => document.querySelector('#attrs').text), first);
      // theme: at once, no re-mount.
      await page.evaluate(() => document.querySelector('#attrs').setAttribute('theme', 'dark'));
      assert.equal(await page.locator('#attrs').getAttribute('data-theme'), 'dark');
      // preset: a new scenario.
      await page.evaluate(() => document.querySelector('#attrs').setAttribute('preset', 'txn-commit'));
      await page.waitForFunction((t) => document.querySelector('#attrs').text && document.querySelector('#attrs').text !== t, first);
      assert.match(await page.evaluate(() => document.querySelector('#attrs').text), /transactional\.id/);
      // An unknown panel: a message in the widget and a kplay-error event.
      const message = await page.evaluate(
        () =>
          new Promise((resolve) => {
            const el = document.querySelector('#attrs');
            el.addEventListener('kplay-error', (e) => resolve(e.detail.message), { once: true });
            el.setAttribute('panels', 'verdict tmeline');
          }),
      );
      assert.match(message, /unknown panel name 'tmeline'/);
      assert.match(await page.locator('#attrs [data-testid="widget-error"]').textContent(), /unknown panel name 'tmeline'/);
    },
  },
  {
    name: 'a template child is read as text; src and readonly changes apply to a mounted widget',
    async run({ page, url }) {
      await page.goto(url + 'embed.html');
      // A <template> child: its content, as text (markup in it stays literal text).
      await addWidget(page, 'tpl', { panels: 'editor verdict', autorun: '' }, { html: '<template>\n  brokers 1\n  topic t\n  producer app acks=1\n  at 0ms app send t count=5 key=k{i}\n</template>' });
      await waitForVerdict(page, { scope: '#tpl' });
      assert.equal(await page.evaluate(() => document.querySelector('#tpl').text), 'brokers 1\ntopic t\nproducer app acks=1\nat 0ms app send t count=5 key=k{i}\n');
      assert.equal((await verdictCounts(page, '#tpl')).delivered, 5);
      // readonly: the editor stops taking edits (re-mounted with the text kept).
      await page.locator('#tpl .cm-content').waitFor();
      assert.equal(await page.locator('#tpl .cm-content').getAttribute('contenteditable'), 'true');
      await page.evaluate(() => document.querySelector('#tpl').setAttribute('readonly', ''));
      await page.waitForFunction(() => document.querySelector('#tpl').shadowRoot?.querySelector('.cm-content')?.getAttribute('contenteditable') === 'false');
      assert.match(await page.evaluate(() => document.querySelector('#tpl').text), /count=5 key=k\{i\}/);
      await page.evaluate(() => document.querySelector('#tpl').removeAttribute('readonly'));
      await page.waitForFunction(() => document.querySelector('#tpl').shadowRoot?.querySelector('.cm-content')?.getAttribute('contenteditable') === 'true');
      // src: a new scenario, fetched (a Blob URL the page made, as an author's script would).
      await page.evaluate(() => {
        const blob = new Blob(['brokers 1\ntopic t\nproducer app acks=1\nat 0ms app send t count=7\n'], { type: 'text/plain' });
        const el = document.querySelector('#tpl');
        el.run();
        el.setAttribute('src', URL.createObjectURL(blob));
      });
      await page.waitForFunction(() => /count=7/.test(document.querySelector('#tpl').text ?? ''));
      await page.evaluate(() => document.querySelector('#tpl').run());
      await page.waitForFunction(() => document.querySelector('#tpl').report?.summary?.delivered === 7);
    },
  },
  {
    name: 'the widget renders in a shadow root: the host styles it through ::part() and its broad rules stay out',
    async run({ page, url }) {
      await page.goto(url + 'embed.html');
      // A docs theme's stylesheet: broad element rules, and the widget's ::part() hooks.
      await page.evaluate(() => {
        const style = document.createElement('style');
        style.textContent = `
          button { background: rgb(0, 200, 0) !important; font-size: 31px !important; }
          section { border: 9px solid rgb(0, 0, 255) !important; }
          kplay-scenario#parts::part(verdict) { outline: 4px solid rgb(255, 0, 0); }
          kplay-scenario#parts::part(run-button) { letter-spacing: 3px; }
          kplay-scenario#parts::part(footer) { display: none; }`;
        document.head.append(style);
      });
      await addWidget(page, 'parts', { preset: 'sync-send', panels: 'editor verdict records timeline' });
      const run = page.locator('#parts [data-testid="run"]');
      await run.waitFor();
      await run.click();
      await waitForVerdict(page, { scope: '#parts' });
      await page.locator('#parts .cm-content').waitFor();
      await page.locator('#parts [data-testid="view-timeline"]').waitFor();
      const styles = () =>
        page.evaluate(() => {
          const root = document.querySelector('#parts').shadowRoot;
          const cs = (sel) => getComputedStyle(root.querySelector(sel));
          const rgb = (c) => c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number);
          const lum = (c) => rgb(c).reduce((a, b) => a + b, 0) / 765;
          return {
            light: root.querySelectorAll('*').length > 0 && document.querySelectorAll('#parts [data-testid]').length === 0,
            parts: [...new Set([...root.querySelectorAll('[part]')].flatMap((e) => e.getAttribute('part').split(' ')))].sort(),
            verdictOutline: `${cs('[part~="verdict"]').outlineStyle} ${cs('[part~="verdict"]').outlineColor}`,
            verdictBorder: cs('[part~="verdict"]').borderTopWidth,
            runSpacing: cs('[part~="run-button"]').letterSpacing,
            runBackground: cs('[part~="run-button"]').backgroundColor,
            runFontSize: cs('[part~="run-button"]').fontSize,
            footer: cs('[part~="footer"]').display,
            editorFont: cs('.cm-content').fontFamily,
            viewsBackground: cs('.kv-views').getPropertyValue('--kv-bg').trim(),
            widgetLuminance: lum(cs('[part~="widget"]').backgroundColor),
            theme: document.querySelector('#parts').dataset.theme,
          };
        });
      const light = await styles();
      assert.ok(light.light, 'the widget renders in its shadow root, not in the light DOM');
      for (const part of ['widget', 'app', 'editor', 'runbar', 'run-button', 'status', 'verdict', 'records', 'views', 'timeline', 'footer', 'open-link']) {
        assert.ok(light.parts.includes(part), `part ${part} in ${light.parts}`);
      }
      // ::part() reaches in.
      assert.equal(light.verdictOutline, 'solid rgb(255, 0, 0)');
      assert.equal(light.runSpacing, '3px');
      assert.equal(light.footer, 'none');
      // The host's broad rules do not.
      assert.notEqual(light.verdictBorder, '9px');
      assert.notEqual(light.runBackground, 'rgb(0, 200, 0)');
      assert.notEqual(light.runFontSize, '31px');
      // kplay's own CSS does, including the views' sheet loaded with their panel.
      assert.match(light.editorFont, /mono/i);
      assert.ok(light.viewsBackground, 'the views theme is adopted in the shadow root');
      assert.equal(light.theme, 'light');
      assert.ok(light.widgetLuminance > 0.8, `light widget background (${light.widgetLuminance})`);
      await page.evaluate(() => document.querySelector('#parts').setAttribute('theme', 'dark'));
      const dark = await styles();
      assert.equal(dark.theme, 'dark');
      assert.ok(dark.widgetLuminance < 0.25, `dark widget background (${dark.widgetLuminance})`);
      await checkShot(page, await page.locator('#parts').screenshot({ path: 'test-results/e2e/widget-parts-dark.png' }), 'dark', 'widget in a shadow root, dark');
    },
  },
  {
    name: 'the iframe embed shows a preset or a share link, configured by its fragment',
    async run({ page, url }) {
      const { encodeScenario } = await import('../../www/src/core/share.js');
      const text = 'brokers 1\ntopic t\nproducer app acks=1\nat 0ms app send t count=4\n';
      await page.goto(url + 'embed.html');
      await page.evaluate(
        ([a, b]) => {
          for (const [id, src] of [['f1', a], ['f2', b]]) {
            const f = document.createElement('iframe');
            f.id = id;
            f.src = src;
            f.style.cssText = 'width: 900px; height: 230px';
            document.body.prepend(f);
          }
        },
        [`${url}frame.html#preset=sync-send&panels=verdict&autorun`, `${url}frame.html#s=${await encodeScenario(text)}&panels=verdict,records&autorun&theme=dark`],
      );
      // embed.html with a scenario in its fragment is the iframe embed too (it hands over to
      // frame.html). (The three frames fit the window: an autorun widget runs once it is seen.)
      await page.evaluate((src) => {
        const f = document.createElement('iframe');
        f.id = 'f3';
        f.src = src;
        f.style.cssText = 'width: 900px; height: 230px';
        document.body.prepend(f);
      }, `${url}embed.html#preset=acks1-leader-failover&panels=verdict&autorun`);
      const done = (frame) => frame.waitForFunction(() => document.querySelector('kplay-scenario')?.shadowRoot?.querySelector('[data-testid="verdict"]')?.dataset.state === 'done', null, { timeout: 20_000 });
      const frameOf = async (re) => {
        for (;;) {
          const f = page.frames().find((fr) => re.test(fr.url()));
          if (f) return f;
          await page.waitForTimeout(50);
        }
      };
      const [f1, f2, f3] = await Promise.all([frameOf(/frame\.html#preset=sync-send/), frameOf(/frame\.html#s=/), frameOf(/frame\.html#preset=acks1-leader-failover/)]);
      await Promise.all([done(f1), done(f2), done(f3)]);
      assert.equal(await f3.evaluate(() => document.querySelector('kplay-scenario').shadowRoot.querySelector('[data-testid="verdict-lost"]').dataset.value), '3');
      assert.match(await f1.evaluate(() => document.querySelector('kplay-scenario').text), /^# /);
      assert.equal(await f2.evaluate(() => document.querySelector('kplay-scenario').text), text);
      assert.equal(await f2.evaluate(() => document.querySelector('kplay-scenario').shadowRoot.querySelector('[data-testid="verdict-delivered"]').dataset.value), '4');
      assert.equal(await f2.locator('kplay-scenario').getAttribute('data-theme'), 'dark');
      assert.equal(await f2.locator('[data-testid="records"]').count(), 1);
    },
  },
];
