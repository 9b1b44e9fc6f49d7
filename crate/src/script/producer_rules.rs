//! Kafka's producer configuration rules, per version, applied to validated settings.
//!
//! Two generations of the idempotence rules exist (apache/kafka `ProducerConfig`):
//! - **Modern** (3.0.1, 3.1.1, 3.2.0 and later: `postProcessAndValidateIdempotenceConfigs`):
//!   idempotence is on by default; a conflict (retries=0, acks 0/1, more than 5 in
//!   flight) is a ConfigException when `enable.idempotence` was set explicitly and
//!   silently disables idempotence otherwise. From 4.0 more than 5 in flight is an
//!   error even when idempotence is only on by default (KAFKA-17927).
//! - **Legacy** (2.x, 3.0.0, 3.1.0: `maybeOverrideAcksAndRetries`, `idempotenceEnabled`,
//!   `KafkaProducer.configureInflightRequests`): idempotence is on only when
//!   `enable.idempotence=true` is set or `transactional.id` is set; it then overrides
//!   unset `acks`/`retries` and refuses conflicting explicit ones. In 3.0.0 and 3.1.0
//!   the documented default `true` is therefore not applied (KAFKA-13598).
//!
//! Then, either way: a `transactional.id` without idempotence is an error;
//! `KafkaProducer.configureDeliveryTimeout` raises or refuses `delivery.timeout.ms`;
//! `CommonClientConfigs` warns about `retry.backoff.ms > retry.backoff.max.ms` and
//! disables the exponential reconnect backoff when only `reconnect.backoff.ms` is set.
//! Every silent change is recorded as `Source::Derived` plus a note.

use super::errors::Diagnostic;
use super::props::Val;
use super::props_tables::{DEFAULT_PARTITIONER, ROUND_ROBIN, UNIFORM_STICKY};
use super::settings::{Loc, Settings};
use crate::config::{Acks, CompressionType, KafkaVersion, PartitionerKind, ProducerConfig};

const INT_MAX: i64 = i32::MAX as i64;

/// Context for one producer declaration.
pub struct Ctx<'a> {
    pub name: &'a str,
    /// 0-based position among producers (Kafka's client.id sequence is 1-based).
    pub index: usize,
    pub version: KafkaVersion,
    /// The producer's name word, where rule errors without a better place point.
    pub at: &'a Loc,
}

/// Whether `v` has the post-KAFKA-13598 rules.
fn modern(v: KafkaVersion) -> bool {
    v.at_least(3, 2) || (v.major == 3 && v.minor <= 1 && v.patch >= 1)
}

pub fn acks_of(text: &str) -> Acks {
    match text {
        "0" => Acks::Zero,
        "1" => Acks::One,
        _ => Acks::All,
    }
}

/// The producer's `acks`. Every version has it, so it is always resolved (the table
/// gives its default per version: `all` from 3.0, `1` before).
fn acks(s: &Settings) -> Acks {
    acks_of(s.text("acks"))
}

pub fn ms_to_us(ms: i64) -> u64 {
    u64::try_from(ms).unwrap_or(0).saturating_mul(1_000)
}

