//! Typed, resolved configuration for every role, with Kafka's names and defaults.
//!
//! The scenario language speaks Kafka property names (`linger.ms`, `acks`, ...);
//! `script::properties` validates them with Kafka's rules and resolves them into the
//! structs below, which the simulation reads. Each field's doc comment names the Kafka
//! property and its Kafka 4.0 default; `Default` gives exactly those defaults, so tests
//! can build a cluster without a script. Durations are integer microseconds, sizes bytes.
//!
//! [`EffectiveConfig`] is what the report shows: every property of every role with its
//! effective value and where that value came from (default, set, or raised/disabled by
//! a Kafka rule), plus the notes Kafka would have logged while resolving it.

use serde::Serialize;

pub type Micros = u64;

/// Kafka release whose defaults apply (`kafka 3.9` in a scenario).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct KafkaVersion {
    pub major: u16,
    pub minor: u16,
    pub patch: u16,
}

impl KafkaVersion {
    pub const DEFAULT: KafkaVersion = KafkaVersion { major: 4, minor: 0, patch: 0 };
    pub const fn new(major: u16, minor: u16, patch: u16) -> Self {
        KafkaVersion { major, minor, patch }
    }
    pub fn at_least(self, major: u16, minor: u16) -> bool {
        (self.major, self.minor) >= (major, minor)
    }
}

impl std::fmt::Display for KafkaVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// `acks`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Acks {
    /// `acks=0`: no response; the send completes once written to the socket, offset -1.
    Zero,
    /// `acks=1`: the leader answers after its own append.
    One,
    /// `acks=all` / `-1`: the leader answers once the high watermark passes the batch.
    All,
}

impl Acks {
    /// The value carried in a ProduceRequest.
    pub fn wire(self) -> i16 {
        match self {
            Acks::Zero => 0,
            Acks::One => 1,
            Acks::All => -1,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Acks::Zero => "0",
            Acks::One => "1",
            Acks::All => "all",
        }
    }
}

/// `compression.type`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum CompressionType {
    #[default]
    None,
    Gzip,
    Snappy,
    Lz4,
    Zstd,
}

impl CompressionType {
    pub fn name(self) -> &'static str {
        match self {
            CompressionType::None => "none",
            CompressionType::Gzip => "gzip",
            CompressionType::Snappy => "snappy",
            CompressionType::Lz4 => "lz4",
            CompressionType::Zstd => "zstd",
        }
    }
    /// The batch attribute bits 0-2.
    pub fn attribute_bits(self) -> u8 {
        self as u8
    }
}

/// `partitioner.class`: kplay models Kafka's built-in choices, per release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum PartitionerKind {
    /// 3.3+ with `partitioner.class` unset (null): murmur2 for keys, the uniform sticky
    /// partitioner of the accumulator (KIP-794) for null keys.
    BuiltIn,
    /// `org.apache.kafka.clients.producer.RoundRobinPartitioner` (2.4+). Before 4.0 a
    /// record that needs a new batch asks it twice (KAFKA-17632), skipping a partition.
    RoundRobin { skew: bool },
    /// `DefaultPartitioner` with its `StickyPartitionCache` (KIP-480): the default from 2.4
    /// to 3.2, and `partitioner.class=...internals.DefaultPartitioner` (deprecated) until
    /// 3.9. Null keys stick to a partition until a new batch is needed, then move to a
    /// different random available partition; keys use murmur2. `UniformStickyPartitioner`
    /// is the same with keys ignored.
    StickyCache { ignore_keys: bool },
    /// The 2.0–2.3 `DefaultPartitioner`: null keys round-robin over available partitions
    /// from a random start; keys use murmur2.
    Legacy,
}

impl PartitionerKind {
    /// Kafka's `abortOnNewBatch`: a configured partitioner class is told about new
    /// batches (`onNewBatch`) and asked again (KIP-480, 2.4+).
    pub fn aborts_on_new_batch(self) -> bool {
        matches!(self, PartitionerKind::StickyCache { .. } | PartitionerKind::RoundRobin { skew: true })
    }
}

/// `isolation.level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum IsolationLevel {
    /// `read_uncommitted` (default): up to the high watermark.
    ReadUncommitted,
    /// `read_committed`: up to the last stable offset, aborted data dropped.
    ReadCommitted,
}

