// A Web Worker for the heavy questions: search, the survival card and sweeps. It loads the
// second wasm package (www/pkg-search, built with the search-api feature), so the
// playground's own module stays small. Message protocol (search-client.js is its only user):
//
//   in:  {type: 'search', text, options}   options: SearchOptions (report.d.ts), with this
//                                          worker's start and stride
//        {type: 'limit', n}                stop before schedule n (another worker failed there)
//        {type: 'card', text, options}     options: {seed?, schedules?}
//        {type: 'sweep', text, sets, seeds}
//   out: {type: 'progress', ...}           search: {ran, found, shrink_runs}; card, sweep: {progress}
//        {type: 'result', value}           SearchReport | Card | SweepReport
//        {type: 'error', message}          invalid text (diagnostics), bad options, or a bug
//
// Work goes in slices with a yield between them, so 'limit' messages arrive while a search
// runs; cancelling is the client terminating the worker.
import init, * as wasm from '../pkg-search/kplay.js';

const wasmUrl = new URL('../pkg-search/kplay_bg.wasm', import.meta.url);
const ready = init({ module_or_path: wasmUrl });
const SLICE_MS = 50;

let current = null; // the running Search, for 'limit'
let pendingLimit = Infinity;

const post = (msg) => self.postMessage(msg);
const yieldNow = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Steps `job` (step(n) → done) in slices of about SLICE_MS, reporting after each. */
async function drive(job, report) {
  let n = 1;
  for (;;) {
    const t0 = performance.now();
    const done = job.step(n);
    const ms = performance.now() - t0;
    // Grow or shrink the slice towards SLICE_MS.
    n = Math.max(1, Math.min(4096, Math.round(n * (ms < SLICE_MS / 2 ? 2 : ms > SLICE_MS * 2 ? 0.5 : 1))));
    report();
    if (done) return;
    await yieldNow();
  }
}

async function search(text, options) {
  const s = new wasm.Search(text, options);
  current = s;
  if (pendingLimit < Infinity) s.limit(pendingLimit);
  await drive(s, () => post({ type: 'progress', ...s.progress() }));
  const value = s.report();
  current = null;
  s.free();
  return value;
}

async function card(text, options) {
  const c = new wasm.Card(text, options);
  await drive(c, () => post({ type: 'progress', progress: c.progress() }));
  const value = c.report();
  c.free();
  return value;
}

async function sweep(text, sets, seeds) {
  const s = new wasm.Sweep(text, sets, seeds);
  await drive(s, () => post({ type: 'progress', progress: s.progress() }));
  const value = s.report();
  s.free();
  return value;
}

self.onmessage = async (event) => {
  const { type, text, options, sets, seeds, n } = event.data;
  if (type === 'limit') {
    pendingLimit = Math.min(pendingLimit, n);
    current?.limit(n);
    return;
  }
  try {
    await ready;
    let value;
    if (type === 'search') value = await search(text, options ?? {});
    else if (type === 'card') value = await card(text, options ?? {});
    else if (type === 'sweep') value = await sweep(text, sets ?? [], seeds ?? 1);
    else throw new Error(`unknown request type ${type}`);
    post({ type: 'result', value });
  } catch (err) {
    const message = Array.isArray(err) ? `the scenario is invalid: ${err[0]?.message ?? ''}` : String(err?.message ?? err);
    post({ type: 'error', message });
  }
};
