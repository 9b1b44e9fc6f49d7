//! What one run showed, per producer, judged against what its configuration promised.
//!
//! The counts are the checker's verdicts (`verdicts`) split by producer. Duplicates and
//! reorderings of records the application sent again after a restart
//! (`restart resend=unacked`) are counted apart: they are what a per-session guarantee
//! does not cover. Which verdicts break which level ([`Observed::judged`]):
//! - `at-most-once`: a duplicate within a session;
//! - `at-least-once`: a lost acknowledged record;
//! - `exactly-once-per-session`: either, or a reordering, within a session;
//! - `exactly-once-transactional`: any of them, across sessions too;
//! - `none`: nothing (only `expect` lines can fail such a run).
//!
//! A phantom (a failed send whose record is in the log) breaks no level: the application
//! was told it failed and must decide; it is reported.

use serde::Serialize;

use super::{FaultKind, Level, Property};
use crate::checker::{verdicts, Judgement};
use crate::history::History;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Observed {
    /// Nothing lost, duplicated or reordered.
    pub clean: bool,
    pub lost: u64,
    pub duplicated: u64,
    pub reordered: u64,
    pub phantom: u64,
    /// Of `duplicated`: extra copies of records sent again after a producer restart.
    pub duplicated_across_sessions: u64,
    /// Of `reordered`: records sent again after a producer restart.
    pub reordered_across_sessions: u64,
    /// This run broke the promised guarantee.
    pub breaks_promise: bool,
    /// The verdicts that broke it: `lost`, `duplicated`, `reordered`.
    #[cfg_attr(test, ts(type = "Array<\"lost\" | \"duplicated\" | \"reordered\">"))]
    pub broken_by: Vec<String>,
    /// Fault kinds beyond the design fault model the promise is judged under that this
    /// run had, and under which a property it broke can fail (`late-request`, from a
    /// `delay` on the producer's link): the promise was broken by a fault it does not
    /// cover. Absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, ts(optional))]
    pub beyond_model: Option<Vec<FaultKind>>,
    /// One sentence for people.
    pub text: String,
}

/// One [`Observed`] per declared producer (not yet judged).
pub fn observe(history: &History, j: &Judgement, producers: usize) -> Vec<Observed> {
    let mut out = vec![Observed::default(); producers];
    for (id, rec) in history.records.iter().enumerate() {
        let Some(o) = out.get_mut(rec.producer as usize) else { continue };
        let resent = rec.sends > 1;
        o.lost += verdicts::is_lost(history, j, id) as u64;
        let extra = verdicts::extra_copies(j, id);
        o.duplicated += extra;
        // A record sent n times may have n copies without any session writing it twice.
        let across = if resent { extra.min(rec.sends as u64 - 1) } else { 0 };
        o.duplicated_across_sessions += across;
        o.reordered += j.reordered[id] as u64;
        o.reordered_across_sessions += (j.reordered[id] && resent) as u64;
        o.phantom += verdicts::is_phantom(history, j, id) as u64;
    }
    out
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

impl Observed {
    pub fn sum(all: &[Observed]) -> Observed {
        let mut t = Observed::default();
        for o in all {
            t.lost += o.lost;
            t.duplicated += o.duplicated;
            t.reordered += o.reordered;
            t.phantom += o.phantom;
            t.duplicated_across_sessions += o.duplicated_across_sessions;
            t.reordered_across_sessions += o.reordered_across_sessions;
        }
        t
    }

    /// Fills `clean`, `breaks_promise`, `broken_by` and `text` against `level`.
    pub fn judged(mut self, level: Level) -> Observed {
        self.clean = self.lost == 0 && self.duplicated == 0 && self.reordered == 0;
        let dup_in_session = self.duplicated - self.duplicated_across_sessions;
        let reo_in_session = self.reordered - self.reordered_across_sessions;
        let (lost, dup, reo) = match level {
            Level::None => (false, false, false),
            Level::AtMostOnce => (false, dup_in_session > 0, false),
            Level::AtLeastOnce => (self.lost > 0, false, false),
            Level::ExactlyOncePerSession => (self.lost > 0, dup_in_session > 0, reo_in_session > 0),
            Level::ExactlyOnceTransactional => (self.lost > 0, self.duplicated > 0, self.reordered > 0),
        };
        self.broken_by = [(lost, "lost"), (dup, "duplicated"), (reo, "reordered")]
            .into_iter()
            .filter(|(b, _)| *b)
            .map(|(_, n)| n.to_string())
            .collect();
        self.breaks_promise = !self.broken_by.is_empty();
        let mut parts = Vec::new();
        if self.lost > 0 {
            parts.push(format!("{} lost", plural(self.lost, "acknowledged record", "acknowledged records")));
        }
        if self.duplicated > 0 {
            let mut s = plural(self.duplicated, "duplicate copy", "duplicate copies");
            if self.duplicated_across_sessions > 0 {
                s += &format!(" ({} after a producer restart)", self.duplicated_across_sessions);
            }
            parts.push(s);
        }
        if self.reordered > 0 {
            parts.push(plural(self.reordered, "record reordered", "records reordered"));
        }
        let mut text = if parts.is_empty() {
            "clean: nothing acknowledged was lost, nothing duplicated or reordered".to_string()
        } else {
            parts.join(", ")
        };
        if self.phantom > 0 {
            text += &format!("; {} failed but in the log anyway (phantom)", plural(self.phantom, "send", "sends"));
        }
        if self.breaks_promise {
            text += &format!(": breaks the promise ({})", level.name());
        } else if !self.clean && level == Level::None {
            text += ": the configuration promises no guarantee (none)";
        } else if !self.clean {
            text += &format!(": within what {} allows", level.name());
        }
        self.text = text;
        self
    }

    /// Names, on a judged observation that broke its promise, the faults beyond the
    /// design model behind it: the kinds in `had` (the run's out-of-model faults) under
    /// which the broken properties can fail (`fails_under`, the promise's kinds per
    /// property), when every broken property is one of them can break.
    pub fn beyond(mut self, had: &[FaultKind], fails_under: impl Fn(Property) -> Vec<FaultKind>) -> Observed {
        if !self.breaks_promise || had.is_empty() {
            return self;
        }
        // Every broken property must be one such a fault can break.
        let mut kinds: Vec<FaultKind> = Vec::new();
        for b in &self.broken_by {
            let property = match b.as_str() {
                "lost" => Property::Durability,
                "duplicated" => Property::NoDuplicates,
                _ => Property::Ordering,
            };
            let here: Vec<FaultKind> = fails_under(property).into_iter().filter(|k| had.contains(k)).collect();
            if here.is_empty() {
                return self;
            }
            for k in here {
                if !kinds.contains(&k) {
                    kinds.push(k);
                }
            }
        }
        let named: Vec<String> = kinds.iter().map(|k| format!("{} ({})", k.name(), k.describe())).collect();
        self.text += &format!(", under a fault beyond the design fault model it covers: {}", named.join("; "));
        self.beyond_model = Some(kinds);
        self
    }
}
