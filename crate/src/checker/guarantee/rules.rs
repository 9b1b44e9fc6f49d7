//! The rules: one function per property, each reading only effective configuration.
//!
//! Every rule cites the Kafka mechanism behind it (KAFKA_SEMANTICS.md sections 3, 4, 7
//! and 8) and the fault kinds it fails under; when in doubt a rule lists the fault (a
//! promise may be weaker than the truth, never stronger). `durability` looks at acks,
//! the topic's replication factor and min.insync.replicas (effective: the smaller of the
//! two), unclean.leader.election.enable and the flush policy; `duplicates` and
//! `ordering` at acks, effective idempotence, retries and
//! max.in.flight.requests.per.connection; `sessions` at transactional.id and the
//! isolation level the final log is read with. Texts are fixed sentences; the values
//! that decided go in the reason's `settings`.

use super::FaultKind::*;
use super::{Faults, Property, Reason};
use crate::config::{Acks, ProducerConfig};
use crate::plan::TopicDecl;

const fn set(kinds: &[super::FaultKind]) -> Faults {
    let mut m = 0;
    let mut i = 0;
    while i < kinds.len() {
        m |= kinds[i].bit();
        i += 1;
    }
    m
}

/// Faults that take the leader away (a failover, or data only it held).
const LEADER_LOSS: Faults = set(&[
    LeaderCrash,
    LeaderIsolated,
    TwoBrokersDown,
    PowerLossOne,
    PowerLossAll,
    UncleanElection,
    LoneLeaderPowerLoss,
]);
/// Faults after which a producer retries a batch that may already be in the log.
const RETRIES: Faults = LEADER_LOSS | set(&[MessageLoss, ProducerRestart]);
/// With acks=all, a follower that stops fetching holds requests in purgatory until the
/// ISR shrinks: REQUEST_TIMED_OUT or NOT_ENOUGH_REPLICAS_AFTER_APPEND, then a retry.
const RETRIES_ACKS_ALL: Faults = RETRIES | FollowerCrash.bit();
const RESTART: Faults = ProducerRestart.bit();
/// Faults after which the new leader's producer state may not hold a producer's last
/// sequence, when they take acknowledged records from the log (every replica lost power,
/// or the leader's successor never had the batches):
/// `ProducerAppendInfo.checkSequence` accepts any first sequence from a producer it has
/// no entry for, so a batch sent after a lost one lands before the lost one's retry.
const STATE_LOSS: Faults = set(&[PowerLossAll, LoneLeaderPowerLoss, UncleanElection]);

fn setting(name: &str, value: impl std::fmt::Display) -> String {
    format!("{name}={value}")
}

