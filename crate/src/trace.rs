//! The typed trace: every event a person might ask "why?" about, in time order.
//!
//! Events are recorded by the nodes and the kernel as they happen; the checker and the
//! explanations read them, the playground draws them, and the CLI prints them with
//! `--trace`. The kernel's container ([`crate::sim::trace::Trace`]) keeps them and hashes
//! their JSON, so "same scenario + same seed = same run" is one number to compare.

use serde::Serialize;

use crate::protocol::{ClientError, Error, Marker, Tp};
use crate::sim::net::DropCause;
use crate::sim::{Micros, NodeId};

/// Why a batch left the accumulator (what made its partition ready, or why it was drained).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum SealReason {
    /// The batch is full (`batch.size`).
    Full,
    /// Another batch is queued behind it in the same partition.
    BatchWaiting,
    /// `linger.ms` passed since the batch was created.
    Linger,
    /// `flush()` (or a `sync` send) is in progress.
    Flush,
    /// Threads are blocked waiting for `buffer.memory`.
    MemoryExhausted,
    /// A transaction is committing or aborting.
    TxnCompleting,
    /// `close()`: the accumulator is closed, everything in it may go (`closed`).
    Close,
    /// A retried batch whose backoff ended.
    Retry,
    /// Not ready itself, but drained with another ready partition on the same broker.
    NodeReady,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum BlockReason {
    /// `send()` waits for the topic's metadata.
    Metadata,
    /// `send()` waits for `buffer.memory`.
    BufferMemory,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum ExpiredIn {
    Accumulator,
    InFlight,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum CrashKind {
    Process,
    Power,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum ElectionKind {
    /// Chosen from the ISR.
    Clean,
    /// Chosen outside the ISR (`unclean.leader.election.enable=true`).
    Unclean,
    /// Leadership moved back to the preferred replica.
    Preferred,
    /// The ISR was empty and an eligible leader replica (KIP-966) was chosen: clean, it
    /// has everything below the high watermark.
    Elr,
    /// ISR and ELR empty: the last known leader was chosen (KIP-966), as an unclean
    /// election in recovery.
    LastKnownLeader,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum FlushReason {
    /// `flush.messages` / `log.flush.interval.messages` reached.
    Messages,
    /// `flush.ms` / `log.flush.interval.ms` passed.
    Interval,
    /// Segment roll fsyncs the old segment.
    SegmentRoll,
    /// A controlled shutdown flushes every log before the process stops.
    Shutdown,
}

/// `SegmentDeletionReason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum DeletionReason {
    /// `retention.ms`: the segment's largest timestamp is older.
    RetentionMs,
    /// `retention.bytes`: the log is larger.
    RetentionBytes,
    /// Below the log start offset (a follower following its leader's).
    LogStartOffset,
}

/// One event. Node fields are names when serialized; partitions print as `topic-p`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Event {
    // ---- script and faults ----
    /// A timeline statement ran.
    Action {
        line: u32,
        text: String,
    },
    MessageDropped {
        from: NodeId,
        to: NodeId,
        api: &'static str,
        corr: Option<u32>,
        cause: DropCause,
    },
    /// A cut or isolation holds the message back; TCP retransmits it once the link is up.
    MessageHeld {
        from: NodeId,
        to: NodeId,
        api: &'static str,
        corr: Option<u32>,
    },
    /// A `delay` rule holds the message back: it arrives at `arrives_us`, after messages
    /// sent later on the same link.
    MessageDelayed {
        from: NodeId,
        to: NodeId,
        api: &'static str,
        corr: Option<u32>,
        arrives_us: Micros,
    },
    /// A TCP reset (connection refused or closed by a dead/restarted process).
    ConnectionReset {
        from: NodeId,
        to: NodeId,
    },

    // ---- producer app ----
    SendBlocked {
        producer: NodeId,
        record: u32,
        reason: BlockReason,
    },
    SendFailed {
        producer: NodeId,
        record: u32,
        error: ClientErrorName,
        /// Kafka's message, where it says more than the class.
        #[serde(skip_serializing_if = "Option::is_none")]
        #[cfg_attr(test, ts(optional))]
        message: Option<String>,
    },
    FlushStarted {
        producer: NodeId,
    },
    FlushCompleted {
        producer: NodeId,
    },
    AppRestarted {
        producer: NodeId,
        resent: u32,
    },

    // ---- producer client ----
    Connecting {
        from: NodeId,
        to: NodeId,
    },
    Connected {
        from: NodeId,
        to: NodeId,
    },
    Disconnected {
        from: NodeId,
        to: NodeId,
        cancelled_requests: u32,
    },
    MetadataRequested {
        producer: NodeId,
        to: NodeId,
    },
    MetadataUpdated {
        producer: NodeId,
        leaders: Vec<(Tp, Option<u16>, u32)>,
    },
    BatchCreated {
        producer: NodeId,
        batch: u32,
        tp: Tp,
    },
    /// The uniform sticky partitioner moved null-key records of `topic` to a new partition
    /// after `produced_bytes` (batch headers included) went to the old one.
    StickyPartitionSwitched {
        producer: NodeId,
        topic: String,
        from: u32,
        to: u32,
        produced_bytes: u64,
    },
    BatchDrained {
        producer: NodeId,
        batch: u32,
        tp: Tp,
        reason: SealReason,
        records: u32,
        bytes: u32,
        attempt: u32,
        producer_id: i64,
        producer_epoch: i16,
        base_sequence: i32,
    },
    RequestSent {
        from: NodeId,
        to: NodeId,
        api: &'static str,
        corr: u32,
        batches: Vec<u32>,
    },
    ResponseReceived {
        at: NodeId,
        from: NodeId,
        api: &'static str,
        corr: u32,
        errors: Vec<(u32, Error)>,
    },
    /// `request.timeout.ms` passed: the connection is closed and its requests fail.
    RequestTimedOut {
        from: NodeId,
        to: NodeId,
        corr: u32,
    },
    BatchRetried {
        producer: NodeId,
        batch: u32,
        tp: Tp,
        error: Error,
        attempt: u32,
        backoff_us: Micros,
    },
    BatchAcked {
        producer: NodeId,
        batch: u32,
        tp: Tp,
        base_offset: i64,
        records: u32,
    },
    BatchFailed {
        producer: NodeId,
        batch: u32,
        tp: Tp,
        error: ClientErrorName,
        records: u32,
    },
    /// `delivery.timeout.ms` passed for a batch.
    BatchExpired {
        producer: NodeId,
        batch: u32,
        tp: Tp,
        r#in: ExpiredIn,
        records: u32,
    },
    /// A response arrived for a batch that had already been failed (expired in flight).
    LateResponseIgnored {
        producer: NodeId,
        batch: u32,
        tp: Tp,
        error: Error,
        base_offset: i64,
    },
    ProducerIdAssigned {
        producer: NodeId,
        producer_id: i64,
        producer_epoch: i16,
    },
    EpochBumped {
        producer: NodeId,
        producer_id: i64,
        producer_epoch: i16,
        reason: String,
    },
    TxnBegun {
        producer: NodeId,
    },
    PartitionsAddedToTxn {
        producer: NodeId,
        partitions: Vec<Tp>,
    },
    TxnEnding {
        producer: NodeId,
        commit: bool,
    },
    TxnEnded {
        producer: NodeId,
        commit: bool,
        error: Option<Error>,
    },
    /// `producer.close(timeout)` began: the accumulator takes no more records and the
    /// sender sends what it holds (and aborts an open transaction).
    CloseStarted {
        producer: NodeId,
        /// None for `close()` (Long.MAX_VALUE).
        timeout_us: Option<Micros>,
    },
    /// The producer is closed. `forced`: the timeout passed (or was 0) and `failed`
    /// records failed with "Producer is closed forcefully.".
    Closed {
        producer: NodeId,
        forced: bool,
        failed: u32,
    },
    /// A blocking transactional call (`initTransactions`, `commitTransaction`,
    /// `abortTransaction`) threw to the application: `TimeoutException` after
    /// `max.block.ms`, with Kafka's message.
    /// TV2: a partition leader asked the coordinator to add `tp` to the transaction of
    /// `transactional_id` before appending its first batch; `error` is the answer.
    PartitionAddedToTxn {
        broker: NodeId,
        tp: Tp,
        transactional_id: String,
        error: Error,
    },
    TxnCallFailed {
        producer: NodeId,
        call: &'static str,
        error: ClientErrorName,
        message: String,
    },

    // ---- broker ----
    /// The leader appended a batch.
    Appended {
        broker: NodeId,
        tp: Tp,
        batch: u32,
        base_offset: u64,
        last_offset: u64,
        leader_epoch: u32,
        producer_id: i64,
        base_sequence: i32,
    },
    /// The leader refused a batch (nothing written).
    /// The topic's `compression.type` differs from the batch's codec: the leader rebuilt
    /// the batch in the topic's codec before appending it.
    Recompressed {
        broker: NodeId,
        tp: Tp,
        batch: u32,
        from: crate::config::CompressionType,
        to: crate::config::CompressionType,
        bytes_before: u32,
        bytes_after: u32,
    },
    ProduceRejected {
        broker: NodeId,
        tp: Tp,
        batch: u32,
        error: Error,
    },
    /// The leader found the batch in its producer-state cache: nothing written, the
    /// original offsets answered.
    DuplicateBatch {
        broker: NodeId,
        tp: Tp,
        batch: u32,
        producer_id: i64,
        base_sequence: i32,
        base_offset: u64,
    },
    ProduceAnswered {
        broker: NodeId,
        to: NodeId,
        corr: u32,
        results: Vec<(Tp, Error, i64)>,
    },
    /// A follower appended what a fetch brought.
    Replicated {
        broker: NodeId,
        tp: Tp,
        from_offset: u64,
        to_offset: u64,
    },
    HighWatermark {
        broker: NodeId,
        tp: Tp,
        high_watermark: u64,
    },
    IsrShrink {
        broker: NodeId,
        tp: Tp,
        removed: Vec<u16>,
        isr: Vec<u16>,
    },
    IsrExpand {
        broker: NodeId,
        tp: Tp,
        added: Vec<u16>,
        isr: Vec<u16>,
    },
    Truncated {
        broker: NodeId,
        tp: Tp,
        from_offset: u64,
        to_offset: u64,
        records: Vec<u32>,
    },
    Flushed {
        broker: NodeId,
        tp: Tp,
        to_offset: u64,
        reason: FlushReason,
    },
    /// The OS flusher wrote dirty pages; data below `durable_offset` survives power loss.
    Writeback {
        broker: NodeId,
        tp: Tp,
        durable_offset: u64,
    },
    SegmentRolled {
        broker: NodeId,
        tp: Tp,
        base_offset: u64,
        reason: crate::broker::log::RollReason,
    },
    /// The retention task (or the cleaner, for `compact,delete`) deleted whole segments
    /// below the high watermark; the log start offset moved to `log_start_offset`.
    SegmentsDeleted {
        broker: NodeId,
        tp: Tp,
        reason: DeletionReason,
        segments: u32,
        /// Base offset of the first deleted segment.
        from_offset: u64,
        log_start_offset: u64,
        bytes: u64,
        records: u32,
    },
    /// A follower moved its log start offset up to its leader's (`LeaderOffsetIncremented`).
    LogStartOffsetIncremented {
        broker: NodeId,
        tp: Tp,
        log_start_offset: u64,
    },
    /// The log cleaner compacted `[first offset, end_offset)` of a replica's log: records
    /// with a later value for their key, tombstones past `delete.retention.ms` and aborted
    /// transactions' data are gone.
    LogCleaned {
        broker: NodeId,
        tp: Tp,
        first_dirty_offset: u64,
        end_offset: u64,
        /// Dirty bytes / (clean + dirty bytes) when chosen.
        dirty_ratio_pct: u32,
        records_removed: u32,
        tombstones_removed: u32,
        bytes_before: u64,
        bytes_after: u64,
    },
    Crashed {
        broker: NodeId,
        mode: CrashKind,
        lost: Vec<(Tp, u64, u64)>,
    },
    Restarted {
        broker: NodeId,
    },
    /// The broker process stopped (`pause broker-N for D`, a long GC pause) until `until_us`.
    Paused {
        broker: NodeId,
        until_us: Micros,
    },
    /// The paused process carries on; `waiting` messages and timers waited for it.
    Resumed {
        broker: NodeId,
        waiting: u32,
    },
    Recovered {
        broker: NodeId,
        tp: Tp,
        log_end_offset: u64,
        torn_bytes: u32,
    },
    /// `shutdown broker-N` began: the broker asks the controller to move its leaderships.
    ShutdownStarted {
        broker: NodeId,
    },
    /// The controller approved the controlled shutdown; logs are flushed, the clean
    /// shutdown marker is written and the process stops.
    ShutDown {
        broker: NodeId,
        /// The controller never answered within 5 minutes: the broker stopped anyway.
        approved: bool,
    },
    /// A restart found the clean shutdown marker and skipped log recovery
    /// ("Skipping recovery of N logs ... since clean shutdown file was found").
    RecoverySkipped {
        broker: NodeId,
        logs: u32,
    },
    MarkerWritten {
        broker: NodeId,
        tp: Tp,
        marker: Marker,
        offset: u64,
        producer_id: i64,
    },
    BecameLeader {
        broker: NodeId,
        tp: Tp,
        leader_epoch: u32,
        log_end_offset: u64,
    },
    BecameFollower {
        broker: NodeId,
        tp: Tp,
        leader: u16,
        leader_epoch: u32,
    },

    // ---- controller ----
    BrokerFenced {
        broker: u16,
        reason: String,
    },
    /// A restarted broker's registration was refused: the old incarnation's session is
    /// still valid (`ClusterControlManager.registerBroker`). The broker tries again after
    /// an exponential backoff (100 ms doubling, at most broker.session.timeout.ms).
    RegistrationRejected {
        broker: u16,
        error: Error,
        message: String,
    },
    BrokerUnfenced {
        broker: u16,
    },
    LeaderElected {
        tp: Tp,
        leader: u16,
        leader_epoch: u32,
        isr: Vec<u16>,
        kind: ElectionKind,
    },
    PartitionOffline {
        tp: Tp,
        leader_epoch: u32,
        isr: Vec<u16>,
    },
    IsrChanged {
        tp: Tp,
        isr: Vec<u16>,
        partition_epoch: u32,
    },
    TxnTimedOut {
        transactional_id: String,
        producer_id: i64,
    },
    TxnAbortedByCoordinator {
        transactional_id: String,
        producer_id: i64,
        reason: String,
    },

    // ---- group coordinator ----
    /// A member joined the group (its first JoinGroup with a member id).
    MemberJoined {
        group: String,
        consumer: NodeId,
        member_id: String,
    },
    /// A member left the group: session timeout, LeaveGroup, or no rejoin/sync in time.
    MemberRemoved {
        group: String,
        consumer: NodeId,
        member_id: String,
        reason: String,
    },
    /// A static member came back and kept its assignment: no rebalance (KIP-345).
    StaticMemberRejoined {
        group: String,
        consumer: NodeId,
        generation: i32,
    },
    /// The coordinator began a rebalance (`PreparingRebalance`).
    RebalanceStarted {
        broker: NodeId,
        group: String,
        generation: i32,
        reason: String,
    },
    /// Every member joined: a new generation, its protocol and leader (`CompletingRebalance`).
    GroupJoined {
        broker: NodeId,
        group: String,
        generation: i32,
        protocol: &'static str,
        leader: NodeId,
        members: Vec<NodeId>,
    },
    /// The leader's assignment arrived: the group is `Stable`.
    GroupStable {
        broker: NodeId,
        group: String,
        generation: i32,
        assignment: Vec<(NodeId, Vec<Tp>)>,
    },
    /// KIP-848: a new target assignment for the group epoch (the server-side assignor);
    /// members reconcile toward it on their heartbeats.
    TargetAssignment {
        broker: NodeId,
        group: String,
        group_epoch: i32,
        assignor: &'static str,
        assignment: Vec<(NodeId, Vec<Tp>)>,
    },
    /// The last member left: the group is `Empty`.
    GroupEmpty {
        group: String,
        generation: i32,
    },

    // ---- consumer ----
    /// `onPartitionsAssigned`.
    PartitionsAssigned {
        consumer: NodeId,
        generation: i32,
        partitions: Vec<Tp>,
    },
    /// `onPartitionsRevoked`: given up in a rebalance (after committing, with auto-commit).
    PartitionsRevoked {
        consumer: NodeId,
        partitions: Vec<Tp>,
    },
    /// `onPartitionsLost`: the member found it is no longer in the group (nothing committed).
    PartitionsLost {
        consumer: NodeId,
        partitions: Vec<Tp>,
        reason: String,
    },
    /// Where a consumer starts reading a partition: its group's committed offset, or
    /// `auto.offset.reset` (earliest, latest) when none is committed.
    PositionSet {
        consumer: NodeId,
        tp: Tp,
        offset: u64,
        from: &'static str,
    },
    /// A poll returned these records of one partition.
    RecordsReturned {
        consumer: NodeId,
        tp: Tp,
        from_offset: u64,
        to_offset: u64,
        records: u32,
    },
    /// OffsetCommit succeeded (`kind`: auto, sync, async).
    OffsetsCommitted {
        consumer: NodeId,
        group: String,
        kind: &'static str,
        offsets: Vec<(Tp, u64)>,
    },
    /// A pipeline's commit failed because its group moved on, or its producer was fenced
    /// (Kafka Streams' `TaskMigratedException`): it aborts, drops its partitions, rejoins.
    TaskMigrated {
        consumer: NodeId,
        reason: String,
    },
    /// TxnOffsetCommit accepted: the offsets wait for the transaction's marker.
    TxnOffsetsPending {
        broker: NodeId,
        group: String,
        producer_id: i64,
        offsets: Vec<(Tp, u64)>,
    },
    /// The transaction's marker reached `__consumer_offsets`: its offsets became the
    /// group's committed offsets (`commit`) or were dropped (abort).
    TxnOffsetsCompleted {
        broker: NodeId,
        group: String,
        producer_id: i64,
        commit: bool,
        offsets: Vec<(Tp, u64)>,
    },
    /// OffsetCommit failed (commitSync throws `CommitFailedException` for a rebalance).
    OffsetCommitFailed {
        consumer: NodeId,
        kind: &'static str,
        error: Error,
    },
    /// The application did not poll within `max.poll.interval.ms`: the heartbeat thread
    /// leaves the group (a static member only stops heartbeating).
    PollTimeout {
        consumer: NodeId,
        max_poll_interval_ms: u64,
    },
    ConsumerCrashed {
        consumer: NodeId,
        processing: u32,
    },
    ConsumerRestarted {
        consumer: NodeId,
    },
    ConsumerClosed {
        consumer: NodeId,
    },
    Polled {
        consumer: String,
        topic: String,
        records: u32,
    },
    /// A consumer's position was outside the leader's log (`OFFSET_OUT_OF_RANGE`), below
    /// the log start offset or past the end; `auto.offset.reset` moved it to `reset_to`
    /// (null: `none`, the poll threw `OffsetOutOfRangeException`).
    OffsetOutOfRange {
        consumer: String,
        tp: Tp,
        position: u64,
        log_start_offset: u64,
        reset_to: Option<u64>,
        /// Records the consumer will never read because of it.
        skipped: u32,
    },

    // ---- kernel ----
    /// The run used up one of its budgets (`crate::budget`) and stops here.
    RunStopped {
        budget: &'static str,
        limit: u64,
        used: u64,
    },
}

/// Every event type with its fields, as they serialize (for `expect trace` checks).
pub const EVENT_SCHEMA: &[(&str, &[&str])] = &[
    ("action", &["line", "text"]),
    ("message_dropped", &["from", "to", "api", "corr", "cause"]),
    ("message_held", &["from", "to", "api", "corr"]),
    ("message_delayed", &["from", "to", "api", "corr", "arrives_us"]),
    ("connection_reset", &["from", "to"]),
    ("send_blocked", &["producer", "record", "reason"]),
    ("send_failed", &["producer", "record", "error", "message"]),
    ("flush_started", &["producer"]),
    ("flush_completed", &["producer"]),
    ("app_restarted", &["producer", "resent"]),
    ("connecting", &["from", "to"]),
    ("connected", &["from", "to"]),
    ("disconnected", &["from", "to", "cancelled_requests"]),
    ("metadata_requested", &["producer", "to"]),
    ("metadata_updated", &["producer", "leaders"]),
    ("batch_created", &["producer", "batch", "tp"]),
    ("sticky_partition_switched", &["producer", "topic", "from", "to", "produced_bytes"]),
    (
        "batch_drained",
        &[
            "producer",
            "batch",
            "tp",
            "reason",
            "records",
            "bytes",
            "attempt",
            "producer_id",
            "producer_epoch",
            "base_sequence",
        ],
    ),
    ("request_sent", &["from", "to", "api", "corr", "batches"]),
    ("response_received", &["at", "from", "api", "corr", "errors"]),
    ("request_timed_out", &["from", "to", "corr"]),
    ("batch_retried", &["producer", "batch", "tp", "error", "attempt", "backoff_us"]),
    ("batch_acked", &["producer", "batch", "tp", "base_offset", "records"]),
    ("batch_failed", &["producer", "batch", "tp", "error", "records"]),
    ("batch_expired", &["producer", "batch", "tp", "in", "records"]),
    ("late_response_ignored", &["producer", "batch", "tp", "error", "base_offset"]),
    ("producer_id_assigned", &["producer", "producer_id", "producer_epoch"]),
    ("epoch_bumped", &["producer", "producer_id", "producer_epoch", "reason"]),
    ("txn_begun", &["producer"]),
    ("partitions_added_to_txn", &["producer", "partitions"]),
    ("txn_ending", &["producer", "commit"]),
    ("txn_ended", &["producer", "commit", "error"]),
    ("txn_call_failed", &["producer", "call", "error", "message"]),
    ("close_started", &["producer", "timeout_us"]),
    ("closed", &["producer", "forced", "failed"]),
    ("partition_added_to_txn", &["broker", "tp", "transactional_id", "error"]),
    (
        "appended",
        &["broker", "tp", "batch", "base_offset", "last_offset", "leader_epoch", "producer_id", "base_sequence"],
    ),
    ("produce_rejected", &["broker", "tp", "batch", "error"]),
    ("recompressed", &["broker", "tp", "batch", "from", "to", "bytes_before", "bytes_after"]),
    ("duplicate_batch", &["broker", "tp", "batch", "producer_id", "base_sequence", "base_offset"]),
    ("produce_answered", &["broker", "to", "corr", "results"]),
    ("replicated", &["broker", "tp", "from_offset", "to_offset"]),
    ("high_watermark", &["broker", "tp", "high_watermark"]),
    ("isr_shrink", &["broker", "tp", "removed", "isr"]),
    ("isr_expand", &["broker", "tp", "added", "isr"]),
    ("truncated", &["broker", "tp", "from_offset", "to_offset", "records"]),
    ("flushed", &["broker", "tp", "to_offset", "reason"]),
    ("writeback", &["broker", "tp", "durable_offset"]),
    ("segment_rolled", &["broker", "tp", "base_offset", "reason"]),
    (
        "segments_deleted",
        &["broker", "tp", "reason", "segments", "from_offset", "log_start_offset", "bytes", "records"],
    ),
    ("log_start_offset_incremented", &["broker", "tp", "log_start_offset"]),
    (
        "log_cleaned",
        &[
            "broker",
            "tp",
            "first_dirty_offset",
            "end_offset",
            "dirty_ratio_pct",
            "records_removed",
            "tombstones_removed",
            "bytes_before",
            "bytes_after",
        ],
    ),
    ("crashed", &["broker", "mode", "lost"]),
    ("restarted", &["broker"]),
    ("paused", &["broker", "until_us"]),
    ("resumed", &["broker", "waiting"]),
    ("recovered", &["broker", "tp", "log_end_offset", "torn_bytes"]),
    ("shutdown_started", &["broker"]),
    ("shut_down", &["broker", "approved"]),
    ("recovery_skipped", &["broker", "logs"]),
    ("marker_written", &["broker", "tp", "marker", "offset", "producer_id"]),
    ("became_leader", &["broker", "tp", "leader_epoch", "log_end_offset"]),
    ("became_follower", &["broker", "tp", "leader", "leader_epoch"]),
    ("broker_fenced", &["broker", "reason"]),
    ("registration_rejected", &["broker", "error", "message"]),
    ("broker_unfenced", &["broker"]),
    ("leader_elected", &["tp", "leader", "leader_epoch", "isr", "kind"]),
    ("partition_offline", &["tp", "leader_epoch", "isr"]),
    ("isr_changed", &["tp", "isr", "partition_epoch"]),
    ("txn_timed_out", &["transactional_id", "producer_id"]),
    ("txn_aborted_by_coordinator", &["transactional_id", "producer_id", "reason"]),
    ("member_joined", &["group", "consumer", "member_id"]),
    ("member_removed", &["group", "consumer", "member_id", "reason"]),
    ("static_member_rejoined", &["group", "consumer", "generation"]),
    ("rebalance_started", &["broker", "group", "generation", "reason"]),
    ("group_joined", &["broker", "group", "generation", "protocol", "leader", "members"]),
    ("group_stable", &["broker", "group", "generation", "assignment"]),
    ("target_assignment", &["broker", "group", "group_epoch", "assignor", "assignment"]),
    ("group_empty", &["group", "generation"]),
    ("partitions_assigned", &["consumer", "generation", "partitions"]),
    ("partitions_revoked", &["consumer", "partitions"]),
    ("partitions_lost", &["consumer", "partitions", "reason"]),
    ("position_set", &["consumer", "tp", "offset", "from"]),
    ("records_returned", &["consumer", "tp", "from_offset", "to_offset", "records"]),
    ("offsets_committed", &["consumer", "group", "kind", "offsets"]),
    ("offset_commit_failed", &["consumer", "kind", "error"]),
    ("task_migrated", &["consumer", "reason"]),
    ("txn_offsets_pending", &["broker", "group", "producer_id", "offsets"]),
    ("txn_offsets_completed", &["broker", "group", "producer_id", "commit", "offsets"]),
    ("poll_timeout", &["consumer", "max_poll_interval_ms"]),
    ("consumer_crashed", &["consumer", "processing"]),
    ("consumer_restarted", &["consumer"]),
    ("consumer_closed", &["consumer"]),
    ("polled", &["consumer", "topic", "records"]),
    ("offset_out_of_range", &["consumer", "tp", "position", "log_start_offset", "reset_to", "skipped"]),
    ("run_stopped", &["budget", "limit", "used"]),
];

impl Event {
    /// Whether the event changes something that matters to the outcome. Connection churn,
    /// metadata lookups and messages lost on the wire repeat forever against a node that
    /// never comes back; they do not keep an idle run going.
    pub fn is_progress(&self) -> bool {
        !matches!(
            self,
            Event::Connecting { .. }
                | Event::Connected { .. }
                | Event::Disconnected { .. }
                | Event::ConnectionReset { .. }
                | Event::MetadataRequested { .. }
                | Event::MessageDropped { .. }
                | Event::MessageHeld { .. }
                | Event::MessageDelayed { .. }
                | Event::Action { .. }
        ) && !matches!(self, Event::RequestSent { api, .. } if *api != "Produce")
    }
}

/// A client error serialized as its exception class name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS), ts(type = "string"))]
pub struct ClientErrorName(pub ClientError);

impl Serialize for ClientErrorName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.exception())
    }
}

