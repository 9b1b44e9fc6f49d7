// The sweep panel: one or two settings over values × seeds (`kplay sweep`), run in a Web
// Worker (search-client.js) with progress and Cancel, plotted with uPlot (loss,
// duplication and reordering rates per record sent, one point per combination) and
// tabled with each combination's mean speed (records/s, p99 send()-to-callback latency). Setting names are Kafka's: `acks` (every producer), `broker.NAME`,
// `topic.NAME`, `consumer.NAME`. The sweep is part of the URL (`&sweep=...&seeds=N`
// after the scenario), so a link reproduces it; opening such a link fills the panel and
// runs it.
//
//   const panel = createSweepPanel(root, {getText, initial: {sets: ['acks=0,1,all'], seeds: 1} | null})
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { shareUrl } from '../core/share.js';
import { runSweep } from '../search-client.js';
import { fill, h } from './dom.js';

const RATES = [
  { key: 'lost', label: 'lost', colour: '--rec-lost' },
  { key: 'duplicated', label: 'duplicated', colour: '--rec-duplicated' },
  { key: 'reordered', label: 'reordered', colour: '--rec-reordered' },
];

/** `acks=0,1,all|broker.min.insync.replicas=1,2` ⇄ ['acks=0,1,all', ...]. */
export const encodeSets = (sets) => sets.join('|');
export const decodeSets = (s) => (s ?? '').split('|').filter((x) => x.includes('='));

/** The URL of the scenario with this sweep. */
export async function sweepUrl(text, sets, seeds) {
  const url = new URL(await shareUrl(text));
  url.hash += `&${new URLSearchParams({ sweep: encodeSets(sets), seeds: String(seeds) })}`;
  return url.href;
}

