//! kplay: a deterministic simulator of Kafka's produce path.
//!
//! Map: `script` (the scenario language → [`script::ast::Scenario`]), `config` (typed
//! configs with Kafka's defaults), `sim` (the deterministic kernel: time, events, PRNG,
//! network, trace, history), `protocol` (messages and error codes), `format` (record
//! format sizes, murmur2, payloads, codecs), `producer` (the Java client), `broker`
//! (leader, follower, storage, coordinator), `controller` (KRaft), `consumer`,
//! `world` (the kernel's driver), `checker` (verdicts, expectations, explanations),
//! `report` (the one output type), `run` (wiring). `wasm` is the browser boundary.

pub mod broker;
pub mod checker;
pub mod config;
pub mod consumer;
pub mod controller;
pub mod format;
pub mod producer;
pub mod protocol;
pub mod report;
pub mod run;
pub mod script;
pub mod sim;
pub mod snapshot;
pub mod swarm;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
pub mod world;

pub use report::Report;
pub use run::{run, RunOptions, Session};

/// The crate version, as the CLI and the wasm API report it.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
