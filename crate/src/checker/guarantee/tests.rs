//! The promise rules, one test per rule, and a sweep over many configurations checking
//! the level is never stronger than the settings justify.

use super::FaultKind::*;
use super::*;

fn scenario(brokers: &str, topic: &str, producer: &str) -> Scenario {
    let text = format!(
        "brokers 3 {brokers}\ntopic t partitions=1 {topic}\nproducer app {producer}\nat 0ms app send t count=1\n"
    );
    crate::script::parse(&text).unwrap_or_else(|d| panic!("{text}\n{d:?}"))
}

fn promise_of(brokers: &str, topic: &str, producer: &str) -> Promise {
    promise(&scenario(brokers, topic, producer), 0)
}

fn reason(p: &Promise, prop: Property) -> &Reason {
    p.reasons.iter().find(|r| r.property == prop && !r.holds).unwrap_or_else(|| {
        p.reasons.iter().find(|r| r.property == prop).unwrap_or_else(|| panic!("no {prop:?} reason"))
    })
}

#[test]
fn acks_0_is_at_most_once_at_best() {
    let p = promise_of("", "replication.factor=3", "acks=0");
    assert_eq!(p.promised, Level::AtMostOnce);
    let d = reason(&p, Property::Durability);
    assert!(!d.holds && d.fails_under.contains(&MessageLoss) && d.fails_under.contains(&LeaderCrash));
    assert!(p.holds(Property::NoDuplicates) && p.holds(Property::Ordering));
}

#[test]
fn acks_1_loses_on_failover_and_retries_duplicate() {
    let p = promise_of("min.insync.replicas=2", "replication.factor=3", "acks=1");
    assert_eq!(p.promised, Level::None, "acks=1 with retries: loss on failover and duplicates");
    let d = reason(&p, Property::Durability);
    assert!(d.fails_under.contains(&LeaderCrash) && d.holds_under.contains(&FollowerCrash));
    let dup = reason(&p, Property::NoDuplicates);
    assert!(!dup.holds && dup.fails_under.contains(&MessageLoss));
    assert!(dup.settings[0].contains("disabled by Kafka's rules"), "{:?}", dup.settings);
    // retries=0: never written twice by the producer, still not durable.
    let p = promise_of("", "replication.factor=3", "acks=1 retries=0");
    assert_eq!(p.promised, Level::AtMostOnce);
}

#[test]
fn acks_all_with_min_isr_1_is_not_durable() {
    let p = promise_of("", "replication.factor=3", "acks=all");
    let d = reason(&p, Property::Durability);
    assert!(!d.holds && d.fails_under.contains(&LoneLeaderPowerLoss), "{d:?}");
    assert!(d.holds_under.contains(&LeaderCrash) && d.holds_under.contains(&PowerLossOne));
    assert_eq!(p.promised, Level::AtMostOnce);
    // The topic's override wins over the broker's value, both ways.
    assert!(!promise_of("min.insync.replicas=2", "replication.factor=3 min.insync.replicas=1", "")
        .holds(Property::Durability));
    assert!(promise_of("", "replication.factor=3 min.insync.replicas=2", "").holds(Property::Durability));
}

#[test]
fn acks_all_min_isr_2_rf_3_idempotent_is_exactly_once_per_session() {
    let p = promise_of("min.insync.replicas=2", "replication.factor=3", "acks=all");
    assert_eq!(p.promised, Level::ExactlyOncePerSession);
    assert_eq!(p.fails_under(Property::Durability), vec![PowerLossAll], "only a correlated power loss");
    assert_eq!(p.fails_under(Property::NoDuplicates), vec![ProducerRestart, LateRequest]);
    // min.insync.replicas above the replication factor counts as the replication factor.
    let p = promise_of("", "replication.factor=2 min.insync.replicas=3", "");
    assert!(p.holds(Property::Durability));
}

