//! The state of a run at one moment, for the playground's cluster and producer views.
//!
//! A run is deterministic, so "the state at time T" is the same run replayed up to T
//! ([`crate::Session::run_until`]). This module only reads the world and shapes it.

use serde::Serialize;

use crate::broker::replica::Role;
use crate::producer::network::ConnState;
use crate::protocol::Tp;
use crate::sim::Micros;
use crate::world::World;

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BatchCell {
    pub base_offset: u64,
    pub last_offset: u64,
    pub leader_epoch: u32,
    /// The producer batch that carried it (0 for a transaction marker).
    pub batch: u32,
    pub producer_id: i64,
    pub base_sequence: i32,
    pub records: Vec<u32>,
    pub bytes: u32,
    pub transactional: bool,
    /// `COMMIT` / `ABORT` for a control batch.
    #[cfg_attr(test, ts(type = "\"COMMIT\" | \"ABORT\" | null"))]
    pub marker: Option<String>,
    /// Inside a transaction that was aborted.
    pub aborted: bool,
    pub producer_epoch: i16,
    /// Byte position in the partition's log (`position` in kafka-dump-log).
    pub position: u64,
    /// `maxTimestamp` (ms since 1970).
    pub max_timestamp: i64,
    /// Rewritten by the log cleaner (records removed, offsets kept).
    pub cleaned: bool,
}

