//! What a configuration promises, apart from what one run showed.
//!
//! [`promise`] derives, from a producer's effective configuration and the topics it
//! writes to (never from a run), four properties, each with the Kafka reasons behind it
//! and the fault kinds ([`FaultKind`]) under which it holds or fails:
//! - durability: no acknowledged record is lost;
//! - no duplicates within a producer session;
//! - order kept per partition within a session;
//! - across sessions: a restarted producer neither duplicates nor reorders.
//!
//! A property *holds* when it survives Kafka's design fault model: lost or late
//! messages, and one broker at a time crashing, losing power or being cut off (with
//! unclean elections if the topic allows them), while the followers may fall out of the
//! ISR. Faults beyond that model (every replica losing power at once, a producer
//! restart for the session properties) are still listed in `fails_under`. The level
//! ([`Level`]) names the strongest guarantee the holding properties make up; it is never
//! stronger than what the rules can justify (`rules` says why for each setting).
//!
//! `observed` judges one run against the promise: which verdicts (lost, duplicated,
//! reordered) broke it. A clean `acks=0` run is observed clean and still promised
//! `at-most-once`.
//!
//! Map: [`Level`], [`FaultKind`], [`Reason`], [`Promise`] and [`promise`] here; the rules
//! per property in `rules`; the run's side in `observed`; tests in `tests`.

mod observed;
mod rules;
#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::plan::{Action, NodeRef, Scenario};
use crate::sim::VecMap;

pub use observed::{observe, Observed};
pub mod groups;
pub mod pipelines;

/// The delivery guarantee a configuration promises, in the words people use for Kafka
/// (weakest first).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// Acknowledged records can be lost and records can be written twice.
    None,
    /// Nothing is written twice (within a session), but acknowledged records can be lost.
    AtMostOnce,
    /// No acknowledged record is lost, but retries can write records twice or reorder them.
    AtLeastOnce,
    /// Idempotence: no loss, no duplicate, order kept, within one producer session.
    ExactlyOncePerSession,
    /// Transactions read with `read_committed`: exactly once across producer restarts too.
    ExactlyOnceTransactional,
}

impl Level {
    pub fn name(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::AtMostOnce => "at-most-once",
            Level::AtLeastOnce => "at-least-once",
            Level::ExactlyOncePerSession => "exactly-once-per-session",
            Level::ExactlyOnceTransactional => "exactly-once-transactional",
        }
    }
}

/// A kind of fault, as the reasons and the survival card name it. Each one says what
/// happens; the search (`crate::search`) generates schedules of exactly that kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum FaultKind {
    /// Produce requests or responses lost: the producer times out and retries.
    MessageLoss,
    /// The partition leader's process crashes (its page cache survives) and restarts.
    LeaderCrash,
    /// A follower's process crashes and restarts.
    FollowerCrash,
    /// Two brokers' processes are down at the same time, then restart.
    TwoBrokersDown,
    /// One replica loses power (only flushed bytes survive) while the others run on.
    PowerLossOne,
    /// Every replica of the partition loses power at the same moment.
    PowerLossAll,
    /// The leader is cut off from every other node for a while.
    LeaderIsolated,
    /// The producer process restarts and resends what it never saw acknowledged.
    ProducerRestart,
    /// A follower falls out of the ISR, then the leader crashes: with
    /// `unclean.leader.election.enable=true` the out-of-sync follower is elected.
    UncleanElection,
    /// The followers fall out of the ISR, then the leader, alone in it, loses power.
    LoneLeaderPowerLoss,
    /// A produce request reaches the leader after one the producer sent later (`delay`:
    /// a request stuck on a slow path or an old connection). Outside the design model:
    /// requests on one live connection arrive and are handled in order.
    LateRequest,
}