#[test]
fn flush_messages_1_survives_a_power_loss_of_every_replica() {
    let p = promise_of("min.insync.replicas=2", "replication.factor=3 flush.messages=1", "");
    assert!(p.fails_under(Property::Durability).is_empty());
    // One replica: without flush a single power loss loses it; with flush it does not.
    let p = promise_of("", "replication.factor=1", "");
    assert_eq!(p.promised, Level::AtMostOnce);
    assert!(p.fails_under(Property::Durability).contains(&PowerLossOne));
    let p = promise_of("", "replication.factor=1 flush.messages=1", "");
    assert_eq!(p.promised, Level::ExactlyOncePerSession);
}

#[test]
fn without_idempotence_retries_duplicate_and_in_flight_reorders() {
    let p = promise_of("min.insync.replicas=2", "replication.factor=3", "enable.idempotence=false");
    assert_eq!(p.promised, Level::AtLeastOnce);
    assert!(!p.holds(Property::NoDuplicates) && !p.holds(Property::Ordering));
    assert!(reason(&p, Property::NoDuplicates).fails_under.contains(&FollowerCrash), "acks=all: AFTER_APPEND");
    let p = promise_of(
        "min.insync.replicas=2",
        "replication.factor=3",
        "enable.idempotence=false max.in.flight.requests.per.connection=1",
    );
    assert!(p.holds(Property::Ordering) && !p.holds(Property::NoDuplicates));
    assert_eq!(p.promised, Level::AtLeastOnce);
    // retries=0 without idempotence: nothing written twice, but no broker dedup, so no
    // exactly-once.
    let p = promise_of("min.insync.replicas=2", "replication.factor=3", "enable.idempotence=false retries=0");
    assert!(p.holds(Property::NoDuplicates));
    assert_eq!(p.promised, Level::AtLeastOnce);
}

#[test]
fn unclean_election_breaks_durability() {
    let p = promise_of("min.insync.replicas=2 unclean.leader.election.enable=true", "replication.factor=3", "");
    let d = reason(&p, Property::Durability);
    assert!(!d.holds && d.fails_under == vec![UncleanElection]);
    assert_eq!(p.promised, Level::AtMostOnce);
}

#[test]
fn transactions_hold_across_sessions_only_read_committed() {
    let p = promise_of("min.insync.replicas=2", "replication.factor=3", "transactional.id=tx");
    assert_eq!(p.promised, Level::ExactlyOnceTransactional);
    assert!(p.fails_under(Property::NoDuplicates).is_empty());
    let text = "brokers 3 min.insync.replicas=2\ntopic t partitions=1 replication.factor=3\n\
                producer app transactional.id=tx\nconsumer c isolation.level=read_uncommitted\n";
    let p = promise(&crate::script::parse(text).expect("valid"), 0);
    assert_eq!(p.promised, Level::ExactlyOncePerSession);
    assert!(p.fails_under(Property::AcrossSessions).contains(&ProducerRestart));
    // A consumer left at Kafka's default reads read_uncommitted too: its only reader
    // sees aborted records. One read_committed reader among them gets the promise.
    let only_default = text.replace(" isolation.level=read_uncommitted", "");
    assert_eq!(promise(&crate::script::parse(&only_default).expect("valid"), 0).promised, Level::ExactlyOncePerSession);
    let mixed = format!("{only_default}consumer rc isolation.level=read_committed\n");
    assert_eq!(promise(&crate::script::parse(&mixed).expect("valid"), 0).promised, Level::ExactlyOnceTransactional);
}

#[test]
fn kafka_2_8_defaults_promise_nothing() {
    let text = "kafka 2.8\nbrokers 3 min.insync.replicas=2\ntopic t partitions=1 replication.factor=3\nproducer app\n";
    let p = promise(&crate::script::parse(text).expect("valid"), 0);
    assert_eq!(p.promised, Level::None, "acks=1 and retries without idempotence before 3.0");
}

