// Runs the scenario text in the engine's Web Worker and tells the page what is going on.
// One run at a time: a new run (an edit, after a debounce; a control change, at once)
// cancels the one still going, and a result that arrives for an older text is dropped.
// Runs ask for records and trace, which the record grid, the journey and the views need,
// except runs of more than DETAIL_LIMIT records (optionsFor), which would stall the page.
//
//   const runner = createRunner(engine, {precomputed}, onState)
//                                    precomputed(text, options): a Promise of the report
//                                    made at build time for a preset's text, or null
//                                    (core/precomputed.js); such a run skips the engine
//   runner.schedule(text, delayMs)   run after delayMs of quiet (edits)
//   runner.runNow(text)              run at once (control changes, presets, "Run")
//   runner.cancel()                  stop the run in progress
//   optionsFor(text)                 the options a run of text uses
//
// onState receives {phase, ...}: 'running' {text, progress, startedAt}; 'done' {text,
// report, ms, precomputed}; 'invalid' {text, errors}; 'cancelled' {text}; 'failed' {text, message}.

import { estimateRecords } from './text-model.js';

export const RUN_OPTIONS = Object.freeze({ records: true, trace: true });
/** Above this many records a run leaves out records and trace: copying them from the
 *  worker would stall the page (about 3.5 ms per 1000 records). */
export const DETAIL_LIMIT = 50_000;
const LEAN_OPTIONS = Object.freeze({ records: false, trace: false });

/** The options a run of `text` uses: everything, unless it sends more than DETAIL_LIMIT records. */
export function optionsFor(text) {
  return estimateRecords(text) > DETAIL_LIMIT ? LEAN_OPTIONS : RUN_OPTIONS;
}

export function createRunner(engine, { precomputed = null }, onState) {
  let job = null;
  let generation = 0;
  let timer = 0;
  let lastText = null;

  async function start(text) {
    clearTimeout(timer);
    const mine = ++generation;
    if (job) {
      job.cancel();
      job = null;
    }
    lastText = text;
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
    const current = engine.run(text, optionsFor(text), (progress) => {
      if (mine === generation) onState({ phase: 'running', text, progress, startedAt });
    });
    job = current;
    try {
      const outcome = await current.result;
      if (mine !== generation) return;
      job = null;
      const ms = performance.now() - startedAt;
      if (outcome.ok) onState({ phase: 'done', text, report: outcome.report, ms });
      else onState({ phase: 'invalid', text, errors: outcome.errors, ms });
    } catch (err) {
      if (mine !== generation) return;
      job = null;
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
      onState({ phase: 'cancelled', text: lastText });
    },
    get running() {
      return job !== null;
    },
  };
}
