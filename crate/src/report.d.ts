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

// BEGIN generated from crate/src/trace.rs (the Event enum and the types of its fields):
export type TraceEvent =
  | { "type": "action", line: number, text: string }
  | { "type": "message_dropped", from: NodeId, to: NodeId, api: string, corr: number | null, cause: DropCause }
  | { "type": "message_held", from: NodeId, to: NodeId, api: string, corr: number | null }
  | { "type": "message_delayed", from: NodeId, to: NodeId, api: string, corr: number | null, arrives_us: number }
  | { "type": "connection_reset", from: NodeId, to: NodeId }
  | { "type": "send_blocked", producer: NodeId, record: number, reason: BlockReason }
  | { "type": "send_failed", producer: NodeId, record: number, error: ClientErrorName, /** Kafka's message, where it says more than the class. */ message?: string }
  | { "type": "flush_started", producer: NodeId }
  | { "type": "flush_completed", producer: NodeId }
  | { "type": "app_restarted", producer: NodeId, resent: number }
  | { "type": "connecting", from: NodeId, to: NodeId }
  | { "type": "connected", from: NodeId, to: NodeId }
  | { "type": "disconnected", from: NodeId, to: NodeId, cancelled_requests: number }
  | { "type": "metadata_requested", producer: NodeId, to: NodeId }
  | { "type": "metadata_updated", producer: NodeId, leaders: Array<[Tp, number | null, number]> }
  | { "type": "batch_created", producer: NodeId, batch: number, tp: Tp }
  | { "type": "sticky_partition_switched", producer: NodeId, topic: string, from: number, to: number, produced_bytes: number }
  | { "type": "batch_drained", producer: NodeId, batch: number, tp: Tp, reason: SealReason, records: number, bytes: number, attempt: number, producer_id: number, producer_epoch: number, base_sequence: number }
  | { "type": "request_sent", from: NodeId, to: NodeId, api: string, corr: number, batches: Array<number> }
  | { "type": "response_received", at: NodeId, from: NodeId, api: string, corr: number, errors: Array<[number, KafkaError]> }
  | { "type": "request_timed_out", from: NodeId, to: NodeId, corr: number }
  | { "type": "batch_retried", producer: NodeId, batch: number, tp: Tp, error: KafkaError, attempt: number, backoff_us: number }
  | { "type": "batch_acked", producer: NodeId, batch: number, tp: Tp, base_offset: number, records: number }
  | { "type": "batch_failed", producer: NodeId, batch: number, tp: Tp, error: ClientErrorName, records: number }
  | { "type": "batch_expired", producer: NodeId, batch: number, tp: Tp, in: ExpiredIn, records: number }
  | { "type": "late_response_ignored", producer: NodeId, batch: number, tp: Tp, error: KafkaError, base_offset: number }
  | { "type": "producer_id_assigned", producer: NodeId, producer_id: number, producer_epoch: number }
  | { "type": "epoch_bumped", producer: NodeId, producer_id: number, producer_epoch: number, reason: string }
  | { "type": "txn_begun", producer: NodeId }
  | { "type": "partitions_added_to_txn", producer: NodeId, partitions: Array<Tp> }
  | { "type": "txn_ending", producer: NodeId, commit: boolean }
  | { "type": "txn_ended", producer: NodeId, commit: boolean, error: KafkaError | null }
  | { "type": "close_started", producer: NodeId, /** None for `close()` (Long.MAX_VALUE). */ timeout_us: number | null }
  | { "type": "closed", producer: NodeId, forced: boolean, failed: number }
  | { "type": "partition_added_to_txn", broker: NodeId, tp: Tp, transactional_id: string, error: KafkaError }
  | { "type": "txn_call_failed", producer: NodeId, call: string, error: ClientErrorName, message: string }
  | { "type": "appended", broker: NodeId, tp: Tp, batch: number, base_offset: number, last_offset: number, leader_epoch: number, producer_id: number, base_sequence: number }
  | { "type": "recompressed", broker: NodeId, tp: Tp, batch: number, from: CompressionType, to: CompressionType, bytes_before: number, bytes_after: number }
  | { "type": "produce_rejected", broker: NodeId, tp: Tp, batch: number, error: KafkaError }
  | { "type": "duplicate_batch", broker: NodeId, tp: Tp, batch: number, producer_id: number, base_sequence: number, base_offset: number }
  | { "type": "produce_answered", broker: NodeId, to: NodeId, corr: number, results: Array<[Tp, KafkaError, number]> }
  | { "type": "replicated", broker: NodeId, tp: Tp, from_offset: number, to_offset: number }
  | { "type": "high_watermark", broker: NodeId, tp: Tp, high_watermark: number }
  | { "type": "isr_shrink", broker: NodeId, tp: Tp, removed: Array<number>, isr: Array<number> }
  | { "type": "isr_expand", broker: NodeId, tp: Tp, added: Array<number>, isr: Array<number> }
  | { "type": "truncated", broker: NodeId, tp: Tp, from_offset: number, to_offset: number, records: Array<number> }
  | { "type": "flushed", broker: NodeId, tp: Tp, to_offset: number, reason: FlushReason }
  | { "type": "writeback", broker: NodeId, tp: Tp, durable_offset: number }
  | { "type": "segment_rolled", broker: NodeId, tp: Tp, base_offset: number, reason: RollReason }
  | { "type": "segments_deleted", broker: NodeId, tp: Tp, reason: DeletionReason, segments: number, /** Base offset of the first deleted segment. */ from_offset: number, log_start_offset: number, bytes: number, records: number }
  | { "type": "log_start_offset_incremented", broker: NodeId, tp: Tp, log_start_offset: number }
  | { "type": "log_cleaned", broker: NodeId, tp: Tp, first_dirty_offset: number, end_offset: number, /** Dirty bytes / (clean + dirty bytes) when chosen. */ dirty_ratio_pct: number, records_removed: number, tombstones_removed: number, bytes_before: number, bytes_after: number }
  | { "type": "crashed", broker: NodeId, mode: CrashKind, lost: Array<[Tp, number, number]> }
  | { "type": "restarted", broker: NodeId }
  | { "type": "paused", broker: NodeId, until_us: number }
  | { "type": "resumed", broker: NodeId, waiting: number }
  | { "type": "recovered", broker: NodeId, tp: Tp, log_end_offset: number, torn_bytes: number }
  | { "type": "shutdown_started", broker: NodeId }
  | { "type": "shut_down", broker: NodeId, /** The controller never answered within 5 minutes: the broker stopped anyway. */ approved: boolean }
  | { "type": "recovery_skipped", broker: NodeId, logs: number }
  | { "type": "marker_written", broker: NodeId, tp: Tp, marker: Marker, offset: number, producer_id: number }
  | { "type": "became_leader", broker: NodeId, tp: Tp, leader_epoch: number, log_end_offset: number }
  | { "type": "became_follower", broker: NodeId, tp: Tp, leader: number, leader_epoch: number }
  | { "type": "broker_fenced", broker: number, reason: string }
  | { "type": "registration_rejected", broker: number, error: KafkaError, message: string }
  | { "type": "broker_unfenced", broker: number }
  | { "type": "leader_elected", tp: Tp, leader: number, leader_epoch: number, isr: Array<number>, kind: ElectionKind }
  | { "type": "partition_offline", tp: Tp, leader_epoch: number, isr: Array<number> }
  | { "type": "isr_changed", tp: Tp, isr: Array<number>, partition_epoch: number }
  | { "type": "txn_timed_out", transactional_id: string, producer_id: number }
  | { "type": "txn_aborted_by_coordinator", transactional_id: string, producer_id: number, reason: string }
  | { "type": "member_joined", group: string, consumer: NodeId, member_id: string }
  | { "type": "member_removed", group: string, consumer: NodeId, member_id: string, reason: string }
  | { "type": "static_member_rejoined", group: string, consumer: NodeId, generation: number }
  | { "type": "rebalance_started", broker: NodeId, group: string, generation: number, reason: string }
  | { "type": "group_joined", broker: NodeId, group: string, generation: number, protocol: string, leader: NodeId, members: Array<NodeId> }
  | { "type": "group_stable", broker: NodeId, group: string, generation: number, assignment: Array<[NodeId, Array<Tp>]> }
  | { "type": "target_assignment", broker: NodeId, group: string, group_epoch: number, assignor: string, assignment: Array<[NodeId, Array<Tp>]> }
  | { "type": "group_empty", group: string, generation: number }
  | { "type": "partitions_assigned", consumer: NodeId, generation: number, partitions: Array<Tp> }
  | { "type": "partitions_revoked", consumer: NodeId, partitions: Array<Tp> }
  | { "type": "partitions_lost", consumer: NodeId, partitions: Array<Tp>, reason: string }
  | { "type": "position_set", consumer: NodeId, tp: Tp, offset: number, from: string }
  | { "type": "records_returned", consumer: NodeId, tp: Tp, from_offset: number, to_offset: number, records: number }
  | { "type": "offsets_committed", consumer: NodeId, group: string, kind: string, offsets: Array<[Tp, number]> }
  | { "type": "task_migrated", consumer: NodeId, reason: string }
  | { "type": "txn_offsets_pending", broker: NodeId, group: string, producer_id: number, offsets: Array<[Tp, number]> }
  | { "type": "txn_offsets_completed", broker: NodeId, group: string, producer_id: number, commit: boolean, offsets: Array<[Tp, number]> }
  | { "type": "offset_commit_failed", consumer: NodeId, kind: string, error: KafkaError }
  | { "type": "poll_timeout", consumer: NodeId, max_poll_interval_ms: number }
  | { "type": "consumer_crashed", consumer: NodeId, processing: number }
  | { "type": "consumer_restarted", consumer: NodeId }
  | { "type": "consumer_closed", consumer: NodeId }
  | { "type": "polled", consumer: string, topic: string, records: number }
  | { "type": "offset_out_of_range", consumer: string, tp: Tp, position: number, log_start_offset: number, reset_to: number | null, /** Records the consumer will never read because of it. */ skipped: number }
  | { "type": "run_stopped", budget: string, limit: number, used: number };
