//! `expect trace EVENT [field=value ...] [count OP N]` (kplay extension): the run's trace
//! must hold (by default at least one) event of that type whose fields have those values.
//!
//! ```text
//! expect trace batch_retried error=NETWORK_EXCEPTION
//! expect trace truncated broker=broker-1
//! expect trace leader_elected kind=unclean count=1
//! ```
//! Values compare with the field's JSON form, strings unquoted: `broker=broker-1`,
//! `leader=2`, `isr=[2,3]`; numeric fields also take `!=`, `<`, `<=`, `>`, `>=`
//! (`records>=100`). `at` compares when the event happened, with a unit: `at>=50s`.

use super::ast::{CmpOp, Expect, TraceExpect};
use super::cursor::Stmt;
use super::errors::Diagnostic;
use super::suggest;
use crate::trace::EVENT_SCHEMA;

fn op_of(s: &str) -> Option<(CmpOp, &str)> {
    for (sym, op) in [
        ("!=", CmpOp::Ne),
        ("<=", CmpOp::Le),
        (">=", CmpOp::Ge),
        ("==", CmpOp::Eq),
        ("=", CmpOp::Eq),
        ("<", CmpOp::Lt),
        (">", CmpOp::Gt),
    ] {
        if let Some(rest) = s.strip_prefix(sym) {
            return Some((op, rest));
        }
    }
    None
}

/// Parse the words after `expect trace`.
pub fn statement(st: &Stmt, diags: &mut Vec<Diagnostic>) -> Option<Expect> {
    let Some(ev) = st.tokens.get(2) else {
        diags.push(
            st.end_loc()
                .diag("expect trace needs an event type", "e.g. expect trace batch_retried error=NETWORK_EXCEPTION"),
        );
        return None;
    };
    let Some((event, fields)) = EVENT_SCHEMA.iter().find(|(n, _)| *n == ev.text) else {
        let hint = suggest::did_you_mean(&ev.text, EVENT_SCHEMA.iter().map(|(n, _)| *n));
        let hint = if hint.is_empty() {
            "event types are the trace's `type` values, e.g. batch_retried, truncated".to_string()
        } else {
            hint
        };
        diags.push(st.loc(ev).diag(format!("unknown trace event '{}'", ev.text), hint));
        return None;
    };
    let mut te = TraceExpect { event: event.to_string(), fields: Vec::new(), op: CmpOp::Ge, count: 1 };
    let mut ok = true;
    for t in &st.tokens[3..] {
        if let Some(rest) = t.raw.strip_prefix("count") {
            match op_of(rest).and_then(|(op, v)| v.parse::<i64>().ok().map(|n| (op, n))) {
                Some((op, n)) => {
                    te.op = op;
                    te.count = n;
                }
                None => {
                    diags.push(st.loc(t).diag(format!("cannot read '{}'", t.raw), "write count=1, count>=2, count=0"));
                    ok = false;
                }
            }
            continue;
        }
        // field OP value, split at the first operator character.
        let raw = t.raw.as_str();
        let Some(at) = raw.find(['=', '!', '<', '>']) else {
            diags.push(st.loc(t).diag(
                format!("expected field=value, found '{}'", t.raw),
                format!("fields of {event}: {}", fields.join(", ")),
            ));
            ok = false;
            continue;
        };
        let key = &raw[..at];
        let Some((op, value)) = op_of(&raw[at..]) else {
            diags.push(st.loc(t).diag(format!("cannot read '{raw}'"), "operators: =, !=, <, <=, >, >="));
            ok = false;
            continue;
        };
        if key == "at" {
            // When the event happened: `at>=50s`, `at<1.5s` (any event has it).
            match super::units::parse_duration_us(value) {
                Ok(us) => te.fields.push(("at_us".to_string(), op, us.to_string())),
                Err(_) => {
                    diags.push(st.loc(t).diag(
                        format!("'{raw}': at compares a time"),
                        "write a duration with a unit, e.g. at>=50s or at<250ms",
                    ));
                    ok = false;
                }
            }
            continue;
        }
        if !fields.contains(&key) {
            let hint = suggest::did_you_mean(key, fields.iter().copied());
            let hint = if hint.is_empty() { format!("fields of {event}: {}", fields.join(", ")) } else { hint };
            diags.push(st.loc(t).diag(format!("{event} has no field '{key}'"), hint));
            ok = false;
            continue;
        }
        if !matches!(op, CmpOp::Eq | CmpOp::Ne) && value.parse::<i64>().is_err() {
            diags.push(st.loc(t).diag(
                format!("'{raw}' compares a number: write a whole number after the operator"),
                "e.g. records>=100",
            ));
            ok = false;
            continue;
        }
        te.fields.push((key.to_string(), op, value.trim_matches('"').to_string()));
    }
    let text = st.tokens[1..].iter().map(|t| t.raw.as_str()).collect::<Vec<_>>().join(" ");
    ok.then_some(Expect { line: st.line, text, clauses: Vec::new(), trace: Some(te) })
}
