//! The search, survival-card and sweep exports (feature `search-api`): type conversion
//! only, like the rest of `wasm.rs`. Built into the second wasm package (www/pkg-search),
//! which the page loads only for "Stress this configuration" and sweeps.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::to_js;
use crate::script::errors::Diagnostic;

/// Reads an optional whole-number field of an options object.
fn whole(value: &JsValue, name: &str) -> Result<Option<u64>, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let v = js_sys::Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    match v.as_f64() {
        Some(n) if n >= 0.0 && n.fract() == 0.0 && n <= 9007199254740991.0 => Ok(Some(n as u64)),
        _ => Err(JsError::new(&format!("bad options: {name} must be a whole number from 0 to 2^53-1"))),
    }
}

/// Reads an optional string field of an options object.
fn text_field(value: &JsValue, name: &str) -> Result<Option<String>, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    let v = js_sys::Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| JsError::new(&format!("bad options: {name} must be a string")))
}

/// `{schedules?, seed?, faults?: "crash,power", kind?: FaultKind, targets?: "lost,duplicated",
/// start?, stride?}` (see `SearchOptions` in report.d.ts).
fn search_options(value: &JsValue) -> Result<crate::search::SearchOptions, JsError> {
    use crate::search::{check::Targets, faults::FaultOp, SearchOptions, Source};
    if !(value.is_undefined() || value.is_null() || value.is_object()) {
        return Err(JsError::new("bad options: expected an object"));
    }
    let mut o = SearchOptions::default();
    o.schedules = whole(value, "schedules")?.unwrap_or(o.schedules);
    o.seed = whole(value, "seed")?.unwrap_or(o.seed);
    o.start = whole(value, "start")?.unwrap_or(0);
    o.stride = whole(value, "stride")?.unwrap_or(1).max(1);
    if let Some(f) = text_field(value, "faults")? {
        let (ops, _) = FaultOp::parse_list(&f).map_err(|e| JsError::new(&format!("bad options: {e}")))?;
        o.source = Source::Ops(ops);
    }
    if let Some(k) = text_field(value, "kind")? {
        let kind = crate::checker::guarantee::FaultKind::from_name(&k)
            .ok_or_else(|| JsError::new(&format!("bad options: unknown fault kind '{k}'")))?;
        o.source = Source::Kind(kind);
    }
    if let Some(t) = text_field(value, "targets")? {
        let mut v = Vec::new();
        for name in t.split(',').filter(|s| !s.is_empty()) {
            let Some(&x) = crate::search::check::VERDICTS.iter().find(|&&x| x == name) else {
                return Err(JsError::new(&format!("bad options: unknown target '{name}'")));
            };
            v.push(x);
        }
        o.targets = Targets::Verdicts(v);
    }
    Ok(o)
}

/// Invalid scenario text: the diagnostics array, thrown (call [`check`] first to get them
/// as data).
fn thrown(errors: Vec<Diagnostic>) -> JsValue {
    to_js(&errors).unwrap_or_else(JsValue::from)
}

/// `kplay search`, stepped: a worker runs the indices `start, start+stride, ...` below
/// `schedules`; when one fails it shrinks it in further steps.
#[wasm_bindgen]
pub struct Search {
    inner: crate::search::Search,
    shrinker: Option<crate::search::shrink::Shrinker>,
}

#[wasm_bindgen]
impl Search {
    /// Throws the diagnostics array when the text is invalid, an Error on bad options.
    #[wasm_bindgen(constructor)]
    pub fn new(
        text: &str,
        #[wasm_bindgen(js_name = options, unchecked_param_type = "SearchOptions | undefined")] options_js: JsValue,
    ) -> Result<Search, JsValue> {
        let opts = search_options(&options_js).map_err(JsValue::from)?;
        let inner = crate::search::Search::new(text, opts).map_err(thrown)?;
        Ok(Search { inner, shrinker: None })
    }

