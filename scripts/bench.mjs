#!/usr/bin/env node
// Benchmarks kplay natively and as WebAssembly (in Node's V8, the engine Chromium uses)
// on the same scenarios, prints the figures, and checks both produced the same trace.
//
//   node scripts/bench.mjs                 1M records: acks=1 RF 1, then acks=all RF 3
//   node scripts/bench.mjs --records N     another size
//   npm run bench                          the same, after building what is missing
//
// Native figures come from `kplay bench` (release build); wasm figures from the
// package `scripts/build.sh --bench` writes to target/pkg-bench (the site's module built
// with the `bench` feature, which adds benchScenario and benchRun). Figures only: nothing here fails on speed.
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
let records = 1_000_000;
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--records') records = Number(args[++i]);
  else {
    console.error(`bench: unknown argument '${args[i]}' (known: --records N)`);
    process.exit(2);
  }
}
if (!Number.isInteger(records) || records <= 0) {
  console.error('bench: --records needs a positive integer');
  process.exit(2);
}

const cases = [
  { acks: '1', rf: 1 },
  { acks: 'all', rf: 3 },
];

const pkg = join(root, 'target', 'pkg-bench');
const wasmBytes = readFileSync(join(pkg, 'kplay_bg.wasm'));
const kplay = await import(join(pkg, 'kplay.js'));
const wasm = kplay.initSync({ module: wasmBytes });
console.log(
  `kplay ${kplay.version()} wasm module: ${(statSync(join(pkg, 'kplay_bg.wasm')).size / 1024).toFixed(0)} KB, ` +
    `${(gzipSync(wasmBytes, { level: 9 }).length / 1024).toFixed(0)} KB gzipped`,
);

// V8 compiles wasm in tiers: the first run of a fresh instance also pays for compiling
// the hot functions with the optimizing compiler. That cold figure is what a page's first
// run sees; the per-case figures below are warm (what every later run sees).
{
  const c = cases[0];
  const t0 = performance.now();
  kplay.benchRun(kplay.benchScenario(records, c.acks, c.rf));
  const secs = (performance.now() - t0) / 1000;
  console.log(
    `\nwasm cold first run (fresh instance, includes V8 tier-up): acks=${c.acks} RF ${c.rf}: ` +
      `${secs.toFixed(3)} s, ${(records / secs).toFixed(0)} records/s`,
  );
}

let mismatch = false;
for (const c of cases) {
  const out = execFileSync(
    'cargo',
    ['run', '--quiet', '--release', '--bin', 'kplay', '--', 'bench', '--records', String(records), '--acks', c.acks, '--rf', String(c.rf)],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
  );
  process.stdout.write(`\n${out}`);
  const nativeHash = /trace hash\s+(\S+)/.exec(out)?.[1];

  const text = kplay.benchScenario(records, c.acks, c.rf);
  const t0 = performance.now();
  const r = kplay.benchRun(text);
  const secs = (performance.now() - t0) / 1000;
  console.log(`kplay bench (wasm in Node ${process.version}, warm): ${records} records, RF ${c.rf}, acks=${c.acks}`);
  console.log(`  wall time          ${secs.toFixed(3)} s`);
  console.log(`  records/s          ${(records / secs).toFixed(0)}`);
  console.log(`  events/s           ${(r.kernel_events / secs).toFixed(0)}`);
  console.log(`  delivered          ${r.delivered}`);
  // Linear memory only grows, so its size after the run is the run's peak (or an earlier one's).
  console.log(`  wasm memory        ${(wasm.memory.buffer.byteLength / 1048576).toFixed(1)} MB (linear memory, peak so far)`);
  console.log(`  trace hash         ${r.trace_hash} (${r.trace_hash === nativeHash ? 'same as native' : `NATIVE WAS ${nativeHash}`})`);
  const nativeRate = Number(/records\/s\s+(\d+)/.exec(out)?.[1]);
  if (nativeRate) console.log(`  native / wasm      ${(nativeRate / (records / secs)).toFixed(2)}x`);
  if (r.trace_hash !== nativeHash) mismatch = true;
}
if (mismatch) {
  console.error('\nbench: the wasm and native runs of one scenario produced different traces');
  process.exit(1);
}
