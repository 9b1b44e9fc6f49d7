// The shapes the wasm API hands to JavaScript (tests/web.rs pins field names; optional
// sections are absent, never null, when not asked for). The two generated regions below
// are the Rust types themselves (crate/src/trace.rs, crate/src/report/ts.rs): a unit test
// fails when they differ from the Rust types; KPLAY_BLESS=1 cargo test --lib ts:: rewrites
// them. What is written by hand above them is what the Rust side reads field by field
// (the options objects) or composes (the outcome and the trace entry).

export type RecordOutcome =
  | 'delivered' | 'lost' | 'duplicated' | 'phantom' | 'aborted' | 'deleted' | 'compacted' | 'failed' | 'pending' | 'undecided';

/** One trace entry: the moment and the event, whose `type` names it. */
export type TraceEntry = { at_us: number } & TraceEvent;

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
export type DropCause = "drop_rule" | "cut" | "isolated" | "loss" | "stalled" | "gave_up" | "timed_out";
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

// BEGIN generated from the report types (crate/src/report, snapshot.rs, search/, sweep.rs, diagnostics):

export type BatchCell = {
  base_offset: number;
  last_offset: number;
  leader_epoch: number;
  /** The producer batch that carried it (0 for a transaction marker). */
  batch: number;
  producer_id: number;
  base_sequence: number;
  records: Array<number>;
  bytes: number;
  transactional: boolean;
  /** `COMMIT` / `ABORT` for a control batch. */
  marker: "COMMIT" | "ABORT" | null;
  /** Inside a transaction that was aborted. */
  aborted: boolean;
  producer_epoch: number;
  /** Byte position in the partition's log (`position` in kafka-dump-log). */
  position: number;
  /** `maxTimestamp` (ms since 1970). */
  max_timestamp: number;
  /** Rewritten by the log cleaner (records removed, offsets kept). */
  cleaned: boolean;
};

export type BrokerView = {
  id: number;
  up: boolean;
  powered: boolean;
  fenced: boolean;
  /** The process is stalled (`pause broker-N for D`). */
  paused: boolean;
};

export type CardRow = {
  kind: FaultKind;
  description: string;
  /** False when the kind cannot happen on this cluster (one replica has no follower). */
  applicable: boolean;
  schedules: number;
  lost: Finding | null;
  duplicated: Finding | null;
  reordered: Finding | null;
  /** What the promise's reasons expect under this kind: verdicts they say may happen. */
  promise_allows: Array<"lost" | "duplicated" | "reordered">;
};

export type ClauseReport = {
  name: string;
  op: string;
  /** In `unit`'s scale: plain (""), microseconds ("us") or thousandths ("milli"). */
  expected: number;
  actual: number;
  held: boolean;
  unit: "" | "us" | "milli";
};

/** Per combination: the mean rates over its seeds. */
export type Combination = {
  values: Record<string, string>;
  runs: number;
  errors: number;
  rates: Rates;
  promised: Level | null;
  broke_promise: number;
  /** The mean speed over its valid runs; null when none was valid or none acked a record. */
  speed: SweepSpeed | null;
};

export type ConnView = {
  broker: number;
  state: "disconnected" | "connecting" | "ready";
  in_flight: Array<number>;
};

export type ConsumerReport = {
  isolation_level: "read_committed" | "read_uncommitted";
  /** Records its polls returned (with repeats, as delivered). */
  records: number;
  /**
   * Records it will never read: its position fell below the log start offset
   * (OFFSET_OUT_OF_RANGE) and `auto.offset.reset` moved it past them.
   */
  skipped: number;
  ids: Array<number>;
  /** Its `group.id`, if any. */
  group: string | null;
  /** Records its application finished processing (group consumers' poll loops). */
  processed: number;
  /** Its partitions at the end (group consumers). */
  assignment: Array<Tp>;
  /** The exception that stopped its poll loop, if one did. */
  error: string | null;
};

/** A failing schedule, shrunk and verified. */
export type Counterexample = {
  /** The schedule's index (reproduce with the same seed and faults). */
  schedule: number;
  /** What the shrunk text's own run shows. */
  violation: Violation;
  /** The shrunk scenario: run it with `kplay run` (its expect lines fail). */
  text: string;
  /** The schedule as generated. */
  original: string;
  /** The shrunk text, run in full, shows the original violation. */
  verified: boolean;
  shrink: ShrinkStats;
  /** What happened, from the shrunk run's explanations. */
  explanations: Array<string>;
};

