//! The report: the one output type of a run, for the CLI's `--json`, the wasm API and
//! golden files (its TypeScript interface is `report.d.ts` beside this file).
//!
//! Field names follow the scenario-language contract (`summary`, `errors`, `responses`,
//! `consumers`, `records`, `partitions`, `expectations`, `metrics`); kplay adds the run's
//! identity (seed, versions, trace hash), the promise (`guarantee`), the explanations, the effective configuration
//! and, on request, the trace. Optional sections are absent (not null) when not asked for.

pub mod perf;
pub mod text;

use crate::sim::VecMap;

use serde::Serialize;

use crate::checker::guarantee::Guarantee;
use crate::config::EffectiveConfig;
use crate::trace::Entry;

#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Summary {
    /// Records `send()` was called for.
    pub sent: u64,
    /// Records whose callback reported success (acks=0: immediately, offset -1).
    pub acked: u64,
    /// Records whose callback reported an error.
    pub failed: u64,
    /// Records with no result by the end of the run.
    pub pending: u64,
    /// Distinct records a consumer of the final committed log sees.
    pub delivered: u64,
    /// Acknowledged records missing from that final log.
    pub lost: u64,
    /// Extra copies in the final log (copies - 1, summed over records).
    pub duplicated: u64,
    /// Records that appear after a record their producer sent later to the same partition.
    pub reordered: u64,
    /// Records whose result was an error yet which are in the final log.
    pub phantom: u64,
    /// Records written inside transactions that were aborted.
    pub aborted: u64,
    /// Records retention removed (below the log start offset): gone by design, not lost.
    pub deleted: u64,
    /// Records the log cleaner removed (a later record has the key, or an expired
    /// tombstone): gone by design, not lost.
    pub compacted: u64,
    /// Records a consumer group processed more than once.
    pub reprocessed: u64,
    /// Records below a group's committed offset that the group never processed.
    pub skipped: u64,
    /// Pipeline inputs committed past without an output in the final read_committed log.
    pub pipeline_lost: u64,
    /// Pipeline inputs with more than one output in the final read_committed log.
    pub pipeline_duplicated: u64,
    /// ProduceRequests the producers sent.
    pub produce_requests: u64,
    /// Distinct producer batches sent.
    pub batches: u64,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConsumerReport {
    #[cfg_attr(test, ts(type = "\"read_committed\" | \"read_uncommitted\""))]
    pub isolation_level: String,
    /// Records its polls returned (with repeats, as delivered).
    pub records: u64,
    /// Records it will never read: its position fell below the log start offset
    /// (OFFSET_OUT_OF_RANGE) and `auto.offset.reset` moved it past them.
    pub skipped: u64,
    pub ids: Vec<u32>,
    /// Its `group.id`, if any.
    pub group: Option<String>,
    /// Records its application finished processing (group consumers' poll loops).
    pub processed: u64,
    /// Its partitions at the end (group consumers).
    pub assignment: Vec<crate::protocol::Tp>,
    /// The exception that stopped its poll loop, if one did.
    pub error: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RecordReport {
    pub id: u32,
    pub producer: String,
    pub key: Option<String>,
    pub partition: Option<u32>,
    /// The offset the send's result reported (-1 when unknown or none).
    pub offset: i64,
    /// `acked`, `failed` or `pending`.
    #[cfg_attr(test, ts(type = "\"acked\" | \"failed\" | \"pending\""))]
    pub result: String,
    /// The exception class when failed.
    pub error: Option<String>,
    /// `delivered`, `lost`, `duplicated`, `phantom`, `aborted`, `failed`, `pending`,
    /// `undecided`; `reordered` is a separate flag.
    #[cfg_attr(test, ts(type = "RecordOutcome"))]
    pub outcome: String,
    pub reordered: bool,
    /// Offsets of its copies in the final log.
    pub copies: Vec<u64>,
    pub sent_us: u64,
    pub result_us: Option<u64>,
    /// The producer batch that last carried it.
    pub batch: Option<u32>,
    /// Its timestamp as a consumer reads it (ms since 1970): the producer's CreateTime,
    /// or the leader's LogAppendTime on such topics.
    pub timestamp: i64,
    /// `CreateTime` or `LogAppendTime`.
    #[cfg_attr(test, ts(type = "\"CreateTime\" | \"LogAppendTime\""))]
    pub timestamp_type: &'static str,
}

/// One segment of a replica's log, as `ls -l` and `vmtouch` would show its files.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SegmentReport {
    pub base_offset: u64,
    /// The next segment's base offset, or the LEO for the active segment.
    pub end_offset: u64,
    /// Bytes of the `.log` file.
    pub size: u64,
    /// The whole file is on disk (fsync or OS writeback).
    pub flushed: bool,
    /// Bytes of it on disk; the rest is only in the page cache.
    pub flushed_bytes: u64,
    /// Bytes of it the page cache holds.
    pub cached_bytes: u64,
    pub batches: u32,
    pub records: u32,
    pub offset_index_entries: u32,
    pub time_index_entries: u32,
    /// `largestTimestamp` (ms), -1 when empty.
    pub largest_timestamp: i64,
    pub active: bool,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReplicaReport {
    pub broker: u16,
    /// `logStartOffset`: retention deleted everything below it.
    pub log_start_offset: u64,
    pub log_end_offset: u64,
    /// Offset below which the replica's log is on disk (fsync or OS writeback).
    pub flushed_offset: u64,
    /// Kafka's recovery point (fsynced by Kafka itself).
    pub recovery_point: u64,
    pub high_watermark: u64,
    pub role: String,
    /// The broker process is down.
    pub down: bool,
    pub segments: Vec<SegmentReport>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ProducerStateReport {
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub last_sequence: i32,
    /// (first seq, last seq, first offset, last offset) of each cached batch.
    pub cached_batches: Vec<(i32, i32, u64, u64)>,
    pub open_transaction_first_offset: Option<u64>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PartitionReport {
    pub topic: String,
    pub partition: u32,
    /// Broker id, or null when offline.
    pub leader: Option<u16>,
    pub leader_epoch: u32,
    pub isr: Vec<u16>,
    /// Eligible leader replicas (KIP-966), empty unless `eligible.leader.replicas.version=1`.
    pub elr: Vec<u16>,
    pub replicas: Vec<u16>,
    pub high_watermark: u64,
    pub last_stable_offset: u64,
    pub offline: bool,
    pub replica_states: Vec<ReplicaReport>,
    /// The producer state the leader holds.
    pub producers: Vec<ProducerStateReport>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ExpectationReport {
    pub line: u32,
    pub text: String,
    pub held: bool,
    /// Each clause with the actual value found.
    pub clauses: Vec<ClauseReport>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ClauseReport {
    pub name: String,
    pub op: String,
    /// In `unit`'s scale: plain (""), microseconds ("us") or thousandths ("milli").
    pub expected: i64,
    pub actual: i64,
    pub held: bool,
    #[cfg_attr(test, ts(type = "\"\" | \"us\" | \"milli\""))]
    pub unit: &'static str,
}

impl ClauseReport {
    /// A value of this clause as written: `20ms`, `4.5`, `12`.
    pub fn show(&self, v: i64) -> String {
        match self.unit {
            "us" => crate::sim::fmt_us(v.max(0) as u64),
            "milli" => {
                let s = format!("{}.{:03}", v / 1000, (v % 1000).abs());
                s.trim_end_matches('0').trim_end_matches('.').to_string()
            }
            _ => v.to_string(),
        }
    }
}

/// The speed figures, as `kafka-producer-perf-test` prints them: all producers together
/// and each one.
#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Perf {
    pub total: perf::Figures,
    pub by_producer: VecMap<String, perf::Figures>,
}

/// A plain-language account of one anomaly, for a set of records.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Explanation {
    /// `lost`, `duplicated`, `reordered`, `phantom`, `aborted`, `failed`, `pending`.
    #[cfg_attr(
        test,
        ts(
            type = "\"lost\" | \"duplicated\" | \"reordered\" | \"phantom\" | \"aborted\" | \"deleted\" | \"compacted\" | \"failed\" | \"pending\" | \"deduplicated\" | \"reprocessed\" | \"skipped\" | \"pipeline_lost\" | \"pipeline_duplicated\""
        )
    )]
    pub kind: String,
    pub records: Vec<u32>,
    pub text: String,
}

/// JavaScript's largest exact integer (`Number.MAX_SAFE_INTEGER`, 2^53 - 1).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// A seed as JSON: a number up to 2^53 - 1, above that a string of its digits, so it
/// stays exact in JavaScript (the page, its file names) and in any JSON reader that
/// reads numbers as doubles. The same text natively and in wasm.
fn seed_json<S: serde::Serializer>(seed: &u64, s: S) -> Result<S::Ok, S::Error> {
    if *seed <= MAX_SAFE_INTEGER {
        s.serialize_u64(*seed)
    } else {
        s.collect_str(seed)
    }
}

/// A run's report. It serializes with its run's names (node ids and partitions print as
/// `broker-2`, `orders-0`): see the `Serialize` impl below.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(remote = "Self")]
pub struct Report {
    /// The run's names (no key of its own).
    #[serde(skip)]
    pub names: std::rc::Rc<crate::sim::NameTable>,
    pub kplay_version: String,
    /// A number, or a string above 2^53 - 1 (see [`MAX_SAFE_INTEGER`]).
    #[serde(serialize_with = "seed_json")]
    #[cfg_attr(test, ts(type = "number | string"))]
    pub seed: u64,
    pub kafka_version: String,
    /// Virtual time when the run ended.
    pub end_time_us: u64,
    /// `idle`, `time` (run until T), `cap` (an idle run reached the 24 h virtual-time
    /// budget) or `budget` (the run used up another budget: see `notes`).
    #[cfg_attr(test, ts(type = "\"idle\" | \"time\" | \"cap\" | \"budget\""))]
    pub ended_by: String,
    /// How the run ended, when there is something to say: the budget that stopped it
    /// (with its numbers), and timeline lines that never ran because the run ended first.
    pub notes: Vec<String>,
    /// FNV-1a over every trace event: equal runs have equal hashes.
    pub trace_hash: String,
    pub trace_events: u64,
    pub kernel_events: u64,
    /// The isolation level the final log is read with for `delivered`/`lost`.
    #[cfg_attr(test, ts(type = "\"read_committed\" | \"read_uncommitted\""))]
    pub final_view: String,
    pub summary: Summary,
    /// What the effective configuration promises (`none` ... `exactly-once-transactional`,
    /// with reasons) and what this run observed against it.
    pub guarantee: Guarantee,
    /// Throughput and latency, per producer and in total (`kafka-producer-perf-test`'s figures).
    pub perf: Perf,
    /// Records in the leader's log that no consumer may read yet at the end (above the
    /// HW, or behind a transaction still open): neither delivered nor lost.
    pub records_undecided: u64,
    /// Final send errors by the exception class the callback got.
    pub errors: VecMap<String, u64>,
    /// The broker error behind each failed record (the last one its batch saw).
    pub error_causes: VecMap<String, u64>,
    /// Error codes brokers answered produce requests with.
    pub responses: VecMap<String, u64>,
    pub consumers: VecMap<String, ConsumerReport>,
    /// Consumer groups: protocol, generation, assignment, rebalances, offsets and lag.
    pub groups: VecMap<String, crate::checker::groups::GroupReport>,
    /// Pipelines: inputs, outputs, commits, and the pipeline verdicts.
    pub pipelines: VecMap<String, crate::checker::pipelines::PipelineReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub records: Option<Vec<RecordReport>>,
    pub partitions: Vec<PartitionReport>,
    pub expectations: Vec<ExpectationReport>,
    /// Per producer, Java metric name → value.
    pub metrics: VecMap<String, VecMap<String, f64>>,
    pub explanations: Vec<Explanation>,
    pub config: EffectiveConfig,
    /// Node names by id (0 controller, then brokers, then producers).
    pub nodes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional, type = "Array<TraceEntry>"))]
    pub trace: Option<Vec<Entry>>,
}

