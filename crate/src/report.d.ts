// The shapes crate/src/report/mod.rs and crate/src/snapshot.rs serialize, as the wasm API
// hands them to JavaScript (tests/web.rs pins field names; optional sections are absent,
// never null, when not asked for).

export interface Diagnostic {
  line: number;
  column: number;
  end_column: number;
  word: string;
  message: string;
  hint: string;
}

export interface Summary {
  sent: number;
  acked: number;
  failed: number;
  pending: number;
  delivered: number;
  lost: number;
  duplicated: number;
  reordered: number;
  phantom: number;
  aborted: number;
  /** Records retention deleted (below the log start offset): not lost. */
  deleted: number;
  /** Records the log cleaner removed: not lost. */
  compacted: number;
  /** Records a consumer group processed more than once. */
  reprocessed: number;
  /** Records below a group's committed offset the group never processed. */
  skipped: number;
  /** Pipeline inputs committed past without an output in the final read_committed log. */
  pipeline_lost: number;
  /** Pipeline inputs with more than one output in the final read_committed log. */
  pipeline_duplicated: number;
  produce_requests: number;
  batches: number;
}

/** What a configuration promises (crate/src/checker/guarantee). */
export type Level =
  | 'none' | 'at-most-once' | 'at-least-once' | 'exactly-once-per-session' | 'exactly-once-transactional';

/** A kind of fault the reasons and the survival card name. */
export type FaultKind =
  | 'message-loss' | 'leader-crash' | 'follower-crash' | 'two-brokers-down' | 'power-loss-one'
  | 'power-loss-all' | 'leader-isolated' | 'producer-restart' | 'unclean-election' | 'lone-leader-power-loss'
  | 'late-request';

export interface Reason {
  property: 'durability' | 'no-duplicates' | 'ordering' | 'across-sessions';
  /** Holds under Kafka's design fault model (one broker failing at a time, lost messages). */
  holds: boolean;
  /** The deciding settings as Kafka spells them, e.g. `acks=1`. */
  settings: string[];
  text: string;
  holds_under: FaultKind[];
  fails_under: FaultKind[];
}

/** What the run showed, judged against the promise. */
export interface Observed {
  clean: boolean;
  lost: number;
  duplicated: number;
  reordered: number;
  phantom: number;
  duplicated_across_sessions: number;
  reordered_across_sessions: number;
  breaks_promise: boolean;
  broken_by: ('lost' | 'duplicated' | 'reordered')[];
  text: string;
}

export interface ProducerGuarantee {
  promised: Level;
  reasons: Reason[];
  observed: Observed;
}

export interface Guarantee extends ProducerGuarantee {
  /** Present only when the scenario declares several producers. */
  by_producer?: Record<string, ProducerGuarantee>;
  /** Present only when the scenario declares pipelines: each one's end-to-end promise. */
  by_pipeline?: Record<string, PipelineGuarantee>;
  /** Present only when the scenario has consumer groups (not pipelines'): each one's
   * processing promise, at-least-once (no record skipped) or none. */
  by_group?: Record<string, GroupGuarantee>;
}

export interface GroupGuarantee {
  promised: 'at-least-once' | 'none';
  reasons: Reason[];
  observed: {
    clean: boolean;
    reprocessed: number;
    skipped: number;
    /** Of `skipped`, records retention deleted before the group read them (by design). */
    skipped_deleted: number;
    breaks_promise: boolean;
    broken_by: 'skipped'[];
    text: string;
  };
}

export interface PipelineGuarantee {
  promised: Level;
  reasons: Reason[];
  observed: {
    clean: boolean;
    lost: number;
    duplicated: number;
    breaks_promise: boolean;
    broken_by: ('pipeline_lost' | 'pipeline_duplicated')[];
    text: string;
  };
}

export interface ConsumerReport {
  isolation_level: 'read_committed' | 'read_uncommitted';
  records: number;
  /** Records it will never read: OFFSET_OUT_OF_RANGE and auto.offset.reset moved it past them. */
  skipped: number;
  ids: number[];
  /** Its group.id, if any. */
  group: string | null;
  /** Records its poll loop finished processing. */
  processed: number;
  /** Its partitions at the end. */
  assignment: string[];
  /** The exception that stopped its poll loop. */
  error: string | null;
}

/** One rebalance of a group (member names are consumer names). */
export interface RebalanceReport {
  generation: number;
  started_us: number;
  ended_us: number | null;
  reason: string;
  kind: 'eager' | 'cooperative';
  protocol: string | null;
  revoked: [string, string[]][];
  assigned: [string, string[]][];
  assignment: [string, string[]][];
}

