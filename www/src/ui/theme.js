// Light and dark themes: follows prefers-color-scheme until the toggle picks one; the
// choice is kept in localStorage (a viewing preference, not scenario state) and set as
// data-theme on <body> (the page's .kplay-theme element). Components redraw canvases on the 'kplay-theme' event.
const KEY = 'kplay-theme';
const ORDER = ['auto', 'light', 'dark'];

export function initTheme(button) {
  let mode = ORDER.includes(localStorage.getItem(KEY)) ? localStorage.getItem(KEY) : 'auto';
  function apply() {
    if (mode === 'auto') delete document.body.dataset.theme;
    else document.body.dataset.theme = mode;
    if (button) {
      button.textContent = `Theme: ${mode}`;
      button.setAttribute('aria-label', `Colour theme: ${mode} (change)`);
      button.dataset.mode = mode;
    }
    document.dispatchEvent(new Event('kplay-theme'));
  }
  button?.addEventListener('click', () => {
    mode = ORDER[(ORDER.indexOf(mode) + 1) % ORDER.length];
    if (mode === 'auto') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, mode);
    apply();
  });
  apply();
}
