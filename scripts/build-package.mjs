#!/usr/bin/env node
// Assembles the publishable npm package `kplay` in pkg/ (gitignored) from what
// scripts/build.sh built: the engine (www/pkg, wasm-bindgen's module, typings and wasm),
// the engine with search (www/pkg-search), and the widget (www/dist's widget.js, its
// on-demand assets and the iframe page), plus www/package/ (README.md, widget.d.ts) and
// a package.json whose version is the crate's. scripts/build.sh runs it last;
// scripts/check-package.mjs checks the result with `npm pack --dry-run`.
//
//   node scripts/build-package.mjs      (after scripts/build.sh)
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'pkg');
const from = (...p) => join(root, ...p);

function need(path) {
  if (!existsSync(path)) {
    console.error(`build-package: ${path} is missing; run scripts/build.sh first`);
    process.exit(1);
  }
  return path;
}

const cargo = readFileSync(from('Cargo.toml'), 'utf8');
const version = /^\[package\][\s\S]*?^version\s*=\s*"([^"]+)"/m.exec(cargo)?.[1];
if (!version) throw new Error('build-package: no [package] version in Cargo.toml');

rmSync(out, { recursive: true, force: true });
for (const [dir, pkg] of [['engine', 'www/pkg'], ['search', 'www/pkg-search']]) {
  mkdirSync(join(out, dir), { recursive: true });
  for (const f of ['kplay.js', 'kplay.d.ts', 'kplay_bg.wasm', 'kplay_bg.wasm.d.ts']) copyFileSync(need(from(pkg, f)), join(out, dir, f));
}
mkdirSync(join(out, 'widget'), { recursive: true });
copyFileSync(need(from('www/dist/widget.js')), join(out, 'widget', 'widget.js'));
copyFileSync(need(from('www/dist/frame.html')), join(out, 'widget', 'frame.html'));
cpSync(need(from('www/dist/assets')), join(out, 'widget', 'assets'), { recursive: true });
copyFileSync(from('www/package/widget.d.ts'), join(out, 'widget', 'widget.d.ts'));
copyFileSync(from('www/package/README.md'), join(out, 'README.md'));

const manifest = {
  name: 'kplay',
  version,
  description: "A deterministic simulator of Kafka's produce path in WebAssembly: the engine and the <kplay-scenario> widget",
  license: 'Apache-2.0',
  type: 'module',
  main: './engine/kplay.js',
  types: './engine/kplay.d.ts',
  exports: {
    '.': { types: './engine/kplay.d.ts', default: './engine/kplay.js' },
    './kplay_bg.wasm': './engine/kplay_bg.wasm',
    './search': { types: './search/kplay.d.ts', default: './search/kplay.js' },
    './search/kplay_bg.wasm': './search/kplay_bg.wasm',
    './widget': { types: './widget/widget.d.ts', default: './widget/widget.js' },
    './frame.html': './widget/frame.html',
    './package.json': './package.json',
  },
  files: ['engine/', 'search/', 'widget/', 'README.md'],
  sideEffects: ['./widget/widget.js', './widget/assets/*'],
  keywords: ['kafka', 'simulator', 'wasm', 'producer', 'web-component'],
};
writeFileSync(join(out, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`build-package: pkg/ holds kplay ${version} (engine, search, widget); check it with node scripts/check-package.mjs`);
