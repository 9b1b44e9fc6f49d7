//! The browser API: the only file that touches wasm-bindgen, js-sys, web-sys,
//! serde-wasm-bindgen and getrandom. It converts types and holds no Kafka logic.
//!
//! Contract with JavaScript (`www/src/engine.js` is the only caller):
//! - User mistakes come back as data (a list of located diagnostics); only misuse of the
//!   API itself throws. A panic is a bug; [`start`] routes it to the console with a stack.
//! - Every value crosses as plain JSON-compatible data ([`to_js`]): objects, arrays,
//!   numbers, strings, `null`; never `Map`s or `undefined`. `tests/web.rs` pins the shapes.
//!
//! Map:
//! - [`start`]: runs once when the module is instantiated (panic hook).
//! - [`version`], [`random_seed`]: small facts for the page.
//! - [`check`]: scenario text → `Diagnostic[]` (empty when valid).
//! - [`to_js`]: the one serializer every export uses.
//! - (later) `run(text, options)` → report, and a stepping `Session` class: add them as
//!   further sections below, each converting with [`to_js`].

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::script::errors::Diagnostic;

/// Installs the panic hook so a Rust panic shows its message in the browser console.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

// ---------------------------------------------------------------------------------------
// Small facts

/// The crate version (`kplay::version()`).
#[wasm_bindgen]
pub fn version() -> String {
    crate::version().to_string()
}

/// A fresh random seed (for a "new seed" button): the only OS randomness kplay uses; it
/// reaches a run only by being written into the scenario's `seed` line. Throws only if
/// the browser has no `crypto.getRandomValues`.
#[wasm_bindgen]
pub fn random_seed() -> Result<u32, JsError> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| JsError::new(&format!("no randomness available: {e}")))?;
    Ok(u32::from_le_bytes(bytes))
}

// ---------------------------------------------------------------------------------------
// Checking a scenario

/// Validates scenario text. Returns an array of diagnostics
/// `{line, column, end_column, word, message, hint}` (1-based, columns in characters,
/// sorted by position); an empty array when the scenario is valid.
#[wasm_bindgen]
pub fn check(text: &str) -> Result<JsValue, JsError> {
    let diagnostics: Vec<Diagnostic> = match crate::script::parse(text) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics,
    };
    to_js(&diagnostics)
}

// ---------------------------------------------------------------------------------------
// Conversion

/// Serializes to a plain JSON-compatible JS value: maps become objects, `None` and unit
/// become `null`, 64-bit integers become numbers (an error past 2^53, which a report's
/// microseconds and counts never reach), bytes become arrays.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value.serialize(&serializer).map_err(|e| JsError::new(&format!("cannot convert to JS: {e}")))
}
