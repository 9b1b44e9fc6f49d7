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

/// The playground's default scenario (the `default` preset of www/presets/index.json;
/// tests/presets.rs checks every preset natively) must always be valid.
const PLAYGROUND_DEFAULT: &str = include_str!("../www/presets/acks1-leader-failover.kplay");

#[wasm_bindgen_test]
fn parse_accepts_the_contract_example() {
    let scenario = kplay::script::parse(VALID).unwrap_or_else(|d| panic!("expected a valid scenario, got {d:#?}"));
    assert_eq!(scenario.seed, 42);
    assert_eq!(scenario.brokers, 3);
}

#[wasm_bindgen_test]
fn parse_accepts_the_playground_default() {
    if let Err(d) = kplay::script::parse(PLAYGROUND_DEFAULT) {
        panic!("www/presets/acks1-leader-failover.kplay is invalid: {d:#?}");
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

// ---- running in the browser: determinism and the report's shape ----

const GOLDEN: &str = include_str!("golden/determinism.kplay");
const GOLDEN_HASH: &str = include_str!("golden/determinism.hash");

fn keys(value: &JsValue) -> Vec<String> {
    Object::keys(&Object::from(value.clone())).iter().map(|k| k.as_string().unwrap()).collect()
}

fn run(text: &str, options: &str) -> JsValue {
    let opts = js_sys::JSON::parse(options).expect("options JSON");
    kplay::wasm::run(text, opts).unwrap_or_else(|_| panic!("run threw"))
}

#[wasm_bindgen_test]
fn golden_scenario_has_the_native_trace_hash() {
    let out = run(GOLDEN, "{}");
    assert_eq!(get(&out, "ok").as_bool(), Some(true));
    let report = get(&out, "report");
    assert_eq!(
        get(&report, "trace_hash").as_string().as_deref(),
        Some(GOLDEN_HASH.trim()),
        "wasm and native runs differ"
    );
}

#[wasm_bindgen_test]
fn a_stepped_session_gives_the_same_report_as_run() {
    let mut session = kplay::wasm::Session::new(GOLDEN, JsValue::UNDEFINED).unwrap_or_else(|_| panic!("valid"));
    let mut last = 0.0;
    while !session.step(500) {
        let p = session.progress();
        assert!((0.0..=1.0).contains(&p) && p >= last, "progress {p} after {last}");
        last = p;
    }
    let stepped = session.report().unwrap_or_else(|_| panic!("report"));
    assert_eq!(get(&stepped, "trace_hash").as_string().as_deref(), Some(GOLDEN_HASH.trim()));
}

#[wasm_bindgen_test]
fn the_report_shape_is_pinned() {
    let out = run(VALID, "{}");
    assert_eq!(keys(&out), ["ok", "report"], "no errors key on success");
    let report = get(&out, "report");
    assert_eq!(
        keys(&report),
        [
            "kplay_version",
            "seed",
            "kafka_version",
            "end_time_us",
            "ended_by",
            "notes",
            "trace_hash",
            "trace_events",
            "kernel_events",
            "final_view",
            "summary",
            "guarantee",
            "perf",
            "records_undecided",
            "errors",
            "error_causes",
            "responses",
            "consumers",
            "groups",
            "pipelines",
            "partitions",
            "expectations",
            "metrics",
            "explanations",
            "config",
            "nodes",
        ],
        "records and trace are absent (not null) unless asked for"
    );
    assert_eq!(
        keys(&get(&report, "summary")),
        [
            "sent",
            "acked",
            "failed",
            "pending",
            "delivered",
            "lost",
            "duplicated",
            "reordered",
            "phantom",
            "aborted",
            "deleted",
            "compacted",
            "reprocessed",
            "skipped",
            "pipeline_lost",
            "pipeline_duplicated",
            "produce_requests",
            "batches",
        ]
    );
    let perf = get(&get(&report, "perf"), "total");
    assert_eq!(keys(&perf), ["records", "records_per_sec", "mb_per_sec", "latency_ms", "window_us"]);
    assert_eq!(
        keys(&get(&perf, "latency_ms")),
        ["avg", "max", "p50", "p95", "p99", "p999"],
        "kafka-producer-perf-test's latency figures"
    );
    let guarantee = get(&report, "guarantee");
    assert_eq!(keys(&guarantee), ["promised", "reasons", "observed"], "by_producer only with several producers");
    assert_eq!(get(&guarantee, "promised").as_string().as_deref(), Some("exactly-once-per-session"));
    let reason = Array::from(&get(&guarantee, "reasons")).get(0);
    assert_eq!(keys(&reason), ["property", "holds", "settings", "text", "holds_under", "fails_under"]);
    assert_eq!(
        keys(&get(&guarantee, "observed")),
        [
            "clean",
            "lost",
            "duplicated",
            "reordered",
            "phantom",
            "duplicated_across_sessions",
            "reordered_across_sessions",
            "breaks_promise",
            "broken_by",
            "text",
        ]
    );
    let partition = Array::from(&get(&report, "partitions")).get(0);
    assert_eq!(
        keys(&partition),
        [
            "topic",
            "partition",
            "leader",
            "leader_epoch",
            "isr",
            "elr",
            "replicas",
            "high_watermark",
            "last_stable_offset",
            "offline",
            "replica_states",
            "producers",
        ]
    );
    let with = get(&run(VALID, r#"{"records": true, "trace": true}"#), "report");
    let record = Array::from(&get(&with, "records")).get(0);
    assert_eq!(
        keys(&record),
        [
            "id",
            "producer",
            "key",
            "partition",
            "offset",
            "result",
            "error",
            "outcome",
            "reordered",
            "copies",
            "sent_us",
            "result_us",
            "batch",
            "timestamp",
            "timestamp_type",
        ]
    );
    assert!(get(&record, "error").is_null(), "an absent error is null, not missing");
    let event = Array::from(&get(&with, "trace")).get(0);
    assert!(get(&event, "at_us").as_f64().is_some() && get(&event, "type").as_string().is_some());
}

#[wasm_bindgen_test]
fn a_clean_acks_0_run_is_observed_clean_and_promised_at_most_once() {
    let text = "brokers 1\ntopic t partitions=1\nproducer app acks=0\nproducer safe\n\
                at 0ms app send t count=5\nat 0ms safe send t count=5\n";
    let guarantee = get(&get(&run(text, "{}"), "report"), "guarantee");
    assert_eq!(get(&guarantee, "promised").as_string().as_deref(), Some("at-most-once"));
    assert_eq!(get(&get(&guarantee, "observed"), "clean").as_bool(), Some(true));
    let by = get(&guarantee, "by_producer");
    assert_eq!(keys(&by), ["app", "safe"]);
    assert_eq!(keys(&get(&by, "app")), ["promised", "reasons", "observed"]);
}

#[wasm_bindgen_test]
fn invalid_text_comes_back_as_located_errors() {
    let out = run(INVALID, "{}");
    assert_eq!(keys(&out), ["ok", "errors"]);
    assert_eq!(get(&out, "ok").as_bool(), Some(false));
    let d = Array::from(&get(&out, "errors")).get(0);
    assert_eq!(get(&d, "line").as_f64(), Some(4.0));
}

#[wasm_bindgen_test]
fn snapshots_at_a_moment() {
    let mut session = kplay::wasm::Session::new(GOLDEN, JsValue::UNDEFINED).unwrap_or_else(|_| panic!("valid"));
    while session.run_until(310_000.0, 1000).is_null() {}
    let snap = session.snapshot().unwrap_or_else(|_| panic!("snapshot"));
    assert_eq!(keys(&snap), ["at_us", "brokers", "partitions", "producers"]);
    let producer = Array::from(&get(&snap, "producers")).get(0);
    assert_eq!(get(&producer, "name").as_string().as_deref(), Some("app"));
    let replica = Array::from(&get(&Array::from(&get(&snap, "partitions")).get(0), "replicas")).get(0);
    for k in [
        "log_end_offset",
        "high_watermark",
        "last_stable_offset",
        "flushed_offset",
        "log_start_offset",
        "segments",
        "batches",
    ] {
        assert!(!get(&replica, k).is_undefined(), "{k}");
    }
    // A segment file: the report's figures, flattened, and its index entries.
    let segment = Array::from(&get(&replica, "segments")).get(0);
    for k in
        ["base_offset", "end_offset", "size", "flushed", "flushed_bytes", "cached_bytes", "offset_index", "time_index"]
    {
        assert!(!get(&segment, k).is_undefined(), "segment {k}");
    }
}

// ---- search, survival card and sweep (feature search-api, the second package) ----

#[cfg(feature = "search-api")]
const UNSAFE: &str = "\
brokers 3
topic orders partitions=1 replication.factor=3
producer app acks=1 linger.ms=0
network latency=2ms
at 0ms app send orders count=100 every=1ms
expect lost=0
";

#[cfg(feature = "search-api")]
fn options(json: &str) -> JsValue {
    js_sys::JSON::parse(json).expect("options JSON")
}

#[cfg(feature = "search-api")]
#[wasm_bindgen_test]
fn a_stepped_search_finds_shrinks_and_reports_a_counterexample() {
    let mut s = kplay::wasm::Search::new(UNSAFE, options(r#"{"schedules": 200, "seed": 1, "faults": "crash"}"#))
        .unwrap_or_else(|_| panic!("valid"));
    let mut steps = 0;
    while !s.step(4) {
        steps += 1;
        assert!(steps < 10_000, "the search never ended");
    }
    let progress = s.progress().unwrap_or_else(|_| panic!("progress"));
    assert_eq!(keys(&progress), ["ran", "found", "shrink_runs"]);
    let report = s.report().unwrap_or_else(|_| panic!("report"));
    assert_eq!(
        keys(&report),
        [
            "seed",
            "schedules",
            "ran",
            "survived",
            "faults",
            "promised",
            "promised_by_group",
            "promised_by_pipeline",
            "targets",
            "checked_expectations",
            "skipped_expectations",
            "unsettled",
            "first_unsettled",
            "counterexample",
        ]
    );
    let cx = get(&report, "counterexample");
    assert_eq!(keys(&cx), ["schedule", "violation", "text", "original", "verified", "shrink", "explanations"]);
    assert_eq!(get(&cx, "verified").as_bool(), Some(true));
    // The counterexample's own run (through the same API) shows the loss.
    let text = get(&cx, "text").as_string().expect("text");
    let rerun = get(&run(&text, "{}"), "report");
    let lost = get(&get(&rerun, "summary"), "lost").as_f64().expect("lost");
    assert!(lost > 0.0, "{text}");
}

#[cfg(feature = "search-api")]
#[wasm_bindgen_test]
fn search_options_are_checked() {
    for bad in [r#"{"schedules": -1}"#, r#"{"faults": "meteor"}"#, r#"{"kind": "meteor"}"#, r#"{"targets": "x"}"#] {
        assert!(kplay::wasm::Search::new(UNSAFE, options(bad)).is_err(), "{bad}");
    }
    let err = kplay::wasm::Search::new(INVALID, JsValue::UNDEFINED).err().expect("invalid text throws");
    assert!(Array::is_array(&err), "diagnostics are thrown as an array");
}

#[cfg(feature = "search-api")]
#[wasm_bindgen_test]
fn the_card_and_the_sweep_have_pinned_shapes() {
    let mut card = kplay::wasm::Card::new(UNSAFE, options(r#"{"schedules": 2}"#)).unwrap_or_else(|_| panic!("valid"));
    while !card.step(5) {}
    assert_eq!(card.progress(), 1.0);
    let c = card.report().unwrap_or_else(|_| panic!("card"));
    assert_eq!(keys(&c), ["seed", "schedules_per_row", "promised", "rows"]);
    let rows = Array::from(&get(&c, "rows"));
    assert_eq!(rows.length(), 11, "one row per fault kind");
    assert_eq!(
        keys(&rows.get(0)),
        ["kind", "description", "applicable", "schedules", "lost", "duplicated", "reordered", "promise_allows"]
    );
    let mut sweep = kplay::wasm::Sweep::new(UNSAFE, vec!["acks=1,all".into()], 1).unwrap_or_else(|_| panic!("valid"));
    while !sweep.step(1) {}
    let r = sweep.report().unwrap_or_else(|_| panic!("sweep"));
    assert_eq!(keys(&r), ["settings", "seeds", "rows", "combinations"]);
    let row = Array::from(&get(&r, "rows")).get(1);
    assert_eq!(
        keys(&row),
        ["values", "seed", "error", "summary", "rates", "promised", "breaks_promise", "end_time_us", "metrics", "perf",]
    );
    // Each row carries its run's speed figures; each combination their mean.
    let perf = get(&row, "perf");
    assert_eq!(keys(&perf), ["records", "records_per_sec", "mb_per_sec", "latency_ms", "window_us"]);
    assert!(get(&perf, "records_per_sec").as_f64().is_some_and(|v| v > 0.0));
    let combo = Array::from(&get(&r, "combinations")).get(1);
    assert_eq!(keys(&get(&combo, "speed")), ["records_per_sec", "mb_per_sec", "latency_avg_ms", "latency_p99_ms"]);
    assert_eq!(get(&get(&row, "values"), "acks").as_string().as_deref(), Some("all"));
    assert!(kplay::wasm::Sweep::new(UNSAFE, vec!["ack=1".into()], 1).is_err(), "an unknown property throws");
}

#[wasm_bindgen_test]
fn seeds_above_2_pow_53_cross_as_strings_both_ways() {
    let body = "producer app\ntopic t\nat 0ms app send t count=3\n";
    let report = get(&run(&format!("seed 18446744073709551615\n{body}"), "{}"), "report");
    assert_eq!(get(&report, "seed").as_string().as_deref(), Some("18446744073709551615"));
    let report = get(&run(body, r#"{"seed": "9007199254740993"}"#), "report");
    assert_eq!(get(&report, "seed").as_string().as_deref(), Some("9007199254740993"), "exact, not rounded");
    let report = get(&run(body, r#"{"seed": 7}"#), "report");
    assert_eq!(get(&report, "seed").as_f64(), Some(7.0), "small seeds stay numbers");
    for bad in [r#"{"seed": "12x"}"#, r#"{"seed": "18446744073709551616"}"#, r#"{"seed": 9007199254740993}"#] {
        let opts = js_sys::JSON::parse(bad).expect("options JSON");
        assert!(kplay::wasm::run(body, opts).is_err(), "{bad} must be refused");
    }
}

#[wasm_bindgen_test]
fn budgets_and_notes_come_back_as_natively() {
    // count=4000000000 used to panic with "capacity overflow" in wasm; now a located error.
    let out = run("producer app\ntopic t\nat 0ms app send t count=4000000000\n", "{}");
    assert_eq!(get(&out, "ok").as_bool(), Some(false));
    let d = Array::from(&get(&out, "errors")).get(0);
    assert_eq!((get(&d, "line").as_f64(), get(&d, "column").as_f64()), (Some(3.0), Some(19.0)));
    assert_eq!(get(&d, "word").as_string().as_deref(), Some("count=4000000000"));
    let text = "producer app\ntopic t\nat 0ms app send t\nat 2s app flush\nrun until 1s\n";
    let report = get(&run(text, "{}"), "report");
    let native = kplay::run(text, &kplay::RunOptions::default()).expect("valid");
    let notes = Array::from(&get(&report, "notes"));
    assert_eq!(notes.length() as usize, native.notes.len());
    assert_eq!(notes.get(0).as_string().as_deref(), Some(native.notes[0].as_str()));
}

/// The segment dump the page shows is the native one, byte for byte (CRCs included).
#[wasm_bindgen_test]
fn a_segment_dump_is_the_native_one() {
    const TEXT: &str = include_str!("golden/dumps/txn_compressed.kplay");
    const WANT: &str = include_str!("golden/dumps/txn_compressed.txt");
    let mut session = kplay::wasm::Session::new(TEXT, JsValue::UNDEFINED).unwrap_or_else(|_| panic!("valid"));
    while !session.step(100_000) {}
    let got = session.dump("orders-0", 1, -1.0, true).unwrap_or_else(|_| panic!("dump"));
    assert_eq!(got, WANT);
    assert!(session.dump("orders-0", 2, -1.0, false).is_err(), "no replica on broker-2");
}
