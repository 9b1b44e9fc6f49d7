//! Envelopes and message bodies.
//!
//! An [`Envelope`] carries the sender's process incarnation and, on a connection, the
//! incarnation of the receiver it was opened to: a message to a process that has since
//! restarted is answered with a TCP reset instead of being handled, and a response to a
//! producer process that has since restarted is dropped, as a new process would never
//! see it.

use std::rc::Rc;

use serde::Serialize;

use super::{ClusterImage, Error};
use crate::protocol::Tp;
use crate::sim::NodeId;

/// Correlation id of a request, unique per sending node.
pub type Corr = u32;

#[derive(Clone, Debug)]
pub struct Envelope {
    pub from: NodeId,
    pub to: NodeId,
    /// The sender's incarnation when it sent this.
    pub from_inc: u32,
    /// The receiver incarnation this message is meant for (None: whoever runs there).
    pub to_inc: Option<u32>,
    pub msg: Msg,
}

/// Transaction control record type (`ControlRecordType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Marker {
    Abort,
    Commit,
}

/// One record batch as it is on the wire and in every log that holds it.
#[derive(Clone, Debug)]
pub struct BatchData {
    /// kplay's id for the producer batch (for tracing); 0 for control batches.
    pub batch_id: u32,
    /// -1 when the producer is not idempotent.
    pub producer_id: i64,
    pub producer_epoch: i16,
    /// -1 when not idempotent.
    pub base_sequence: i32,
    pub transactional: bool,
    /// Set for a transaction marker (one control record).
    pub control: Option<Marker>,
    /// Record ids, in batch order (empty for control batches).
    pub records: Rc<[u32]>,
    /// Bytes on the wire: 61-byte header plus (compressed) records.
    pub size_bytes: u32,
    /// Uncompressed size of the records (for metrics).
    pub uncompressed_bytes: u32,
    /// Codec and timestamps of the batch header.
    pub meta: BatchMeta,
    /// Set when the log cleaner rewrote the batch (None for a batch as produced).
    pub cleaned: Option<Rc<Cleaned>>,
}

/// What the log cleaner left of a batch (`MemoryRecords.filterTo`): the retained records
/// keep their offsets, and the batch keeps its base offset and `lastOffsetDelta`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cleaned {
    /// `lastOffsetDelta + 1`: the offsets the batch spans, as produced.
    pub span: u32,
    /// The offset delta of each retained record, in `records` order.
    pub deltas: Box<[u32]>,
    /// `deleteHorizonMs` (KIP-534): set when the cleaner first kept a tombstone or an
    /// abort marker of this batch; after it, the cleaner removes them.
    pub delete_horizon_ms: Option<i64>,
}

/// The batch header's codec (attributes bits 0-2) and timestamps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BatchMeta {
    pub codec: crate::config::CompressionType,
    /// `baseTimestamp`: the first record's timestamp (ms since 1970).
    pub base_timestamp_ms: i64,
    /// The smallest and largest record timestamps (CreateTime), for timestamp checks.
    pub min_timestamp_ms: i64,
    /// `maxTimestamp`: the largest CreateTime, or the broker's LogAppendTime.
    pub max_timestamp_ms: i64,
    /// The timestamp type bit: the leader stamped `maxTimestamp` (LogAppendTime).
    pub log_append_time: bool,
    /// The codec level the records were compressed with (`compression.gzip.level` and
    /// the like; -1 for the codec's default): the dump re-encodes the same bytes.
    pub level: i32,
}

impl BatchData {
    /// Offsets the batch occupies: its records, or one for a control record.
    pub fn offset_count(&self) -> u64 {
        if self.control.is_some() {
            1
        } else if let Some(c) = &self.cleaned {
            u64::from(c.span)
        } else {
            self.records.len() as u64
        }
    }
    /// The offset delta of the `i`-th record.
    pub fn offset_delta(&self, i: usize) -> u64 {
        match &self.cleaned {
            Some(c) => c.deltas.get(i).map_or(i as u64, |&d| u64::from(d)),
            None => i as u64,
        }
    }
    /// Each record with its offset, for a batch at `base`.
    pub fn record_offsets(&self, base: u64) -> impl Iterator<Item = (u32, u64)> + '_ {
        self.records.iter().enumerate().map(move |(i, &r)| (r, base + self.offset_delta(i)))
    }
    pub fn last_sequence(&self) -> i32 {
        if self.base_sequence < 0 {
            return -1;
        }
        let n = self.offset_count() as i64 - 1;
        ((self.base_sequence as i64 + n) % (i32::MAX as i64 + 1)) as i32
    }
    pub fn is_idempotent(&self) -> bool {
        self.producer_id >= 0
    }
}

