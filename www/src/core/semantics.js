// What a run means, kept apart from what its configuration promises. Pure functions over
// report.summary and report.guarantee (see crate/src/report.d.ts).
//
// observed (this run only, never named after a guarantee: a clean acks=0 run proves
// nothing about acks=0):
//   clean                nothing acknowledged lost, nothing duplicated or reordered, every
//                        record delivered once (aborted transactional records, and records
//                        retention deleted or the cleaner compacted, count as correctly
//                        not delivered)
//   lost / duplicated / reordered / lost-and-duplicated   what went wrong
//   unresolved           nothing lost or duplicated, but sends failed or had no result
//   nothing-sent
//   reprocessed / skipped   the log is clean, but a consumer group processed records
//                        more than once, or committed past records it never processed
//                        (with another kind, the detail names them too)
//   pipeline_lost / pipeline_duplicated   the log is clean, but a consume-transform-
//                        produce pipeline committed past inputs without a readable
//                        output, or gave inputs more than one readable output (named
//                        per pipeline when the report is given). An exactly_once_v2
//                        pipeline that processes inputs again after an abort is how it
//                        recovers: its first outputs are never readable, so that
//                        reprocessing alone does not make the run anything but clean.
// promised (the configuration, from the report's guarantee section): none, at-most-once,
// at-least-once, exactly-once-per-session, exactly-once-transactional, with reasons and
// whether this run broke it (the producers' verdicts, or a producer's own); a consumer
// group or pipeline that broke its own promise (guarantee.by_group, by_pipeline) is
// named apart (brokenPromises).

/** The outcome counts of the banner, in display order, with Kafka-flavoured descriptions. */
export const OUTCOMES = [
  { key: 'delivered', label: 'delivered', help: 'distinct records a consumer reading the committed log at the end sees' },
  { key: 'lost', label: 'lost', help: 'acknowledged records that are not in the final log' },
  { key: 'duplicated', label: 'duplicated', help: 'extra copies in the final log' },
  { key: 'reordered', label: 'reordered', help: 'records that landed after a record the same producer sent later to the same partition' },
  { key: 'phantom', label: 'phantom', help: 'records whose send failed but which are in the final log anyway' },
  { key: 'aborted', label: 'aborted', help: 'records written inside an aborted transaction' },
  { key: 'deleted', label: 'deleted', help: 'records retention deleted (below the log start offset): gone by design, not lost', optional: true },
  { key: 'compacted', label: 'compacted', help: 'records the log cleaner removed (a later value of the key, or an expired tombstone): gone by design, not lost', optional: true },
  { key: 'failed', label: 'failed', help: 'sends whose callback got an exception' },
  { key: 'pending', label: 'pending', help: 'sends with no result when the run ended' },
  // Consumer-side verdicts (Jepsen's names), shown when the run has consumer groups.
  { key: 'reprocessed', label: 'reprocessed', help: 'records a consumer group processed more than once (a member processed them, then another resumed from an older committed offset)', optional: 'groups' },
  { key: 'skipped', label: 'skipped', help: "records below a consumer group's committed offset that the group never processed", optional: 'groups' },
  // Pipeline verdicts (their inputs followed to their outputs in the final log, as a
  // read_committed reader sees it), shown when the run has pipelines.
  { key: 'pipeline_lost', label: 'pipeline lost', help: "pipeline inputs the pipeline's group committed past without a readable output: nothing will process them again", optional: 'pipelines' },
  { key: 'pipeline_duplicated', label: 'pipeline duplicated', help: 'pipeline inputs with more than one readable output (a read_committed consumer of the output topic sees them twice)', optional: 'pipelines' },
];

/** Whether the banner shows outcome `o`: always, or (optional ones) when non-zero in this
 * run or `before`, or (consumer-side ones) when the run has consumer groups, or
 * (pipeline ones) pipelines. */
export function outcomeShown(o, report, before = null) {
  if (!o.optional || report.summary[o.key] > 0 || (before && before[o.key] > 0)) return true;
  if (o.optional === 'pipelines') return Object.keys(report.pipelines ?? {}).length > 0;
  return o.optional === 'groups' && Object.keys(report.groups ?? {}).length > 0;
}

/** How many of the run's reprocessed records the groups of exactly_once_v2 pipelines
 * processed again: after an aborted transaction, which is how such a pipeline recovers
 * (the first outputs are never readable), not a flaw. */
