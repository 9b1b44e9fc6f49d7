//! Search: generated fault schedules against a scenario's cluster, configuration and
//! workload, the first one that breaks the promise (or one of the file's `expect` lines)
//! shrunk to a minimal scenario text that reproduces it.
//!
//! Everything derives from `--seed`: schedule `i` draws from its own PRNG stream, so a
//! search is deterministic and can be split across workers by index
//! ([`SearchOptions::start`], [`SearchOptions::stride`]): the counterexample is the one
//! at the smallest failing index whatever the split. [`Search`] and
//! [`shrink::Shrinker`] are stepwise, so a Web Worker runs them in slices and can report
//! progress and be cancelled between slices.
//!
//! Map: `base` (the file taken apart, candidates rendered back to text), `faults` (fault
//! kinds and one fault's lines), `generate` (schedule generators), `check` (run and
//! judge), `shrink`, `card` (the survival card), `edit` (line edits); here the search
//! loop, the counterexample and the JSON shapes.

pub mod base;
pub mod card;
pub mod check;
pub mod edit;
pub mod faults;
pub mod generate;
pub mod shrink;

use serde::Serialize;

use crate::checker::guarantee::{FaultKind, Level};
use crate::script::errors::Diagnostic;
use crate::sim::{Prng, VecMap};
use base::{Base, Candidate};
use check::{Targets, Violation};
use faults::FaultOp;

/// Where schedules come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// `--faults crash,power,...`: general schedules over these kinds.
    Ops(Vec<FaultOp>),
    /// One survival-card row's episode.
    Kind(FaultKind),
}

#[derive(Clone, Debug)]
pub struct SearchOptions {
    /// Schedules to try (indices `0..schedules`), default 1000.
    pub schedules: u64,
    pub source: Source,
    pub seed: u64,
    pub targets: Targets,
    /// This worker's first index and step (defaults 0 and 1: every index).
    pub start: u64,
    pub stride: u64,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            schedules: 1000,
            source: Source::Ops(FaultOp::all_supported()),
            seed: 1,
            targets: Targets::Promise,
            start: 0,
            stride: 1,
        }
    }
}

/// A search in progress.
pub struct Search {
    pub base: Base,
    pub opts: SearchOptions,
    next: u64,
    pub ran: u64,
    pub kernel_events: u64,
    /// Runs that never settled (hit the 24-hour cap); not counted as violations.
    pub unsettled: u64,
    /// The first schedule that never settled, to reproduce it.
    pub first_unsettled: Option<u64>,
    /// Kernel events one candidate run may take ([`check::budget`]).
    pub max_events: u64,
    /// Whether the source applies to this cluster (a card row may not).
    pub applicable: bool,
    pub found: Option<(u64, Candidate, Violation)>,
}

impl Search {
    pub fn new(text: &str, opts: SearchOptions) -> Result<Search, Vec<Diagnostic>> {
        let base = Base::new(text)?;
        let next = opts.start;
        let max_events = base.max_events();
        Ok(Search {
            base,
            opts,
            next,
            ran: 0,
            kernel_events: 0,
            unsettled: 0,
            first_unsettled: None,
            max_events,
            applicable: true,
            found: None,
        })
    }

    pub fn promised(&self) -> Level {
        crate::checker::guarantee::promised(&self.base.scenario)
    }

    /// Schedule `i` (`None` when the source does not apply to this cluster).
    pub fn schedule(&self, i: u64) -> Option<Candidate> {
        let mut rng = Prng::new(self.opts.seed).fork(&format!("schedule {i}"));
        let mut c = self.base.candidate();
        c.faults = match &self.opts.source {
            Source::Ops(ops) => generate::general(&mut rng, &self.base, ops, &c.counts),
            Source::Kind(k) => generate::targeted(&mut rng, &self.base, *k, &c.counts)?,
        };
        Some(c)
    }

    /// Lowers the number of schedules to `n` (another worker failed at index `n`, so only
    /// smaller indices can still matter).
    pub fn limit(&mut self, n: u64) {
        self.opts.schedules = self.opts.schedules.min(n);
    }

