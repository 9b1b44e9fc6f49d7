// Autocompletion for the scenario editor: what may come next on the current line.
//   line start            statements (brokers, topic, producer, at, expect, ...)
//   brokers/topic/producer/consumer/network lines   that role's Kafka properties (with
//                         Kafka's default and a one-line description), then values of
//                         enums and booleans after `name=`
//   pipeline NAME ...     the pipeline's options (from=, to=, group.id=,
//                         processing.guarantee=, ...; topics and guarantees after `=`),
//                         then every consumer and producer property
//   at TIME ...           producers, consumers, pipelines and faults; then the actions
//                         that fit (a consumer's subscribe, poll loop, commit, pause, close;
//                         a pipeline's pause; crash/restart of brokers, consumers and
//                         pipelines)
//   expect ...            summary fields, errors./responses., groups.G.*, consumers.C.*
//                         and pipelines.P.* of the declared groups, consumers and
//                         pipelines, and `trace EVENT`
import { PROPERTIES } from './properties.js';
import { FAULT_ACTIONS, PRODUCER_ACTIONS, STATEMENTS } from './language.js';
import { getProp, lexLine, readModel } from '../core/text-model.js';

const TOPIC_OPTIONS = [
  { name: 'partitions', default: '1', doc: 'Number of partitions.' },
  { name: 'replication.factor', default: '1', doc: 'Replicas per partition (default.replication.factor).' },
  { name: 'replica.assignment', default: '', doc: 'kafka-topics --replica-assignment format: 1:2:3,2:3:1' },
];
const NETWORK_OPTIONS = [
  { name: 'latency', default: '1ms', doc: 'One-way delay of every message.' },
  { name: 'jitter', default: '0ms', doc: 'Random extra delay, up to this much (seeded).' },
  { name: 'loss', default: '0.0', doc: 'Probability that a message is lost (0.01 or 1%).' },
];
const SEND_OPTIONS = [
  { name: 'count', default: '1', doc: 'How many records this send statement sends.' },
  { name: 'every', default: '0', doc: 'Time between two sends (0: as fast as send() returns).' },
  { name: 'key', default: 'null', doc: 'null, a literal, or a template: user-{i%10}.' },
  { name: 'value', default: '', doc: 'The record value, quoted: value="hello".' },
  { name: 'size', default: '', doc: 'A deterministic payload of this many bytes: size=200B.' },
  { name: 'partition', default: '', doc: 'Explicit partition (bypasses the partitioner).' },
  { name: 'headers', default: '', doc: 'Record headers: headers=trace:abc,region:eu (a key alone has a null value).' },
  { name: 'timestamp', default: '', doc: 'CreateTime in ms since 1970 (else the send time; seed N epoch= sets time 0).' },
];
const POLL_OPTIONS = [
  { name: 'every', default: '100ms', doc: "poll()'s timeout: the loop polls again this long after an empty poll." },
  { name: 'process', default: '0ms', doc: 'Processing time per record returned (the application thread is busy meanwhile).' },
  { name: 'until', default: '', doc: 'A time on the timeline when the loop stops (it keeps running to the end of the run otherwise).' },
];
// A pipeline's own options (Kafka Streams' names, and kplay's process=); every consumer
// and producer property follows them on the line.
const PIPELINE_OPTIONS = [
  { name: 'from', default: '', doc: 'The topic the pipeline reads (its consumer subscribes to it).' },
  { name: 'to', default: '', doc: 'The topic it writes: one output record per input record.' },
  { name: 'group.id', default: '', doc: "Its consumer's group: where its committed offsets live." },
  { name: 'processing.guarantee', default: 'at_least_once', doc: 'exactly_once_v2: outputs and input offsets commit in one transaction (sendOffsetsToTransaction); at_least_once: outputs are flushed, then the offsets committed apart.' },
  { name: 'transactional.id', default: 'NAME', doc: "The producer's transactional.id (exactly_once_v2 only; default: the pipeline's name)." },
  { name: 'commit.interval.ms', default: '100 with exactly_once_v2, else 30000', doc: 'How often the loop commits (Kafka Streams).' },
  { name: 'process', default: '0ms', doc: 'Processing time per input record (the loop is busy meanwhile).' },
  { name: 'poll.ms', default: '100', doc: "poll()'s timeout in the loop (Kafka Streams)." },
];
const GUARANTEES = ['at_least_once', 'exactly_once_v2'];
const CONSUMER_ACTIONS = ['subscribe', 'poll', 'commit', 'pause', 'close'];
const SUMMARY = ['sent', 'acked', 'failed', 'pending', 'delivered', 'lost', 'duplicated', 'reordered', 'phantom', 'aborted', 'deleted', 'compacted', 'reprocessed', 'skipped', 'pipeline_lost', 'pipeline_duplicated', 'produce_requests', 'batches', 'undecided'];
const GROUP_FIELDS = ['rebalances', 'generation', 'lag', 'reprocessed', 'skipped', 'processed', 'members'];
const CONSUMER_FIELDS = ['records', 'processed', 'skipped'];
const PIPELINE_FIELDS = ['inputs', 'outputs', 'lost', 'duplicated', 'commits', 'aborted', 'processed', 'pending'];
const PERF = ['records_per_sec', 'mb_per_sec', 'latency_avg', 'latency_max', 'latency_p50', 'latency_p95', 'latency_p99', 'latency_p999'];
const TRACE_EVENTS = [
  'batch_created', 'batch_drained', 'request_sent', 'response_received', 'request_timed_out', 'batch_retried',
  'batch_acked', 'batch_failed', 'batch_expired', 'appended', 'produce_rejected', 'duplicate_batch', 'produce_answered',
  'replicated', 'high_watermark', 'isr_shrink', 'isr_expand', 'truncated', 'flushed', 'writeback', 'segment_rolled', 'segments_deleted', 'log_start_offset_incremented', 'log_cleaned', 'offset_out_of_range',
  'crashed', 'restarted', 'recovered', 'marker_written', 'leader_elected', 'partition_offline', 'isr_changed',
  'broker_fenced', 'message_dropped', 'send_blocked', 'send_failed', 'producer_id_assigned', 'epoch_bumped',
  'app_restarted', 'txn_ended', 'txn_timed_out', 'txn_aborted_by_coordinator', 'polled', 'disconnected',
  'sticky_partition_switched', 'message_delayed', 'registration_rejected', 'partition_added_to_txn', 'txn_call_failed',
  'close_started', 'closed', 'shutdown_started', 'shut_down', 'recovery_skipped',
  'paused', 'resumed', 'run_stopped',
  'member_joined', 'member_removed', 'static_member_rejoined', 'rebalance_started', 'group_joined', 'group_stable',
  'target_assignment', 'group_empty', 'partitions_assigned', 'partitions_revoked', 'partitions_lost', 'position_set', 'records_returned',
  'offsets_committed', 'offset_commit_failed', 'poll_timeout', 'consumer_crashed', 'consumer_restarted', 'consumer_closed',
  'task_migrated', 'txn_offsets_pending', 'txn_offsets_completed',
];
const FEATURES = [
  { name: 'transaction.version', default: '2', doc: 'KIP-890 transactions: 2 (4.0 default) adds partitions at the leaders and bumps the epoch per transaction; 0 is the older protocol.' },
  { name: 'eligible.leader.replicas.version', default: '0', doc: 'KIP-966 eligible leader replicas: 1 enables them (off by default in 4.0).' },
];
const ROLE_OF = { brokers: 'broker', producer: 'producer', consumer: 'consumer' };

