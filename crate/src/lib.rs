//! kplay: a deterministic simulator of Kafka's produce path.
pub mod config;
pub mod format;
pub mod producer;
pub mod protocol;
pub mod script;
pub mod sim;
#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// The crate version, as the CLI and the wasm API report it.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