export type Diagnostic = {
  /** 1-based line. */
  line: number;
  /** 1-based column (in characters) where `word` starts. */
  column: number;
  /** 1-based column just past the end of `word` (for underlining); >= column. */
  end_column: number;
  /** The offending word as written (may be empty at end of line). */
  word: string;
  message: string;
  /** How to fix it; may be empty when nothing useful can be said. */
  hint: string;
};

/** Every role's effective configuration and the notes Kafka would have logged. */
export type EffectiveConfig = {
  kafka_version: string;
  roles: Array<RoleConfig>;
  /**
   * Plain sentences such as "producer app: enable.idempotence is disabled because
   * acks=1 and enable.idempotence was not set (Kafka logs this at INFO)".
   */
  notes: Array<string>;
};

export type ExpectationReport = {
  line: number;
  text: string;
  held: boolean;
  /** Each clause with the actual value found. */
  clauses: Array<ClauseReport>;
};

/** A plain-language account of one anomaly, for a set of records. */
export type Explanation = {
  /** `lost`, `duplicated`, `reordered`, `phantom`, `aborted`, `failed`, `pending`. */
  kind: "lost" | "duplicated" | "reordered" | "phantom" | "aborted" | "deleted" | "compacted" | "failed" | "pending" | "deduplicated" | "reprocessed" | "skipped" | "pipeline_lost" | "pipeline_duplicated";
  records: Array<number>;
  text: string;
};

/**
 * A kind of fault, as the reasons and the survival card name it. Each one says what
 * happens; the search (`crate::search`) generates schedules of exactly that kind.
 */
export type FaultKind = "message-loss" | "leader-crash" | "follower-crash" | "two-brokers-down" | "power-loss-one" | "power-loss-all" | "leader-isolated" | "producer-restart" | "unclean-election" | "lone-leader-power-loss" | "late-request";

/** The first schedule of a row that showed a verdict. */
export type Finding = {
  schedule: number;
  /** How many records it affected. */
  count: number;
  /** The schedule as scenario text (its expect line fails). */
  text: string;
};

/** The report's `guarantee.by_group.NAME`. */
export type GroupGuarantee = {
  promised: Level;
  reasons: Array<Reason>;
  observed: GroupObserved;
};

export type GroupObserved = {
  /** No record reprocessed or skipped. */
  clean: boolean;
  reprocessed: number;
  skipped: number;
  /**
   * Of `skipped`, records retention deleted before the group read them: skipped by
   * design (retention deletes whole segments whether or not a group has read them),
   * so they do not break the promise.
   */
  skipped_deleted: number;
  breaks_promise: boolean;
  /** The verdicts that broke it: `skipped`. */
  broken_by: Array<"skipped">;
  text: string;
};

export type GroupReport = {
  /** classic or consumer (KIP-848). */
  protocol: "classic" | "consumer";
  /** The assignor the last generation chose. */
  assignor: string | null;
  state: "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable";
  generation: number;
  leader: string | null;
  members: Array<MemberReport>;
  /** Consumer → partitions, as the group's final assignment has it. */
  assignment: Record<string, Array<Tp>>;
  rebalances: Array<RebalanceReport>;
  offsets: Array<PartitionOffsets>;
  /** Total lag over the group's partitions. */
  lag: number;
  processed: number;
  reprocessed: number;
  skipped: number;
  /** Of `skipped`, the records retention deleted before the group read them. */
  skipped_deleted: number;
};

/**
 * The report's `guarantee` section: the promise of the whole configuration (the weakest
 * producer's) with its reasons, what the run observed, and with several producers each
 * one's own.
 */
export type Guarantee = {
  promised: Level;
  reasons: Array<Reason>;
  observed: Observed;
  by_producer?: Record<string, ProducerGuarantee>;
  /** Each pipeline's end-to-end promise (input → output) and what the run showed. */
  by_pipeline?: Record<string, PipelineGuarantee>;
  /**
   * Each plain consumer group's processing promise (at-least-once or none) and what
   * the run showed.
   */
  by_group?: Record<string, GroupGuarantee>;
};

/** Latency figures in milliseconds. */
export type Latency = {
  avg: number;
  max: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
};

/**
 * The delivery guarantee a configuration promises, in the words people use for Kafka
 * (weakest first).
 */
export type Level = "none" | "at-most-once" | "at-least-once" | "exactly-once-per-session" | "exactly-once-transactional";

export type MemberReport = {
  consumer: string;
  member_id: string;
  group_instance_id: string | null;
  assignment: Array<Tp>;
};