fn u32_of(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

/// Applies the rules to `s` (which may be changed: `Derived` values) and builds the
/// typed config. Errors go to `diags`, notes to `notes`.
pub fn resolve(cx: &Ctx<'_>, s: &mut Settings, notes: &mut Vec<String>, diags: &mut Vec<Diagnostic>) -> ProducerConfig {
    if modern(cx.version) {
        idempotence_modern(cx, s, notes, diags);
    } else {
        idempotence_legacy(cx, s, notes, diags);
    }
    let delivery_ms = delivery_timeout(cx, s, notes, diags);
    backoffs(cx, s, notes);
    partitioner_rules(cx, s, notes, diags);
    if !s.is_set("client.id") {
        let id = match s.str("transactional.id") {
            Some(t) => format!("producer-{t}"),
            None => format!("producer-{}", cx.index + 1),
        };
        s.derive("client.id", Val::Str(id));
    }
    let mut c = typed(s, delivery_ms);
    c.partitioner = partitioner_kind(s, cx.version);
    c
}

/// Which partitioner classes a release has: RoundRobinPartitioner and
/// UniformStickyPartitioner from 2.4 (KIP-480); DefaultPartitioner and
/// UniformStickyPartitioner removed in 4.0 (KAFKA-18262), deprecated from 3.3 (KIP-794).
fn partitioner_rules(cx: &Ctx<'_>, s: &Settings, notes: &mut Vec<String>, diags: &mut Vec<Diagnostic>) {
    let Some(class) = s.str("partitioner.class") else { return };
    let v = cx.version;
    let short = class.rsplit('.').next().unwrap_or(class);
    let missing = match class {
        DEFAULT_PARTITIONER | UNIFORM_STICKY if v.at_least(4, 0) => Some(format!(
            "{short} was removed in Kafka 4.0 (KAFKA-18262): leave partitioner.class unset for the built-in partitioner{}, or write kafka 3.9",
            if class == UNIFORM_STICKY { " and set partitioner.ignore.keys=true" } else { "" }
        )),
        ROUND_ROBIN | UNIFORM_STICKY if !v.at_least(2, 4) => {
            Some(format!("{short} arrived in Kafka 2.4 (KIP-480); write kafka 2.4 or later"))
        }
        _ => None,
    };
    if let Some(hint) = missing {
        let loc = s.loc("partitioner.class").unwrap_or(cx.at);
        diags.push(loc.diag(
            format!("Invalid value {class} for configuration partitioner.class: Class {class} could not be found."),
            hint,
        ));
        return;
    }
    if v.at_least(3, 3) && class == DEFAULT_PARTITIONER {
        notes.push(format!("producer {}: DefaultPartitioner is deprecated.  Please clear partitioner.class configuration setting to get the default partitioning behavior (Kafka logs this at WARN; kplay models its sticky partition cache)", cx.name));
    }
    if v.at_least(3, 3) && class == UNIFORM_STICKY {
        notes.push(format!("producer {}: UniformStickyPartitioner is deprecated.  Please clear partitioner.class configuration setting and set partitioner.ignore.keys to 'true' to get the uniform sticky partitioning behavior (Kafka logs this at WARN)", cx.name));
    }
}

/// The partitioner a producer runs, from `partitioner.class` and the release.
fn partitioner_kind(s: &Settings, v: KafkaVersion) -> PartitionerKind {
    match s.str("partitioner.class") {
        Some(ROUND_ROBIN) => PartitionerKind::RoundRobin { skew: !v.at_least(4, 0) },
        Some(DEFAULT_PARTITIONER) if v.at_least(2, 4) => PartitionerKind::StickyCache { ignore_keys: false },
        Some(UNIFORM_STICKY) => PartitionerKind::StickyCache { ignore_keys: true },
        _ if v.at_least(3, 3) => PartitionerKind::BuiltIn,
        _ if v.at_least(2, 4) => PartitionerKind::StickyCache { ignore_keys: false },
        _ => PartitionerKind::Legacy,
    }
}

fn at<'a>(cx: &'a Ctx<'_>, s: &'a Settings, name: &str) -> &'a Loc {
    s.loc(name).or_else(|| s.loc("enable.idempotence")).unwrap_or(cx.at)
}

fn idempotence_modern(cx: &Ctx<'_>, s: &mut Settings, notes: &mut Vec<String>, diags: &mut Vec<Diagnostic>) {
    let explicit = s.is_set("enable.idempotence");
    if !s.bool("enable.idempotence") {
        return transactional_check(cx, s, explicit, &[], diags);
    }
    let name = cx.name;
    let mut reasons: Vec<String> = vec![];
    let retries = s.int("retries");
    if retries == 0 {
        if explicit {
            let msg = "Must set retries to non-zero when using the idempotent producer.";
            diags.push(at(cx, s, "retries").diag(msg, "remove retries=0, or set enable.idempotence=false"));
        } else {
            reasons.push("retries=0".into());
            notes.push(format!("producer {name}: enable.idempotence disabled because retries=0 and enable.idempotence was not set explicitly (Kafka logs this at INFO)"));
        }
    }
    let acks = acks(s);
    if acks != Acks::All {
        if explicit {
            let msg = "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.";
            diags.push(at(cx, s, "acks").diag(msg, "set acks=all, or set enable.idempotence=false"));
        } else {
            reasons.push(format!("acks={}", acks.name()));
            notes.push(format!("producer {name}: enable.idempotence disabled because acks={} and enable.idempotence was not set explicitly (Kafka logs this at INFO)", acks.name()));
        }
    }
    let in_flight = s.int("max.in.flight.requests.per.connection");
    if in_flight > 5 {
        let loc = at(cx, s, "max.in.flight.requests.per.connection");
        if cx.version.at_least(4, 0) {
            let msg = format!("To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5. Current value is {in_flight}.");
            let hint = "set max.in.flight.requests.per.connection to 5 or less, or set enable.idempotence=false (since Kafka 4.0 this is an error even when idempotence is on only by default: KAFKA-17927)";
            diags.push(loc.diag(msg, hint));
        } else if explicit {
            let msg = "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.";
            diags.push(
                loc.diag(
                    msg,
                    "set max.in.flight.requests.per.connection to 5 or less, or set enable.idempotence=false",
                ),
            );
        } else {
            reasons.push(format!("max.in.flight.requests.per.connection={in_flight}"));
            notes.push(format!("producer {name}: enable.idempotence disabled because max.in.flight.requests.per.connection={in_flight} is greater than 5 and enable.idempotence was not set explicitly (Kafka logs this at WARN; Kafka 4.0 makes it an error)"));
        }
    }
    if !reasons.is_empty() {
        s.derive("enable.idempotence", Val::Bool(false));
        transactional_check(cx, s, false, &reasons, diags);
    }
}

