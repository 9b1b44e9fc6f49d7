//! Builds the cluster, topics and clients from [`Raw`] declarations: validates every
//! property against the role's table for the chosen Kafka version, applies Kafka's
//! rules (`producer_rules`, `server_rules`: the brokers' group coordinator bounds and the
//! consumers' group rules among them), places replicas, and records the effective
//! configuration with its notes.
//!
//! Replica placement without `replica.assignment` is Kafka's rack-unaware assignment
//! (`AdminUtils.assignReplicasToBrokersRackUnaware`) with its two random choices fixed
//! to 0 for determinism: the start index and the initial replica shift. Partition p's
//! first replica is broker index `p % n`; replica j ≥ 1 is
//! `(first + 1 + (shift + j - 1) % (n - 1)) % n`, where `shift` starts at 0 and grows by
//! one after every n partitions. With 3 brokers and RF 3: p0 = 1,2,3; p1 = 2,3,1;
//! p2 = 3,1,2; p3 = 1,3,2. Broker ids are 1-based (`broker-1` is index 0).
//!
//! Budgets: replicas (partitions × replication factor, over all topics) are counted
//! before any placement is built, so a topology over budget costs nothing to reject;
//! clients past the producers-and-consumers budget (already diagnosed) are not resolved.
//!
//! Pipelines (`pipeline`): each one's consumer and producer are resolved in their places
//! among the consumers and producers, from the pipeline's properties and Kafka Streams'
//! overrides, under the same rules as declared clients; a pipeline whose topics and
//! clients all resolved becomes a [`super::ast::PipelineDecl`].

use super::ast::{ConsumerDecl, Features, ProducerDecl, RunUntil, Scenario, TopicDecl};
use super::errors::Diagnostic;
use super::hardware;
use super::names::NameIndex;
use super::pipeline;
use super::producer_rules::{self, acks_of};
use super::props::Role;
use super::props_tables::default_named;
use super::raw::{Raw, RawClient, RawTopic};
use super::server_rules as server;
use super::settings::Settings;
use super::suggest;
use crate::budget::group;
use crate::config::{EffectiveConfig, KafkaVersion};

/// Kafka's rack-unaware assignment with start index 0 and shift 0 (see module docs).
pub fn assign(partitions: u32, rf: u16, brokers: u16) -> Vec<Vec<u16>> {
    let n = u32::from(brokers.max(1));
    let rf = u32::from(rf).min(n);
    let mut shift = 0u32;
    let mut out = Vec::new();
    for p in 0..partitions {
        if p > 0 && p % n == 0 {
            shift += 1;
        }
        let first = p % n;
        let mut replicas = vec![first];
        for j in 0..rf.saturating_sub(1) {
            let step = 1 + (shift + j) % (n - 1).max(1);
            replicas.push((first + step) % n);
        }
        out.push(replicas.into_iter().map(|i| u16::try_from(i + 1).unwrap_or(u16::MAX)).collect());
    }
    out
}

/// Virtual time 0 as wall-clock time (2023-11-14T22:13:20Z), unless `seed N epoch=`.
pub const DEFAULT_EPOCH_MS: i64 = 1_700_000_000_000;

