//! Pass 1: declaration lines read into [`Raw`] (syntax, names, single values); the
//! checks that need the whole scenario (brokers exist, configs) happen in `resolve`.
//!
//! Forms: `seed N` · `kafka X.Y[.Z]` · `brokers N [prop=value ...]` ·
//! `topic NAME [partitions=N] [replication.factor=N] [replica.assignment=1:2,2:1] [prop=value ...]` ·
//! `producer NAME [prop=value ...]` · `consumer NAME [prop=value ...]` ·
//! `pipeline NAME from=IN to=OUT group.id=G [...]` (read in `pipeline`) ·
//! `network [latency=D] [jitter=D] [loss=P]` · `features NAME=LEVEL ...` · `run until D|idle`.
//! `seed`, `kafka`, `brokers`, `network`, `features` and `run` may appear at most once.
//!
//! Budgets checked here (`crate::budget`): the broker count, partitions per topic, the
//! length of `run until`. Repeated names and the producers-and-consumers budget are
//! checked after this pass by `dedupe`, in O(N log N) for N declarations.

use super::ast::{NetworkDecl, RunUntil};
use super::cursor::{set_prop, Stmt};
use super::errors::Diagnostic;
use super::lexer::Token;
use super::pipeline;
use super::raw::{Raw, RawBrokers, RawClient, RawTopic};
use super::settings::{Loc, SetProp};
use super::suggest;
use super::units::{self, duration_hint};
use super::words::name_error;
use crate::config::KafkaVersion;

/// Reads one declaration line into `raw`.
pub fn statement(raw: &mut Raw, st: &Stmt, diags: &mut Vec<Diagnostic>) {
    let kw = st.tokens[0].raw.as_str();
    let at = st.loc(&st.tokens[0]);
    let once = |seen: bool, diags: &mut Vec<Diagnostic>| {
        if seen {
            diags.push(at.diag(format!("{kw} may appear only once"), "remove the extra line"));
        }
        !seen
    };
    match kw {
        "seed" if once(raw.seed.is_some(), diags) => seed(raw, st, at, diags),
        "kafka" if once(raw.kafka.is_some(), diags) => {
            if let Some(n) = single_arg(st, "a version: kafka 3.9", diags) {
                match version(&n.raw) {
                    Ok(v) => raw.kafka = Some((v, st.loc(n))),
                    Err(h) => diags.push(st.loc(n).diag(format!("unsupported Kafka version '{}'", n.raw), h)),
                }
            }
        }
        "brokers" if once(raw.brokers.is_some(), diags) => brokers(raw, st, diags),
        "topic" => topic(raw, st, diags),
        "producer" | "consumer" => client(raw, st, kw == "producer", diags),
        "pipeline" => pipeline::declaration(raw, st, diags),
        "network" if st.tokens.get(1).is_some_and(|t| t.raw == "link") => raw.links.push(st.clone()),
        "network" if once(raw.network.is_some(), diags) => network(raw, st, diags),
        "hardware" if once(raw.hardware.is_some(), diags) => {
            let props = st.tokens[1..]
                .iter()
                .filter_map(|t| {
                    let p = set_prop(st, t);
                    if p.is_none() {
                        diags.push(st.loc(t).diag(
                            format!("expected NAME=VALUE, found '{}'", t.raw),
                            "write hardware network.bandwidth=1Gbit disk=hdd",
                        ));
                    }
                    p
                })
                .collect();
            raw.hardware = Some((props, at));
        }
        "features" if once(raw.features.is_some(), diags) => {
            let mut props = Vec::new();
            for t in &st.tokens[1..] {
                match set_prop(st, t) {
                    Some(p) => props.push(p),
                    None => diags.push(st.loc(t).diag(
                        format!("expected NAME=LEVEL, found '{}'", t.raw),
                        "write features transaction.version=2 eligible.leader.replicas.version=1",
                    )),
                }
            }
            raw.features = Some((props, at));
        }
        "run" if once(raw.run.is_some(), diags) => run(raw, st, diags),
        _ => {}
    }
}