#[derive(Clone, Debug)]
pub struct ProduceRequest {
    pub corr: Corr,
    /// 0, 1 or -1.
    pub acks: i16,
    pub timeout_us: u64,
    pub transactional_id: Option<Rc<str>>,
    /// At most one batch per partition.
    pub batches: Vec<(Tp, Rc<BatchData>)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PartitionProduceResult {
    pub tp: Tp,
    pub error: Error,
    /// -1 when not appended (or acks=0).
    pub base_offset: i64,
    /// For NOT_LEADER_OR_FOLLOWER: the leader the broker knows of (KIP-951 hint).
    pub current_leader: Option<(u16, u32)>,
}

#[derive(Clone, Debug)]
pub struct ProduceResponse {
    pub corr: Corr,
    pub results: Vec<PartitionProduceResult>,
}

#[derive(Clone, Debug)]
pub struct FetchPartition {
    pub tp: Tp,
    pub fetch_offset: u64,
    /// Epoch of the last batch the follower holds (KIP-320/595 truncation on fetch).
    pub last_fetched_epoch: Option<u32>,
    pub current_leader_epoch: u32,
}

#[derive(Clone, Debug)]
pub struct FetchRequest {
    pub corr: Corr,
    /// The follower's broker id; 0 for a consumer (Kafka's replica id -1).
    pub replica: u16,
    /// A consumer's `isolation.level` (None: a follower, which reads up to the LEO).
    pub isolation: Option<crate::config::IsolationLevel>,
    pub partitions: Vec<FetchPartition>,
    pub max_wait_us: u64,
    pub min_bytes: u32,
    /// The whole response's limit (`fetch.max.bytes`, `replica.fetch.response.max.bytes`).
    pub max_bytes: u32,
    /// Each partition's limit (`max.partition.fetch.bytes`, `replica.fetch.max.bytes`).
    pub partition_max_bytes: u32,
}

/// A batch as a log holds it: its offsets and the leader epoch stamped at append.
#[derive(Clone, Debug)]
pub struct LogBatch {
    pub base_offset: u64,
    pub leader_epoch: u32,
    pub data: Rc<BatchData>,
}

impl LogBatch {
    pub fn last_offset(&self) -> u64 {
        self.base_offset + self.data.offset_count() - 1
    }
    pub fn next_offset(&self) -> u64 {
        self.base_offset + self.data.offset_count()
    }
}

#[derive(Clone, Debug)]
pub struct FetchPartitionResponse {
    pub tp: Tp,
    pub error: Error,
    pub high_watermark: u64,
    /// Set when the follower's log diverged: truncate to at most this (epoch, end offset).
    pub diverging_epoch: Option<(u32, u64)>,
    /// The leader's log start offset (followers move theirs up to it).
    pub log_start_offset: u64,
    /// The leader's log end offset: what a follower's ListOffsets(LATEST) would get after
    /// OFFSET_OUT_OF_RANGE (answered with the fetch instead of another round trip).
    pub log_end_offset: u64,
    /// The leader's last stable offset (what ListOffsets(LATEST) answers a read_committed
    /// consumer after OFFSET_OUT_OF_RANGE).
    pub last_stable_offset: u64,
    pub batches: Vec<LogBatch>,
    /// For a read_committed consumer: base offsets of the returned batches that belong to
    /// aborted transactions (what Kafka's `abortedTransactions` lets the client drop).
    pub aborted: Vec<u64>,
}

/// TxnOffsetCommit: a transactional producer commits a consumer group's offsets.
#[derive(Clone, Debug)]
pub struct TxnOffsetCommitRequest {
    pub corr: Corr,
    pub transactional_id: Rc<str>,
    pub group: Rc<str>,
    pub producer_id: i64,
    pub producer_epoch: i16,
    /// `consumer.groupMetadata()`: member id, generation (or member epoch), instance id.
    pub member_id: Rc<str>,
    pub generation: i32,
    pub instance_id: Option<Rc<str>>,
    pub offsets: Vec<(Tp, u64)>,
}

/// JoinGroup (classic protocol).
#[derive(Clone, Debug)]
pub struct JoinGroupRequest {
    pub corr: Corr,
    pub group: Rc<str>,
    /// "" on the first join (the coordinator answers MEMBER_ID_REQUIRED with one).
    pub member_id: Rc<str>,
    pub instance_id: Option<Rc<str>>,
    pub session_timeout_us: u64,
    pub rebalance_timeout_us: u64,
    /// The member's assignors, in preference order (the protocols it offers).
    pub protocols: Vec<crate::config::AssignorKind>,
    /// The subscription metadata: topics, owned partitions and their generation.
    pub topics: Vec<u16>,
    pub owned: Vec<Tp>,
    pub owned_generation: i32,
    pub reason: Rc<str>,
}

/// A member as the leader's JoinGroup response lists it.
#[derive(Clone, Debug)]
pub struct JoinedMember {
    pub member_id: Rc<str>,
    pub instance_id: Option<Rc<str>>,
    pub topics: Vec<u16>,
    pub owned: Vec<Tp>,
    pub owned_generation: i32,
}

#[derive(Clone, Debug)]
pub struct JoinGroupResponse {
    pub corr: Corr,
    pub error: Error,
    pub generation: i32,
    pub protocol: Option<crate::config::AssignorKind>,
    pub leader: Rc<str>,
    pub member_id: Rc<str>,
    /// Every member's metadata, for the leader only.
    pub members: Vec<JoinedMember>,
}

/// ConsumerGroupHeartbeat (KIP-848).
#[derive(Clone, Debug)]
pub struct ConsumerGroupHeartbeatRequest {
    pub corr: Corr,
    pub group: Rc<str>,
    pub member_id: Rc<str>,
    pub member_epoch: i32,
    pub instance_id: Option<Rc<str>>,
    pub rebalance_timeout_us: u64,
    /// Subscribed topics (None: unchanged since the last heartbeat).
    pub topics: Option<Vec<u16>>,
    pub server_assignor: Option<Rc<str>>,
    /// The partitions the member owns now (None: unchanged).
    pub owned: Option<Vec<Tp>>,
}

#[derive(Clone, Debug)]
pub struct ConsumerGroupHeartbeatResponse {
    pub corr: Corr,
    pub error: Error,
    pub member_id: Rc<str>,
    pub member_epoch: i32,
    pub heartbeat_interval_us: u64,
    /// The partitions the member should own now (None: unchanged).
    pub assignment: Option<Vec<Tp>>,
}

#[derive(Clone, Debug)]
pub struct FetchResponse {
    pub corr: Corr,
    pub partitions: Vec<FetchPartitionResponse>,
}

/// One marker the coordinator asks a partition leader to write (WriteTxnMarkers).
#[derive(Clone, Debug)]
pub struct MarkerRequest {
    pub tp: Tp,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub marker: Marker,
    pub coordinator_epoch: u32,
}

#[derive(Clone, Debug)]
pub enum Msg {
    // ---- TCP (modelled, not Kafka requests) ----
    /// Open a connection (SYN).
    Connect {
        corr: Corr,
    },
    /// Connection established (SYN-ACK); carries the server's incarnation in the envelope.
    ConnectOk {
        corr: Corr,
    },
    /// Connection refused or reset (RST): the process is gone or has restarted.
    Reset,

