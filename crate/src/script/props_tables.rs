//! The property tables: every Kafka property kplay knows, per role, with Kafka's type,
//! validator, default and first release; plus the version-dependent defaults.
//!
//! Sources (apache/kafka): `ProducerConfig`, `CommonClientConfigs`, `CompressionType`
//! (producer); `ReplicationConfigs`, `ServerLogConfigs`, `LogConfig`, `KRaftConfigs`,
//! `TransactionStateManagerConfig`, `TransactionLogConfig` and the 2.x `KafkaConfig.Defaults` (broker, topic);
//! `ConsumerConfig` (consumer). Each table is sorted by name, so the effective config
//! lists properties in that order.
//!
//! Version-dependent values ([`default_for`], [`min_for`]). A property a version does
//! not have reads as its default for that version (`Settings::int` and friends): the
//! default says how Kafka behaved before the property could be set.
//! - producer `linger.ms`: 5 from 4.0 (KIP-1030), 0 before.
//! - producer `acks`: `all` from 3.0 (KIP-679), `1` before.
//! - producer `enable.idempotence`: `true` from 3.0 (KIP-679), `false` before (and in
//!   3.0.0 / 3.1.0 the `true` was not applied: KAFKA-13598, see `producer_rules`).
//! - producer `retries`: 2147483647 from 2.1 (KIP-91), 0 before.
//! - producer `partitioner.adaptive.partitioning.enable`: `false` before 3.3, which has
//!   no such property (its sticky partitioner was not adaptive: KIP-794).
//! - broker `replica.lag.time.max.ms`: 30000 from 2.5 (KIP-537), 10000 before.
//! - broker `transaction.abort.timed.out.transaction.cleanup.interval.ms`: 10000 from
//!   2.5, 60000 before.
//! - `(log.)message.timestamp.after.max.ms`: 3600000 from 4.0 (KIP-1030), Long.MAX_VALUE
//!   before.
//! - `log.segment.bytes` minimum: 1048576 from 4.0 (KIP-1030, KAFKA-16368), 14
//!   (`LegacyRecord.RECORD_OVERHEAD_V0`) before; topic `segment.bytes`: 1048576 from 4.1
//!   (KAFKA-19080: 4.0.0 left the topic's at 14).

use super::props::{Java, PropDef, Role, Ty, Unit};
use crate::config::KafkaVersion;

const fn num(java: Java, unit: Unit, min: Option<i64>, max: Option<i64>) -> Ty {
    Ty::Num { java, unit, min, max, kplay_min: false }
}
/// Kafka has no validator; kplay refuses values below `min` (negative timeouts, ...).
const fn kplay(java: Java, unit: Unit, min: i64) -> Ty {
    Ty::Num { java, unit, min: Some(min), max: None, kplay_min: true }
}
/// The one-line description is for the editor (`scripts/gen-properties.mjs` reads it from
/// this file) and the native CLI; the wasm module, which never shows it, leaves it out.
const fn p(name: &'static str, ty: Ty, default: &'static str, since: (u16, u16), doc: &'static str) -> PropDef {
    #[cfg(target_arch = "wasm32")]
    let _ = doc;
    PropDef {
        name,
        ty,
        default,
        since,
        modelled: !starts_with(doc, "Accepted; no effect in kplay yet"),
        #[cfg(not(target_arch = "wasm32"))]
        doc,
    }
}

const fn starts_with(s: &str, prefix: &str) -> bool {
    let (s, p) = (s.as_bytes(), prefix.as_bytes());
    if s.len() < p.len() {
        return false;
    }
    let mut i = 0;
    while i < p.len() {
        if s[i] != p[i] {
            return false;
        }
        i += 1;
    }
    true
}

use Java::{Int, Long};
use Unit::{Bytes, Centisecs, Ms, Plain, Seconds};

const DESERIALIZERS: &[(&str, &str)] = &[
    ("org.apache.kafka.common.serialization.ByteArrayDeserializer", "ByteArrayDeserializer"),
    ("org.apache.kafka.common.serialization.StringDeserializer", "StringDeserializer"),
];

/// `partition.assignment.strategy`: the assignors' class names, and kplay's short names
/// for them (the language contract's `range`, `roundrobin`, `sticky`, `cooperative-sticky`).
const ASSIGNORS: &[&str] = &[
    "org.apache.kafka.clients.consumer.RangeAssignor",
    "org.apache.kafka.clients.consumer.RoundRobinAssignor",
    "org.apache.kafka.clients.consumer.StickyAssignor",
    "org.apache.kafka.clients.consumer.CooperativeStickyAssignor",
    "range",
    "roundrobin",
    "sticky",
    "cooperative-sticky",
];

const SERIALIZERS: &[(&str, &str)] = &[
    ("org.apache.kafka.common.serialization.ByteArraySerializer", "ByteArraySerializer"),
    ("org.apache.kafka.common.serialization.StringSerializer", "StringSerializer"),
];
pub const ROUND_ROBIN: &str = "org.apache.kafka.clients.producer.RoundRobinPartitioner";
pub const DEFAULT_PARTITIONER: &str = "org.apache.kafka.clients.producer.internals.DefaultPartitioner";
pub const UNIFORM_STICKY: &str = "org.apache.kafka.clients.producer.UniformStickyPartitioner";

