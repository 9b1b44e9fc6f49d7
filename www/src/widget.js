// <kplay-scenario>: a live kplay scenario for any static page (docs, blog posts).
//
//   <script type="module" src="kplay/widget.js"></script>
//   <kplay-scenario preset="acks1-leader-failover" autorun></kplay-scenario>
//   <kplay-scenario src="scenarios/mine.kplay" panels="editor,verdict,records,timeline" height="20em"></kplay-scenario>
//   <kplay-scenario readonly autorun panels="verdict,records">
//     brokers 3 ...                      (the scenario as the element's text)
//   </kplay-scenario>
//
//   <kplay-scenario autorun>
//     <script type="text/kplay">           (raw text: `value=<b>x</b>` stays literal)
//       brokers 3 ...
//     </script>
//   </kplay-scenario>
//
// Attributes (a change re-mounts the widget with the current text kept, except preset
// and src, which load their scenario; theme applies at once):
//   preset    a preset name (www/presets/index.json)   src   a URL of a .kplay file
//             (otherwise the scenario is the content of a child <script type="text/kplay">
//             or <template>, or the element's text content, dedented; read once, when
//             the element first connects, so moving it keeps its text and edits)
//   panels    comma/space list of editor, controls, verdict, stress, records, timeline,
//             cluster, producer, charts, compare, sweep (default: editor,verdict,records);
//             an unknown name is an error shown in the widget
//   height    the editor's height (CSS length; a bare number means pixels)
//   readonly  the text cannot be edited        autorun  run as soon as it scrolls into view
//             (otherwise a Run button)
//   theme     light or dark (default: the reader's prefers-color-scheme)
//
// The widget renders in an open shadow root (the host page's CSS stays out; kplay's CSS,
// mirrored there by ui/shadow-styles.js, stays in), styled from outside with ::part():
// widget, app, editor, diagnostics, settings, runbar, run-button, cancel-button, status,
// verdict, stress, records, journey, views, timeline, cluster, producer, charts, compare,
// groups, sweep, footer, open-link, loading, error.
//
// Properties and events: `el.text` (get or set the scenario text; a set text runs once
// the widget runs, as an edit does), `el.report` (the last
// run's report, or null), `el.run()` (a promise of the run); events `kplay-run` (detail:
// {report}), `kplay-change` (detail: {text}) and `kplay-error` (detail: {message}) bubble
// from the element. Importing this module where there is no DOM (a docs generator's
// server-side rendering) defines nothing and throws nothing.
//
// This file stays small: the app, its CSS (injected by Vite's loader next to this
// file's chunks), the engine and the presets load on demand, relative to this module, so
// the built folder works from any sub-path of any static host, offline. The page must
// serve the folder from its own origin (browsers only start Web Workers same-origin).

const DEFAULT_PANELS = ['editor', 'verdict', 'records'];
const KNOWN_PANELS = ['editor', 'controls', 'verdict', 'stress', 'records', 'timeline', 'cluster', 'producer', 'charts', 'compare', 'sweep'];

/** The panel names of a `panels` attribute, and the unknown ones. */
export function parsePanels(attr) {
  const names = (attr ?? '').split(/[\s,]+/).filter(Boolean);
  return { panels: names.filter((n) => KNOWN_PANELS.includes(n)), unknown: names.filter((n) => !KNOWN_PANELS.includes(n)) };
}
const PLAYGROUND = import.meta.env?.DEV ? '../index.html' : './index.html';

/** Removes the common indentation and the blank lines around inline scenario text. */
export function dedent(text) {
  const lines = text.replace(/\t/g, '  ').split('\n');
  while (lines.length && !lines[0].trim()) lines.shift();
  while (lines.length && !lines[lines.length - 1].trim()) lines.pop();
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)[0].length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n') + '\n';
}

/** The inline scenario of a fresh element: a <script type="text/kplay"> or <template>
 * child as raw text, else its text content. */
export function inlineText(el) {
  const script = el.querySelector(':scope > script[type="text/kplay"]');
  if (script) return script.textContent;
  const template = el.querySelector(':scope > template');
  if (template) return template.content.textContent;
  return el.textContent;
}

// Outside a browser (server-side rendering) there is no HTMLElement to extend.
/** @type {typeof HTMLElement} */
const Base = globalThis.HTMLElement ?? /** @type {typeof HTMLElement} */ (/** @type {unknown} */ (class {}));

class KplayScenario extends Base {
  static get observedAttributes() {
    return ['preset', 'src', 'panels', 'theme', 'readonly', 'height'];
  }

  /** The scenario text read from the element's children on first connection.
   * @type {string | undefined} */
  source;

  async connectedCallback() {
    if (this.started) return;
    this.started = true;
    const connection = (this.connections = (this.connections ?? 0) + 1);
    // Read once: later connections (the element moved) keep the text it had.
    this.source ??= inlineText(this);
    const root = this.shell().getRootNode(); // at once: the source text is never shown
    const [styles] = await Promise.all([import('./ui/shadow-styles.js'), this.applyTheme(this.getAttribute('theme'))]);
    this.styles = styles;
    if (connection !== this.connections || !this.isConnected) return; // moved or gone meanwhile
    styles.adoptStyles(root);
    await this.mount();
  }

  /** The themed box inside the element's shadow root that holds the widget (made once:
   * the element's own children stay where they are, unrendered, as its source). */
  shell() {
    if (!this.frame) {
      const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
      this.frame = document.createElement('div');
      this.frame.className = 'kplay-theme kp-widget';
      this.frame.setAttribute('part', 'widget');
      root.replaceChildren(this.frame);
    }
    return this.frame;
  }

