//! The rules: one function per property, each reading only effective configuration.
//!
//! Every rule cites the Kafka mechanism behind it (KAFKA_SEMANTICS.md sections 3, 4, 7
//! and 8) and lists the fault kinds it fails under; when in doubt a rule lists the fault
//! (a promise may be weaker than the truth, never stronger). `durability` looks at acks,
//! the topic's replication factor and min.insync.replicas (effective: the smaller of the
//! two), unclean.leader.election.enable and the flush policy; `duplicates` and
//! `ordering` at acks, effective idempotence, retries and
//! max.in.flight.requests.per.connection; `sessions` at transactional.id and the
//! isolation level the final log is read with.

use super::FaultKind::{self, *};
use super::{Property, Reason};
use crate::config::{Acks, ProducerConfig};
use crate::script::ast::TopicDecl;

/// Faults that take the leader away (a failover, or data only it held).
const LEADER_LOSS: &[FaultKind] =
    &[LeaderCrash, LeaderIsolated, TwoBrokersDown, PowerLossOne, PowerLossAll, UncleanElection, LoneLeaderPowerLoss];

/// Faults after which a producer retries a batch that may already be in the log.
fn retry_faults(acks: Acks) -> Vec<FaultKind> {
    let mut v = vec![MessageLoss, LeaderCrash, LeaderIsolated, TwoBrokersDown, PowerLossOne, UncleanElection];
    v.extend([PowerLossAll, LoneLeaderPowerLoss, ProducerRestart]);
    if acks == Acks::All {
        // A follower that stops fetching holds acks=all requests in purgatory until the
        // ISR shrinks: REQUEST_TIMED_OUT or NOT_ENOUGH_REPLICAS_AFTER_APPEND, then a retry.
        v.push(FollowerCrash);
    }
    v
}

fn prefixed(label: Option<&str>, text: String) -> String {
    match label {
        Some(t) => format!("topic {t}: {text}"),
        None => text,
    }
}

