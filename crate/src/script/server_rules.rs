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
//! - Group coordinator (brokers, from 3.7): the KIP-848 session and heartbeat of
//!   `group.consumer.*` must lie within Kafka's bounds ([`check_group_coordinator`]).
//! - Consumer: Kafka's construction rules ([`check_consumer`]: `ConsumerConfig`'s
//!   `maybeOverrideEnableAutoCommit` and `checkUnsupportedConfigs`, the empty group id,
//!   `JoinGroupRequest.validateGroupInstanceId`, `Heartbeat`'s interval below the session
//!   timeout, the coordinator's server-side assignors), then the typed [`ConsumerConfig`].

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
    let wait = s.int("replica.fetch.wait.max.ms");
    let pairs = [
        ("replica.socket.timeout.ms", "requirement failed: replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts"),
        ("replica.lag.time.max.ms", "requirement failed: replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR"),
    ];
    for (other, msg) in pairs {
        let bound = s.int(other);
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
    let hb = s.int("broker.heartbeat.interval.ms");
    let session = s.int("broker.session.timeout.ms");
    if (s.is_set("broker.session.timeout.ms") || s.is_set("broker.heartbeat.interval.ms")) && hb >= session {
        notes.push(format!("brokers: broker.heartbeat.interval.ms={hb} is not below broker.session.timeout.ms={session}: the controller will fence brokers between their heartbeats"));
    }
    if s.is_set("leader.imbalance.per.broker.percentage") {
        notes.push("brokers: leader.imbalance.per.broker.percentage has no effect: only the ZooKeeper controller read it; the KRaft controller balances as soon as one partition's leader is not its preferred replica".to_string());
    }
}