export type BlockReason = "metadata" | "buffer_memory";
export type ClientErrorName = string;
export type CompressionType = "none" | "gzip" | "snappy" | "lz4" | "zstd";
export type CrashKind = "process" | "power";
export type DeletionReason = "retention_ms" | "retention_bytes" | "log_start_offset";
export type DropCause = "drop_rule" | "cut" | "isolated" | "loss" | "stalled" | "gave_up";
export type ElectionKind = "clean" | "unclean" | "preferred" | "elr" | "last_known_leader";
export type ExpiredIn = "accumulator" | "in_flight";
export type FlushReason = "messages" | "interval" | "segment_roll" | "shutdown";
export type KafkaError = string;
export type Marker = "ABORT" | "COMMIT";
export type NodeId = string;
export type RollReason = "size" | "time" | "index_full" | "offset_overflow" | "retention";
export type SealReason = "full" | "batch_waiting" | "linger" | "flush" | "memory_exhausted" | "txn_completing" | "close" | "retry" | "node_ready";
export type Tp = string;
// END generated

/** One trace entry: the moment and the event, whose `type` names it. */
export type TraceEntry = { at_us: number } & TraceEvent;

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
  /** What the producers' configurations promise. */
  promised: Level;
  /** What each plain consumer group and each pipeline promises (the `skipped` and
   *  `pipeline_*` targets are judged against these). */
  promised_by_group: Record<string, Level>;
  promised_by_pipeline: Record<string, Level>;
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