impl IsolationLevel {
    pub fn name(self) -> &'static str {
        match self {
            IsolationLevel::ReadUncommitted => "read_uncommitted",
            IsolationLevel::ReadCommitted => "read_committed",
        }
    }
}

/// Producer configuration (`ProducerConfig`), effective values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerConfig {
    /// `acks`, default `all`.
    pub acks: Acks,
    /// `enable.idempotence` after Kafka's rules, default true.
    pub enable_idempotence: bool,
    /// `retries`, default 2147483647.
    pub retries: u32,
    /// `retry.backoff.ms`, default 100.
    pub retry_backoff_us: Micros,
    /// `retry.backoff.max.ms`, default 1000.
    pub retry_backoff_max_us: Micros,
    /// `request.timeout.ms`, default 30000.
    pub request_timeout_us: Micros,
    /// `delivery.timeout.ms`, default 120000 (raised to linger + request timeout when left default).
    pub delivery_timeout_us: Micros,
    /// `linger.ms`, default 5 (0 before 4.0).
    pub linger_us: Micros,
    /// `batch.size`, default 16384.
    pub batch_size_bytes: u32,
    /// `buffer.memory`, default 33554432.
    pub buffer_memory_bytes: u64,
    /// `max.block.ms`, default 60000.
    pub max_block_us: Micros,
    /// `max.in.flight.requests.per.connection`, default 5.
    pub max_in_flight: u32,
    /// `max.request.size`, default 1048576.
    pub max_request_size_bytes: u32,
    /// `compression.type`, default none.
    pub compression: CompressionType,
    /// `compression.gzip.level` -1, `compression.lz4.level` 9, `compression.zstd.level` 3.
    pub compression_level: i32,
    /// `partitioner.class`, default null (built-in).
    pub partitioner: PartitionerKind,
    /// `partitioner.ignore.keys`, default false.
    pub partitioner_ignore_keys: bool,
    /// `partitioner.adaptive.partitioning.enable`, default true.
    pub partitioner_adaptive: bool,
    /// `partitioner.availability.timeout.ms`, default 0 (off).
    pub partitioner_availability_timeout_us: Micros,
    /// `transactional.id`, default null.
    pub transactional_id: Option<String>,
    /// `transaction.timeout.ms`, default 60000.
    pub transaction_timeout_us: Micros,
    /// `metadata.max.age.ms`, default 300000.
    pub metadata_max_age_us: Micros,
    /// `reconnect.backoff.ms`, default 50.
    pub reconnect_backoff_us: Micros,
    /// `reconnect.backoff.max.ms`, default 1000.
    pub reconnect_backoff_max_us: Micros,
    /// `socket.connection.setup.timeout.ms`, default 10000.
    pub connection_setup_timeout_us: Micros,
    /// `socket.connection.setup.timeout.max.ms`, default 30000.
    pub connection_setup_timeout_max_us: Micros,
}

impl Default for ProducerConfig {
    fn default() -> Self {
        ProducerConfig {
            acks: Acks::All,
            enable_idempotence: true,
            retries: i32::MAX as u32,
            retry_backoff_us: 100_000,
            retry_backoff_max_us: 1_000_000,
            request_timeout_us: 30_000_000,
            delivery_timeout_us: 120_000_000,
            linger_us: 5_000,
            batch_size_bytes: 16_384,
            buffer_memory_bytes: 33_554_432,
            max_block_us: 60_000_000,
            max_in_flight: 5,
            max_request_size_bytes: 1_048_576,
            compression: CompressionType::None,
            compression_level: -1,
            partitioner: PartitionerKind::BuiltIn,
            partitioner_ignore_keys: false,
            partitioner_adaptive: true,
            partitioner_availability_timeout_us: 0,
            transactional_id: None,
            transaction_timeout_us: 60_000_000,
            metadata_max_age_us: 300_000_000,
            reconnect_backoff_us: 50_000,
            reconnect_backoff_max_us: 1_000_000,
            connection_setup_timeout_us: 10_000_000,
            connection_setup_timeout_max_us: 30_000_000,
        }
    }
}

