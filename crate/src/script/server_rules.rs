//! Broker, topic and consumer configuration rules and typed configs.
//!
//! - Broker: Kafka's `KafkaConfig` requirements among the replica settings
//!   (`replica.fetch.wait.max.ms` must be <= `replica.socket.timeout.ms` and <=
//!   `replica.lag.time.max.ms`; a Scala `require`, so the message starts with
//!   "requirement failed:"), then the typed [`BrokerConfig`].
//! - Topic: each unset topic config falls back to the broker line's value
//!   (`TopicConfig::from_broker`'s mapping; `Source::Derived` when the broker line set
//!   it), then the typed [`TopicConfig`]. A `min.insync.replicas` above the replication
//!   factor is accepted as Kafka does, with a note on what it means in that version.
//! - Consumer: the typed [`ConsumerConfig`].

use super::errors::Diagnostic;
use super::producer_rules::ms_to_us;
use super::props::Val;
use super::settings::Settings;
use crate::config::{
    AutoOffsetReset, BrokerConfig, CompressionType, ConsumerConfig, IsolationLevel, KafkaVersion, Source, TopicConfig,
};

fn u16_of(n: i64) -> u16 {
    u16::try_from(n.max(0)).unwrap_or(u16::MAX)
}
fn u32_of(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}
fn u64_of(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}
/// Long.MAX_VALUE ms means "never".
fn never_or_us(ms: i64) -> Option<u64> {
    (ms != i64::MAX).then(|| ms_to_us(ms))
}

/// Checks the `KafkaConfig` requirements; errors point at whichever of the two
/// properties the scenario set (the later one on the line when both are).
pub fn check_broker(s: &Settings, notes: &mut Vec<String>, diags: &mut Vec<Diagnostic>) {
    let wait = s.int("replica.fetch.wait.max.ms", 500);
    let pairs = [
        ("replica.socket.timeout.ms", "requirement failed: replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts"),
        ("replica.lag.time.max.ms", "requirement failed: replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR"),
    ];
    for (other, msg) in pairs {
        let bound = s.int(other, i64::MAX);
        if wait <= bound {
            continue;
        }
        let a = s.loc("replica.fetch.wait.max.ms");
        let b = s.loc(other);
        let loc = match (a, b) {
            (Some(a), Some(b)) => Some(if b.col > a.col { b } else { a }),
            (a, b) => a.or(b),
        };
        if let Some(loc) = loc {
            let hint = format!(
                "replica.fetch.wait.max.ms={wait} but {other}={bound}: keep replica.fetch.wait.max.ms <= {other}"
            );
            diags.push(loc.diag(msg, hint));
        }
    }
    let hb = s.int("broker.heartbeat.interval.ms", 2_000);
    let session = s.int("broker.session.timeout.ms", 9_000);
    if (s.is_set("broker.session.timeout.ms") || s.is_set("broker.heartbeat.interval.ms")) && hb >= session {
        notes.push(format!("brokers: broker.heartbeat.interval.ms={hb} is not below broker.session.timeout.ms={session}: the controller will fence brokers between their heartbeats"));
    }
    if s.is_set("leader.imbalance.per.broker.percentage") {
        notes.push("brokers: leader.imbalance.per.broker.percentage has no effect: only the ZooKeeper controller read it; the KRaft controller balances as soon as one partition's leader is not its preferred replica".to_string());
    }
}