fn transactional_check(
    cx: &Ctx<'_>,
    s: &Settings,
    explicit_off: bool,
    reasons: &[String],
    diags: &mut Vec<Diagnostic>,
) {
    if !s.is_set("transactional.id") {
        return;
    }
    let hint = if explicit_off || reasons.is_empty() {
        "remove enable.idempotence=false: transactions need the idempotent producer".to_string()
    } else {
        format!(
            "idempotence was turned off because {}: use acks=all, retries > 0 and at most 5 in flight",
            reasons.join(", ")
        )
    };
    let msg = "Cannot set a transactional.id without also enabling idempotence.";
    diags.push(at(cx, s, "transactional.id").diag(msg, hint));
}

fn idempotence_legacy(cx: &Ctx<'_>, s: &mut Settings, notes: &mut Vec<String>, diags: &mut Vec<Diagnostic>) {
    let name = cx.name;
    let explicit = s.is_set("enable.idempotence");
    let txn = s.is_set("transactional.id");
    let value = s.bool("enable.idempotence");
    if explicit && !value && txn {
        return transactional_check(cx, s, true, &[], diags);
    }
    let on = txn || (explicit && value);
    if on {
        if !s.is_set("retries") {
            let default = s.int("retries");
            if default != INT_MAX {
                s.derive("retries", Val::Int(INT_MAX));
                notes.push(format!("producer {name}: retries raised from the default {default} to 2147483647 because the idempotent producer is enabled (Kafka logs this at INFO)"));
            }
        } else if s.int("retries") == 0 {
            let msg = "Must set retries to non-zero when using the idempotent producer.";
            diags.push(at(cx, s, "retries").diag(msg, "remove retries=0, or turn idempotence off"));
        }
        let acks = acks(s);
        if !s.is_set("acks") {
            if acks != Acks::All {
                s.derive("acks", Val::Str("all".into()));
                notes.push(format!("producer {name}: acks overridden from the default {} to all because idempotence is enabled (Kafka logs this at INFO)", acks.name()));
            }
        } else if acks != Acks::All {
            let msg = "Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.";
            diags.push(at(cx, s, "acks").diag(msg, "set acks=all, or turn idempotence off"));
        }
        if s.int("max.in.flight.requests.per.connection") > 5 {
            let msg = "Must set max.in.flight.requests.per.connection to at most 5 to use the idempotent producer.";
            diags.push(
                at(cx, s, "max.in.flight.requests.per.connection")
                    .diag(msg, "set max.in.flight.requests.per.connection to 5 or less"),
            );
        }
    }
    if on == value {
        return;
    }
    s.derive("enable.idempotence", Val::Bool(on));
    let v = cx.version;
    if on {
        notes.push(format!("producer {name}: enable.idempotence is true because transactional.id is set (Kafka {v} enables idempotence for transactional producers)"));
    } else {
        notes.push(format!("producer {name}: enable.idempotence is nominally true in Kafka {v} but not applied (KAFKA-13598, fixed in 3.0.1, 3.1.1 and 3.2.0): the producer is not idempotent unless enable.idempotence=true is set explicitly"));
    }
}

/// `KafkaProducer.configureDeliveryTimeout`; returns the effective value in ms.
fn delivery_timeout(cx: &Ctx<'_>, s: &mut Settings, notes: &mut Vec<String>, diags: &mut Vec<Diagnostic>) -> i64 {
    let linger = s.int("linger.ms").min(INT_MAX);
    let request = s.int("request.timeout.ms");
    let sum = linger.saturating_add(request).min(INT_MAX);
    let name = cx.name;
    let Some(delivery) = s.get("delivery.timeout.ms").and_then(Val::as_int) else {
        notes.push(format!("producer {name}: Kafka {} has no delivery.timeout.ms (KIP-91 added it in 2.1); kplay expires batches after linger.ms + request.timeout.ms = {sum} ms", cx.version));
        return sum;
    };
    if delivery >= sum {
        return delivery;
    }
    if let Some(loc) = s.loc("delivery.timeout.ms") {
        let msg = "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms";
        let hint = format!("delivery.timeout.ms={delivery} but linger.ms + request.timeout.ms = {linger} + {request} = {sum}: raise delivery.timeout.ms to at least {sum} or lower the others");
        diags.push(loc.diag(msg, hint));
        return delivery;
    }
    s.derive("delivery.timeout.ms", Val::Int(sum));
    notes.push(format!("producer {name}: delivery.timeout.ms raised from {delivery} to {sum} = linger.ms + request.timeout.ms (Kafka logs this at WARN)"));
    sum
}