impl FaultKind {
    pub const ALL: [FaultKind; 11] = [
        FaultKind::MessageLoss,
        FaultKind::LeaderCrash,
        FaultKind::FollowerCrash,
        FaultKind::TwoBrokersDown,
        FaultKind::PowerLossOne,
        FaultKind::PowerLossAll,
        FaultKind::LeaderIsolated,
        FaultKind::ProducerRestart,
        FaultKind::UncleanElection,
        FaultKind::LoneLeaderPowerLoss,
        FaultKind::LateRequest,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FaultKind::MessageLoss => "message-loss",
            FaultKind::LeaderCrash => "leader-crash",
            FaultKind::FollowerCrash => "follower-crash",
            FaultKind::TwoBrokersDown => "two-brokers-down",
            FaultKind::PowerLossOne => "power-loss-one",
            FaultKind::PowerLossAll => "power-loss-all",
            FaultKind::LeaderIsolated => "leader-isolated",
            FaultKind::ProducerRestart => "producer-restart",
            FaultKind::UncleanElection => "unclean-election",
            FaultKind::LoneLeaderPowerLoss => "lone-leader-power-loss",
            FaultKind::LateRequest => "late-request",
        }
    }

    pub fn from_name(name: &str) -> Option<FaultKind> {
        FaultKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// One line for the survival card.
    pub fn describe(self) -> &'static str {
        match self {
            FaultKind::MessageLoss => "produce requests or responses lost (timeouts, retries)",
            FaultKind::LeaderCrash => "the leader's process crashes and restarts",
            FaultKind::FollowerCrash => "a follower's process crashes and restarts",
            FaultKind::TwoBrokersDown => "two brokers down at the same time",
            FaultKind::PowerLossOne => "one replica loses power",
            FaultKind::PowerLossAll => "every replica loses power at once",
            FaultKind::LeaderIsolated => "the leader is partitioned from the network",
            FaultKind::ProducerRestart => "the producer restarts and resends what was unacknowledged",
            FaultKind::UncleanElection => "a follower falls out of the ISR, then the leader crashes",
            FaultKind::LoneLeaderPowerLoss => "the followers fall out of the ISR, then the leader loses power",
            FaultKind::LateRequest => "a produce request arrives after one sent later overtook it",
        }
    }

    /// This kind's bit in a [`Faults`] set.
    pub const fn bit(self) -> Faults {
        1 << self as u16
    }

    /// Inside the design fault model the level is judged against.
    pub fn in_design_model(self) -> bool {
        !matches!(self, FaultKind::PowerLossAll | FaultKind::ProducerRestart | FaultKind::LateRequest)
    }
}

/// The four properties a level is made of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum Property {
    /// No acknowledged record is lost.
    Durability,
    /// No record is written twice within a producer session.
    NoDuplicates,
    /// Records land in the order their producer sent them, per partition.
    Ordering,
    /// A producer restart neither duplicates nor reorders (transactions).
    AcrossSessions,
}

/// One rule's verdict on one property.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Reason {
    pub property: Property,
    /// Whether the property holds under the design fault model.
    pub holds: bool,
    /// The deciding settings, as Kafka spells them (`acks=1`, `min.insync.replicas=1`).
    pub settings: Vec<String>,
    /// Why, in Kafka's terms.
    pub text: String,
    pub holds_under: Vec<FaultKind>,
    pub fails_under: Vec<FaultKind>,
}

/// A set of fault kinds, one bit each ([`FaultKind::bit`]).
pub type Faults = u16;

impl Reason {
    /// A rule that does not depend on the fault kinds (a pipeline's processing guarantee).
    fn fixed(property: Property, settings: Vec<String>, holds: bool, text: impl Into<String>) -> Reason {
        Reason { property, holds, settings, text: text.into(), holds_under: Vec::new(), fails_under: Vec::new() }
    }

    /// A rule's verdict: `fails` is the set of kinds it fails under; it holds when none
    /// of them is in the design fault model (for across-sessions: when a producer restart
    /// is not among them).
    fn new(property: Property, settings: Vec<String>, text: impl Into<String>, fails: Faults) -> Reason {
        let pick = |want: bool| FaultKind::ALL.into_iter().filter(|k| (fails & k.bit() != 0) == want).collect();
        let fails_under: Vec<FaultKind> = pick(true);
        let holds = match property {
            Property::AcrossSessions => fails & FaultKind::ProducerRestart.bit() == 0,
            _ => !fails_under.iter().any(|k| k.in_design_model()),
        };
        Reason { property, holds, settings, text: text.into(), holds_under: pick(false), fails_under }
    }
}

/// What one producer's configuration promises.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Promise {
    pub promised: Level,
    pub reasons: Vec<Reason>,
}

impl Promise {
    pub fn holds(&self, p: Property) -> bool {
        self.reasons.iter().filter(|r| r.property == p).all(|r| r.holds)
    }

    /// The fault kinds under which property `p` may fail (any rule).
    pub fn fails_under(&self, p: Property) -> Vec<FaultKind> {
        let mask = self
            .reasons
            .iter()
            .filter(|r| r.property == p)
            .flat_map(|r| r.fails_under.iter())
            .fold(0, |m, k| m | k.bit());
        FaultKind::ALL.into_iter().filter(|k| mask & k.bit() != 0).collect()
    }
}

/// The level the holding properties make up. Exactly-once needs the broker to
/// deduplicate (effective idempotence): without it, "never written twice" only means the
/// producer never retried, and a failed send the application resends may land twice.
pub fn level_of(durable: bool, no_dups: bool, ordered: bool, sessions: bool, idempotent: bool) -> Level {
    match (durable, no_dups && ordered && idempotent) {
        (true, true) if sessions => Level::ExactlyOnceTransactional,
        (true, true) => Level::ExactlyOncePerSession,
        (true, false) => Level::AtLeastOnce,
        (false, _) if no_dups => Level::AtMostOnce,
        _ => Level::None,
    }
}