/// One trace entry: an event at its moment.
pub type Entry = crate::sim::trace::Entry<Event>;

/// A run's trace of Kafka events (the kernel's container: kept entries, hash, volume).
pub type Trace = crate::sim::trace::Trace<Event>;

impl crate::sim::trace::TraceEvent for Event {
    fn is_progress(&self) -> bool {
        Event::is_progress(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_matches_serialization() {
        let e = Event::LeaderElected {
            tp: Tp::new(0, 0),
            leader: 2,
            leader_epoch: 1,
            isr: vec![2],
            kind: ElectionKind::Unclean,
        };
        let v = serde_json::to_value(Entry { at_us: 5, event: e }).expect("serializes");
        let ty = v["type"].as_str().expect("tagged");
        let (_, fields) = EVENT_SCHEMA.iter().find(|(n, _)| *n == ty).expect("in schema");
        for f in *fields {
            assert!(v.get(*f).is_some(), "{f}");
        }
        let mut names: Vec<&str> = EVENT_SCHEMA.iter().map(|(n, _)| *n).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EVENT_SCHEMA.len());
    }
}

/// The trace events' TypeScript types, generated from [`Event`] and the types its fields
/// use, between two marker lines of `crate/src/report.d.ts`. The test fails when the file
/// is not what the Rust types say; `KPLAY_BLESS=1 cargo test --lib trace::ts` rewrites it.
#[cfg(test)]
pub(crate) mod ts {
    use ts_rs::{TypeVisitor, TS};