/// `seed N [epoch=MS]`.
fn seed(raw: &mut Raw, st: &Stmt, at: Loc, diags: &mut Vec<Diagnostic>) {
    let Some(n) = st.tokens.get(1) else {
        diags.push(st.end_loc().diag("seed needs a number: seed 42", "write seed 42"));
        return;
    };
    match n.raw.parse::<u64>() {
        Ok(v) => raw.seed = Some((v, at)),
        Err(_) => diags.push(
            st.loc(n)
                .diag(format!("invalid seed '{}'", n.raw), "the seed is a whole number from 0 to 18446744073709551615"),
        ),
    }
    for t in &st.tokens[2..] {
        match set_prop(st, t) {
            Some(p) if p.name == "epoch" => match p.value.parse::<i64>() {
                Ok(ms) if ms >= 0 => raw.epoch_ms = Some(ms),
                _ => diags.push(p.val.diag(
                    format!("invalid epoch '{}'", p.value),
                    "epoch is milliseconds since 1970-01-01, e.g. epoch=1700000000000",
                )),
            },
            Some(p) => diags.push(p.key.diag(format!("unknown seed option '{}'", p.name), "seed takes epoch=MS")),
            None => diags.push(
                st.loc(t).diag(format!("unexpected '{}' after seed", t.raw), "write seed 42 epoch=1700000000000"),
            ),
        }
    }
}

fn single_arg<'a>(st: &'a Stmt, what: &str, diags: &mut Vec<Diagnostic>) -> Option<&'a super::lexer::Token> {
    let kw = &st.tokens[0].raw;
    match st.tokens.get(1) {
        None => {
            diags.push(st.end_loc().diag(format!("{kw} needs {what}"), format!("write {what}")));
            None
        }
        Some(t) => {
            if let Some(extra) = st.tokens.get(2) {
                diags.push(
                    st.loc(extra).diag(format!("unexpected '{}' after {kw}", extra.raw), format!("{kw} takes {what}")),
                );
            }
            Some(t)
        }
    }
}

/// `X.Y` or `X.Y.Z`, from 2.0 to 4.x.
pub fn version(text: &str) -> Result<KafkaVersion, String> {
    let parts: Vec<&str> = text.split('.').collect();
    let nums: Option<Vec<u16>> =
        parts.iter().map(|p| if p.bytes().all(|b| b.is_ascii_digit()) { p.parse().ok() } else { None }).collect();
    let hint = "write kafka X.Y or X.Y.Z, from 2.0 to 4.x (e.g. kafka 3.9 or kafka 3.0.1)".to_string();
    let v = match nums.as_deref() {
        Some([a, b]) => KafkaVersion::new(*a, *b, 0),
        Some([a, b, c]) => KafkaVersion::new(*a, *b, *c),
        _ => return Err(hint),
    };
    if !v.at_least(2, 0) || v.major > 4 {
        return Err(format!("kplay models Kafka 2.0 to 4.x; {hint}"));
    }
    Ok(v)
}

fn expect_prop(st: &Stmt, t: &Token, what: &str, diags: &mut Vec<Diagnostic>) -> Option<SetProp> {
    let p = set_prop(st, t);
    if p.is_none() {
        diags.push(st.loc(t).diag(
            format!("expected {what}=value, found '{}'", t.raw),
            format!("{what}s are written name=value, without spaces around '='"),
        ));
    }
    p
}

fn brokers(raw: &mut Raw, st: &Stmt, diags: &mut Vec<Diagnostic>) {
    let at = st.loc(&st.tokens[0]);
    let count = match st.tokens.get(1) {
        Some(t) if t.kv.is_none() => match t.raw.parse::<u16>() {
            Ok(n) if (1..=raw.budgets.brokers).contains(&n) => n,
            _ => {
                diags.push(st.loc(t).diag(
                    format!("invalid broker count '{}'", t.raw),
                    format!(
                        "brokers takes a count from 1 to {} (kplay's topology budget): brokers 3",
                        raw.budgets.brokers
                    ),
                ));
                1
            }
        },
        _ => {
            diags.push(st.loc_at(1).diag("brokers needs a count", "write brokers 3 [broker-property=value ...]"));
            1
        }
    };
    let skip = if st.tokens.get(1).is_some_and(|t| t.kv.is_none()) { 2 } else { 1 };
    let props = st.tokens.iter().skip(skip).filter_map(|t| expect_prop(st, t, "broker property", diags)).collect();
    raw.brokers = Some((RawBrokers { count, props }, at));
}

