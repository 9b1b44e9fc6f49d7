// Small shared helpers for the run views: formatting of virtual time and sizes in the
// units Kafka people read (ms, s, KiB), a tiny DOM builder, HTML/SVG escaping, a
// per-producer colour palette and binary search over sorted numeric arrays.

/** Virtual time in microseconds as people read it: "250 µs", "12.5 ms", "9.002 s". */
export function fmtTime(us) {
  if (us == null || !Number.isFinite(us)) return '–';
  if (us === 0) return '0';
  const a = Math.abs(us);
  if (a < 1000) return `${trim(us, 0)} µs`;
  if (a < 1_000_000) return `${trim(us / 1000, 3)} ms`;
  if (a < 600_000_000) return `${trim(us / 1_000_000, 6)} s`;
  return `${trim(us / 60_000_000, 2)} min`;
}

/** A duration, same units as fmtTime (kept separate so the meaning reads at the call). */
export const fmtDuration = fmtTime;

/** Bytes with binary units: "930 B", "16 KiB", "32 MiB". */
export function fmtBytes(n) {
  if (n == null) return '–';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${trim(n / 1024, 1)} KiB`;
  if (n < 1024 ** 3) return `${trim(n / 1024 ** 2, 1)} MiB`;
  return `${trim(n / 1024 ** 3, 2)} GiB`;
}

/** A count with thousands separators. */
export function fmtCount(n) {
  return n == null ? '–' : Number(n).toLocaleString('en-US');
}

function trim(x, digits) {
  return String(Number(x.toFixed(digits)));
}

const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Escapes text for HTML/SVG markup built as strings. */
export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ESC[c]);
}

/**
 * Builds an element: el('div', {class: 'x', dataset: {testid: 'y'}, onclick}, child...).
 * Children may be strings, nodes, arrays, null/false (skipped).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v == null || v === false) continue;
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k === 'style' && typeof v === 'object') Object.assign(node.style, v);
    else if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'class') node.className = v;
    else if (k === 'innerHTML') node.innerHTML = v;
    else if (k in node && typeof v !== 'string') node[k] = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c == null || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(c instanceof Node ? c : String(c));
  }
}

/** Number of producer colours in views.css (--kv-p0 ... --kv-p7). */
export const PRODUCER_COLOURS = 8;

/** The CSS colour variable for the i-th producer. */
export function producerColour(i) {
  return `var(--kv-p${((i % PRODUCER_COLOURS) + PRODUCER_COLOURS) % PRODUCER_COLOURS})`;
}

/** Index of the last element <= x in a sorted array (-1 when none). */
export function lastAtOrBefore(sorted, x) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Index of the first element >= x in a sorted array (length when none). */
export function firstAtOrAfter(sorted, x) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** "1, 2, 3" for an ISR or broker list. */
export function fmtList(xs) {
  return Array.isArray(xs) ? xs.join(', ') : '';
}

/** A trace event in one line: "type field=value ..." (without at_us). */
export function fmtEvent(e) {
  if (!e) return '(none)';
  const parts = [e.type];
  for (const [k, v] of Object.entries(e)) {
    if (k === 'type' || k === 'at_us') continue;
    parts.push(`${k}=${typeof v === 'object' && v !== null ? JSON.stringify(v) : v}`);
  }
  return parts.join(' ');
}

let uidCounter = 0;
/** A unique element id (several views can share a page). */
export function uid(prefix) {
  uidCounter += 1;
  return `kv-${prefix}-${uidCounter}`;
}