/// No acknowledged record lost.
pub fn durability(cfg: &ProducerConfig, topic: &TopicDecl, label: Option<&str>) -> Vec<Reason> {
    let rf = topic.replication_factor;
    let tc = &topic.config;
    let eff_min_isr = tc.min_insync_replicas.min(rf);
    let flush_each = tc.flush_messages <= 1;
    let reason = |settings: Vec<String>, text: String, fails: &[FaultKind]| {
        Reason::new(Property::Durability, settings, prefixed(label, text), fails)
    };
    let mut out = Vec::new();
    if cfg.acks == Acks::Zero {
        out.push(reason(
            vec!["acks=0".into()],
            "acks=0: send() succeeds once the request is written to the socket (offset -1); no broker \
             confirms it and nothing is retried, so a request lost on the wire or a leader that fails \
             takes records the application counted as sent"
                .into(),
            &[&[MessageLoss][..], LEADER_LOSS].concat(),
        ));
        return out;
    }
    if rf <= 1 {
        let fails: &[FaultKind] = if flush_each { &[] } else { &[PowerLossOne, PowerLossAll, LoneLeaderPowerLoss] };
        let text = if flush_each {
            "replication.factor=1 with flush.messages=1: one copy, fsynced before the leader answers; a \
             crash or power loss keeps it (the partition is unavailable while its broker is down)"
        } else {
            "replication.factor=1: one copy and nothing to fail over to; a process crash keeps the page \
             cache, but Kafka does not fsync on the produce path, so a power loss takes every acknowledged \
             record the OS had not yet written back"
        };
        out.push(reason(
            vec![format!("replication.factor={rf}"), format!("acks={}", cfg.acks.name())],
            text.into(),
            fails,
        ));
        return out;
    }
    if cfg.acks == Acks::One {
        out.push(reason(
            vec!["acks=1".into(), format!("replication.factor={rf}")],
            "acks=1: the leader answers after its own append, before any follower has fetched the batch; \
             if the leader fails, a clean election picks a follower without it and the old leader \
             truncates it when it rejoins: acknowledged records are lost on failover"
                .into(),
            LEADER_LOSS,
        ));
    } else if eff_min_isr <= 1 {
        let fails: &[FaultKind] = if flush_each { &[PowerLossAll] } else { &[LoneLeaderPowerLoss, PowerLossAll] };
        out.push(reason(
            vec![format!("min.insync.replicas={}", tc.min_insync_replicas), format!("replication.factor={rf}")],
            format!(
                "acks=all with min.insync.replicas={}: the leader answers once every ISR member has the \
                 batch, but when the followers fall out of the ISR (they lag, crash or are cut off) the ISR \
                 is the leader alone and it acknowledges records only it holds; if it then dies (power loss \
                 before the OS wrote them back{}) they are gone",
                tc.min_insync_replicas,
                if flush_each { "; flush.messages=1 fsyncs them first" } else { "" }
            ),
            fails,
        ));
    } else {
        out.push(reason(
            vec![format!("min.insync.replicas={}", tc.min_insync_replicas), format!("replication.factor={rf}")],
            format!(
                "acks=all with min.insync.replicas={eff_min_isr} and replication.factor={rf}: an acknowledged \
                 record is on every in-sync replica, at least {eff_min_isr} brokers, so one broker failing \
                 cannot take it; with fewer in sync the leader refuses the write (NotEnoughReplicasException)"
            ),
            &[],
        ));
    }
    if tc.unclean_leader_election_enable {
        out.push(reason(
            vec!["unclean.leader.election.enable=true".into()],
            "unclean.leader.election.enable=true: when no in-sync replica is left, an out-of-sync one may \
             be elected; its log defines the truth and acknowledged records beyond its end are lost"
                .into(),
            &[UncleanElection],
        ));
    }
    if cfg.acks == Acks::All && flush_each {
        out.push(reason(
            vec![format!("flush.messages={}", tc.flush_messages)],
            "flush.messages=1: every append is fsynced, on the leader before it answers and on each \
             follower as it appends, so even a power loss of every replica keeps acknowledged records"
                .into(),
            &[],
        ));
    } else if cfg.acks == Acks::All {
        out.push(reason(
            vec!["flush.messages".into()],
            "Kafka never fsyncs on the produce path by default (flush.messages and flush.ms unset): \
             durability rests on replication, so a power loss of every replica at once, within the OS \
             writeback window (vm.dirty_expire_centisecs, 30 s), loses acknowledged records"
                .into(),
            &[PowerLossAll],
        ));
    }
    out
}

fn idempotence_setting(cfg: &ProducerConfig, derived: bool) -> String {
    match (cfg.enable_idempotence, derived) {
        (true, _) => "enable.idempotence=true".into(),
        (false, true) => "enable.idempotence=false (disabled by Kafka's rules)".into(),
        (false, false) => "enable.idempotence=false".into(),
    }
}

/// No record written twice within a producer session. `idem_derived`: Kafka's rules,
/// not the scenario, decided idempotence (acks≠all or retries=0 disable it implicitly).
pub fn duplicates(cfg: &ProducerConfig, idem_derived: bool) -> Vec<Reason> {
    let idem = idempotence_setting(cfg, idem_derived);
    let r = |settings: Vec<String>, text: &str, fails: &[FaultKind]| {
        Reason::new(Property::NoDuplicates, settings, text, fails)
    };
    let txn = cfg.transactional_id.is_some();
    vec![if cfg.acks == Acks::Zero {
        r(vec!["acks=0".into()], "acks=0: no response comes back, so nothing is retried or written twice", &[])
    } else if cfg.enable_idempotence {
        r(
            vec![idem],
            if txn {
                "idempotence: each batch carries the producer id, epoch and sequence; the leader keeps the \
                 last 5 batches per producer (followers replicate them) and answers a retried duplicate with \
                 the original offsets without writing it again"
            } else {
                "idempotence: each batch carries the producer id, epoch and sequence; the leader keeps the \
                 last 5 batches per producer (followers replicate them) and answers a retried duplicate with \
                 the original offsets without writing it again; a restarted producer gets a new producer id, \
                 so what it resends is written again"
            },
            if txn { &[] } else { &[ProducerRestart] },
        )
    } else if cfg.retries == 0 {
        r(
            vec![idem, "retries=0".into()],
            "retries=0: the producer never sends a batch twice; a send that fails after its request was \
             written (a timeout) is a phantom, and resending it from the application duplicates it",
            &[ProducerRestart],
        )
    } else {
        r(
            vec![idem, format!("retries={}", cfg.retries)],
            "without idempotence, a retry after a lost response, a request timeout or \
             NOT_ENOUGH_REPLICAS_AFTER_APPEND writes a batch the leader may already have appended",
            &retry_faults(cfg.acks),
        )
    }]
}

