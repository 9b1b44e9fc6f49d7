// A tiny DOM builder: h('button', {class: 'x', onclick: f, 'data-testid': 't'}, 'text', child).
// Attributes starting with "on" become listeners; null/undefined attributes are skipped,
// and so is false except on data-*/aria-* attributes, which keep "true"/"false";
// children may be strings, nodes, arrays, or null.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || (v === false && !/^(data|aria)-/.test(k))) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    // data-* and aria-* keep booleans as "true"/"false"; other true attributes are bare.
    else el.setAttribute(k, v === true && !/^(data|aria)-/.test(k) ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

/** Replaces el's children with `children` (same rules as h: nulls skipped, arrays flattened). */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}
