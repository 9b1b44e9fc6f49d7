// Runs the scenario text in the engine's Web Worker and tells the page what is going on.
// One run at a time: a new run (an edit, after a debounce; a control change, at once)
// cancels the one still going, and a result that arrives for an older text is dropped.
// Runs ask for records and trace, which the record grid, the journey and the views need.
// Runs of more than DETAIL_LIMIT records (optionsFor), or whose trace turns out longer than
// the worker's TRACE_PAGE_EVENTS, are paged: copying their records and
// trace from the worker at once would stall the page, so the verdict comes first ('done'
// with report.paged), then the records in pages and the charts' data ('detail'); their
// trace stays in the worker (engine.journey, engine.json).
//
//   const runner = createRunner(engine, {precomputed}, onState)
//                                    precomputed(text, options): a Promise of the report
//                                    made at build time for a preset's text, or null
//                                    (core/precomputed.js); such a run skips the engine
//   runner.schedule(text, delayMs)   run after delayMs of quiet (edits)
//   runner.runNow(text)              run at once (control changes, presets, "Run")
//   runner.cancel()                  stop the run in progress (for a paged run whose
//                                    verdict is shown: stop copying its records)
//   optionsFor(text)                 the options a run of text uses
//
// onState receives {phase, ...}: 'running' {text, progress, startedAt}; 'done' {text,
// report, ms, precomputed, transferring} (transferring: a paged run's verdict, its records
// on their way); 'detail' {text, report, ms} (a paged run's records and charts, after its
// 'done'); 'invalid' {text, errors}; 'cancelled' {text}; 'stopped' {text} (a paged run's
// copying cancelled, its verdict kept); 'failed' {text, message}.

import { estimateRecords } from './text-model.js';

export const RUN_OPTIONS = Object.freeze({ records: true, trace: true });
/** Above this many records a run is paged: copying its records and trace from the worker
 *  in one message would stall the page (about 3.5 ms per 1000 records). */
export const DETAIL_LIMIT = 50_000;
const PAGED_OPTIONS = Object.freeze({ records: true, trace: true, paged: true });

/** The options a run of `text` uses: everything, paged above DETAIL_LIMIT records. */
export function optionsFor(text) {
  return estimateRecords(text) > DETAIL_LIMIT ? PAGED_OPTIONS : RUN_OPTIONS;
}

export function createRunner(engine, { precomputed = null }, onState) {
  let job = null;
  let generation = 0;
  let timer = 0;
  let lastText = null;
  let transferring = false; // a paged run's verdict is shown and its records are on their way

  async function start(text) {
    clearTimeout(timer);
    const mine = ++generation;
    if (job) {
      job.cancel();
      job = null;
    }
    lastText = text;
    transferring = false;
    const startedAt = performance.now();
    onState({ phase: 'running', text, progress: 0, startedAt });
    const known = precomputed?.(text, optionsFor(text));
    if (known) {
      const report = await known;
      if (mine !== generation) return;
      if (report) {
        onState({ phase: 'done', text, report, ms: performance.now() - startedAt, precomputed: true });
        return;
      }
    }
    let headShown = false;
    const current = engine.run(
      text,
      optionsFor(text),
      (progress) => {
        if (mine === generation) onState({ phase: 'running', text, progress, startedAt });
      },
      (head) => {
        if (mine !== generation || !head.ok) return;
        headShown = true;
        transferring = true;
        onState({ phase: 'done', text, report: head.report, ms: performance.now() - startedAt, transferring: true });
      },
    );
    job = current;
    try {
      const outcome = await current.result;
      if (mine !== generation) return;
      job = null;
      transferring = false;
      const ms = performance.now() - startedAt;
      if (outcome.ok) onState({ phase: headShown ? 'detail' : 'done', text, report: outcome.report, ms });
      else onState({ phase: 'invalid', text, errors: outcome.errors, ms });
    } catch (err) {
      if (mine !== generation) return;
      job = null;
      transferring = false;
      const message = String(err?.message ?? err);
      onState(message === 'cancelled' ? { phase: 'cancelled', text } : { phase: 'failed', text, message });
    }
  }

  return {
    schedule(text, delayMs = 200) {
      clearTimeout(timer);
      timer = setTimeout(() => start(text), delayMs);
    },
    runNow: (text) => start(text),
    cancel() {
      clearTimeout(timer);
      if (!job) return;
      generation++;
      job.cancel();
      job = null;
      // A paged run whose verdict is shown: only the copying of its records stops.
      onState({ phase: transferring ? 'stopped' : 'cancelled', text: lastText });
      transferring = false;
    },
    get running() {
      return job !== null;
    },
  };
}