export type Observed = {
  /** Nothing lost, duplicated or reordered. */
  clean: boolean;
  lost: number;
  duplicated: number;
  reordered: number;
  phantom: number;
  /** Of `duplicated`: extra copies of records sent again after a producer restart. */
  duplicated_across_sessions: number;
  /** Of `reordered`: records sent again after a producer restart. */
  reordered_across_sessions: number;
  /** This run broke the promised guarantee. */
  breaks_promise: boolean;
  /** The verdicts that broke it: `lost`, `duplicated`, `reordered`. */
  broken_by: Array<"lost" | "duplicated" | "reordered">;
  /**
   * Fault kinds beyond the design fault model the promise is judged under that this
   * run had, and under which a property it broke can fail (`late-request`, from a
   * `delay` on the producer's link): the promise was broken by a fault it does not
   * cover. Absent otherwise.
   */
  beyond_model?: Array<FaultKind>;
  /** One sentence for people. */
  text: string;
};

export type PartitionOffsets = {
  tp: Tp;
  /** The group's committed offset (null: none). */
  committed: number | null;
  /** Where its consumers read up to: the HW, or the LSO for read_committed. */
  end_offset: number;
  lag: number;
};

export type PartitionReport = {
  topic: string;
  partition: number;
  /** Broker id, or null when offline. */
  leader: number | null;
  leader_epoch: number;
  isr: Array<number>;
  /** Eligible leader replicas (KIP-966), empty unless `eligible.leader.replicas.version=1`. */
  elr: Array<number>;
  replicas: Array<number>;
  high_watermark: number;
  last_stable_offset: number;
  offline: boolean;
  replica_states: Array<ReplicaReport>;
  /** The producer state the leader holds. */
  producers: Array<ProducerStateReport>;
};

export type PartitionView = {
  tp: Tp;
  leader: number | null;
  leader_epoch: number;
  isr: Array<number>;
  replicas: Array<ReplicaView>;
};

/**
 * The speed figures, as `kafka-producer-perf-test` prints them: all producers together
 * and each one.
 */
export type Perf = {
  total: PerfFigures;
  by_producer: Record<string, PerfFigures>;
};

/** One producer's (or all producers') figures. */
export type PerfFigures = {
  /** Records whose send succeeded. */
  records: number;
  records_per_sec: number;
  mb_per_sec: number;
  latency_ms: Latency;
  /** The busy window, from the first send() to the last successful callback. */
  window_us: number;
};

/** The report's `guarantee.by_pipeline.NAME`. */
export type PipelineGuarantee = {
  promised: Level;
  reasons: Array<Reason>;
  observed: PipelineObserved;
};

export type PipelineObserved = {
  /** No input lost or duplicated. */
  clean: boolean;
  lost: number;
  duplicated: number;
  breaks_promise: boolean;
  /** The verdicts that broke it: `pipeline_lost`, `pipeline_duplicated`. */
  broken_by: Array<"pipeline_lost" | "pipeline_duplicated">;
  text: string;
};

export type PipelineReport = {
  guarantee: "at_least_once" | "exactly_once_v2";
  group: string;
  from: string;
  to: string;
  transactional_id: string | null;
  /** Input records in the final log of `from` the pipeline can read. */
  inputs: number;
  /** Outputs a read_committed reader finds in `to`. */
  outputs: number;
  /** Inputs the pipeline processed (at least once). */
  processed: number;
  /** Inputs past the committed offset without an output yet (a consumer resumes there). */
  pending: number;
  lost: number;
  duplicated: number;
  /** Completed commits (transactions with their offsets, or flush + commitSync). */
  commits: number;
  /** Transactions aborted after a failed commit (TaskMigratedException). */
  aborted: number;
};

/** The report's `guarantee` section for one producer. */
export type ProducerGuarantee = {
  promised: Level;
  reasons: Array<Reason>;
  observed: Observed;
};

export type ProducerStateReport = {
  producer_id: number;
  producer_epoch: number;
  last_sequence: number;
  /** (first seq, last seq, first offset, last offset) of each cached batch. */
  cached_batches: Array<[number, number, number, number]>;
  open_transaction_first_offset: number | null;
};

export type ProducerView = {
  name: string;
  producer_id: number;
  producer_epoch: number;
  linger_us: number;
  buffer_used_bytes: number;
  buffer_total_bytes: number;
  /** Waiting for memory or metadata inside `send()`. */
  blocked: string | null;
  batches: Array<QueuedBatch>;
  connections: Array<ConnView>;
  /** (partition, next sequence, last acknowledged sequence, batches in flight). */
  sequences: Array<[Tp, number, number, number]>;
  transaction: string;
};

