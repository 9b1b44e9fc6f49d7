// The record grid: one cell per record (report.records, in id order) coloured by its
// outcome (a delivered record a consumer group reprocessed or skipped, or a pipeline's
// input it lost or duplicated, by that), drawn on a canvas the size of the visible part
// of the grid (the rows in view only), so a million records scroll as lightly as ten
// thousand. Click a cell,
// or focus the grid and use the arrow keys (Home/End, PageUp/PageDown), to open that
// record's journey; "Go to record" does the same by id. The selected record is announced
// to screen readers in the status line under the grid.
//
// Colours come from CSS variables (--rec-<category>) so both themes work. Test hooks:
// the canvas carries data-count, data-columns and data-pitch (cell pitch in CSS pixels).
import { fmtCount, fmtUs } from '../core/format.js';
import { CATEGORIES, categoriesOf, consumerSide, CONSUMER_WORDS, REORDERED } from '../core/outcomes.js';
import { h } from './dom.js';

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
  // The canvas stays at the top of the scroller's view (sticky) and draws the rows in
  // view; the spacer under it gives the scroller the whole grid's height.
  const spacer = h('div', { class: 'kp-grid-spacer' });
  const scroller = h('div', { class: 'kp-grid-scroll' }, canvas, spacer);
  const status = h('p', { class: 'kp-grid-status', 'aria-live': 'polite', 'data-testid': 'record-status' }, '');
  root.replaceChildren(h('div', { class: 'kp-records-head' }, h('h3', {}, 'Records'), legend, goForm), scroller, status);

  let records = [];
  let consumer = new Map(); // id -> 'reprocessed' | 'skipped' | 'pipeline_duplicated' | 'pipeline_lost'
  let cats = new Uint8Array(0); // each record's category (index into CATEGORIES)
  let pitch = 12;
  let columns = 1;
  let rows = 1;
  let selected = -1; // index into records
  let hover = -1;

  function layout() {
    const n = records.length;
    pitch = n <= 300 ? 18 : n <= 1500 ? 12 : n <= 5000 ? 9 : 7;
    const width = Math.max(scroller.clientWidth - 2, pitch);
    columns = Math.max(1, Math.floor(width / pitch));
    rows = Math.max(1, Math.ceil(n / columns));
    // The canvas is as tall as the grid, or as the scroller's view when the grid is taller.
    const view = Math.min(rows * pitch, Math.max(pitch, viewHeight()));
    const dpr = window.devicePixelRatio || 1;
    canvas.style.width = `${columns * pitch}px`;
    canvas.style.height = `${view}px`;
    spacer.style.height = `${rows * pitch - view}px`;
    const w = Math.round(columns * pitch * dpr);
    const hgt = Math.round(view * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== hgt) canvas.height = hgt;
    Object.assign(canvas.dataset, { count: n, columns, pitch });
  }

  /** The scroller's visible height (its max-height when it has not been laid out yet). */
  function viewHeight() {
    return scroller.clientHeight || parseFloat(getComputedStyle(scroller).maxHeight) || 240;
  }

  /** Where the canvas's top is in the grid: the scroll offset (the canvas sticks to the top). */
  const top = () => Math.min(scroller.scrollTop, spacer.offsetHeight);

  function draw() {
    layout();
    const ctx = canvas.getContext('2d');
    const dpr = window.devicePixelRatio || 1;
    const y0 = top();
    ctx.setTransform(dpr, 0, 0, dpr, 0, -y0 * dpr);
    ctx.clearRect(0, y0, columns * pitch, canvas.height / dpr);
    const css = getComputedStyle(root);
    const colour = CATEGORIES.map((c) => css.getPropertyValue(`--rec-${c.key}`).trim() || '#888');
    const gap = pitch >= 12 ? 2 : 1;
    const size = pitch - gap;
    const first = Math.max(0, Math.floor(y0 / pitch) * columns);
    const last = Math.min(records.length, Math.ceil((y0 + canvas.height / dpr) / pitch) * columns);
    // Batch fills by colour: one fillStyle change per category.
    for (let c = 0; c < CATEGORIES.length; c++) {
      ctx.fillStyle = colour[c];
      for (let i = first; i < last; i++) if (cats[i] === c) ctx.fillRect((i % columns) * pitch, Math.floor(i / columns) * pitch, size, size);
    }
    // Reordered records whose cell has another colour get a corner mark.
    ctx.fillStyle = colour[REORDERED];
    for (let i = first; i < last; i++) {
      if (records[i].reordered && cats[i] !== REORDERED) {
        const x = (i % columns) * pitch;
        const y = Math.floor(i / columns) * pitch;
        ctx.beginPath();
        ctx.moveTo(x + size, y);
        ctx.lineTo(x + size, y + size / 2);
        ctx.lineTo(x + size / 2, y);
        ctx.fill();
      }
    }
    for (const [i, style] of /** @type {[number, string][]} */ ([[hover, css.getPropertyValue('--muted')], [selected, css.getPropertyValue('--fg')]])) {
      if (i < first || i >= last) continue;
      ctx.strokeStyle = style.trim() || '#000';
      ctx.lineWidth = 2;
      ctx.strokeRect((i % columns) * pitch + 1, Math.floor(i / columns) * pitch + 1, size - 2, size - 2);
    }
  }

  function renderLegend() {
    const count = CATEGORIES.map(() => 0);
    for (const c of cats) count[c] += 1;
    legend.replaceChildren(
      ...CATEGORIES.filter((c, i) => count[i] > 0).map((c) =>
        h('li', { 'data-category': c.key, 'data-testid': `legend-${c.key}` }, h('span', { class: 'kp-swatch', style: `background: var(--rec-${c.key})` }), `${c.label} ${fmtCount(count[CATEGORIES.indexOf(c)])}`),
      ),
    );
  }

  function indexAt(event) {
    const rect = canvas.getBoundingClientRect();
    const col = Math.floor((event.clientX - rect.left) / pitch);
    const row = Math.floor((event.clientY - rect.top + top()) / pitch);
    if (col < 0 || col >= columns || row < 0) return -1;
    const i = row * columns + col;
    return i < records.length ? i : -1;
  }

  function select(i, announce = true) {
    if (i < 0 || i >= records.length) return;
    selected = i;
    const r = records[i];
    if (announce) status.textContent = describe(r, consumer);
    canvas.dataset.selected = String(r.id);
    // Keep the selected cell in view inside the scroller.
    const y = Math.floor(i / columns) * pitch;
    if (y < scroller.scrollTop || y + pitch > scroller.scrollTop + scroller.clientHeight) scroller.scrollTop = y - scroller.clientHeight / 2;
    draw();
    onSelect(r.id);
  }

  function selectId(id) {
    // Records come in id order, so an id is usually its own index.
    const i = records[id]?.id === id ? id : records.findIndex((r) => r.id === id);
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
  let scrollFrame = 0;
  scroller.addEventListener('scroll', () => {
    if (!records.length || scrollFrame) return;
    scrollFrame = requestAnimationFrame(() => {
      scrollFrame = 0;
      draw();
    });
  });
  const redraw = () => records.length && draw();
  document.addEventListener('kplay-theme', redraw);

  return {
    update(report) {
      const previous = selected >= 0 ? records[selected]?.id : null;
      records = report.records ?? [];
      consumer = consumerSide(report);
      // A paged run's categories come made by the worker, with its records.
      cats = report.categories ?? categoriesOf(records, consumer);
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
      cats = new Uint8Array(0);
      selected = -1;
      legend.replaceChildren();
      status.textContent = '';
      const ctx = canvas.getContext('2d');
      ctx.clearRect(0, 0, canvas.width, canvas.height);
    },
    selectId,
  };
}
