// The record grid: one cell per record (report.records, in id order) coloured by its
// outcome (a delivered record a consumer group reprocessed or skipped, or a pipeline's
// input it lost or duplicated, by that), drawn on a canvas so 10 000 records cost a few
// milliseconds. Click a cell,
// or focus the grid and use the arrow keys (Home/End, PageUp/PageDown), to open that
// record's journey; "Go to record" does the same by id. The selected record is announced
// to screen readers in the status line under the grid.
//
// Colours come from CSS variables (--rec-<category>) so both themes work. Test hooks:
// the canvas carries data-count, data-columns and data-pitch (cell pitch in CSS pixels).
import { fmtCount, fmtUs } from '../core/format.js';
import { h } from './dom.js';

export const CATEGORIES = [
  { key: 'delivered', label: 'delivered' },
  { key: 'reordered', label: 'reordered' },
  { key: 'duplicated', label: 'duplicated' },
  { key: 'lost', label: 'lost' },
  { key: 'phantom', label: 'phantom' },
  { key: 'aborted', label: 'aborted' },
  { key: 'deleted', label: 'deleted' },
  { key: 'compacted', label: 'compacted' },
  { key: 'reprocessed', label: 'reprocessed' },
  { key: 'skipped', label: 'skipped' },
  { key: 'pipeline_duplicated', label: 'pipeline duplicated' },
  { key: 'pipeline_lost', label: 'pipeline lost' },
  { key: 'failed', label: 'failed' },
  { key: 'pending', label: 'pending' },
  { key: 'undecided', label: 'undecided' },
];

/** The consumer-side verdicts, the gravest first: a record with several shows that one
 * (an input an at_least_once pipeline duplicated is also reprocessed by its group). */
const CONSUMER_RANK = { pipeline_lost: 4, skipped: 3, pipeline_duplicated: 2, reprocessed: 1 };
const CONSUMER_WORDS = {
  reprocessed: 'reprocessed by a consumer group',
  skipped: 'skipped by a consumer group',
  pipeline_duplicated: 'more than one output from a pipeline (pipeline duplicated)',
  pipeline_lost: 'committed past by a pipeline without an output (pipeline lost)',
};

/** Record id -> what a consumer group or a pipeline did wrong with it ('pipeline_lost',
 * 'skipped', 'pipeline_duplicated' or 'reprocessed', the gravest), from the report's
 * explanations (a pipeline's name its input records). */
export function consumerSide(report) {
  const out = new Map();
  for (const x of report.explanations ?? []) {
    const rank = CONSUMER_RANK[x.kind];
    if (!rank) continue;
    for (const id of x.records) if ((CONSUMER_RANK[out.get(id)] ?? 0) < rank) out.set(id, x.kind);
  }
  return out;
}

/** The colour category of a record: its outcome; for a delivered record, what a consumer
 * group or a pipeline did wrong with it (`consumer`, from consumerSide), else
 * 'reordered' when out of order. */
export function category(r, consumer = null) {
  if (r.outcome !== 'delivered') return r.outcome;
  return consumer?.get(r.id) ?? (r.reordered ? 'reordered' : r.outcome);
}

function describe(r, consumer) {
  const where = r.partition === null ? 'no partition' : `partition ${r.partition}`;
  const off = r.copies.length ? `offset${r.copies.length > 1 ? 's' : ''} ${r.copies.join(', ')}` : 'not in the final log';
  const res = r.result === 'acked' ? `acked, offset ${r.offset}` : r.result === 'failed' ? `failed: ${r.error}` : 'no result';
  const group = consumer.get(r.id);
  return `record ${r.id} · ${r.outcome}${r.reordered ? ', reordered' : ''}${group ? `, ${CONSUMER_WORDS[group]}` : ''} · ${r.producer} → ${where} · sent ${fmtUs(r.sent_us)} · ${res} · ${off}`;
}

/**
 * @param {HTMLElement} root
 * @param {{onSelect: (id: number|null) => void}} hooks
 */
