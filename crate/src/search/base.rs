//! The file a search starts from, taken apart: its declarations (cluster, topics,
//! producers, consumers, network), its workload (sends, flushes, transactions, polls, a
//! group's subscribe, poll loop, commits, pauses and close) and
//! its safety expectations. Its own faults and `run until` are left out: the search
//! supplies faults, and every candidate runs until idle after a final heal.
//!
//! [`Candidate`] is what the search varies and the shrinker simplifies: the faults, each
//! workload statement's record count, and the number of brokers. [`Base::render`] turns
//! one into scenario text; that text is the counterexample a search prints.
//!
//! Every `expect` line of the file is checked on every candidate, as written (the
//! language contract: a search fails on the first run that breaks the promise or one of
//! the file's `expect` lines). A line that only bounds anomalies from above (`lost=0`,
//! `duplicated<=2`, `reordered<1`, `phantom=0`) is a safety line; any other (`acked=400`,
//! `latency_p99<=20ms`, trace expectations) describes the run, so the shrinker keeps the
//! workload and the cluster when such a line is what failed (fewer records would fail
//! `acked=400` trivially). A line may describe the file's own faults, which the search
//! replaces: [`Base::own_faults`] says so, and the CLI prints it.

use super::edit;
use super::faults::{Fault, Op};
use crate::plan::{Action, CmpOp, Scenario};
use crate::script::errors::Diagnostic;

/// Verdicts a safety clause may bound.
const SAFETY_NAMES: &[&str] =
    &["lost", "duplicated", "reordered", "phantom", "skipped", "pipeline_lost", "pipeline_duplicated"];

/// One workload statement (`at T ...`), kept as written except for its `count=`.
#[derive(Clone, Debug)]
pub struct WorkLine {
    pub at_us: u64,
    words: Vec<String>,
    /// Index of the `count=` word, if written.
    count_word: Option<usize>,
    /// For a send: its record count and spacing.
    pub send: Option<(u64, u64)>,
}

#[derive(Clone, Debug)]
pub struct Base {
    pub scenario: Scenario,
    header: Vec<Vec<String>>,
    brokers_line: Option<usize>,
    pub workload: Vec<WorkLine>,
    /// The file's expect lines, as written (`lost=0 duplicated=0`), one per line: every
    /// one is checked.
    pub checked: Vec<String>,
    /// Expect lines the search cannot check per schedule: none (every kind is checked;
    /// trace expectations keep the candidate's trace). Kept for the JSON shape.
    pub skipped: Vec<String>,
    /// The file had faults of its own, which the search leaves out.
    pub own_faults: bool,
}

/// What a search varies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub faults: Vec<Fault>,
    /// Record count per workload statement (sends only; 0 drops the statement).
    pub counts: Vec<u64>,
    pub brokers: u16,
}

fn is_safety(name: &str, op: CmpOp, value: i64) -> bool {
    SAFETY_NAMES.contains(&name) && (matches!(op, CmpOp::Lt | CmpOp::Le) || (op == CmpOp::Eq && value == 0))
}

/// Whether an expect line (its text as written) only bounds anomalies from above, so
/// fewer records or brokers cannot fail it trivially. Lines the search added itself
/// (`lost=0`) are safety lines too.
pub fn safety_line(scenario: &Scenario, text: &str) -> bool {
    match scenario.expects.iter().find(|e| e.text == text) {
        Some(e) => e.trace.is_none() && e.clauses.iter().all(|c| is_safety(&c.name, c.op, c.value)),
        None => true,
    }
}

impl Base {
    pub fn new(text: &str) -> Result<Base, Vec<Diagnostic>> {
        let scenario = crate::script::parse(text)?;
        let lines: Vec<&str> = text.split('\n').collect();
        let mut header = Vec::new();
        let mut brokers_line = None;
        let mut workload = Vec::new();
        let mut own_faults = false;
        for (i, raw) in lines.iter().enumerate() {
            let words = edit::words(raw);
            let Some(first) = words.first() else { continue };
            match first.as_str() {
                "at" => {
                    let line = i as u32 + 1;
                    let Some(t) = scenario.timeline.iter().find(|t| t.line == line) else { continue };
                    let send = match t.action {
                        Action::Send { count, every_us, .. } => Some((count, every_us)),
                        Action::Flush { .. }
                        | Action::Init { .. }
                        | Action::Begin { .. }
                        | Action::Commit { .. }
                        | Action::Abort { .. }
                        | Action::Poll { .. }
                        // A group's application: subscribe, its poll loop, its commits,
                        // its own pauses and close (crashes and restarts are faults).
                        | Action::Subscribe { .. }
                        | Action::PollLoop { .. }
                        | Action::CommitOffsets { .. }
                        | Action::Stall { .. }
                        | Action::CloseConsumer { .. } => None,
                        Action::Close { .. } => continue,
                        // The file's own faults are replaced by the search's.
                        _ => {
                            own_faults = true;
                            continue;
                        }
                    };
                    let count_word = words.iter().position(|w| w.starts_with("count="));
                    workload.push(WorkLine { at_us: t.at_us, words, count_word, send });
                }
                "expect" | "run" => {}
                "brokers" => {
                    brokers_line = Some(header.len());
                    header.push(words);
                }
                _ => header.push(words),
            }
        }
        let checked = scenario.expects.iter().map(|e| e.text.clone()).collect();
        Ok(Base { scenario, header, brokers_line, workload, checked, skipped: Vec::new(), own_faults })
    }

