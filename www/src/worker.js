// The Web Worker that runs kplay off the page's thread. Speaks a small message protocol
// (see engine-client.js, its only user):
//
//   in:  {id, type: 'version'}                           → {version}
//        {id, type: 'seed'}                              → a fresh u32 (getrandom)
//        {id, type: 'decode', encoded}                   a share link's #s= value -> its text
//                                                        (core/share.js, with its caps; a damaged
//                                                        or oversized link is an error saying why)
//        {id, type: 'check', text}
//        {id, type: 'run', text, options}                options: {records, trace, seed, paged}
//        {id, type: 'divergence', a: {text, options}, b: {text, options}}
//                                                        where two paged runs' traces first
//                                                        differ (compare mode)
//        {id, type: 'journey', text, options, record}    a record's journey (core/journey.js) in
//                                                        the run of (text, options): for paged runs
//        {id, type: 'json', text, options, part}         the run's report ('report') or trace
//                                                        ('trace') as pretty JSON text: for paged runs
//        {id, type: 'window', text, options, t_us, events}
//                                                        up to `events` trace events of a paged run
//                                                        around virtual time t_us: {from, total,
//                                                        events} (the timeline's window)
//        {id, type: 'snapshot', text, options, t_us}     state at virtual time t_us
//        {id, type: 'dump', text, options, t_us, tp, broker, base, data}
//                                                        a replica's segment files at t_us, as
//                                                        kafka-dump-log.sh --deep-iteration prints
//                                                        them (base < 0: every segment; data:
//                                                        --print-data-log)
//   out: {id, type: 'progress', progress}                 0..1, while a run goes
//        {id, type: 'head', value}                        a paged run: {ok, report} without its
//                                                        records and trace (report.paged says how
//                                                        many records follow), before...
//        {id, type: 'page', records, categories, pull}   ...its records, PAGE_RECORDS at a time,
//                                                        with their grid categories (Uint8Array)
//                                                        (pull: the worker waits for {id, type:
//                                                        'pull'} before the next ones),
//        {id, type: 'charts', value}                      ...and the charts' data, made here from
//                                                        the trace (views/series.js), with the views'
//                                                        model less the trace (views/model.js; the
//                                                        scrubber and cluster view use it), then 'result'
//        {id, type: 'result', value}                      check: Diagnostic[]; run: {ok, report}|{ok, errors}; snapshot: Snapshot|{errors}; dump: string
//        {id, type: 'error', message}                     API misuse or a panic (a bug); for dump also an invalid
//                                                        text, or no such partition, replica or segment
//
// Runs are stepped in slices so progress can be posted; cancelling is done by the client
// terminating this worker (a slice never blocks for long, but a terminate is instant and
// leaves no half-run state behind).
//
// A paged run (options.paged, a run of many records, or a trace of more than
// TRACE_PAGE_EVENTS events) would stall the page if its report
// crossed in one message: copying a message's objects happens on the page's thread, all
// at once. So the page gets the verdict first, then the records in pages (each a short
// task, with frames between them), then the charts' data, computed here from the trace,
// which stays here: a record's journey and the trace download are asked of this worker,
// which keeps the last two paged runs (a run and the variant compare mode set beside it),
// or runs one again: a run is a pure function of its text and options.
import { loadEngine } from './engine.js';

const SLICE_EVENTS = 20000;
/** Records per page of a paged run: copying one page takes the page a few milliseconds. */
const PAGE_RECORDS = 4000;
/** A run whose trace has more events than this is paged whatever its records. */
const TRACE_PAGE_EVENTS = 100_000;
/** Pages sent for each of the page's pulls (one pull per frame at most). */
const PAGES_PER_PULL = 2;
/** Paged runs waiting for the page to pull more: id -> resolve. */
const pulls = new Map();

let enginePromise = null;
const engine = () => (enginePromise ??= loadEngine());

// Replay sessions kept for scrubbing, newest last: snapshots (and dumps) at increasing
// times continue one. Two, like the held runs: compare mode's side-by-side views scrub
// run A and run B together.
const REPLAYS = 2;
let replays = []; // [{key, session, t}]