/// Resolves everything but the timeline and the expectations.
pub fn resolve(raw: &Raw, diags: &mut Vec<Diagnostic>) -> Scenario {
    let v = raw.kafka.as_ref().map(|(v, _)| *v).unwrap_or(KafkaVersion::DEFAULT);
    let mut notes = vec![defaults_note(v, raw.kafka.is_some())];
    let mut roles = vec![];

    let (count, bprops) = match &raw.brokers {
        Some((b, _)) => (b.count, b.props.as_slice()),
        None => (1, &[][..]),
    };
    let bset = Settings::build(Role::Broker, bprops, v, diags);
    server::check_broker(&bset, &mut notes, diags);
    server::check_group_coordinator(&bset, v, diags);
    unmodelled_notes("brokers", &bset, &mut notes);
    let broker_config = server::broker_config(&bset);
    roles.push(bset.role_config("brokers", |_, _| None));

    let mut topics = vec![];
    let mut replicas = 0u64;
    for t in &raw.topics {
        let mut tset = Settings::build(Role::Topic, &t.props, v, diags);
        unmodelled_notes(&format!("topic {}", t.name), &tset, &mut notes);
        server::inherit_topic(&mut tset, &bset);
        server::check_topic(&tset, diags);
        let over = replica_budget(t, &bset, count, raw.budgets.replicas, &mut replicas, diags);
        let (partitions, rf, assignment) = if over { (1, 1, vec![vec![1]]) } else { placement(t, &bset, count, diags) };
        notes.extend(server::min_isr_note(&t.name, &tset, rf, v));
        roles.push(tset.role_config(&t.name, |_, _| None));
        let config = server::topic_config(&tset);
        topics.push(TopicDecl { name: t.name.clone(), partitions, replication_factor: rf, assignment, config });
    }

    let clients = usize::try_from(raw.budgets.clients).unwrap_or(usize::MAX);
    let checked = check_pipelines(raw, clients, v, &topics, &mut notes, diags);
    // Per pipeline, the indexes of its resolved producer and consumer.
    let mut pipe_producer = vec![None; raw.pipelines.len()];
    let mut pipe_consumer = vec![None; raw.pipelines.len()];
    // A pipeline's client (and that pipeline, checked) or a declared client.
    let pipe = |c: &RawClient| c.pipeline.and_then(|k| Some((k, &raw.pipelines[k], checked[k].as_ref()?)));

    let mut producers = vec![];
    for (index, p) in raw.producers.iter().enumerate().take(clients) {
        let (mut pset, streams) = match pipe(p) {
            Some((k, rp, ch)) => {
                pipe_producer[k] = Some(index);
                pipeline::producer_settings(rp, ch.guarantee, v, diags)
            }
            None => (Settings::build(Role::Producer, &p.props, v, diags), vec![]),
        };
        let cx = producer_rules::Ctx { name: &p.name, index, version: v, at: &p.at };
        let config = producer_rules::resolve(&cx, &mut pset, &mut notes, diags);
        if let Some((_, rp, _)) = pipe(p) {
            notes.extend(pipeline::settle(rp, Role::Producer, &p.name, &mut pset, &streams));
        }
        if config.transactional_id.is_some() && config.transaction_timeout_us > broker_config.transaction_max_timeout_us
        {
            notes.push(format!(
                "producer {}: transaction.timeout.ms={} exceeds the brokers' transaction.max.timeout.ms={}: initTransactions() will fail with INVALID_TRANSACTION_TIMEOUT",
                p.name,
                config.transaction_timeout_us / 1_000,
                broker_config.transaction_max_timeout_us / 1_000
            ));
        }
        roles.push(pset.role_config(&p.name, |k, val| {
            (k == "acks").then(|| acks_of(val.as_str().expect("acks is an enum: its value is text")).name().to_string())
        }));
        producers.push(ProducerDecl { name: p.name.clone(), config });
    }

    let mut consumers = vec![];
    for c in raw.consumers.iter().take(clients.saturating_sub(producers.len())) {
        let (mut cset, streams) = match pipe(c) {
            Some((k, rp, ch)) => {
                pipe_consumer[k] = Some(consumers.len());
                pipeline::consumer_settings(rp, ch.guarantee, v, pipe_producer[k].is_some(), diags)
            }
            None => (Settings::build(Role::Consumer, &c.props, v, diags), vec![]),
        };
        server::check_consumer(&c.name, &mut cset, v, &bset, &mut notes, diags);
        // Typed before `settle`: Streams' overrides are explicit for the client itself
        // (an exactly_once_v2 pipeline's read_committed is its own choice).
        let config = server::consumer_config(&cset);
        if let Some((_, rp, _)) = pipe(c) {
            notes.extend(pipeline::settle(rp, Role::Consumer, &c.name, &mut cset, &streams));
        }
        unmodelled_notes(&format!("consumer {}", c.name), &cset, &mut notes);
        roles.push(cset.role_config(&c.name, |_, _| None));
        consumers.push(ConsumerDecl { name: c.name.clone(), config });
    }
    let pipelines = raw
        .pipelines
        .iter()
        .enumerate()
        .filter_map(|(k, p)| pipeline::lower(p, checked[k].as_ref()?, pipe_consumer[k]?, pipe_producer[k]?))
        .collect();

    let features = features(raw, v, &mut notes, diags);
    let hardware = hardware::resolve(raw.hardware.as_ref().map(|(p, _)| p.as_slice()).unwrap_or(&[]), diags);
    Scenario {
        seed: raw.seed.as_ref().map(|(s, _)| *s).unwrap_or(1),
        epoch_ms: raw.epoch_ms.unwrap_or(DEFAULT_EPOCH_MS),
        kafka: v,
        brokers: count,
        broker_config,
        features,
        hardware,
        topics,
        producers,
        consumers,
        pipelines,
        network: raw.network.as_ref().map(|(n, _)| *n).unwrap_or_default(),
        links: vec![],
        timeline: vec![],
        run_until: raw.run.as_ref().map(|(r, _)| *r).unwrap_or(RunUntil::Idle),
        expects: vec![],
        effective: EffectiveConfig { kafka_version: v.to_string(), roles, notes },
    }
}