/// Cluster-wide broker configuration (`brokers N prop=value ...`), effective values.
/// Topic-level overrides live in [`TopicConfig`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerConfig {
    /// `min.insync.replicas`, default 1.
    pub min_insync_replicas: u16,
    /// `unclean.leader.election.enable`, default false.
    pub unclean_leader_election_enable: bool,
    /// `replica.lag.time.max.ms`, default 30000.
    pub replica_lag_time_max_us: Micros,
    /// `replica.fetch.wait.max.ms`, default 500.
    pub replica_fetch_wait_max_us: Micros,
    /// `replica.fetch.min.bytes`, default 1.
    pub replica_fetch_min_bytes: u32,
    /// `replica.fetch.max.bytes`, default 1048576.
    pub replica_fetch_max_bytes: u32,
    /// `replica.fetch.response.max.bytes`, default 10485760.
    pub replica_fetch_response_max_bytes: u32,
    /// `replica.fetch.backoff.ms`, default 1000.
    pub replica_fetch_backoff_us: Micros,
    /// `replica.socket.timeout.ms`, default 30000.
    pub replica_socket_timeout_us: Micros,
    /// `log.flush.interval.messages`, default 9223372036854775807.
    pub log_flush_interval_messages: u64,
    /// `log.flush.interval.ms`, default null (falls back to the scheduler interval).
    pub log_flush_interval_us: Option<Micros>,
    /// `log.flush.scheduler.interval.ms`, default 9223372036854775807 (never).
    pub log_flush_scheduler_interval_us: Option<Micros>,
    /// `log.initial.task.delay.ms`, default 30000: the log flusher's (and other log tasks')
    /// first run after startup.
    pub log_initial_task_delay_us: Micros,
    /// `log.segment.bytes`, default 1073741824.
    pub log_segment_bytes: u64,
    /// `log.retention.check.interval.ms`, default 300000: the retention task's period.
    pub log_retention_check_interval_us: Micros,
    /// `log.cleaner.enable`, default true.
    pub log_cleaner_enable: bool,
    /// `log.cleaner.backoff.ms`, default 15000: the cleaner's sleep when nothing is cleanable.
    pub log_cleaner_backoff_us: Micros,
    /// `message.max.bytes`, default 1048588.
    pub message_max_bytes: u32,
    /// `broker.session.timeout.ms` (controller), default 9000.
    pub broker_session_timeout_us: Micros,
    /// `broker.heartbeat.interval.ms`, default 2000.
    pub broker_heartbeat_interval_us: Micros,
    /// `replica.high.watermark.checkpoint.interval.ms`, default 5000.
    pub hw_checkpoint_interval_us: Micros,
    /// `transaction.max.timeout.ms`, default 900000.
    pub transaction_max_timeout_us: Micros,
    /// `group.initial.rebalance.delay.ms`, default 3000: how long the first rebalance of
    /// an empty classic group waits for more members.
    pub group_initial_rebalance_delay_us: Micros,
    /// `group.min.session.timeout.ms` / `group.max.session.timeout.ms`, defaults 6000 / 1800000.
    pub group_min_session_timeout_us: Micros,
    pub group_max_session_timeout_us: Micros,
    /// `group.consumer.session.timeout.ms`, default 45000 (KIP-848 groups).
    pub group_consumer_session_timeout_us: Micros,
    /// `group.consumer.heartbeat.interval.ms`, default 5000 (KIP-848 groups).
    pub group_consumer_heartbeat_interval_us: Micros,
    /// `offsets.topic.num.partitions`, default 50.
    pub offsets_topic_num_partitions: u32,
    /// `transaction.abort.timed.out.transaction.cleanup.interval.ms`, default 10000.
    pub transaction_abort_cleanup_interval_us: Micros,
    /// `auto.leader.rebalance.enable`, default true.
    pub auto_leader_rebalance_enable: bool,
    /// `leader.imbalance.check.interval.seconds`, default 300.
    pub leader_imbalance_check_interval_us: Micros,
    /// `leader.imbalance.per.broker.percentage`, default 10.
    pub leader_imbalance_per_broker_percentage: u32,
    /// `num.io.threads`, default 8: request handler threads.
    pub num_io_threads: u32,
    /// OS: `vm.dirty_writeback_centisecs`, default 500 (the flusher wakes every 5 s).
    pub dirty_writeback_centisecs: u32,
    /// OS: `vm.dirty_expire_centisecs`, default 3000 (pages dirty for 30 s are written).
    pub dirty_expire_centisecs: u32,
    /// OS: `vm.dirty_background_ratio`, default 10 (percent of the page cache).
    pub dirty_background_ratio: u32,
    /// OS: `vm.dirty_ratio`, default 20 (percent of the page cache).
    pub dirty_ratio: u32,
}