/// No acknowledged record lost.
pub fn durability(cfg: &ProducerConfig, topic: &TopicDecl, label: Option<&str>) -> Vec<Reason> {
    let rf = topic.replication_factor;
    let tc = &topic.config;
    let flush_each = tc.flush_messages <= 1;
    let acks = setting("acks", cfg.acks.name());
    let rf_s = setting("replication.factor", rf);
    let min_isr = setting("min.insync.replicas", tc.min_insync_replicas);
    let r = |settings: Vec<String>, text: &str, fails: Faults| {
        let text = match label {
            Some(t) => format!("topic {t}: {text}"),
            None => text.to_string(),
        };
        Reason::new(Property::Durability, settings, text, fails)
    };
    if cfg.acks == Acks::Zero {
        return vec![r(
            vec![acks],
            "acks=0: send() succeeds once the request is written to the socket (offset -1); no broker \
             confirms it and nothing is retried, so a request lost on the wire or a leader that fails \
             takes records the application counted as sent",
            LEADER_LOSS | MessageLoss.bit(),
        )];
    }
    if rf <= 1 {
        return vec![if flush_each {
            r(
                vec![rf_s, setting("flush.messages", tc.flush_messages)],
                "one replica, fsynced before the leader answers (flush.messages=1): a crash or power loss \
                 keeps it; the partition is unavailable while its broker is down",
                0,
            )
        } else {
            r(
                vec![rf_s, acks],
                "replication.factor=1: one copy and nothing to fail over to; a process crash keeps the page \
                 cache, but Kafka does not fsync on the produce path, so a power loss takes every acknowledged \
                 record the OS had not yet written back",
                set(&[PowerLossOne, PowerLossAll, LoneLeaderPowerLoss]),
            )
        }];
    }
    let mut out = vec![if cfg.acks == Acks::One {
        r(
            vec![acks, rf_s],
            "acks=1: the leader answers after its own append, before any follower has fetched the batch; \
             if the leader fails, a clean election picks a follower without it and the old leader \
             truncates it when it rejoins: acknowledged records are lost on failover",
            LEADER_LOSS,
        )
    } else if tc.min_insync_replicas.min(rf) <= 1 {
        r(
            vec![min_isr, rf_s],
            "acks=all with min.insync.replicas=1: the leader answers once every ISR member has the batch, but \
             when the followers fall out of the ISR (they lag, crash or are cut off) the ISR is the leader \
             alone and it acknowledges records only it holds; if it then loses power before they reach the \
             disk (flush.messages=1 writes them first) they are gone",
            if flush_each { PowerLossAll.bit() } else { set(&[LoneLeaderPowerLoss, PowerLossAll]) },
        )
    } else {
        r(
            vec![min_isr, rf_s],
            "acks=all with min.insync.replicas of 2 or more: an acknowledged record is on every in-sync \
             replica, at least min.insync.replicas brokers, so one broker failing cannot take it; with fewer \
             in sync the leader refuses the write (NotEnoughReplicasException). Kafka 4.0 leaves eligible \
             leader replicas (KIP-966) off, so a leader left alone in the ISR that loses power before the OS \
             wrote back records acknowledged just before its followers fell behind can still lose them \
             (in kplay the writeback and ISR-check timers start together, which closes that window unless \
             a restart shifts them)",
            0,
        )
    }];
    if tc.unclean_leader_election_enable {
        out.push(r(
            vec!["unclean.leader.election.enable=true".into()],
            "unclean.leader.election.enable=true: when no in-sync replica is left, an out-of-sync one may be \
             elected; its log defines the truth and acknowledged records beyond its end are lost",
            UncleanElection.bit(),
        ));
    }
    if cfg.acks == Acks::All {
        out.push(if flush_each {
            r(
                vec![setting("flush.messages", tc.flush_messages)],
                "flush.messages=1: every append is fsynced, on the leader before it answers and on each \
                 follower as it appends, so even a power loss of every replica keeps acknowledged records",
                0,
            )
        } else {
            r(
                vec!["flush.messages".into()],
                "Kafka never fsyncs on the produce path by default (flush.messages and flush.ms unset): \
                 durability rests on replication, so a power loss of every replica at once, within the OS \
                 writeback window (vm.dirty_expire_centisecs, 30 s), loses acknowledged records",
                PowerLossAll.bit(),
            )
        });
    }
    out
}

fn idempotence_setting(cfg: &ProducerConfig, derived: bool) -> String {
    let mut s = setting("enable.idempotence", cfg.enable_idempotence);
    if !cfg.enable_idempotence && derived {
        s += " (disabled by Kafka's rules)";
    }
    s
}

/// No record written twice within a producer session. `idem_derived`: Kafka's rules,
/// not the scenario, decided idempotence (acks≠all or retries=0 disable it implicitly).
pub fn duplicates(cfg: &ProducerConfig, idem_derived: bool) -> Reason {
    let r =
        |settings: Vec<String>, text: &str, fails: Faults| Reason::new(Property::NoDuplicates, settings, text, fails);
    let idem = idempotence_setting(cfg, idem_derived);
    if cfg.acks == Acks::Zero {
        r(vec!["acks=0".into()], "acks=0: no response comes back, so nothing is retried or written twice", 0)
    } else if cfg.enable_idempotence {
        let txn = cfg.transactional_id.is_some();
        r(
            vec![idem],
            "idempotence: each batch carries the producer id, epoch and sequence; the leader keeps the last 5 \
             batches per producer (followers replicate them) and answers a retried duplicate with the \
             original offsets without writing it again; a producer restarted without a transactional.id \
             gets a new producer id, so what it resends is written again; and an idempotent producer without \
             one that is refused OUT_OF_ORDER_SEQUENCE_NUMBER after a late request bumps its epoch and numbers \
             its in-flight batches anew (KIP-360), so a retry of a batch already written is written again",
            if txn { 0 } else { RESTART | LateRequest.bit() },
        )
    } else if cfg.retries == 0 {
        r(
            vec![idem, "retries=0".into()],
            "retries=0: the producer never sends a batch twice; a send that fails after its request was \
             written (a timeout) is a phantom, and resending it from the application duplicates it",
            RESTART,
        )
    } else {
        r(
            vec![idem, setting("retries", cfg.retries)],
            "without idempotence, a retry after a lost response, a request timeout or \
             NOT_ENOUGH_REPLICAS_AFTER_APPEND writes a batch the leader may already have appended",
            (if cfg.acks == Acks::All { RETRIES_ACKS_ALL } else { RETRIES }) | LateRequest.bit(),
        )
    }
}

