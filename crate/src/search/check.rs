//! Running one candidate and judging it: which target verdicts it shows and which safety
//! expectations it fails.
//!
//! [`Targets::Promise`] looks for what the configuration's promise excludes (the
//! report's `guarantee.observed.broken_by`, per producer, so duplicates after a producer
//! restart do not count against a per-session promise); when the producers' promise is
//! `none` nothing of theirs can break it, and only the groups' and pipelines' own
//! promises and the file's `expect` lines are looked at (the language contract: a
//! search exits 1 only on a broken promise or a broken expect line).
//! [`Targets::Verdicts`] (`--target`) looks for the named verdicts outright (the
//! survival card, or any anomaly of an unpromising configuration).

use serde::Serialize;

use crate::checker::guarantee::Level;
use crate::report::Report;
use crate::RunOptions;

pub const VERDICTS: [&str; 6] = ["lost", "duplicated", "reordered", "pipeline_lost", "pipeline_duplicated", "skipped"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Targets {
    Promise,
    Verdicts(Vec<&'static str>),
}

impl Targets {
    /// The verdicts `targets` stands for, given the configuration's promise.
    pub fn verdicts(&self, promised: Level) -> Vec<&'static str> {
        // A pipeline's or a group's verdicts count when they break its own promise
        // (`judge` only shows those), whatever the producers promise.
        let pipelines = ["pipeline_lost", "pipeline_duplicated", "skipped"];
        match (self, promised) {
            (Targets::Verdicts(v), _) => v.clone(),
            (Targets::Promise, Level::None) => pipelines.to_vec(),
            (Targets::Promise, Level::AtMostOnce) => [&["duplicated"][..], &pipelines].concat(),
            (Targets::Promise, Level::AtLeastOnce) => [&["lost"][..], &pipelines].concat(),
            (Targets::Promise, _) => VERDICTS.to_vec(),
        }
    }
}

/// What a run showed against the targets.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Violation {
    /// Target verdicts the run showed (`lost`, `duplicated`, `reordered`).
    #[cfg_attr(
        test,
        ts(
            type = "Array<\"lost\" | \"duplicated\" | \"reordered\" | \"pipeline_lost\" | \"pipeline_duplicated\" | \"skipped\">"
        )
    )]
    pub verdicts: Vec<String>,
    /// Checked expect lines that failed, as written.
    pub expectations: Vec<String>,
    /// The run broke the promised guarantee.
    pub breaks_promise: bool,
    pub lost: u64,
    pub duplicated: u64,
    pub reordered: u64,
    pub pipeline_lost: u64,
    pub pipeline_duplicated: u64,
    /// Records a consumer group committed past without processing them.
    pub skipped: u64,
    /// The run never settled (hit the 24-hour cap): reported, not a violation.
    pub unsettled: bool,
}

impl Violation {
    pub fn any(&self) -> bool {
        !self.verdicts.is_empty() || !self.expectations.is_empty()
    }

    /// What a shrink must keep: the most serious part of this violation (a loss before
    /// a duplicate before a reordering before a failed expect line).
    pub fn goal(&self) -> Violation {
        let mut g = Violation::default();
        match (self.verdicts.first(), self.expectations.first()) {
            (Some(v), _) => g.verdicts.push(v.clone()),
            (None, Some(e)) => g.expectations.push(e.clone()),
            (None, None) => {}
        }
        g
    }

    /// Whether `other` shows everything `self` (a goal) names.
    pub fn met_by(&self, other: &Violation) -> bool {
        self.verdicts.iter().all(|v| other.verdicts.contains(v))
            && self.expectations.iter().all(|e| other.expectations.contains(e))
    }

    /// The expect line that fails in a counterexample showing this violation (verdicts
    /// the file's own checked lines, `checked`, already bound are left out).
    pub fn expect_lines(&self, checked: &[String]) -> Vec<String> {
        let bound = |n: &str| checked.iter().any(|c| c.split(" ").any(|w| w == format!("{n}=0")));
        let v: Vec<String> = self.verdicts.iter().filter(|n| !bound(n)).map(|n| format!("{n}=0")).collect();
        if v.is_empty() {
            Vec::new()
        } else {
            vec![v.join(" ")]
        }
    }
}

/// Judges a finished run's report.
pub fn judge(report: &Report, targets: &Targets) -> Violation {
    let g = &report.guarantee;
    let s = &report.summary;
    let wanted = targets.verdicts(g.promised);
    let shown: Vec<&str> = match targets {
        Targets::Promise => {
            let mut v: Vec<&str> = g.observed.broken_by.iter().map(String::as_str).collect();
            if let Some(bp) = &g.by_producer {
                v.extend(bp.values().flat_map(|p| p.observed.broken_by.iter().map(String::as_str)));
            }
            if let Some(bp) = &g.by_pipeline {
                v.extend(bp.values().flat_map(|p| p.observed.broken_by.iter().map(String::as_str)));
            }
            if let Some(bg) = &g.by_group {
                v.extend(bg.values().flat_map(|p| p.observed.broken_by.iter().map(String::as_str)));
            }
            v
        }
        Targets::Verdicts(_) => [
            ("lost", s.lost),
            ("duplicated", s.duplicated),
            ("reordered", s.reordered),
            ("pipeline_lost", s.pipeline_lost),
            ("pipeline_duplicated", s.pipeline_duplicated),
            ("skipped", s.skipped),
        ]
        .into_iter()
        .filter(|&(_, n)| n > 0)
        .map(|(name, _)| name)
        .collect(),
    };
    Violation {
        verdicts: VERDICTS.iter().filter(|v| wanted.contains(v) && shown.contains(v)).map(|v| v.to_string()).collect(),
        expectations: report.expectations.iter().filter(|e| !e.held).map(|e| e.text.clone()).collect(),
        breaks_promise: g.observed.breaks_promise,
        lost: s.lost,
        duplicated: s.duplicated,
        reordered: s.reordered,
        pipeline_lost: s.pipeline_lost,
        pipeline_duplicated: s.pipeline_duplicated,
        skipped: s.skipped,
        unsettled: report.ended_by == "cap",
    }
}

/// Runs scenario text (unhashed: no trace kept or hashed, no explanations) for at most
/// `max_events` kernel events, and judges it. A run that has not ended by then (or hit
/// the 24-hour cap) is unsettled: judged as it stands, never a violation. `None` when the
/// text does not parse, which a generator bug would cause.
pub fn run(text: &str, targets: &Targets, max_events: u64) -> Option<(Violation, u64)> {
    let opts = RunOptions { unhashed: true, ..RunOptions::default() };
    let mut session = crate::Session::new(text, opts).ok()?;
    let ended = session.step(max_events);
    let report = session.report();
    let mut v = judge(&report, targets);
    if !ended || v.unsettled {
        v = Violation { unsettled: true, ..Violation::default() };
    }
    Some((v, report.kernel_events))
}

/// The event budget of one candidate run: generous against the fault-free run's
/// `baseline` events (faults add retries, elections and idle waits), so only a run that
/// never settles reaches it.
pub fn budget(baseline: u64) -> u64 {
    baseline.saturating_mul(50).max(100_000)
}