    /// The event budget of one candidate run, from the fault-free run's events.
    pub fn max_events(&self) -> u64 {
        let text = self.render(&self.candidate(), &[], &[]);
        let opts = crate::RunOptions { unhashed: true, ..crate::RunOptions::default() };
        let mut session = match crate::Session::new(&text, opts) {
            Ok(s) => s,
            Err(_) => return super::check::budget(0),
        };
        session.step(super::check::budget(0));
        super::check::budget(session.world.events)
    }

    /// The file's workload with no faults, on its own cluster.
    pub fn candidate(&self) -> Candidate {
        Candidate {
            faults: Vec::new(),
            counts: self.workload.iter().map(|w| w.send.map_or(0, |s| s.0)).collect(),
            brokers: self.scenario.brokers,
        }
    }

    /// When the last record of the workload is sent, in ms (at least 1).
    pub fn span_ms(&self, counts: &[u64]) -> u64 {
        let end_us = self
            .workload
            .iter()
            .zip(counts)
            .map(|(w, &n)| match w.send {
                Some((_, every)) => w.at_us + n.saturating_sub(1) * every,
                None => w.at_us,
            })
            .max()
            .unwrap_or(0);
        end_us.div_ceil(1000).max(1)
    }

    /// Records the workload sends.
    pub fn records(&self, counts: &[u64]) -> u64 {
        self.workload.iter().zip(counts).filter(|(w, _)| w.send.is_some()).map(|(_, &n)| n).sum()
    }

    /// The largest replication factor (the fewest brokers the topics need).
    pub fn min_brokers(&self) -> u16 {
        self.scenario.topics.iter().map(|t| t.replication_factor).max().unwrap_or(1).max(1)
    }

    /// Whether any topic has an explicit `replica.assignment` (the broker count then stays).
    pub fn explicit_assignment(&self) -> bool {
        self.header
            .iter()
            .any(|w| w.first().is_some_and(|f| f == "topic") && w.iter().any(|x| x.starts_with("replica.assignment=")))
    }

    /// The scenario text of a candidate: `comment` lines first, then declarations,
    /// workload and faults (each crash with its restart), a final `heal` after any cut or
    /// isolation, then the checked expect lines and `expects`.
    pub fn render(&self, c: &Candidate, comment: &[String], expects: &[String]) -> String {
        let mut o = String::new();
        for line in comment {
            o.push_str("# ");
            o.push_str(line);
            o.push('\n');
        }
        for (i, words) in self.header.iter().enumerate() {
            if Some(i) == self.brokers_line && c.brokers != self.scenario.brokers {
                let mut w = words.clone();
                if w.len() > 1 {
                    w[1] = c.brokers.to_string();
                }
                o.push_str(&edit::join(&w));
            } else {
                o.push_str(&edit::join(words));
            }
            o.push('\n');
        }
        if self.brokers_line.is_none() && c.brokers != self.scenario.brokers {
            o.push_str(&format!("brokers {}\n", c.brokers));
        }
        for (w, &n) in self.workload.iter().zip(&c.counts) {
            if w.send.is_some() && n == 0 {
                continue;
            }
            let mut words = w.words.clone();
            if let Some((orig, _)) = w.send {
                if n != orig {
                    match w.count_word {
                        Some(i) => words[i] = format!("count={n}"),
                        None => words.push(format!("count={n}")),
                    }
                }
            }
            o.push_str(&edit::join(&words));
            o.push('\n');
        }
        // Every fault's lines, in time order (equal times keep the faults' order).
        let mut lines: Vec<(u64, String)> = Vec::new();
        for f in &c.faults {
            let mut text = String::new();
            f.render(&mut text);
            lines.extend(text.lines().map(|l| (edit::at_ms(l), format!("{l}\n"))));
        }
        lines.sort_by_key(|(t, _)| *t);
        lines.into_iter().for_each(|(_, l)| o.push_str(&l));
        // Every crash renders its own restart; what is left is healing the network.
        if c.faults.iter().any(|f| matches!(f.op, Op::Cut { .. } | Op::Isolate { .. })) {
            let end = c.faults.iter().map(|f| f.end_ms()).max().unwrap_or(0).max(self.span_ms(&c.counts)) + 1000;
            o.push_str(&format!("at {end}ms heal\n"));
        }
        for e in self.checked.iter().chain(expects) {
            o.push_str(&format!("expect {e}\n"));
        }
        o
    }
}