export function createRecordGrid(root, { onSelect }) {
  root.classList.add('kp-records');
  root.dataset.testid = 'records';
  const legend = h('ul', { class: 'kp-legend', 'aria-label': 'Outcomes' });
  const goInput = h('input', { type: 'number', min: 0, id: `kp-go-${Math.random().toString(36).slice(2, 8)}`, 'data-testid': 'record-go', inputmode: 'numeric', placeholder: 'id' });
  const goForm = h(
    'form',
    { class: 'kp-go', onsubmit: (e) => (e.preventDefault(), selectId(Number(goInput.value))) },
    h('label', { for: goInput.id }, 'Go to record'),
    goInput,
    h('button', { type: 'submit' }, 'Show'),
  );
  const canvas = h('canvas', {
    tabindex: 0,
    'data-testid': 'record-grid',
    role: 'application',
    'aria-roledescription': 'record grid',
    'aria-label': 'Records coloured by outcome. Arrow keys move between records and show each journey.',
  });
  const scroller = h('div', { class: 'kp-grid-scroll' }, canvas);
  const status = h('p', { class: 'kp-grid-status', 'aria-live': 'polite', 'data-testid': 'record-status' }, '');
  root.replaceChildren(h('div', { class: 'kp-records-head' }, h('h3', {}, 'Records'), legend, goForm), scroller, status);

  let records = [];
  let consumer = new Map(); // id -> 'reprocessed' | 'skipped' | 'pipeline_duplicated' | 'pipeline_lost'
  let pitch = 12;
  let columns = 1;
  let selected = -1; // index into records
  let hover = -1;

  function layout() {
    const n = records.length;
    pitch = n <= 300 ? 18 : n <= 1500 ? 12 : n <= 5000 ? 9 : 7;
    const width = Math.max(scroller.clientWidth - 2, pitch);
    columns = Math.max(1, Math.floor(width / pitch));
    const rows = Math.max(1, Math.ceil(n / columns));
    const dpr = window.devicePixelRatio || 1;
    canvas.style.width = `${columns * pitch}px`;
    canvas.style.height = `${rows * pitch}px`;
    canvas.width = Math.round(columns * pitch * dpr);
    canvas.height = Math.round(rows * pitch * dpr);
    Object.assign(canvas.dataset, { count: n, columns, pitch });
  }

  function draw() {
    layout();
    const ctx = canvas.getContext('2d');
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const css = getComputedStyle(root);
    const colour = Object.fromEntries(CATEGORIES.map((c) => [c.key, css.getPropertyValue(`--rec-${c.key}`).trim() || '#888']));
    const gap = pitch >= 12 ? 2 : 1;
    const size = pitch - gap;
    // Batch fills by colour: one fillStyle change per category.
    const byCat = new Map();
    records.forEach((r, i) => {
      const c = category(r, consumer);
      if (!byCat.has(c)) byCat.set(c, []);
      byCat.get(c).push(i);
    });
    for (const [c, idx] of byCat) {
      ctx.fillStyle = colour[c] ?? '#888';
      for (const i of idx) ctx.fillRect((i % columns) * pitch, Math.floor(i / columns) * pitch, size, size);
    }
    // Reordered records whose cell has another colour get a corner mark.
    ctx.fillStyle = colour.reordered;
    records.forEach((r, i) => {
      if (r.reordered && category(r, consumer) !== 'reordered') {
        const x = (i % columns) * pitch;
        const y = Math.floor(i / columns) * pitch;
        ctx.beginPath();
        ctx.moveTo(x + size, y);
        ctx.lineTo(x + size, y + size / 2);
        ctx.lineTo(x + size / 2, y);
        ctx.fill();
      }
    });
    for (const [i, style] of /** @type {[number, string][]} */ ([[hover, css.getPropertyValue('--muted')], [selected, css.getPropertyValue('--fg')]])) {
      if (i < 0 || i >= records.length) continue;
      ctx.strokeStyle = style.trim() || '#000';
      ctx.lineWidth = 2;
      ctx.strokeRect((i % columns) * pitch + 1, Math.floor(i / columns) * pitch + 1, size - 2 + (gap > 1 ? 0 : 0), size - 2);
    }
  }

  function renderLegend() {
    const count = Object.fromEntries(CATEGORIES.map((c) => [c.key, 0]));
    for (const r of records) count[category(r, consumer)] += 1;
    legend.replaceChildren(
      ...CATEGORIES.filter((c) => count[c.key] > 0).map((c) =>
        h('li', { 'data-category': c.key, 'data-testid': `legend-${c.key}` }, h('span', { class: 'kp-swatch', style: `background: var(--rec-${c.key})` }), `${c.label} ${fmtCount(count[c.key])}`),
      ),
    );
  }

  function indexAt(event) {
    const rect = canvas.getBoundingClientRect();
    const col = Math.floor((event.clientX - rect.left) / pitch);
    const row = Math.floor((event.clientY - rect.top) / pitch);
    if (col < 0 || col >= columns || row < 0) return -1;
    const i = row * columns + col;
    return i < records.length ? i : -1;
  }

  function select(i, announce = true) {
    if (i < 0 || i >= records.length) return;
    selected = i;
    draw();
    const r = records[i];
    if (announce) status.textContent = describe(r, consumer);
    canvas.dataset.selected = String(r.id);
    // Keep the selected cell in view inside the scroller.
    const y = Math.floor(i / columns) * pitch;
    if (y < scroller.scrollTop || y + pitch > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = y - scroller.clientHeight / 2;
    onSelect(r.id);
  }

  function selectId(id) {
    const i = records.findIndex((r) => r.id === id);
    if (i >= 0) select(i);
    else status.textContent = `no record ${id} in this run`;
  }

  canvas.addEventListener('click', (e) => {
    const i = indexAt(e);
    if (i >= 0) select(i);
  });
  canvas.addEventListener('mousemove', (e) => {
    const i = indexAt(e);
    if (i === hover) return;
    hover = i;
    if (i >= 0) status.textContent = describe(records[i], consumer);
    draw();
  });
  canvas.addEventListener('mouseleave', () => {
    hover = -1;
    draw();
    if (selected >= 0) status.textContent = describe(records[selected], consumer);
  });
  canvas.addEventListener('keydown', (e) => {
    if (!records.length) return;
    const from = selected < 0 ? 0 : selected;
    const moves = {
      ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns,
      PageDown: columns * 10, PageUp: -columns * 10,
    };
    let to = null;
    if (e.key in moves) to = selected < 0 ? 0 : from + moves[e.key];
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = records.length - 1;
    else if (e.key === 'Enter' || e.key === ' ') to = from;
    if (to === null) return;
    e.preventDefault();
    select(Math.min(Math.max(to, 0), records.length - 1));
  });
  new ResizeObserver(() => records.length && draw()).observe(scroller);
  const redraw = () => records.length && draw();
  document.addEventListener('kplay-theme', redraw);

  return {
    update(report) {
      const previous = selected >= 0 ? records[selected]?.id : null;
      records = report.records ?? [];
      consumer = consumerSide(report);
      selected = previous === null ? -1 : records.findIndex((r) => r.id === previous);
      hover = -1;
      root.hidden = false;
      renderLegend();
      draw();
      status.textContent = records.length ? `${fmtCount(records.length)} records. Click one, or focus the grid and use the arrow keys, to see its journey.` : 'No records were sent.';
      if (selected >= 0) onSelect(records[selected].id);
      else onSelect(null);
    },
    clear() {
      records = [];
      consumer = new Map();
      selected = -1;
      legend.replaceChildren();
      status.textContent = '';
      const ctx = canvas.getContext('2d');
      ctx.clearRect(0, 0, canvas.width, canvas.height);
    },
    selectId,
  };
}