    pub fn finished(&self) -> bool {
        self.found.is_some() || !self.applicable || self.next >= self.opts.schedules
    }

    /// Runs up to `max` schedules; true once the search is over (found, or all run).
    pub fn step(&mut self, max: u64) -> bool {
        for _ in 0..max {
            if self.finished() {
                break;
            }
            let i = self.next;
            self.next += self.opts.stride.max(1);
            let Some(c) = self.schedule(i) else {
                self.applicable = false;
                break;
            };
            let text = self.base.render(&c, &[], &[]);
            self.ran += 1;
            let Some((v, events)) = check::run(&text, &self.opts.targets, self.max_events) else { continue };
            self.kernel_events += events;
            if v.unsettled {
                self.unsettled += 1;
                self.first_unsettled = self.first_unsettled.or(Some(i));
            }
            if v.any() {
                self.found = Some((i, c, v));
            }
        }
        self.finished()
    }

    /// A shrinker for the counterexample found, if any.
    pub fn shrinker(&self) -> Option<shrink::Shrinker> {
        let (_, c, v) = self.found.as_ref()?;
        Some(shrink::Shrinker::new(self.base.clone(), self.opts.targets.clone(), c.clone(), v.clone()))
    }

    /// The counterexample once `shrinker` is done: its text, verified by a full run.
    pub fn counterexample(&self, s: &shrink::Shrinker) -> Option<Counterexample> {
        let (index, original, _) = self.found.as_ref()?;
        let b = &self.base;
        let records = |c: &Candidate| b.records(&c.counts);
        let stats = ShrinkStats {
            runs: s.runs,
            faults_before: original.faults.len(),
            faults_after: s.current.faults.len(),
            records_before: records(original),
            records_after: records(&s.current),
            brokers_before: original.brokers,
            brokers_after: s.current.brokers,
        };
        let expects = s.violation.expect_lines(&b.checked);
        let draft = b.render(&s.current, &[], &expects);
        let report = crate::run(&draft, &crate::RunOptions::default()).ok();
        let verified_violation = report.as_ref().map(|r| check::judge(r, &self.opts.targets));
        let verified = verified_violation.as_ref().is_some_and(|v| s.goal.met_by(v));
        let what = describe(&s.violation);
        let mut comment = vec![
            format!("kplay search --seed {}: schedule {index} {what}", self.opts.seed),
            format!(
                "shrunk from {} fault(s), {} record(s), {} broker(s) to {} fault(s), {} record(s), {} broker(s)",
                stats.faults_before,
                stats.records_before,
                stats.brokers_before,
                stats.faults_after,
                stats.records_after,
                stats.brokers_after
            ),
        ];
        if let Some(r) = &report {
            comment.push(format!("promised {}; observed {}", r.guarantee.promised.name(), r.guarantee.observed.text));
        }
        Some(Counterexample {
            schedule: *index,
            violation: verified_violation.unwrap_or_else(|| s.violation.clone()),
            text: b.render(&s.current, &comment, &expects),
            original: b.render(original, &[], &[]),
            verified,
            shrink: stats,
            explanations: report
                .map(|r| r.explanations.iter().take(6).map(|e| e.text.clone()).collect())
                .unwrap_or_default(),
        })
    }