pub fn broker_config(s: &Settings) -> BrokerConfig {
    let d = BrokerConfig::default();
    BrokerConfig {
        min_insync_replicas: u16_of(s.int("min.insync.replicas", 1)),
        unclean_leader_election_enable: s.bool("unclean.leader.election.enable", false),
        replica_lag_time_max_us: ms_to_us(s.int("replica.lag.time.max.ms", 30_000)),
        replica_fetch_wait_max_us: ms_to_us(s.int("replica.fetch.wait.max.ms", 500)),
        replica_fetch_min_bytes: u32_of(s.int("replica.fetch.min.bytes", 1)),
        replica_fetch_max_bytes: u32_of(s.int("replica.fetch.max.bytes", 1_048_576)),
        replica_fetch_response_max_bytes: u32_of(s.int("replica.fetch.response.max.bytes", 10_485_760)),
        replica_fetch_backoff_us: ms_to_us(s.int("replica.fetch.backoff.ms", 1_000)),
        replica_socket_timeout_us: ms_to_us(s.int("replica.socket.timeout.ms", 30_000)),
        log_flush_interval_messages: u64_of(s.int("log.flush.interval.messages", i64::MAX)),
        log_flush_interval_us: s.get("log.flush.interval.ms").and_then(Val::as_int).map(ms_to_us),
        log_flush_scheduler_interval_us: never_or_us(s.int("log.flush.scheduler.interval.ms", i64::MAX)),
        log_initial_task_delay_us: ms_to_us(s.int("log.initial.task.delay.ms", 30_000)),
        log_segment_bytes: u64_of(s.int("log.segment.bytes", 1_073_741_824)),
        log_retention_check_interval_us: ms_to_us(s.int("log.retention.check.interval.ms", 300_000)),
        log_cleaner_enable: s.bool("log.cleaner.enable", true),
        log_cleaner_backoff_us: ms_to_us(s.int("log.cleaner.backoff.ms", 15_000)),
        message_max_bytes: u32_of(s.int("message.max.bytes", 1_048_588)),
        broker_session_timeout_us: ms_to_us(s.int("broker.session.timeout.ms", 9_000)),
        broker_heartbeat_interval_us: ms_to_us(s.int("broker.heartbeat.interval.ms", 2_000)),
        hw_checkpoint_interval_us: ms_to_us(s.int("replica.high.watermark.checkpoint.interval.ms", 5_000)),
        transaction_max_timeout_us: ms_to_us(s.int("transaction.max.timeout.ms", 900_000)),
        transaction_abort_cleanup_interval_us: ms_to_us(
            s.int("transaction.abort.timed.out.transaction.cleanup.interval.ms", 10_000),
        ),
        auto_leader_rebalance_enable: s.bool("auto.leader.rebalance.enable", true),
        leader_imbalance_check_interval_us: u64_of(s.int("leader.imbalance.check.interval.seconds", 300))
            .saturating_mul(1_000_000),
        leader_imbalance_per_broker_percentage: u32_of(s.int("leader.imbalance.per.broker.percentage", 10)),
        num_io_threads: u32_of(s.int("num.io.threads", 8)),
        dirty_writeback_centisecs: u32_of(
            s.int("vm.dirty_writeback_centisecs", i64::from(d.dirty_writeback_centisecs)),
        ),
        dirty_expire_centisecs: u32_of(s.int("vm.dirty_expire_centisecs", i64::from(d.dirty_expire_centisecs))),
        dirty_background_ratio: u32_of(s.int("vm.dirty_background_ratio", i64::from(d.dirty_background_ratio))),
        dirty_ratio: u32_of(s.int("vm.dirty_ratio", i64::from(d.dirty_ratio))),
    }
}

/// Fills unset topic configs from the broker line (Kafka's topic → broker fallback).
pub fn inherit_topic(t: &mut Settings, b: &Settings) {
    const MAP: [(&str, &str); 18] = [
        ("cleanup.policy", "log.cleanup.policy"),
        ("compression.type", "compression.type"),
        ("delete.retention.ms", "log.cleaner.delete.retention.ms"),
        ("index.interval.bytes", "log.index.interval.bytes"),
        ("max.compaction.lag.ms", "log.cleaner.max.compaction.lag.ms"),
        ("message.timestamp.after.max.ms", "log.message.timestamp.after.max.ms"),
        ("message.timestamp.before.max.ms", "log.message.timestamp.before.max.ms"),
        ("message.timestamp.type", "log.message.timestamp.type"),
        ("flush.messages", "log.flush.interval.messages"),
        ("max.message.bytes", "message.max.bytes"),
        ("min.cleanable.dirty.ratio", "log.cleaner.min.cleanable.ratio"),
        ("min.compaction.lag.ms", "log.cleaner.min.compaction.lag.ms"),
        ("min.insync.replicas", "min.insync.replicas"),
        ("retention.bytes", "log.retention.bytes"),
        ("segment.bytes", "log.segment.bytes"),
        ("segment.index.bytes", "log.index.size.max.bytes"),
        ("unclean.leader.election.enable", "unclean.leader.election.enable"),
        ("file.delete.delay.ms", "log.segment.delete.delay.ms"),
    ];
    for (topic_name, broker_name) in MAP {
        if t.is_set(topic_name) {
            continue;
        }
        if let Some(e) = b.entries.get(broker_name) {
            if e.source != Source::Default {
                t.derive(topic_name, e.val.clone());
            }
        }
    }
    if !t.is_set("flush.ms") {
        // flush.ms ← log.flush.interval.ms, or log.flush.scheduler.interval.ms when null.
        let from = match b.get("log.flush.interval.ms") {
            Some(Val::Int(_)) => "log.flush.interval.ms",
            _ => "log.flush.scheduler.interval.ms",
        };
        if let Some(e) = b.entries.get(from) {
            if e.source != Source::Default {
                t.derive("flush.ms", e.val.clone());
            }
        }
    }
    // Kafka's synonyms in unit order (`ServerTopicConfigSynonyms`): the first set wins.
    let synonyms: [(&str, &[(&str, i64)]); 3] = [
        (
            "retention.ms",
            &[("log.retention.ms", 1), ("log.retention.minutes", 60_000), ("log.retention.hours", 3_600_000)],
        ),
        ("segment.ms", &[("log.roll.ms", 1), ("log.roll.hours", 3_600_000)]),
        ("segment.jitter.ms", &[("log.roll.jitter.ms", 1), ("log.roll.jitter.hours", 3_600_000)]),
    ];
    for (topic_name, sources) in synonyms {
        if t.is_set(topic_name) {
            continue;
        }
        let found = sources.iter().find_map(|&(name, unit)| {
            b.entries.get(name).filter(|e| e.source != Source::Default).and_then(|e| e.val.as_int()).map(|v| (v, unit))
        });
        if let Some((v, unit)) = found {
            // A negative retention means no limit in every unit (-1 minutes is -1 ms).
            let ms = if v < 0 { -1 } else { v.saturating_mul(unit) };
            t.derive(topic_name, Val::Int(ms));
        }
    }
}