impl Default for BrokerConfig {
    fn default() -> Self {
        BrokerConfig {
            min_insync_replicas: 1,
            unclean_leader_election_enable: false,
            replica_lag_time_max_us: 30_000_000,
            replica_fetch_wait_max_us: 500_000,
            replica_fetch_min_bytes: 1,
            replica_fetch_max_bytes: 1_048_576,
            replica_fetch_response_max_bytes: 10_485_760,
            replica_fetch_backoff_us: 1_000_000,
            replica_socket_timeout_us: 30_000_000,
            log_flush_interval_messages: i64::MAX as u64,
            log_flush_interval_us: None,
            log_flush_scheduler_interval_us: None,
            log_initial_task_delay_us: 30_000_000,
            log_segment_bytes: 1_073_741_824,
            log_retention_check_interval_us: 300_000_000,
            log_cleaner_enable: true,
            log_cleaner_backoff_us: 15_000_000,
            message_max_bytes: 1_048_588,
            broker_session_timeout_us: 9_000_000,
            broker_heartbeat_interval_us: 2_000_000,
            hw_checkpoint_interval_us: 5_000_000,
            transaction_max_timeout_us: 900_000_000,
            group_initial_rebalance_delay_us: 3_000_000,
            group_min_session_timeout_us: 6_000_000,
            group_max_session_timeout_us: 1_800_000_000,
            group_consumer_session_timeout_us: 45_000_000,
            group_consumer_heartbeat_interval_us: 5_000_000,
            offsets_topic_num_partitions: 50,
            transaction_abort_cleanup_interval_us: 10_000_000,
            auto_leader_rebalance_enable: true,
            leader_imbalance_check_interval_us: 300_000_000,
            leader_imbalance_per_broker_percentage: 10,
            num_io_threads: 8,
            dirty_writeback_centisecs: 500,
            dirty_expire_centisecs: 3000,
            dirty_background_ratio: 10,
            dirty_ratio: 20,
        }
    }
}

/// Topic configuration with broker-level fallbacks already applied (effective values).
#[derive(Clone, Debug, PartialEq)]
pub struct TopicConfig {
    /// `min.insync.replicas` (topic, else broker), default 1.
    pub min_insync_replicas: u16,
    /// `unclean.leader.election.enable` (topic, else broker), default false.
    pub unclean_leader_election_enable: bool,
    /// `flush.messages` (topic, else `log.flush.interval.messages`), default Long.MAX_VALUE.
    pub flush_messages: u64,
    /// `flush.ms` (topic, else `log.flush.interval.ms`), default Long.MAX_VALUE (None = never).
    pub flush_us: Option<Micros>,
    /// `segment.bytes` (topic, else `log.segment.bytes`), default 1073741824.
    pub segment_bytes: u64,
    /// `segment.ms` (else `log.roll.ms` / `log.roll.hours`), default 604800000.
    pub segment_ms: i64,
    /// `segment.jitter.ms` (else `log.roll.jitter.ms` / `log.roll.jitter.hours`), default 0.
    pub segment_jitter_ms: i64,
    /// `segment.index.bytes` (else `log.index.size.max.bytes`), default 10485760.
    pub segment_index_bytes: u64,
    /// `index.interval.bytes` (else `log.index.interval.bytes`), default 4096.
    pub index_interval_bytes: u64,
    /// `retention.ms` (else `log.retention.ms` / `.minutes` / `.hours`), default
    /// 604800000; negative: no time limit.
    pub retention_ms: i64,
    /// `retention.bytes` (else `log.retention.bytes`), default -1 (no size limit).
    pub retention_bytes: i64,
    /// `cleanup.policy` contains `delete` (default) / `compact`.
    pub cleanup_delete: bool,
    pub cleanup_compact: bool,
    /// `min.cleanable.dirty.ratio` (else `log.cleaner.min.cleanable.ratio`), default 0.5.
    pub min_cleanable_dirty_ratio: f64,
    /// `delete.retention.ms` (else `log.cleaner.delete.retention.ms`), default 86400000.
    pub delete_retention_ms: i64,
    /// `min.compaction.lag.ms` (else `log.cleaner.min.compaction.lag.ms`), default 0.
    pub min_compaction_lag_ms: i64,
    /// `max.compaction.lag.ms` (else `log.cleaner.max.compaction.lag.ms`), default Long.MAX_VALUE.
    pub max_compaction_lag_ms: i64,
    /// `max.message.bytes` (topic, else `message.max.bytes`), default 1048588.
    pub max_message_bytes: u32,
    /// `compression.type` (topic, else broker): None for `producer` (the default), else
    /// the codec the leader recompresses other codecs into (`uncompressed` is `None` codec).
    pub compression: Option<CompressionType>,
    /// `message.timestamp.type=LogAppendTime` (default CreateTime).
    pub log_append_time: bool,
    /// `message.timestamp.before.max.ms`, default Long.MAX_VALUE.
    pub timestamp_before_max_ms: i64,
    /// `message.timestamp.after.max.ms`, default 3600000 (4.0; Long.MAX_VALUE before).
    pub timestamp_after_max_ms: i64,
}

