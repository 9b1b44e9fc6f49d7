//! What a pipeline's configuration promises end to end (input record → output record),
//! and whether a run kept it.
//!
//! A pipeline can promise no more than its producer does for the outputs (durability of
//! `to`): below at-least-once, that is all it promises. Above it, `processing.guarantee`
//! decides:
//! - `exactly_once_v2`: exactly-once-transactional. Each commit is one transaction
//!   holding the outputs and the input offsets (`sendOffsetsToTransaction`), so both
//!   become visible at its marker or neither does; a crash leaves the transaction to be
//!   aborted by the next `initTransactions` (or `transaction.timeout.ms`); a zombie whose
//!   group moved on is refused by the group coordinator (KIP-447: its TxnOffsetCommit
//!   carries an old generation) and aborts. Every input then has exactly one output for
//!   a `read_committed` reader.
//! - `at_least_once`: at-least-once. Outputs are plain sends, readable at once, and the
//!   input offsets are committed after them (flush, then commitSync, every
//!   `commit.interval.ms`); whatever was processed after the last commit is processed
//!   again after a crash, a rebalance or a failed commit, and its outputs are written
//!   twice.

use serde::Serialize;

use super::{promise, Level, Property, Reason};
use crate::plan::{ProcessingGuarantee, Scenario};

/// The report's `guarantee.by_pipeline.NAME`.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PipelineGuarantee {
    pub promised: Level,
    pub reasons: Vec<Reason>,
    pub observed: PipelineObserved,
}

#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PipelineObserved {
    /// No input lost or duplicated.
    pub clean: bool,
    pub lost: u64,
    pub duplicated: u64,
    pub breaks_promise: bool,
    /// The verdicts that broke it: `pipeline_lost`, `pipeline_duplicated`.
    #[cfg_attr(test, ts(type = "Array<\"pipeline_lost\" | \"pipeline_duplicated\">"))]
    pub broken_by: Vec<String>,
    pub text: String,
}

/// The promise of pipeline `k` and its reasons.
pub fn pipeline_promise(scenario: &Scenario, k: usize) -> (Level, Vec<Reason>) {
    let d = &scenario.pipelines[k];
    let producer = promise(scenario, d.producer);
    let settings = vec![format!("processing.guarantee={}", d.guarantee.name())];
    let mut reasons: Vec<Reason> = producer
        .reasons
        .iter()
        .filter(|r| r.property == Property::Durability)
        .cloned()
        .map(|mut r| {
            r.text = format!("{}'s outputs: {}", d.name, r.text);
            r
        })
        .collect();
    let durable = producer.promised >= Level::AtLeastOnce;
    let (level, reason) = match d.guarantee {
        ProcessingGuarantee::ExactlyOnceV2 => (
            Level::ExactlyOnceTransactional,
            Reason::fixed(
                Property::AcrossSessions,
                settings,
                true,
                "exactly_once_v2: each commit is one transaction holding the outputs and the input offsets (sendOffsetsToTransaction); a crash leaves it to be aborted by the next initTransactions, and a zombie whose group moved on is refused (KIP-447: its TxnOffsetCommit carries an old generation) and aborts, so every input has exactly one output for a read_committed reader",
            ),
        ),
        ProcessingGuarantee::AtLeastOnce => (
            Level::AtLeastOnce,
            Reason::fixed(
                Property::NoDuplicates,
                settings,
                false,
                "at_least_once: outputs are plain sends, readable at once, and the input offsets are committed after them (flush, then commitSync, every commit.interval.ms); what was processed after the last commit is processed again after a crash, a rebalance or a failed commit, and its outputs are written twice",
            ),
        ),
    };
    reasons.push(reason);
    let promised = if durable { level } else { producer.promised.min(level) };
    (promised, reasons)
}

/// Judges a run's pipeline verdicts against the promise.
pub fn observed(level: Level, lost: u64, duplicated: u64) -> PipelineObserved {
    let lost_breaks = lost > 0 && level >= Level::AtLeastOnce;
    let dup_breaks = duplicated > 0 && level == Level::ExactlyOnceTransactional;
    let broken_by: Vec<String> = [(lost_breaks, "pipeline_lost"), (dup_breaks, "pipeline_duplicated")]
        .into_iter()
        .filter(|(b, _)| *b)
        .map(|(_, n)| n.to_string())
        .collect();
    let mut parts = Vec::new();
    if lost > 0 {
        parts.push(format!("{lost} input(s) committed past without an output"));
    }
    if duplicated > 0 {
        parts.push(format!("{duplicated} input(s) with two outputs"));
    }
    let mut text =
        if parts.is_empty() { "clean: every committed input has one output".to_string() } else { parts.join(", ") };
    if !broken_by.is_empty() {
        text += &format!(": breaks the promise ({})", level.name());
    }
    PipelineObserved {
        clean: lost == 0 && duplicated == 0,
        lost,
        duplicated,
        breaks_promise: !broken_by.is_empty(),
        broken_by,
        text,
    }
}
