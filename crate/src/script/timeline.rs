//! Pass 2: `at TIME ACTION` lines → [`Timed`] entries, with every name resolved.
//!
//! Actions: `P send TOPIC [count=N] [every=D] [key=K] [value="..."|size=N] [partition=N] [sync]`,
//! `P flush|begin|commit|abort`, `P restart [resend=unacked]`, `C poll TOPIC`,
//! `crash broker-N|leader TOPIC/P [mode=process|power]`, `restart broker-N`,
//! `drop A -> B [count=N]`, `delay A -> B by=D [count=N]`, `cut A -> B [for D]`,
//! `isolate NODE [for D]`, `heal`, `shutdown broker-N`, `pause broker-N for D`.
//! Nodes are `broker-N`, a declared producer, or `controller`. Fault actions are read in
//! `timeline_faults`; option parsing and key templates live in `timeline_opts`.

use super::ast::{Action, NodeRef, Scenario, Timed, ValueSpec};
use super::decls::Raw;
use super::errors::Diagnostic;
use super::names::NameIndex;
use super::parser::Stmt;
use super::settings::Loc;
use super::suggest;
use super::timeline_opts::{duration_hint, Opts};
use super::units;
use std::cell::Cell;

/// Words that start a fault action (and so cannot name a producer or consumer).
/// Message kinds a `drop ... api=` rule can single out (Kafka API names, plus the TCP
/// handshake and the controller's metadata push).
pub const API_NAMES: &[&str] = &[
    "Produce",
    "Fetch",
    "Metadata",
    "InitProducerId",
    "FindCoordinator",
    "AddPartitionsToTxn",
    "EndTxn",
    "WriteTxnMarkers",
    "BrokerHeartbeat",
    "AlterPartition",
    "MetadataPush",
    "Connect",
    "ConnectOk",
];

pub const ACTION_WORDS: &[&str] = &["crash", "cut", "delay", "drop", "heal", "isolate", "pause", "restart", "shutdown"];
const PRODUCER_VERBS: &[&str] = &["send", "flush", "close", "init", "begin", "commit", "abort", "restart"];

/// What pass 2 may refer to. Lookups by name bisect sorted indexes, so checking N
/// timeline lines against M declarations costs O(N log M).
pub struct Names {
    /// Producer name and whether it has a transactional.id.
    pub producers: Vec<(String, bool)>,
    pub consumers: Vec<String>,
    /// Topic name and partition count.
    pub topics: Vec<(String, u32)>,
    pub brokers: u16,
    pub budgets: crate::budget::Budgets,
    producer_index: NameIndex,
    consumer_index: NameIndex,
    topic_index: NameIndex,
    /// "Did you mean" searches among declared names so far (see [`Names::closest`]).
    searches: Cell<u32>,
}

/// Searches for a close declared name cost O(declarations) each; after this many in one
/// parse, hints stop offering names, so a file full of misspelt names still parses in
/// near-linear time.
const NAME_SEARCHES: u32 = 64;