/** A consumer group (crate/src/checker/groups.rs). */
export interface GroupReport {
  protocol: 'classic' | 'consumer';
  assignor: string | null;
  state: 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable';
  generation: number;
  leader: string | null;
  members: { consumer: string; member_id: string; group_instance_id: string | null; assignment: string[] }[];
  assignment: Record<string, string[]>;
  rebalances: RebalanceReport[];
  offsets: { tp: string; committed: number | null; end_offset: number; lag: number }[];
  lag: number;
  processed: number;
  reprocessed: number;
  skipped: number;
  /** Of `skipped`, records retention deleted before the group read them. */
  skipped_deleted: number;
}

/** A consume-transform-produce pipeline (crate/src/checker/pipelines.rs). */
export interface PipelineReport {
  guarantee: 'at_least_once' | 'exactly_once_v2';
  group: string;
  from: string;
  to: string;
  transactional_id: string | null;
  /** Input records in the final log of `from` the pipeline can read. */
  inputs: number;
  /** Outputs a read_committed reader finds in `to`. */
  outputs: number;
  processed: number;
  /** Inputs past the committed offset without an output yet. */
  pending: number;
  lost: number;
  duplicated: number;
  commits: number;
  /** Transactions aborted after a failed commit (TaskMigratedException). */
  aborted: number;
}

export type RecordOutcome =
  | 'delivered' | 'lost' | 'duplicated' | 'phantom' | 'aborted' | 'deleted' | 'compacted' | 'failed' | 'pending' | 'undecided';

export interface RecordReport {
  id: number;
  producer: string;
  key: string | null;
  partition: number | null;
  offset: number;
  result: 'acked' | 'failed' | 'pending';
  error: string | null;
  outcome: RecordOutcome;
  reordered: boolean;
  copies: number[];
  sent_us: number;
  result_us: number | null;
  batch: number | null;
  /** ms since 1970: the CreateTime, or the LogAppendTime on such topics. */
  timestamp: number;
  timestamp_type: 'CreateTime' | 'LogAppendTime';
}

/** One segment file of a replica's log. */
export interface SegmentReport {
  base_offset: number;
  /** The next segment's base offset, or the LEO for the active segment. */
  end_offset: number;
  /** Bytes of the .log file. */
  size: number;
  /** The whole file is on disk. */
  flushed: boolean;
  flushed_bytes: number;
  /** Bytes the page cache holds. */
  cached_bytes: number;
  batches: number;
  records: number;
  offset_index_entries: number;
  time_index_entries: number;
  /** ms since 1970, -1 when empty. */
  largest_timestamp: number;
  active: boolean;
}

/** A segment in the log view: the report's figures and its index files. */
export interface SegmentView extends SegmentReport {
  /** .index entries: [offset, position in the segment]. */
  offset_index: [number, number][];
  /** .timeindex entries: [timestamp, offset]. */
  time_index: [number, number][];
}

export interface ReplicaReport {
  broker: number;
  /** logStartOffset: retention deleted everything below it. */
  log_start_offset: number;
  log_end_offset: number;
  flushed_offset: number;
  recovery_point: number;
  high_watermark: number;
  role: string;
  down: boolean;
  segments: SegmentReport[];
}

export interface ProducerStateReport {
  producer_id: number;
  producer_epoch: number;
  last_sequence: number;
  cached_batches: [number, number, number, number][];
  open_transaction_first_offset: number | null;
}

export interface PartitionReport {
  topic: string;
  partition: number;
  leader: number | null;
  leader_epoch: number;
  isr: number[];
  /** Eligible leader replicas (KIP-966); empty unless the feature is on. */
  elr: number[];
  replicas: number[];
  high_watermark: number;
  last_stable_offset: number;
  offline: boolean;
  replica_states: ReplicaReport[];
  producers: ProducerStateReport[];
}

export interface ClauseReport {
  name: string;
  op: string;
  /** In `unit`'s scale: plain, microseconds ("us") or thousandths ("milli"). */
  expected: number;
  actual: number;
  held: boolean;
  unit: '' | 'us' | 'milli';
}

/** Throughput over the busy window (first send() to last successful callback) and
 * send()-to-callback latency of successful sends, in ms. */
