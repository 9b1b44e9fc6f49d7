//! Fault actions of the timeline: `crash broker-N|leader TOPIC/P [mode=process|power]`,
//! `crash C` (a consumer's process dies: no LeaveGroup, no commit), `restart broker-N|C`,
//! `shutdown broker-N` (a controlled shutdown), `drop A -> B [count=N] [api=API]`,
//! `delay A -> B by=D [count=N] [api=API]`, `cut A -> B [for D]`, `isolate NODE [for D]`,
//! `heal`, and `pause broker-N for D` (a stalled broker process, as in a long
//! garbage-collection pause: see `world::pause`). Network faults take brokers, producers,
//! consumers and the controller; every link has a broker at one end. A pipeline crashes
//! and restarts by its name (its consumer's); its producer, which its loop drives, takes
//! network faults only.

use super::ast::{Action, CrashMode, CrashTarget, NodeRef};
use super::cursor::Stmt;
use super::errors::Diagnostic;
use super::scope::Names;
use super::timeline_opts::Opts;

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
    "JoinGroup",
    "SyncGroup",
    "Heartbeat",
    "LeaveGroup",
    "ConsumerGroupHeartbeat",
    "OffsetCommit",
    "OffsetFetch",
    "ListOffsets",
];

/// Reads the fault action of an `at` line (its third word is an action word).
pub fn action(n: &Names, st: &Stmt, diags: &mut Vec<Diagnostic>) -> Option<Action> {
    let t = st.tokens.get(2)?;
    match t.raw.as_str() {
        "crash" => crash(n, st, diags),
        "restart" => {
            let node = n.node(st, 3, diags)?;
            Opts::parse(st, 4, &[], &[], diags).finish(diags)?;
            match node {
                NodeRef::Broker(b) => Some(Action::RestartBroker { broker: b }),
                NodeRef::Consumer(c) => Some(Action::RestartConsumer { consumer: c }),
                NodeRef::Producer(p) => {
                    let hint = match n.producer_pipeline(p) {
                        Some(pipe) => format!(
                            "it is pipeline {pipe}'s producer: to restart the pipeline, write at TIME restart {pipe}"
                        ),
                        None => format!("to restart the producer, write at TIME {} restart", n.producers[p].0),
                    };
                    diags.push(st.loc_at(3).diag("restart takes a broker or a consumer", hint));
                    None
                }
                NodeRef::Controller => {
                    diags.push(
                        st.loc_at(3).diag("kplay cannot restart the controller", "restart a broker: restart broker-N"),
                    );
                    None
                }
            }
        }
        "drop" | "cut" | "delay" => link(n, st, t.raw.as_str(), diags),
        "shutdown" => {
            let node = n.node(st, 3, diags)?;
            Opts::parse(st, 4, &[], &[], diags).finish(diags)?;
            match node {
                NodeRef::Broker(b) => Some(Action::Shutdown { broker: b }),
                NodeRef::Producer(p) => {
                    let hint = match n.producer_pipeline(p) {
                        Some(pipe) => format!(
                            "it is pipeline {pipe}'s producer: to stop the pipeline, write at TIME crash {pipe}"
                        ),
                        None => format!("to close the producer, write at TIME {} close", n.producers[p].0),
                    };
                    diags.push(st.loc_at(3).diag("shutdown takes a broker", hint));
                    None
                }
                NodeRef::Consumer(c) => {
                    let name = &n.consumers[c];
                    let hint = if n.is_pipeline(c) {
                        format!("to stop pipeline {name}, write at TIME crash {name}")
                    } else {
                        format!("to close the consumer (it leaves its group), write at TIME {name} close")
                    };
                    diags.push(st.loc_at(3).diag("shutdown takes a broker", hint));
                    None
                }
                NodeRef::Controller => {
                    diags.push(
                        st.loc_at(3)
                            .diag("kplay cannot shut the controller down", "shut a broker down: shutdown broker-N"),
                    );
                    None
                }
            }
        }
        "isolate" => {
            let node = n.node(st, 3, diags);
            let opts = Opts::parse(st, 4, &["for"], &[], diags);
            let for_us = opts.duration_opt("for", diags);
            opts.finish(diags)?;
            Some(Action::Isolate { node: node?, for_us: for_us? })
        }
        "heal" => {
            Opts::parse(st, 3, &[], &[], diags).finish(diags)?;
            Some(Action::Heal)
        }
        _ => pause(n, st, diags),
    }
}