export function exactlyOnceReprocessed(report) {
  const groups = new Set(Object.values(report?.pipelines ?? {}).filter((p) => p.guarantee === 'exactly_once_v2').map((p) => p.group));
  let n = 0;
  for (const g of groups) n += report.groups?.[g]?.reprocessed ?? 0;
  return Math.min(n, report?.summary?.reprocessed ?? n);
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/**
 * What this run showed, in words that describe the run and never a guarantee. With the
 * report, pipeline verdicts name their pipelines, and records the groups of
 * exactly_once_v2 pipelines reprocessed are told apart (see exactlyOnceReprocessed).
 * @param {import('../../../crate/src/report.d.ts').Summary} s
 * @param {import('../../../crate/src/report.d.ts').Report} [report]
 * @returns {{kind: 'clean'|'lost'|'duplicated'|'reordered'|'lost-and-duplicated'|'unresolved'|'nothing-sent'|'reprocessed'|'skipped'|'pipeline_lost'|'pipeline_duplicated', label: string, detail: string}}
 */
export function observedOutcome(s, report = null) {
  const out = producerSide(s, abandonedOutputs(report));
  const eos = exactlyOnceReprocessed(report);
  const reprocessed = Math.max(0, (s.reprocessed ?? 0) - eos);
  const consumer = [];
  if (s.skipped) consumer.push(`${plural(s.skipped, 'record', 'records')} below a committed offset never processed (skipped)`);
  if (reprocessed) consumer.push(`${plural(reprocessed, 'record', 'records')} processed more than once (reprocessed)`);
  const pipes = pipelineSide(s, report, eos);
  if (!consumer.length && !pipes.length) return out;
  const detail = [out.detail, consumer.length ? `consumer groups: ${consumer.join(', ')}` : null, pipes.length ? `pipelines: ${pipes.join(', ')}` : null].filter(Boolean).join('; ');
  // A failure the producers saw stays the headline; a clean or merely unresolved log
  // gives way to what the consumer groups and pipelines did.
  if (out.kind !== 'clean' && out.kind !== 'unresolved') return { ...out, detail };
  if (s.pipeline_lost) return { kind: 'pipeline_lost', label: 'lost by a pipeline', detail };
  if (s.skipped) return { kind: 'skipped', label: 'skipped by a consumer group', detail };
  if (s.pipeline_duplicated) return { kind: 'pipeline_duplicated', label: 'duplicated by a pipeline', detail };
  if (reprocessed) return { kind: 'reprocessed', label: 'reprocessed by a consumer group', detail };
  return { ...out, detail };
}

/** Outputs of a pipeline's producer with no result at the end (its process crashed or
 * stopped before they were written): the pipeline's inputs are what is judged
 * (pipeline_lost), so they leave the run clean. Needs report.records; 0 without. */
function abandonedOutputs(report) {
  const producers = new Set(Object.keys(report?.pipelines ?? {}).map((p) => `${p}-producer`));
  if (!producers.size) return 0;
  let n = 0;
  for (const r of report.records ?? []) if (r.result === 'pending' && r.outcome === 'pending' && producers.has(r.producer)) n += 1;
  return n;
}

/** The pipeline verdicts in words: inputs lost or duplicated (per pipeline when the report
 * names them), else that none was, with what is still pending and what exactly_once_v2
 * processed again after an abort. */
function pipelineSide(s, report, eos) {
  const lost = s.pipeline_lost ?? 0;
  const dup = s.pipeline_duplicated ?? 0;
  const pipes = Object.entries(report?.pipelines ?? {});
  const parts = [];
  const each = (figure, total, what, name) => {
    const named = pipes.filter(([, p]) => p[figure] > 0);
    if (!named.length) parts.push(`${plural(total, 'input', 'inputs')} ${what} (${name})`);
    else for (const [n, p] of named) parts.push(`${plural(p[figure], 'input', 'inputs')} of ${n} ${what} (${name})`);
  };
  if (lost) each('lost', lost, 'committed past without an output', 'pipeline_lost');
  if (dup) each('duplicated', dup, 'with more than one output', 'pipeline_duplicated');
  if (!pipes.length) return parts;
  if (!lost && !dup) parts.push(pipes.length === 1 ? 'no input lost or duplicated' : `no input lost or duplicated by any of ${pipes.length}`);
  const pending = pipes.reduce((n, [, p]) => n + (p.pending ?? 0), 0);
  if (pending) parts.push(`${plural(pending, 'input', 'inputs')} not processed yet (pending)`);
  if (eos) parts.push(`${plural(eos, 'input', 'inputs')} processed again by exactly_once_v2 after an abort, their first outputs never readable`);
  return parts;
}

/** @returns {ReturnType<typeof observedOutcome>} */
function producerSide(s, abandoned = 0) {
  const lossy = s.lost > 0;
  const dupes = s.duplicated > 0;
  if (s.sent === 0) return { kind: 'nothing-sent', label: 'nothing sent', detail: 'no record was sent' };
  const parts = [];
  if (lossy) parts.push(`${plural(s.lost, 'acknowledged record', 'acknowledged records')} lost`);
  if (dupes) parts.push(plural(s.duplicated, 'duplicate copy', 'duplicate copies'));
  if (s.reordered) parts.push(plural(s.reordered, 'record reordered', 'records reordered'));
  if (s.phantom) parts.push(`${plural(s.phantom, 'failed send', 'failed sends')} written anyway (phantom)`);
  if (lossy && dupes) return { kind: 'lost-and-duplicated', label: 'lost and duplicated', detail: parts.join(', ') };
  if (lossy) return { kind: 'lost', label: 'lost records', detail: parts.join(', ') };
  if (dupes) return { kind: 'duplicated', label: 'duplicates', detail: parts.join(', ') };
  if (s.reordered) return { kind: 'reordered', label: 'reordered', detail: parts.join(', ') };
  const unresolved = s.failed + s.pending - abandoned;
  const removed = (s.deleted ?? 0) + (s.compacted ?? 0);
  if (unresolved === 0 && s.delivered + s.aborted + removed + abandoned === s.sent) {
    const gone = [];
    if (s.aborted) gone.push(`${s.aborted} aborted in a transaction, correctly not delivered`);
    if (s.deleted) gone.push(`${s.deleted} deleted by retention`);
    if (s.compacted) gone.push(`${s.compacted} removed by compaction`);
    if (abandoned) gone.push(`${plural(abandoned, 'output', 'outputs')} of stopped pipelines with no result, their inputs judged by pipeline_lost`);
    const txn = gone.length ? ` (${gone.join('; ')})` : '';
    const ph = s.phantom ? `; ${parts.join(', ')}` : '';
    return { kind: 'clean', label: 'clean run', detail: `every record delivered once, in order${txn}${ph}` };
  }
  if (s.failed) parts.push(`${plural(s.failed, 'send', 'sends')} failed and the application was told`);
  if (s.pending) parts.push(`${s.pending} had no result when the run ended`);
  const missing = s.sent - s.delivered - s.aborted - removed - s.failed - s.pending;
  if (missing > 0) parts.push(`${missing} not in the final log`);
  return { kind: 'unresolved', label: 'nothing lost or duplicated', detail: parts.join('; ') };
}

const LEVEL_LABEL = {
  none: 'no guarantee',
  'at-most-once': 'at-most-once',
  'at-least-once': 'at-least-once',
  'exactly-once-per-session': 'exactly-once per producer session',
  'exactly-once-transactional': 'exactly-once with transactions',
};

/**
 * What the configuration promises (report.guarantee), apart from the run.
 * @param {import('../../../crate/src/report.d.ts').Guarantee} g
 * @returns {{level: string, label: string, broken: boolean, beyond: string[], failing: string[], detail: string}}
 */
export function promiseOf(g) {
  // Across sessions fails for every producer without transactions: not a flaw worth a
  // headline, the level's name says it.
  const failing = [...new Set(g.reasons.filter((r) => !r.holds && r.property !== 'across-sessions').flatMap((r) => r.settings))];
  const caveats = [...new Set(g.reasons.flatMap((r) => r.fails_under))];
  let detail = failing.length ? `because of ${failing.join(', ')}` : 'under one broker failing at a time and lost messages';
  if (!failing.length && caveats.length) detail += `; not under ${caveats.join(', ')}`;
  // The run's breaks_promise also counts groups and pipelines (see brokenPromises); the
  // producers' promise is broken when their verdicts are, or one producer's own.
  const mine = g.observed.broken_by.length ? g.observed.broken_by : each(g.by_producer, (n, o) => `${n}: ${o.broken_by.join(', ')}`);
  // Broken by a fault the promise does not cover (a late request from a `delay`): said so.
  const beyond = [...new Set([g.observed, ...Object.values(g.by_producer ?? {}).map((x) => x.observed)].flatMap((o) => o.beyond_model ?? []))];
  if (mine.length) detail = `this run broke it (${mine.join('; ')})${beyond.length ? ` under ${beyond.join(', ')}, a fault beyond the design fault model the promise covers` : ''}; ${detail}`;
  return { level: g.promised, label: LEVEL_LABEL[g.promised] ?? g.promised, broken: g.observed.breaks_promise, beyond, failing, detail };
}

/** `f(name, observed, promised)` of each entry of `by` (by_producer, by_group, by_pipeline) whose
 * run broke its promise. */
const each = (by, f) => Object.entries(by ?? {}).filter(([, x]) => x.observed.breaks_promise).map(([n, x]) => f(n, x.observed, x.promised));

/** The consumer groups and pipelines that broke their own promise, in words:
 * "group billing skipped 15 records (promised at-least-once)". */
export function brokenPromises(g) {
  const what = (o) => o.broken_by.map((k) => (k === 'skipped' ? `skipped ${plural(o.skipped, 'record', 'records')}` : k === 'pipeline_lost' ? `lost ${plural(o.lost, 'input', 'inputs')}` : `gave ${plural(o.duplicated, 'input', 'inputs')} two outputs`)).join(' and ');
  return [
    ...each(g?.by_group, (n, o, p) => `group ${n} ${what(o)} (promised ${p})`),
    ...each(g?.by_pipeline, (n, o, p) => `pipeline ${n} ${what(o)} (promised ${p})`),
  ];
}