export interface PerfFigures {
  records: number;
  records_per_sec: number;
  mb_per_sec: number;
  latency_ms: { avg: number; max: number; p50: number; p95: number; p99: number; p999: number };
  window_us: number;
}

export interface ExpectationReport {
  line: number;
  text: string;
  held: boolean;
  clauses: ClauseReport[];
}

export interface Explanation {
  kind: 'lost' | 'duplicated' | 'reordered' | 'phantom' | 'aborted' | 'deleted' | 'compacted' | 'failed' | 'pending' | 'deduplicated' | 'reprocessed' | 'skipped' | 'pipeline_lost' | 'pipeline_duplicated';
  records: number[];
  text: string;
}

export interface Setting {
  name: string;
  value: string;
  source: 'default' | 'set' | 'derived';
}

export interface RoleConfig {
  role: 'producer' | 'consumer' | 'broker' | 'topic';
  name: string;
  settings: Setting[];
}

export interface EffectiveConfig {
  kafka_version: string;
  roles: RoleConfig[];
  notes: string[];
}

/** One trace event: `type` names it (see EVENT_SCHEMA in crate/src/sim/trace.rs). */
export interface TraceEntry {
  at_us: number;
  type: string;
  [field: string]: unknown;
}

export interface Report {
  kplay_version: string;
  /** A number up to 2^53 - 1 (Number.MAX_SAFE_INTEGER); above that a string of its
   *  digits, so the seed stays exact in JavaScript. */
  seed: number | string;
  kafka_version: string;
  end_time_us: number;
  /** 'cap': an idle run reached the 24 h virtual-time budget; 'budget': another budget
   *  (records, kernel events, trace volume, bytes compressed) stopped it: see notes. */
  ended_by: 'idle' | 'time' | 'cap' | 'budget';
  /** How the run ended, when there is something to say: the budget that stopped it with
   *  its numbers, timeline lines that never ran because the run ended first. */
  notes: string[];
  trace_hash: string;
  trace_events: number;
  kernel_events: number;
  final_view: 'read_committed' | 'read_uncommitted';
  summary: Summary;
  guarantee: Guarantee;
  /** kafka-producer-perf-test's figures: all producers, and each one. */
  perf: { total: PerfFigures; by_producer: Record<string, PerfFigures> };
  records_undecided: number;
  errors: Record<string, number>;
  error_causes: Record<string, number>;
  responses: Record<string, number>;
  consumers: Record<string, ConsumerReport>;
  groups: Record<string, GroupReport>;
  pipelines: Record<string, PipelineReport>;
  records?: RecordReport[];
  partitions: PartitionReport[];
  expectations: ExpectationReport[];
  metrics: Record<string, Record<string, number>>;
  explanations: Explanation[];
  config: EffectiveConfig;
  nodes: string[];
  trace?: TraceEntry[];
}

export type RunOutcome = { ok: true; report: Report } | { ok: false; errors: Diagnostic[] };

/** Options of `run(text, options)` and `new Session(text, options)`. A seed above
 * 2^53 - 1 crosses as a string of digits. */
export interface RunOptions {
  records?: boolean;
  trace?: boolean;
  seed?: number | string;
}

/** What `benchRun(text)` returns (feature `bench`). */
export interface BenchResult {
  records: number;
  kernel_events: number;
  trace_hash: string;
  delivered: number;
}

export interface BatchCell {
  base_offset: number;
  last_offset: number;
  leader_epoch: number;
  batch: number;
  producer_id: number;
  base_sequence: number;
  records: number[];
  bytes: number;
  transactional: boolean;
  marker: 'COMMIT' | 'ABORT' | null;
  aborted: boolean;
  producer_epoch: number;
  /** Byte position in the partition's log. */
  position: number;
  /** maxTimestamp, ms since 1970. */
  max_timestamp: number;
  /** Rewritten by the log cleaner. */
  cleaned: boolean;
}

export interface ReplicaView {
  broker: number;
  role: string;
  up: boolean;
  leader_epoch: number;
  log_end_offset: number;
  high_watermark: number;
  last_stable_offset: number;
  flushed_offset: number;
  recovery_point: number;
  in_isr: boolean;
  log_start_offset: number;
  segments: SegmentView[];
  batches: BatchCell[];
}

export interface PartitionView {
  tp: string;
  leader: number | null;
  leader_epoch: number;
  isr: number[];
  replicas: ReplicaView[];
}

export interface QueuedBatch {
  batch: number;
  tp: string;
  records: number;
  bytes: number;
  capacity: number;
  age_us: number;
  attempts: number;
  base_sequence: number;
  state: 'open' | 'full' | 'retry' | 'in_flight';
}

