// The playground page: the scenario app (ui/scenario-app.js) plus the page's chrome:
// presets menu and card, share link, report and trace downloads, new seed, theme. The
// URL is the state: it opens `#s=<compressed text>` (a share link) or `#preset=NAME` /
// `?preset=NAME`, and every edit rewrites `#s=` in place (history.replaceState).
import './styles/page.css';
import { createEngine } from './engine-client.js';
import { downloadJson } from './core/download.js';
import { DEFAULT_PRESET, GROUPS, presetByName, PRESETS, presetOfText } from './core/presets.js';
import { encodeScenario, readLocation, shareUrl } from './core/share.js';
import { readModel, setSeedEdit } from './core/text-model.js';
import { fill, h } from './ui/dom.js';
import { mountScenario } from './ui/scenario-app.js';
import { initTheme } from './ui/theme.js';

const $ = (id) => document.getElementById(id);
const URL_DEBOUNCE_MS = 300;

function fillPresetMenu(select) {
  select.replaceChildren(
    h('option', { value: '' }, '(your own scenario)'),
    ...GROUPS.map((g) => h('optgroup', { label: g }, PRESETS.filter((p) => p.group === g).map((p) => h('option', { value: p.name }, p.title)))),
  );
}

/** The preset card: what the current preset shows, whether the text was changed, related presets. */
function renderPresetCard(card, base, text, open) {
  // A text that no longer opens with the preset's first line is the user's own scenario.
  if (!base || !text.startsWith(base.text.split('\n')[0])) {
    delete card.dataset.preset;
    return card.replaceChildren();
  }
  const modified = base.text !== text;
  card.dataset.preset = base.name;
  fill(
    card,
    h('h2', {}, base.title),
    modified ? h('span', { class: 'modified' }, 'modified') : null,
    h('p', {}, base.summary),
    base.see?.length
      ? h('span', { class: 'see' }, 'Compare: ', base.see.map((n, i) => [i ? ', ' : '', h('button', { type: 'button', onclick: () => open(n) }, presetByName(n)?.title ?? n)]))
      : null,
  );
}

async function main() {
  initTheme($('theme'));
  fillPresetMenu($('preset'));
  const engine = createEngine();
  const wanted = await readLocation();
  let base = (wanted.preset && presetByName(wanted.preset)) || (wanted.text === undefined ? presetByName(DEFAULT_PRESET) : presetOfText(wanted.text));
  const text = wanted.text ?? base.text;

  let urlTimer = 0;
  const hash = new URLSearchParams(location.hash.slice(1));
  const app = mountScenario($('scenario-app'), {
    engine,
    text,
    layout: 'page',
    // A sweep link: `#s=...&sweep=acks=0,1,all|broker.min.insync.replicas=1,2&seeds=2`.
    sweep: hash.has('sweep') ? { sets: hash.get('sweep').split('|').filter((x) => x.includes('=')), seeds: Number(hash.get('seeds')) || 1 } : null,
    onText(t) {
      syncPreset(t);
      clearTimeout(urlTimer);
      urlTimer = setTimeout(async () => {
        const encoded = await encodeScenario(t);
        if (t === app.getText()) history.replaceState(null, '', `${location.pathname}#s=${encoded}`);
      }, URL_DEBOUNCE_MS);
    },
  });

  function syncPreset(t) {
    const exact = presetOfText(t);
    if (exact) base = exact;
    $('preset').value = exact?.name ?? '';
    renderPresetCard($('preset-card'), base, t, openPreset);
  }

  function openPreset(name) {
    const p = presetByName(name);
    if (!p) return;
    base = p;
    app.setText(p.text);
    clearTimeout(urlTimer);
    history.replaceState(null, '', `${location.pathname}#preset=${p.name}`);
    syncPreset(p.text);
  }

  $('preset').addEventListener('change', (e) => e.target.value && openPreset(e.target.value));
  window.addEventListener('hashchange', async () => {
    const loc = await readLocation();
    if (loc.text !== undefined && loc.text !== app.getText()) app.setText(loc.text);
    else if (loc.preset) openPreset(loc.preset);
  });

  $('share').addEventListener('click', async () => {
    const url = await shareUrl(app.getText());
    $('share-box').hidden = false;
    $('share-url').value = url;
    $('share-url').select();
    try {
      await navigator.clipboard.writeText(url);
      $('share-toast').textContent = 'Link copied';
    } catch {
      $('share-toast').textContent = 'Copy the link above';
    }
  });
  $('new-seed').addEventListener('click', async () => {
    const seed = await engine.randomSeed();
    app.applyEdits([setSeedEdit(readModel(app.getText()), seed)]);
  });
  const fileStem = (r) => `kplay-seed${r.seed}-${r.trace_hash}`;
  $('download-report').addEventListener('click', () => app.report && downloadJson(`${fileStem(app.report)}-report.json`, app.report));
  $('download-trace').addEventListener('click', () => app.report && downloadJson(`${fileStem(app.report)}-trace.json`, app.report.trace ?? []));
  app.onRun((report) => {
    $('download-report').disabled = false;
    $('download-trace').disabled = !report.trace;
    document.body.dataset.ready = 'true';
  });

  syncPreset(text);
  const { version } = await engine.ready;
  $('version').textContent = `v${version}`;
  if (wanted.broken) console.warn('kplay: the link in the address bar is damaged; showing the default preset');
  await app.run();
}

main().catch((err) => {
  const status = document.querySelector('[data-testid="status"]');
  if (status) status.textContent = `failed to load the engine: ${err}`;
  console.error(err);
});
