//! The survival card: for a scenario's cluster, configuration and workload, per fault
//! kind ([`FaultKind`]), whether acknowledged records can be lost, duplicated or
//! reordered, each answered by a targeted search (up to N schedules of that kind's
//! episode), never by a table. Beside each answer stands what the promise's reasons say
//! about that kind, so a reader (and a test) can see the two agree: the search may find
//! less than the promise fears, never more.
//!
//! [`CardSearch`] is stepwise (one schedule per step unit) for Web Workers.

use serde::Serialize;

use super::base::Base;
use super::check::{self, Targets};
use super::generate;
use crate::checker::guarantee::{self, FaultKind, Level, Property};
use crate::script::errors::Diagnostic;
use crate::sim::Prng;

/// The first schedule of a row that showed a verdict.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Finding {
    pub schedule: u64,
    /// How many records it affected.
    pub count: u64,
    /// The schedule as scenario text (its expect line fails).
    pub text: String,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CardRow {
    pub kind: FaultKind,
    pub description: &'static str,
    /// False when the kind cannot happen on this cluster (one replica has no follower).
    pub applicable: bool,
    pub schedules: u64,
    pub lost: Option<Finding>,
    pub duplicated: Option<Finding>,
    pub reordered: Option<Finding>,
    /// What the promise's reasons expect under this kind: verdicts they say may happen.
    #[cfg_attr(test, ts(type = "Array<\"lost\" | \"duplicated\" | \"reordered\">"))]
    pub promise_allows: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "SurvivalCard"))]
pub struct Card {
    pub seed: u64,
    pub schedules_per_row: u64,
    pub promised: Level,
    pub rows: Vec<CardRow>,
}

pub struct CardSearch {
    base: Base,
    seed: u64,
    per_row: u64,
    row: usize,
    next: u64,
    max_events: u64,
    pub card: Card,
}

/// The verdicts the promise's reasons say may happen under `kind` (the union over
/// producers of the properties failing under it).
fn allowed(base: &Base, kind: FaultKind) -> Vec<String> {
    let sc = &base.scenario;
    let mut out = Vec::new();
    for p in 0..sc.producers.len() {
        let pr = guarantee::promise(sc, p);
        let fails = |prop| pr.fails_under(prop).contains(&kind);
        let dup =
            fails(Property::NoDuplicates) || (kind == FaultKind::ProducerRestart && fails(Property::AcrossSessions));
        for (name, yes) in
            [("lost", fails(Property::Durability)), ("duplicated", dup), ("reordered", fails(Property::Ordering))]
        {
            if yes && !out.iter().any(|x| x == name) {
                out.push(name.to_string());
            }
        }
    }
    check::VERDICTS.iter().filter(|v| out.iter().any(|o| o == *v)).map(|v| v.to_string()).collect()
}

impl CardSearch {
    pub fn new(text: &str, seed: u64, per_row: u64) -> Result<CardSearch, Vec<Diagnostic>> {
        let base = Base::new(text)?;
        let rows = FaultKind::ALL
            .into_iter()
            .map(|kind| CardRow {
                kind,
                description: kind.describe(),
                applicable: true,
                schedules: 0,
                lost: None,
                duplicated: None,
                reordered: None,
                promise_allows: allowed(&base, kind),
            })
            .collect();
        let promised = guarantee::promised(&base.scenario);
        let max_events = base.max_events();
        Ok(CardSearch {
            base,
            seed,
            per_row,
            row: 0,
            next: 0,
            max_events,
            card: Card { seed, schedules_per_row: per_row, promised, rows },
        })
    }

    pub fn done(&self) -> bool {
        self.row >= self.card.rows.len()
    }

    /// Schedules run so far over all rows, and the total at most.
    pub fn progress(&self) -> (u64, u64) {
        let ran: u64 = self.card.rows.iter().map(|r| r.schedules).sum();
        (ran, self.per_row * self.card.rows.len() as u64)
    }

    /// Runs up to `max` schedules; true once every row is answered.
    pub fn step(&mut self, max: u64) -> bool {
        for _ in 0..max {
            if self.done() {
                break;
            }
            let row = &mut self.card.rows[self.row];
            let all_found = row.lost.is_some() && row.duplicated.is_some() && row.reordered.is_some();
            if self.next >= self.per_row || all_found || !row.applicable {
                self.row += 1;
                self.next = 0;
                continue;
            }
            let i = self.next;
            self.next += 1;
            let mut rng = Prng::new(self.seed).fork(&format!("card {} {i}", row.kind.name()));
            let mut c = self.base.candidate();
            let Some(faults) = generate::targeted(&mut rng, &self.base, row.kind, &c.counts) else {
                row.applicable = false;
                continue;
            };
            c.faults = faults;
            row.schedules += 1;
            let text = self.base.render(&c, &[], &[]);
            let targets = Targets::Verdicts(check::VERDICTS.to_vec());
            let Some((v, _)) = check::run(&text, &targets, self.max_events) else { continue };
            let found =
                [(&mut row.lost, v.lost), (&mut row.duplicated, v.duplicated), (&mut row.reordered, v.reordered)];
            for (name, (slot, count)) in check::VERDICTS.iter().zip(found) {
                if slot.is_none() && count > 0 {
                    let comment = [format!("kplay survival card, {}: schedule {i} {name} {count}", row.kind.name())];
                    let text = self.base.render(&c, &comment, &[format!("{name}=0")]);
                    *slot = Some(Finding { schedule: i, count, text });
                }
            }
        }
        self.done()
    }
}

/// The whole card in one call.
pub fn card(text: &str, seed: u64, per_row: u64) -> Result<Card, Vec<Diagnostic>> {
    let mut s = CardSearch::new(text, seed, per_row)?;
    while !s.step(64) {}
    Ok(s.card)
}
