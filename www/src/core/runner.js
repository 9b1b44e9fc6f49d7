// Runs the scenario text in the engine's Web Worker and tells the page what is going on.
// One run at a time: a new run (an edit, after a debounce; a control change, at once)
// cancels the one still going, and a result that arrives for an older text is dropped.
// Runs ask for records and trace, which the record grid, the journey and the views need.
//
//   const runner = createRunner(engine, onState)
//   runner.schedule(text, delayMs)   run after delayMs of quiet (edits)
//   runner.runNow(text)              run at once (control changes, presets, "Run")
//   runner.cancel()                  stop the run in progress
//   runner.options                   the options runs use ({records: true, trace: true})
//
// onState receives {phase, ...}: 'running' {text, progress, startedAt}; 'done' {text,
// report, ms}; 'invalid' {text, errors}; 'cancelled' {text}; 'failed' {text, message}.

export const RUN_OPTIONS = Object.freeze({ records: true, trace: true });

export function createRunner(engine, onState) {
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
    const current = engine.run(text, RUN_OPTIONS, (progress) => {
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
    options: RUN_OPTIONS,
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
