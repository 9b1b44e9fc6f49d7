//! Evaluating `expect` lines against a report.
//!
//! Names: summary fields (plus `undecided`); `errors.X` where X is an exception class
//! (subclasses count: `errors.TimeoutException` includes `BufferExhaustedException`) or a
//! protocol error name (the failed records whose batch last saw that broker error, e.g.
//! `errors.NOT_ENOUGH_REPLICAS` for records that timed out while the leader kept
//! answering NOT_ENOUGH_REPLICAS); `responses.X`; `consumers.NAME.records`.

use crate::plan::{CmpOp, Expect, TraceExpect};
use crate::protocol::errors::superclasses;
use crate::report::{ClauseReport, ExpectationReport, Report};
use crate::trace::Entry;

/// How many trace events match a trace expectation (fields compared as the trace prints
/// them: `broker: broker-2`, `tp: orders-0`).
pub fn count_trace(names: &crate::sim::NameTable, trace: &[Entry], te: &TraceExpect) -> i64 {
    trace
        .iter()
        .filter(|e| {
            let Ok(v) = serde_json::to_value(crate::sim::Named::new(names, e)) else { return false };
            v.get("type").and_then(|t| t.as_str()) == Some(te.event.as_str())
                && te.fields.iter().all(|(k, op, want)| {
                    v.get(k).is_some_and(|got| {
                        if let (Some(g), Ok(w)) = (got.as_i64(), want.parse::<i64>()) {
                            return op.holds(g, w);
                        }
                        let equal = match got {
                            serde_json::Value::String(s) => s == want,
                            // Arrays and objects compare by their compact JSON text.
                            other => other.to_string().as_str() == want.replace(' ', "").as_str(),
                        };
                        match op {
                            CmpOp::Eq => equal,
                            CmpOp::Ne => !equal,
                            _ => false,
                        }
                    })
                })
        })
        .count() as i64
}

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
        "deleted" => s.deleted,
        "compacted" => s.compacted,
        "reprocessed" => s.reprocessed,
        "skipped" => s.skipped,
        "pipeline_lost" => s.pipeline_lost,
        "pipeline_duplicated" => s.pipeline_duplicated,
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
            } else if let Some(v) = perf_value(report, name) {
                return v;
            } else if let Some(rest) = name.strip_prefix("groups.") {
                let (g, field) = rest.rsplit_once('.').unwrap_or((rest, ""));
                report.groups.get(g).map_or(0, |g| match field {
                    "rebalances" => g.rebalances.len() as u64,
                    "generation" => g.generation.max(0) as u64,
                    "lag" => g.lag,
                    "reprocessed" => g.reprocessed,
                    "skipped" => g.skipped,
                    "processed" => g.processed,
                    "members" => g.members.len() as u64,
                    _ => 0,
                })
            } else if let Some(rest) = name.strip_prefix("pipelines.") {
                let (p, field) = rest.rsplit_once('.').unwrap_or((rest, ""));
                report.pipelines.get(p).map_or(0, |p| match field {
                    "inputs" => p.inputs,
                    "outputs" => p.outputs,
                    "lost" => p.lost,
                    "duplicated" => p.duplicated,
                    "commits" => p.commits,
                    "aborted" => p.aborted,
                    "processed" => p.processed,
                    "pending" => p.pending,
                    _ => 0,
                })
            } else if let Some(rest) = name.strip_prefix("consumers.") {
                if let Some(cname) = rest.strip_suffix(".processed") {
                    return report.consumers.get(cname).map_or(0, |c| c.processed).min(i64::MAX as u64) as i64;
                }
                match rest.strip_suffix(".skipped") {
                    Some(cname) => report.consumers.get(cname).map_or(0, |c| c.skipped),
                    None => {
                        let cname = rest.strip_suffix(".records").unwrap_or(rest);
                        report.consumers.get(cname).map_or(0, |c| c.records)
                    }
                }
            } else {
                0
            }
        }
    };
    v.min(i64::MAX as u64) as i64
}

/// A speed figure or producer metric, in its clause unit's scale (µs, thousandths).
fn perf_value(report: &Report, name: &str) -> Option<i64> {
    let (t, figure) = match name.strip_prefix("perf.").and_then(|r| r.split_once('.')) {
        Some((producer, figure)) => (report.perf.by_producer.get(producer)?, figure),
        None => (&report.perf.total, name),
    };
    let us = |ms: f64| (ms * 1000.0).round() as i64;
    Some(match figure {
        "records_per_sec" => t.records_per_sec.floor() as i64,
        "mb_per_sec" => (t.mb_per_sec * 1000.0).round() as i64,
        "latency_avg" => us(t.latency_ms.avg),
        "latency_max" => us(t.latency_ms.max),
        "latency_p50" => us(t.latency_ms.p50),
        "latency_p95" => us(t.latency_ms.p95),
        "latency_p99" => us(t.latency_ms.p99),
        "latency_p999" => us(t.latency_ms.p999),
        _ => {
            let (producer, metric) = name.strip_prefix("metrics.")?.split_once('.')?;
            let v = report.metrics.get(producer).and_then(|m| m.get(metric)).copied().unwrap_or(0.0);
            (v * 1000.0).round() as i64
        }
    })
}

pub fn evaluate(report: &Report, expects: &[Expect], trace: &[Entry]) -> Vec<ExpectationReport> {
    expects
        .iter()
        .map(|e| {
            if let Some(te) = &e.trace {
                let actual = count_trace(&report.names, trace, te);
                let held = te.op.holds(actual, te.count);
                let clause = ClauseReport {
                    name: format!("trace {}", te.event),
                    op: te.op.symbol().to_string(),
                    expected: te.count,
                    actual,
                    held,
                    unit: "",
                };
                return ExpectationReport { line: e.line, text: e.text.clone(), held, clauses: vec![clause] };
            }
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
                        unit: c.unit.name(),
                    }
                })
                .collect();
            ExpectationReport { line: e.line, text: e.text.clone(), held: clauses.iter().all(|c| c.held), clauses }
        })
        .collect()
}