impl Names {
    pub fn new(s: &Scenario, raw: &Raw) -> Names {
        // Every declared producer, in declaration order (the scenario's indexes), also
        // those whose config failed, so their actions are still checked.
        let producers: Vec<(String, bool)> = raw
            .producers
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let txn = match s.producers.get(i) {
                    Some(d) => d.config.transactional_id.is_some(),
                    None => p.props.iter().any(|x| x.name == "transactional.id"),
                };
                (p.name.clone(), txn)
            })
            .collect();
        let consumers: Vec<String> = s.consumers.iter().map(|c| c.name.clone()).collect();
        let topics: Vec<(String, u32)> = s.topics.iter().map(|t| (t.name.clone(), t.partitions)).collect();
        Names {
            producer_index: NameIndex::new(producers.iter().map(|(n, _)| n.as_str())),
            consumer_index: NameIndex::new(consumers.iter().map(String::as_str)),
            topic_index: NameIndex::new(topics.iter().map(|(n, _)| n.as_str())),
            producers,
            consumers,
            topics,
            brokers: s.brokers,
            budgets: raw.budgets,
            searches: Cell::new(0),
        }
    }

    /// The declared name closest to `word` among `cands()`, while searches remain.
    pub fn closest<'a, I: IntoIterator<Item = &'a str>>(
        &self,
        word: &str,
        cands: impl FnOnce() -> I,
    ) -> Option<&'a str> {
        let n = self.searches.get();
        if n >= NAME_SEARCHES {
            return None;
        }
        self.searches.set(n + 1);
        suggest::closest(word, cands())
    }
    pub(super) fn producer(&self, name: &str) -> Option<usize> {
        self.producer_index.get(name)
    }
    fn consumer(&self, name: &str) -> Option<usize> {
        self.consumer_index.get(name)
    }
    pub fn topic_named(&self, name: &str) -> Option<usize> {
        self.topic_index.get(name)
    }
    pub fn topic(&self, st: &Stmt, i: usize, diags: &mut Vec<Diagnostic>) -> Option<usize> {
        let Some(t) = st.tokens.get(i) else {
            diags.push(st.end_loc().diag("missing topic name", "name a declared topic"));
            return None;
        };
        let found = self.topic_named(&t.text);
        if found.is_none() {
            let hint = match self.closest(&t.text, || self.topics.iter().map(|(n, _)| n.as_str())) {
                Some(c) => format!("did you mean {c}?"),
                None => format!("declare it first: topic {} partitions=1", t.text),
            };
            diags.push(st.loc(t).diag(format!("unknown topic '{}'", t.text), hint));
        }
        found
    }
    fn broker_names(&self) -> Vec<String> {
        if self.searches.get() >= NAME_SEARCHES {
            return Vec::new();
        }
        (1..=self.brokers).map(|i| format!("broker-{i}")).collect()
    }

    /// A network node: `broker-N`, a producer, or `controller`.
    pub(super) fn node(&self, st: &Stmt, i: usize, diags: &mut Vec<Diagnostic>) -> Option<NodeRef> {
        let Some(t) = st.tokens.get(i) else {
            diags.push(st.end_loc().diag("missing node name", "name broker-N, a producer, or controller"));
            return None;
        };
        let w = t.raw.as_str();
        if w == "controller" {
            return Some(NodeRef::Controller);
        }
        if let Some(n) = w.strip_prefix("broker-") {
            return match n.parse::<u16>() {
                Ok(id) if id >= 1 && id <= self.brokers => Some(NodeRef::Broker(id)),
                _ => {
                    diags.push(st.loc(t).diag(
                        format!("{w} does not exist"),
                        format!("the cluster has broker-1 to broker-{}", self.brokers),
                    ));
                    None
                }
            };
        }
        if let Some(p) = self.producer(w) {
            return Some(NodeRef::Producer(p));
        }
        let hint = if self.consumer(w).is_some() {
            format!("{w} is a consumer; network faults apply to brokers, producers and the controller")
        } else {
            let brokers = self.broker_names();
            let cands = || {
                brokers
                    .iter()
                    .map(String::as_str)
                    .chain(self.producers.iter().map(|(n, _)| n.as_str()))
                    .chain(["controller"])
            };
            match self.closest(w, cands) {
                Some(c) => format!("did you mean {c}?"),
                None => "name broker-N, a declared producer, or controller".into(),
            }
        };
        diags.push(st.loc(t).diag(format!("unknown node '{w}'"), hint));
        None
    }
}

/// Parses one `at` line.
pub fn statement(n: &Names, st: &Stmt, diags: &mut Vec<Diagnostic>) -> Option<Timed> {
    let Some(tt) = st.tokens.get(1) else {
        diags.push(st.end_loc().diag("at needs a time and an action", "write at 10ms app send orders"));
        return None;
    };
    let at_us = match units::parse_duration_us(&tt.raw) {
        Ok(us) if us > n.budgets.virtual_time_us => {
            let max = crate::budget::duration_text(n.budgets.virtual_time_us);
            diags.push(st.loc(tt).diag(
                format!("at {} is past kplay's virtual-time budget of {max}: it could never run", tt.raw),
                format!("schedule actions at {max} or earlier (a run lasts at most {max} of virtual time)"),
            ));
            None
        }
        Ok(us) => Some(us),
        Err(e) => {
            diags.push(st.loc(tt).diag(format!("invalid time '{}'", tt.raw), duration_hint(&tt.raw, &e)));
            None
        }
    };
    let action = match st.tokens.get(2).map(|t| t.raw.as_str()) {
        Some(w) if ACTION_WORDS.contains(&w) => super::timeline_faults::action(n, st, diags),
        Some(_) => client_action(n, st, diags),
        None => {
            diags.push(st.end_loc().diag("missing action", "e.g. app send orders, crash broker-1, heal"));
            None
        }
    };
    Some(Timed { at_us: at_us?, line: st.line, action: action? })
}