#[test]
fn several_producers_the_weakest_wins_and_each_is_reported() {
    let text = "brokers 3 min.insync.replicas=2\ntopic t partitions=1 replication.factor=3\n\
                producer safe\nproducer fast acks=0\nat 0ms safe send t\nat 0ms fast send t\n";
    let sc = crate::script::parse(text).expect("valid");
    let g = guarantee(&sc, vec![Observed::default(), Observed::default()]);
    assert_eq!(g.promised, Level::AtMostOnce);
    let bp = g.by_producer.as_ref().expect("by_producer with several producers");
    assert_eq!(bp["safe"].promised, Level::ExactlyOncePerSession);
    assert_eq!(bp["fast"].promised, Level::AtMostOnce);
    // A loss by the safe producer breaks its own promise although the weakest allows it.
    let lost = Observed { lost: 2, ..Observed::default() };
    let g = guarantee(&sc, vec![lost, Observed::default()]);
    assert!(g.broken() && bp["safe"].observed.clean);
    let one = guarantee(&scenario("", "replication.factor=3", ""), vec![Observed::default()]);
    assert!(one.by_producer.is_none());
}

#[test]
fn observed_verdicts_break_exactly_the_levels_that_exclude_them() {
    let o = |lost, dup, reo, across| Observed {
        lost,
        duplicated: dup,
        reordered: reo,
        duplicated_across_sessions: across,
        ..Observed::default()
    };
    assert!(o(0, 0, 0, 0).judged(Level::AtMostOnce).clean);
    assert!(!o(5, 0, 0, 0).judged(Level::AtMostOnce).breaks_promise);
    assert_eq!(o(5, 0, 0, 0).judged(Level::AtLeastOnce).broken_by, ["lost"]);
    assert!(!o(0, 3, 2, 0).judged(Level::AtLeastOnce).breaks_promise);
    assert_eq!(o(0, 3, 0, 0).judged(Level::AtMostOnce).broken_by, ["duplicated"]);
    assert_eq!(o(0, 0, 1, 0).judged(Level::ExactlyOncePerSession).broken_by, ["reordered"]);
    // Duplicates of records resent after a restart are outside a per-session promise.
    assert!(!o(0, 3, 0, 3).judged(Level::ExactlyOncePerSession).breaks_promise);
    assert_eq!(o(0, 3, 0, 3).judged(Level::ExactlyOnceTransactional).broken_by, ["duplicated"]);
    assert!(!o(9, 9, 9, 0).judged(Level::None).breaks_promise);
}

/// A broken promise under a `delay` on the producer's link names the fault beyond the
/// design model (late-request) it came from; without one, or for a verdict the late request
/// cannot cause, the text is the plain "breaks the promise".
#[test]
fn a_broken_promise_under_a_late_request_names_the_fault_beyond_the_model() {
    let with = |line: &str| {
        let text = format!(
            "brokers 3 min.insync.replicas=2\ntopic t partitions=1 replication.factor=3\nproducer app acks=all\nat 0ms app send t count=5\n{line}"
        );
        crate::script::parse(&text).unwrap_or_else(|d| panic!("{text}\n{d:?}"))
    };
    let reordered = Observed { reordered: 2, ..Observed::default() };
    let late = with("at 1ms delay app -> broker-1 by=50ms\n");
    assert_eq!(out_of_model(&late, None), [LateRequest]);
    let g = guarantee(&late, vec![reordered.clone()]);
    assert_eq!(g.promised, Level::ExactlyOncePerSession);
    assert!(g.observed.breaks_promise, "still broken: search and expect lines see it");
    assert_eq!(g.observed.beyond_model, Some(vec![LateRequest]));
    assert!(
        g.observed.text.ends_with(": breaks the promise (exactly-once-per-session), under a fault beyond the design fault model it covers: late-request (a produce request arrives after one sent later overtook it)"),
        "{}",
        g.observed.text
    );
    // A response held back (broker -> app) or another API's messages: no late request.
    for line in ["at 1ms delay broker-1 -> app by=50ms\n", "at 1ms delay app -> broker-1 by=50ms api=Metadata\n", ""] {
        let sc = with(line);
        assert!(out_of_model(&sc, None).is_empty(), "{line}");
        let g = guarantee(&sc, vec![reordered.clone()]);
        assert!(
            g.observed.beyond_model.is_none()
                && g.observed.text.ends_with("breaks the promise (exactly-once-per-session)")
        );
    }
    // A loss is not what a late request causes to an idempotent acks=all producer.
    let g = guarantee(&late, vec![Observed { lost: 1, ..Observed::default() }]);
    assert!(g.observed.breaks_promise && g.observed.beyond_model.is_none(), "{}", g.observed.text);
    // A reordering with a loss: the loss is not the late request's doing.
    let g = guarantee(&late, vec![Observed { lost: 1, reordered: 1, ..Observed::default() }]);
    assert!(g.observed.breaks_promise && g.observed.beyond_model.is_none(), "{}", g.observed.text);
    // The JSON leaves the field out when empty.
    let json = serde_json::to_string(&guarantee(&with(""), vec![reordered]).observed).unwrap();
    assert!(!json.contains("beyond_model"), "{json}");
}