/// A segment as the log view shows it: the report's figures and the index files.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SegmentView {
    #[serde(flatten)]
    pub file: crate::report::SegmentReport,
    /// `.index`: (offset, position in the segment).
    pub offset_index: Vec<(u64, u32)>,
    /// `.timeindex`: (timestamp, offset).
    pub time_index: Vec<(i64, u64)>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ReplicaView {
    pub broker: u16,
    pub role: String,
    pub up: bool,
    pub leader_epoch: u32,
    pub log_end_offset: u64,
    pub high_watermark: u64,
    pub last_stable_offset: u64,
    /// Offset below which the data is on disk (fsync or writeback); above it, page cache.
    pub flushed_offset: u64,
    pub recovery_point: u64,
    pub in_isr: bool,
    /// `logStartOffset`: retention deleted what lies below it.
    pub log_start_offset: u64,
    /// The segment files, oldest first, with their flushed and page-cache bytes and
    /// their index entries.
    pub segments: Vec<SegmentView>,
    pub batches: Vec<BatchCell>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PartitionView {
    pub tp: Tp,
    pub leader: Option<u16>,
    pub leader_epoch: u32,
    pub isr: Vec<u16>,
    pub replicas: Vec<ReplicaView>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct QueuedBatch {
    pub batch: u32,
    pub tp: Tp,
    pub records: u32,
    pub bytes: u32,
    /// batch.size (or more for one oversized record).
    pub capacity: u32,
    pub age_us: Micros,
    pub attempts: u32,
    pub base_sequence: i32,
    /// `open`, `full`, `retry` (backing off) or `in_flight`.
    #[cfg_attr(test, ts(type = "\"open\" | \"full\" | \"retry\" | \"in_flight\""))]
    pub state: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ConnView {
    pub broker: u16,
    #[cfg_attr(test, ts(type = "\"disconnected\" | \"connecting\" | \"ready\""))]
    pub state: String,
    pub in_flight: Vec<u32>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ProducerView {
    pub name: String,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub linger_us: Micros,
    pub buffer_used_bytes: u64,
    pub buffer_total_bytes: u64,
    /// Waiting for memory or metadata inside `send()`.
    pub blocked: Option<String>,
    pub batches: Vec<QueuedBatch>,
    pub connections: Vec<ConnView>,
    /// (partition, next sequence, last acknowledged sequence, batches in flight).
    pub sequences: Vec<(Tp, i32, i32, usize)>,
    pub transaction: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct BrokerView {
    pub id: u16,
    pub up: bool,
    pub powered: bool,
    pub fenced: bool,
    /// The process is stalled (`pause broker-N for D`).
    pub paused: bool,
}

/// The cluster and the producers at one moment. Serializes with its run's names.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(remote = "Self")]
pub struct Snapshot {
    #[serde(skip)]
    pub names: std::rc::Rc<crate::sim::NameTable>,
    pub at_us: Micros,
    pub brokers: Vec<BrokerView>,
    pub partitions: Vec<PartitionView>,
    pub producers: Vec<ProducerView>,
}

crate::serialize_with_names!(Snapshot);

fn role_name(r: &Role) -> String {
    match r {
        Role::Leader(_) => "leader".into(),
        Role::Follower { leader } => format!("follower of broker-{leader}"),
        Role::None => "none".into(),
    }
}

pub fn take(w: &World) -> Snapshot {
    let view = w.view();
    let partitions = view
        .partitions()
        .map(|(tp, p)| PartitionView {
            tp,
            leader: p.leader,
            leader_epoch: p.leader_epoch,
            isr: p.isr.clone(),
            replicas: view
                .replicas(tp)
                .map(|s| {
                    let r = s.replica;
                    ReplicaView {
                        broker: s.broker,
                        role: role_name(&r.role),
                        up: s.up,
                        leader_epoch: r.leader_epoch,
                        log_end_offset: r.log.leo,
                        high_watermark: r.hw,
                        last_stable_offset: r.last_stable_offset(),
                        flushed_offset: r.log.durable_offset(),
                        recovery_point: r.log.recovery_point,
                        in_isr: s.in_isr,
                        log_start_offset: r.log.log_start_offset,
                        segments: crate::report::segments(&r.log)
                            .into_iter()
                            .zip(&r.log.segments)
                            .map(|(file, seg)| SegmentView {
                                file,
                                offset_index: seg.offset_index.clone(),
                                time_index: seg.time_index.clone(),
                            })
                            .collect(),
                        batches: r
                            .log
                            .entries
                            .iter()
                            .map(|e| {
                                let d = &e.batch.data;
                                BatchCell {
                                    base_offset: e.batch.base_offset,
                                    last_offset: e.batch.last_offset(),
                                    leader_epoch: e.batch.leader_epoch,
                                    batch: d.batch_id,
                                    producer_id: d.producer_id,
                                    base_sequence: d.base_sequence,
                                    records: d.records.to_vec(),
                                    bytes: d.size_bytes,
                                    transactional: d.transactional,
                                    marker: d.control.map(|m| {
                                        match m {
                                            crate::protocol::Marker::Commit => "COMMIT",
                                            crate::protocol::Marker::Abort => "ABORT",
                                        }
                                        .to_string()
                                    }),
                                    aborted: d.transactional
                                        && d.control.is_none()
                                        && r.producers.is_aborted(d.producer_id, e.batch.base_offset),
                                    producer_epoch: d.producer_epoch,
                                    position: e.pos,
                                    max_timestamp: d.meta.max_timestamp_ms,
                                    cleaned: d.cleaned.is_some(),
                                }
                            })
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect();
    let producers = w
        .producers
        .iter()
        .map(|p| {
            let now = w.now;
            let mut batches: Vec<QueuedBatch> = Vec::new();
            for dq in p.acc.deques.values() {
                for b in dq {
                    let ratio = p.acc.ratio(b.tp.topic, &p.cfg);
                    let state = if b.attempts > 0 {
                        "retry"
                    } else if b.is_full(p.cfg.compression, ratio) {
                        "full"
                    } else {
                        "open"
                    };
                    batches.push(QueuedBatch {
                        batch: b.id,
                        tp: b.tp,
                        records: b.record_count(),
                        bytes: b.estimated_bytes(p.cfg.compression, ratio),
                        capacity: b.write_limit,
                        age_us: now.saturating_sub(b.created_us),
                        attempts: b.attempts,
                        base_sequence: b.base_sequence,
                        state: state.into(),
                    });
                }
            }
            for b in p.sent.values().filter(|b| !b.done) {
                batches.push(QueuedBatch {
                    batch: b.id,
                    tp: b.tp,
                    records: b.record_count(),
                    bytes: b.wire.as_ref().map_or(0, |w| w.size_bytes),
                    capacity: b.write_limit,
                    age_us: now.saturating_sub(b.created_us),
                    attempts: b.attempts,
                    base_sequence: b.base_sequence,
                    state: "in_flight".into(),
                });
            }
            let connections = p
                .conns
                .values()
                .map(|c| ConnView {
                    broker: c.broker,
                    state: match c.state {
                        ConnState::Disconnected => "disconnected",
                        ConnState::Connecting { .. } => "connecting",
                        ConnState::Ready => "ready",
                    }
                    .into(),
                    in_flight: c.in_flight.iter().map(|r| r.corr).collect(),
                })
                .collect();
            let (pid, epoch, sequences) = match &p.idem {
                Some(i) => (i.producer_id, i.producer_epoch, i.partition_summary()),
                None => (-1, -1, Vec::new()),
            };
            ProducerView {
                name: p.name.clone(),
                producer_id: pid,
                producer_epoch: epoch,
                linger_us: p.cfg.linger_us,
                buffer_used_bytes: p.acc.pool.used_bytes,
                buffer_total_bytes: p.acc.pool.total_bytes,
                blocked: p.app.blocked.as_ref().map(|b| b.name().to_string()),
                batches,
                connections,
                sequences,
                transaction: p.txn.phase.name().to_string(),
            }
        })
        .collect();
    Snapshot {
        names: w.names.clone(),
        at_us: w.now,
        brokers: w
            .brokers
            .iter()
            .map(|b| BrokerView {
                id: b.id,
                up: b.up,
                powered: b.powered,
                fenced: w.controller.broker_fenced(b.id),
                paused: w.is_paused(b.id),
            })
            .collect(),
        partitions,
        producers,
    }
}
