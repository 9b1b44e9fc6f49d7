//! Pass 2: `at TIME ACTION` lines → [`Timed`] entries, with every name resolved.
//!
//! Actions: `P send TOPIC [count=N] [every=D] [key=K] [value="..."|size=N] [partition=N] [sync]`,
//! `P flush|begin|commit|abort`, `P close [timeout=D]`, `P restart [resend=unacked]`;
//! consumers: `C poll TOPIC` (an instant read), `C subscribe T1,T2`,
//! `C poll [every=D] [process=D] [until=T]` (a poll loop), `C commit [sync|async]`,
//! `C pause for D`, `C close`; faults: `crash broker-N|leader TOPIC/P [mode=process|power]`,
//! `crash C`, `restart broker-N|C`, `drop A -> B [count=N]`, `delay A -> B by=D [count=N]`,
//! `cut A -> B [for D]`, `isolate NODE [for D]`, `heal`, `shutdown broker-N`,
//! `pause broker-N for D`. Nodes are `broker-N`, a declared producer or consumer, or
//! `controller`. Fault actions are read in `timeline_faults`; option parsing and key
//! templates live in `timeline_opts`; the declared names an action refers to, and the
//! group bookkeeping below, in `scope` ([`Names`]).
//!
//! A pipeline NAME is its consumer NAME and its producer NAME-producer: `crash NAME`,
//! `restart NAME` and `NAME pause for D` are its consumer's actions, and network faults
//! name either client; the pipeline's loop drives both clients, so every other action of
//! either is refused.
//!
//! Consumer-group rules checked here (with `scope`'s bookkeeping), with Kafka's wording: `subscribe` and `commit` need
//! a `group.id` (`InvalidGroupIdException`), and a poll loop needs a `subscribe` of its
//! consumer somewhere in the file (`IllegalStateException`). Lines are read in file order,
//! so a poll loop written before its consumer's `subscribe` is diagnosed at once and the
//! diagnostic withdrawn when the `subscribe` line comes.

use super::ast::{Action, Micros, Timed, ValueSpec};
use super::cursor::Stmt;
use super::errors::Diagnostic;
use super::scope::Names;
use super::settings::Loc;
use super::suggest;
use super::timeline_faults;
use super::timeline_opts::Opts;
use super::units::{self, duration_hint};
use super::words::ACTION_WORDS;

const PRODUCER_VERBS: &[&str] = &["send", "flush", "close", "init", "begin", "commit", "abort", "restart"];
const CONSUMER_VERBS: &[&str] = &["subscribe", "poll", "commit", "pause", "close"];

/// A poll loop's `poll(Duration)` timeout when `every=` is not given.
pub const DEFAULT_POLL_EVERY_US: Micros = 100_000;

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
        Some(w) if ACTION_WORDS.contains(&w) => timeline_faults::action(n, st, diags),
        Some(_) => client_action(n, st, at_us, diags),
        None => {
            diags.push(st.end_loc().diag("missing action", "e.g. app send orders, crash broker-1, heal"));
            None
        }
    };
    Some(Timed { at_us: at_us?, line: st.line, action: action? })
}

