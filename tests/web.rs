//! Browser tests of the wasm boundary (`wasm-pack test --headless --chrome`, layer 2 of
//! `scripts/test.sh`): the scenario parser behaves the same compiled to wasm32, and the
//! exports of `crate/src/wasm.rs` keep the JSON shapes `www/src/engine.js` relies on.
//! A change to a shape must change this file too, on purpose.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The contract's example from SCENARIO_LANGUAGE.md, trimmed to one of each form.
const VALID: &str = "\
seed 42
brokers 3 min.insync.replicas=2
topic orders partitions=3 replication.factor=3 replica.assignment=1:2:3,2:3:1,3:1:2
producer app acks=all enable.idempotence=true linger.ms=5
consumer audit isolation.level=read_committed
network latency=1ms jitter=0ms loss=0.0
at 0ms   app send orders count=1000 every=1ms key=user-{i%10} size=200B
at 0ms   app send orders value=\"hello\"
at 5ms   app flush
at 12ms  crash leader orders/0 mode=process
at 20ms  drop broker-1 -> app count=1
at 20ms  cut broker-3 -> broker-1 for 40s
at 40ms  restart broker-2
at 50ms  heal
at 60ms  audit poll orders
run until 10s
expect lost=0 duplicated=0 reordered=0
";

/// Line 4 misspells linger.ms; the diagnostic points at the property name (column 23).
const INVALID: &str = "\
seed 42
brokers 3
topic orders partitions=3 replication.factor=3
producer app acks=all linger.m=5
";

/// The playground's default scenario must always be valid.
const PLAYGROUND_DEFAULT: &str = include_str!("../www/src/default.kplay");

#[wasm_bindgen_test]
fn parse_accepts_the_contract_example() {
    let scenario = kplay::script::parse(VALID).unwrap_or_else(|d| panic!("expected a valid scenario, got {d:#?}"));
    assert_eq!(scenario.seed, 42);
    assert_eq!(scenario.brokers, 3);
}

#[wasm_bindgen_test]
fn parse_accepts_the_playground_default() {
    if let Err(d) = kplay::script::parse(PLAYGROUND_DEFAULT) {
        panic!("www/src/default.kplay is invalid: {d:#?}");
    }
}

#[wasm_bindgen_test]
fn parse_locates_a_misspelled_property() {
    let Err(diagnostics) = kplay::script::parse(INVALID) else { panic!("linger.m must be rejected") };
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let d = &diagnostics[0];
    assert_eq!((d.line, d.column, d.end_column), (4, 23, 31));
    assert_eq!(d.word, "linger.m");
    assert_eq!(d.message, "Unknown producer property 'linger.m'");
    assert_eq!(d.hint, "did you mean linger.ms?");
}

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).expect("Reflect.get")
}

fn check(text: &str) -> Array {
    let value = kplay::wasm::check(text).unwrap_or_else(|_| panic!("check threw"));
    assert!(Array::is_array(&value), "check must return an array, got {value:?}");
    Array::from(&value)
}

#[wasm_bindgen_test]
fn check_returns_an_empty_array_for_a_valid_scenario() {
    assert_eq!(check(VALID).length(), 0);
}

#[wasm_bindgen_test]
fn check_returns_plain_diagnostic_objects() {
    let diagnostics = check(INVALID);
    assert_eq!(diagnostics.length(), 1);
    let d = diagnostics.get(0);
    // A plain object (not a Map) with exactly these fields, in this order.
    assert!(d.is_object() && !d.is_instance_of::<js_sys::Map>());
    let keys: Vec<String> = Object::keys(&Object::from(d.clone())).iter().map(|k| k.as_string().unwrap()).collect();
    assert_eq!(keys, ["line", "column", "end_column", "word", "message", "hint"]);
    assert_eq!(get(&d, "line").as_f64(), Some(4.0));
    assert_eq!(get(&d, "column").as_f64(), Some(23.0));
    assert_eq!(get(&d, "end_column").as_f64(), Some(31.0));
    assert_eq!(get(&d, "word").as_string().as_deref(), Some("linger.m"));
    assert_eq!(get(&d, "message").as_string().as_deref(), Some("Unknown producer property 'linger.m'"));
    assert_eq!(get(&d, "hint").as_string().as_deref(), Some("did you mean linger.ms?"));
}

#[wasm_bindgen_test]
fn check_never_throws_on_garbage() {
    for text in ["", "\n\n", "at", "at 0ms", "topic", "\u{0}\u{ffff}", "expect lost=", "brokers 3 x=\"unterminated"] {
        check(text);
    }
}

#[wasm_bindgen_test]
fn version_and_random_seed() {
    assert_eq!(kplay::wasm::version(), env!("CARGO_PKG_VERSION"));
    let seeds: Vec<u32> =
        (0..4).map(|_| kplay::wasm::random_seed().unwrap_or_else(|_| panic!("no randomness"))).collect();
    assert!(seeds.iter().any(|&s| s != seeds[0]), "four equal random seeds: {seeds:?}");
}