pub fn broker_config(s: &Settings) -> BrokerConfig {
    BrokerConfig {
        min_insync_replicas: u16_of(s.int("min.insync.replicas")),
        unclean_leader_election_enable: s.bool("unclean.leader.election.enable"),
        replica_lag_time_max_us: ms_to_us(s.int("replica.lag.time.max.ms")),
        replica_fetch_wait_max_us: ms_to_us(s.int("replica.fetch.wait.max.ms")),
        replica_fetch_min_bytes: u32_of(s.int("replica.fetch.min.bytes")),
        replica_fetch_max_bytes: u32_of(s.int("replica.fetch.max.bytes")),
        replica_fetch_response_max_bytes: u32_of(s.int("replica.fetch.response.max.bytes")),
        replica_fetch_backoff_us: ms_to_us(s.int("replica.fetch.backoff.ms")),
        replica_socket_timeout_us: ms_to_us(s.int("replica.socket.timeout.ms")),
        log_flush_interval_messages: u64_of(s.int("log.flush.interval.messages")),
        log_flush_interval_us: s.get("log.flush.interval.ms").and_then(Val::as_int).map(ms_to_us),
        log_flush_scheduler_interval_us: never_or_us(s.int("log.flush.scheduler.interval.ms")),
        log_initial_task_delay_us: ms_to_us(s.int("log.initial.task.delay.ms")),
        log_segment_bytes: u64_of(s.int("log.segment.bytes")),
        log_retention_check_interval_us: ms_to_us(s.int("log.retention.check.interval.ms")),
        log_cleaner_enable: s.bool("log.cleaner.enable"),
        log_cleaner_backoff_us: ms_to_us(s.int("log.cleaner.backoff.ms")),
        message_max_bytes: u32_of(s.int("message.max.bytes")),
        broker_session_timeout_us: ms_to_us(s.int("broker.session.timeout.ms")),
        broker_heartbeat_interval_us: ms_to_us(s.int("broker.heartbeat.interval.ms")),
        hw_checkpoint_interval_us: ms_to_us(s.int("replica.high.watermark.checkpoint.interval.ms")),
        transaction_max_timeout_us: ms_to_us(s.int("transaction.max.timeout.ms")),
        group_initial_rebalance_delay_us: ms_to_us(s.int("group.initial.rebalance.delay.ms")),
        group_min_session_timeout_us: ms_to_us(s.int("group.min.session.timeout.ms")),
        group_max_session_timeout_us: ms_to_us(s.int("group.max.session.timeout.ms")),
        group_consumer_session_timeout_us: ms_to_us(s.int("group.consumer.session.timeout.ms")),
        group_consumer_heartbeat_interval_us: ms_to_us(s.int("group.consumer.heartbeat.interval.ms")),
        offsets_topic_num_partitions: u32_of(s.int("offsets.topic.num.partitions")),
        transaction_abort_cleanup_interval_us: ms_to_us(
            s.int("transaction.abort.timed.out.transaction.cleanup.interval.ms"),
        ),
        auto_leader_rebalance_enable: s.bool("auto.leader.rebalance.enable"),
        leader_imbalance_check_interval_us: u64_of(s.int("leader.imbalance.check.interval.seconds"))
            .saturating_mul(1_000_000),
        leader_imbalance_per_broker_percentage: u32_of(s.int("leader.imbalance.per.broker.percentage")),
        num_io_threads: u32_of(s.int("num.io.threads")),
        dirty_writeback_centisecs: u32_of(s.int("vm.dirty_writeback_centisecs")),
        dirty_expire_centisecs: u32_of(s.int("vm.dirty_expire_centisecs")),
        dirty_background_ratio: u32_of(s.int("vm.dirty_background_ratio")),
        dirty_ratio: u32_of(s.int("vm.dirty_ratio")),
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
    let min_isr = t.int("min.insync.replicas");
    if min_isr <= i64::from(rf) {
        return None;
    }
    Some(if v.at_least(3, 7) {
        format!("topic {topic}: min.insync.replicas={min_isr} is larger than replication.factor={rf}; Kafka {v} accepts it and uses min(min.insync.replicas, replicas) = {rf} when checking acks=all writes")
    } else {
        format!("topic {topic}: min.insync.replicas={min_isr} is larger than replication.factor={rf}; Kafka {v} accepts it, and every acks=all write then fails with NOT_ENOUGH_REPLICAS")
    })
}

/// `LogConfig.validateValues`: min.compaction.lag.ms may not exceed max.compaction.lag.ms
/// (after the topic inherits the brokers' log.cleaner.* values).
pub fn check_topic(t: &Settings, diags: &mut Vec<Diagnostic>) {
    const MIN: &str = "min.compaction.lag.ms";
    const MAX: &str = "max.compaction.lag.ms";
    let (min, max) = (t.int(MIN), t.int(MAX));
    if min <= max {
        return;
    }
    let loc = match (t.loc(MIN), t.loc(MAX)) {
        (Some(a), Some(b)) => Some(if b.col > a.col { b } else { a }),
        (a, b) => a.or(b),
    };
    if let Some(loc) = loc {
        diags.push(loc.diag(
            format!("conflict topic config setting {MIN} ({min}) > {MAX} ({max})"),
            format!("keep {MIN} <= {MAX}: a record becomes compactable after {MIN} and must be compacted by {MAX}"),
        ));
    }
}

pub fn topic_config(t: &Settings) -> TopicConfig {
    TopicConfig {
        min_insync_replicas: u16_of(t.int("min.insync.replicas")),
        unclean_leader_election_enable: t.bool("unclean.leader.election.enable"),
        flush_messages: u64_of(t.int("flush.messages")),
        flush_us: never_or_us(t.int("flush.ms")),
        segment_bytes: u64_of(t.int("segment.bytes")),
        segment_ms: t.int("segment.ms"),
        segment_jitter_ms: t.int("segment.jitter.ms"),
        segment_index_bytes: u64_of(t.int("segment.index.bytes")),
        index_interval_bytes: u64_of(t.int("index.interval.bytes")),
        retention_ms: t.int("retention.ms"),
        retention_bytes: t.int("retention.bytes"),
        cleanup_delete: cleanup_policy(t).0,
        cleanup_compact: cleanup_policy(t).1,
        min_cleanable_dirty_ratio: t
            .text("min.cleanable.dirty.ratio")
            .parse::<f64>()
            .expect("min.cleanable.dirty.ratio passed its validator, which parses it as a DOUBLE"),
        delete_retention_ms: t.int("delete.retention.ms"),
        min_compaction_lag_ms: t.int("min.compaction.lag.ms"),
        max_compaction_lag_ms: t.int("max.compaction.lag.ms"),
        max_message_bytes: u32_of(t.int("max.message.bytes")),
        compression: match t.text("compression.type") {
            "uncompressed" => Some(CompressionType::None),
            "gzip" => Some(CompressionType::Gzip),
            "snappy" => Some(CompressionType::Snappy),
            "lz4" => Some(CompressionType::Lz4),
            "zstd" => Some(CompressionType::Zstd),
            _ => None,
        },
        log_append_time: t.str("message.timestamp.type") == Some("LogAppendTime"),
        timestamp_before_max_ms: t.int("message.timestamp.before.max.ms"),
        timestamp_after_max_ms: t.int("message.timestamp.after.max.ms"),
    }
}

/// `cleanup.policy`: (delete, compact). An empty list is neither (Kafka 4.0 allows it:
/// infinite retention, no compaction).
pub fn cleanup_policy(t: &Settings) -> (bool, bool) {
    let v = t.text("cleanup.policy");
    (v.split(',').any(|i| i.trim() == "delete"), v.split(',').any(|i| i.trim() == "compact"))
}

/// Kafka's bounds on the brokers' KIP-848 heartbeat and session (`GroupCoordinatorConfig`;
/// `KafkaConfig.validateValues` in 3.7 and 3.8). kplay has no `group.consumer.min.*` and
/// `group.consumer.max.*` properties, so they keep Kafka's defaults: heartbeat 5000 to
/// 15000 ms, session 45000 to 60000 ms. Kafka stops at the first failed requirement, and
/// so does this check.
pub fn check_group_coordinator(b: &Settings, v: KafkaVersion, diags: &mut Vec<Diagnostic>) {
    if !v.at_least(3, 7) {
        return;
    }
    const HB: &str = "group.consumer.heartbeat.interval.ms";
    const SESSION: &str = "group.consumer.session.timeout.ms";
    let hb = b.int(HB);
    let session = b.int(SESSION);
    let checks = [
        (HB, hb >= 5_000, "greater", "group.consumer.min.heartbeat.interval.ms", 5_000),
        (HB, hb <= 15_000, "less", "group.consumer.max.heartbeat.interval.ms", 15_000),
        (SESSION, session >= 45_000, "greater", "group.consumer.min.session.timeout.ms", 45_000),
        (SESSION, session <= 60_000, "less", "group.consumer.max.session.timeout.ms", 60_000),
    ];
    let Some(&(name, _, rel, bound, value)) = checks.iter().find(|c| !c.1) else { return };
    let Some(loc) = b.loc(name) else { return };
    // 3.7 and 3.8: a Scala `require` ("requirement failed: ", "equals to"); 3.9: Java's
    // `Utils.require` (no prefix), still "equals to"; 4.0: "equal to".
    let message = if v.at_least(4, 0) {
        format!("{name} must be {rel} than or equal to {bound}")
    } else if v.at_least(3, 9) {
        format!("{name} must be {rel} than or equals to {bound}")
    } else {
        format!("requirement failed: {name} must be {rel} than or equals to {bound}")
    };
    let (lo, hi) = if name == HB { (5_000, 15_000) } else { (45_000, 60_000) };
    diags.push(loc.diag(
        message,
        format!("Kafka {v}'s brokers would not start: {bound} is {value} (kplay keeps Kafka's default), so {name} takes {lo} to {hi}"),
    ));
}

/// Kafka's `Topic.validate` wording for a `group.instance.id` (`JoinGroupRequest.validateGroupInstanceId`),
/// as release `v` words it; `None` when the id is valid.
fn group_instance_id_error(id: &str, v: KafkaVersion) -> Option<String> {
    let len = id.encode_utf16().count();
    let legal = id.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-');
    if v.at_least(3, 3) {
        let why = if id.is_empty() {
            "the empty string is not allowed".to_string()
        } else if id == "." || id == ".." {
            format!("'{id}' is not allowed")
        } else if len > 249 {
            format!("the length of '{id}' is longer than the max allowed length 249")
        } else if !legal {
            format!("'{id}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'")
        } else {
            return None;
        };
        return Some(format!("Group instance id is invalid: {why}"));
    }
    let (empty, long) = if v.at_least(3, 0) {
        (
            "Group instance id is illegal, it can't be empty".to_string(),
            format!("Group instance id is illegal, it can't be longer than 249 characters, Group instance id: {id}"),
        )
    } else {
        (
            "Group instance id must be non-empty string".to_string(),
            format!("Group instance id can't be longer than 249 characters: {id}"),
        )
    };
    Some(if id.is_empty() {
        empty
    } else if id == "." || id == ".." {
        "Group instance id cannot be \".\" or \"..\"".to_string()
    } else if len > 249 {
        long
    } else if !legal {
        format!("Group instance id \"{id}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'")
    } else {
        return None;
    })
}

/// Kafka's rules when a consumer is constructed with these settings; `b` is the brokers'
/// line (its classic session bounds). May derive `enable.auto.commit=false` (Kafka's
/// `maybeOverrideEnableAutoCommit` without a group.id).
pub fn check_consumer(
    name: &str,
    c: &mut Settings,
    v: KafkaVersion,
    b: &Settings,
    notes: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) {
    // Set on the line with a non-blank value (Kafka: `originals().get(k)` non-null and
    // not blank).
    let given = |c: &Settings, k: &str| c.is_set(k) && c.get(k).is_some_and(|x| !x.kafka_string().trim().is_empty());
    let group = c.str("group.id").map(str::to_string);
    // As the typed config reads it: a group needs a non-empty name.
    let has_group = group.as_deref().is_some_and(|g| !g.trim().is_empty() && g != "null");
    let consumer_protocol = c.str("group.protocol") == Some("consumer");
    let name_it = "give the group a name (group.id=NAME), or leave group.id out for a consumer without a group";

    // The empty group id: an InvalidGroupIdException from the constructor (the classic
    // consumer from 4.0; the KIP-848 one since 3.7); before, a deprecation warning.
    if let (Some(g), Some(loc)) = (&group, c.loc("group.id")) {
        if g.trim().is_empty() {
            let message = if v.at_least(4, 0) || consumer_protocol {
                "The configured group.id should not be an empty string or whitespace.".to_string()
            } else {
                format!("kplay does not model the empty group id (Kafka {v} accepts it and warns: Support for using the empty group id by consumers is deprecated and will be removed in the next major release.)")
            };
            diags.push(loc.diag(message, name_it));
        }
    }

    // ConsumerConfig.maybeOverrideEnableAutoCommit: without a group.id, auto commit is off,
    // and asking for it is an error (from 2.2, KIP-289; before, the default group id was "").
    if group.is_none() || group.as_deref() == Some("null") {
        if !c.is_set("enable.auto.commit") {
            c.derive("enable.auto.commit", Val::Bool(false));
        } else if c.bool("enable.auto.commit") {
            if let Some(loc) = c.loc("enable.auto.commit") {
                let message = if v.at_least(2, 2) {
                    "enable.auto.commit cannot be set to true when default group id (null) is used.".to_string()
                } else {
                    format!("enable.auto.commit=true needs a group.id: Kafka {v}'s default group id is the empty string, which kplay does not model")
                };
                diags.push(loc.diag(
                    message,
                    format!(
                        "auto commit needs a group: add group.id=NAME to consumer {name}, or drop enable.auto.commit"
                    ),
                ));
            }
        }
    }

    // JoinGroupRequest.validateGroupInstanceId (ConsumerConfig.maybeOverrideClientId and
    // GroupRebalanceConfig run it whether or not there is a group).
    if let (Some(id), Some(loc)) = (c.str("group.instance.id"), c.loc("group.instance.id")) {
        if let Some(message) = group_instance_id_error(id, v) {
            diags.push(loc.diag(
                message,
                "a group.instance.id is 1 to 249 of ASCII letters, digits, '.', '_' and '-' (not . or ..)",
            ));
        } else if !has_group {
            notes.push(format!("consumer {name}: group.instance.id has no effect without a group.id (Kafka ignores it: there is no membership, static or not)"));
        }
    }

    let assignor = c.str("group.remote.assignor").map(str::trim).filter(|a| !a.is_empty()).map(str::to_string);
    if !consumer_protocol {
        // ConsumerConfig.checkGroupRemoteAssignor (3.9), checkUnsupportedConfigs (4.0).
        if let (Some(_), Some(loc)) = (&assignor, c.loc("group.remote.assignor")) {
            if v.at_least(3, 9) {
                diags.push(loc.diag(
                    "group.remote.assignor cannot be set when group.protocol=CLASSIC",
                    "group.remote.assignor picks the brokers' assignor of a KIP-848 group: add group.protocol=consumer, or drop it",
                ));
            } else {
                notes.push(format!("consumer {name}: group.remote.assignor has no effect with group.protocol=classic (Kafka {v} ignores it; 3.9 and later reject it)"));
            }
        }
    } else {
        // ConsumerConfig.checkUnsupportedConfigs (KAFKA-17338, 4.0): the KIP-848 protocol
        // takes the assignment, session and heartbeat from the brokers.
        const CLASSIC_ONLY: [&str; 3] =
            ["partition.assignment.strategy", "heartbeat.interval.ms", "session.timeout.ms"];
        let bad: Vec<&str> = CLASSIC_ONLY.into_iter().filter(|k| given(c, k)).collect();
        if !bad.is_empty() {
            if v.at_least(4, 0) {
                let first = bad.iter().filter_map(|k| c.loc(k)).min_by_key(|l| l.col).cloned();
                if let Some(loc) = first {
                    diags.push(loc.diag(
                        format!("{} cannot be set when group.protocol=CONSUMER", bad.join(", ")),
                        "with group.protocol=consumer the brokers assign partitions (group.remote.assignor) and set the session and heartbeat (group.consumer.session.timeout.ms and group.consumer.heartbeat.interval.ms on the brokers line): drop them, or use group.protocol=classic",
                    ));
                }
            } else {
                notes.push(format!("consumer {name}: {} {} no effect with group.protocol=consumer (Kafka {v} ignores {}; 4.0 rejects {})", bad.join(", "), if bad.len() == 1 { "has" } else { "have" }, if bad.len() == 1 { "it" } else { "them" }, if bad.len() == 1 { "it" } else { "them" }));
            }
        }
        // The coordinator answers UNSUPPORTED_ASSIGNOR to every heartbeat naming an
        // assignor outside group.consumer.assignors (uniform, range by default).
        if let (Some(a), Some(loc)) = (&assignor, c.loc("group.remote.assignor")) {
            if a != "uniform" && a != "range" {
                let hint = match super::suggest::closest(a, ["uniform", "range"]) {
                    Some(s) => format!("did you mean group.remote.assignor={s}? (the coordinator would refuse every heartbeat with UNSUPPORTED_ASSIGNOR)"),
                    None => "the brokers' group.consumer.assignors are uniform and range: the coordinator would refuse every heartbeat with UNSUPPORTED_ASSIGNOR".to_string(),
                };
                diags.push(
                    loc.diag(
                        format!("ServerAssignor {a} is not supported. Supported assignors: uniform, range."),
                        hint,
                    ),
                );
            }
        }
    }

    if has_group && !consumer_protocol {
        // Heartbeat's constructor (the classic coordinator, built when there is a group).
        let hb = c.int("heartbeat.interval.ms");
        let session = c.int("session.timeout.ms");
        if hb >= session {
            let loc = match (c.loc("heartbeat.interval.ms"), c.loc("session.timeout.ms")) {
                (Some(a), Some(b)) => Some(if b.col > a.col { b } else { a }),
                (a, b) => a.or(b),
            };
            if let Some(loc) = loc {
                diags.push(loc.diag(
                    "Heartbeat must be set lower than the session timeout",
                    format!("heartbeat.interval.ms={hb} but session.timeout.ms={session}: keep the heartbeat below the session timeout (Kafka suggests a third of it)"),
                ));
            }
        }
        // The coordinator checks the session timeout at JoinGroup.
        let (min, max) = (b.int("group.min.session.timeout.ms"), b.int("group.max.session.timeout.ms"));
        if session < min || session > max {
            notes.push(format!("consumer {name}: session.timeout.ms={session} is outside the brokers' group.min.session.timeout.ms={min} to group.max.session.timeout.ms={max}: the coordinator answers its JoinGroup with INVALID_SESSION_TIMEOUT and poll() throws InvalidSessionTimeoutException"));
        }
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
    let text = |k: &str| c.str(k).filter(|v| !v.is_empty() && *v != "null").map(str::to_string);
    let assignors =
        c.text("partition.assignment.strategy").split(',').filter_map(crate::config::AssignorKind::from_name).collect();
    ConsumerConfig {
        auto_offset_reset,
        isolation_level: level,
        isolation_level_explicit: c.is_set("isolation.level"),
        group_id: text("group.id"),
        group_instance_id: text("group.instance.id"),
        group_protocol: match c.str("group.protocol") {
            Some("consumer") => crate::config::GroupProtocol::Consumer,
            _ => crate::config::GroupProtocol::Classic,
        },
        group_remote_assignor: text("group.remote.assignor"),
        assignors,
        session_timeout_us: ms_to_us(c.int("session.timeout.ms")),
        heartbeat_interval_us: ms_to_us(c.int("heartbeat.interval.ms")),
        max_poll_interval_us: ms_to_us(c.int("max.poll.interval.ms")),
        max_poll_records: u32_of(c.int("max.poll.records")),
        enable_auto_commit: c.bool("enable.auto.commit"),
        auto_commit_interval_us: ms_to_us(c.int("auto.commit.interval.ms")),
        fetch_min_bytes: u32_of(c.int("fetch.min.bytes")),
        fetch_max_wait_us: ms_to_us(c.int("fetch.max.wait.ms")),
        fetch_max_bytes: u32_of(c.int("fetch.max.bytes")),
        max_partition_fetch_bytes: u32_of(c.int("max.partition.fetch.bytes")),
        request_timeout_us: ms_to_us(c.int("request.timeout.ms")),
        retry_backoff_us: ms_to_us(c.int("retry.backoff.ms")),
    }
}