    // ---- client <-> broker ----
    MetadataRequest {
        corr: Corr,
    },
    MetadataResponse {
        corr: Corr,
        image: Rc<ClusterImage>,
    },
    Produce(ProduceRequest),
    ProduceResponse(ProduceResponse),
    InitProducerId {
        corr: Corr,
        transactional_id: Option<Rc<str>>,
        transaction_timeout_us: u64,
        /// KIP-360: the current id/epoch when asking for a bump.
        current: Option<(i64, i16)>,
    },
    InitProducerIdResponse {
        corr: Corr,
        error: Error,
        producer_id: i64,
        producer_epoch: i16,
    },
    FindCoordinator {
        corr: Corr,
        key: Rc<str>,
        /// `key_type` GROUP (else TRANSACTION).
        group: bool,
    },
    FindCoordinatorResponse {
        corr: Corr,
        error: Error,
        coordinator: Option<u16>,
    },
    AddPartitionsToTxn {
        corr: Corr,
        transactional_id: Rc<str>,
        producer_id: i64,
        producer_epoch: i16,
        partitions: Vec<Tp>,
    },
    AddPartitionsToTxnResponse {
        corr: Corr,
        error: Error,
    },
    EndTxn {
        corr: Corr,
        transactional_id: Rc<str>,
        producer_id: i64,
        producer_epoch: i16,
        commit: bool,
    },
    EndTxnResponse {
        corr: Corr,
        error: Error,
        /// EndTxn v5+ (transaction version 2): the producer id and the epoch the
        /// coordinator bumped to for the next transaction; -1 under TV0/TV1.
        producer_id: i64,
        producer_epoch: i16,
    },