    const BEGIN: &str = "// BEGIN generated from crate/src/trace.rs (the Event enum and the types of its fields):";
    const END: &str = "// END generated";

    /// Every named type the events use, declared once.
    pub(crate) struct Decls(pub(crate) Vec<(String, String)>);

    impl TypeVisitor for Decls {
        fn visit<T: TS + 'static + ?Sized>(&mut self) {
            // Primitives and std types have no declaration of their own.
            if T::output_path().is_none() {
                return;
            }
            let name = T::name();
            if self.0.iter().any(|(n, _)| *n == name) {
                return;
            }
            self.0.push((name, T::decl()));
            T::visit_dependencies(self);
        }
    }

    /// `type X = ...;` as an exported declaration, with JSON's numbers for 64-bit integers
    /// (a report carries them as JSON numbers) and one union member per line.
    pub(crate) fn export(decl: &str) -> String {
        let mut decl = decl.replace("bigint", "number");
        // A field's doc comment, on one line before the field.
        while let Some(a) = decl.find("\n/**\n * ") {
            let Some(len) = decl[a..].find("\n */\n") else { break };
            let doc = decl[a + 8..a + len].replace("\n * ", " ");
            decl.replace_range(a..a + len + 5, &format!("/** {doc} */ "));
        }
        let body = decl.split_once(" = ").map_or(decl.as_str(), |(_, b)| b);
        let name = decl.trim_start_matches("type ").split(' ').next().unwrap_or("");
        let name = if name == "Event" { "TraceEvent" } else { name };
        let members: Vec<&str> = body.trim_end_matches(';').split(" } | { ").collect();
        if members.len() < 2 {
            return format!("export type {name} = {};", body.trim_end_matches(';'));
        }
        let last = members.len() - 1;
        let lines: Vec<String> = members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let m = m.trim_start_matches("{ ").trim_end_matches(" }");
                let m = if i == last { m.trim_end_matches(", }").trim_end_matches(',') } else { m };
                format!("  | {{ {} }}", m.trim().trim_end_matches(','))
            })
            .collect();
        format!("export type {name} =\n{};", lines.join("\n"))
    }

    pub(crate) fn generated() -> String {
        let mut decls = Decls(Vec::new());
        decls.visit::<super::Event>();
        // The union first, then its field types by name (ts-rs visits them in an order
        // that differs between builds).
        decls.0[1..].sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = vec![BEGIN.to_string()];
        for (_, decl) in &decls.0 {
            out.push(export(decl));
        }
        out.push(END.to_string());
        out.join("\n")
    }

    /// Checks that `report.d.ts`'s region from the line `begin` to the next `// END
    /// generated` is `want` (which starts with `begin`); `KPLAY_BLESS=1` rewrites it.
    pub(crate) fn check_region(begin: &str, want: &str, what: &str) {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/crate/src/report.d.ts");
        let text = std::fs::read_to_string(path).expect("report.d.ts");
        let Some(a) = text.find(begin) else { panic!("report.d.ts has no generated region ({begin} ... {END})") };
        let Some(b) = text[a..].find(END).map(|b| a + b) else { panic!("report.d.ts: {begin} has no {END}") };
        let now = &text[a..b + END.len()];
        if now != want && std::env::var_os("KPLAY_BLESS").is_some() {
            std::fs::write(path, format!("{}{want}{}", &text[..a], &text[b + END.len()..])).expect("written");
            return;
        }
        assert!(now == want, "report.d.ts's {what} are stale: run KPLAY_BLESS=1 cargo test --lib ts::");
    }

    #[test]
    fn report_d_ts_has_the_generated_trace_events() {
        let want = generated();
        check_region(BEGIN, &want, "trace events");
        // Every event of the schema is a member of the union.
        for (name, _) in super::EVENT_SCHEMA {
            assert!(want.contains(&format!("\"type\": \"{name}\"")), "{name} is not in the generated union");
        }
    }
}
