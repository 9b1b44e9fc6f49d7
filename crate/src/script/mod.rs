//! The scenario language (see shared SCENARIO_LANGUAGE.md).
pub mod ast;
pub mod errors;
