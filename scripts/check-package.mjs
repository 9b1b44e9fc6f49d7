#!/usr/bin/env node
// Checks the npm package scripts/build-package.mjs assembled in pkg/ (the `package` layer
// of scripts/test.sh, after scripts/build.sh):
//   1. `npm pack --dry-run --json` lists every file package.json's exports, main and types
//      name (so a published tarball has what its manifest promises), and nothing outside
//      `files` but package.json itself;
//   2. the typings are valid TypeScript (tsc) and the engine's API has no `any`
//      (scripts/check-dts.mjs), with no search or bench exports in the engine;
//   3. the engine works from the package in Node: initSync with its wasm, check and run
//      a scenario, a Session stepped to its end.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = join(root, 'pkg');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));

// 1. The tarball's files against the manifest.
const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkg, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
const inTarball = new Set(packed.files.map((f) => f.path));
const targets = [];
const collect = (v) => (typeof v === 'string' ? targets.push(v) : Object.values(v).forEach(collect));
collect(manifest.exports);
targets.push(manifest.main, manifest.types);
const missing = targets.map((t) => t.replace(/^\.\//, '')).filter((t) => !inTarball.has(t));
assert.deepEqual(missing, [], `pkg/package.json names files the tarball lacks: ${missing.join(', ')}`);
for (const f of inTarball) {
  const top = f.split('/')[0];
  assert.ok(f === 'package.json' || manifest.files.some((x) => x.replace(/\/$/, '') === top), `unexpected file in the tarball: ${f}`);
}
for (const cond of Object.values(manifest.exports).filter((v) => typeof v === 'object'))
  assert.ok(Object.keys(cond)[0] === 'types', `an export's "types" condition must come first: ${JSON.stringify(cond)}`);
console.log(`check-package: ${packed.name}@${packed.version}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} KiB packed; every export, main and types file is in it`);

// 2. The typings.
execFileSync('node', [join(root, 'scripts', 'check-dts.mjs'), '--engine', join(pkg, 'engine', 'kplay.d.ts')], { stdio: 'inherit' });
execFileSync('node', [join(root, 'scripts', 'check-dts.mjs'), join(pkg, 'search', 'kplay.d.ts')], { stdio: 'inherit' });
execFileSync(bin('tsc'), ['--noEmit', '--strict', '--lib', 'es2023,esnext.disposable,dom', '--module', 'esnext', '--moduleResolution', 'bundler', '--target', 'es2022',
  join(pkg, 'engine', 'kplay.d.ts'), join(pkg, 'search', 'kplay.d.ts'), join(pkg, 'widget', 'widget.d.ts')], { stdio: 'inherit' });
console.log('check-package: the typings compile (tsc --strict)');

// 3. The engine, from the package, in Node.
const kplay = await import(pathToFileURL(join(pkg, 'engine', 'kplay.js')).href);
kplay.initSync({ module: readFileSync(join(pkg, 'engine', 'kplay_bg.wasm')) });
assert.equal(kplay.version(), manifest.version);
const text = 'seed 5\nbrokers 3\ntopic orders partitions=1 replication.factor=3\nproducer app acks=all\nat 0ms app send orders count=20 every=1ms\nexpect lost=0\n';
assert.deepEqual(kplay.check(text), []);
assert.equal(kplay.check('brokers x\n').length > 0, true);
const outcome = kplay.run(text, { records: true });
assert.ok(outcome.ok, JSON.stringify(outcome.errors));
assert.equal(outcome.report.summary.sent, 20);
const session = new kplay.Session(text, {});
while (!session.step(10_000));
assert.equal(session.report().trace_hash, outcome.report.trace_hash);
session.free();
console.log(`check-package: the engine runs from the package in Node (kplay ${kplay.version()}, trace ${outcome.report.trace_hash})`);