/// Kafka's `Topic.validate` rules.
fn topic_name_error(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("Topic name is illegal, it can't be empty".into());
    }
    if name == "." || name == ".." {
        return Some("Topic name cannot be \".\" or \"..\"".into());
    }
    if name.chars().count() > 249 {
        return Some(format!("Topic name is illegal, it can't be longer than 249 characters, topic name: {name}"));
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-') {
        return Some(format!("Topic name \"{name}\" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'"));
    }
    None
}

fn topic(raw: &mut Raw, st: &Stmt, diags: &mut Vec<Diagnostic>) {
    let Some(nt) = st.tokens.get(1).filter(|t| t.kv.is_none()) else {
        diags.push(
            st.loc_at(1).diag("topic needs a name", "write topic NAME [partitions=N] [replication.factor=N] ..."),
        );
        return;
    };
    let name = nt.text.clone();
    let at = st.loc(nt);
    if let Some(msg) = topic_name_error(&name) {
        diags.push(at.diag(msg, "topic names use letters, digits, '.', '_' and '-'"));
        return;
    }
    let max_partitions = raw.budgets.partitions_per_topic;
    let mut t = RawTopic { name, at, partitions: None, replication_factor: None, assignment: None, props: vec![] };
    for tok in &st.tokens[2..] {
        let Some(p) = expect_prop(st, tok, "topic option or config", diags) else { continue };
        match p.name.as_str() {
            "partitions" => match p.value.parse::<u32>() {
                Ok(n) if (1..=max_partitions).contains(&n) => t.partitions = Some((n, p.whole.clone())),
                Ok(0) => diags.push(p.val.diag("Number of partitions must be larger than 0.", "write partitions=1 or more")),
                _ => diags.push(p.val.diag(format!("invalid partition count '{}'", p.value), format!("partitions takes a whole number from 1 to {max_partitions} (kplay's topology budget)"))),
            },
            "replication.factor" => match p.value.parse::<i64>() {
                Ok(n) if n <= 0 => diags.push(p.val.diag("Replication factor must be larger than 0.", "write replication.factor=1 or more")),
                Ok(n) => t.replication_factor = Some((u16::try_from(n).unwrap_or(u16::MAX), p.whole.clone())),
                Err(_) => diags.push(p.val.diag(format!("invalid replication factor '{}'", p.value), "replication.factor takes a whole number: replication.factor=3")),
            },
            "replica.assignment" => match assignment(&p.value) {
                Ok(a) => t.assignment = Some((a, p.val.clone())),
                Err(m) => diags.push(p.val.diag(m, "write one colon-separated broker list per partition, partitions separated by commas: replica.assignment=1:2:3,2:3:1")),
            },
            _ => t.props.push(p),
        }
    }
    raw.topics.push(t);
}

/// kafka-topics' `--replica-assignment` format (TopicCommand.parseReplicaAssignment).
fn assignment(text: &str) -> Result<Vec<Vec<u16>>, String> {
    let mut out: Vec<Vec<u16>> = vec![];
    for (i, part) in text.split(',').enumerate() {
        let mut brokers = vec![];
        for b in part.split(':') {
            let b = b.trim();
            match b.parse::<u16>() {
                Ok(n) => brokers.push(n),
                Err(_) => return Err(format!("invalid broker id '{b}' in replica.assignment (partition {i})")),
            }
        }
        let mut dups: Vec<u16> =
            brokers.iter().enumerate().filter(|(j, b)| brokers[..*j].contains(b)).map(|(_, b)| *b).collect();
        dups.dedup();
        if !dups.is_empty() {
            let list: Vec<String> = dups.iter().map(u16::to_string).collect();
            return Err(format!("Partition replica lists may not contain duplicate entries: {}", list.join(",")));
        }
        if let Some(first) = out.first() {
            if first.len() != brokers.len() {
                let list: Vec<String> = brokers.iter().map(u16::to_string).collect();
                return Err(format!("Partition {i} has different replication factor: [{}]", list.join(", ")));
            }
        }
        out.push(brokers);
    }
    Ok(out)
}