fn client_action(n: &Names, st: &Stmt, at_us: Option<Micros>, diags: &mut Vec<Diagnostic>) -> Option<Action> {
    let who = &st.tokens[2];
    let verb = st.tokens.get(3).map(|t| t.raw.as_str());
    if let Some(c) = n.consumer(&who.raw) {
        return consumer_action(n, st, c, at_us, diags);
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
    if let Some(pipe) = n.producer_pipeline(p) {
        let what = if txn { "sends and commits its transactions" } else { "sends" };
        diags.push(st.loc_at(3).diag(
            format!("{} is pipeline {pipe}'s producer", who.raw),
            format!(
                "pipeline {pipe} {what} by itself; at TIME crash {pipe} and restart {pipe} stop and start the pipeline"
            ),
        ));
        return None;
    }
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
        Some(v @ ("poll" | "subscribe" | "pause" | "seek" | "unsubscribe")) => {
            diags.push(st.loc_at(3).diag(
                format!("{} is a producer; {v} is a consumer action", who.raw),
                format!("declare consumer NAME and write at TIME NAME {v} ..."),
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

/// `C subscribe|poll|commit|pause|close ...`.
fn consumer_action(
    n: &Names,
    st: &Stmt,
    c: usize,
    at_us: Option<Micros>,
    diags: &mut Vec<Diagnostic>,
) -> Option<Action> {
    let who = st.tokens[2].raw.as_str();
    let verb = st.tokens.get(3).map(|t| t.raw.as_str());
    let pipeline = n.is_pipeline(c);
    if pipeline && !matches!(verb, Some("pause" | "restart")) {
        diags.push(st.loc_at(3).diag(
            format!("pipeline {who} runs its own poll loop"),
            format!("it subscribes to its from= topic, polls, produces to its to= topic and commits by itself; its timeline takes at TIME {who} pause for D, crash {who} and restart {who}"),
        ));
        return None;
    }
    let plain = |a: Action, diags: &mut Vec<Diagnostic>| Opts::parse(st, 4, &[], &[], diags).finish(diags).map(|_| a);
    match verb {
        Some("subscribe") => subscribe(n, st, c, diags),
        // A word without `=` after poll names a topic: the instant read.
        Some("poll") if st.tokens.get(4).is_some_and(|t| t.kv.is_none()) => {
            let topic = n.topic(st, 4, diags);
            Opts::parse(st, 5, &[], &[], diags).finish(diags)?;
            Some(Action::Poll { consumer: c, topic: topic? })
        }
        Some("poll") => poll_loop(n, st, c, at_us, diags),
        Some("commit") => {
            let opts = Opts::parse(st, 4, &[], &["sync", "async"], diags);
            let group = n.require_group(st, c, diags);
            if opts.flag("sync") && opts.flag("async") {
                let second = st.tokens.iter().skip(4).filter(|t| t.raw == "sync" || t.raw == "async").nth(1);
                let at = second.map_or_else(|| st.loc_at(3), |t| st.loc(t));
                diags.push(at.diag(
                    "commit is either sync or async",
                    "commit sync calls commitSync(); commit async calls commitAsync(): keep one",
                ));
                return None;
            }
            let sync = !opts.flag("async");
            opts.finish(diags)?;
            group?;
            Some(Action::CommitOffsets { consumer: c, sync })
        }
        Some("pause") => {
            let opts = Opts::parse(st, 4, &["for"], &[], diags);
            let for_us = opts.duration_opt("for", diags);
            opts.finish(diags)?;
            match for_us? {
                Some(for_us) => Some(Action::Stall { consumer: c, for_us }),
                None => {
                    diags.push(st.loc_at(3).diag(
                        format!("{who} pause needs a duration"),
                        format!("the application thread stalls for a while, then polls again: write at TIME {who} pause for 6m"),
                    ));
                    None
                }
            }
        }
        Some("close") => plain(Action::CloseConsumer { consumer: c }, diags),
        Some(v @ ("seek" | "unsubscribe")) => {
            let hint = if v == "seek" {
                "a group consumer starts at its group's committed offset, else where auto.offset.reset says".to_string()
            } else {
                format!("to leave the group, write at TIME {who} close")
            };
            diags.push(st.loc_at(3).diag(format!("kplay does not model {v} yet"), hint));
            None
        }
        Some("restart") => {
            let kind = if pipeline { "pipeline" } else { "consumer" };
            diags.push(st.loc_at(3).diag(
                format!("{who} is a {kind}; restart {who} is a fault action"),
                format!("write at TIME restart {who} (or crash {who} to stop it until then)"),
            ));
            None
        }
        Some(v) if PRODUCER_VERBS.contains(&v) => {
            diags.push(st.loc_at(3).diag(
                format!("{who} is a consumer; {v} is a producer action"),
                format!("a consumer can {}", CONSUMER_VERBS.join(", ")),
            ));
            None
        }
        other => {
            let w = other.unwrap_or("");
            let h = suggest::did_you_mean(w, CONSUMER_VERBS.iter().copied());
            let h = if h.is_empty() { format!("a consumer can {}", CONSUMER_VERBS.join(", ")) } else { h };
            diags.push(st.loc_at(3).diag(format!("unknown consumer action '{w}'"), h));
            None
        }
    }
}

/// `C subscribe T1,T2` (also `T1, T2`): every topic declared; needs a group.id.
fn subscribe(n: &Names, st: &Stmt, c: usize, diags: &mut Vec<Diagnostic>) -> Option<Action> {
    n.mark_subscribed(c, diags);
    let group = n.require_group(st, c, diags);
    let (mut topics, mut ok, mut i) = (Vec::new(), true, 4);
    while let Some(t) = st.tokens.get(i).filter(|t| t.kv.is_none()) {
        i += 1;
        let mut col = t.col;
        for part in t.text.split(',') {
            let len = u32::try_from(part.chars().count()).unwrap_or(u32::MAX);
            let at = if t.quoted {
                st.loc(t)
            } else {
                Loc { line: st.line, col, end: col.saturating_add(len), word: part.to_string() }
            };
            col = col.saturating_add(len).saturating_add(1);
            if part.is_empty() {
                continue;
            }
            match n.topic_at(part, &at, diags) {
                Some(ti) if !topics.contains(&ti) => topics.push(ti),
                Some(_) => {}
                None => ok = false,
            }
        }
    }
    if topics.is_empty() && ok {
        let who = &st.tokens[2].raw;
        diags.push(st.loc_at(4).diag(
            "subscribe needs at least one topic",
            format!("name declared topics, separated by commas: at TIME {who} subscribe orders,payments"),
        ));
        return None;
    }
    Opts::parse(st, i, &[], &[], diags).finish(diags)?;
    group?;
    ok.then_some(Action::Subscribe { consumer: c, topics })
}

/// `C poll [every=D] [process=D] [until=T]`: a poll loop from the `at` time to `until`.
fn poll_loop(n: &Names, st: &Stmt, c: usize, at_us: Option<Micros>, diags: &mut Vec<Diagnostic>) -> Option<Action> {
    let opts = Opts::parse(st, 4, &["every", "process", "until"], &[], diags);
    let every_us = match opts.duration_opt("every", diags) {
        Some(Some(0)) => {
            if let Some((_, loc)) = opts.get("every") {
                diags.push(loc.diag(
                    "a poll loop needs every > 0",
                    "every is poll()'s timeout: with 0 an idle loop would spin without virtual time passing; write every=100ms",
                ));
            }
            None
        }
        Some(every) => Some(every.unwrap_or(DEFAULT_POLL_EVERY_US)),
        None => None,
    };
    let process_us = opts.duration_opt("process", diags).map(|p| p.unwrap_or(0));
    let until_us = opts.duration_opt("until", diags);
    if let (Some(Some(until)), Some(at), Some((v, loc))) = (until_us, at_us, opts.get("until")) {
        if until <= at {
            let start = &st.tokens[1].raw;
            diags.push(loc.diag(
                format!("until={v} is not later than the loop's start (at {start})"),
                format!("until is a time on the timeline, not a duration: write a time after {start}"),
            ));
            return None;
        }
    }
    opts.finish(diags)?;
    n.needs_subscription(st, c, diags);
    Some(Action::PollLoop { consumer: c, every_us: every_us?, process_us: process_us?, until_us: until_us? })
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