    /// `sendOffsetsToTransaction`, first step: the transaction coordinator adds the
    /// group's `__consumer_offsets` partition to the transaction.
    AddOffsetsToTxn {
        corr: Corr,
        transactional_id: Rc<str>,
        producer_id: i64,
        producer_epoch: i16,
        group: Rc<str>,
    },
    AddOffsetsToTxnResponse {
        corr: Corr,
        error: Error,
    },
    /// Second step, to the group coordinator: offsets pending until the transaction's
    /// marker reaches `__consumer_offsets` (KIP-447 carries the consumer's group
    /// metadata, which fences a zombie of an older generation).
    TxnOffsetCommit(Box<TxnOffsetCommitRequest>),
    TxnOffsetCommitResponse {
        corr: Corr,
        error: Error,
    },

    // ---- consumer <-> group coordinator (crate::broker::group) ----
    JoinGroup(Box<JoinGroupRequest>),
    JoinGroupResponse(Box<JoinGroupResponse>),
    SyncGroup {
        corr: Corr,
        group: Rc<str>,
        member_id: Rc<str>,
        generation: i32,
        /// The leader's assignment (member id → partitions); empty from followers.
        assignments: Vec<(Rc<str>, Vec<Tp>)>,
    },
    SyncGroupResponse {
        corr: Corr,
        error: Error,
        assignment: Vec<Tp>,
    },
    Heartbeat {
        corr: Corr,
        group: Rc<str>,
        member_id: Rc<str>,
        instance_id: Option<Rc<str>>,
        generation: i32,
    },
    HeartbeatResponse {
        corr: Corr,
        error: Error,
    },
    LeaveGroup {
        corr: Corr,
        group: Rc<str>,
        member_id: Rc<str>,
        reason: &'static str,
    },
    LeaveGroupResponse {
        corr: Corr,
        error: Error,
    },
    /// KIP-848 (`group.protocol=consumer`): the member's whole conversation with its
    /// coordinator. `epoch` 0 joins, -1 leaves (-2 a static member leaving for a while).
    ConsumerGroupHeartbeat(Box<ConsumerGroupHeartbeatRequest>),
    ConsumerGroupHeartbeatResponse(Box<ConsumerGroupHeartbeatResponse>),
    OffsetCommit {
        corr: Corr,
        group: Rc<str>,
        member_id: Rc<str>,
        /// The generation (classic) or member epoch (KIP-848); -1 outside a group.
        generation: i32,
        offsets: Vec<(Tp, u64)>,
    },
    OffsetCommitResponse {
        corr: Corr,
        error: Error,
    },
    OffsetFetch {
        corr: Corr,
        group: Rc<str>,
        partitions: Vec<Tp>,
        /// KIP-447 `require_stable` (a read_committed consumer): a partition with
        /// transactional offsets not yet committed or aborted answers
        /// UNSTABLE_OFFSET_COMMIT.
        require_stable: bool,
    },
    OffsetFetchResponse {
        corr: Corr,
        error: Error,
        /// Committed offsets (None: nothing committed for that partition).
        offsets: Vec<(Tp, Option<u64>)>,
    },
    /// ListOffsets for a consumer's `auto.offset.reset`: the earliest offset, or the latest
    /// one its isolation level may read (HW, or LSO for read_committed).
    ListOffsets {
        corr: Corr,
        tp: Tp,
        earliest: bool,
        read_committed: bool,
    },
    ListOffsetsResponse {
        corr: Corr,
        tp: Tp,
        error: Error,
        offset: u64,
    },

    // ---- broker <-> broker ----
    Fetch(FetchRequest),
    FetchResponse(FetchResponse),
    WriteTxnMarkers {
        corr: Corr,
        markers: Vec<MarkerRequest>,
    },
    WriteTxnMarkersResponse {
        corr: Corr,
        results: Vec<(Tp, Error)>,
    },

