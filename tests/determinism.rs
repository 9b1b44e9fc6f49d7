//! Same scenario + same seed = byte-identical report. The golden scenario's trace hash
//! is pinned in `tests/golden/determinism.hash`; `tests/web.rs` checks the same hash in
//! the browser, so native and wasm runs are proven identical. Snapshots taken by
//! replaying to a moment are identical too.
#![cfg(not(target_arch = "wasm32"))]

use kplay::{RunOptions, Session};

const GOLDEN: &str = include_str!("golden/determinism.kplay");
const GOLDEN_HASH: &str = include_str!("golden/determinism.hash");

#[test]
fn golden_scenario_has_the_pinned_trace_hash() {
    let report = kplay::run(GOLDEN, &RunOptions::default()).expect("valid");
    assert_eq!(report.trace_hash, GOLDEN_HASH.trim(), "the simulation changed: if on purpose, update determinism.hash");
}

#[test]
fn reports_are_byte_identical_across_runs_and_slicings() {
    let opts = RunOptions { records: true, trace: true, ..RunOptions::default() };
    let one = kplay::run(GOLDEN, &opts).expect("valid").to_json();
    // The same run stepped in small slices (as the browser does) gives the same report.
    let mut s = Session::new(GOLDEN, opts.clone()).expect("valid");
    while !s.step(97) {}
    assert_eq!(one, s.report().to_json());
}

#[test]
fn a_different_seed_gives_a_different_run() {
    let a = kplay::run(GOLDEN, &RunOptions::default()).expect("valid");
    let b = kplay::run(GOLDEN, &RunOptions { seed: Some(7), ..RunOptions::default() }).expect("valid");
    assert_ne!(a.trace_hash, b.trace_hash);
}

#[test]
fn snapshots_replay_to_the_same_state() {
    for t in [0u64, 150_000, 310_000, 5_000_000, 13_000_000] {
        let mut a = Session::new(GOLDEN, RunOptions::default()).expect("valid");
        while a.run_until(t, 1000).is_none() {}
        let mut b = Session::new(GOLDEN, RunOptions::default()).expect("valid");
        while b.run_until(t, 7).is_none() {}
        let (sa, sb) = (a.snapshot(), b.snapshot());
        assert_eq!(serde_json::to_string(&sa).unwrap(), serde_json::to_string(&sb).unwrap(), "at {t}");
        assert!(sa.at_us <= t.max(sa.at_us));
    }
}

#[test]
fn progress_follows_the_records_of_a_single_send_statement() {
    // Every record is sent by one statement at 0ms: the timeline alone would say "90%"
    // at once. Progress follows the records' callbacks instead, and never goes back.
    let text = "brokers 1\ntopic t\nproducer app acks=1\nat 0ms app send t count=400 sync\n";
    let mut s = Session::new(text, RunOptions::default()).expect("valid");
    let (mut last, mut seen_middle) = (0, false);
    while !s.step(50) {
        let p = s.progress_permille();
        assert!(p >= last, "progress went back from {last} to {p}");
        seen_middle |= (300..=600).contains(&p);
        last = p;
    }
    assert!(seen_middle, "progress never passed through the middle (last {last})");
    assert_eq!(s.progress_permille(), 1000);
}

/// Seeds above 2^53 - 1 (JavaScript's largest exact integer) are written as strings, so
/// the page and its file names keep them exact; smaller seeds stay numbers.
#[test]
fn big_seeds_cross_as_strings() {
    let text = "producer app\ntopic t\nat 0ms app send t count=3\n";
    for (seed, json) in [
        (42u64, "42"),
        ((1 << 53) - 1, "9007199254740991"),
        (1 << 53, "\"9007199254740992\""),
        (u64::MAX, "\"18446744073709551615\""),
    ] {
        let opts = kplay::RunOptions { seed: Some(seed), ..Default::default() };
        let report = kplay::run(text, &opts).expect("valid");
        let v: serde_json::Value = serde_json::from_str(&report.to_json()).expect("json");
        assert_eq!(v["seed"].to_string(), json, "seed {seed}");
        assert_eq!(report.seed, seed);
    }
    let from_text = kplay::run(&format!("seed 18446744073709551615\n{text}"), &Default::default()).expect("valid");
    assert!(from_text.to_json().contains("\"seed\": \"18446744073709551615\""));
}

#[test]
fn a_report_keeps_its_own_names_when_another_run_comes_between() {
    // Two scenarios with different topic and producer names, run one after the other in
    // the same thread: the first report must still print its own names afterwards.
    let a = kplay::run(
        "brokers 1\ntopic orders\nproducer app\nat 0ms app send orders count=2\n",
        &kplay::RunOptions { trace: true, ..Default::default() },
    )
    .expect("valid");
    let first = a.to_json();
    let _b = kplay::run(
        "brokers 2\ntopic payments\nproducer billing\nat 0ms billing send payments count=2\n",
        &kplay::RunOptions { trace: true, ..Default::default() },
    )
    .expect("valid");
    assert_eq!(a.to_json(), first, "serializing the first report again gives the same bytes");
    assert!(first.contains("\"orders-0\"") && !first.contains("payments"));
    let text = kplay::report::text::render(&a, true);
    assert!(text.contains("orders-0") && !text.contains("payments") && !text.contains("billing"), "{text}");
}

#[test]
fn two_sessions_stepped_in_turn_each_print_their_own_names() {
    // Nothing is global: two runs interleaved event by event in one thread give the same
    // reports (trace hashes included) as each run alone.
    let opts = kplay::RunOptions { trace: true, ..Default::default() };
    let a_text = "brokers 3\ntopic orders partitions=2 replication.factor=3\nproducer app\nat 0ms app send orders count=20\nat 5ms crash broker-1\n";
    let b_text = "brokers 2\ntopic payments\nproducer billing\nat 0ms billing send payments count=20\n";
    let alone_a = kplay::run(a_text, &opts).expect("valid").to_json();
    let alone_b = kplay::run(b_text, &opts).expect("valid").to_json();
    let mut a = kplay::Session::new(a_text, opts.clone()).expect("valid");
    let mut b = kplay::Session::new(b_text, opts.clone()).expect("valid");
    while !(a.done() && b.done()) {
        a.step(1);
        b.step(1);
    }
    assert_eq!(a.report().to_json(), alone_a);
    assert_eq!(b.report().to_json(), alone_b);
    assert!(alone_a.contains("\"broker-1\"") && alone_a.contains("\"orders-1\"") && !alone_a.contains("payments"));
}
