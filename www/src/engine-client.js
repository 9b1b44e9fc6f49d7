// The page's handle on kplay: every request goes to a Web Worker (worker.js), so a long
// run never freezes the page. This is the API the playground and the widget use:
//
//   const engine = createEngine();
//   await engine.ready;                        resolves to {version} once the worker has the engine
//   await engine.check(text)                   Diagnostic[] ([] when valid)
//   const job = engine.run(text, options, onProgress, onHead)
//     await job.result                         {ok: true, report} | {ok: false, errors}
//     job.cancel()                             stops the run; job.result rejects with 'cancelled'
//                                              options.paged (a run of many records), or a
//                                              trace the worker finds too long: the
//                                              verdict (the report without records and trace)
//                                              goes to onHead({ok, report}) first; the records
//                                              follow in pages, and job.result has them, with
//                                              report.categories (their grid colours) and
//                                              report.charts (views/series.js's data), both
//                                              made in the worker, instead of the trace
//   await engine.journey(text, options, id)    record id's journey (core/journey.js) in a paged run
//   await engine.divergence({text, options}, {text, options})
//                                              where two runs' traces first differ, read in the
//                                              worker (compare mode on paged runs): {first:
//                                              {index, a, b, before} or null, lengths}
//   await engine.json(text, options, part)     a paged run's 'report' or 'trace' as JSON text
//   await engine.traceWindow(text, options, tUs, n)  up to n trace events of a paged run around
//                                              tUs: {from, total, events} (the timeline's window)
//   await engine.snapshotAt(text, options, tUs) Snapshot (state at virtual time tUs), or {errors}
//   await engine.dumpAt(text, options, tUs, {tp, broker, base, data})
//                                              string: broker `broker`'s replica of `tp` ('orders-0')
//                                              at virtual time tUs, as kafka-dump-log.sh --files …
//                                              --deep-iteration prints its segment files: the one
//                                              whose base offset is `base` (every one when base < 0
//                                              or absent), with --print-data-log when `data`.
//                                              Rejects with a message for an invalid text or no such
//                                              partition, replica or segment
//   await engine.randomSeed()                  a fresh u32 seed (the engine's randomSeed)
//   await engine.decode(encoded)               a share link's #s= value decoded in the worker
//                                              (off the page's thread); rejects saying what is
//                                              wrong with a damaged or oversized link
//
// options: {records?: boolean, trace?: boolean, seed?: number | string} (a seed above 2^53 - 1
// as a string of digits; reports give such seeds back as strings). Report and Snapshot shapes:
// crate/src/report.d.ts (also in the generated www/pkg/kplay.d.ts).
//
// The wasm module is loaded in the worker only: the page itself never compiles it.
//
// createEngine() has a worker of its own (the playground). sharedEngine() gives the same API
// on one of a small pool of workers shared by every caller on the page (the widgets: a
// documentation page with ten scenarios loads and compiles the engine once or twice, not
// ten times). Each handle stays on one worker, so its scrubbing replays continue there;
// cancelling or terminating a handle rejects only its own requests: the worker is replaced
// and the other handles' requests are sent again to the new one.

/** A worker and the requests it has not answered: id -> {msg, resolve, reject, onProgress, owner}. */
function newSlot() {
  return { worker: null, pending: new Map(), users: 0 };
}

function spawn(slot) {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  slot.worker = worker;
  worker.onmessage = (event) => {
    const { id, type, value, progress, message } = event.data;
    const p = slot.pending.get(id);
    if (!p) return;
    if (type === 'progress') p.onProgress?.(progress);
    else if (type === 'head' || type === 'page' || type === 'charts') {
      p.onPart?.(event.data);
      if (event.data.pull) pullAfterFrame(slot, worker, id);
    }
    else {
      slot.pending.delete(id);
      if (type === 'result') p.resolve(value);
      else p.reject(new Error(message));
    }
  };
  worker.onerror = (event) => {
    const err = new Error(event.message || 'kplay worker failed');
    for (const p of slot.pending.values()) p.reject(err);
    slot.pending.clear();
  };
}

/** Asks `worker` for the next pages of paged run `id` once the page has drawn a frame (or
 * after 50 ms, where frames are not drawn: a hidden tab). */
function pullAfterFrame(slot, worker, id) {
  let sent = false;
  const pull = () => {
    if (sent || slot.worker !== worker || !slot.pending.has(id)) return;
    sent = true;
    worker.postMessage({ id, type: 'pull' });
  };
  requestAnimationFrame(() => setTimeout(pull, 0));
  setTimeout(pull, 50);
}

