// The timeline view: a sequence diagram of the run, one lifeline per node (producers,
// brokers, consumers; the controller lane folded by default, its decisions then drawn as
// bands across the diagram). Arrows are messages, marks are what happened on a node,
// bands are the scenario's actions. Drawn in SVG, virtualised: only a window of about
// three screens around the scroll position is in the DOM, found through the layout's
// bucket index, so runs with tens of thousands of events scroll smoothly. A horizontal
// "now" line shows the scrubbed moment; what happens after it is dimmed. Clicking an
// item moves the scrubber to its time. Zoom: the −/+ buttons, Ctrl+wheel, or -/+ keys.
// Produce requests pipelined on one connection, and their responses, are drawn as one
// band each (bundleInFlight) instead of arrows crossing each other; Events ▸ "In-flight
// requests as bundles" turns that off.
import { el, esc, fmtCount, fmtTime, producerColour, uid } from './format.js';
import { GROUPS, buildItems, bundleInFlight, itemBuilder, itemText } from './timeline-items.js';
import { ZOOMS, layout } from './timeline-layout.js';
import { inInterval } from './model.js';

const HEAD = 30;
const CHAR_PX = 6.1;
const LABEL_PX = 12; // labels closer than this in one lane gap would overlap
/** Traces longer than this get their items built a slice per frame (setModel). */
const SLICED_EVENTS = 20_000;
const SLICE_MS = 10;