/// The promise of producer `p` of `scenario`, from its effective configuration and the
/// topics its `send` statements name (a pipeline's producer: its `to` topic; every topic
/// when it sends nothing).
pub fn promise(scenario: &Scenario, p: usize) -> Promise {
    let cfg = &scenario.producers[p].config;
    let mut topics: Vec<usize> = scenario
        .timeline
        .iter()
        .filter_map(|t| match t.action {
            Action::Send { producer, topic, .. } if producer == p => Some(topic),
            _ => None,
        })
        .collect();
    // A pipeline's producer writes its `to` topic.
    topics.extend(scenario.pipelines.iter().filter(|d| d.producer == p).map(|d| d.to));
    topics.sort_unstable();
    topics.dedup();
    if topics.is_empty() {
        topics = (0..scenario.topics.len()).collect();
    }
    // Transactions promise exactly-once to read_committed readers: when every declared
    // consumer reads read_uncommitted (Kafka's default included, which the report's final
    // view does not follow unless set), no reader gets it.
    let rc = crate::config::IsolationLevel::ReadCommitted;
    let read_committed = crate::run::final_isolation(scenario) == rc
        && (scenario.consumers.is_empty() || scenario.consumers.iter().any(|c| c.config.isolation_level == rc));
    let mut reasons = Vec::new();
    for &t in &topics {
        let topic = &scenario.topics[t];
        let label = (topics.len() > 1).then_some(topic.name.as_str());
        for r in rules::durability(cfg, topic, label) {
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
    }
    let derived = idempotence_derived(scenario, &scenario.producers[p].name);
    reasons.push(rules::duplicates(cfg, derived));
    // The faults that can take acknowledged records from the log take the producer state
    // that came with them.
    let log_loss = reasons
        .iter()
        .filter(|r| r.property == Property::Durability)
        .flat_map(|r| r.fails_under.iter())
        .fold(0, |m, k| m | k.bit());
    reasons.push(rules::ordering(cfg, derived, log_loss));
    reasons.push(rules::sessions(cfg, read_committed));
    let holds = |prop| reasons.iter().filter(|r: &&Reason| r.property == prop).all(|r| r.holds);
    let promised = level_of(
        holds(Property::Durability),
        holds(Property::NoDuplicates),
        holds(Property::Ordering),
        holds(Property::AcrossSessions),
        cfg.enable_idempotence,
    );
    Promise { promised, reasons }
}

/// Whether Kafka's rules, not the scenario, decided `enable.idempotence` (an implicit
/// default disabled because acks≠all or retries=0).
fn idempotence_derived(scenario: &Scenario, producer: &str) -> bool {
    scenario
        .effective
        .roles
        .iter()
        .find(|r| r.role == "producer" && r.name == producer)
        .and_then(|r| r.settings.iter().find(|s| s.name == "enable.idempotence"))
        .is_some_and(|s| s.source == crate::config::Source::Derived)
}

/// The promise of the whole configuration: the weakest producer's properties together.
pub fn combined(promises: &[Promise], idempotent: bool) -> Level {
    let all = |p| promises.iter().all(|x| x.holds(p));
    level_of(
        all(Property::Durability),
        all(Property::NoDuplicates),
        all(Property::Ordering),
        all(Property::AcrossSessions),
        idempotent,
    )
}

/// What the whole configuration of `scenario` promises (the weakest producer's).
pub fn promised(scenario: &Scenario) -> Level {
    let promises: Vec<Promise> = (0..scenario.producers.len()).map(|p| promise(scenario, p)).collect();
    let idempotent = scenario.producers.iter().all(|p| p.config.enable_idempotence);
    if promises.is_empty() {
        Level::None
    } else {
        combined(&promises, idempotent)
    }
}

/// The report's `guarantee` section for one producer.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ProducerGuarantee {
    pub promised: Level,
    pub reasons: Vec<Reason>,
    pub observed: Observed,
}

/// The report's `guarantee` section: the promise of the whole configuration (the weakest
/// producer's) with its reasons, what the run observed, and with several producers each
/// one's own.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Guarantee {
    pub promised: Level,
    pub reasons: Vec<Reason>,
    pub observed: Observed,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub by_producer: Option<VecMap<String, ProducerGuarantee>>,
    /// Each pipeline's end-to-end promise (input → output) and what the run showed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub by_pipeline: Option<VecMap<String, pipelines::PipelineGuarantee>>,
    /// Each plain consumer group's processing promise (at-least-once or none) and what
    /// the run showed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub by_group: Option<VecMap<String, groups::GroupGuarantee>>,
}

