//! The driver: text → lines → statements → [`Scenario`], collecting every diagnostic.
//!
//! Pass 1 reads the declarations (`seed kafka brokers topic producer consumer pipeline
//! network run`) wherever they appear (`decls`, into `raw`); `dedupe` drops repeated
//! names; `resolve` then builds the cluster and every config. Pass 2 reads `at`
//! (`timeline`) and `expect` (`expect`, `expect_trace`) lines, whose names refer to
//! declarations (`scope`). This module is the top of the language's imports: it uses the
//! passes, none of them uses it (statements are `cursor`'s [`Stmt`], keywords `words`'). A bad line
//! never stops the parse: each problem becomes a [`Diagnostic`] and parsing goes on,
//! so the user sees all mistakes at once, sorted by position.
//!
//! The whole parse is O(N log N) in the number of lines: names resolve by bisecting
//! sorted indexes (`names`), never by scanning the declarations (the page re-checks on
//! every keystroke).
//! Budgets (`crate::budget`) are checked where they are written: the records budget on
//! the send line whose `count=` takes the total over it.

use super::ast::{Action, NetworkDecl, NodeRef, Scenario};
use super::cursor::Stmt;
use super::errors::Diagnostic;
use super::lexer::lex_line;
use super::raw::Raw;
use super::scope::Names;
use super::words::{ACTION_WORDS, KEYWORDS};
use super::{decls, dedupe, expect, expect_trace, resolve, suggest, timeline};
use crate::budget::{group, Budgets};

fn line_no(i: usize) -> u32 {
    u32::try_from(i + 1).unwrap_or(u32::MAX)
}

/// Parses a whole scenario against the default budgets; see the module docs.
pub fn parse(text: &str) -> Result<Scenario, Vec<Diagnostic>> {
    parse_with(text, &Budgets::default())
}

/// Parses a whole scenario against `budgets`.
pub fn parse_with(text: &str, budgets: &Budgets) -> Result<Scenario, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut stmts = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let lexed = lex_line(raw);
        let line = line_no(i);
        for e in &lexed.errors {
            // The offending word: the unterminated string, from its quote to the line's end.
            let word: String = raw.chars().skip(e.col as usize - 1).collect::<String>().trim_end().to_string();
            diags.push(Diagnostic {
                line,
                column: e.col,
                end_column: e.end.max(e.col),
                word,
                message: e.message.clone(),
                hint: e.hint.clone(),
            });
        }
        if !lexed.tokens.is_empty() {
            stmts.push(Stmt { line, tokens: lexed.tokens, text: raw.to_string(), code_end: lexed.code_end });
        }
    }
    let mut raw = Raw { budgets: *budgets, ..Raw::default() };
    let (mut later, mut unknown) = (Vec::new(), Vec::new());
    for st in stmts {
        let first = st.tokens[0].raw.clone();
        match first.as_str() {
            "at" | "expect" => later.push(st),
            "seed" | "kafka" | "brokers" | "topic" | "producer" | "consumer" | "pipeline" | "network" | "features"
            | "hardware" | "run" => {
                decls::statement(&mut raw, &st, &mut diags);
            }
            _ => unknown.push(st),
        }
    }
    dedupe::dedupe(&mut raw, &mut diags);
    for st in &unknown {
        unknown_keyword(st, &raw, &mut diags);
    }
    let mut scenario = resolve::resolve(&raw, &mut diags);
    let names = Names::new(&scenario, &raw);
    for st in &raw.links {
        if let Some(link) = network_link(&names, st, scenario.network, &mut diags) {
            scenario.links.push(link);
        }
    }
    let mut records = 0u64;
    for st in &later {
        if st.tokens[0].raw == "at" {
            if let Some(t) = timeline::statement(&names, st, &mut diags) {
                if let Action::Send { count, .. } = t.action {
                    records_budget(st, records, count, budgets.records, &mut diags);
                    records = records.saturating_add(count);
                }
                scenario.timeline.push(t);
            }
        } else if let Some(e) = if st.tokens.get(1).is_some_and(|t| t.text == "trace") {
            expect_trace::statement(st, &mut diags)
        } else {
            expect::statement(&names, st, &mut diags)
        } {
            scenario.expects.push(e);
        }
    }
    // Stable: equal times keep file order.
    scenario.timeline.sort_by_key(|t| t.at_us);
    if diags.is_empty() {
        Ok(scenario)
    } else {
        name_missing_words(text, &mut diags);
        diags.sort_by_key(|d| (d.line, d.column));
        Err(diags)
    }
}