pub static PRODUCER: &[PropDef] = &[
    p("acks", Ty::Enum(&["all", "-1", "0", "1"]), "all", (2, 0), "How many replicas must have the batch before the leader answers: 0 (no answer), 1 (leader only), all/-1 (the whole ISR)."),
    p("batch.size", num(Int, Bytes, Some(0), None), "16384", (2, 0), "Upper bound of a batch's bytes per partition, header included; 0 means one record per batch."),
    p("buffer.memory", num(Long, Bytes, Some(0), None), "33554432", (2, 0), "Bytes the accumulator may hold; send() blocks up to max.block.ms when it is full."),
    p("client.id", Ty::Str { non_empty: false }, "", (2, 0), "Name in logs and metrics; unset means producer-<transactional.id> or producer-N (no effect on behaviour)."),
    p("compression.gzip.level", Ty::Level { min: 1, max: 9, or: Some(-1) }, "-1", (3, 8), "gzip level (KIP-390); -1 is the Deflater default."),
    p("compression.lz4.level", Ty::Level { min: 1, max: 17, or: None }, "9", (3, 8), "lz4 level (KIP-390)."),
    p("compression.type", Ty::Enum(&["none", "gzip", "snappy", "lz4", "zstd"]), "none", (2, 0), "Codec applied to each batch when it is drained."),
    p("compression.zstd.level", Ty::Level { min: -131072, max: 22, or: None }, "3", (3, 8), "zstd level (KIP-390)."),
    p("delivery.timeout.ms", num(Int, Ms, Some(0), None), "120000", (2, 1), "Upper bound from send() to the callback, retries included (KIP-91); must be >= linger.ms + request.timeout.ms."),
    p("enable.idempotence", Ty::Bool, "true", (2, 0), "Producer id + sequence numbers so retries cannot duplicate or reorder; needs acks=all, retries > 0, max.in.flight <= 5."),
    p("key.serializer", Ty::Class(SERIALIZERS), "org.apache.kafka.common.serialization.StringSerializer", (2, 0), "Accepted for familiarity; kplay keys are UTF-8 text (no effect)."),
    p("linger.ms", num(Long, Ms, Some(0), None), "5", (2, 0), "How long a batch waits for more records before it may be sent (5 from Kafka 4.0, 0 before)."),
    p("max.block.ms", num(Long, Ms, Some(0), None), "60000", (2, 0), "How long send() may block waiting for metadata or buffer space."),
    p("max.in.flight.requests.per.connection", num(Int, Plain, Some(1), None), "5", (2, 0), "Unanswered produce requests per broker connection; idempotence allows at most 5."),
    p("max.request.size", num(Int, Bytes, Some(0), None), "1048576", (2, 0), "Largest produce request (and largest record) the producer will send."),
    p("metadata.max.age.ms", num(Long, Ms, Some(0), None), "300000", (2, 0), "Metadata is refreshed at least this often."),
    p("partitioner.adaptive.partitioning.enable", Ty::Bool, "true", (3, 3), "Sticky partitioner favours partitions with shorter queues (KIP-794)."),
    p("partitioner.availability.timeout.ms", num(Long, Ms, Some(0), None), "0", (3, 3), "Skip partitions whose leader could not take data for this long; 0 disables (KIP-794)."),
    p("partitioner.class", Ty::Class(&[(ROUND_ROBIN, ""), (DEFAULT_PARTITIONER, ""), (UNIFORM_STICKY, "")]), "null", (2, 0), "null = built-in (murmur2 for keys, sticky for null keys); or RoundRobinPartitioner; DefaultPartitioner and UniformStickyPartitioner until 3.9 (removed in 4.0)."),
    p("partitioner.ignore.keys", Ty::Bool, "false", (3, 3), "Use the sticky partitioner even for keyed records (KIP-794)."),
    p("reconnect.backoff.max.ms", num(Long, Ms, Some(0), None), "1000", (2, 0), "Upper bound of the exponential reconnect backoff."),
    p("reconnect.backoff.ms", num(Long, Ms, Some(0), None), "50", (2, 0), "Wait before reconnecting to a broker."),
    p("request.timeout.ms", num(Int, Ms, Some(0), None), "30000", (2, 0), "How long the client waits for a produce response before failing the request (and retrying)."),
    p("retries", num(Int, Plain, Some(0), Some(2147483647)), "2147483647", (2, 0), "How many times a failed batch is retried (delivery.timeout.ms is the real bound)."),
    p("retry.backoff.max.ms", num(Long, Ms, Some(0), None), "1000", (3, 7), "Upper bound of the exponential retry backoff (KIP-580)."),
    p("retry.backoff.ms", num(Long, Ms, Some(0), None), "100", (2, 0), "Wait before retrying a failed batch (first step of the exponential backoff from 3.7)."),
    p("socket.connection.setup.timeout.max.ms", kplay(Long, Ms, 0), "30000", (2, 7), "Upper bound of the exponential connection-setup timeout (KIP-601)."),
    p("socket.connection.setup.timeout.ms", kplay(Long, Ms, 0), "10000", (2, 7), "How long a connection attempt may take before it is abandoned (KIP-601)."),
    p("transaction.timeout.ms", kplay(Int, Ms, 0), "60000", (2, 0), "The coordinator aborts a transaction open longer than this; must not exceed the broker's transaction.max.timeout.ms."),
    p("transactional.id", Ty::Str { non_empty: true }, "null", (2, 0), "Enables transactions (begin/commit/abort); implies idempotence; a restart with the same id fences the old producer."),
    p("value.serializer", Ty::Class(SERIALIZERS), "org.apache.kafka.common.serialization.StringSerializer", (2, 0), "Accepted for familiarity; kplay values are bytes (no effect)."),
];