function propOptions(list, type = 'property') {
  return list.map((p) => ({
    label: p.name,
    apply: `${p.name}=`,
    type,
    detail: p.default ? `default ${p.default}` : undefined,
    info: p.doc,
  }));
}

function words(list, type, detail) {
  return list.map((label) => ({ label, type, detail }));
}

/** @param {import('@codemirror/autocomplete').CompletionContext} context */
export function kplayCompletions(context) {
  const line = context.state.doc.lineAt(context.pos);
  const before = line.text.slice(0, context.pos - line.from);
  if (before.includes('#')) return null;
  const current = /[\w.\-{}%]*$/.exec(before)[0];
  const from = context.pos - current.length;
  const prior = lexLine(before.slice(0, before.length - current.length)).words.map((w) => w.raw);
  // After `name=`: the property's values.
  const kv = /([\w.-]+)=([\w.-]*)$/.exec(before);
  if (kv) return valueCompletions(prior[0], kv[1], context.pos - kv[2].length, () => readModel(context.state.doc.toString()));
  if (!context.explicit && current === '' && prior.length === 0) return null;
  const options = optionsFor(prior, context.state.doc.toString());
  return options.length ? { from, options, validFor: /^[\w.-]*$/ } : null;
}

function optionsFor(prior, text) {
  const first = prior[0];
  if (!first) return words(STATEMENTS, 'keyword');
  if (first === 'topic' && prior.length >= 2) return [...propOptions(TOPIC_OPTIONS), ...propOptions(PROPERTIES.topic)];
  if (ROLE_OF[first] && (first === 'brokers' || prior.length >= 2)) return propOptions(PROPERTIES[ROLE_OF[first]]);
  if (first === 'pipeline' && prior.length >= 2) return pipelineOptions();
  if (first === 'network') {
    if (prior[1] !== 'link') return [...propOptions(NETWORK_OPTIONS), ...(prior.length === 1 ? words(['link'], 'keyword', 'network link A -> B') : [])];
    const model = readModel(text);
    const n = Number(model.brokers?.line.words[1]?.raw) || 3;
    const nodes = [...Array.from({ length: n }, (_, i) => `broker-${i + 1}`), ...names(model.producers), ...names(model.consumers), ...pipelineClients(model), 'controller'];
    if (prior.length === 2 || prior.length === 4) return words(nodes, 'variable');
    if (prior.length === 3) return words(['->'], 'keyword');
    return propOptions(NETWORK_OPTIONS);
  }
  if (first === 'features') return propOptions(FEATURES);
  if (first === 'run') return prior.length === 1 ? words(['until'], 'keyword') : words(['idle', '10s'], 'keyword');
  if (first === 'expect') {
    if (prior[1] === 'trace') return prior.length === 2 ? words(TRACE_EVENTS, 'function', 'trace event') : words(['count'], 'property');
    const model = readModel(text);
    const groups = [...new Set([...model.consumers, ...model.pipelines].map((d) => getProp(d, 'group.id')).filter(Boolean))];
    const pipelines = names(model.pipelines);
    return [
      ...words(SUMMARY, 'property', 'summary'), ...words(PERF, 'property', 'speed'),
      ...words(groups.flatMap((g) => GROUP_FIELDS.map((f) => `groups.${g}.${f}`)), 'property', 'consumer group'),
      ...words([...names(model.consumers), ...pipelines].flatMap((c) => CONSUMER_FIELDS.map((f) => `consumers.${c}.${f}`)), 'property', 'consumer'),
      ...words(pipelines.flatMap((p) => PIPELINE_FIELDS.map((f) => `pipelines.${p}.${f}`)), 'property', 'pipeline'),
      ...words(['errors.', 'responses.', 'consumers.', 'groups.', ...(pipelines.length ? ['pipelines.'] : []), 'metrics.'], 'namespace'), ...(prior.length === 1 ? words(['trace'], 'keyword') : []),
    ];
  }
  if (first === 'at' && prior.length >= 2) return timelineOptions(prior.slice(2), readModel(text));
  return [];
}

