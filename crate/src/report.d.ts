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
  produce_requests: number;
  batches: number;
}

export interface ConsumerReport {
  isolation_level: 'read_committed' | 'read_uncommitted';
  records: number;
  ids: number[];
}

export type RecordOutcome =
  | 'delivered' | 'lost' | 'duplicated' | 'phantom' | 'aborted' | 'failed' | 'pending' | 'undecided';

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
}

export interface ReplicaReport {
  broker: number;
  log_end_offset: number;
  flushed_offset: number;
  recovery_point: number;
  high_watermark: number;
  role: string;
  down: boolean;
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
  expected: number;
  actual: number;
  held: boolean;
}

export interface ExpectationReport {
  line: number;
  text: string;
  held: boolean;
  clauses: ClauseReport[];
}

export interface Explanation {
  kind: 'lost' | 'duplicated' | 'reordered' | 'phantom' | 'aborted' | 'failed' | 'pending' | 'deduplicated';
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
  records_undecided: number;
  errors: Record<string, number>;
  error_causes: Record<string, number>;
  responses: Record<string, number>;
  consumers: Record<string, ConsumerReport>;
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