/// Records land in the order their producer sent them, per partition, within a session.
pub fn ordering(cfg: &ProducerConfig, idem_derived: bool) -> Vec<Reason> {
    let r =
        |settings: Vec<String>, text: &str, fails: &[FaultKind]| Reason::new(Property::Ordering, settings, text, fails);
    let in_flight = format!("max.in.flight.requests.per.connection={}", cfg.max_in_flight);
    let txn = cfg.transactional_id.is_some();
    vec![if cfg.acks == Acks::Zero {
        r(vec!["acks=0".into()], "acks=0: nothing is retried, so nothing overtakes an earlier batch", &[])
    } else if cfg.enable_idempotence {
        r(
            vec![idempotence_setting(cfg, idem_derived), in_flight],
            "idempotence keeps order with up to 5 requests in flight: the leader rejects a batch whose \
             sequence leaves a gap (OUT_OF_ORDER_SEQUENCE_NUMBER) and the producer resends in sequence order",
            if txn { &[] } else { &[ProducerRestart] },
        )
    } else if cfg.retries == 0 {
        r(vec!["retries=0".into()], "retries=0: nothing is retried, so nothing overtakes", &[ProducerRestart])
    } else if cfg.max_in_flight <= 1 {
        r(
            vec![in_flight],
            "max.in.flight.requests.per.connection=1: one request at a time per broker, so a retried batch \
             goes out before anything sent later",
            &[ProducerRestart],
        )
    } else {
        r(
            vec![idempotence_setting(cfg, idem_derived), in_flight, format!("retries={}", cfg.retries)],
            "without idempotence, with several requests in flight, a batch retried after an error lands \
             after a batch sent later that succeeded first",
            &retry_faults(cfg.acks),
        )
    }]
}

/// A producer restart neither duplicates nor reorders.
pub fn sessions(cfg: &ProducerConfig, read_committed: bool) -> Reason {
    let r = |settings: Vec<String>, text: &str, fails: &[FaultKind]| {
        Reason::new(Property::AcrossSessions, settings, text, fails)
    };
    match &cfg.transactional_id {
        Some(id) if read_committed => r(
            vec![format!("transactional.id={id}"), "isolation.level=read_committed".into()],
            "transactions: a restarted producer with the same transactional.id bumps the epoch, fencing the \
             old one (ProducerFencedException) and aborting its open transaction; read_committed readers \
             never see aborted records, so a resend in a new transaction lands once",
            &[],
        ),
        Some(id) => r(
            vec![format!("transactional.id={id}"), "isolation.level=read_uncommitted".into()],
            "transactions, but the log is read read_uncommitted: records of the transaction a restart \
             aborted stay visible, so what the new session resends shows twice",
            &[ProducerRestart],
        ),
        None => r(
            vec!["transactional.id=null".into()],
            "no transactional.id: a restarted producer is a new session with a new producer id; what it \
             resends because it never saw the result is written again",
            &[ProducerRestart],
        ),
    }
}
