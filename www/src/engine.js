// The only importer of the wasm package (www/pkg, built by scripts/build.sh). Everything
// else in www/ talks to kplay through the object loadEngine() resolves to, so the wasm
// API can grow (run, a stepping Session, a Web Worker) without touching the views.
//
//   const engine = await loadEngine();
//   engine.version        'x.y.z'
//   engine.check(text)    [{line, column, end_column, word, message, hint}], [] when valid
//   engine.canRun         whether this build exports run(text, options)
//   engine.run(text, o)   {ok: true, report} or {ok: false, errors}; throws if !canRun
//   engine.randomSeed()   a fresh u32 for a new seed line
//   engine.session(t, o)  a wasm Session: step(n), progress(), runUntil(tUs, n), report(),
//                         snapshot(), free(); throws the diagnostics array if t is invalid
import init, * as wasm from '../pkg/kplay.js';

// Written out here (not left to the generated default) so Vite sees the asset and copies
// it into dist with a hashed name, and so the URL is relative to this module.
const wasmUrl = new URL('../pkg/kplay_bg.wasm', import.meta.url);

let loading = null;

/** Loads and instantiates the wasm module once; later calls share the same promise. */
export function loadEngine() {
  loading ??= init({ module_or_path: wasmUrl }).then(() => makeEngine());
  return loading;
}

/** An export by name, or null when this build of the wasm module lacks it. */
function optionalExport(name) {
  const value = wasm[name];
  return typeof value === 'function' ? value : null;
}

function makeEngine() {
  const run = optionalExport('run');
  return Object.freeze({
    version: wasm.version(),
    check: (text) => wasm.check(text),
    randomSeed: () => wasm.randomSeed(),
    canRun: run !== null,
    run: (text, options = {}) => {
      if (!run) throw new Error('this build of kplay has no run() export yet');
      return run(text, options);
    },
    session: (text, options = {}) => new wasm.Session(text, options),
  });
}