/** Stops the slot's worker: `owner`'s requests are rejected with `reason`, the others are
 * sent again to a fresh worker (a request is a pure function of its message). */
function restart(slot, owner, reason) {
  slot.worker?.terminate();
  slot.worker = null;
  /** @type {[number, any][]} */
  const others = [];
  for (const [id, p] of slot.pending) {
    if (p.owner === owner) p.reject(new Error(reason));
    else others.push([id, p]);
  }
  slot.pending = new Map(others);
  if (others.length) {
    spawn(slot);
    for (const [id, p] of others) slot.worker.postMessage({ id, ...p.msg });
  }
}

let nextId = 1; // request ids are unique on the page, so requests can move between workers

/** The engine API over `slot`; `release` runs when the handle is terminated. */
function handleOn(slot, release = () => {}) {
  const owner = {};
  slot.users += 1;
  let released = false;

  function request(msg, onProgress, onPart = null) {
    if (!slot.worker) spawn(slot);
    const id = nextId++;
    const promise = new Promise((resolve, reject) => slot.pending.set(id, { msg, resolve, reject, onProgress, onPart, owner }));
    slot.worker.postMessage({ id, ...msg });
    return { id, promise };
  }

  /** Stops this handle's work: its requests are rejected, the worker is replaced if it had any. */
  function stop(reason) {
    if ([...slot.pending.values()].some((p) => p.owner === owner)) restart(slot, owner, reason);
  }

  // Asked at once, so the worker starts loading the wasm before the first run. A cancel
  // that replaces the worker meanwhile just means asking the new one.
  const ready = (async () => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await request({ type: 'version' }).promise;
      } catch (err) {
        if (attempt >= 3 || !/^(cancelled|terminated)$/.test(err.message)) throw err;
      }
    }
  })();

  return {
    ready,
    check: (text) => request({ type: 'check', text }).promise,
    run(text, options = {}, onProgress = null, onHead = null) {
      // A paged run's parts (a request sent again to a new worker starts over at its head).
      let head = null;
      let pages = [];
      let categories = new Uint8Array(0);
      let at = 0;
      let charts = null;
      const { promise } = request({ type: 'run', text, options }, onProgress, (part) => {
        if (part.type === 'head') {
          head = part.value;
          pages = [];
          categories = new Uint8Array(head.report.paged.records);
          at = 0;
          onHead?.(head);
        } else if (part.type === 'page') {
          pages.push(part.records);
          categories.set(part.categories, at);
          at += part.categories.length;
        } else charts = part.value;
      });
      const result = promise.then((value) => (value?.paged && head ? { ok: true, report: { ...head.report, records: pages.flat(), categories, charts } } : value));
      return { result, cancel: () => stop('cancelled') };
    },
    journey: (text, options, record) => request({ type: 'journey', text, options, record }).promise,
    json: (text, options, part) => request({ type: 'json', text, options, part }).promise,
    divergence: (a, b) => request({ type: 'divergence', a, b }).promise,
    traceWindow: (text, options, tUs, events) => request({ type: 'window', text, options, t_us: tUs, events }).promise,
    snapshotAt: (text, options, tUs) => request({ type: 'snapshot', text, options, t_us: tUs }).promise,
    dumpAt: (text, options, tUs, { tp, broker, base = -1, data = false }) =>
      request({ type: 'dump', text, options, t_us: tUs, tp, broker, base, data }).promise,
    randomSeed: () => request({ type: 'seed' }).promise,
    decode: (encoded) => request({ type: 'decode', encoded }).promise,
    terminate() {
      stop('terminated');
      if (!released) {
        released = true;
        slot.users -= 1;
        release();
      }
    },
  };
}

/** An engine on a worker of its own. */
export function createEngine() {
  const slot = newSlot();
  return handleOn(slot, () => restart(slot, null, 'terminated'));
}

/** How many workers the page's shared engines use. */
export const POOL_SIZE = Math.max(1, Math.min(2, ((typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 2) - 1));
const pool = [];
let nextSlot = 0;

/** An engine on one of the page's shared workers (assigned in turn). A worker no handle
 * uses any more is stopped. */
export function sharedEngine() {
  const i = nextSlot++ % POOL_SIZE;
  const slot = (pool[i] ??= newSlot());
  return handleOn(slot, () => {
    if (slot.users === 0) restart(slot, null, 'terminated');
  });
}

/** For tests: how many shared workers are running now. */
export function sharedWorkers() {
  return pool.filter((s) => s?.worker).length;
}
