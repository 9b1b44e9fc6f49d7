//! Evaluating `expect` lines against a report.
//!
//! Names: summary fields (plus `undecided`); `errors.X` where X is an exception class
//! (subclasses count: `errors.TimeoutException` includes `BufferExhaustedException`) or a
//! protocol error name (the failed records whose batch last saw that broker error, e.g.
//! `errors.NOT_ENOUGH_REPLICAS` for records that timed out while the leader kept
//! answering NOT_ENOUGH_REPLICAS); `responses.X`; `consumers.NAME.records`.

use crate::protocol::errors::superclasses;
use crate::report::{ClauseReport, ExpectationReport, Report};
use crate::script::ast::Expect;

/// The value a clause name refers to in `report`.
pub fn lookup(report: &Report, name: &str) -> i64 {
    let s = &report.summary;
    let v = match name {
        "sent" => s.sent,
        "acked" => s.acked,
        "failed" => s.failed,
        "pending" => s.pending,
        "delivered" => s.delivered,
        "lost" => s.lost,
        "duplicated" => s.duplicated,
        "reordered" => s.reordered,
        "phantom" => s.phantom,
        "aborted" => s.aborted,
        "produce_requests" => s.produce_requests,
        "batches" => s.batches,
        "undecided" => report.records_undecided,
        _ => {
            if let Some(x) = name.strip_prefix("errors.") {
                let by_class: u64 = report
                    .errors
                    .iter()
                    .filter(|(class, _)| class.as_str() == x || superclasses(class).contains(&x))
                    .map(|(_, n)| n)
                    .sum();
                by_class + report.error_causes.get(x).copied().unwrap_or(0)
            } else if let Some(x) = name.strip_prefix("responses.") {
                report.responses.get(x).copied().unwrap_or(0)
            } else if let Some(rest) = name.strip_prefix("consumers.") {
                let cname = rest.strip_suffix(".records").unwrap_or(rest);
                report.consumers.get(cname).map_or(0, |c| c.records)
            } else {
                0
            }
        }
    };
    v.min(i64::MAX as u64) as i64
}

pub fn evaluate(report: &Report, expects: &[Expect]) -> Vec<ExpectationReport> {
    expects
        .iter()
        .map(|e| {
            let clauses: Vec<ClauseReport> = e
                .clauses
                .iter()
                .map(|c| {
                    let actual = lookup(report, &c.name);
                    ClauseReport {
                        name: c.name.clone(),
                        op: c.op.symbol().to_string(),
                        expected: c.value,
                        actual,
                        held: c.op.holds(actual, c.value),
                    }
                })
                .collect();
            ExpectationReport { line: e.line, text: e.text.clone(), held: clauses.iter().all(|c| c.held), clauses }
        })
        .collect()
}
