// Light and dark themes: follows prefers-color-scheme until the toggle picks one; the
// choice is kept in localStorage (a viewing preference, not scenario state). Every themed
// element (the page's <body>, each <kplay-scenario>) carries its effective theme as
// data-theme="light|dark", so the stylesheets hold each palette once, keyed on that
// attribute alone. Components redraw canvases on the 'kplay-theme' event.
const KEY = 'kplay-theme';
const ORDER = ['auto', 'light', 'dark'];
const followers = new Map();
let query = null;
const osDark = () => (query ??= matchMedia('(prefers-color-scheme: dark)'));

/** Sets el's data-theme to `mode` ('light' or 'dark'), or for anything else to the OS
 *  preference, followed live. */
export function applyTheme(el, mode) {
  const follow = mode !== 'light' && mode !== 'dark';
  const set = () => {
    const theme = follow ? (osDark().matches ? 'dark' : 'light') : mode;
    if (el.dataset.theme === theme) return;
    el.dataset.theme = theme;
    document.dispatchEvent(new Event('kplay-theme'));
  };
  osDark().removeEventListener('change', followers.get(el));
  followers.delete(el);
  if (follow) {
    followers.set(el, set);
    osDark().addEventListener('change', set);
  }
  set();
}

export function initTheme(button) {
  let mode = ORDER.includes(localStorage.getItem(KEY)) ? localStorage.getItem(KEY) : 'auto';
  function apply() {
    applyTheme(document.body, mode);
    if (button) {
      button.textContent = `Theme: ${mode}`;
      button.setAttribute('aria-label', `Colour theme: ${mode} (change)`);
      button.dataset.mode = mode;
    }
  }
  button?.addEventListener('click', () => {
    mode = ORDER[(ORDER.indexOf(mode) + 1) % ORDER.length];
    if (mode === 'auto') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, mode);
    apply();
  });
  apply();
}
