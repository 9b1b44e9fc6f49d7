//! The browser API: the only file that touches wasm-bindgen, js-sys, web-sys and
//! getrandom. It converts types and holds no Kafka logic.
//!
//! Contract with JavaScript (`www/src/engine.js` is the only importer):
//! - User mistakes come back as data (a list of located diagnostics); only misuse of the
//!   API itself throws. A panic is a bug; [`start`] routes it to the console with a stack.
//! - Every value crosses as plain JSON-compatible data ([`to_js`]): objects, arrays,
//!   numbers, strings, `null`; never `Map`s or `undefined`. `tests/web.rs` pins the shapes.
//! - Reports have the shape of `report.d.ts` (included in the generated typings).
//!
//! Map:
//! - [`start`]: runs once when the module is instantiated (panic hook).
//! - [`version`], [`random_seed`] (`randomSeed`): small facts for the page.
//!
//! JS-facing names are camelCase (`js_name`), and every export's typings name the
//! `report.d.ts` types it takes and returns (`unchecked_param_type`,
//! `unchecked_return_type`), so the generated `kplay.d.ts` has no `any`.
//! - [`check`]: scenario text → `Diagnostic[]` (empty when valid).
//! - [`run`]: scenario text → `{ok: true, report}` or `{ok: false, errors}`.
//! - [`Session`]: a run stepped in slices (progress, cancel), replayed to a moment, with
//!   the cluster/producer [`crate::snapshot::Snapshot`] at that moment.
//! - `benchScenario`, `benchRun` (feature `bench`, for `scripts/bench.mjs` only; not in
//!   the site's packages): the benchmark's scenario text and a run of it.
//! - `Search`, `Card`, `Sweep` (feature `search-api`, in `wasm/search_api.rs`): `kplay
//!   search`, `search --card` and `sweep`, each stepped in slices so Web Workers can
//!   share the work, report progress and cancel; built into the second package
//!   (www/pkg-search) so the playground's module stays small.
//! - [`to_js`]: the one serializer every export uses.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::script::errors::Diagnostic;
use crate::RunOptions;

#[wasm_bindgen(typescript_custom_section)]
const REPORT_TS: &'static str = include_str!("report.d.ts");

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
#[wasm_bindgen(js_name = randomSeed)]
#[allow(
    clippy::disallowed_methods,
    reason = "a fresh seed for the user to write into the scenario, never read by a run"
)]
pub fn random_seed() -> Result<u32, JsError> {
    let mut bytes = [0u8; 4];
    getrandom::fill(&mut bytes).map_err(|e| JsError::new(&format!("no randomness available: {e}")))?;
    Ok(u32::from_le_bytes(bytes))
}

// ---------------------------------------------------------------------------------------
// Checking and running a scenario

/// Validates scenario text. Returns an array of diagnostics
/// `{line, column, end_column, word, message, hint}` (1-based, columns in characters,
/// sorted by position); an empty array when the scenario is valid.
#[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
pub fn check(text: &str) -> Result<JsValue, JsError> {
    let diagnostics: Vec<Diagnostic> = match crate::script::parse(text) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics,
    };
    // Called on every keystroke: the few diagnostics go straight to JS objects.
    serde_wasm_bindgen::to_value(&diagnostics).map_err(|e| JsError::new(&format!("cannot convert to JS: {e}")))
}

/// `{records?: boolean, trace?: boolean, seed?: number | string}`, read field by field
/// with `Reflect`: a serde `Deserialize` impl would pull float formatting (for its error
/// messages) into the module. A seed above 2^53 - 1 must cross as a string of digits
/// (a JS number cannot hold it exactly); reports hand such seeds back as strings too.
fn options(value: JsValue) -> Result<RunOptions, JsError> {
    let mut opts = RunOptions::default();
    if value.is_undefined() || value.is_null() {
        return Ok(opts);
    }
    if !value.is_object() {
        return Err(JsError::new("bad options: expected an object {records?, trace?, seed?}"));
    }
    let field = |name: &str| js_sys::Reflect::get(&value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    let flag = |name: &str| -> Result<bool, JsError> {
        let v = field(name);
        if v.is_undefined() || v.is_null() {
            return Ok(false);
        }
        v.as_bool().ok_or_else(|| JsError::new(&format!("bad options: {name} must be a boolean")))
    };
    opts.records = flag("records")?;
    opts.trace = flag("trace")?;
    let seed = field("seed");
    if !(seed.is_undefined() || seed.is_null()) {
        let max_safe = crate::report::MAX_SAFE_INTEGER as f64;
        opts.seed = Some(match (seed.as_f64(), seed.as_string()) {
            (Some(n), _) if n >= 0.0 && n.fract() == 0.0 && n <= max_safe => n as u64,
            (_, Some(text)) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
                text.parse::<u64>().map_err(|_| JsError::new("bad options: seed must be at most 18446744073709551615"))?
            }
            _ => {
                return Err(JsError::new(
                    "bad options: seed must be a whole number from 0 to 2^53-1, or a string of digits up to 18446744073709551615",
                ))
            }
        });
    }
    Ok(opts)
}

#[derive(Serialize)]
struct Outcome<'a> {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<&'a crate::Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [Diagnostic]>,
}

/// Runs a scenario to its end: `{ok: true, report}` or `{ok: false, errors}`.
#[wasm_bindgen(unchecked_return_type = "RunOutcome")]
pub fn run(
    text: &str,
    #[wasm_bindgen(js_name = options, unchecked_param_type = "RunOptions | undefined")] options_js: JsValue,
) -> Result<JsValue, JsError> {
    let opts = options(options_js)?;
    match crate::run(text, &opts) {
        Ok(report) => to_js(&Outcome { ok: true, report: Some(&report), errors: None }),
        Err(errors) => to_js(&Outcome { ok: false, report: None, errors: Some(&errors) }),
    }
}