fn client_action(n: &Names, st: &Stmt, diags: &mut Vec<Diagnostic>) -> Option<Action> {
    let who = &st.tokens[2];
    let verb = st.tokens.get(3).map(|t| t.raw.as_str());
    if let Some(c) = n.consumer(&who.raw) {
        // The language's consumer-group forms (version 2): honest about what is missing.
        let poll_loop = verb == Some("poll") && st.tokens.get(4).is_none_or(|t| t.raw.contains('='));
        if poll_loop || matches!(verb, Some("subscribe" | "commit" | "close" | "pause" | "seek" | "unsubscribe")) {
            let what = if poll_loop { "a poll loop" } else { verb.unwrap_or("") };
            diags.push(st.loc_at(3).diag(
                format!("{what} needs consumer groups, which kplay does not model yet"),
                format!("for now a consumer reads what it may see at a moment: at TIME {} poll TOPIC", who.raw),
            ));
            return None;
        }
        return match verb {
            Some("poll") => {
                let topic = n.topic(st, 4, diags);
                Opts::parse(st, 5, &[], &[], diags).finish(diags)?;
                Some(Action::Poll { consumer: c, topic: topic? })
            }
            Some(v) if PRODUCER_VERBS.contains(&v) => {
                diags.push(st.loc_at(3).diag(
                    format!("{} is a consumer; {v} is a producer action", who.raw),
                    "consumers can only poll: at TIME NAME poll TOPIC",
                ));
                None
            }
            _ => {
                diags.push(st.loc_at(3).diag(
                    format!("unknown consumer action '{}'", verb.unwrap_or("")),
                    format!("write at TIME {} poll TOPIC", who.raw),
                ));
                None
            }
        };
    }
    let Some(p) = n.producer(&who.raw) else {
        let cands = || {
            n.producers
                .iter()
                .map(|(x, _)| x.as_str())
                .chain(n.consumers.iter().map(String::as_str))
                .chain(ACTION_WORDS.iter().copied())
        };
        // After the name searches run out, action words are still offered.
        let hint = match n.closest(&who.raw, cands).or_else(|| suggest::closest(&who.raw, ACTION_WORDS.iter().copied()))
        {
            Some(c) => format!("did you mean {c}?"),
            None => "an action starts with a producer, a consumer, or crash/restart/drop/cut/isolate/heal".into(),
        };
        diags.push(st.loc(who).diag(format!("unknown producer, consumer or action '{}'", who.raw), hint));
        return None;
    };
    let txn = n.producers[p].1;
    let plain = |a: Action, diags: &mut Vec<Diagnostic>| Opts::parse(st, 4, &[], &[], diags).finish(diags).map(|_| a);
    match verb {
        Some("send") => send(n, st, p, diags),
        Some("flush") => plain(Action::Flush { producer: p }, diags),
        Some("close") => {
            let opts = Opts::parse(st, 4, &["timeout"], &[], diags);
            let timeout = opts.duration_opt("timeout", diags);
            opts.finish(diags)?;
            Some(Action::Close { producer: p, timeout_us: timeout? })
        }
        Some(v @ ("init" | "begin" | "commit" | "abort")) => {
            if !txn {
                let hint = format!("set transactional.id on producer {} to use transactions", who.raw);
                diags.push(st.loc_at(3).diag("Transactional method invoked on a non-transactional producer.", hint));
                return None;
            }
            let a = match v {
                "init" => Action::Init { producer: p },
                "begin" => Action::Begin { producer: p },
                "commit" => Action::Commit { producer: p },
                _ => Action::Abort { producer: p },
            };
            plain(a, diags)
        }
        Some("restart") => {
            let opts = Opts::parse(st, 4, &["resend"], &[], diags);
            let resend = match opts.get("resend") {
                None => Some(false),
                Some((v, _)) if v == "unacked" => Some(true),
                Some((v, _)) if v == "none" => Some(false),
                Some((v, loc)) => {
                    diags.push(loc.diag(
                        format!("unknown resend mode '{v}'"),
                        "resend=unacked sends again every record whose result the old process never saw",
                    ));
                    None
                }
            };
            opts.finish(diags)?;
            Some(Action::RestartApp { producer: p, resend_unacked: resend? })
        }
        Some("poll") => {
            diags.push(st.loc_at(3).diag(
                format!("{} is a producer; poll is a consumer action", who.raw),
                "declare consumer NAME and write at TIME NAME poll TOPIC",
            ));
            None
        }
        other => {
            let w = other.unwrap_or("");
            let h = suggest::did_you_mean(w, PRODUCER_VERBS.iter().copied());
            let h = if h.is_empty() { format!("a producer can {}", PRODUCER_VERBS.join(", ")) } else { h };
            diags.push(st.loc_at(3).diag(format!("unknown producer action '{w}'"), h));
            None
        }
    }
}