fn client(raw: &mut Raw, st: &Stmt, producer: bool, diags: &mut Vec<Diagnostic>) {
    let kind = if producer { "producer" } else { "consumer" };
    let Some(nt) = st.tokens.get(1).filter(|t| t.kv.is_none()) else {
        diags.push(
            st.loc_at(1).diag(format!("{kind} needs a name"), format!("write {kind} NAME [{kind}-property=value ...]")),
        );
        return;
    };
    let name = nt.raw.clone();
    let at = st.loc(nt);
    if let Some(d) = name_error(kind, nt, &at) {
        diags.push(d);
        return;
    }
    let props = st.tokens[2..].iter().filter_map(|t| expect_prop(st, t, &format!("{kind} property"), diags)).collect();
    let list = if producer { &mut raw.producers } else { &mut raw.consumers };
    list.push(RawClient { name, at, props, pipeline: None });
}

fn network(raw: &mut Raw, st: &Stmt, diags: &mut Vec<Diagnostic>) {
    let n = network_options(st, 1, NetworkDecl::default(), diags);
    raw.network = Some((n, st.loc(&st.tokens[0])));
}

/// `latency=D jitter=D loss=P` from token `from` on, over `base`.
pub fn network_options(st: &Stmt, from: usize, base: NetworkDecl, diags: &mut Vec<Diagnostic>) -> NetworkDecl {
    let mut n = base;
    for t in &st.tokens[from..] {
        let Some(p) = expect_prop(st, t, "network option", diags) else { continue };
        match p.name.as_str() {
            "latency" | "jitter" => match units::parse_duration_us(&p.value) {
                Ok(us) if p.name == "latency" => n.latency_us = us,
                Ok(us) => n.jitter_us = us,
                Err(e) => {
                    diags.push(p.val.diag(format!("invalid {} '{}'", p.name, p.value), duration_hint(&p.value, &e)))
                }
            },
            "loss" => match units::parse_ppm(&p.value) {
                Ok(ppm) if ppm <= 1_000_000 => n.loss_ppm = ppm,
                _ => diags.push(p.val.diag(
                    format!("invalid loss '{}'", p.value),
                    "loss is a probability from 0 to 1 (0.01) or a percentage (1%)",
                )),
            },
            other => {
                let hint = suggest::did_you_mean(other, ["latency", "jitter", "loss"]);
                diags.push(p.key.diag(
                    format!("unknown network option '{other}'"),
                    if hint.is_empty() { "network takes latency=, jitter= and loss=".into() } else { hint },
                ));
            }
        }
    }
    n
}

fn run(raw: &mut Raw, st: &Stmt, diags: &mut Vec<Diagnostic>) {
    let hint = "write run until 10s or run until idle";
    if st.tokens.get(1).map(|t| t.raw.as_str()) != Some("until") {
        diags.push(st.loc_at(1).diag("run needs until", hint));
        return;
    }
    let Some(t) = st.tokens.get(2) else {
        diags.push(st.end_loc().diag("run until needs a time or idle", hint));
        return;
    };
    if let Some(extra) = st.tokens.get(3) {
        diags.push(st.loc(extra).diag(format!("unexpected '{}' after run until", extra.raw), hint));
    }
    let until = if t.raw == "idle" {
        RunUntil::Idle
    } else {
        match units::parse_duration_us(&t.raw) {
            Ok(us) if us > raw.budgets.virtual_time_us => {
                let max = crate::budget::duration_text(raw.budgets.virtual_time_us);
                diags.push(st.loc(t).diag(
                    format!("run until {} is longer than kplay's virtual-time budget of {max}", t.raw),
                    format!("a run may last at most {max} of virtual time: write run until {max} or less, or run until idle"),
                ));
                return;
            }
            Ok(us) => RunUntil::Time(us),
            Err(e) => {
                diags.push(st.loc(t).diag(format!("invalid run time '{}'", t.raw), duration_hint(&t.raw, &e)));
                return;
            }
        }
    };
    raw.run = Some((until, st.loc(&st.tokens[0])));
}
