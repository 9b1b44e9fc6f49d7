// kplay's stylesheets inside each <kplay-scenario>'s shadow root.
//
// The widget renders in a shadow root, so the host page's CSS stays out of it and
// ::part() hooks style it from outside. Vite's loader puts each on-demand chunk's CSS in
// the document's <head> (a <link> in the built site, a <style data-vite-dev-id> under the
// dev server); this module mirrors those sheets, and only those, into every registered
// shadow root as constructed stylesheets, shared by all widgets of the page. A sheet that
// arrives later (the views' CSS, loaded with their panel) is adopted when it loads, before
// Vite's loader hands the chunk to its importer: the load listener runs in the capture
// phase on the document, ahead of the loader's own listener on the <link>.

/** The site folder the widget was loaded from (its CSS lives in SITE + 'assets/'). */
const SITE = new URL('.', import.meta.url).href.replace(/(?:assets|src\/ui)\/$/, '');
const roots = new Set();
/** @type {WeakMap<Element, CSSStyleSheet>} */
const made = new WeakMap();
/** @type {WeakSet<CSSStyleSheet>} */
const mine = new WeakSet();
let host = null;
let watching = false;

/** The :host rules every widget shadow root starts with. */
function hostSheet() {
  if (!host) {
    host = new CSSStyleSheet();
    host.replaceSync(':host { display: block; } :host([hidden]) { display: none; }');
    mine.add(host);
  }
  return host;
}

/** Whether a <link> or <style> of the document is one of kplay's own. */
function ours(node) {
  if (node instanceof HTMLStyleElement) {
    const id = node.getAttribute('data-vite-dev-id');
    return id != null && !id.includes('html-proxy');
  }
  return node instanceof HTMLLinkElement && /\bstylesheet\b/.test(node.rel) && node.href.startsWith(`${SITE}assets/`) && node.href.endsWith('.css');
}

/** The constructed copy of a loaded sheet (null while it loads or when its rules cannot be read). */
function copyOf(node) {
  let sheet = made.get(node);
  if (sheet) return sheet;
  if (!node.sheet) return null;
  let text;
  try {
    text = Array.from(node.sheet.cssRules, (r) => r.cssText).join('\n');
  } catch {
    return null; // another origin without CORS: not ours to read
  }
  sheet = new CSSStyleSheet();
  sheet.replaceSync(text);
  made.set(node, sheet);
  mine.add(sheet);
  return sheet;
}

/** Sets every registered root's sheets to kplay's current ones, keeping sheets others
 * (CodeMirror's style modules) adopted there. */
export function refreshStyles() {
  if (!roots.size) return;
  const sheets = [hostSheet()];
  for (const node of document.querySelectorAll('link[rel~="stylesheet"], style')) {
    if (!ours(node)) continue;
    const sheet = copyOf(node);
    if (sheet) sheets.push(sheet);
  }
  for (const root of roots) {
    const others = root.adoptedStyleSheets.filter((s) => !mine.has(s));
    root.adoptedStyleSheets = [...sheets, ...others];
  }
}

function watch() {
  if (watching) return;
  watching = true;
  document.addEventListener('load', (e) => ours(e.target) && refreshStyles(), true);
  // <style> elements (the dev server) have no load event; removals drop a sheet.
  new MutationObserver(refreshStyles).observe(document.head, { childList: true });
}

/** Registers a widget's shadow root: kplay's styles now and as they load. */
export function adoptStyles(root) {
  roots.add(root);
  watch();
  refreshStyles();
}

/** Unregisters a shadow root (its element left the page). */
export function releaseStyles(root) {
  roots.delete(root);
}