pub static BROKER: &[PropDef] = &[
    p("auto.create.topics.enable", Ty::Bool, "true", (2, 0), "Accepted; no effect in kplay yet (topics are declared by topic lines)."),
    p("auto.leader.rebalance.enable", Ty::Bool, "true", (2, 0), "The KRaft controller moves leadership back to preferred replicas, leader.imbalance.check.interval.seconds after it sees a partition led by another replica."),
    p("broker.heartbeat.interval.ms", kplay(Int, Ms, 1), "2000", (2, 8), "KRaft: how often a broker heartbeats to the controller."),
    p("broker.session.timeout.ms", kplay(Int, Ms, 1), "9000", (2, 8), "KRaft: a broker without a heartbeat for this long is fenced and loses its leaderships."),
    p("compression.type", Ty::Enum(&["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"]), "producer", (2, 0), "Topics' default codec: producer keeps the producer's; another one makes the leader recompress each batch."),
    p("default.replication.factor", kplay(Int, Plain, 1), "1", (2, 0), "Replication factor of a topic line without replication.factor."),
    p("delete.topic.enable", Ty::Bool, "true", (2, 0), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("group.consumer.heartbeat.interval.ms", num(Int, Ms, Some(1), None), "5000", (3, 7), "KIP-848 groups (group.protocol=consumer): the heartbeat interval the coordinator gives its members; 5000 to 15000 (group.consumer.min/max.heartbeat.interval.ms)."),
    p("group.consumer.session.timeout.ms", num(Int, Ms, Some(1), None), "45000", (3, 7), "KIP-848 groups: a member the coordinator has not heard from for this long is removed and its partitions reassigned; 45000 to 60000 (group.consumer.min/max.session.timeout.ms)."),
    p("group.initial.rebalance.delay.ms", num(Int, Ms, None, None), "3000", (2, 0), "Classic groups: the first rebalance of an empty group waits this long for more members to join."),
    p("group.max.session.timeout.ms", num(Int, Ms, None, None), "1800000", (2, 0), "Classic groups: the largest session.timeout.ms a member may ask for; above it JoinGroup fails with INVALID_SESSION_TIMEOUT."),
    p("group.max.size", num(Int, Plain, Some(1), None), "2147483647", (2, 2), "Accepted; no effect in kplay yet (kplay does not limit a group's size)."),
    p("group.min.session.timeout.ms", num(Int, Ms, None, None), "6000", (2, 0), "Classic groups: the smallest session.timeout.ms a member may ask for; below it JoinGroup fails with INVALID_SESSION_TIMEOUT."),
    p("leader.imbalance.check.interval.seconds", num(Long, Seconds, Some(1), None), "300", (2, 0), "How often the controller checks leader imbalance."),
    p("leader.imbalance.per.broker.percentage", kplay(Int, Plain, 0), "10", (2, 0), "Read only by the ZooKeeper controller (removed in 4.0); KRaft ignores it."),
    p("log.cleaner.backoff.ms", num(Long, Ms, Some(0), None), "15000", (2, 0), "How long the cleaner thread sleeps when no log is cleanable."),
    p("log.cleaner.delete.retention.ms", num(Long, Ms, Some(0), None), "86400000", (2, 0), "Default for delete.retention.ms."),
    p("log.cleaner.enable", Ty::Bool, "true", (2, 0), "Whether the brokers run the log cleaner (compaction)."),
    p("log.cleaner.max.compaction.lag.ms", num(Long, Ms, Some(1), None), "9223372036854775807", (2, 3), "Default for max.compaction.lag.ms."),
    p("log.cleaner.min.cleanable.ratio", Ty::Ratio, "0.5", (2, 0), "Default for min.cleanable.dirty.ratio."),
    p("log.cleaner.min.compaction.lag.ms", num(Long, Ms, Some(0), None), "0", (2, 0), "Default for min.compaction.lag.ms."),
    p("log.cleaner.threads", num(Int, Plain, Some(0), None), "1", (2, 0), "Accepted; no effect in kplay yet (compaction is not modelled)."),
    p("log.cleanup.policy", Ty::List(&["compact", "delete"]), "delete", (2, 0), "Default for cleanup.policy."),
    p("log.flush.interval.messages", num(Long, Plain, Some(1), None), "9223372036854775807", (2, 0), "fsync after this many messages (offset difference); default never."),
    p("log.flush.interval.ms", kplay(Long, Ms, 0), "null", (2, 0), "fsync a log whose last flush is this old; null falls back to log.flush.scheduler.interval.ms."),
    p("log.flush.scheduler.interval.ms", kplay(Long, Ms, 0), "9223372036854775807", (2, 0), "How often the flusher checks logs; default never."),
    p("log.index.interval.bytes", num(Int, Bytes, Some(0), None), "4096", (2, 0), "Default for index.interval.bytes."),
    p("log.index.size.max.bytes", num(Int, Bytes, Some(4), None), "10485760", (2, 0), "Default for segment.index.bytes."),
    p("log.initial.task.delay.ms", kplay(Long, Ms, 0), "30000", (2, 0), "Delay before the first run of the log tasks, the log flusher among them."),
    p("log.message.timestamp.after.max.ms", num(Long, Ms, Some(0), None), "3600000", (3, 6), "A CreateTime further than this in the future is refused (INVALID_TIMESTAMP); 3600000 from 4.0, unlimited before (KIP-937, KIP-1030)."),
    p("log.message.timestamp.before.max.ms", num(Long, Ms, Some(0), None), "9223372036854775807", (3, 6), "A CreateTime older than this is refused (INVALID_TIMESTAMP) (KIP-937)."),
    p("log.message.timestamp.type", Ty::Enum(&["CreateTime", "LogAppendTime"]), "CreateTime", (2, 0), "CreateTime keeps the producer's timestamps; LogAppendTime makes the leader stamp each batch."),
    p("log.retention.bytes", num(Long, Bytes, None, None), "-1", (2, 0), "Default for retention.bytes."),
    p("log.retention.check.interval.ms", num(Long, Ms, Some(1), None), "300000", (2, 0), "How often the retention task deletes segments (first run at log.initial.task.delay.ms)."),
    p("log.retention.hours", num(Int, Plain, None, None), "168", (2, 0), "Default for retention.ms, when log.retention.ms and log.retention.minutes are unset."),
    p("log.retention.minutes", num(Int, Plain, None, None), "null", (2, 0), "Default for retention.ms, when log.retention.ms is unset."),
    p("log.retention.ms", num(Long, Ms, None, None), "null", (2, 0), "Default for retention.ms."),
    p("log.roll.hours", num(Int, Plain, Some(1), None), "168", (2, 0), "Default for segment.ms, when log.roll.ms is unset."),
    p("log.roll.jitter.hours", num(Int, Plain, Some(0), None), "0", (2, 0), "Default for segment.jitter.ms, when log.roll.jitter.ms is unset."),
    p("log.roll.jitter.ms", num(Long, Ms, None, None), "null", (2, 0), "Default for segment.jitter.ms."),
    p("log.roll.ms", num(Long, Ms, None, None), "null", (2, 0), "Default for segment.ms."),
    p("log.segment.bytes", num(Int, Bytes, Some(14), None), "1073741824", (2, 0), "Segment size; a roll flushes the old segment (minimum 1 MiB from Kafka 4.0)."),
    p("log.segment.delete.delay.ms", num(Long, Ms, Some(0), None), "60000", (2, 0), "Accepted; no effect in kplay yet (a deleted segment's file is removed at once; offsets move at deletion either way)."),
    p("message.max.bytes", num(Int, Bytes, Some(0), None), "1048588", (2, 0), "Largest record batch the broker accepts (MESSAGE_TOO_LARGE beyond)."),
    p("min.insync.replicas", num(Int, Plain, Some(1), None), "1", (2, 0), "acks=all writes need at least this many in-sync replicas (else NOT_ENOUGH_REPLICAS)."),
    p("num.io.threads", num(Int, Plain, Some(1), None), "8", (2, 0), "Request handler threads: each handles one request at a time (its CPU cost, fsyncs), one per connection (see hardware)."),
    p("num.network.threads", num(Int, Plain, Some(1), None), "3", (2, 0), "Network threads reading and writing sockets; accepted, not modelled (kplay's NIC model stands for them)."),
    p("num.partitions", num(Int, Plain, Some(1), None), "1", (2, 0), "Accepted; no effect in kplay yet (topics are declared by topic lines with their partitions)."),
    p("num.replica.fetchers", num(Int, Plain, None, None), "1", (2, 0), "Accepted; no effect in kplay yet (one fetcher per leader broker, as with the default)."),
    p("offsets.commit.timeout.ms", num(Int, Ms, Some(1), None), "5000", (2, 0), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("offsets.retention.minutes", num(Int, Plain, Some(1), None), "10080", (2, 0), "Accepted; no effect in kplay yet (committed offsets never expire in kplay)."),
    p("offsets.topic.num.partitions", num(Int, Plain, Some(1), None), "50", (2, 0), "Partitions of __consumer_offsets: a group's coordinator is the leader of partition abs(hash(group.id)) % this."),
    p("offsets.topic.replication.factor", num(Int, Plain, Some(1), Some(32767)), "3", (2, 0), "Accepted; no effect in kplay yet (kplay does not model the offsets topic's replication)."),
    p("producer.id.expiration.check.interval.ms", num(Int, Ms, Some(1), None), "600000", (3, 4), "Accepted; no effect in kplay yet (partition leaders never expire producer ids). Kafka (internal): The interval at which to remove producer IDs that have expired due to producer.id.expiration.ms passing."),
    p("producer.id.expiration.ms", num(Int, Ms, Some(1), None), "86400000", (3, 4), "Accepted; no effect in kplay yet (partition leaders never expire producer ids). Kafka: The time in ms that a topic partition leader will wait before expiring producer IDs. Producer IDs will not expire while a transaction associated to them is still ongoing."),
    p("replica.fetch.backoff.ms", num(Int, Ms, Some(0), None), "1000", (2, 0), "A follower waits this long after a fetch error."),
    p("replica.fetch.max.bytes", num(Int, Bytes, Some(0), None), "1048576", (2, 0), "Bytes a follower fetch asks per partition."),
    p("replica.fetch.min.bytes", kplay(Int, Bytes, 0), "1", (2, 0), "A follower fetch waits for at least this many bytes (up to replica.fetch.wait.max.ms)."),
    p("replica.fetch.response.max.bytes", num(Int, Bytes, Some(0), None), "10485760", (2, 0), "Bytes a whole follower fetch response may carry."),
    p("replica.fetch.wait.max.ms", kplay(Int, Ms, 0), "500", (2, 0), "How long a follower fetch may wait on the leader for data; must be <= replica.lag.time.max.ms and replica.socket.timeout.ms."),
    p("replica.high.watermark.checkpoint.interval.ms", kplay(Long, Ms, 1), "5000", (2, 0), "How often the high watermark is written to replication-offset-checkpoint."),
    p("replica.lag.time.max.ms", kplay(Long, Ms, 0), "30000", (2, 0), "A follower not caught up for this long leaves the ISR (30000 from 2.5, 10000 before)."),
    p("replica.socket.timeout.ms", kplay(Int, Ms, 0), "30000", (2, 0), "Socket timeout of follower fetches; must be >= replica.fetch.wait.max.ms."),
    p("transaction.abort.timed.out.transaction.cleanup.interval.ms", num(Int, Ms, Some(1), None), "10000", (2, 0), "How often the coordinator aborts transactions past their timeout."),
    p("transaction.max.timeout.ms", num(Int, Ms, Some(1), None), "900000", (2, 0), "Largest transaction.timeout.ms a producer may ask for (else INVALID_TRANSACTION_TIMEOUT)."),
    p("transaction.partition.verification.enable", Ty::Bool, "true", (3, 6), "Accepted; no effect in kplay yet (leaders add a partition to a transaction.version=2 transaction at its first write and verify no older transaction's writes, whatever this says). Kafka: Enable verification that checks that the partition has been added to the transaction before writing transactional records to the partition."),
    p("transaction.remove.expired.transaction.cleanup.interval.ms", num(Int, Ms, Some(1), None), "3600000", (2, 0), "Accepted; no effect in kplay yet (transactional ids never expire in kplay). Kafka: The interval at which to remove transactions that have expired due to transactional.id.expiration.ms passing."),
    p("transaction.state.log.load.buffer.size", num(Int, Bytes, Some(1), None), "5242880", (2, 0), "Accepted; no effect in kplay yet (the transaction log is a perfectly replicated store in kplay). Kafka: Batch size for reading from the transaction log segments when loading producer ids and transactions into the cache."),
    p("transaction.state.log.min.isr", num(Int, Plain, Some(1), None), "2", (2, 0), "Accepted; no effect in kplay yet (the transaction log is a perfectly replicated store in kplay)."),
    p("transaction.state.log.num.partitions", num(Int, Plain, Some(1), None), "50", (2, 0), "Accepted; no effect in kplay yet (the transaction log is a perfectly replicated store in kplay)."),
    p("transaction.state.log.replication.factor", num(Int, Plain, Some(1), Some(32767)), "3", (2, 0), "Accepted; no effect in kplay yet (the transaction log is a perfectly replicated store in kplay)."),
    p("transaction.state.log.segment.bytes", num(Int, Bytes, Some(1), None), "104857600", (2, 0), "Accepted; no effect in kplay yet (the transaction log is a perfectly replicated store in kplay). Kafka: The transaction topic segment bytes should be kept relatively small in order to facilitate faster log compaction and cache loads."),
    p("transactional.id.expiration.ms", num(Int, Ms, Some(1), None), "604800000", (2, 0), "Accepted; no effect in kplay yet (transactional ids never expire in kplay). Kafka: The time in ms that the transaction coordinator will wait without receiving any transaction status updates for the current transaction before expiring its transactional id."),
    p("unclean.leader.election.enable", Ty::Bool, "false", (2, 0), "Allow an out-of-sync replica to become leader when no ISR member is alive (acked data may be lost)."),
    p("vm.dirty_background_ratio", num(Int, Plain, Some(0), Some(100)), "10", (2, 0), "Linux sysctl, not Kafka (kplay extension): percent of the page cache dirty before the kernel writes back continuously."),
    p("vm.dirty_expire_centisecs", kplay(Int, Centisecs, 0), "3000", (2, 0), "Linux sysctl, not Kafka (kplay extension): dirty page-cache data older than this is written back."),
    p("vm.dirty_ratio", num(Int, Plain, Some(0), Some(100)), "20", (2, 0), "Linux sysctl, not Kafka (kplay extension): percent of the page cache dirty at which writers wait for the disk."),
    p("vm.dirty_writeback_centisecs", kplay(Int, Centisecs, 1), "500", (2, 0), "Linux sysctl, not Kafka (kplay extension): how often the kernel flusher wakes."),
];

pub static TOPIC: &[PropDef] = &[
    p(
        "cleanup.policy",
        Ty::List(&["compact", "delete"]),
        "delete",
        (2, 0),
        "delete: retention deletes old segments; compact: the log cleaner keeps the latest record per key; both, or neither (empty).",
    ),
    p("compression.gzip.level", Ty::Level { min: 1, max: 9, or: Some(-1) }, "-1", (3, 8), "Accepted; no effect in kplay yet (a topic that recompresses uses the codec's default level)."),
    p("compression.lz4.level", Ty::Level { min: 1, max: 17, or: None }, "9", (3, 8), "Accepted; no effect in kplay yet (a topic that recompresses uses the codec's default level)."),
    p(
        "compression.type",
        Ty::Enum(&["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"]),
        "producer",
        (2, 0),
        "producer keeps each batch's codec; any other value makes the leader recompress batches of another codec (uncompressed: none).",
    ),
    p("compression.zstd.level", Ty::Level { min: -131072, max: 22, or: None }, "3", (3, 8), "Accepted; no effect in kplay yet (a topic that recompresses uses the codec's default level)."),
    p("delete.retention.ms", num(Long, Ms, Some(0), None), "86400000", (2, 0), "How long the cleaner keeps tombstones and abort markers after it first saw them (their batch's delete horizon)."),
    p("file.delete.delay.ms", num(Long, Ms, Some(0), None), "60000", (2, 0), "Accepted; no effect in kplay yet (retention and segment deletion are not modelled)."),
    p(
        "flush.messages",
        num(Long, Plain, Some(1), None),
        "9223372036854775807",
        (2, 0),
        "fsync after this many messages; falls back to log.flush.interval.messages.",
    ),
    p(
        "flush.ms",
        num(Long, Ms, Some(0), None),
        "9223372036854775807",
        (2, 0),
        "fsync when the last flush is this old; falls back to log.flush.interval.ms.",
    ),
    p("index.interval.bytes", num(Int, Bytes, Some(0), None), "4096", (2, 0), "Bytes appended between offset and time index entries."),
    p("max.compaction.lag.ms", num(Long, Ms, Some(1), None), "9223372036854775807", (2, 3), "A dirty segment older than this is compacted even below min.cleanable.dirty.ratio."),
    p(
        "max.message.bytes",
        num(Int, Bytes, Some(0), None),
        "1048588",
        (2, 0),
        "Largest record batch this topic accepts; falls back to message.max.bytes.",
    ),
    p(
        "message.timestamp.after.max.ms",
        num(Long, Ms, Some(0), None),
        "3600000",
        (3, 6),
        "A record whose CreateTime is further than this in the future fails the batch with INVALID_TIMESTAMP (3600000 from 4.0, unlimited before).",
    ),
    p(
        "message.timestamp.before.max.ms",
        num(Long, Ms, Some(0), None),
        "9223372036854775807",
        (3, 6),
        "A record whose CreateTime is older than this fails the batch with INVALID_TIMESTAMP.",
    ),
    p(
        "message.timestamp.type",
        Ty::Enum(&["CreateTime", "LogAppendTime"]),
        "CreateTime",
        (2, 0),
        "CreateTime keeps the producer's timestamps; LogAppendTime makes the leader stamp each batch with its clock.",
    ),
    p("min.cleanable.dirty.ratio", Ty::Ratio, "0.5", (2, 0), "The cleaner cleans a log once its dirty bytes exceed this share of the log."),
    p("min.compaction.lag.ms", num(Long, Ms, Some(0), None), "0", (2, 0), "Segments with records newer than this are not compacted yet."),
    p(
        "min.insync.replicas",
        num(Int, Plain, Some(1), None),
        "1",
        (2, 0),
        "acks=all writes need this many in-sync replicas; may exceed the replication factor (then they always fail).",
    ),
    p("preallocate", Ty::Bool, "false", (2, 0), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("retention.bytes", num(Long, Bytes, None, None), "-1", (2, 0), "Retention deletes the oldest segments while the log stays at or above this size (-1: no limit)."),
    p(
        "retention.ms",
        num(Long, Ms, Some(-1), None),
        "604800000",
        (2, 0),
        "Retention deletes segments whose newest record is older than this (-1: no limit); never above the high watermark.",
    ),
    p(
        "segment.bytes",
        num(Int, Bytes, Some(14), None),
        "1073741824",
        (2, 0),
        "Segment size; falls back to log.segment.bytes (minimum 1 MiB from Kafka 4.1; 4.0 raised only the broker's log.segment.bytes).",
    ),
    p("segment.index.bytes", num(Int, Bytes, Some(4), None), "10485760", (2, 0), "Index file size: a segment rolls when its offset (8-byte entries) or time index (12-byte entries) is full."),
    p("segment.jitter.ms", num(Long, Ms, Some(0), None), "0", (2, 0), "A random amount (0 to this) subtracted from segment.ms for each segment."),
    p("segment.ms", num(Long, Ms, Some(1), None), "604800000", (2, 0), "A segment rolls when its first record is older than this (by record timestamps)."),
    p(
        "unclean.leader.election.enable",
        Ty::Bool,
        "false",
        (2, 0),
        "Allow an out-of-sync replica to become leader; falls back to the broker value.",
    ),
];

pub static CONSUMER: &[PropDef] = &[
    p("allow.auto.create.topics", Ty::Bool, "true", (2, 3), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("auto.commit.interval.ms", num(Int, Ms, Some(0), None), "5000", (2, 0), "With enable.auto.commit: poll() commits the positions of the records earlier polls returned once this long has passed since the last commit."),
    p("auto.offset.reset", Ty::Enum(&["latest", "earliest", "none"]), "latest", (2, 0), "Where a group consumer without a committed offset starts, and where a position the log no longer covers (OFFSET_OUT_OF_RANGE) goes: latest the log end, earliest the log start offset, none an error (NoOffsetForPartitionException). A consumer without group.id reading with the instant poll TOPIC form starts at the log start offset."),
    p("bootstrap.servers", Ty::Str { non_empty: false }, "", (2, 0), "Accepted; no effect in kplay yet (every client knows the cluster)."),
    p("check.crcs", Ty::Bool, "true", (2, 0), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("client.id", Ty::Str { non_empty: false }, "", (2, 0), "Accepted (no effect)."),
    p("client.rack", Ty::Str { non_empty: false }, "", (2, 4), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("connections.max.idle.ms", num(Long, Ms, None, None), "540000", (2, 0), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("default.api.timeout.ms", num(Int, Ms, Some(0), None), "60000", (2, 0), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("enable.auto.commit", Ty::Bool, "true", (2, 0), "poll() commits consumed positions every auto.commit.interval.ms; true by default with a group.id, false without one (setting it true without a group.id is an error)."),
    p("exclude.internal.topics", Ty::Bool, "true", (2, 0), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("fetch.max.bytes", num(Int, Bytes, Some(0), None), "52428800", (2, 0), "Bytes one fetch response may carry over all partitions (a first batch larger than this still comes back whole)."),
    p("fetch.max.wait.ms", num(Int, Ms, Some(0), None), "500", (2, 0), "How long the leader may hold a fetch that has less than fetch.min.bytes to return."),
    p("fetch.min.bytes", num(Int, Bytes, Some(0), None), "1", (2, 0), "Bytes a fetch waits for on the leader (up to fetch.max.wait.ms) before it is answered."),
    p("group.id", Ty::Str { non_empty: false }, "null", (2, 0), "The consumer group: subscribe and commit need one; the members of a group share the subscribed partitions and its committed offsets."),
    p("group.instance.id", Ty::Str { non_empty: false }, "null", (2, 3), "Static membership (KIP-345): a member that restarts with the same id within the session timeout gets its partitions back without a rebalance."),
    p("group.protocol", Ty::EnumCi(&["classic", "consumer"]), "classic", (3, 7), "classic: JoinGroup/SyncGroup with client-side assignors. consumer: KIP-848 (GA in 4.0): ConsumerGroupHeartbeat, the coordinator's server-side assignor, incremental reconciliation member by member (revoke first, then assign), no group-wide barrier."),
    p("group.remote.assignor", Ty::Str { non_empty: false }, "null", (3, 7), "group.protocol=consumer only: the server-side assignor the member asks the coordinator for, uniform or range (null: the coordinator's default, uniform)."),
    p("heartbeat.interval.ms", num(Int, Ms, None, None), "3000", (2, 0), "Classic protocol: how often the member heartbeats to the coordinator; must be below session.timeout.ms (KIP-848 groups use the brokers' group.consumer.heartbeat.interval.ms)."),
    p("isolation.level", Ty::Enum(&["read_committed", "read_uncommitted"]), "read_uncommitted", (2, 0), "read_uncommitted reads up to the high watermark; read_committed up to the last stable offset, without aborted data."),
    p("key.deserializer", Ty::Class(DESERIALIZERS), "org.apache.kafka.common.serialization.StringDeserializer", (2, 0), "Accepted; no effect in kplay yet (kplay keys are UTF-8 text)."),
    p("max.partition.fetch.bytes", num(Int, Bytes, Some(0), None), "1048576", (2, 0), "Bytes a fetch asks per partition (a first batch larger than this still comes back whole)."),
    p("max.poll.interval.ms", num(Int, Ms, Some(1), None), "300000", (2, 0), "Longest time between two poll() calls: past it the member leaves the group and its partitions are reassigned; also the classic rebalance timeout."),
    p("max.poll.records", num(Int, Plain, Some(1), None), "500", (2, 0), "Most records one poll() returns."),
    p("metadata.max.age.ms", num(Long, Ms, Some(0), None), "300000", (2, 0), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("partition.assignment.strategy", Ty::List(ASSIGNORS), "org.apache.kafka.clients.consumer.RangeAssignor,org.apache.kafka.clients.consumer.CooperativeStickyAssignor", (2, 0), "Classic protocol: the client-side assignors in order of preference (range, roundrobin, sticky, cooperative-sticky, or their class names); cooperative-sticky rebalances incrementally, the others revoke everything first."),
    p("receive.buffer.bytes", num(Int, Bytes, Some(-1), None), "65536", (2, 0), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("reconnect.backoff.max.ms", num(Long, Ms, Some(0), None), "1000", (2, 0), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("reconnect.backoff.ms", num(Long, Ms, Some(0), None), "50", (2, 0), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("request.timeout.ms", num(Int, Ms, Some(0), None), "30000", (2, 0), "How long the consumer waits for a response (fetch, offset commit, group requests) before failing the request and retrying."),
    p("retry.backoff.max.ms", num(Long, Ms, Some(0), None), "1000", (3, 7), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("retry.backoff.ms", num(Long, Ms, Some(0), None), "100", (2, 0), "Wait before retrying a failed request (finding the coordinator, committing offsets, a fetch error)."),
    p("send.buffer.bytes", num(Int, Bytes, Some(-1), None), "131072", (2, 0), "Accepted; no effect in kplay yet (kplay does not model it)."),
    p("session.timeout.ms", num(Int, Ms, None, None), "45000", (2, 0), "Classic protocol: a member without a heartbeat for this long is removed from the group; must lie within the brokers' group.min/max.session.timeout.ms (KIP-848 groups use group.consumer.session.timeout.ms)."),
    p("value.deserializer", Ty::Class(DESERIALIZERS), "org.apache.kafka.common.serialization.StringDeserializer", (2, 0), "Accepted; no effect in kplay yet (kplay values are bytes)."),
];

/// The table of a role.
pub fn table(role: Role) -> &'static [PropDef] {
    match role {
        Role::Producer => PRODUCER,
        Role::Broker => BROKER,
        Role::Topic => TOPIC,
        Role::Consumer => CONSUMER,
    }
}

pub fn find(role: Role, name: &str) -> Option<&'static PropDef> {
    table(role).iter().find(|d| d.name == name)
}

/// Kafka's default for `def` in version `v`, as Kafka prints it.
pub fn default_for(role: Role, def: &PropDef, v: KafkaVersion) -> &'static str {
    match (role, def.name) {
        (Role::Producer, "linger.ms") if !v.at_least(4, 0) => "0",
        (Role::Producer, "acks") if !v.at_least(3, 0) => "1",
        (Role::Producer, "enable.idempotence") if !v.at_least(3, 0) => "false",
        (Role::Producer, "retries") if !v.at_least(2, 1) => "0",
        // Before the property (3.3, KIP-794) the sticky partitioner was not adaptive.
        (Role::Producer, "partitioner.adaptive.partitioning.enable") if !v.at_least(3, 3) => "false",
        (Role::Broker, "replica.lag.time.max.ms") if !v.at_least(2, 5) => "10000",
        (Role::Broker, "transaction.abort.timed.out.transaction.cleanup.interval.ms") if !v.at_least(2, 5) => "60000",
        (Role::Broker, "log.message.timestamp.after.max.ms") | (Role::Topic, "message.timestamp.after.max.ms")
            if !v.at_least(4, 0) =>
        {
            "9223372036854775807"
        }
        _ => def.default,
    }
}

/// Kafka's default for property `name` of `role` in version `v`. Panics when the table
/// has no such property: the name is written in code.
pub fn default_named(role: Role, name: &str, v: KafkaVersion) -> &'static str {
    let def = find(role, name).unwrap_or_else(|| panic!("{name} is not in the {} table", role.name()));
    default_for(role, def, v)
}

/// A version-dependent lower bound replacing the table's, if any.
pub fn min_for(role: Role, def: &PropDef, v: KafkaVersion) -> Option<i64> {
    match (role, def.name) {
        // KAFKA-16368 (4.0.0) raised only the broker's minimum; the topic's followed in 4.1
        // (KAFKA-19080, which added internal.segment.bytes for tests).
        (Role::Broker, "log.segment.bytes") if v.at_least(4, 0) => Some(1_048_576),
        (Role::Topic, "segment.bytes") if v.at_least(4, 1) => Some(1_048_576),
        _ => None,
    }
}

/// The other roles that know `name`, for "put it on the topic or brokers line" hints.
pub fn roles_having(name: &str) -> Vec<Role> {
    [Role::Producer, Role::Broker, Role::Topic, Role::Consumer]
        .into_iter()
        .filter(|r| find(*r, name).is_some())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_and_unique() {
        for role in [Role::Producer, Role::Broker, Role::Topic, Role::Consumer] {
            let names: Vec<&str> = table(role).iter().map(|d| d.name).collect();
            let mut sorted = names.clone();
            sorted.sort_unstable();
            sorted.dedup();
            assert_eq!(names, sorted, "{role:?}");
        }
    }

    #[test]
    fn defaults_parse_under_their_own_validators() {
        for role in [Role::Producer, Role::Broker, Role::Topic, Role::Consumer] {
            for d in table(role) {
                for v in [KafkaVersion::new(2, 0, 0), KafkaVersion::new(3, 0, 0), KafkaVersion::DEFAULT] {
                    let text = default_for(role, d, v);
                    if text == "null" || (text.is_empty() && matches!(d.ty, Ty::Str { .. })) {
                        continue;
                    }
                    let min = if text == "1073741824" { None } else { min_for(role, d, v) };
                    assert!(super::super::props::parse_value(d, text, min).is_ok(), "{} = {text}", d.name);
                }
            }
        }
    }

    #[test]
    fn version_defaults() {
        let d = find(Role::Producer, "linger.ms").unwrap();
        assert_eq!(default_for(Role::Producer, d, KafkaVersion::new(3, 9, 0)), "0");
        assert_eq!(default_for(Role::Producer, d, KafkaVersion::DEFAULT), "5");
        assert_eq!(roles_having("min.insync.replicas"), [Role::Broker, Role::Topic]);
    }
}