    /// Runs up to `max` schedules, then (once one failed) up to `max` shrink runs per
    /// call; true when the search, shrink included, is over.
    pub fn step(&mut self, max: u32) -> bool {
        if !self.inner.step(max as u64) {
            return false;
        }
        if self.shrinker.is_none() {
            self.shrinker = self.inner.shrinker();
        }
        match &mut self.shrinker {
            Some(s) => s.step(max as u64),
            None => true,
        }
    }

    /// Stops before index `n` (another worker failed there): only smaller indices can
    /// still be the first failing one.
    pub fn limit(&mut self, n: f64) {
        self.inner.limit(n.max(0.0) as u64);
    }

    /// `{ran, found, shrink_runs}`: schedules run by this worker, the failing index (or
    /// null), shrink runs so far.
    #[wasm_bindgen(unchecked_return_type = "SearchProgress")]
    pub fn progress(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Progress {
            ran: u64,
            found: Option<u64>,
            shrink_runs: u64,
        }
        to_js(&Progress {
            ran: self.inner.ran,
            found: self.inner.found.as_ref().map(|f| f.0),
            shrink_runs: self.shrinker.as_ref().map_or(0, |s| s.runs),
        })
    }

    /// The `SearchReport` (with the shrunk counterexample once `step` returned true).
    #[wasm_bindgen(unchecked_return_type = "SearchReport")]
    pub fn report(&self) -> Result<JsValue, JsError> {
        let cx = self.shrinker.as_ref().filter(|s| s.done()).and_then(|s| self.inner.counterexample(s));
        to_js(&self.inner.report(cx))
    }
}

/// The survival card, stepped (one schedule per unit).
#[wasm_bindgen]
pub struct Card {
    inner: crate::search::card::CardSearch,
}

#[wasm_bindgen]
impl Card {
    /// `options`: `{seed?, schedules?}` (schedules per fault kind, default 100).
    #[wasm_bindgen(constructor)]
    pub fn new(
        text: &str,
        #[wasm_bindgen(js_name = options, unchecked_param_type = "CardOptions | undefined")] options_js: JsValue,
    ) -> Result<Card, JsValue> {
        let seed = whole(&options_js, "seed").map_err(JsValue::from)?.unwrap_or(1);
        let per_row = whole(&options_js, "schedules").map_err(JsValue::from)?.unwrap_or(100);
        let inner = crate::search::card::CardSearch::new(text, seed, per_row).map_err(thrown)?;
        Ok(Card { inner })
    }

    pub fn step(&mut self, max: u32) -> bool {
        self.inner.step(max as u64)
    }

    /// Between 0 and 1.
    pub fn progress(&self) -> f64 {
        let (ran, total) = self.inner.progress();
        if self.inner.done() {
            1.0
        } else {
            ran as f64 / total.max(1) as f64
        }
    }

    /// The `SurvivalCard` so far.
    #[wasm_bindgen(unchecked_return_type = "SurvivalCard")]
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.card)
    }
}

/// A sweep, stepped (one run per unit).
#[wasm_bindgen]
pub struct Sweep {
    inner: crate::sweep::Sweep,
}

#[wasm_bindgen]
impl Sweep {
    /// `sets`: an array of `"NAME=V1,V2,..."` strings; `seeds` runs per combination.
    /// Throws an Error naming a bad setting or value.
    #[wasm_bindgen(constructor)]
    pub fn new(text: &str, sets: Vec<String>, seeds: u32) -> Result<Sweep, JsError> {
        let settings = sets
            .iter()
            .map(|s| crate::sweep::Setting::parse(s))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| JsError::new(&e))?;
        let inner = crate::sweep::Sweep::new(text, settings, seeds as u64).map_err(|e| JsError::new(&e))?;
        Ok(Sweep { inner })
    }

    pub fn step(&mut self, max: u32) -> bool {
        self.inner.step(max as u64)
    }

    /// Between 0 and 1.
    pub fn progress(&self) -> f64 {
        self.inner.rows.len() as f64 / self.inner.total().max(1) as f64
    }

    /// The `SweepReport` so far.
    #[wasm_bindgen(unchecked_return_type = "SweepReport")]
    pub fn report(&self) -> Result<JsValue, JsError> {
        to_js(&self.inner.report())
    }
}