/// Checks each pipeline with a client left after `dedupe` and the budget (a
/// pipeline declared twice has none): `None` for the others.
fn check_pipelines(
    raw: &Raw,
    clients: usize,
    v: KafkaVersion,
    topics: &[TopicDecl],
    notes: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Option<pipeline::Checked>> {
    if raw.pipelines.is_empty() {
        return vec![];
    }
    let np = raw.producers.len().min(clients);
    let nc = raw.consumers.len().min(clients - np);
    let mut present = vec![false; raw.pipelines.len()];
    for k in raw.producers[..np].iter().chain(&raw.consumers[..nc]).filter_map(|c| c.pipeline) {
        present[k] = true;
    }
    let index = NameIndex::new(topics.iter().map(|t| t.name.as_str()));
    raw.pipelines
        .iter()
        .zip(present)
        .map(|(p, on)| on.then(|| pipeline::check(p, v, topics, &index, notes, diags)))
        .collect()
}

/// `features NAME=LEVEL ...` against what release `v` supports (`kafka-features.sh`):
/// `transaction.version` 0 to 2 and `eligible.leader.replicas.version` 0 to 1 need
/// metadata.version 4.0 (Kafka 4.0).
fn features(raw: &Raw, v: KafkaVersion, notes: &mut Vec<String>, diags: &mut Vec<Diagnostic>) -> Features {
    let mut f = Features::defaults(v);
    let Some((props, _)) = &raw.features else { return f };
    const KNOWN: &[(&str, u8)] = &[("transaction.version", 2), ("eligible.leader.replicas.version", 1)];
    for p in props {
        let Some(&(name, max)) = KNOWN.iter().find(|(n, _)| *n == p.name) else {
            let hint = suggest::did_you_mean(&p.name, KNOWN.iter().map(|(n, _)| *n));
            let hint = if hint.is_empty() {
                "kplay models transaction.version and eligible.leader.replicas.version".to_string()
            } else {
                hint
            };
            diags.push(p.key.diag(format!("unknown feature '{}'", p.name), hint));
            continue;
        };
        let level = match p.value.parse::<u8>() {
            Ok(l) if l <= max => l,
            _ => {
                diags.push(p.val.diag(
                    format!("Invalid feature level {} for {name}", p.value),
                    format!("{name} takes a level from 0 to {max}"),
                ));
                continue;
            }
        };
        if level > 0 && !v.at_least(4, 0) {
            diags.push(p.val.diag(
                format!("{name}={level} needs metadata.version 4.0 (Kafka 4.0); Kafka {v} has no such feature level"),
                format!("write kafka 4.0, or drop {name}"),
            ));
            continue;
        }
        match name {
            "transaction.version" => f.transaction_version = level,
            _ => f.eligible_leader_replicas_version = level,
        }
    }
    if f != Features::defaults(v) {
        notes.push(format!(
            "Finalized features: transaction.version={}, eligible.leader.replicas.version={}.",
            f.transaction_version, f.eligible_leader_replicas_version
        ));
    }
    f
}

/// The version's producer defaults that changed over time, read from the table.
fn defaults_note(v: KafkaVersion, declared: bool) -> String {
    let default = |name| default_named(Role::Producer, name, v);
    let (linger, acks) = (default("linger.ms"), default("acks"));
    let idem = match default("enable.idempotence") {
        "true" if v.major == 3 && v.minor <= 1 && v.patch == 0 => "true but not applied (KAFKA-13598)",
        idem => idem,
    };
    let from = if declared { "" } else { " (no kafka line; kplay's default version)" };
    format!(
        "Defaults are those of Kafka {v}{from}: producer linger.ms={linger}, acks={acks}, enable.idempotence={idem}."
    )
}

/// Adds the topic's replicas to `total`; true (with a diagnostic on the topic line) when
/// that takes the total over the budget. Nothing is placed for such a topic.
fn replica_budget(
    t: &RawTopic,
    b: &Settings,
    brokers: u16,
    limit: u64,
    total: &mut u64,
    diags: &mut Vec<Diagnostic>,
) -> bool {
    let partitions = match (&t.assignment, &t.partitions) {
        (Some((lists, _)), _) => lists.len() as u64,
        (None, Some((p, _))) => u64::from(*p),
        (None, None) => 1,
    };
    let rf = match (&t.assignment, &t.replication_factor) {
        (Some((lists, _)), _) => lists.first().map_or(1, Vec::len) as u64,
        (None, Some((rf, _))) => u64::from(*rf),
        (None, None) => u64::try_from(b.int("default.replication.factor")).unwrap_or(1),
    }
    .clamp(1, u64::from(brokers.max(1)));
    let before = *total;
    *total = total.saturating_add(partitions * rf);
    if before > limit || *total <= limit {
        return false;
    }
    let loc = t.partitions.as_ref().map_or(&t.at, |(_, loc)| loc);
    let all = if before == 0 { String::new() } else { format!(", {} in all", group(*total)) };
    diags.push(loc.diag(
        format!(
            "topic {} holds {} replicas ({} partitions × replication factor {rf}){all}: over kplay's budget of {} replicas",
            t.name,
            group(partitions * rf),
            group(partitions),
            group(limit)
        ),
        format!(
            "use fewer partitions or a smaller replication.factor: all topics together may hold {} replicas (kplay's topology budget)",
            group(limit)
        ),
    ));
    true
}

/// Partition count, replication factor and replica lists of a topic.
fn placement(t: &RawTopic, b: &Settings, brokers: u16, diags: &mut Vec<Diagnostic>) -> (u32, u16, Vec<Vec<u16>>) {
    if let Some((lists, at)) = &t.assignment {
        let mut ok = true;
        if let Some(bad) = lists.iter().flatten().find(|&&id| id == 0 || id > brokers) {
            let msg =
                format!("The manual partition assignment includes broker {bad}, but no such broker is registered.");
            diags.push(at.diag(msg, format!("the cluster has broker-1 to broker-{brokers}")));
            ok = false;
        }
        let n = u32::try_from(lists.len()).unwrap_or(u32::MAX);
        let width = u16::try_from(lists.first().map_or(0, Vec::len)).unwrap_or(u16::MAX);
        if let Some((rf, loc)) = &t.replication_factor {
            if *rf != width {
                let msg =
                    format!("replica.assignment gives {width} replica(s) per partition but replication.factor={rf}");
                diags.push(loc.diag(msg, "drop replication.factor (the assignment sets it) or make them agree"));
                ok = false;
            }
        }
        if let Some((p, loc)) = &t.partitions {
            if *p != n {
                let msg = format!("replica.assignment lists {n} partition(s) but partitions={p}");
                diags.push(loc.diag(msg, "drop partitions (the assignment sets it) or make them agree"));
                ok = false;
            }
        }
        if ok {
            return (n, width, lists.clone());
        }
        return (n, width.max(1), assign(n, width.max(1), brokers));
    }
    let partitions = t.partitions.as_ref().map_or(1, |(p, _)| *p);
    let (rf, explicit) = match &t.replication_factor {
        Some((rf, _)) => (*rf, true),
        None => (u16::try_from(b.int("default.replication.factor")).unwrap_or(u16::MAX), false),
    };
    if rf > brokers {
        let msg = format!("Replication factor: {rf} larger than available brokers: {brokers}.");
        let (loc, hint) = match (&t.replication_factor, b.loc("default.replication.factor")) {
            (Some((_, loc)), _) => (loc, format!("use replication.factor={brokers} or less, or declare more brokers")),
            (None, Some(loc)) if !explicit => {
                (loc, format!("topic {} takes its replication factor from default.replication.factor", t.name))
            }
            _ => (&t.at, format!("declare at least {rf} brokers")),
        };
        diags.push(loc.diag(msg, hint));
    }
    let assignment = assign(partitions, rf.min(brokers), brokers);
    (partitions, rf, assignment)
}

/// A note for each property the scenario set that Kafka has and kplay accepts without
/// modelling it yet (`PropDef::modelled`): the run does not reflect it.
fn unmodelled_notes(who: &str, s: &Settings, notes: &mut Vec<String>) {
    let unmodelled: Vec<&str> = s
        .entries
        .iter()
        .filter(|(_, e)| e.source == crate::config::Source::Set && !e.def.modelled)
        .map(|(name, _)| *name)
        .collect();
    if !unmodelled.is_empty() {
        notes.push(format!(
            "{who}: {} {} accepted as Kafka has {}, but kplay does not model {} yet: the run does not reflect {}",
            unmodelled.join(", "),
            if unmodelled.len() == 1 { "is" } else { "are" },
            if unmodelled.len() == 1 { "it" } else { "them" },
            if unmodelled.len() == 1 { "it" } else { "them" },
            if unmodelled.len() == 1 { "it" } else { "them" },
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rack_unaware_assignment_with_fixed_start() {
        assert_eq!(assign(3, 3, 3), vec![vec![1, 2, 3], vec![2, 3, 1], vec![3, 1, 2]]);
        assert_eq!(assign(4, 3, 3)[3], vec![1, 3, 2]);
        assert_eq!(assign(2, 1, 1), vec![vec![1], vec![1]]);
        assert_eq!(assign(4, 2, 4), vec![vec![1, 2], vec![2, 3], vec![3, 4], vec![4, 1]]);
        assert_eq!(assign(1, 2, 3), vec![vec![1, 2]]);
    }
}