/** The four properties a level is made of. */
export type Property = "durability" | "no-duplicates" | "ordering" | "across-sessions";

export type QueuedBatch = {
  batch: number;
  tp: Tp;
  records: number;
  bytes: number;
  /** batch.size (or more for one oversized record). */
  capacity: number;
  age_us: number;
  attempts: number;
  base_sequence: number;
  /** `open`, `full`, `retry` (backing off) or `in_flight`. */
  state: "open" | "full" | "retry" | "in_flight";
};

export type Rates = {
  lost: number;
  duplicated: number;
  reordered: number;
  phantom: number;
  failed: number;
};

/** One rule's verdict on one property. */
export type Reason = {
  property: Property;
  /** Whether the property holds under the design fault model. */
  holds: boolean;
  /** The deciding settings, as Kafka spells them (`acks=1`, `min.insync.replicas=1`). */
  settings: Array<string>;
  /** Why, in Kafka's terms. */
  text: string;
  holds_under: Array<FaultKind>;
  fails_under: Array<FaultKind>;
};

/** One rebalance as the report shows it. */
export type RebalanceReport = {
  generation: number;
  started_us: number;
  ended_us: number | null;
  reason: string;
  /** eager or cooperative (the chosen assignor's protocol). */
  kind: "eager" | "cooperative";
  protocol: string | null;
  /** Per member (consumer name): partitions it gave up and partitions it got. */
  revoked: Array<[string, Array<Tp>]>;
  assigned: Array<[string, Array<Tp>]>;
  /** The assignment after it (member → partitions). */
  assignment: Array<[string, Array<Tp>]>;
};

export type RecordReport = {
  id: number;
  producer: string;
  key: string | null;
  partition: number | null;
  /** The offset the send's result reported (-1 when unknown or none). */
  offset: number;
  /** `acked`, `failed` or `pending`. */
  result: "acked" | "failed" | "pending";
  /** The exception class when failed. */
  error: string | null;
  /**
   * `delivered`, `lost`, `duplicated`, `phantom`, `aborted`, `failed`, `pending`,
   * `undecided`; `reordered` is a separate flag.
   */
  outcome: RecordOutcome;
  reordered: boolean;
  /** Offsets of its copies in the final log. */
  copies: Array<number>;
  sent_us: number;
  result_us: number | null;
  /** The producer batch that last carried it. */
  batch: number | null;
  /**
   * Its timestamp as a consumer reads it (ms since 1970): the producer's CreateTime,
   * or the leader's LogAppendTime on such topics.
   */
  timestamp: number;
  /** `CreateTime` or `LogAppendTime`. */
  timestamp_type: "CreateTime" | "LogAppendTime";
};

export type ReplicaReport = {
  broker: number;
  /** `logStartOffset`: retention deleted everything below it. */
  log_start_offset: number;
  log_end_offset: number;
  /** Offset below which the replica's log is on disk (fsync or OS writeback). */
  flushed_offset: number;
  /** Kafka's recovery point (fsynced by Kafka itself). */
  recovery_point: number;
  high_watermark: number;
  role: string;
  /** The broker process is down. */
  down: boolean;
  segments: Array<SegmentReport>;
};

export type ReplicaView = {
  broker: number;
  role: string;
  up: boolean;
  leader_epoch: number;
  log_end_offset: number;
  high_watermark: number;
  last_stable_offset: number;
  /** Offset below which the data is on disk (fsync or writeback); above it, page cache. */
  flushed_offset: number;
  recovery_point: number;
  in_isr: boolean;
  /** `logStartOffset`: retention deleted what lies below it. */
  log_start_offset: number;
  /**
   * The segment files, oldest first, with their flushed and page-cache bytes and
   * their index entries.
   */
  segments: Array<SegmentView>;
  batches: Array<BatchCell>;
};

/**
 * A run's report. It serializes with its run's names (node ids and partitions print as
 * `broker-2`, `orders-0`): see the `Serialize` impl below.
 */