/// A run stepped in slices, so a Web Worker can report progress and be cancelled
/// between slices, and replayed to any moment for the scrubber.
#[wasm_bindgen]
pub struct Session {
    inner: crate::Session,
}

#[wasm_bindgen]
impl Session {
    /// Starts a run. Throws the diagnostics array when the text is invalid (call
    /// [`check`] first to get them as data).
    #[wasm_bindgen(constructor)]
    pub fn new(
        text: &str,
        #[wasm_bindgen(js_name = options, unchecked_param_type = "RunOptions | undefined")] options_js: JsValue,
    ) -> Result<Session, JsValue> {
        let opts = options(options_js).map_err(JsValue::from)?;
        match crate::Session::new(text, opts) {
            Ok(inner) => Ok(Session { inner }),
            Err(errors) => Err(to_js(&errors).map_err(JsValue::from)?),
        }
    }

    /// Runs up to `max_events` kernel events; true once the run has ended.
    pub fn step(&mut self, #[wasm_bindgen(js_name = maxEvents)] max_events: u32) -> bool {
        self.inner.step(max_events as u64)
    }

    /// Replays up to virtual time `t_us`: `true` when the run ended, `false` when `t_us`
    /// was reached, `null` when `max_events` ran out first (call again).
    #[wasm_bindgen(js_name = runUntil, unchecked_return_type = "boolean | null")]
    pub fn run_until(
        &mut self,
        #[wasm_bindgen(js_name = tUs)] t_us: f64,
        #[wasm_bindgen(js_name = maxEvents)] max_events: u32,
    ) -> JsValue {
        match self.inner.run_until(t_us.max(0.0) as u64, max_events as u64) {
            Some(done) => JsValue::from_bool(done),
            None => JsValue::NULL,
        }
    }

    /// Progress between 0 and 1.
    pub fn progress(&self) -> f64 {
        self.inner.progress_permille() as f64 / 1000.0
    }

    /// Current virtual time in microseconds.
    #[wasm_bindgen(js_name = nowUs)]
    pub fn now_us(&self) -> f64 {
        self.inner.world.now as f64
    }

    pub fn done(&self) -> bool {
        self.inner.done()
    }

    /// The report (as `run` returns it in `report`), for the state reached so far.
    #[wasm_bindgen(unchecked_return_type = "Report")]
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.report())
    }

    /// A replica's segment files now, as `kafka-dump-log.sh --files … --deep-iteration
    /// [--print-data-log]` prints them (with each batch's CRC): `tp` names a partition
    /// (`orders-0`), `base` one segment's base offset (every segment when negative).
    /// Throws a message when the run has no such partition, replica or segment.
    pub fn dump(
        &self,
        tp: &str,
        broker: u16,
        base: f64,
        #[wasm_bindgen(js_name = printDataLog)] print_data_log: bool,
    ) -> Result<String, JsError> {
        let opts = crate::dump::DumpOptions { deep_iteration: true, print_data_log };
        let base = (base >= 0.0).then_some(base as u64);
        self.inner.dump(tp, broker, base, opts).map_err(|e| JsError::new(&e))
    }

    /// The cluster and producer state now (`Snapshot`).
    #[wasm_bindgen(unchecked_return_type = "Snapshot")]
    pub fn snapshot(&self) -> Result<JsValue, JsError> {
        // A snapshot serializes with its own run's names.
        to_js(&self.inner.snapshot())
    }
}

/// The benchmark scenario text (`records` records, 3 partitions, RF `rf`, `acks`,
/// linger.ms=5); `scripts/bench.mjs` times `benchRun` on it (feature `bench`).
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = benchScenario)]
pub fn bench_scenario(records: u32, acks: &str, rf: u32) -> String {
    crate::run::bench_scenario(records as u64, acks, rf, 3)
}

/// Runs a scenario in benchmark mode (trace hash only, no explanations) and returns
/// `{records, kernel_events, trace_hash, delivered}` (feature `bench`).
#[cfg(feature = "bench")]
#[wasm_bindgen(js_name = benchRun, unchecked_return_type = "BenchResult")]
pub fn bench_run(text: &str) -> Result<JsValue, JsError> {
    let report = crate::run::run_bench(text).map_err(|e| JsError::new(&format!("invalid bench scenario: {e:?}")))?;
    #[derive(Serialize)]
    struct Bench {
        records: u64,
        kernel_events: u64,
        trace_hash: String,
        delivered: u64,
    }
    to_js(&Bench {
        records: report.summary.sent,
        kernel_events: report.kernel_events,
        trace_hash: report.trace_hash,
        delivered: report.summary.delivered,
    })
}

// ---------------------------------------------------------------------------------------
// Search, survival card, sweep

#[cfg(feature = "search-api")]
mod search_api;
#[cfg(feature = "search-api")]
pub use search_api::{Card, Search, Sweep};

// ---------------------------------------------------------------------------------------
// Conversion

/// Converts to a plain JS value by way of JSON (`JSON.parse` of `serde_json`'s output):
/// maps become objects, `None` becomes `null`, integers numbers. Going through one
/// serializer keeps the module small: every serialized type is compiled once, for
/// `serde_json`, which the trace hash needs anyway.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let text = serde_json::to_string(value).map_err(|e| JsError::new(&format!("cannot convert to JS: {e}")))?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("cannot convert to JS: JSON.parse failed"))
}