fn crash(n: &Names, st: &Stmt, diags: &mut Vec<Diagnostic>) -> Option<Action> {
    let (target, next) = if st.tokens.get(3).is_some_and(|t| t.raw == "leader") {
        (leader_of(n, st, diags), 5)
    } else {
        let target = match n.node(st, 3, diags)? {
            NodeRef::Broker(b) => Some(CrashTarget::Broker(b)),
            NodeRef::Consumer(c) => return crash_consumer(n, st, c, diags),
            NodeRef::Producer(p) => {
                let hint = match n.producer_pipeline(p) {
                    Some(pipe) => {
                        format!("it is pipeline {pipe}'s producer: to crash the pipeline, write at TIME crash {pipe}")
                    }
                    None => format!("to kill and restart the producer, write at TIME {} restart", n.producers[p].0),
                };
                diags.push(st.loc_at(3).diag("crash takes broker-N, leader TOPIC/P or a consumer", hint));
                None
            }
            NodeRef::Controller => {
                diags.push(st.loc_at(3).diag(
                    "kplay cannot crash the controller",
                    "crash a broker: crash broker-N or crash leader TOPIC/P",
                ));
                None
            }
        };
        (target, 4)
    };
    let opts = Opts::parse(st, next, &["mode"], &[], diags);
    let mode = match opts.get("mode") {
        None => Some(CrashMode::Process),
        Some((v, _)) if v == "process" => Some(CrashMode::Process),
        Some((v, _)) if v == "power" => Some(CrashMode::Power),
        Some((v, loc)) => {
            diags.push(loc.diag(
                format!("unknown crash mode '{v}'"),
                "mode=process (page cache survives) or mode=power (only flushed data survives)",
            ));
            None
        }
    };
    opts.finish(diags)?;
    Some(Action::Crash { target: target?, mode: mode? })
}

/// `crash C`: the consumer's process dies. Crash modes are the brokers' (what survives
/// on disk); a consumer keeps nothing but what it committed.
fn crash_consumer(n: &Names, st: &Stmt, c: usize, diags: &mut Vec<Diagnostic>) -> Option<Action> {
    let opts = Opts::parse(st, 4, &["mode"], &[], diags);
    if opts.get("mode").is_some() {
        let name = &n.consumers[c];
        let word = st.tokens.iter().skip(4).find(|t| t.kv.as_ref().is_some_and(|kv| kv.key == "mode"));
        let at = word.map_or_else(|| st.loc_at(4), |t| st.loc(t));
        diags.push(at.diag(
            "mode= is for brokers: it says what a broker's disk keeps",
            format!("a consumer's crash is its process dying (no LeaveGroup, no commit): write crash {name}"),
        ));
        return None;
    }
    opts.finish(diags)?;
    Some(Action::CrashConsumer { consumer: c })
}

fn leader_of(n: &Names, st: &Stmt, diags: &mut Vec<Diagnostic>) -> Option<CrashTarget> {
    let Some(t) = st.tokens.get(4) else {
        diags.push(st.end_loc().diag("crash leader needs TOPIC/PARTITION", "write crash leader orders/0"));
        return None;
    };
    let Some((topic, part)) = t.text.rsplit_once('/') else {
        diags.push(
            st.loc(t).diag(format!("expected TOPIC/PARTITION, found '{}'", t.raw), "write crash leader orders/0"),
        );
        return None;
    };
    let Some(ti) = n.topic_named(topic) else {
        let hint = match n.closest(topic, || n.topics.iter().map(|(x, _)| x.as_str())) {
            Some(c) => format!("did you mean {c}/{part}?"),
            None => format!("declare it first: topic {topic} partitions=1"),
        };
        diags.push(st.loc(t).diag(format!("unknown topic '{topic}'"), hint));
        return None;
    };
    let count = n.topics[ti].1;
    match part.parse::<u32>() {
        Ok(p) if p < count => Some(CrashTarget::LeaderOf { topic: ti, partition: p }),
        _ => {
            diags.push(st.loc(t).diag(
                format!("topic {topic} has no partition '{part}'"),
                format!("partitions are numbered 0 to {}", count.saturating_sub(1)),
            ));
            None
        }
    }
}