/// Over many configurations: a level is never stronger than its settings justify.
#[test]
fn the_level_is_never_safer_than_the_settings() {
    let mut checked = 0;
    for acks in ["0", "1", "all"] {
        for idem in ["", "enable.idempotence=false"] {
            for retries in ["", "retries=0"] {
                for in_flight in ["1", "5"] {
                    for (rf, min_isr) in [(1, 1), (2, 1), (2, 2), (3, 1), (3, 2), (3, 3)] {
                        for unclean in [false, true] {
                            let producer = format!(
                                "acks={acks} {idem} {retries} max.in.flight.requests.per.connection={in_flight}"
                            );
                            let brokers = format!("unclean.leader.election.enable={unclean}");
                            let topic = format!("replication.factor={rf} min.insync.replicas={min_isr}");
                            let text =
                                format!("brokers 3 {brokers}\ntopic t partitions=1 {topic}\nproducer app {producer}\n");
                            let Ok(sc) = crate::script::parse(&text) else { continue };
                            let cfg = &sc.producers[0].config;
                            let p = promise(&sc, 0);
                            let durable = cfg.acks == crate::config::Acks::All && min_isr.min(rf) >= 2 && !unclean;
                            let claims_durable = !matches!(p.promised, Level::None | Level::AtMostOnce);
                            assert!(!claims_durable || durable, "{text}: {:?}", p.promised);
                            let exactly =
                                matches!(p.promised, Level::ExactlyOncePerSession | Level::ExactlyOnceTransactional);
                            assert!(!exactly || cfg.enable_idempotence, "{text}");
                            if !cfg.enable_idempotence && cfg.acks != crate::config::Acks::Zero && cfg.retries > 0 {
                                assert!(!p.holds(Property::NoDuplicates), "{text}: retries without idempotence");
                            }
                            checked += 1;
                        }
                    }
                }
            }
        }
    }
    assert!(checked > 100, "only {checked} valid configurations");
}

#[test]
fn idempotent_ordering_fails_only_where_the_log_and_its_producer_state_can_be_lost() {
    // min.insync.replicas=1: a lone leader's power loss takes the tail of the log and the
    // producer state it rebuilt from it; the next leader accepts any first sequence.
    let p = promise_of("", "replication.factor=3", "acks=all");
    let o = reason(&p, Property::Ordering);
    assert!(!o.holds && o.fails_under.contains(&LoneLeaderPowerLoss), "{o:?}");
    assert!(o.fails_under.contains(&PowerLossAll) && !o.fails_under.contains(&UncleanElection), "{o:?}");
    // Unclean election enabled: an out-of-sync leader has no entry for the producer.
    let p = promise_of("unclean.leader.election.enable=true min.insync.replicas=2", "replication.factor=3", "acks=all");
    assert!(reason(&p, Property::Ordering).fails_under.contains(&UncleanElection));
    // min.insync.replicas=2 and an fsync per message: nothing takes the state; only a
    // late first request, which a leader with no entry for the producer cannot check
    // (outside the design model: one live connection delivers in order).
    let p = promise_of("min.insync.replicas=2 log.flush.interval.messages=1", "replication.factor=3", "acks=all");
    assert_eq!(p.fails_under(Property::Ordering), vec![ProducerRestart, LateRequest]);
    assert!(p.holds(Property::Ordering));
    // min.insync.replicas=2 with Kafka's flush defaults: also the correlated power loss, outside the design model.
    let p = promise_of("min.insync.replicas=2", "replication.factor=3", "acks=all");
    assert_eq!(p.fails_under(Property::Ordering), vec![PowerLossAll, ProducerRestart, LateRequest]);
    assert!(p.holds(Property::Ordering));
}