export type Report = {
  kplay_version: string;
  /** A number, or a string above 2^53 - 1 (see [`MAX_SAFE_INTEGER`]). */
  seed: number | string;
  kafka_version: string;
  /** Virtual time when the run ended. */
  end_time_us: number;
  /**
   * `idle`, `time` (run until T), `cap` (an idle run reached the 24 h virtual-time
   * budget) or `budget` (the run used up another budget: see `notes`).
   */
  ended_by: "idle" | "time" | "cap" | "budget";
  /**
   * How the run ended, when there is something to say: the budget that stopped it
   * (with its numbers), and timeline lines that never ran because the run ended first.
   */
  notes: Array<string>;
  /** FNV-1a over every trace event: equal runs have equal hashes. */
  trace_hash: string;
  trace_events: number;
  kernel_events: number;
  /** The isolation level the final log is read with for `delivered`/`lost`. */
  final_view: "read_committed" | "read_uncommitted";
  summary: Summary;
  /**
   * What the effective configuration promises (`none` ... `exactly-once-transactional`,
   * with reasons) and what this run observed against it.
   */
  guarantee: Guarantee;
  /** Throughput and latency, per producer and in total (`kafka-producer-perf-test`'s figures). */
  perf: Perf;
  /**
   * Records in the leader's log that no consumer may read yet at the end (above the
   * HW, or behind a transaction still open): neither delivered nor lost.
   */
  records_undecided: number;
  /** Final send errors by the exception class the callback got. */
  errors: Record<string, number>;
  /** The broker error behind each failed record (the last one its batch saw). */
  error_causes: Record<string, number>;
  /** Error codes brokers answered produce requests with. */
  responses: Record<string, number>;
  consumers: Record<string, ConsumerReport>;
  /** Consumer groups: protocol, generation, assignment, rebalances, offsets and lag. */
  groups: Record<string, GroupReport>;
  /** Pipelines: inputs, outputs, commits, and the pipeline verdicts. */
  pipelines: Record<string, PipelineReport>;
  records?: Array<RecordReport>;
  partitions: Array<PartitionReport>;
  expectations: Array<ExpectationReport>;
  /** Per producer, Java metric name → value. */
  metrics: Record<string, Record<string, number>>;
  explanations: Array<Explanation>;
  config: EffectiveConfig;
  /** Node names by id (0 controller, then brokers, then producers). */
  nodes: Array<string>;
  trace?: Array<TraceEntry>;
};

/** The effective configuration of one node or topic. */
export type RoleConfig = {
  /** `producer`, `consumer`, `broker` or `topic`. */
  role: "producer" | "consumer" | "broker" | "topic";
  /** The producer/consumer/topic name; `brokers` for the cluster-wide config. */
  name: string;
  /** Every known property of the role, sorted by name. */
  settings: Array<Setting>;
};

/** `kplay search --json`. */
export type SearchReport = {
  seed: number;
  schedules: number;
  ran: number;
  /** Schedules that kept the promise and every checked expectation. */
  survived: number;
  faults: Array<string>;
  /** What the producers' configurations promise. */
  promised: Level;
  /**
   * What each plain consumer group's and each pipeline's configuration promises (the
   * `skipped` and `pipeline_*` targets are judged against these).
   */
  promised_by_group: Record<string, Level>;
  promised_by_pipeline: Record<string, Level>;
  /** The verdicts searched for. */
  targets: Array<string>;
  checked_expectations: Array<string>;
  skipped_expectations: Array<string>;
  /** Schedules whose run never settled (a simulator liveness problem to report). */
  unsettled: number;
  first_unsettled: number | null;
  counterexample: Counterexample | null;
};

/** One segment of a replica's log, as `ls -l` and `vmtouch` would show its files. */
export type SegmentReport = {
  base_offset: number;
  /** The next segment's base offset, or the LEO for the active segment. */
  end_offset: number;
  /** Bytes of the `.log` file. */
  size: number;
  /** The whole file is on disk (fsync or OS writeback). */
  flushed: boolean;
  /** Bytes of it on disk; the rest is only in the page cache. */
  flushed_bytes: number;
  /** Bytes of it the page cache holds. */
  cached_bytes: number;
  batches: number;
  records: number;
  offset_index_entries: number;
  time_index_entries: number;
  /** `largestTimestamp` (ms), -1 when empty. */
  largest_timestamp: number;
  active: boolean;
};