    // ---- broker <-> controller ----
    BrokerHeartbeat {
        broker: u16,
        incarnation: u32,
        metadata_version: u64,
        /// `wantShutDown`: the broker is in controlled shutdown.
        want_shutdown: bool,
        /// A new incarnation after a clean shutdown (its `previousBrokerEpoch` matches).
        clean_restart: bool,
    },
    BrokerHeartbeatResponse {
        fenced: bool,
        image: Option<Rc<ClusterImage>>,
        /// A new incarnation's registration was refused (`DUPLICATE_BROKER_REGISTRATION`).
        error: Error,
        /// `shouldShutDown`: the controlled shutdown is approved (the broker leads nothing).
        should_shutdown: bool,
    },
    AlterPartition {
        corr: Corr,
        tp: Tp,
        leader: u16,
        leader_epoch: u32,
        partition_epoch: u32,
        new_isr: Vec<u16>,
    },
    AlterPartitionResponse {
        corr: Corr,
        tp: Tp,
        error: Error,
    },
    /// The controller publishes a new image (brokers learn it with the link's latency).
    MetadataPush {
        image: Rc<ClusterImage>,
    },
}

impl Msg {
    /// Kafka's API name, as the trace and the timeline show it.
    pub fn api(&self) -> &'static str {
        match self {
            Msg::Connect { .. } => "Connect",
            Msg::ConnectOk { .. } => "ConnectOk",
            Msg::Reset => "Reset",
            Msg::MetadataRequest { .. } | Msg::MetadataResponse { .. } => "Metadata",
            Msg::Produce(_) | Msg::ProduceResponse(_) => "Produce",
            Msg::InitProducerId { .. } | Msg::InitProducerIdResponse { .. } => "InitProducerId",
            Msg::FindCoordinator { .. } | Msg::FindCoordinatorResponse { .. } => "FindCoordinator",
            Msg::AddPartitionsToTxn { .. } | Msg::AddPartitionsToTxnResponse { .. } => "AddPartitionsToTxn",
            Msg::EndTxn { .. } | Msg::EndTxnResponse { .. } => "EndTxn",
            Msg::AddOffsetsToTxn { .. } | Msg::AddOffsetsToTxnResponse { .. } => "AddOffsetsToTxn",
            Msg::TxnOffsetCommit(_) | Msg::TxnOffsetCommitResponse { .. } => "TxnOffsetCommit",
            Msg::Fetch(_) | Msg::FetchResponse(_) => "Fetch",
            Msg::JoinGroup(_) | Msg::JoinGroupResponse(_) => "JoinGroup",
            Msg::SyncGroup { .. } | Msg::SyncGroupResponse { .. } => "SyncGroup",
            Msg::Heartbeat { .. } | Msg::HeartbeatResponse { .. } => "Heartbeat",
            Msg::LeaveGroup { .. } | Msg::LeaveGroupResponse { .. } => "LeaveGroup",
            Msg::ConsumerGroupHeartbeat(_) | Msg::ConsumerGroupHeartbeatResponse(_) => "ConsumerGroupHeartbeat",
            Msg::OffsetCommit { .. } | Msg::OffsetCommitResponse { .. } => "OffsetCommit",
            Msg::OffsetFetch { .. } | Msg::OffsetFetchResponse { .. } => "OffsetFetch",
            Msg::ListOffsets { .. } | Msg::ListOffsetsResponse { .. } => "ListOffsets",
            Msg::WriteTxnMarkers { .. } | Msg::WriteTxnMarkersResponse { .. } => "WriteTxnMarkers",
            Msg::BrokerHeartbeat { .. } | Msg::BrokerHeartbeatResponse { .. } => "BrokerHeartbeat",
            Msg::AlterPartition { .. } | Msg::AlterPartitionResponse { .. } => "AlterPartition",
            Msg::MetadataPush { .. } => "MetadataPush",
        }
    }

    pub fn is_response(&self) -> bool {
        matches!(
            self,
            Msg::ConnectOk { .. }
                | Msg::MetadataResponse { .. }
                | Msg::ProduceResponse(_)
                | Msg::InitProducerIdResponse { .. }
                | Msg::FindCoordinatorResponse { .. }
                | Msg::AddPartitionsToTxnResponse { .. }
                | Msg::EndTxnResponse { .. }
                | Msg::AddOffsetsToTxnResponse { .. }
                | Msg::TxnOffsetCommitResponse { .. }
                | Msg::FetchResponse(_)
                | Msg::JoinGroupResponse(_)
                | Msg::SyncGroupResponse { .. }
                | Msg::HeartbeatResponse { .. }
                | Msg::LeaveGroupResponse { .. }
                | Msg::ConsumerGroupHeartbeatResponse(_)
                | Msg::OffsetCommitResponse { .. }
                | Msg::OffsetFetchResponse { .. }
                | Msg::ListOffsetsResponse { .. }
                | Msg::WriteTxnMarkersResponse { .. }
                | Msg::BrokerHeartbeatResponse { .. }
                | Msg::AlterPartitionResponse { .. }
        )
    }