impl Default for TopicConfig {
    fn default() -> Self {
        TopicConfig::from_broker(&BrokerConfig::default())
    }
}

impl TopicConfig {
    /// What decides this topic's segment rolls.
    pub fn roll(&self) -> crate::broker::log::RollConfig {
        crate::broker::log::RollConfig {
            segment_bytes: self.segment_bytes,
            segment_ms: self.segment_ms,
            segment_jitter_ms: self.segment_jitter_ms,
            segment_index_bytes: self.segment_index_bytes,
            index_interval_bytes: self.index_interval_bytes,
        }
    }

    /// A topic with no overrides: every value from the broker's config.
    pub fn from_broker(b: &BrokerConfig) -> Self {
        TopicConfig {
            min_insync_replicas: b.min_insync_replicas,
            unclean_leader_election_enable: b.unclean_leader_election_enable,
            flush_messages: b.log_flush_interval_messages,
            flush_us: b.log_flush_interval_us.or(b.log_flush_scheduler_interval_us),
            segment_bytes: b.log_segment_bytes,
            segment_ms: 604_800_000,
            segment_jitter_ms: 0,
            segment_index_bytes: 10_485_760,
            index_interval_bytes: 4096,
            retention_ms: 604_800_000,
            retention_bytes: -1,
            cleanup_delete: true,
            cleanup_compact: false,
            min_cleanable_dirty_ratio: 0.5,
            delete_retention_ms: 86_400_000,
            min_compaction_lag_ms: 0,
            max_compaction_lag_ms: i64::MAX,
            max_message_bytes: b.message_max_bytes,
            compression: None,
            log_append_time: false,
            timestamp_before_max_ms: i64::MAX,
            timestamp_after_max_ms: 3_600_000,
        }
    }
}

/// `auto.offset.reset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AutoOffsetReset {
    #[default]
    Latest,
    Earliest,
    None,
}

/// `group.protocol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum GroupProtocol {
    /// The classic protocol: JoinGroup/SyncGroup/Heartbeat, client-side assignors.
    #[default]
    Classic,
    /// KIP-848: ConsumerGroupHeartbeat, server-side assignors, incremental reconciliation.
    Consumer,
}

/// A client-side assignor of `partition.assignment.strategy` (classic protocol).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum AssignorKind {
    Range,
    Roundrobin,
    Sticky,
    CooperativeSticky,
}

impl AssignorKind {
    /// The protocol name the assignor announces in JoinGroup (`ConsumerPartitionAssignor.name()`).
    pub fn name(self) -> &'static str {
        match self {
            AssignorKind::Range => "range",
            AssignorKind::Roundrobin => "roundrobin",
            AssignorKind::Sticky => "sticky",
            AssignorKind::CooperativeSticky => "cooperative-sticky",
        }
    }
    /// Whether it supports the COOPERATIVE rebalance protocol (only cooperative-sticky
    /// among the built-in ones).
    pub fn cooperative(self) -> bool {
        self == AssignorKind::CooperativeSticky
    }
    pub fn from_name(s: &str) -> Option<AssignorKind> {
        let short = s.trim().rsplit('.').next().unwrap_or("");
        Some(match (s.trim(), short) {
            ("range", _) | (_, "RangeAssignor") => AssignorKind::Range,
            ("roundrobin", _) | (_, "RoundRobinAssignor") => AssignorKind::Roundrobin,
            ("sticky", _) | (_, "StickyAssignor") => AssignorKind::Sticky,
            ("cooperative-sticky", _) | (_, "CooperativeStickyAssignor") => AssignorKind::CooperativeSticky,
            _ => return None,
        })
    }
}