fn send(n: &Names, st: &Stmt, producer: usize, diags: &mut Vec<Diagnostic>) -> Option<Action> {
    let topic = n.topic(st, 4, diags);
    let opts = Opts::parse(
        st,
        5,
        &["count", "every", "key", "value", "size", "partition", "headers", "timestamp"],
        &["sync"],
        diags,
    );
    let count = opts.count_u64("count", 1, diags);
    let every_us = opts.duration_opt("every", diags).map(|d| d.unwrap_or(0));
    let key = opts.key(diags);
    let value = match (opts.get("value"), opts.get("size")) {
        (Some(_), Some((_, loc))) => {
            diags.push(loc.diag("value and size are mutually exclusive", "give either value=\"...\" or size=N"));
            None
        }
        (Some((v, _)), None) if v == "null" && !opts.quoted("value") => Some(ValueSpec::Null),
        (Some((v, _)), None) => Some(ValueSpec::Literal(v.clone())),
        (None, _) => opts.size(diags).map(ValueSpec::Size),
    };
    let partition = match (opts.get("partition"), topic) {
        (Some((v, loc)), Some(ti)) => partition(v, loc, n.topics[ti].1, diags).map(Some),
        (Some(_), None) => None,
        (None, _) => Some(None),
    };
    let sync = opts.flag("sync");
    let headers = match opts.get("headers") {
        None => Some(Vec::new()),
        Some((v, loc)) => headers(v, loc, diags),
    };
    let timestamp_ms = match opts.get("timestamp") {
        None => Some(None),
        Some((v, loc)) => match v.parse::<i64>() {
            Ok(ms) if ms >= 0 => Some(Some(ms)),
            Ok(ms) => {
                diags.push(loc.diag(
                    format!("Invalid timestamp: {ms}. Timestamp should always be non-negative or null."),
                    "a timestamp is milliseconds since 1970-01-01, e.g. timestamp=1700000000000",
                ));
                None
            }
            Err(_) => {
                diags.push(loc.diag(
                    format!("invalid timestamp '{v}'"),
                    "a timestamp is milliseconds since 1970-01-01, e.g. timestamp=1700000000000",
                ));
                None
            }
        },
    };
    opts.finish(diags)?;
    Some(Action::Send {
        headers: headers?,
        timestamp_ms: timestamp_ms?,
        producer,
        topic: topic?,
        count: count?,
        every_us: every_us?,
        key: key?,
        value: value?,
        partition: partition?,
        sync,
    })
}

/// `headers=k1:v1,k2:v2`: each header a key and, after the first `:`, a value; a key
/// with no `:` has a null value.
fn headers(v: &str, loc: &Loc, diags: &mut Vec<Diagnostic>) -> Option<Vec<(String, Option<String>)>> {
    let mut out = Vec::new();
    for part in v.split(',') {
        let (k, val) = match part.split_once(':') {
            Some((k, val)) => (k, Some(val.to_string())),
            None => (part, None),
        };
        if k.is_empty() {
            diags.push(loc.diag(
                format!("header '{part}' has no key"),
                "write headers=KEY:VALUE,KEY:VALUE (a KEY alone has a null value)",
            ));
            return None;
        }
        out.push((k.to_string(), val));
    }
    Some(out)
}

/// An explicit partition. One beyond the topic's partitions is valid (Kafka since 2.2:
/// `send()` waits up to max.block.ms for metadata that has it, then the callback gets
/// TimeoutException); a negative one is refused by `ProducerRecord`'s constructor.
fn partition(v: &str, loc: &Loc, _count: u32, diags: &mut Vec<Diagnostic>) -> Option<u32> {
    match v.parse::<u32>() {
        Ok(p) => Some(p),
        Err(_) if v.starts_with('-') && v[1..].bytes().all(|b| b.is_ascii_digit()) && v.len() > 1 => {
            let msg = format!("Invalid partition: {v}. Partition number should always be non-negative or null.");
            diags.push(loc.diag(msg, "partitions are numbered from 0"));
            None
        }
        Err(_) => {
            diags.push(loc.diag(format!("invalid partition '{v}'"), "partition takes a whole number from 0"));
            None
        }
    }
}
