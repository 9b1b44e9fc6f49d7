#!/usr/bin/env node
// Runs each preset once at build time with the site's own engine (www/pkg, the wasm the
// page loads) and writes the outcome to www/dist/prerendered/<preset>.json:
// {text, options, outcome}. A run is a pure function of its text and options (same
// scenario + same seed = byte-identical report, natively and in the browser), so the page
// shows a preset's verdict from this file the moment it is opened, before the engine has
// loaded; any edit runs in the engine (www/src/core/precomputed.js). tests/e2e checks in
// Chromium that each file is exactly what the page's engine returns for its text.
//
// Only outcomes up to MAX_BYTES of JSON are kept: a bigger one costs more to fetch than to
// run (the speed presets' traces run to tens of MB); its file says so and holds no run.
//
//   node scripts/prerender.mjs [SITE_DIR]   (default www/dist)
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { optionsFor } from '../www/src/core/runner.js';

const MAX_BYTES = 512 * 1024;
const root = fileURLToPath(new URL('..', import.meta.url));
const site = process.argv[2] ?? join(root, 'www', 'dist');
const kplay = await import(pathToFileURL(join(root, 'www', 'pkg', 'kplay.js')).href);
kplay.initSync({ module: readFileSync(join(root, 'www', 'pkg', 'kplay_bg.wasm')) });

const index = JSON.parse(readFileSync(join(root, 'www', 'presets', 'index.json'), 'utf8'));
const out = join(site, 'prerendered');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
let kept = 0;
let bytes = 0;
for (const { name } of index.presets) {
  const text = readFileSync(join(root, 'www', 'presets', `${name}.kplay`), 'utf8');
  const options = { ...optionsFor(text) };
  const json = JSON.stringify({ text, options, outcome: kplay.run(text, options) });
  if (json.length > MAX_BYTES) {
    // A file all the same, so opening the preset fetches no 404: the page finds no run in it.
    writeFileSync(join(out, `${name}.json`), JSON.stringify({ skipped: `its run is ${json.length} bytes of JSON, over ${MAX_BYTES}: the engine runs it` }));
    continue;
  }
  writeFileSync(join(out, `${name}.json`), json);
  kept += 1;
  bytes += json.length;
}
console.log(`prerender: ${kept} of ${index.presets.length} presets' runs in ${out} (${Math.round(bytes / 1024)} KiB; runs over ${MAX_BYTES / 1024} KiB of JSON are left to the engine)`);