export function createSweepPanel(root, { getText, initial = null }) {
  let job = null;
  let plot = null;
  const input = (testid, value, placeholder, label) => h('input', { type: 'text', 'data-testid': testid, value, placeholder, 'aria-label': label, spellcheck: 'false' });
  const name1 = input('sweep-name-1', 'acks', 'acks', 'first setting');
  const values1 = input('sweep-values-1', '0,1,all', '0,1,all', 'its values');
  const name2 = input('sweep-name-2', '', 'broker.min.insync.replicas (optional)', 'second setting');
  const values2 = input('sweep-values-2', '', '1,2', 'its values');
  const seeds = h('input', { type: 'number', min: 1, max: 50, value: 1, 'data-testid': 'sweep-seeds', 'aria-label': 'seeds per combination' });
  const runButton = h('button', { type: 'button', class: 'kp-primary', 'data-testid': 'sweep-run', onclick: () => run() }, 'Run sweep');
  const progress = h('progress', { max: 1, value: 0, hidden: true, 'data-testid': 'sweep-progress', 'aria-label': 'Sweep progress' });
  const cancel = h('button', { type: 'button', hidden: true, 'data-testid': 'sweep-cancel', onclick: () => job?.cancel() }, 'Cancel');
  const status = h('span', { class: 'kp-status', role: 'status', 'data-testid': 'sweep-status' });
  const link = h('a', { 'data-testid': 'sweep-link', hidden: true }, 'link to this sweep');
  const plotBox = h('div', { class: 'kp-sweep-plot', 'data-testid': 'sweep-plot' });
  const table = h('div', { 'data-testid': 'sweep-table' });
  root.classList.add('kp-sweep');
  root.dataset.testid = 'sweep-panel';
  fill(
    root,
    h('h3', {}, 'Sweep'),
    h('p', { class: 'kp-muted' }, 'The scenario for every combination of values (and seeds): rates of lost, duplicated and reordered records per record sent. Names are Kafka properties: acks (every producer), broker.NAME, topic.NAME, consumer.NAME.'),
    h(
      'div',
      { class: 'kp-sweep-form' },
      h('label', {}, 'setting ', name1, ' = ', values1),
      h('label', {}, 'and ', name2, ' = ', values2),
      h('label', {}, 'seeds ', seeds),
      runButton,
      progress,
      cancel,
      status,
      link,
    ),
    plotBox,
    table,
  );

  function sets() {
    return [
      [name1, values1],
      [name2, values2],
    ]
      .filter(([n, v]) => n.value.trim() && v.value.trim())
      .map(([n, v]) => `${n.value.trim()}=${v.value.replace(/\s+/g, '')}`);
  }

  async function run() {
    job?.cancel();
    const s = sets();
    if (!s.length) {
      status.textContent = 'name a setting and its values first';
      return;
    }
    const n = Math.max(1, Math.min(50, Number(seeds.value) || 1));
    const text = getText();
    runButton.disabled = true;
    progress.hidden = cancel.hidden = false;
    progress.value = 0;
    status.textContent = 'running…';
    root.dataset.state = 'running';
    job = runSweep(text, s, n, (p) => (progress.value = p));
    try {
      const { sweep, ms } = await job.result;
      root.dataset.state = 'done';
      status.textContent = `${sweep.rows.length} run(s) in ${(ms / 1000).toFixed(1)} s`;
      render(sweep);
      link.href = await sweepUrl(text, s, n);
      link.hidden = false;
    } catch (err) {
      root.dataset.state = err.message === 'cancelled' ? 'cancelled' : 'error';
      status.textContent = err.message === 'cancelled' ? 'cancelled' : err.message;
    } finally {
      runButton.disabled = false;
      progress.hidden = cancel.hidden = true;
      job = null;
    }
  }

  function render(sweep) {
    const combos = sweep.combinations;
    const label = (c) => Object.entries(c.values).map(([k, v]) => `${k}=${v}`).join(' ');
    fill(
      table,
      h(
        'table',
        { class: 'kp-card-table' },
        h('thead', {}, h('tr', {}, [...sweep.settings, 'runs', 'lost', 'duplicated', 'reordered', 'records/s', 'p99 latency', 'promised', 'broke it'].map((t) => h('th', {}, t)))),
        h(
          'tbody',
          {},
          combos.map((c) =>
            h(
              'tr',
              { 'data-values': label(c) },
              sweep.settings.map((s) => h('td', {}, c.values[s])),
              h('td', {}, c.errors ? `${c.runs} (${c.errors} invalid)` : String(c.runs)),
              RATES.map((r) => h('td', { 'data-rate': r.key, 'data-value': c.rates[r.key] }, pct(c.rates[r.key]))),
              h('td', { 'data-speed': 'records_per_sec', 'data-value': c.speed?.records_per_sec ?? '' }, c.speed ? fmtRate(c.speed.records_per_sec) : '—'),
              h('td', { 'data-speed': 'latency_p99_ms', 'data-value': c.speed?.latency_p99_ms ?? '' }, c.speed ? `${c.speed.latency_p99_ms.toFixed(2)} ms` : '—'),
              h('td', {}, c.promised ?? '—'),
              h('td', {}, `${c.broke_promise} of ${c.runs}`),
            ),
          ),
        ),
      ),
    );
    plot?.destroy();
    plotBox.replaceChildren();
    const css = getComputedStyle(root);
    const colour = (v) => css.getPropertyValue(v).trim() || '#888';
    const x = combos.map((_, i) => i);
    plot = new uPlot(
      {
        width: Math.max(280, plotBox.clientWidth || 600),
        height: 220,
        scales: { x: { time: false, range: [-0.5, Math.max(0.5, combos.length - 0.5)] }, y: { range: (_, lo, hi) => [0, Math.max(hi, 0.01)] } },
        axes: [
          { values: (_, ticks) => ticks.map((t) => (Number.isInteger(t) && combos[t] ? label(combos[t]) : '')), stroke: colour('--fg') },
          { values: (_, ticks) => ticks.map(pct), stroke: colour('--fg'), size: 60 },
        ],
        series: [{}, ...RATES.map((r) => ({ label: r.label, stroke: colour(r.colour), width: 2, points: { size: 7 } }))],
      },
      [x, ...RATES.map((r) => combos.map((c) => c.rates[r.key]))],
      plotBox,
    );
    plotBox.dataset.points = String(combos.length);
  }

  if (initial?.sets?.length) {
    const [a, b] = initial.sets;
    const split = (s) => [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1)];
    [name1.value, values1.value] = split(a);
    if (b) [name2.value, values2.value] = split(b);
    seeds.value = String(initial.seeds ?? 1);
  }

  return { run, cancel: () => job?.cancel(), get job() { return job; } };
}

function pct(x) {
  return x === null || x === undefined ? '—' : `${(x * 100).toFixed(x && x < 0.01 ? 2 : 1)}%`;
}

function fmtRate(x) {
  return x >= 1e6 ? `${(x / 1e6).toFixed(2)}M` : x >= 1e4 ? `${Math.round(x / 1e3)}k` : String(Math.round(x));
}