/** Keeps `r` as the newest replay session, freeing the oldest beyond REPLAYS. */
function keepReplay(r) {
  for (const old of replays) if (old.key === r.key && old !== r) old.session.free();
  replays = replays.filter((x) => x.key !== r.key);
  replays.push(r);
  while (replays.length > REPLAYS) replays.shift().session.free();
}

function post(msg) {
  self.postMessage(msg);
}

// The last paged runs, newest last: [{key, report}] with their records and traces. Two:
// compare mode's pair (a run and its variant) scrub and page side by side without one
// evicting the other.
const HELD_RUNS = 2;
let held = [];

/** Keeps report as the newest held run of (text, options). */
function hold(key, report) {
  held = held.filter((h) => h.key !== key);
  held.push({ key, report });
  if (held.length > HELD_RUNS) held.shift();
}

const keyOf = (text, options) => JSON.stringify([text, options]);

/**
 * Runs (text, options) to its end; `onProgress` gets 0..1 now and then.
 * @param {string} text
 * @param {object} options
 * @param {(progress: number) => void} [onProgress]
 */
async function runToEnd(text, options, onProgress = () => {}, { keep = false } = {}) {
  const e = await engine();
  const errors = e.check(text);
  if (errors.length > 0) return { ok: false, errors };
  const session = e.session(text, options);
  let slices = 0;
  while (!session.step(SLICE_EVENTS)) {
    slices += 1;
    if (slices % 4 === 0) onProgress(session.progress());
  }
  onProgress(1);
  const report = session.report();
  if (keep) {
    // The ended session becomes the replay session: the views' first snapshot, at the
    // run's end, needs no second run of the scenario.
    keepReplay({ key: keyOf(text, options), session, t: session.nowUs() });
  } else session.free();
  return { ok: true, report };
}

async function run(id, text, options) {
  const outcome = await runToEnd(text, options, (progress) => post({ id, type: 'progress', progress }), { keep: true });
  if (!outcome.ok) return outcome;
  const { report } = outcome;
  // Paged when asked (many records, known from the text) or when the trace turned out too
  // long to copy at once (a few records can make a long trace: retries, a long timeline).
  if (!options.paged && !((report.trace?.length ?? 0) > TRACE_PAGE_EVENTS && report.records)) return outcome;
  hold(keyOf(text, options), report);
  const records = report.records ?? [];
  const head = { ...report };
  delete head.records;
  delete head.trace;
  post({ id, type: 'head', value: { ok: true, report: { ...head, paged: { records: records.length, trace: report.trace?.length ?? 0 } } } });
  // PAGES_PER_PULL pages, then wait until the page asks for more (after its next frame):
  // pages posted all at once would queue up on the page's thread and keep it from
  // drawing frames for as long as they take.
  // Each page also carries its records' grid categories (core/outcomes.js), made here.
  const { categoriesOf, consumerSide } = await import('./core/outcomes.js');
  const cats = categoriesOf(records, consumerSide(report));
  const charts = chartsOf(report);
  for (let i = 0, n = 0; i < records.length; i += PAGE_RECORDS) {
    const last = i + PAGE_RECORDS >= records.length;
    const wait = !last && ++n % PAGES_PER_PULL === 0;
    const pageCats = cats.slice(i, i + PAGE_RECORDS);
    self.postMessage({ id, type: 'page', records: records.slice(i, i + PAGE_RECORDS), categories: pageCats, pull: wait }, { transfer: [pageCats.buffer] });
    if (wait) await new Promise((resolve) => pulls.set(id, resolve));
  }
  post({ id, type: 'charts', value: await charts });
  return { ok: true, paged: true };
}

