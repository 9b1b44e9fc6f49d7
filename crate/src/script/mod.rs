//! The scenario language (see shared SCENARIO_LANGUAGE.md): text in, a validated
//! [`crate::plan::Scenario`] (the runtime's plan) or every [`errors::Diagnostic`] out.
//!
//! Map:
//! - [`lexer`]: a line → located words (`#` comments, quotes, `name=value`, `->`).
//! - [`units`]: durations, sizes, probabilities (exact integer arithmetic).
//! - [`suggest`]: closest-name suggestions (Damerau-Levenshtein).
//! - [`props`], [`props_tables`]: Kafka property types, validators, defaults per version.
//! - [`settings`]: one role's validated properties with their sources.
//! - [`producer_rules`], [`server_rules`]: Kafka's cross-property rules and typed configs.
//! - [`parser`] (driver), [`decls`] (pass 1), [`pipeline`] (`pipeline` lines and their
//!   lowering to a consumer and a producer), [`names`] (repeated names, name lookups),
//!   [`resolve`] (cluster, topics, configs),
//!   [`timeline`] + [`timeline_faults`] + [`timeline_opts`] and [`expect`] (pass 2).
//!
//! Nothing here panics on user input: every mistake becomes a located diagnostic.
/// The parser lowers a scenario into the runtime's plan; inside `script` it is still `ast`.
pub use crate::plan as ast;
pub mod decls;
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
pub mod resolve;
pub mod server_rules;
pub mod settings;
pub mod suggest;
pub mod timeline;
pub mod timeline_faults;
pub mod timeline_opts;
pub mod units;

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