fn link(n: &Names, st: &Stmt, verb: &str, diags: &mut Vec<Diagnostic>) -> Option<Action> {
    let from = n.node(st, 3, diags);
    if !st.tokens.get(4).is_some_and(|t| t.is_arrow()) {
        diags.push(
            st.loc_at(4).diag(format!("{verb} needs a direction: A -> B"), format!("write {verb} broker-1 -> app")),
        );
        return None;
    }
    let to = n.node(st, 5, diags);
    let (from, to) = (from?, to?);
    if from == to {
        diags.push(st.loc_at(5).diag("a link needs two different nodes", "name the node at the other end"));
        return None;
    }
    if !matches!(from, NodeRef::Broker(_)) && !matches!(to, NodeRef::Broker(_)) {
        diags.push(st.loc_at(5).diag(
            "no such link: producers, consumers and the controller talk only to brokers",
            "one end of the link must be a broker",
        ));
        return None;
    }
    if verb == "delay" {
        let opts = Opts::parse(st, 6, &["by", "count", "api"], &[], diags);
        let count = opts.count_u32("count", 1, diags);
        let by = opts.duration_opt("by", diags);
        let api = api_opt(&opts, diags);
        if opts.get("by").is_none() {
            diags.push(st.end_loc().diag("delay needs by=DURATION", "write delay app -> broker-1 by=200ms"));
            return None;
        }
        opts.finish(diags)?;
        return Some(Action::Delay { from, to, by_us: by??, count: count?, api: api? });
    }
    if verb == "drop" {
        let opts = Opts::parse(st, 6, &["count", "api"], &[], diags);
        let count = opts.count_u32("count", 1, diags);
        let api = api_opt(&opts, diags);
        opts.finish(diags)?;
        Some(Action::Drop { from, to, count: count?, api: api? })
    } else {
        let opts = Opts::parse(st, 6, &["for"], &[], diags);
        let for_us = opts.duration_opt("for", diags);
        opts.finish(diags)?;
        Some(Action::Cut { from, to, for_us: for_us? })
    }
}

/// `api=NAME` on drop and delay: one Kafka API.
fn api_opt(opts: &Opts, diags: &mut Vec<Diagnostic>) -> Option<Option<&'static str>> {
    match opts.get("api") {
        None => Some(None),
        Some((v, loc)) => match API_NAMES.iter().find(|a| **a == v.as_str()) {
            Some(a) => Some(Some(*a)),
            None => {
                let hint = super::suggest::did_you_mean(v, API_NAMES.iter().copied());
                let hint = if hint.is_empty() { format!("APIs: {}", API_NAMES.join(", ")) } else { hint };
                diags.push(loc.diag(format!("unknown API '{v}'"), hint));
                None
            }
        },
    }
}

/// `pause broker-N for D`: only a broker process stalls, and only for a while.
fn pause(n: &Names, st: &Stmt, diags: &mut Vec<Diagnostic>) -> Option<Action> {
    let node = n.node(st, 3, diags);
    let opts = Opts::parse(st, 4, &["for"], &[], diags);
    let for_us = opts.duration_opt("for", diags);
    opts.finish(diags)?;
    let broker = match node? {
        NodeRef::Broker(b) => b,
        NodeRef::Producer(p) => {
            let hint = match n.producer_pipeline(p) {
                Some(pipe) => format!("kplay pauses broker processes (a long GC pause); to stall pipeline {pipe}, write at TIME {pipe} pause for 6m"),
                None => format!("kplay pauses broker processes (a long GC pause); to restart the producer, write at TIME {} restart", n.producers[p].0),
            };
            diags.push(st.loc_at(3).diag("pause takes a broker", hint));
            return None;
        }
        NodeRef::Consumer(c) => {
            let name = &n.consumers[c];
            diags.push(st.loc_at(3).diag(
                "pause takes a broker",
                format!(
                    "to stall the consumer's application thread (no poll meanwhile), write at TIME {name} pause for 6m"
                ),
            ));
            return None;
        }
        NodeRef::Controller => {
            diags.push(st.loc_at(3).diag("kplay's controller never pauses", "pause a broker: pause broker-N for 15s"));
            return None;
        }
    };
    match for_us? {
        Some(for_us) => Some(Action::Pause { broker, for_us }),
        None => {
            diags.push(st.loc_at(3).diag(
                format!("pause broker-{broker} needs a duration"),
                format!("a pause ends by itself: write pause broker-{broker} for 15s"),
            ));
            None
        }
    }
}
