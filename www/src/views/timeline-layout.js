// Vertical layout of the sequence diagram: virtual time runs down the page, but not
// linearly. Each distinct time that has a visible item gets a block of rows (one row per
// item on the busiest lane at that time, so simultaneous marks never overlap); the gap
// between two blocks grows with the time between them up to a cap, and a longer idle
// stretch is drawn as a break ("… 8.994 s later"). Zoom scales rows and gaps.
//
//   const L = layout(items, {shown: Set of groups, controller: bool, zoom})
//   L.visible      the items drawn, each with .slot (row within its time block) and .band
//   L.yOf(t)       top of time t's block (interpolated between blocks)
//   L.yAfter(t)    bottom of everything at time <= t (where the "now" line goes)
//   L.y0(item) / L.y1(item)   the y of an item's start and end
//   L.query(top, bottom)      items overlapping [top, bottom] (bucketed, no full scan)
//   L.height, L.rowPx, L.labels (whether rows are tall enough for text), L.breaks
import { firstAtOrAfter, lastAtOrBefore } from './format.js';

const BUCKET_PX = 512;
export const ZOOMS = [0.125, 0.25, 0.5, 1, 2];

export function layout(items, { shown, controller, zoom, controllerLane }) {
  const rowPx = zoom >= 1 ? 20 : Math.max(2.5, 20 * zoom);
  const labels = rowPx >= 14;
  const slotted = rowPx >= 8;
  const pxPerUs = 0.012 * zoom; // 12 px per ms at zoom 1
  const maxGap = 40 * Math.min(1, zoom * 2);
  const top = 10;

  const visible = [];
  for (const it of items) {
    if (!shown.has(it.g)) continue;
    const touchesCtrl = it.l0 === controllerLane || it.l1 === controllerLane;
    if (touchesCtrl && !controller) {
      if (it.k === 'mark') visible.push({ ...it, band: true });
      continue; // messages to or from the folded controller are not drawn
    }
    visible.push(it.k === 'band' ? { ...it, band: true } : it);
  }

  // Slots: per anchor time, per lane.
  const T = [];
  const rows = [];
  let counters = new Map();
  let maxRow = 0;
  let curT = null;
  for (const it of visible) {
    const t = it.at === 'end' ? it.t1 : it.t0;
    if (t !== curT) {
      if (curT !== null) rows.push(Math.max(1, maxRow));
      T.push(t);
      curT = t;
      counters = new Map();
      maxRow = 0;
    }
    if (!slotted) {
      it.slot = 0;
      maxRow = 1;
      continue;
    }
    const lane = it.at === 'end' ? it.l1 : it.l0;
    if (it.band) {
      it.slot = maxRow;
      maxRow += 1;
      for (const k of counters.keys()) counters.set(k, maxRow);
      counters.set('band', maxRow);
    } else {
      const s = Math.max(counters.get(lane) ?? 0, counters.get('band') ?? 0);
      it.slot = s;
      counters.set(lane, s + 1);
      maxRow = Math.max(maxRow, s + 1);
    }
  }
  if (curT !== null) rows.push(Math.max(1, maxRow));

  const n = T.length;
  const Y = new Float64Array(n);
  const H = new Float64Array(n);
  const breaks = [];
  let y = top;
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      const want = (T[i] - T[i - 1]) * pxPerUs;
      if (want > maxGap * 1.5) {
        breaks.push({ y: y + maxGap / 2, dt: T[i] - T[i - 1], t: T[i - 1] });
        y += maxGap;
      } else y += Math.min(want, maxGap);
    }
    Y[i] = y;
    H[i] = rows[i] * rowPx;
    y += H[i];
  }
  const height = y + 40;

  function yOf(t) {
    if (n === 0) return top;
    const i = lastAtOrBefore(T, t);
    if (i < 0) return top;
    if (T[i] === t || i === n - 1) return i === n - 1 && t > T[i] ? Y[i] + H[i] + Math.min((t - T[i]) * pxPerUs, maxGap) : Y[i];
    const a = Y[i] + H[i];
    return a + ((Y[i + 1] - a) * (t - T[i])) / (T[i + 1] - T[i]);
  }
  function yAfter(t) {
    if (n === 0) return top;
    const i = lastAtOrBefore(T, t);
    if (i < 0) return top - 4;
    if (T[i] === t) return Y[i] + H[i];
    return yOf(t);
  }
  const mid = rowPx / 2;
  const y0 = (it) => (it.at === 'start' ? yOf(it.t0) + it.slot * rowPx + mid : yOf(it.t0) + mid);
  const y1 = (it) => (it.at === 'end' ? yOf(it.t1) + it.slot * rowPx + mid : yOf(it.t1) + mid);

  // Bucket index for virtualised drawing.
  const buckets = [];
  visible.forEach((it, idx) => {
    const a = Math.min(y0(it), y1(it)) - rowPx;
    const b = Math.max(y0(it), y1(it)) + rowPx;
    for (let k = Math.max(0, Math.floor(a / BUCKET_PX)); k <= Math.floor(b / BUCKET_PX); k++) (buckets[k] ??= []).push(idx);
  });
  function query(from, to) {
    const out = new Set();
    for (let k = Math.max(0, Math.floor(from / BUCKET_PX)); k <= Math.floor(to / BUCKET_PX); k++) {
      for (const idx of buckets[k] ?? []) out.add(idx);
    }
    return [...out].sort((a, b) => a - b).map((idx) => visible[idx]);
  }
  /** Time blocks whose top is in [from, to] (for the time gutter). */
  function timesIn(from, to) {
    const a = firstAtOrAfter(Y, from);
    const out = [];
    for (let i = a; i < n && Y[i] <= to; i++) out.push({ t: T[i], y: Y[i], h: H[i] });
    return out;
  }
  /** The time whose block is nearest y (for keeping the view steady across zooms). */
  function timeAt(yy) {
    if (n === 0) return 0;
    const i = Math.max(0, lastAtOrBefore(Y, yy));
    return T[i];
  }

  return { visible, yOf, yAfter, y0, y1, query, timesIn, timeAt, height, rowPx, labels, breaks, count: n };
}
