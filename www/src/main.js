// The playground page: the scenario app (ui/scenario-app.js) plus the page's chrome:
// presets menu and card, share link, report and trace downloads, new seed, theme. The
// URL is the state: it opens `#s=<compressed text>` (a share link) or `#preset=NAME` /
// `?preset=NAME`, and every edit rewrites `#s=` in place (history.replaceState).
//
// The user's text is never lost: every edit is also kept locally (drafts.js: this tab's
// last text survives a reload even before the URL caught up; the page's last text opens
// again in a new tab without a link). Opening a preset pushes a history entry, so Back
// brings the previous text back; a link or preset that replaces an edited draft says so
// and offers it back; a damaged link, an oversized one or an unknown preset name is a
// notice saying what was wrong, never a silent default.
import { precomputed, prefetch } from './core/precomputed.js';
import './styles/page.css';
import { createEngine } from './engine-client.js';
import { downloadText } from './core/download.js';
import { DEFAULT_PRESET, GROUPS, presetByName, PRESETS, presetOfText } from './core/presets.js';
import { decodeScenario, encodeScenario, readLocation, shareUrl } from './core/share.js';
import { createDrafts } from './core/drafts.js';
import { readModel, setSeedEdit } from './core/text-model.js';
import { fill, h } from './ui/dom.js';
import { initTheme } from './ui/theme.js';

/** An element of index.html by id; the page's ids name inputs, buttons and boxes alike.
 * @returns {any} */
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

/** The notice under the top bar: a message and optional actions ({label, run, testid}). */
function showNotice(kind, message, actions = []) {
  const box = $('notice');
  box.dataset.kind = kind;
  box.hidden = false;
  fill(
    box,
    h('span', {}, message),
    actions.map((a) =>
      h('button', { type: 'button', 'data-testid': a.testid, onclick: () => { box.hidden = true; a.run(); } }, a.label),
    ),
    h('button', { type: 'button', class: 'notice-close', 'aria-label': 'Dismiss', 'data-testid': 'notice-close', onclick: () => (box.hidden = true) }, '×'),
  );
}

/** What the page opens with: the link's text, a preset, this tab's draft after a reload,
 * the page's last draft, or the default preset; and what to tell the user about it. */
function chooseStart(wanted, drafts) {
  const reload = /** @type {PerformanceNavigationTiming | undefined} */ (performance.getEntriesByType?.('navigation')?.[0])?.type === 'reload';
  const tab = drafts.tab();
  const last = drafts.last();
  const fallback = () =>
    last != null ? { text: last, note: presetOfText(last) ? null : 'last' } : { text: presetByName(DEFAULT_PRESET).text };
  // A reload keeps what this tab showed, even edits the URL had not caught up with.
  if (reload && tab != null) return { text: tab };
  if (wanted.text !== undefined) return { text: wanted.text, replaced: last != null && last !== wanted.text ? last : null };
  if (wanted.preset) {
    const p = presetByName(wanted.preset);
    if (!p) return { ...fallback(), problem: `There is no preset named "${wanted.preset}".` };
    return { text: p.text, replaced: last != null && last !== p.text && !presetOfText(last) ? last : null };
  }
  if (wanted.broken) return { ...fallback(), problem: `The scenario in this link could not be read: ${wanted.broken}.` };
  return fallback();
}