/// Records land in the order their producer sent them, per partition, within a session.
/// `log_loss`: the faults under which the durability rules say acknowledged records can
/// leave the log.
pub fn ordering(cfg: &ProducerConfig, idem_derived: bool, log_loss: Faults) -> Reason {
    let r = |settings: Vec<String>, text: &str, fails: Faults| Reason::new(Property::Ordering, settings, text, fails);
    let in_flight = setting("max.in.flight.requests.per.connection", cfg.max_in_flight);
    if cfg.acks == Acks::Zero {
        r(
            vec!["acks=0".into()],
            "acks=0: nothing is retried, so nothing overtakes an earlier batch, unless a request arrives after \
             one sent later (a late request)",
            LateRequest.bit(),
        )
    } else if cfg.enable_idempotence {
        r(
            vec![idempotence_setting(cfg, idem_derived), in_flight],
            "idempotence keeps order with up to 5 requests in flight: the leader rejects a batch whose \
             sequence leaves a gap (OUT_OF_ORDER_SEQUENCE_NUMBER) and the producer resends in sequence order; \
             but a leader whose log (and so its producer state) lost the producer's last batches, after a \
             power loss or an unclean election, has no sequence to check against and accepts a later batch \
             before the retry of a lost one; so does a leader that has no entry for the producer yet, when the \
             producer's first request to it arrives after a later one (a late request): checkSequence accepts \
             any first sequence from an unknown producer, and the late batch is refused behind it (it fails, or \
             after an epoch bump lands after it)",
            (STATE_LOSS & log_loss) | LateRequest.bit() | if cfg.transactional_id.is_some() { 0 } else { RESTART },
        )
    } else if cfg.retries == 0 {
        r(vec!["retries=0".into()], "retries=0: nothing is retried, so nothing overtakes", RESTART)
    } else if cfg.max_in_flight <= 1 {
        r(
            vec![in_flight],
            "max.in.flight.requests.per.connection=1: one request at a time per broker, so a retried batch \
             goes out before anything sent later",
            RESTART,
        )
    } else {
        r(
            vec![idempotence_setting(cfg, idem_derived), in_flight, setting("retries", cfg.retries)],
            "without idempotence, with several requests in flight, a batch retried after an error lands \
             after a batch sent later that succeeded first",
            if cfg.acks == Acks::All { RETRIES_ACKS_ALL } else { RETRIES },
        )
    }
}

/// A producer restart neither duplicates nor reorders.
pub fn sessions(cfg: &ProducerConfig, read_committed: bool) -> Reason {
    let r =
        |settings: Vec<String>, text: &str, fails: Faults| Reason::new(Property::AcrossSessions, settings, text, fails);
    let Some(id) = &cfg.transactional_id else {
        return r(
            vec!["transactional.id=null".into()],
            "no transactional.id: a restarted producer is a new session with a new producer id; what it \
             resends because it never saw the result is written again",
            RESTART,
        );
    };
    let tid = setting("transactional.id", id);
    if read_committed {
        r(
            vec![tid, "isolation.level=read_committed".into()],
            "transactions: a restarted producer with the same transactional.id bumps the epoch, fencing the \
             old one (ProducerFencedException) and aborting its open transaction; read_committed readers \
             never see aborted records, so a resend in a new transaction lands once",
            0,
        )
    } else {
        r(
            vec![tid, "isolation.level=read_uncommitted".into()],
            "transactions, but the log is read read_uncommitted: records of the transaction a restart \
             aborted stay visible, so what the new session resends shows twice",
            RESTART,
        )
    }
}