/** A segment as the log view shows it: the report's figures and the index files. */
export type SegmentView = {
  /** `.index`: (offset, position in the segment). */
  offset_index: Array<[number, number]>;
  /** `.timeindex`: (timestamp, offset). */
  time_index: Array<[number, number]>;
  base_offset: number;
  /** The next segment's base offset, or the LEO for the active segment. */
  end_offset: number;
  /** Bytes of the `.log` file. */
  size: number;
  /** The whole file is on disk (fsync or OS writeback). */
  flushed: boolean;
  /** Bytes of it on disk; the rest is only in the page cache. */
  flushed_bytes: number;
  /** Bytes of it the page cache holds. */
  cached_bytes: number;
  batches: number;
  records: number;
  offset_index_entries: number;
  time_index_entries: number;
  /** `largestTimestamp` (ms), -1 when empty. */
  largest_timestamp: number;
  active: boolean;
};

/** One property's effective value as the report shows it. */
export type Setting = {
  name: string;
  /** The value as Kafka would print it (`all`, `5`, `16384`, `null`). */
  value: string;
  source: Source;
};

export type ShrinkStats = {
  runs: number;
  faults_before: number;
  faults_after: number;
  records_before: number;
  records_after: number;
  brokers_before: number;
  brokers_after: number;
};

/** The cluster and the producers at one moment. Serializes with its run's names. */
export type Snapshot = {
  at_us: number;
  brokers: Array<BrokerView>;
  partitions: Array<PartitionView>;
  producers: Array<ProducerView>;
};

/** Where an effective value came from. */
export type Source = "default" | "set" | "derived";

export type Summary = {
  /** Records `send()` was called for. */
  sent: number;
  /** Records whose callback reported success (acks=0: immediately, offset -1). */
  acked: number;
  /** Records whose callback reported an error. */
  failed: number;
  /** Records with no result by the end of the run. */
  pending: number;
  /** Distinct records a consumer of the final committed log sees. */
  delivered: number;
  /** Acknowledged records missing from that final log. */
  lost: number;
  /** Extra copies in the final log (copies - 1, summed over records). */
  duplicated: number;
  /** Records that appear after a record their producer sent later to the same partition. */
  reordered: number;
  /** Records whose result was an error yet which are in the final log. */
  phantom: number;
  /** Records written inside transactions that were aborted. */
  aborted: number;
  /** Records retention removed (below the log start offset): gone by design, not lost. */
  deleted: number;
  /**
   * Records the log cleaner removed (a later record has the key, or an expired
   * tombstone): gone by design, not lost.
   */
  compacted: number;
  /** Records a consumer group processed more than once. */
  reprocessed: number;
  /** Records below a group's committed offset that the group never processed. */
  skipped: number;
  /** Pipeline inputs committed past without an output in the final read_committed log. */
  pipeline_lost: number;
  /** Pipeline inputs with more than one output in the final read_committed log. */
  pipeline_duplicated: number;
  /** ProduceRequests the producers sent. */
  produce_requests: number;
  /** Distinct producer batches sent. */
  batches: number;
};

export type SurvivalCard = {
  seed: number;
  schedules_per_row: number;
  promised: Level;
  rows: Array<CardRow>;
};

export type SweepReport = {
  settings: Array<string>;
  seeds: Array<number>;
  rows: Array<SweepRow>;
  combinations: Array<Combination>;
};

export type SweepRow = {
  /** Setting name → value for this row. */
  values: Record<string, string>;
  seed: number;
  /** The configuration error, when Kafka's rules reject this combination. */
  error: string | null;
  summary: Summary | null;
  rates: Rates | null;
  promised: Level | null;
  breaks_promise: boolean;
  end_time_us: number;
  /** Producer metrics under their Java names, per producer. */
  metrics: Record<string, Record<string, number>>;
  /** The run's speed figures (the report's `perf.total`); null when the row is invalid. */
  perf: PerfFigures | null;
};

/** A combination's mean speed figures over its seeds (runs that acknowledged records). */
export type SweepSpeed = {
  records_per_sec: number;
  mb_per_sec: number;
  latency_avg_ms: number;
  latency_p99_ms: number;
};

/** What a run showed against the targets. */
export type Violation = {
  /** Target verdicts the run showed (`lost`, `duplicated`, `reordered`). */
  verdicts: Array<"lost" | "duplicated" | "reordered" | "pipeline_lost" | "pipeline_duplicated" | "skipped">;
  /** Checked expect lines that failed, as written. */
  expectations: Array<string>;
  /** The run broke the promised guarantee. */
  breaks_promise: boolean;
  lost: number;
  duplicated: number;
  reordered: number;
  pipeline_lost: number;
  pipeline_duplicated: number;
  /** Records a consumer group committed past without processing them. */
  skipped: number;
  /** The run never settled (hit the 24-hour cap): reported, not a violation. */
  unsettled: boolean;
};

// END generated