function names(decls) {
  return decls.map((d) => d.name).filter(Boolean);
}

/** A pipeline's own options, then every consumer and producer property once (group.id
 * and transactional.id are among its options). */
let pipelineList = null;
function pipelineOptions() {
  if (!pipelineList) {
    const seen = new Set(PIPELINE_OPTIONS.map((p) => p.name));
    const props = [...PROPERTIES.consumer, ...PROPERTIES.producer].filter((p) => !seen.has(p.name) && seen.add(p.name));
    pipelineList = [...propOptions(PIPELINE_OPTIONS), ...propOptions(props)];
  }
  return pipelineList;
}

/** The network nodes a pipeline line declares: its consumer NAME and producer NAME-producer. */
function pipelineClients(model) {
  return names(model.pipelines).flatMap((p) => [p, `${p}-producer`]);
}

function timelineOptions(rest, model) {
  const producers = names(model.producers);
  const consumers = names(model.consumers);
  const pipelines = names(model.pipelines);
  const topics = names(model.topics);
  if (rest.length === 0) {
    return [...words(producers, 'variable', 'producer'), ...words(consumers, 'variable', 'consumer'), ...words(pipelines, 'variable', 'pipeline'),
      ...words(FAULT_ACTIONS.filter((a) => a !== 'restart'), 'keyword', 'fault'), ...words(['restart'], 'keyword', 'restart broker-N, a consumer or a pipeline')];
  }
  const [subject, verb] = rest;
  if (producers.includes(subject)) {
    if (rest.length === 1) return words(PRODUCER_ACTIONS, 'keyword', 'producer action');
    if (verb === 'send') return rest.length === 2 ? words(topics, 'variable', 'topic') : [...propOptions(SEND_OPTIONS), ...words(['sync'], 'keyword', 'send().get()')];
    if (verb === 'restart') return words(['resend=unacked'], 'property');
    if (verb === 'close') return words(['timeout='], 'property');
    return [];
  }
  if (consumers.includes(subject)) {
    if (rest.length === 1) return words(CONSUMER_ACTIONS, 'keyword', 'consumer action');
    if (verb === 'subscribe') return words(topics, 'variable', 'topic');
    if (verb === 'poll') return [...propOptions(POLL_OPTIONS), ...(rest.length === 2 ? words(topics, 'variable', 'one poll of a topic') : [])];
    if (verb === 'commit') return rest.length === 2 ? [...words(['sync'], 'keyword', 'commitSync()'), ...words(['async'], 'keyword', 'commitAsync()')] : [];
    if (verb === 'pause') return rest.length === 2 ? words(['for'], 'keyword', 'for 6m (longer than max.poll.interval.ms)') : [];
    return [];
  }
  if (pipelines.includes(subject)) {
    // Its loop subscribes, polls, produces and commits by itself: only a stall is scripted.
    if (rest.length === 1) return words(['pause'], 'keyword', 'the pipeline stalls');
    return verb === 'pause' && rest.length === 2 ? words(['for'], 'keyword', 'for 6m (longer than max.poll.interval.ms)') : [];
  }
  const brokers = Array.from({ length: Number(model.brokers?.line.words[1]?.raw) || 3 }, (_, i) => `broker-${i + 1}`);
  const nodes = [...brokers, ...producers, ...consumers, ...pipelineClients(model), 'controller'];
  if (subject === 'crash') {
    if (rest.length === 1) return [...words(brokers, 'variable', 'broker'), ...words(['leader'], 'keyword', 'leader TOPIC/P'), ...words(consumers, 'variable', 'consumer'), ...words(pipelines, 'variable', 'pipeline')];
    return consumers.includes(rest[1]) || pipelines.includes(rest[1]) ? [] : words(['mode=process', 'mode=power'], 'property');
  }
  if (subject === 'restart' && rest.length === 1) return [...words(brokers, 'variable', 'broker'), ...words(consumers, 'variable', 'consumer'), ...words(pipelines, 'variable', 'pipeline')];
  if (subject === 'shutdown' && rest.length === 1) return words(brokers, 'variable', 'broker');
  if (subject === 'drop' || subject === 'cut' || subject === 'delay') {
    if (rest.length === 1 || rest.length === 3) return words(nodes, 'variable');
    if (rest.length === 2) return words(['->'], 'keyword');
    if (subject === 'delay') return words(['by=', 'count=', 'api='], 'property');
    return subject === 'drop' ? words(['count=', 'api='], 'property') : words(['for'], 'keyword');
  }
  if (subject === 'isolate') return rest.length === 1 ? words(nodes, 'variable') : words(['for'], 'keyword');
  if (subject === 'pause') return rest.length === 1 ? words(brokers, 'variable', 'broker') : words(['for'], 'keyword', 'for 15s (a GC pause)');
  return [];
}

