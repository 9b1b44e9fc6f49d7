// The page's handle on kplay: every request goes to a Web Worker (worker.js), so a long
// run never freezes the page. This is the API the playground and the widget use:
//
//   const engine = createEngine();
//   await engine.ready;                        resolves to {version} once the worker has the engine
//   await engine.check(text)                   Diagnostic[] ([] when valid)
//   const job = engine.run(text, options, onProgress)
//     await job.result                         {ok: true, report} | {ok: false, errors}
//     job.cancel()                             stops the run; job.result rejects with 'cancelled'
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
//
// options: {records?: boolean, trace?: boolean, seed?: number | string} (a seed above 2^53 - 1
// as a string of digits; reports give such seeds back as strings). Report and Snapshot shapes:
// crate/src/report.d.ts (also in the generated www/pkg/kplay.d.ts).
//
// The wasm module is loaded in the worker only: the page itself never compiles it.

export function createEngine() {
  let worker = null;
  let nextId = 1;
  const pending = new Map(); // id -> {resolve, reject, onProgress}

  function spawn() {
    worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    worker.onmessage = (event) => {
      const { id, type, value, progress, message } = event.data;
      const p = pending.get(id);
      if (!p) return;
      if (type === 'progress') p.onProgress?.(progress);
      else {
        pending.delete(id);
        if (type === 'result') p.resolve(value);
        else p.reject(new Error(message));
      }
    };
    worker.onerror = (event) => {
      const err = new Error(event.message || 'kplay worker failed');
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    };
  }

  function request(msg, onProgress) {
    if (!worker) spawn();
    const id = nextId++;
    const promise = new Promise((resolve, reject) => pending.set(id, { resolve, reject, onProgress }));
    worker.postMessage({ id, ...msg });
    return { id, promise };
  }

  /** Stops whatever the worker is doing: the worker is replaced by a fresh one. */
  function restart(reason) {
    worker?.terminate();
    worker = null;
    for (const p of pending.values()) p.reject(new Error(reason));
    pending.clear();
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
    run(text, options = {}, onProgress = null) {
      const { promise } = request({ type: 'run', text, options }, onProgress);
      return { result: promise, cancel: () => restart('cancelled') };
    },
    snapshotAt: (text, options, tUs) => request({ type: 'snapshot', text, options, t_us: tUs }).promise,
    dumpAt: (text, options, tUs, { tp, broker, base = -1, data = false }) =>
      request({ type: 'dump', text, options, t_us: tUs, tp, broker, base, data }).promise,
    randomSeed: () => request({ type: 'seed' }).promise,
    terminate: () => restart('terminated'),
  };
}