/** The charts' data of a full report (what views/charts.js draws). */
async function chartsOf(report) {
  const [{ buildModel }, { buildSeries }] = await Promise.all([import('./views/model.js'), import('./views/series.js')]);
  const model = buildModel(report);
  const { lanes, laneIndex, producers, producerIndex, pidProducer, stops, endUs, ghosts, drained, corrBatches, down, fenced } = model;
  return {
    endUs,
    producers,
    series: buildSeries(model),
    // What the scrubber, the cluster view and the producer view need of the views' model
    // (views/model.js), without the trace: its milestone events only.
    model: { lanes, laneIndex, producers, producerIndex, pidProducer, stops, endUs, ghosts, drained, corrBatches, down, fenced, oneWayUs: model.oneWayUs, milestoneEvents: model.milestones.map((i) => model.trace[i]) },
  };
}

/** The full report of a paged run: one kept, or the same run again. */
async function heldReport(text, options) {
  const key = keyOf(text, options);
  const kept = held.find((h) => h.key === key);
  if (kept) return kept.report;
  const outcome = await runToEnd(text, options);
  if (!outcome.ok) throw new Error(`the scenario text has ${outcome.errors.length} error(s)`);
  hold(key, outcome.report);
  return outcome.report;
}

/** Where the traces of two paged runs (compare mode's A and B) first differ: {first,
 * lengths: [A's events, B's]}; first is {index, a, b, before: the events both runs share
 * just before it}, or null when the runs are identical event for event. */
async function divergence(a, b) {
  const { firstDivergence } = await import('./views/variant.js');
  const ta = (await heldReport(a.text, a.options ?? {})).trace ?? [];
  const tb = (await heldReport(b.text, b.options ?? {})).trace ?? [];
  const div = firstDivergence(ta, tb);
  return { first: div && { ...div, before: ta.slice(Math.max(0, div.index - 2), div.index) }, lengths: [ta.length, tb.length] };
}

async function journey(text, options, record) {
  const { recordJourney } = await import('./core/journey.js');
  return recordJourney(await heldReport(text, options), record);
}

/** Up to `events` trace events of a paged run around virtual time tUs (a third before
 * it, the rest after), for the timeline's window: {from, total, events}. */
async function traceWindow(text, options, tUs, events) {
  const trace = (await heldReport(text, options)).trace ?? [];
  const want = Math.max(1, Math.min(events, 20_000));
  let lo = 0;
  let hi = trace.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (trace[mid].at_us < tUs) lo = mid + 1;
    else hi = mid;
  }
  const from = Math.max(0, Math.min(lo - Math.floor(want / 3), trace.length - want));
  return { from, total: trace.length, events: trace.slice(from, from + want) };
}

async function json(text, options, part) {
  const report = await heldReport(text, options);
  return JSON.stringify(part === 'trace' ? report.trace ?? [] : report, null, 2) + '\n';
}

/** The replay session of (text, options) at virtual time tUs, or the text's errors. */
async function replayTo(text, options, tUs) {
  const e = await engine();
  const errors = e.check(text);
  if (errors.length > 0) return { errors };
  const key = keyOf(text, options);
  let replay = replays.find((r) => r.key === key);
  if (!replay || replay.t > tUs) replay = { key, session: e.session(text, options), t: 0 };
  keepReplay(replay);
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
  if (type === 'pull') {
    pulls.get(id)?.();
    pulls.delete(id);
    return;
  }
  try {
    let value;
    if (type === 'version') value = { version: (await engine()).version };
    else if (type === 'seed') value = (await engine()).randomSeed();
    else if (type === 'decode') value = await (await import('./core/share.js')).decodeScenario(event.data.encoded);
    else if (type === 'check') value = (await engine()).check(text);
    else if (type === 'run') value = await run(id, text, options ?? {});
    else if (type === 'journey') value = await journey(text, options ?? {}, event.data.record);
    else if (type === 'json') value = await json(text, options ?? {}, event.data.part);
    else if (type === 'divergence') value = await divergence(event.data.a, event.data.b);
    else if (type === 'window') value = await traceWindow(text, options ?? {}, tUs, event.data.events);
    else if (type === 'snapshot') value = await snapshot(text, options ?? {}, tUs);
    else if (type === 'dump') value = await dump(text, options ?? {}, tUs, event.data);
    else throw new Error(`unknown request type ${type}`);
    post({ id, type: 'result', value });
  } catch (err) {
    post({ id, type: 'error', message: String(err?.message ?? err) });
  }
};
