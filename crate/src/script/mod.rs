//! The scenario language (see shared SCENARIO_LANGUAGE.md): text in, a validated
//! [`crate::plan::Scenario`] (the runtime's plan) or every [`errors::Diagnostic`] out.
//!
//! Map, in import order: each module uses only modules above it in this list (and
//! [`ast`], [`errors`]); `tests/architecture.rs` fails on an import circle.
//! - [`lexer`]: a line → located words (`#` comments, quotes, `name=value`, `->`).
//! - [`units`]: durations, sizes, probabilities (exact integer arithmetic).
//! - [`suggest`]: closest-name suggestions (Damerau-Levenshtein).
//! - [`props`], [`props_tables`]: Kafka property types, validators, defaults per version.
//! - [`settings`]: one role's validated properties with their sources.
//! - [`producer_rules`], [`server_rules`]: Kafka's cross-property rules and typed configs.
//! - [`hardware`]: the cost model's parameters (`hardware` line).
//! - [`cursor`] (a statement: its located words and `name=value` words), [`words`]
//!   (keywords, action words, the rule for declared names), [`names`] (sorted name
//!   indexes, repeated names), [`raw`] (pass 1's declarations, not yet checked).
//! - [`pipeline`] (`pipeline` lines and their lowering to a consumer and a producer),
//!   [`decls`] (pass 1), [`dedupe`] (repeated declarations, the clients budget),
//!   [`resolve`] (cluster, topics, configs).
//! - [`scope`] (what pass 2 refers to), [`timeline_opts`] + [`timeline_faults`] +
//!   [`timeline`] and [`expect_trace`] + [`expect`] (pass 2).
//! - [`parser`]: the driver, on top: it hands each line to the passes above.
//!
//! Nothing here panics on user input: every mistake becomes a located diagnostic.
/// The parser lowers a scenario into the runtime's plan; inside `script` it is still `ast`.
pub use crate::plan as ast;
pub mod cursor;
pub mod decls;
pub mod dedupe;
pub mod errors;
pub mod expect;
pub mod expect_trace;
pub mod hardware;
pub mod lexer;
pub mod names;
pub mod parser;
pub mod pipeline;
pub mod producer_rules;
pub mod props;
pub mod props_tables;
pub mod raw;
pub mod resolve;
pub mod scope;
pub mod server_rules;
pub mod settings;
pub mod suggest;
pub mod timeline;
pub mod timeline_faults;
pub mod timeline_opts;
pub mod units;
pub mod words;

#[cfg(test)]
mod tests_config;
#[cfg(test)]
mod tests_fuzz;
#[cfg(test)]
mod tests_parse;

/// Parses a scenario. On success every name is resolved and every configuration is
/// validated and resolved; otherwise all diagnostics come back, sorted by position.
pub fn parse(text: &str) -> Result<ast::Scenario, Vec<errors::Diagnostic>> {
    parser::parse(text)
}

/// [`parse`] against other budgets than the defaults (`kplay bench` raises them).
pub fn parse_with(text: &str, budgets: &crate::budget::Budgets) -> Result<ast::Scenario, Vec<errors::Diagnostic>> {
    parser::parse_with(text, budgets)
}