export function createTimeline(parent, { onPick }) {
  const state = {
    model: null,
    items: [],
    // Pipelined requests and responses drawn as bundles (bundleInFlight), made on demand.
    bundle: true,
    bundled: null,
    L: null,
    shown: new Set(GROUPS.filter((g) => g.on).map((g) => g.id)),
    controller: false,
    zoomIx: ZOOMS.indexOf(1),
    now: null,
    win: { top: -1, h: 0 },
    /** @type {Map<number, number>} */
    lanesX: new Map(),
    laneW: 0,
    gutter: 86,
    width: 0,
    rendered: [],
  };

  const zoomLabel = el('span', { class: 'kv-zoom-label', 'aria-live': 'polite' }, '1×');
  const zoomOut = el('button', { type: 'button', class: 'kv-btn', 'aria-label': 'Zoom out (more time per screen)', title: 'Zoom out (−)', onclick: () => setZoom(state.zoomIx - 1) }, '−');
  const zoomIn = el('button', { type: 'button', class: 'kv-btn', 'aria-label': 'Zoom in', title: 'Zoom in (+)', onclick: () => setZoom(state.zoomIx + 1) }, '+');
  const ctrlBox = el('input', { type: 'checkbox', id: uid('ctrl'), onchange: (e) => { state.controller = e.target.checked; relayout(); } });
  const filterList = el('div', { class: 'kv-filter-list', role: 'group', 'aria-label': 'Kinds of events shown' });
  const filterSummary = el('summary', {}, 'Events');
  const filters = el('details', { class: 'kv-filters' }, filterSummary, filterList);
  const tools = el('div', { class: 'kv-tools' },
    el('span', { class: 'kv-zoom', role: 'group', 'aria-label': 'Zoom' }, zoomOut, zoomLabel, zoomIn),
    el('label', { class: 'kv-check', for: ctrlBox.id }, ctrlBox, 'Controller lane'),
    filters);
  const lanesHead = el('div', { class: 'kv-tl-lanes', 'aria-hidden': 'true' });
  const svg = svgEl('svg', { class: 'kv-tl-svg', 'data-testid': 'timeline-svg', role: 'img', 'aria-label': 'Sequence diagram' });
  const space = el('div', { class: 'kv-tl-space' }, svg);
  const scroller = el('div', { class: 'kv-tl-scroll', tabindex: '0', 'aria-label': 'Sequence diagram: scroll through the run; click an event to move the scrubber to it; + and − zoom' }, lanesHead, space);
  const empty = el('p', { class: 'kv-empty' }, 'No run yet.');
  const headingId = uid('timeline');
  const root = el('section', { class: 'kv-panel kv-timeline', part: 'timeline', dataset: { testid: 'view-timeline' }, 'aria-labelledby': headingId },
    el('header', { class: 'kv-panel-head' }, el('h3', { id: headingId }, 'Timeline'), tools),
    scroller, empty);
  parent.append(root);

  let raf = 0;
  const schedule = (force) => {
    if (force) state.win.top = -1;
    if (!raf) raf = requestAnimationFrame(() => { raf = 0; draw(); });
  };
  scroller.addEventListener('scroll', () => schedule(false), { passive: true });
  scroller.addEventListener('wheel', (e) => {
    if (!e.ctrlKey) return;
    e.preventDefault();
    setZoom(state.zoomIx + (e.deltaY < 0 ? 1 : -1));
  }, { passive: false });
  scroller.addEventListener('keydown', (e) => {
    if (e.key === '+' || e.key === '=') setZoom(state.zoomIx + 1);
    else if (e.key === '-' || e.key === '_') setZoom(state.zoomIx - 1);
  });
  svg.addEventListener('click', (e) => {
    const g = e.target.closest?.('[data-i]');
    if (!g) return;
    const it = state.rendered[Number(g.dataset.i)];
    if (it) onPick(it.at === 'end' ? it.t1 : it.t0);
  });
  const ro = new ResizeObserver(() => { if (state.model && state.L) { geometry(); schedule(true); } });
  ro.observe(scroller);

  let building = 0; // the setModel whose items are being built
  function setModel(model) {
    const gen = ++building;
    state.model = model;
    state.bundled = null;
    const hasTrace = model && model.trace.length > 0;
    empty.textContent = model ? 'This run has no trace: run it with {trace: true} to see the timeline.' : 'No run yet.';
    empty.hidden = !!hasTrace;
    scroller.hidden = !hasTrace;
    if (!model || model.trace.length <= SLICED_EVENTS) {
      state.items = model ? buildItems(model) : [];
      delete root.dataset.building;
      return laidOut();
    }
    // A long trace: its items are built SLICE_MS at a time, one slice per frame, so the
    // rest of the page keeps drawing; the diagram shows once they are all built.
    state.items = [];
    state.L = null;
    root.dataset.building = 'true';
    buildFilters();
    svg.replaceChildren();
    const builder = itemBuilder(model);
    const slice = () => {
      if (gen !== building) return;
      if (!builder.step(performance.now() + SLICE_MS)) return afterNextFrame(slice);
      // The layout on a frame of its own (the last slice folded identical items).
      afterNextFrame(() => {
        if (gen !== building) return;
        state.items = builder.items();
        delete root.dataset.building;
        laidOut();
      });
    };
    afterNextFrame(slice);
  }

  function laidOut() {
    buildFilters();
    relayout();
    scroller.scrollTop = 0;
  }

  function buildFilters() {
    const counts = new Map();
    for (const it of state.items) counts.set(it.g, (counts.get(it.g) ?? 0) + it.n);
    filterList.replaceChildren(...GROUPS.filter((g) => counts.has(g.id)).map((g) => {
      const box = el('input', { type: 'checkbox', checked: state.shown.has(g.id), onchange: (e) => {
        if (e.target.checked) state.shown.add(g.id); else state.shown.delete(g.id);
        updateFilterSummary(counts);
        relayout();
      } });
      return el('label', { class: 'kv-check' }, box, `${g.label} (${fmtCount(counts.get(g.id))})`);
    }), el('label', { class: 'kv-check kv-bundle-check', title: 'Produce requests sent while earlier ones are still on the wire (and their responses) drawn as one band, not as arrows crossing each other' },
      el('input', { type: 'checkbox', checked: state.bundle, dataset: { testid: 'timeline-bundle' }, onchange: (e) => { state.bundle = e.target.checked; relayout(); } }),
      'In-flight requests as bundles'));
    updateFilterSummary(counts);
  }
  function updateFilterSummary(counts) {
    const present = GROUPS.filter((g) => counts.has(g.id));
    filterSummary.textContent = `Events: ${present.filter((g) => state.shown.has(g.id)).length} of ${present.length} kinds`;
  }

  function setZoom(ix) {
    ix = Math.max(0, Math.min(ZOOMS.length - 1, ix));
    if (ix === state.zoomIx || !state.L) { state.zoomIx = ix; return; }
    const centreT = state.L.timeAt(scroller.scrollTop + scroller.clientHeight / 2);
    state.zoomIx = ix;
    relayout();
    scroller.scrollTop = state.L.yOf(centreT) - scroller.clientHeight / 2 + HEAD;
  }

  function relayout() {
    const z = ZOOMS[state.zoomIx];
    zoomLabel.textContent = `${z}×`;
    zoomOut.disabled = state.zoomIx === 0;
    zoomIn.disabled = state.zoomIx === ZOOMS.length - 1;
    if (!state.model) {
      // No run: nothing left to draw (a scheduled frame must not draw the last one's).
      state.L = null;
      return;
    }
    const controllerLane = state.model.laneIndex.get('controller');
    const items = state.bundle ? (state.bundled ??= bundleInFlight(state.items, state.model.trace)) : state.items;
    state.L = layout(items, { shown: state.shown, controller: state.controller, zoom: z, controllerLane });
    geometry();
    schedule(true);
  }

  /** Lane positions from the width available. */
  function geometry() {
    const lanes = shownLanes();
    const narrow = scroller.clientWidth < 520;
    state.gutter = narrow ? 60 : 86; // the time axis
    const avail = Math.max(200, scroller.clientWidth - state.gutter - 8);
    // On a phone a producer and three brokers fit without scrolling sideways; more lanes
    // scroll inside the timeline (never the page).
    const minLane = narrow ? 40 : 120;
    // Lanes share the width, with some extra room right of the last one for its labels.
    state.laneW = Math.max(minLane, avail / (lanes.length + 0.4));
    state.width = state.gutter + state.laneW * (lanes.length + 0.4);
    state.lanesX = new Map(lanes.map((l, k) => [l.index, state.gutter + state.laneW * (k + 0.5)]));
    space.style.height = `${state.L.height}px`;
    space.style.width = `${state.width}px`;
    lanesHead.style.width = `${state.width}px`;
    // Lanes too narrow for their names (a phone) show short ones: b1 for broker-1.
    const short = state.laneW < 72;
    lanesHead.replaceChildren(...lanes.map((l) => {
      const span = el('span', {
        class: `kv-lane-name kv-lane-${l.kind}${short ? ' kv-lane-short' : ''}`, dataset: { testid: 'lane', name: l.name }, title: l.name,
        style: { left: `${state.lanesX.get(l.index) - state.laneW / 2}px`, width: `${state.laneW}px` },
      }, short ? shortName(l.name) : l.name);
      // Producers wear the colour their batches have in the cluster view.
      if (l.kind === 'producer') span.style.setProperty('--kv-lane', producerColour(state.model.producerIndex.get(l.name) ?? 0));
      return span;
    }));
  }

  function shownLanes() {
    return state.model.lanes.map((l, index) => ({ ...l, index })).filter((l) => l.kind !== 'controller' || state.controller);
  }

  function draw() {
    const L = state.L;
    if (!L) return;
    const view = scroller.clientHeight || 600;
    const st = Math.max(0, scroller.scrollTop - HEAD);
    const { win } = state;
    const margin = view * 0.25;
    const topOk = st >= win.top + margin || win.top === 0;
    const bottomOk = st + view <= win.top + win.h - margin || win.top + win.h >= L.height;
    if (win.top >= 0 && topOk && bottomOk) return drawNow();
    win.top = Math.max(0, st - view);
    win.h = view * 3;
    svg.setAttribute('width', state.width);
    svg.setAttribute('height', win.h);
    svg.style.top = `${win.top}px`;
    const parts = [`<g transform="translate(0,${-win.top})">`];
    drawLifelines(parts, win.top, win.top + win.h);
    drawGutter(parts, win.top, win.top + win.h);
    state.rendered = L.query(win.top, win.top + win.h);
    state.labelYs = new Map();
    // Marks and bands first, so their labels win a place over arrow labels.
    state.rendered.forEach((it, i) => it.k !== 'arrow' && drawItem(parts, it, i));
    state.rendered.forEach((it, i) => it.k === 'arrow' && drawItem(parts, it, i));
    parts.push('</g><g class="kv-now-layer"></g>');
    svg.innerHTML = parts.join('');
    drawNow();
  }

  function drawLifelines(parts, top, bottom) {
    const { model, L } = state;
    for (const l of shownLanes()) {
      const x = state.lanesX.get(l.index);
      parts.push(`<line class="kv-lifeline kv-lifeline-${l.kind}" data-lane="${esc(l.name)}" x1="${x}" x2="${x}" y1="${top}" y2="${bottom}"/>`);
      for (const [map, cls] of [[model.down, 'down'], [model.fenced, 'fenced']]) {
        for (const iv of map.get(l.name) ?? []) {
          const a = Math.max(top, L.yAfter(iv.t0));
          const b = Math.min(bottom, iv.t1 === Infinity ? bottom : L.yOf(iv.t1));
          if (b <= a) continue;
          const w = cls === 'down' ? 10 : 4;
          const mode = iv.mode === 'power' ? ' kv-power' : '';
          parts.push(`<rect class="kv-state kv-state-${cls}${mode}" x="${x - w / 2}" y="${a}" width="${w}" height="${b - a}"><title>${esc(l.name)} ${cls === 'down' ? (iv.mode === 'power' ? 'powered off' : 'down (process crashed)') : `fenced: ${iv.reason}`}</title></rect>`);
        }
      }
    }
  }

  function drawGutter(parts, top, bottom) {
    const L = state.L;
    let last = -1e9;
    const breaks = L.breaks.filter((b) => b.y > top - 20 && b.y < bottom + 20).map((b) => b.y);
    for (const { t, y } of L.timesIn(top - 20, bottom)) {
      if (y - last < 15 || breaks.some((b) => Math.abs(b - y - L.rowPx / 2) < 12)) continue;
      last = y;
      parts.push(`<text class="kv-time" x="${state.gutter - 8}" y="${y + L.rowPx / 2 + 4}" text-anchor="end">${esc(fmtTime(t))}</text>`);
    }
    for (const b of L.breaks) {
      if (b.y < top - 20 || b.y > bottom + 20) continue;
      parts.push(`<path class="kv-break" d="${zigzag(4, state.width - 4, b.y)}"/><text class="kv-break-label" x="${state.gutter - 8}" y="${b.y + 4}" text-anchor="end">+${esc(fmtTime(b.dt))}</text>`);
    }
  }

  /** Whether item `it` is about the focused record's batch (its request, append, ack...). */
  function focused(it) {
    const f = state.focus;
    if (!f) return false;
    const e = state.model.trace[it.ev];
    if (!e) return false;
    if (it.bundle) return it.bundle.evs.some((k) => about(state.model.trace[k], f));
    return about(e, f);
  }

  /** Whether trace event `e` concerns the focused record `f` or its batch. */
  function about(e, f) {
    if (e.batch === f.batch && f.batch != null) return true;
    if (Array.isArray(e.batches) && e.batches.includes(f.batch)) return true;
    return e.record === f.id;
  }

  function drawItem(parts, it, i) {
    const L = state.L;
    const hl = focused(it) ? ' kv-focus' : '';
    const x0 = it.band ? state.gutter : state.lanesX.get(it.l0);
    const x1raw = it.band ? state.width - 8 : state.lanesX.get(it.l1);
    if (x0 === undefined || x1raw === undefined) return;
    const y0 = L.y0(it);
    const { label, title: tip } = itemText(it, state.model);
    const title = `<title>${esc(tip)}</title>`;
    if (it.band) {
      parts.push(`<g class="kv-it kv-band kv-c-${it.cls}${hl}" data-i="${i}">${title}<line x1="${x0}" x2="${x1raw}" y1="${y0}" y2="${y0}"/>`);
      if (L.labels) parts.push(`<text x="${x0 + 6}" y="${y0 - 3}">${esc(cut(label, state.width - state.gutter - 20))}</text>`);
      else parts.push(`<circle cx="${x0 + 3}" cy="${y0}" r="3"/>`);
      parts.push('</g>');
      return;
    }
    if (it.k === 'mark') {
      // Up to the next lifeline; right of the last one, up to the edge.
      const maxW = it.l0 === lastLaneIndex() ? state.laneW * 0.9 - 14 : state.laneW - 14;
      parts.push(`<g class="kv-it kv-mark kv-c-${it.cls}${hl}" data-i="${i}">${title}<circle cx="${x0}" cy="${y0}" r="${L.labels ? 4 : 2.5}"/>`);
      if (L.labels && roomFor(x0 + 10, y0 + 4)) parts.push(`<text x="${x0 + 8}" y="${y0 + 4}">${esc(cut(label, maxW))}</text>`);
      parts.push('</g>');
      return;
    }
    if (it.bundle) return drawBundle(parts, it, i, x0, x1raw, y0, label, title, hl);
    // Arrow.
    const y1 = L.y1(it);
    const half = it.end === 'cross' || it.end === 'lost' || it.stalled;
    const x1 = half ? x0 + (x1raw - x0) * 0.5 : x1raw;
    const dashed = it.end === 'cut' || it.est ? ' kv-dashed' : '';
    parts.push(`<g class="kv-it kv-arrow kv-c-${it.cls}${it.fault ? ' kv-fault' : ''}${dashed}${hl}" data-i="${i}" data-kind="${it.g}">${title}`);
    parts.push(`<line class="kv-hit" x1="${x0}" y1="${y0}" x2="${x1}" y2="${y1}"/><line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y1}"/>`);
    parts.push(endGlyph(it.end, x0, y0, x1, y1));
    if (L.labels) labelAlong(parts, x0, x1, label, (f) => y0 + (y1 - y0) * f - 4);
    parts.push('</g>');
  }

  /** An arrow's label, over the last lane gap before its end (so arrows from one node to
   * several others, fetches, do not write over each other); yAt(f): the label's baseline
   * at fraction f of the way from x0 to x1. */
  function labelAlong(parts, x0, x1, label, yAt) {
    const dir = Math.sign(x1 - x0) || 1;
    const segStart = Math.abs(x1 - x0) > state.laneW * 1.2 ? x1 - dir * state.laneW : x0;
    const w = Math.abs(x1 - segStart) - 16;
    const lx = (segStart + x1) / 2;
    const ly = yAt((lx - x0) / (x1 - x0 || 1));
    if (w > 30 && roomFor(lx, ly)) parts.push(`<text x="${lx}" y="${ly}" text-anchor="middle">${esc(cut(label, w))}</text>`);
  }

  /** Pipelined requests or responses (bundleInFlight): the first and the last member's
   * arrows with the band between them, one arrowhead, one label. */
  function drawBundle(parts, it, i, x0, x1, y0, label, title, hl) {
    const L = state.L;
    const mid = L.rowPx / 2;
    const y0b = L.yOf(it.bundle.t0b) + mid;
    const y1a = L.yOf(it.bundle.t1a) + mid;
    const y1 = L.y1(it);
    parts.push(`<g class="kv-it kv-arrow kv-bundle kv-c-${it.cls}${hl}" data-i="${i}" data-kind="${it.g}" data-count="${it.bundle.evs.length}">${title}`);
    parts.push(`<polygon class="kv-bundle-band" points="${x0},${y0} ${x1},${y1a} ${x1},${y1} ${x0},${y0b}"/>`);
    parts.push(`<line class="kv-hit" x1="${x0}" y1="${(y0 + y0b) / 2}" x2="${x1}" y2="${(y1a + y1) / 2}"/>`);
    parts.push(`<line x1="${x0}" y1="${y0}" x2="${x1}" y2="${y1a}"/><line x1="${x0}" y1="${y0b}" x2="${x1}" y2="${y1}"/>`);
    parts.push(endGlyph('head', x0, y0b, x1, y1));
    // In the middle of the band, between its first and last arrow.
    if (L.labels) labelAlong(parts, x0, x1, label, (f) => (y0 + (y1a - y0) * f + y0b + (y1 - y0b) * f) / 2 + 4);
    parts.push('</g>');
  }

  /** Whether a label at (x, y) leaves the other labels in that lane gap readable. */
  function roomFor(x, y) {
    const gap = Math.floor((x - state.gutter) / state.laneW - 0.5);
    const cell = Math.floor(y / LABEL_PX);
    for (let c = cell - 1; c <= cell + 1; c++) {
      for (const other of state.labelYs.get(`${gap}:${c}`) ?? []) if (Math.abs(other - y) < LABEL_PX) return false;
    }
    const key = `${gap}:${cell}`;
    if (!state.labelYs.has(key)) state.labelYs.set(key, []);
    state.labelYs.get(key).push(y);
    return true;
  }

  function lastLaneIndex() {
    const lanes = shownLanes();
    return lanes[lanes.length - 1].index;
  }

  function drawNow() {
    const layer = svg.querySelector('.kv-now-layer');
    if (!layer || !state.L || !state.model || state.now == null) return;
    const y = state.L.yAfter(state.now) - state.win.top;
    const h = Number(svg.getAttribute('height'));
    const w = state.width;
    layer.innerHTML = `${y < h ? `<rect class="kv-future" x="0" y="${Math.max(0, y)}" width="${w}" height="${Math.max(0, h - Math.max(0, y))}"/>` : ''}`
      + `<line class="kv-now" x1="0" x2="${w}" y1="${y}" y2="${y}"/>`
      + `<text class="kv-now-label" x="4" y="${y - 4}">now ${esc(fmtTime(state.now))}</text>`;
    // Broker state chips in the lane header follow the scrubbed moment.
    for (const span of lanesHead.children) {
      const name = span.dataset.name;
      const down = inInterval(state.model.down.get(name), state.now);
      const fenced = inInterval(state.model.fenced.get(name), state.now);
      span.dataset.state = down ? (down.mode === 'power' ? 'powered-off' : 'down') : fenced ? 'fenced' : 'up';
      span.title = `${name}: ${span.dataset.state.replace('-', ' ')} at ${fmtTime(state.now)}`;
    }
  }

  function setNow(t, { scroll = true } = {}) {
    state.now = t;
    if (!state.L) return;
    if (scroll) {
      const y = state.L.yAfter(t) + HEAD;
      const top = scroller.scrollTop;
      const h = scroller.clientHeight;
      if (y < top + HEAD + 20 || y > top + h - 30) scroller.scrollTop = Math.max(0, y - h * 0.45);
    }
    drawNow();
    schedule(false);
  }

  return {
    element: root,
    setModel,
    setNow,
    /** Highlight what concerns one record (its batch's requests, appends, acks); null clears. */
    setFocus(focus) {
      state.focus = focus;
      schedule(false);
    },
    /** For tests and the perf figures: how many items exist / are drawn now. */
    stats: () => ({ items: state.items.length, visible: state.L?.visible.length ?? 0, drawn: state.rendered.length, height: state.L?.height ?? 0 }),
    destroy() {
      ro.disconnect();
      cancelAnimationFrame(raf);
      root.remove();
    },
  };
}