/// `network link A -> B [latency=D] [jitter=D] [loss=P]`.
fn network_link(
    names: &Names,
    st: &Stmt,
    base: NetworkDecl,
    diags: &mut Vec<Diagnostic>,
) -> Option<(NodeRef, NodeRef, NetworkDecl)> {
    let from = names.node(st, 2, diags);
    if !st.tokens.get(3).is_some_and(|t| t.is_arrow()) {
        diags.push(
            st.loc_at(3)
                .diag("network link needs a direction: A -> B", "write network link broker-2 -> broker-1 latency=40ms"),
        );
        return None;
    }
    let to = names.node(st, 4, diags);
    let params = decls::network_options(st, 5, base, diags);
    let (from, to) = (from?, to?);
    if from == to {
        diags.push(st.loc_at(4).diag("a link needs two different nodes", "name the node at the other end"));
        return None;
    }
    Some((from, to, params))
}

/// Every diagnostic names an offending word. One about something missing (`topic`
/// with no name, `linger.ms=` with no value) is placed at the end of what is there; it
/// takes the word it follows or stands in, and underlines that word.
fn name_missing_words(text: &str, diags: &mut [Diagnostic]) {
    if diags.iter().all(|d| !d.word.is_empty()) {
        return;
    }
    let lines: Vec<&str> = text.split('\n').collect();
    for d in diags.iter_mut().filter(|d| d.word.is_empty()) {
        let Some(line) = lines.get(d.line as usize - 1) else { continue };
        let tokens = lex_line(line).tokens;
        let covering = tokens.iter().find(|t| t.col <= d.column && d.column < t.end);
        let before = || tokens.iter().rev().find(|t| t.col < d.column).or(tokens.first());
        let Some(t) = covering.or_else(before) else { continue };
        d.word = t.raw.clone();
        d.column = t.col;
        d.end_column = t.end.max(t.col);
    }
}

/// The records budget: the send line whose count takes the total over it is the error.
fn records_budget(st: &Stmt, before: u64, count: u64, limit: u64, diags: &mut Vec<Diagnostic>) {
    let total = before.saturating_add(count);
    if before > limit || total <= limit {
        return;
    }
    let at = match st.tokens.iter().find(|t| t.kv.as_ref().is_some_and(|kv| kv.key == "count")) {
        Some(t) => st.loc(t),
        None => st.loc_at(3),
    };
    let message = if before == 0 {
        format!("{} records is over kplay's budget of {} records per run", group(count), group(limit))
    } else {
        format!(
            "this send takes the scenario to {} records in all, over kplay's budget of {} records per run",
            group(total),
            group(limit)
        )
    };
    diags.push(at.diag(
        message,
        format!(
            "send at most {} records in all (the budget bounds a run's memory; kplay bench measures bigger runs)",
            group(limit)
        ),
    ));
}

fn unknown_keyword(st: &Stmt, raw: &Raw, diags: &mut Vec<Diagnostic>) {
    let t = &st.tokens[0];
    let word = t.raw.as_str();
    let is_client = raw.is_client(word);
    let is_action = ACTION_WORDS.contains(&word);
    let hint = if is_client || is_action {
        format!("timeline lines start with at TIME: at 0ms {}", st.text.trim())
    } else if word == "broker" {
        "did you mean brokers? (brokers N declares the cluster)".to_string()
    } else if word.contains('=') {
        "properties go on the line of what they configure: producer NAME linger.ms=5, brokers 3 min.insync.replicas=2, ...".to_string()
    } else {
        match suggest::closest(word, KEYWORDS.iter().copied()) {
            Some(k) => format!("did you mean {k}?"),
            None => format!("a line starts with one of: {}", KEYWORDS.join(", ")),
        }
    };
    diags.push(st.loc(t).diag(format!("unknown statement '{word}'"), hint));
}