    /// Bytes on the wire (the request or response as Kafka frames it, approximately:
    /// a fixed header, per-partition framing, and the record batches themselves), which
    /// the NICs' bandwidth turns into time (`sim::net`).
    pub fn wire_bytes(&self) -> u64 {
        const HEADER: u64 = 40;
        const PARTITION: u64 = 30;
        let batches = |n: usize, bytes: u64| HEADER + n as u64 * PARTITION + bytes;
        match self {
            Msg::Produce(r) => {
                batches(r.batches.len(), r.batches.iter().map(|(_, b)| u64::from(b.size_bytes)).sum::<u64>())
            }
            Msg::ProduceResponse(r) => batches(r.results.len(), 0),
            Msg::Fetch(r) => batches(r.partitions.len(), 0),
            Msg::FetchResponse(r) => r
                .partitions
                .iter()
                .map(|p| PARTITION + p.batches.iter().map(|b| u64::from(b.data.size_bytes)).sum::<u64>())
                .sum::<u64>()
                .saturating_add(HEADER),
            Msg::WriteTxnMarkers { markers, .. } => batches(markers.len(), 0),
            Msg::MetadataResponse { image, .. } | Msg::MetadataPush { image } => {
                let partitions: usize = image.topics.iter().map(Vec::len).sum();
                HEADER + image.brokers.len() as u64 * PARTITION + partitions as u64 * PARTITION
            }
            // A SYN, a reset: a bare TCP segment.
            Msg::Connect { .. } | Msg::ConnectOk { .. } | Msg::Reset => 0,
            _ => HEADER * 2,
        }
    }

    /// The correlation id, when the message has one.
    pub fn corr(&self) -> Option<Corr> {
        Some(match self {
            Msg::Connect { corr } | Msg::ConnectOk { corr } => *corr,
            Msg::MetadataRequest { corr } | Msg::MetadataResponse { corr, .. } => *corr,
            Msg::Produce(r) => r.corr,
            Msg::ProduceResponse(r) => r.corr,
            Msg::InitProducerId { corr, .. } | Msg::InitProducerIdResponse { corr, .. } => *corr,
            Msg::FindCoordinator { corr, .. } | Msg::FindCoordinatorResponse { corr, .. } => *corr,
            Msg::AddPartitionsToTxn { corr, .. } | Msg::AddPartitionsToTxnResponse { corr, .. } => *corr,
            Msg::EndTxn { corr, .. } | Msg::EndTxnResponse { corr, .. } => *corr,
            Msg::AddOffsetsToTxn { corr, .. } | Msg::AddOffsetsToTxnResponse { corr, .. } => *corr,
            Msg::TxnOffsetCommit(r) => r.corr,
            Msg::TxnOffsetCommitResponse { corr, .. } => *corr,
            Msg::Fetch(r) => r.corr,
            Msg::FetchResponse(r) => r.corr,
            Msg::JoinGroup(r) => r.corr,
            Msg::JoinGroupResponse(r) => r.corr,
            Msg::ConsumerGroupHeartbeat(r) => r.corr,
            Msg::ConsumerGroupHeartbeatResponse(r) => r.corr,
            Msg::SyncGroup { corr, .. } | Msg::SyncGroupResponse { corr, .. } => *corr,
            Msg::Heartbeat { corr, .. } | Msg::HeartbeatResponse { corr, .. } => *corr,
            Msg::LeaveGroup { corr, .. } | Msg::LeaveGroupResponse { corr, .. } => *corr,
            Msg::OffsetCommit { corr, .. } | Msg::OffsetCommitResponse { corr, .. } => *corr,
            Msg::OffsetFetch { corr, .. } | Msg::OffsetFetchResponse { corr, .. } => *corr,
            Msg::ListOffsets { corr, .. } | Msg::ListOffsetsResponse { corr, .. } => *corr,
            Msg::WriteTxnMarkers { corr, .. } | Msg::WriteTxnMarkersResponse { corr, .. } => *corr,
            Msg::AlterPartition { corr, .. } | Msg::AlterPartitionResponse { corr, .. } => *corr,
            Msg::Reset
            | Msg::BrokerHeartbeat { .. }
            | Msg::BrokerHeartbeatResponse { .. }
            | Msg::MetadataPush { .. } => return None,
        })
    }
}