crate::serialize_with_names!(Report);

impl Report {
    pub fn all_expectations_held(&self) -> bool {
        self.expectations.iter().all(|e| e.held)
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

/// The segments of `log`, oldest first.
pub fn segments(log: &crate::broker::log::Log) -> Vec<SegmentReport> {
    let n = log.segments.len();
    (0..n)
        .map(|i| {
            let s = &log.segments[i];
            let end_pos = log.segments.get(i + 1).map_or(log.end_pos, |x| x.start_pos);
            let clamp = |p: u64| p.clamp(s.start_pos, end_pos) - s.start_pos;
            let size = end_pos - s.start_pos;
            let flushed_bytes = clamp(log.durable_pos);
            let lo = log.entries.partition_point(|e| e.pos < s.start_pos);
            let hi = log.entries.partition_point(|e| e.pos < end_pos);
            let entries = &log.entries[lo..hi];
            SegmentReport {
                base_offset: s.base_offset,
                end_offset: log.segment_end_offset(i),
                size,
                flushed: flushed_bytes == size,
                flushed_bytes,
                cached_bytes: size - clamp(log.cache_pos),
                batches: entries.len() as u32,
                records: entries.iter().map(|e| e.batch.data.records.len() as u32).sum(),
                offset_index_entries: s.offset_index.len() as u32,
                time_index_entries: s.time_index.len() as u32,
                largest_timestamp: s.max_timestamp_ms,
                active: i + 1 == n,
            }
        })
        .collect()
}
#[cfg(test)]
mod ts;
