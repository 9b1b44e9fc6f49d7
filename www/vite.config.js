// Vite builds www/ (this folder) into www/dist with relative URLs (base './'), so the site
// works from any sub-path of any static host. Entries: the playground (index.html),
// the widget demo article (embed.html), and the widget itself, emitted under a stable
// name, dist/widget.js, for other sites to load with <script type="module">. Its
// on-demand chunks (app, CSS, engine worker, wasm) resolve relative to it. The wasm file
// is emitted as a hashed asset because www/src/engine.js references it with
// new URL(..., import.meta.url).
//
// Every built page carries a strict Content-Security-Policy (a meta tag, added by the
// `csp` plugin below): scripts only from the site itself, WebAssembly compilation
// ('wasm-unsafe-eval') and nothing else: no inline script (the pre-paint theme line is
// public/theme-boot.js; an inline script added later would be allowed by its hash, which
// the smoke test refuses), no eval, no inline handlers, no other origin.
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

/** The policy for a page whose inline scripts are `inline` (their exact text). */
export function contentSecurityPolicy(inline = []) {
  const hashes = inline.map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`);
  return [
    "default-src 'self'",
    ["script-src 'self' 'wasm-unsafe-eval'", ...hashes].join(' '),
    // CodeMirror and uPlot set styles from script; no inline script can be added by that.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // blob: a widget's src= may name a Blob URL the page made.
    "connect-src 'self' blob:",
    "worker-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

const csp = {
  name: 'kplay-csp',
  apply: 'build',
  transformIndexHtml: {
    order: 'post',
    handler(html) {
      const inline = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
      const meta = `<meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy(inline)}" />`;
      return html.replace(/(<meta charset="utf-8" \/>)/, `$1\n    ${meta}`);
    },
  },
};

export default defineConfig({
  root: here('.'),
  base: './',
  // public/: files copied as they are (theme-boot.js, the page's pre-paint classic script).
  publicDir: 'public',
  plugins: [csp],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The wasm module is one large asset by design; don't inline it or warn about it.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      input: {
        index: here('index.html'),
        embed: here('embed.html'),
        // The iframe embed, for hosts that cannot serve kplay from their own origin.
        frame: here('frame.html'),
        widget: here('src/widget.js'),
        // The views' own test page (tests/e2e/views.test.mjs), built with the site, not linked.
        'views-test': here('views-test.html'),
      },
      output: { entryFileNames: (chunk) => (chunk.name === 'widget' ? 'widget.js' : 'assets/[name]-[hash].js') },
    },
  },
  // The engine worker is a module worker ({type: 'module'}): it loads the views' pure
  // modules (the charts' series, a record's journey) on demand, for paged runs only.
  worker: { format: 'es' },
  server: { port: 5173, strictPort: false },
});
