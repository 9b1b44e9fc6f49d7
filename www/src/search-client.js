// The page's handle on search, the survival card and sweeps, each in Web Workers
// (search-worker.js) so the page stays responsive:
//
//   const job = stressSearch(text, {schedules, seed, faults}, onProgress)
//     onProgress({ran, total, workers, found, shrinking})
//     await job.result    {report: SearchReport (ran/survived summed over workers), workers, ms}
//     job.cancel()        terminates every worker; job.result rejects with 'cancelled'
//   const job = surviveCard(text, {schedules, seed}, onProgress)   → {card, ms}
//   const job = runSweep(text, sets, seeds, onProgress)            → {sweep, ms}
//
// A search is split over one worker per core (navigator.hardwareConcurrency, at most 8):
// worker w runs schedules w, w+W, w+2W, ... When one fails at index k, the others are told
// to stop before k; the counterexample is the one at the smallest failing index, exactly
// what a single-threaded `kplay search` with the same seed reports.

const MAX_WORKERS = 8;

export function workerCount() {
  return Math.max(1, Math.min(MAX_WORKERS, navigator.hardwareConcurrency || 1));
}

function spawn() {
  return new Worker(new URL('./search-worker.js', import.meta.url), { type: 'module' });
}

/** One worker, one request: {promise, terminate}. */
function single(msg, onProgress) {
  const worker = spawn();
  let reject;
  const promise = new Promise((res, rej) => {
    reject = rej;
    worker.onmessage = (e) => {
      const d = e.data;
      if (d.type === 'progress') onProgress?.(d);
      else {
        worker.terminate();
        if (d.type === 'result') res(d.value);
        else rej(new Error(d.message));
      }
    };
    worker.onerror = (e) => {
      worker.terminate();
      rej(new Error(e.message || 'the search worker failed'));
    };
  });
  worker.postMessage(msg);
  return {
    promise,
    worker,
    terminate() {
      worker.terminate();
      reject(new Error('cancelled'));
    },
  };
}

export function stressSearch(text, options = {}, onProgress = null) {
  const n = workerCount();
  const total = options.schedules ?? 1000;
  const t0 = performance.now();
  const state = Array.from({ length: n }, () => ({ ran: 0, found: null, shrinkRuns: 0, done: false, report: null }));
  let best = Infinity; // the smallest failing index so far
  const jobs = [];
  const tell = () =>
    onProgress?.({
      ran: state.reduce((a, s) => a + s.ran, 0),
      total,
      workers: n,
      found: best < Infinity ? best : null,
      shrinking: state.some((s) => s.found === best && !s.done && s.shrinkRuns > 0),
    });
  let fail = null;
  const result = new Promise((resolve, reject) => {
    fail = reject;
    const settle = () => {
      if (!state.every((s) => s.done)) return;
      const winner = state.filter((s) => s.report?.counterexample).sort((a, b) => a.found - b.found)[0];
      const base = winner?.report ?? state[0].report;
      const ran = state.reduce((a, s) => a + (s.report?.ran ?? s.ran), 0);
      resolve({ report: { ...base, ran, survived: ran - (winner ? 1 : 0), schedules: total }, workers: n, ms: performance.now() - t0 });
    };
    for (let w = 0; w < n; w += 1) {
      const s = state[w];
      const job = single({ type: 'search', text, options: { ...options, start: w, stride: n } }, (p) => {
        s.ran = p.ran;
        s.shrinkRuns = p.shrink_runs;
        if (p.found !== null && s.found === null) {
          s.found = p.found;
          if (p.found < best) {
            best = p.found;
            // Only smaller indices can still win: the others stop before this one, and
            // workers that failed later stop now.
            jobs.forEach((j, i) => {
              if (i === w) return;
              if (state[i].found !== null && state[i].found > best) {
                state[i].done = true;
                j.terminate();
              } else j.worker?.postMessage({ type: 'limit', n: best });
            });
          } else {
            s.done = true;
            job.terminate();
          }
        }
        tell();
      });
      job.promise.then(
        (report) => {
          s.report = report;
          s.done = true;
          tell();
          settle();
        },
        (err) => {
          // A worker stopped on purpose (it failed later than another) is done.
          s.done = true;
          if (err.message !== 'cancelled') {
            jobs.forEach((j) => j.terminate());
            reject(err);
          } else settle();
        },
      );
      jobs.push(job);
    }
  });
  return {
    result,
    cancel() {
      for (const j of jobs) j.terminate();
      fail(new Error('cancelled'));
    },
    workers: n,
  };
}

export function surviveCard(text, options = {}, onProgress = null) {
  const t0 = performance.now();
  const job = single({ type: 'card', text, options }, (p) => onProgress?.(p.progress));
  return { result: job.promise.then((card) => ({ card, ms: performance.now() - t0 })), cancel: () => job.terminate() };
}

export function runSweep(text, sets, seeds = 1, onProgress = null) {
  const t0 = performance.now();
  const job = single({ type: 'sweep', text, sets, seeds }, (p) => onProgress?.(p.progress));
  return { result: job.promise.then((sweep) => ({ sweep, ms: performance.now() - t0 })), cancel: () => job.terminate() };
}