impl Guarantee {
    /// Adds the pipelines' promises and verdicts (`verdicts[k]`: pipeline `k`'s lost and
    /// duplicated inputs); a pipeline that breaks its promise breaks the run's.
    pub fn with_pipelines(&mut self, scenario: &Scenario, verdicts: &[(u64, u64)]) {
        if scenario.pipelines.is_empty() {
            return;
        }
        let mut by = VecMap::new();
        for (k, d) in scenario.pipelines.iter().enumerate() {
            let (promised, reasons) = pipelines::pipeline_promise(scenario, k);
            let (lost, dup) = verdicts.get(k).copied().unwrap_or_default();
            let observed = pipelines::observed(promised, lost, dup);
            self.observed.breaks_promise |= observed.breaks_promise;
            by.insert(d.name.clone(), pipelines::PipelineGuarantee { promised, reasons, observed });
        }
        self.by_pipeline = Some(by);
    }
}

impl Guarantee {
    /// Adds the plain groups' promises and verdicts (`verdicts(group)`: its reprocessed
    /// and skipped records, and how many of those retention deleted unread); a group that
    /// breaks its promise breaks the run's.
    pub fn with_groups(&mut self, scenario: &Scenario, verdicts: impl Fn(&str) -> (u64, u64, u64)) {
        let names = groups::plain_groups(scenario);
        if names.is_empty() {
            return;
        }
        let mut by = VecMap::new();
        for g in names {
            let (promised, reasons) = groups::group_promise(scenario, g);
            let (reprocessed, skipped, deleted) = verdicts(g);
            let observed = groups::observed(promised, reprocessed, skipped, deleted);
            self.observed.breaks_promise |= observed.breaks_promise;
            by.insert(g.to_string(), groups::GroupGuarantee { promised, reasons, observed });
        }
        self.by_group = Some(by);
    }
}

impl Guarantee {
    /// True when the run broke what some producer's configuration promised.
    pub fn broken(&self) -> bool {
        self.observed.breaks_promise
    }
}

/// The fault kinds beyond the design fault model that the scenario's own actions cause
/// for producer `p` (every producer: `None`): `late-request` when a `delay` holds back
/// messages on the producer's link to a broker (later requests may overtake them). Power
/// lost by every replica at once and producer restarts are judged elsewhere (the promise's
/// reasons, the across-session counts).
pub fn out_of_model(scenario: &Scenario, p: Option<usize>) -> Vec<FaultKind> {
    let late = scenario.timeline.iter().any(|t| match &t.action {
        Action::Delay { from: NodeRef::Producer(q), to: NodeRef::Broker(_), api, .. } => {
            p.is_none_or(|p| p == *q) && api.is_none_or(|a| a == "Produce")
        }
        _ => false,
    });
    if late {
        vec![FaultKind::LateRequest]
    } else {
        Vec::new()
    }
}

/// Builds the `guarantee` section from the scenario (the promise) and per-producer
/// observations (what the run showed).
pub fn guarantee(scenario: &Scenario, observed: Vec<Observed>) -> Guarantee {
    let promises: Vec<Promise> = (0..scenario.producers.len()).map(|p| promise(scenario, p)).collect();
    let idempotent = scenario.producers.iter().all(|p| p.config.enable_idempotence);
    let promised = if promises.is_empty() { Level::None } else { combined(&promises, idempotent) };
    let mut reasons: Vec<Reason> = Vec::new();
    for (i, pr) in promises.iter().enumerate() {
        for r in &pr.reasons {
            let mut r = r.clone();
            if promises.len() > 1 {
                r.text = format!("{}: {}", scenario.producers[i].name, r.text);
            }
            if !reasons.contains(&r) {
                reasons.push(r);
            }
        }
    }
    let total = Observed::sum(&observed);
    let by_producer = (promises.len() > 1).then(|| {
        promises
            .iter()
            .zip(observed)
            .zip(&scenario.producers)
            .enumerate()
            .map(|(i, ((pr, ob), decl))| {
                let ob = ob.judged(pr.promised).beyond(&out_of_model(scenario, Some(i)), |p| pr.fails_under(p));
                (
                    decl.name.clone(),
                    ProducerGuarantee { promised: pr.promised, reasons: pr.reasons.clone(), observed: ob },
                )
            })
            .collect::<VecMap<_, _>>()
    });
    let fails_any = |p: Property| {
        let mask = promises.iter().flat_map(|pr| pr.fails_under(p)).fold(0, |m, k| m | k.bit());
        FaultKind::ALL.into_iter().filter(|k| mask & k.bit() != 0).collect()
    };
    let mut observed = total.judged(promised).beyond(&out_of_model(scenario, None), fails_any);
    if let Some(bp) = &by_producer {
        // A producer's own promise can be stronger than the weakest one's.
        observed.breaks_promise |= bp.values().any(|g| g.observed.breaks_promise);
    }
    Guarantee { promised, reasons, observed, by_producer, by_pipeline: None, by_group: None }
}
