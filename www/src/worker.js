// The Web Worker that runs kplay off the page's thread. Speaks a small message protocol
// (see engine-client.js, its only user):
//
//   in:  {id, type: 'version'}                           → {version}
//        {id, type: 'seed'}                              → a fresh u32 (getrandom)
//        {id, type: 'check', text}
//        {id, type: 'run', text, options}                options: {records, trace, seed}
//        {id, type: 'snapshot', text, options, t_us}     state at virtual time t_us
//        {id, type: 'dump', text, options, t_us, tp, broker, base, data}
//                                                        a replica's segment files at t_us, as
//                                                        kafka-dump-log.sh --deep-iteration prints
//                                                        them (base < 0: every segment; data:
//                                                        --print-data-log)
//   out: {id, type: 'progress', progress}                 0..1, while a run goes
//        {id, type: 'result', value}                      check: Diagnostic[]; run: {ok, report}|{ok, errors}; snapshot: Snapshot|{errors}; dump: string
//        {id, type: 'error', message}                     API misuse or a panic (a bug); for dump also an invalid
//                                                        text, or no such partition, replica or segment
//
// Runs are stepped in slices so progress can be posted; cancelling is done by the client
// terminating this worker (a slice never blocks for long, but a terminate is instant and
// leaves no half-run state behind).
import { loadEngine } from './engine.js';

const SLICE_EVENTS = 20000;

let enginePromise = null;
const engine = () => (enginePromise ??= loadEngine());

// One replay session kept for scrubbing: snapshots (and dumps) at increasing times
// continue it.
let replay = null; // {key, session, t}

function post(msg) {
  self.postMessage(msg);
}

async function run(id, text, options) {
  const e = await engine();
  const errors = e.check(text);
  if (errors.length > 0) return { ok: false, errors };
  const session = e.session(text, options);
  let slices = 0;
  while (!session.step(SLICE_EVENTS)) {
    slices += 1;
    if (slices % 4 === 0) post({ id, type: 'progress', progress: session.progress() });
  }
  post({ id, type: 'progress', progress: 1 });
  const report = session.report();
  session.free();
  return { ok: true, report };
}

/** The replay session of (text, options) at virtual time tUs, or the text's errors. */
async function replayTo(text, options, tUs) {
  const e = await engine();
  const errors = e.check(text);
  if (errors.length > 0) return { errors };
  const key = JSON.stringify([text, options]);
  if (!replay || replay.key !== key || replay.t > tUs) {
    replay?.session.free();
    replay = { key, session: e.session(text, options), t: 0 };
  }
  while (replay.session.runUntil(tUs, SLICE_EVENTS) === null) {
    /* keep replaying */
  }
  replay.t = tUs;
  return { session: replay.session };
}

async function snapshot(text, options, tUs) {
  const { errors, session } = await replayTo(text, options, tUs);
  return errors ? { errors } : session.snapshot();
}

async function dump(text, options, tUs, { tp, broker, base, data }) {
  const { errors, session } = await replayTo(text, options, tUs);
  if (errors) throw new Error(`the scenario text has ${errors.length} error(s): ${errors[0].line}:${errors[0].column}: ${errors[0].message}`);
  return session.dump(String(tp), broker, base ?? -1, !!data);
}

self.onmessage = async (event) => {
  const { id, type, text, options, t_us: tUs } = event.data;
  try {
    let value;
    if (type === 'version') value = { version: (await engine()).version };
    else if (type === 'seed') value = (await engine()).randomSeed();
    else if (type === 'check') value = (await engine()).check(text);
    else if (type === 'run') value = await run(id, text, options ?? {});
    else if (type === 'snapshot') value = await snapshot(text, options ?? {}, tUs);
    else if (type === 'dump') value = await dump(text, options ?? {}, tUs, event.data);
    else throw new Error(`unknown request type ${type}`);
    post({ id, type: 'result', value });
  } catch (err) {
    post({ id, type: 'error', message: String(err?.message ?? err) });
  }
};