fn backoffs(cx: &Ctx<'_>, s: &mut Settings, notes: &mut Vec<String>) {
    let name = cx.name;
    if let Some(max) = s.get("retry.backoff.max.ms").and_then(Val::as_int) {
        let backoff = s.int("retry.backoff.ms");
        if backoff > max {
            notes.push(format!("producer {name}: retry.backoff.ms={backoff} is greater than retry.backoff.max.ms={max}, so retries wait a constant {max} ms (Kafka logs this at WARN)"));
        }
    }
    if s.is_set("reconnect.backoff.ms") && !s.is_set("reconnect.backoff.max.ms") {
        let b = s.int("reconnect.backoff.ms");
        s.derive("reconnect.backoff.max.ms", Val::Int(b));
        notes.push(format!("producer {name}: reconnect.backoff.max.ms set to reconnect.backoff.ms={b} because only reconnect.backoff.ms was given (Kafka disables the exponential reconnect backoff and logs this at WARN)"));
    }
    if let Some(max) = s.get("socket.connection.setup.timeout.max.ms").and_then(Val::as_int) {
        let t = s.int("socket.connection.setup.timeout.ms");
        if t > max {
            notes.push(format!("producer {name}: socket.connection.setup.timeout.ms={t} is greater than socket.connection.setup.timeout.max.ms={max}, so a constant {max} ms applies (Kafka logs this at WARN)"));
        }
    }
}

fn typed(s: &Settings, delivery_ms: i64) -> ProducerConfig {
    let compression = match s.text("compression.type") {
        "gzip" => CompressionType::Gzip,
        "snappy" => CompressionType::Snappy,
        "lz4" => CompressionType::Lz4,
        "zstd" => CompressionType::Zstd,
        _ => CompressionType::None,
    };
    let level = match compression {
        CompressionType::Gzip => s.int("compression.gzip.level"),
        CompressionType::Lz4 => s.int("compression.lz4.level"),
        CompressionType::Zstd => s.int("compression.zstd.level"),
        CompressionType::None | CompressionType::Snappy => -1,
    };
    let retry_backoff_ms = s.int("retry.backoff.ms");
    ProducerConfig {
        acks: acks(s),
        enable_idempotence: s.bool("enable.idempotence"),
        retries: u32_of(s.int("retries")),
        retry_backoff_us: ms_to_us(retry_backoff_ms),
        // Before 3.7 (KIP-580) the retry backoff is constant: max = retry.backoff.ms.
        retry_backoff_max_us: ms_to_us(s.get("retry.backoff.max.ms").and_then(Val::as_int).unwrap_or(retry_backoff_ms)),
        request_timeout_us: ms_to_us(s.int("request.timeout.ms")),
        delivery_timeout_us: ms_to_us(delivery_ms),
        linger_us: ms_to_us(s.int("linger.ms")),
        batch_size_bytes: u32_of(s.int("batch.size")),
        buffer_memory_bytes: u64::try_from(s.int("buffer.memory")).unwrap_or(0),
        max_block_us: ms_to_us(s.int("max.block.ms")),
        max_in_flight: u32_of(s.int("max.in.flight.requests.per.connection")),
        max_request_size_bytes: u32_of(s.int("max.request.size")),
        compression,
        compression_level: i32::try_from(level).expect("compression levels are validated within -131072..=22"),
        partitioner: PartitionerKind::BuiltIn,
        partitioner_ignore_keys: s.bool("partitioner.ignore.keys"),
        // Before 3.3 (KIP-794) the sticky partitioner was not adaptive (the table's
        // default for those versions).
        partitioner_adaptive: s.bool("partitioner.adaptive.partitioning.enable"),
        partitioner_availability_timeout_us: ms_to_us(s.int("partitioner.availability.timeout.ms")),
        transactional_id: s.str("transactional.id").map(str::to_string),
        transaction_timeout_us: ms_to_us(s.int("transaction.timeout.ms")),
        metadata_max_age_us: ms_to_us(s.int("metadata.max.age.ms")),
        reconnect_backoff_us: ms_to_us(s.int("reconnect.backoff.ms")),
        reconnect_backoff_max_us: ms_to_us(s.int("reconnect.backoff.max.ms")),
        connection_setup_timeout_us: ms_to_us(s.int("socket.connection.setup.timeout.ms")),
        connection_setup_timeout_max_us: ms_to_us(s.int("socket.connection.setup.timeout.max.ms")),
    }
}
