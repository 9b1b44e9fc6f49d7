// The charts view (uPlot, loaded on demand): throughput, each record's send()-to-callback
// latency, Produce request latency percentiles, records per request, retries and
// failures, ISR size and HW lag per partition over virtual time (data: series.js). The
// charts open zoomed to the records' activity (first send() to last callback); drag to
// zoom a time range, double-click for the whole run (every chart follows); a click moves
// the scrubber. The scrubbed moment is a vertical line on every chart and each fault
// statement a dashed, labelled one. Colours come from the views' CSS custom properties,
// so charts are re-created when the theme changes.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { el, fmtCount, fmtTime, PRODUCER_COLOURS } from './format.js';
import { buildSeries } from './series.js';

const HEIGHT = 150;
const SERIES_COLOURS = ['--kv-p0', '--kv-p1', '--kv-p2', '--kv-p3', '--kv-p4', '--kv-p5', '--kv-p6', '--kv-p7'];

export function createCharts(section, { onPick }) {
  const note = el('p', { class: 'kv-chart-note' });
  const grid = el('div', { class: 'kv-chart-grid' });
  section.append(note, grid);
  let model = null;
  let data = null;
  let plots = [];
  let now = null;
  let view = null; // the initial x range, seconds: the activity window or the whole run
  const syncKey = `kv-${Math.random().toString(36).slice(2)}`;

  const ro = new ResizeObserver(() => {
    for (const { u, box } of plots) u.setSize({ width: width(box), height: HEIGHT });
  });
  ro.observe(grid);
  // The palette, resolved from the CSS custom properties once per theme (reading computed
  // styles costs a style recalculation).
  let palette = null;
  const stopTheme = onThemeChange(() => {
    palette = null;
    if (model) draw({ rebuild: true });
  });

  /** m: the views' model, or a paged run's {endUs, producers, series} (series made in
   * the engine's worker by buildSeries); t: the scrubbed time to mark (default: as is). */
  function setModel(m, t = now) {
    model = m;
    now = t;
    data = m ? (m.series ?? buildSeries(m)) : null;
    draw({ rebuild: false });
  }

  /** Each chart of the current data: {id, title, values, series, y}. */
  function specs(c) {
    const x = data.x;
    const rl = data.recordLatency;
    const prodSeries = model.producers.map((p, i) => ({ label: p, stroke: c.series[i % PRODUCER_COLOURS], width: 1.5 }));
    const tps = [...data.isr.series.keys()];
    const tpSeries = tps.map((tp, i) => ({ label: tp, stroke: c.series[(i + 3) % PRODUCER_COLOURS], width: 1.5, paths: uPlot.paths.stepped({ align: 1 }) }));
    return [
      { id: 'throughput', title: 'Throughput (acked records/s)', values: [x, ...model.producers.map((p) => data.throughput.get(p))], series: prodSeries, y: fmtCount },
      { id: 'record-latency', title: 'Record latency, send() to callback (ms)', values: [rl.x, rl.acked, rl.failed], series: [
        { label: 'acked', stroke: c.accent, width: 0, paths: () => null, points: { show: true, size: 3, stroke: c.accent, fill: c.accent } },
        { label: 'failed', stroke: c.bad, width: 0, paths: () => null, points: { show: true, size: 4, stroke: c.bad, fill: c.bad } },
      ], y: (v) => `${v}` },
      { id: 'latency', title: 'Produce request latency (ms)', values: [x, data.latency.p50, data.latency.p99, data.latency.max], series: [
        { label: 'p50', stroke: c.accent, width: 1.5, points: dots(c.accent) },
        { label: 'p99', stroke: c.warn, width: 1.5, points: dots(c.warn) },
        { label: 'max', stroke: c.bad, width: 1, dash: [4, 3], points: dots(c.bad) },
      ], y: (v) => `${v}` },
      { id: 'records', title: 'Records per Produce request', values: [x, data.recordsPerRequest], series: [{ label: 'avg', stroke: c.ok, width: 1.5, points: dots(c.ok) }], y: fmtCount },
      { id: 'retries', title: 'Retries and failed batches', values: [x, data.retries, data.failures], series: [
        { label: 'batch_retried', stroke: c.warn, fill: c.warnFill, width: 1, paths: uPlot.paths.bars({ size: [0.9, 8] }) },
        { label: 'failed/expired', stroke: c.bad, fill: c.badFill, width: 1, paths: uPlot.paths.bars({ size: [0.9, 8] }) },
      ], y: fmtCount },
      { id: 'isr', title: 'ISR size', values: [data.isr.x, ...tps.map((tp) => data.isr.series.get(tp))], series: tpSeries, y: fmtCount },
      { id: 'lag', title: 'HW lag: leader LEO − HW (offsets)', values: [data.lag.x, ...tps.map((tp) => data.lag.series.get(tp) ?? new Array(data.lag.x.length).fill(null))], series: tpSeries, y: fmtCount },
    ];
  }

  /** Draws the charts of the current data: the plots shown take the new data when they
   * have the same series (a re-run after a setting change: no DOM rebuilt), else (and
   * after a theme change, `rebuild`) they are made anew. */
  function draw({ rebuild }) {
    if (!model) {
      for (const p of plots) p.u.destroy();
      plots = [];
      grid.replaceChildren();
      note.textContent = 'No run yet.';
      return;
    }
    const c = (palette ??= colours(section));
    const s = data.latencyStats;
    const [from, to] = data.activity;
    const zoomed = to - from < 0.9 * model.endUs;
    const rl = data.recordLatency;
    note.textContent = `Buckets of ${fmtTime(data.bucketUs)}. Request latency: ${s ? `p50 ${ms(s.p50)}, p95 ${ms(s.p95)}, p99 ${ms(s.p99)}, max ${ms(s.max)} over ${fmtCount(s.count)} Produce requests` : 'no Produce responses'}.${rl.sampled > 1 ? ` Record latency: the slowest of every ${fmtCount(rl.sampled)} records.` : ''}${data.faults.length ? ` Dashed lines: ${data.faults.length === 1 ? 'the fault' : `${data.faults.length} faults`}.` : ''} ${zoomed ? `Zoomed to the records' activity (${fmtTime(Math.round(from))} to ${fmtTime(Math.round(to))}${outside(data.faults, from, to)}); double-click for the whole run` : 'Double-click resets the zoom'}; drag to zoom, click to move the scrubber.`;
    view = zoomed ? [from / 1e6, to / 1e6] : [0, model.endUs / 1e6];
    const all = specs(c);
    const shapes = all.map(shapeOf);
    if (!rebuild && plots.length === all.length && plots.every((p, i) => p.shape === shapes[i])) {
      all.forEach((spec, i) => {
        const { u } = plots[i];
        u.batch(() => {
          u.setData(spec.values);
          u.setScale('x', { min: view[0], max: view[1] });
        });
      });
      return;
    }
    for (const p of plots) p.u.destroy();
    plots = [];
    const boxes = all.map((spec) => el('figure', { class: 'kv-chart', dataset: { testid: `chart-${spec.id}` } }, el('figcaption', {}, spec.title)));
    grid.replaceChildren(...boxes);
    // The grid's columns are equal: one layout for every chart's width.
    const w = width(boxes[0]);
    all.forEach((spec, i) => add(spec, boxes[i], w, shapes[i], c));
  }

  function add({ values, series, y }, box, w, shape, c) {
    const opts = {
      width: w,
      height: HEIGHT,
      scales: { x: { time: false }, y: { range: (u, lo, hi) => /** @type {[number, number]} */ ([0, Math.max(1, hi * 1.1)]) } },
      cursor: { sync: { key: syncKey }, drag: { x: true, y: false } },
      legend: { live: true },
      axes: [
        axis(c, (u, vals) => vals.map((v) => (v === 0 ? '0' : fmtTime(Math.round(v * 1e6))))),
        axis(c, (u, vals) => vals.map((v) => (v == null ? '' : y(Math.round(v * 100) / 100))), 52),
      ],
      series: [{ label: 'time', value: (u, v) => (v == null ? '–' : fmtTime(Math.round(v * 1e6))) }, ...series],
      hooks: {
        draw: [(u) => drawFaults(u, c), (u) => drawNow(u, c)],
        // Drag zoom and double-click reach every chart through the cursor sync.
        setScale: [(u, key) => key === 'x' && noteRange(u)],
      },
    };
    const u = new uPlot(opts, values, box);
    u.setScale('x', { min: view[0], max: view[1] });
    let down = null;
    u.over.addEventListener('mousedown', (e) => { down = [e.clientX, e.clientY]; });
    u.over.addEventListener('click', (e) => {
      if (!down || Math.abs(e.clientX - down[0]) > 3) return;
      const v = u.posToVal(u.cursor.left, 'x');
      if (Number.isFinite(v)) onPick(Math.max(0, Math.round(v * 1e6)));
    });
    plots.push({ u, box, shape });
  }

  /** The x range a chart shows, on its figure (for tests and tools). */
  function noteRange(u) {
    const box = u.root.parentElement;
    if (!box || u.scales.x.min == null) return;
    box.dataset.from = String(Math.round(u.scales.x.min * 1e6));
    box.dataset.to = String(Math.round(u.scales.x.max * 1e6));
  }

  /** Each fault statement: a dashed line with its text, on every chart. */
  function drawFaults(u, c) {
    if (!data?.faults.length) return;
    const { ctx } = u;
    const dpr = devicePixelRatio;
    ctx.save();
    ctx.strokeStyle = c.bad;
    ctx.fillStyle = c.bad;
    ctx.lineWidth = dpr;
    ctx.setLineDash([4 * dpr, 3 * dpr]);
    ctx.font = `${10 * dpr}px system-ui, sans-serif`;
    ctx.textAlign = 'left';
    ctx.textBaseline = 'alphabetic';
    let lastLabel = -Infinity;
    for (const f of data.faults) {
      const xPos = u.valToPos(f.t / 1e6, 'x', true);
      if (xPos < u.bbox.left || xPos > u.bbox.left + u.bbox.width) continue;
      ctx.beginPath();
      ctx.moveTo(xPos, u.bbox.top);
      ctx.lineTo(xPos, u.bbox.top + u.bbox.height);
      ctx.stroke();
      // Labels only where they do not overlap the previous one.
      if (xPos - lastLabel > 90 * dpr) {
        const text = f.label.length > 24 ? `${f.label.slice(0, 23)}…` : f.label;
        const w = ctx.measureText(text).width;
        const right = xPos + 3 * dpr + w > u.bbox.left + u.bbox.width;
        ctx.fillText(text, right ? xPos - 3 * dpr - w : xPos + 3 * dpr, u.bbox.top + 10 * dpr);
        lastLabel = xPos;
      }
    }
    ctx.restore();
  }

  function drawNow(u, c) {
    if (now == null) return;
    const xPos = u.valToPos(now / 1e6, 'x', true);
    if (xPos < u.bbox.left || xPos > u.bbox.left + u.bbox.width) return;
    const { ctx } = u;
    ctx.save();
    ctx.strokeStyle = c.now;
    ctx.lineWidth = 1.5 * devicePixelRatio;
    ctx.beginPath();
    ctx.moveTo(xPos, u.bbox.top);
    ctx.lineTo(xPos, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.restore();
  }

  return {
    setModel,
    setNow(t) {
      now = t;
      for (const { u } of plots) u.redraw(false, false);
    },
    destroy() {
      ro.disconnect();
      stopTheme();
      for (const p of plots) p.u.destroy();
      plots = [];
    },
  };
}

/** ", 2 faults after it" when fault statements fall outside the window. */
function outside(faults, from, to) {
  const before = faults.filter((f) => f.t < from).length;
  const after = faults.filter((f) => f.t > to).length;
  const n = (k) => (k === 1 ? '1 fault' : `${k} faults`);
  return [before && `, ${n(before)} before it`, after && `, ${n(after)} after it`].filter(Boolean).join('');
}

/** Buckets with data drawn as dots, so isolated buckets show between empty ones. */
function dots(colour) {
  return { show: true, size: 4, stroke: colour, fill: colour };
}

/** A chart's identity: which series it draws (the same shape takes new data in place). */
function shapeOf({ id, series }) {
  return `${id}|${series.map((x) => x.label).join('|')}`;
}

function width(box) {
  return Math.max(220, Math.floor(box.clientWidth || 320));
}

function ms(v) {
  return `${Math.round(v * 1000) / 1000} ms`;
}

function axis(c, values, size) {
  return {
    stroke: c.muted,
    font: '11px system-ui, sans-serif',
    grid: { stroke: c.grid, width: 1 },
    ticks: { stroke: c.grid, width: 1, size: 4 },
    values,
    ...(size ? { size } : {}),
  };
}

/** Resolves the views' CSS custom properties to colours the canvas can use. */
function colours(node) {
  const cs = getComputedStyle(node);
  const v = (name) => cs.getPropertyValue(name).trim() || '#888';
  const alpha = (col, a) => {
    const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(col);
    return m ? `rgba(${parseInt(m[1], 16)}, ${parseInt(m[2], 16)}, ${parseInt(m[3], 16)}, ${a})` : col;
  };
  return {
    series: SERIES_COLOURS.map(v),
    accent: v('--kv-accent'),
    ok: v('--kv-ok'),
    warn: v('--kv-warn'),
    bad: v('--kv-bad'),
    warnFill: alpha(v('--kv-warn'), 0.45),
    badFill: alpha(v('--kv-bad'), 0.45),
    muted: v('--kv-muted'),
    grid: v('--kv-grid'),
    now: v('--kv-now'),
  };
}

/** Calls fn when the page theme changes: data-theme on any element of the document, or
 * the 'kplay-theme' event ui/theme.js sends for every change, including those inside a
 * widget's shadow root, which the document's observer does not see. */
export function onThemeChange(fn) {
  const mo = new MutationObserver(fn);
  mo.observe(document.documentElement, { attributes: true, subtree: true, attributeFilter: ['data-theme'] });
  document.addEventListener('kplay-theme', fn);
  return () => {
    mo.disconnect();
    document.removeEventListener('kplay-theme', fn);
  };
}