  /** The theme on the element (for the host page to read) and on its shadow box. */
  async applyTheme(mode) {
    const { applyTheme } = await import('./ui/theme.js');
    applyTheme(this, mode);
    applyTheme(this.shell(), mode);
  }

  attributeChangedCallback(name, old, value) {
    if (!this.started || old === value) return;
    if (name === 'theme') return this.applyTheme(value);
    // preset and src name a new scenario; the others keep the text as it is now.
    this.mount({ fresh: name === 'preset' || name === 'src' });
  }

  /** (Re)builds the widget from the attributes and the current text (`fresh`: from the
   * preset, src or inline source instead). */
  async mount({ fresh = false } = {}) {
    const generation = (this.generation = (this.generation ?? 0) + 1);
    const keep = fresh ? null : (this.app?.getText() ?? this.current);
    this.teardown();
    const height = this.getAttribute('height');
    if (height) this.style.setProperty('--kp-editor-height', /^\d+$/.test(height) ? `${height}px` : height);
    else this.style.removeProperty('--kp-editor-height');
    const frame = this.shell();
    const box = document.createElement('div');
    box.className = 'kp-widget-loading';
    box.setAttribute('part', 'loading');
    box.textContent = 'Loading kplay…';
    frame.replaceChildren(box);
    try {
      const { panels, unknown } = parsePanels(this.getAttribute('panels'));
      if (unknown.length) {
        throw new Error(`unknown panel name${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} (panels: ${KNOWN_PANELS.join(', ')})`);
      }
      const [{ mountScenario }, { sharedEngine }, text] = await Promise.all([
        import('./ui/scenario-app.js'),
        import('./engine-client.js'),
        keep ?? this.scenarioText(this.source ?? ''),
      ]);
      if (generation !== this.generation) return;
      // The app's CSS has just loaded: in the shadow root before the app measures anything.
      this.styles.refreshStyles();
      this.engine = sharedEngine();
      const host = document.createElement('div');
      host.setAttribute('part', 'app');
      frame.replaceChildren(host, this.footer());
      this.app = mountScenario(host, {
        engine: this.engine,
        text,
        panels: panels.length ? panels : DEFAULT_PANELS,
        readOnly: this.hasAttribute('readonly'),
        autorun: false,
        layout: 'widget',
        // A preset edited in the widget: the preset's own expect lines are its lesson.
        lesson: (t) => {
          const p = this.getAttribute('preset') ? this.presetShown : null;
          return p && p.text !== t ? { title: p.title, text: p.text } : null;
        },
        onText: (t) => {
          this.current = t;
          this.updateLink();
          this.dispatchEvent(new CustomEvent('kplay-change', { bubbles: true, detail: { text: t } }));
        },
      });
      this.current = text;
      this.app.onRun((report) => this.dispatchEvent(new CustomEvent('kplay-run', { bubbles: true, detail: { report } })));
      this.updateLink();
      if (this.hasAttribute('autorun') || this.armed) this.runWhenVisible();
    } catch (err) {
      const message = err.message ?? String(err);
      box.textContent = `kplay could not load this scenario: ${message}`;
      box.dataset.testid = 'widget-error';
      box.setAttribute('part', 'error');
      this.dispatchEvent(new CustomEvent('kplay-error', { bubbles: true, detail: { message } }));
      console.warn(`kplay: ${message}`);
    }
  }

  teardown() {
    this.observer?.disconnect();
    this.app?.destroy();
    this.engine?.terminate();
    this.app = null;
    this.engine = null;
  }

  disconnectedCallback() {
    this.current = this.app?.getText() ?? this.current;
    this.teardown();
    this.started = false;
    this.styles?.releaseStyles(this.shadowRoot);
  }

  /** The scenario text (setting it runs it, as an edit would). */
  get text() {
    return this.app?.getText() ?? this.current ?? null;
  }

  set text(t) {
    this.current = t;
    if (this.app) this.app.setText(t);
  }

  /** The last finished run's report, or null. */
  get report() {
    return this.app?.report ?? null;
  }

  /** Runs the scenario now (and from then on after every edit). */
  run() {
    this.armed = true;
    return this.app ? this.app.run() : Promise.resolve();
  }

  /** The scenario: a preset, a fetched file, or the element's own text. */
  async scenarioText(inline) {
    const preset = this.getAttribute('preset');
    if (preset) {
      const { presetByName } = await import('./core/presets.js');
      const p = presetByName(preset);
      if (!p) throw new Error(`no preset called '${preset}'`);
      this.presetShown = p;
      return p.text;
    }
    this.presetShown = null;
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
    this.link.setAttribute('part', 'open-link');
    this.link.textContent = 'Open in the kplay playground';
    this.link.target = '_blank';
    this.link.rel = 'noopener';
    const p = document.createElement('p');
    p.className = 'kp-widget-footer';
    p.setAttribute('part', 'footer');
    p.append(this.link);
    return p;
  }

  async updateLink() {
    const { app, link } = this;
    if (!app) return;
    const { encodeScenario } = await import('./core/share.js');
    const text = app.getText();
    const encoded = await encodeScenario(text);
    if (app === this.app && text === app.getText()) link.href = `${new URL(PLAYGROUND, import.meta.url).href}#s=${encoded}`;
  }

  runWhenVisible() {
    if (!('IntersectionObserver' in window)) return this.app?.run();
    this.observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) {
          this.observer.disconnect();
          this.app?.run();
        }
      },
      { rootMargin: '200px' },
    );
    this.observer.observe(this);
  }
}

if (globalThis.customElements && !customElements.get('kplay-scenario')) customElements.define('kplay-scenario', KplayScenario);