/// Consumer configuration, effective values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsumerConfig {
    /// `auto.offset.reset`, default latest.
    pub auto_offset_reset: AutoOffsetReset,
    /// `isolation.level`, default read_uncommitted.
    pub isolation_level: IsolationLevel,
    /// Whether the scenario set `isolation.level` itself.
    pub isolation_level_explicit: bool,
    /// `group.id`, default none.
    pub group_id: Option<String>,
    /// `group.instance.id` (static membership), default none.
    pub group_instance_id: Option<String>,
    /// `group.protocol`, default classic.
    pub group_protocol: GroupProtocol,
    /// `group.remote.assignor` (KIP-848), default none: the broker's first (uniform).
    pub group_remote_assignor: Option<String>,
    /// `partition.assignment.strategy`, default range, cooperative-sticky.
    pub assignors: Vec<AssignorKind>,
    /// `session.timeout.ms`, default 45000.
    pub session_timeout_us: Micros,
    /// `heartbeat.interval.ms`, default 3000.
    pub heartbeat_interval_us: Micros,
    /// `max.poll.interval.ms`, default 300000 (also the rebalance timeout).
    pub max_poll_interval_us: Micros,
    /// `max.poll.records`, default 500.
    pub max_poll_records: u32,
    /// `enable.auto.commit`, default true (with a group.id).
    pub enable_auto_commit: bool,
    /// `auto.commit.interval.ms`, default 5000.
    pub auto_commit_interval_us: Micros,
    /// `fetch.min.bytes`, default 1.
    pub fetch_min_bytes: u32,
    /// `fetch.max.wait.ms`, default 500.
    pub fetch_max_wait_us: Micros,
    /// `fetch.max.bytes`, default 52428800.
    pub fetch_max_bytes: u32,
    /// `max.partition.fetch.bytes`, default 1048576.
    pub max_partition_fetch_bytes: u32,
    /// `request.timeout.ms`, default 30000.
    pub request_timeout_us: Micros,
    /// `retry.backoff.ms`, default 100.
    pub retry_backoff_us: Micros,
}

impl Default for ConsumerConfig {
    fn default() -> Self {
        ConsumerConfig {
            auto_offset_reset: AutoOffsetReset::Latest,
            isolation_level: IsolationLevel::ReadUncommitted,
            isolation_level_explicit: false,
            group_id: None,
            group_instance_id: None,
            group_protocol: GroupProtocol::Classic,
            group_remote_assignor: None,
            assignors: vec![AssignorKind::Range, AssignorKind::CooperativeSticky],
            session_timeout_us: 45_000_000,
            heartbeat_interval_us: 3_000_000,
            max_poll_interval_us: 300_000_000,
            max_poll_records: 500,
            enable_auto_commit: true,
            auto_commit_interval_us: 5_000_000,
            fetch_min_bytes: 1,
            fetch_max_wait_us: 500_000,
            fetch_max_bytes: 52_428_800,
            max_partition_fetch_bytes: 1_048_576,
            request_timeout_us: 30_000_000,
            retry_backoff_us: 100_000,
        }
    }
}

/// Where an effective value came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Kafka's default for the scenario's `kafka` version.
    Default,
    /// Set in the scenario.
    Set,
    /// Changed by one of Kafka's rules (raised delivery.timeout.ms, idempotence disabled
    /// implicitly, topic value inherited from the broker, ...). The notes say which.
    Derived,
}

/// One property's effective value as the report shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Setting {
    pub name: String,
    /// The value as Kafka would print it (`all`, `5`, `16384`, `null`).
    pub value: String,
    pub source: Source,
}

/// The effective configuration of one node or topic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct RoleConfig {
    /// `producer`, `consumer`, `broker` or `topic`.
    #[cfg_attr(test, ts(type = "\"producer\" | \"consumer\" | \"broker\" | \"topic\""))]
    pub role: String,
    /// The producer/consumer/topic name; `brokers` for the cluster-wide config.
    pub name: String,
    /// Every known property of the role, sorted by name.
    pub settings: Vec<Setting>,
}

/// Every role's effective configuration and the notes Kafka would have logged.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct EffectiveConfig {
    pub kafka_version: String,
    pub roles: Vec<RoleConfig>,
    /// Plain sentences such as "producer app: enable.idempotence is disabled because
    /// acks=1 and enable.idempotence was not set (Kafka logs this at INFO)".
    pub notes: Vec<String>,
}