/** Runs fn once after the next frame is drawn (or after 100 ms where no frames come: a
 * hidden tab). */
function afterNextFrame(fn) {
  let done = false;
  const go = () => {
    if (done) return;
    done = true;
    fn();
  };
  requestAnimationFrame(() => setTimeout(go, 0));
  setTimeout(go, 100);
}

function endGlyph(end, x0, y0, x1, y1) {
  const a = Math.atan2(y1 - y0, x1 - x0);
  const s = 7;
  if (end === 'head' || end === 'cut') {
    const p = (d) => `${x1 - s * Math.cos(a + d)},${y1 - s * Math.sin(a + d)}`;
    const head = `<path class="kv-head" d="M${x1},${y1}L${p(0.45)}L${p(-0.45)}Z"/>`;
    if (end === 'head') return head;
    // A held message: two short strokes across the arrow near its start.
    const cx = x0 + (x1 - x0) * 0.3;
    const cy = y0 + (y1 - y0) * 0.3;
    const nx = Math.cos(a + Math.PI / 2.6) * 6;
    const ny = Math.sin(a + Math.PI / 2.6) * 6;
    const dx = Math.cos(a) * 3;
    const dy = Math.sin(a) * 3;
    return `${head}<path class="kv-cut" d="M${cx - nx - dx},${cy - ny - dy}L${cx + nx - dx},${cy + ny - dy}M${cx - nx + dx},${cy - ny + dy}L${cx + nx + dx},${cy + ny + dy}"/>`;
  }
  if (end === 'cross') return `<path class="kv-cross" d="M${x1 - 5},${y1 - 5}L${x1 + 5},${y1 + 5}M${x1 - 5},${y1 + 5}L${x1 + 5},${y1 - 5}"/>`;
  return `<circle class="kv-lost" cx="${x1}" cy="${y1}" r="3.5"/>`;
}

function zigzag(x0, x1, y) {
  let d = `M${x0},${y}`;
  for (let x = x0, k = 0; x < x1; x += 8, k++) d += `L${x + 8},${y + (k % 2 ? -3 : 3)}`;
  return d;
}

function cut(text, px) {
  const max = Math.floor(px / CHAR_PX);
  if (max < 4) return '';
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function svgEl(tag, attrs) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

/** A lane's name in a few characters: broker-1 -> b1, controller -> ctl, others cut to 4. */
function shortName(name) {
  const broker = /^broker-(\d+)$/.exec(name);
  if (broker) return `b${broker[1]}`;
  if (name === 'controller') return 'ctl';
  return name.length > 5 ? `${name.slice(0, 4)}…` : name;
}