    /// The JSON shape of a finished search.
    pub fn report(&self, counterexample: Option<Counterexample>) -> SearchReport {
        SearchReport {
            seed: self.opts.seed,
            schedules: self.opts.schedules,
            ran: self.ran,
            survived: self.ran - self.found.is_some() as u64,
            faults: match &self.opts.source {
                Source::Ops(ops) => ops.iter().map(|o| o.name().to_string()).collect(),
                Source::Kind(k) => vec![k.name().to_string()],
            },
            promised: self.promised(),
            promised_by_group: crate::checker::guarantee::groups::plain_groups(&self.base.scenario)
                .into_iter()
                .map(|g| (g.to_string(), crate::checker::guarantee::groups::group_promise(&self.base.scenario, g).0))
                .collect(),
            promised_by_pipeline: (0..self.base.scenario.pipelines.len())
                .map(|k| {
                    let name = self.base.scenario.pipelines[k].name.clone();
                    (name, crate::checker::guarantee::pipelines::pipeline_promise(&self.base.scenario, k).0)
                })
                .collect(),
            targets: self
                .opts
                .targets
                .verdicts(self.promised())
                .iter()
                .filter(|v| !v.starts_with("pipeline_") || !self.base.scenario.pipelines.is_empty())
                .filter(|v| {
                    **v != "skipped" || !crate::checker::guarantee::groups::plain_groups(&self.base.scenario).is_empty()
                })
                .map(|s| s.to_string())
                .collect(),
            checked_expectations: self.base.checked.clone(),
            skipped_expectations: self.base.skipped.clone(),
            unsettled: self.unsettled,
            first_unsettled: self.first_unsettled,
            counterexample,
        }
    }
}

/// "lost 3 acknowledged record(s)", "failed expect duplicated=0", ...
pub fn describe(v: &Violation) -> String {
    let mut parts: Vec<String> = v
        .verdicts
        .iter()
        .map(|n| match n.as_str() {
            "lost" => format!("lost {} acknowledged record(s)", v.lost),
            "duplicated" => format!("wrote {} duplicate cop(ies)", v.duplicated),
            "pipeline_lost" => format!("a pipeline lost {} input(s)", v.pipeline_lost),
            "pipeline_duplicated" => format!("a pipeline duplicated {} input(s)", v.pipeline_duplicated),
            "skipped" => format!("a consumer group skipped {} record(s)", v.skipped),
            _ => format!("reordered {} record(s)", v.reordered),
        })
        .collect();
    parts.extend(v.expectations.iter().map(|e| format!("failed expect {e}")));
    let mut s = parts.join(", ");
    if v.breaks_promise {
        s += " (breaks the promise)";
    }
    s
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct ShrinkStats {
    pub runs: u64,
    pub faults_before: usize,
    pub faults_after: usize,
    pub records_before: u64,
    pub records_after: u64,
    pub brokers_before: u16,
    pub brokers_after: u16,
}

/// A failing schedule, shrunk and verified.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Counterexample {
    /// The schedule's index (reproduce with the same seed and faults).
    pub schedule: u64,
    /// What the shrunk text's own run shows.
    pub violation: Violation,
    /// The shrunk scenario: run it with `kplay run` (its expect lines fail).
    pub text: String,
    /// The schedule as generated.
    pub original: String,
    /// The shrunk text, run in full, shows the original violation.
    pub verified: bool,
    pub shrink: ShrinkStats,
    /// What happened, from the shrunk run's explanations.
    pub explanations: Vec<String>,
}

/// `kplay search --json`.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SearchReport {
    pub seed: u64,
    pub schedules: u64,
    pub ran: u64,
    /// Schedules that kept the promise and every checked expectation.
    pub survived: u64,
    pub faults: Vec<String>,
    /// What the producers' configurations promise.
    pub promised: Level,
    /// What each plain consumer group's and each pipeline's configuration promises (the
    /// `skipped` and `pipeline_*` targets are judged against these).
    pub promised_by_group: VecMap<String, Level>,
    pub promised_by_pipeline: VecMap<String, Level>,
    /// The verdicts searched for.
    pub targets: Vec<String>,
    pub checked_expectations: Vec<String>,
    pub skipped_expectations: Vec<String>,
    /// Schedules whose run never settled (a simulator liveness problem to report).
    pub unsettled: u64,
    pub first_unsettled: Option<u64>,
    pub counterexample: Option<Counterexample>,
}

/// Searches and shrinks in one call.
pub fn search(text: &str, opts: SearchOptions) -> Result<SearchReport, Vec<Diagnostic>> {
    let mut s = Search::new(text, opts)?;
    while !s.step(64) {}
    let cx = s.shrinker().and_then(|mut sh| {
        while !sh.step(64) {}
        s.counterexample(&sh)
    });
    Ok(s.report(cx))
}
