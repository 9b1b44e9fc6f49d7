// <kplay-scenario>: a live kplay scenario for any static page (docs, blog posts).
//
//   <script type="module" src="kplay/widget.js"></script>
//   <kplay-scenario preset="acks1-leader-failover" autorun></kplay-scenario>
//   <kplay-scenario src="scenarios/mine.kplay" panels="editor,verdict,records,timeline" height="20em"></kplay-scenario>
//   <kplay-scenario readonly autorun panels="verdict,records">
//     brokers 3 ...                      (the scenario as the element's text)
//   </kplay-scenario>
//
// Attributes (read when the element connects):
//   preset    a preset name (www/presets/index.json)   src   a URL of a .kplay file
//             (otherwise the element's text content, dedented, is the scenario)
//   panels    comma/space list of editor, controls, verdict, records, timeline,
//             cluster, producer, charts, compare (default: editor,verdict,records)
//   height    the editor's height (CSS length; a bare number means pixels)
//   readonly  the text cannot be edited        autorun  run as soon as it scrolls into view
//             (otherwise a Run button)
//   theme     light or dark (default: the reader's prefers-color-scheme)
//
// This file stays small: the app, its CSS (injected by Vite's loader next to this
// file's chunks), the engine and the presets load on demand, relative to this module, so
// the built folder works from any sub-path of any static host, offline. The page must
// serve the folder from its own origin (browsers only start Web Workers same-origin).

import { applyTheme } from './ui/theme.js';

const DEFAULT_PANELS = ['editor', 'verdict', 'records'];
const PLAYGROUND = import.meta.env?.DEV ? '../index.html' : './index.html';

/** Removes the common indentation and the blank lines around inline scenario text. */
export function dedent(text) {
  const lines = text.replace(/\t/g, '  ').split('\n');
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)[0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n') + '\n';
}

class KplayScenario extends HTMLElement {
  async connectedCallback() {
    if (this.started) return;
    this.started = true;
    const inline = this.textContent;
    this.classList.add('kplay-theme');
    applyTheme(this, this.getAttribute('theme'));
    const height = this.getAttribute('height');
    if (height) this.style.setProperty('--kp-editor-height', /^\d+$/.test(height) ? `${height}px` : height);
    this.style.display = 'block';
    const box = document.createElement('div');
    box.className = 'kp-widget-loading';
    box.textContent = 'Loading kplay…';
    this.replaceChildren(box);
    try {
      const [{ mountScenario }, { createEngine }, text] = await Promise.all([
        import('./ui/scenario-app.js'),
        import('./engine-client.js'),
        this.scenarioText(inline),
      ]);
      const panels = (this.getAttribute('panels') ?? '').split(/[\s,]+/).filter(Boolean);
      this.engine = createEngine();
      const host = document.createElement('div');
      this.replaceChildren(host, this.footer());
      this.app = mountScenario(host, {
        engine: this.engine,
        text,
        panels: panels.length ? panels : DEFAULT_PANELS,
        readOnly: this.hasAttribute('readonly'),
        autorun: false,
        layout: 'widget',
        onText: () => this.updateLink(),
      });
      this.updateLink();
      if (this.hasAttribute('autorun')) this.runWhenVisible();
    } catch (err) {
      box.textContent = `kplay could not load this scenario: ${err.message ?? err}`;
      console.error(err);
    }
  }

  disconnectedCallback() {
    this.observer?.disconnect();
    this.app?.destroy();
    this.engine?.terminate();
    this.started = false;
  }

  /** The scenario: a preset, a fetched file, or the element's own text. */
  async scenarioText(inline) {
    const preset = this.getAttribute('preset');
    if (preset) {
      const { presetByName } = await import('./core/presets.js');
      const p = presetByName(preset);
      if (!p) throw new Error(`no preset called '${preset}'`);
      return p.text;
    }
    const src = this.getAttribute('src');
    if (src) {
      const res = await fetch(new URL(src, document.baseURI));
      if (!res.ok) throw new Error(`${src}: HTTP ${res.status}`);
      return res.text();
    }
    return dedent(inline);
  }

  footer() {
    this.link = document.createElement('a');
    this.link.className = 'kp-widget-open';
    this.link.textContent = 'Open in the kplay playground';
    this.link.target = '_blank';
    this.link.rel = 'noopener';
    const p = document.createElement('p');
    p.className = 'kp-widget-footer';
    p.append(this.link);
    return p;
  }

  async updateLink() {
    const { encodeScenario } = await import('./core/share.js');
    const text = this.app.getText();
    const encoded = await encodeScenario(text);
    if (text === this.app.getText()) this.link.href = `${new URL(PLAYGROUND, import.meta.url).href}#s=${encoded}`;
  }

  runWhenVisible() {
    if (!('IntersectionObserver' in window)) return this.app.run();
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          this.observer.disconnect();
          this.app.run();
        }
      },
      { rootMargin: '200px' },
    );
    this.observer.observe(this);
  }
}

if (!customElements.get('kplay-scenario')) customElements.define('kplay-scenario', KplayScenario);