function valueCompletions(first, key, from, model) {
  let prop;
  if (first === 'pipeline') {
    if (key === 'processing.guarantee') return { from, options: GUARANTEES.map((v) => ({ label: v, type: 'constant', detail: v === 'at_least_once' ? 'default' : undefined })), validFor: /^[\w\-.]*$/ };
    if (key === 'from' || key === 'to') return { from, options: words(names(model().topics), 'variable', 'topic'), validFor: /^[\w\-.]*$/ };
    prop = PROPERTIES.consumer.find((p) => p.name === key) ?? PROPERTIES.producer.find((p) => p.name === key);
  } else {
    const role = first === 'topic' ? 'topic' : ROLE_OF[first];
    prop = role && [...PROPERTIES[role], ...(role === 'topic' ? PROPERTIES.broker : [])].find((p) => p.name === key);
  }
  let values = prop?.values;
  if (key === 'mode') values = ['process', 'power'];
  if (key === 'resend') values = ['unacked', 'none'];
  if (key === 'api') {
    values = ['Produce', 'Fetch', 'Metadata', 'InitProducerId', 'FindCoordinator', 'AddPartitionsToTxn', 'EndTxn', 'WriteTxnMarkers', 'BrokerHeartbeat', 'AlterPartition', 'MetadataPush', 'Connect', 'ConnectOk',
      'JoinGroup', 'SyncGroup', 'Heartbeat', 'LeaveGroup', 'ConsumerGroupHeartbeat', 'OffsetCommit', 'OffsetFetch', 'ListOffsets'];
  }
  if (!values) return null;
  return { from, options: values.map((v) => ({ label: v, type: 'constant', detail: prop && v === prop.default ? 'default' : undefined })), validFor: /^[\w\-.]*$/ };
}