async function main() {
  // The engine's worker (and its wasm download and compile) starts first; the app's code
  // (the editor and the views, most of the JavaScript) loads meanwhile.
  const engine = createEngine();
  // Share links are inflated in the engine's worker, off this thread; a request that a
  // cancelled run took down with it (the worker is replaced) is decoded here instead.
  const decode = (s) => engine.decode(s).catch((err) => (/^(cancelled|terminated)$/.test(err.message) ? decodeScenario(s) : Promise.reject(err)));
  const appCode = import('./ui/scenario-app.js');
  initTheme($('theme'));
  fillPresetMenu($('preset'));
  const drafts = createDrafts(location.pathname);
  const wanted = await readLocation(location, decode);
  const start = chooseStart(wanted, drafts);
  const text = start.text;
  // A preset's unchanged text: its run, computed at build time, is on its way.
  prefetch(text);
  let base = presetOfText(text) ?? (wanted.preset && presetByName(wanted.preset)) ?? presetByName(DEFAULT_PRESET);

  let urlTimer = 0;
  const hash = new URLSearchParams(location.hash.slice(1));
  const { mountScenario } = await appCode;
  const app = mountScenario($('scenario-app'), {
    engine,
    text,
    layout: 'page',
    precomputed,
    // An edited preset (its first line kept): its own expect lines are its lesson.
    lesson: (t) => (base && base.text !== t && t.startsWith(base.text.split('\n')[0]) ? { title: base.title, text: base.text } : null),
    // A sweep link: `#s=...&sweep=acks=0,1,all|broker.min.insync.replicas=1,2&seeds=2`.
    sweep: hash.has('sweep') ? { sets: hash.get('sweep').split('|').filter((x) => x.includes('=')), seeds: Number(hash.get('seeds')) || 1 } : null,
    // A comparison link: `#s=...&compare=producer:app:acks&value=all`.
    compare: hash.has('compare') ? { key: hash.get('compare'), value: hash.get('value') ?? '' } : null,
    async compareLink(key, value) {
      const url = new URL(await shareUrl(app.getText()));
      url.hash += `&${new URLSearchParams({ compare: key, value })}`;
      return url.href;
    },
    onText(t) {
      syncPreset(t);
      drafts.save(t);
      clearTimeout(urlTimer);
      urlTimer = setTimeout(writeUrl, URL_DEBOUNCE_MS);
    },
  });

  /** The address bar catches up with the text (#s=...), unless it already shows it. */
  async function writeUrl() {
    clearTimeout(urlTimer);
    const t = app.getText();
    const encoded = await encodeScenario(t);
    const current = await readLocation(location, decode);
    if (t === app.getText() && current.text !== t && !(current.preset && presetByName(current.preset)?.text === t)) {
      history.replaceState(null, '', `${location.pathname}#s=${encoded}`);
    }
  }

  function syncPreset(t) {
    const exact = presetOfText(t);
    if (exact) base = exact;
    $('preset').value = exact?.name ?? '';
    renderPresetCard($('preset-card'), base, t, openPreset);
  }

  /** Opens a preset in a new history entry: Back returns to the text before it. */
  async function openPreset(name) {
    const p = presetByName(name);
    if (!p) return;
    if (p.text !== app.getText()) {
      await writeUrl();
      history.pushState(null, '', `${location.pathname}#preset=${p.name}`);
    }
    base = p;
    app.setText(p.text);
    syncPreset(p.text);
  }

  $('preset').addEventListener('change', () => $('preset').value && openPreset($('preset').value));
  window.addEventListener('hashchange', async () => {
    const loc = await readLocation(location, decode);
    if (loc.text !== undefined) {
      if (loc.text !== app.getText()) app.setText(loc.text);
    } else if (loc.preset) {
      const p = presetByName(loc.preset);
      if (!p) showNotice('problem', `There is no preset named "${loc.preset}".`);
      else if (p.text !== app.getText()) {
        base = p;
        app.setText(p.text);
      }
    } else if (loc.broken) showNotice('problem', `The scenario in this link could not be read: ${loc.broken}.`);
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
  const download = async (part) => {
    const r = app.report;
    const text = r && (await app.json(part));
    if (text) downloadText(`${fileStem(r)}-${part}.json`, text);
  };
  $('download-report').addEventListener('click', () => download('report'));
  $('download-trace').addEventListener('click', () => download('trace'));
  app.onRun((report) => {
    $('download-report').disabled = false;
    $('download-trace').disabled = !report.trace && !report.paged;
    document.body.dataset.ready = 'true';
  });

  syncPreset(text);
  const restore = (t) => ({ label: 'Open your last scenario', testid: 'notice-restore', run: () => app.setText(t) });
  if (start.problem) {
    showNotice('problem', `${start.problem} ${start.text === drafts.last() ? 'Showing your last scenario instead.' : 'Showing the default preset instead.'}`);
  } else if (start.replaced != null) {
    showNotice('info', 'This link replaced the scenario you were editing here.', [restore(start.replaced)]);
  } else if (start.note === 'last') {
    showNotice('info', 'Your last scenario on this page, as you left it.', [
      { label: 'Open the default preset', testid: 'notice-default', run: () => openPreset(DEFAULT_PRESET) },
    ]);
  }
  drafts.save(text);
  // The first run starts now: a preset's precomputed run shows before the engine is up.
  const first = app.run();
  const { version } = await engine.ready;
  $('version').textContent = `v${version}`;
  await first;
}

main().catch((err) => {
  const status = document.querySelector('[data-testid="status"]');
  if (status) status.textContent = `failed to load the engine: ${err}`;
  console.error(err);
});
