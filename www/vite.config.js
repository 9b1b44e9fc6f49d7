// Vite builds www/ (this folder) into www/dist with relative URLs (base './'), so the site
// works from any sub-path of any static host. The wasm file is emitted as a hashed asset
// because www/src/engine.js references it with new URL(..., import.meta.url).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
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
        index: fileURLToPath(new URL('index.html', import.meta.url)),
        'views-test': fileURLToPath(new URL('views-test.html', import.meta.url)),
      },
    },
  },
  server: { port: 5173, strictPort: false },
});