export interface ProducerView {
  name: string;
  producer_id: number;
  producer_epoch: number;
  linger_us: number;
  buffer_used_bytes: number;
  buffer_total_bytes: number;
  blocked: string | null;
  batches: QueuedBatch[];
  connections: { broker: number; state: 'disconnected' | 'connecting' | 'ready'; in_flight: number[] }[];
  sequences: [string, number, number, number][];
  transaction: string;
}

export interface Snapshot {
  at_us: number;
  brokers: { id: number; up: boolean; powered: boolean; fenced: boolean; paused: boolean }[];
  partitions: PartitionView[];
  producers: ProducerView[];
}

// ---- search, survival card, sweep (crate/src/search, crate/src/sweep.rs) ----

/** Options of `new Card(text, options)`: schedules per fault kind (default 100). */
export interface CardOptions {
  seed?: number;
  schedules?: number;
}

/** Options of `new Search(text, options)`. */
export interface SearchOptions {
  /** Schedules to try (indices 0..schedules), default 1000. */
  schedules?: number;
  seed?: number;
  /** Fault kinds, comma-separated: crash, power, isolate, cut, drop, delay, restart. */
  faults?: string;
  /** One survival-card row's episode instead of general schedules. */
  kind?: FaultKind;
  /** Verdicts to look for, comma-separated (default: what the promise excludes). */
  targets?: string;
  /** This worker's first index and step, to split a search over workers. */
  start?: number;
  stride?: number;
}

export interface SearchProgress {
  ran: number;
  found: number | null;
  shrink_runs: number;
}

export interface Violation {
  verdicts: ('lost' | 'duplicated' | 'reordered')[];
  expectations: string[];
  breaks_promise: boolean;
  lost: number;
  duplicated: number;
  reordered: number;
  unsettled: boolean;
}

export interface ShrinkStats {
  runs: number;
  faults_before: number;
  faults_after: number;
  records_before: number;
  records_after: number;
  brokers_before: number;
  brokers_after: number;
}

export interface Counterexample {
  schedule: number;
  violation: Violation;
  /** The shrunk scenario; its expect line fails when run. */
  text: string;
  original: string;
  verified: boolean;
  shrink: ShrinkStats;
  explanations: string[];
}

export interface SearchReport {
  seed: number;
  schedules: number;
  ran: number;
  survived: number;
  faults: string[];
  promised: Level;
  targets: string[];
  checked_expectations: string[];
  skipped_expectations: string[];
  /** Schedules whose run never settled (a simulator liveness problem), and the first. */
  unsettled: number;
  first_unsettled: number | null;
  counterexample: Counterexample | null;
}

export interface Finding {
  schedule: number;
  count: number;
  text: string;
}

export interface CardRow {
  kind: FaultKind;
  description: string;
  applicable: boolean;
  schedules: number;
  lost: Finding | null;
  duplicated: Finding | null;
  reordered: Finding | null;
  /** Verdicts the promise's reasons say may happen under this kind. */
  promise_allows: ('lost' | 'duplicated' | 'reordered')[];
}

/** What `Card.report()` returns (named apart from the wasm class `Card`). */
export interface SurvivalCard {
  seed: number;
  schedules_per_row: number;
  promised: Level;
  rows: CardRow[];
}

export interface Rates {
  lost: number;
  duplicated: number;
  reordered: number;
  phantom: number;
  failed: number;
}

export interface SweepRow {
  values: Record<string, string>;
  seed: number;
  error: string | null;
  summary: Summary | null;
  rates: Rates | null;
  promised: Level | null;
  breaks_promise: boolean;
  end_time_us: number;
  metrics: Record<string, Record<string, number>>;
  /** The run's speed figures (the report's perf.total); null when the row is invalid. */
  perf: PerfFigures | null;
}

export interface Combination {
  values: Record<string, string>;
  runs: number;
  errors: number;
  rates: Rates;
  promised: Level | null;
  broke_promise: number;
  /** Mean speed over the combination's runs that acknowledged records. */
  speed: SweepSpeed | null;
}

export interface SweepSpeed {
  records_per_sec: number;
  mb_per_sec: number;
  latency_avg_ms: number;
  latency_p99_ms: number;
}

export interface SweepReport {
  settings: string[];
  seeds: number[];
  rows: SweepRow[];
  combinations: Combination[];
}