/// Kafka accepts `min.insync.replicas` above the replication factor; say what follows.
pub fn min_isr_note(topic: &str, t: &Settings, rf: u16, v: KafkaVersion) -> Option<String> {
    let min_isr = t.int("min.insync.replicas", 1);
    if min_isr <= i64::from(rf) {
        return None;
    }
    Some(if v.at_least(3, 7) {
        format!("topic {topic}: min.insync.replicas={min_isr} is larger than replication.factor={rf}; Kafka {v} accepts it and uses min(min.insync.replicas, replicas) = {rf} when checking acks=all writes")
    } else {
        format!("topic {topic}: min.insync.replicas={min_isr} is larger than replication.factor={rf}; Kafka {v} accepts it, and every acks=all write then fails with NOT_ENOUGH_REPLICAS")
    })
}

pub fn topic_config(t: &Settings) -> TopicConfig {
    TopicConfig {
        min_insync_replicas: u16_of(t.int("min.insync.replicas", 1)),
        unclean_leader_election_enable: t.bool("unclean.leader.election.enable", false),
        flush_messages: u64_of(t.int("flush.messages", i64::MAX)),
        flush_us: never_or_us(t.int("flush.ms", i64::MAX)),
        segment_bytes: u64_of(t.int("segment.bytes", 1_073_741_824)),
        segment_ms: t.int("segment.ms", 604_800_000),
        segment_jitter_ms: t.int("segment.jitter.ms", 0),
        segment_index_bytes: u64_of(t.int("segment.index.bytes", 10_485_760)),
        index_interval_bytes: u64_of(t.int("index.interval.bytes", 4096)),
        retention_ms: t.int("retention.ms", 604_800_000),
        retention_bytes: t.int("retention.bytes", -1),
        cleanup_delete: cleanup_policy(t).0,
        cleanup_compact: cleanup_policy(t).1,
        min_cleanable_dirty_ratio: t
            .str("min.cleanable.dirty.ratio")
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.5),
        delete_retention_ms: t.int("delete.retention.ms", 86_400_000),
        min_compaction_lag_ms: t.int("min.compaction.lag.ms", 0),
        max_compaction_lag_ms: t.int("max.compaction.lag.ms", i64::MAX),
        max_message_bytes: u32_of(t.int("max.message.bytes", 1_048_588)),
        compression: match t.str("compression.type").unwrap_or("producer") {
            "uncompressed" => Some(CompressionType::None),
            "gzip" => Some(CompressionType::Gzip),
            "snappy" => Some(CompressionType::Snappy),
            "lz4" => Some(CompressionType::Lz4),
            "zstd" => Some(CompressionType::Zstd),
            _ => None,
        },
        log_append_time: t.str("message.timestamp.type") == Some("LogAppendTime"),
        timestamp_before_max_ms: t.int("message.timestamp.before.max.ms", i64::MAX),
        timestamp_after_max_ms: t.int("message.timestamp.after.max.ms", i64::MAX),
    }
}

/// `cleanup.policy`: (delete, compact). An empty list is neither (Kafka 4.0 allows it:
/// infinite retention, no compaction).
pub fn cleanup_policy(t: &Settings) -> (bool, bool) {
    match t.str("cleanup.policy") {
        Some(v) => (v.split(',').any(|i| i.trim() == "delete"), v.split(',').any(|i| i.trim() == "compact")),
        None => (true, false),
    }
}

pub fn consumer_config(c: &Settings) -> ConsumerConfig {
    let level = match c.str("isolation.level") {
        Some("read_committed") => IsolationLevel::ReadCommitted,
        _ => IsolationLevel::ReadUncommitted,
    };
    let auto_offset_reset = match c.str("auto.offset.reset") {
        Some("earliest") => AutoOffsetReset::Earliest,
        Some("none") => AutoOffsetReset::None,
        _ => AutoOffsetReset::Latest,
    };
    ConsumerConfig { auto_offset_reset, isolation_level: level, isolation_level_explicit: c.is_set("isolation.level") }
}
