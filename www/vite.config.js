// Vite builds www/ (this folder) into www/dist with relative URLs (base './'), so the site
// works from any sub-path of any static host. Entries: the playground (index.html),
// the widget demo article (embed.html), and the widget itself, emitted under a stable
// name, dist/widget.js, for other sites to load with <script type="module">. Its
// on-demand chunks (app, CSS, engine worker, wasm) resolve relative to it. The wasm file
// is emitted as a hashed asset because www/src/engine.js references it with
// new URL(..., import.meta.url).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: './',
  publicDir: false,
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
        widget: here('src/widget.js'),
        // The views' own test page (tests/e2e/views.test.mjs), built with the site, not linked.
        'views-test': here('views-test.html'),
      },
      output: { entryFileNames: (chunk) => (chunk.name === 'widget' ? 'widget.js' : 'assets/[name]-[hash].js') },
    },
  },
  server: { port: 5173, strictPort: false },
});
