//! Every run ends within its budgets (`kplay::budget`). Up front: a scenario over a
//! budget is a located error that names the numbers, found fast. While running: a run
//! that uses a budget up stops there, says which budget and the numbers in its notes
//! and its trace (`run_stopped`), and still reports what happened until then; the stop
//! falls on the same event however the run is sliced.
#![allow(clippy::disallowed_methods)] // measures real time on purpose (clippy.toml keeps it out of the core)
#![cfg(not(target_arch = "wasm32"))]

use std::time::Instant;

use kplay::budget::Budgets;
use kplay::{RunOptions, Session};

const STEADY: &str = "\
brokers 3
topic t partitions=3 replication.factor=3
producer app acks=all
at 0ms app send t count=2000 every=1ms key=k{i%10}
";

fn run_with(text: &str, budgets: Budgets) -> kplay::Report {
    kplay::run(text, &RunOptions { budgets, ..RunOptions::default() }).expect("valid")
}

fn stopped_by(report: &kplay::Report, budget: &str) {
    assert_eq!(report.ended_by, "budget", "{:?}", report.notes);
    let note = &report.notes[0];
    assert!(note.contains(&format!("used up the {budget} budget")), "{note}");
    let trace = report.trace.as_ref().expect("trace asked for");
    let last = serde_json::to_value(trace.last().expect("events")).expect("json");
    assert_eq!(last["type"], "run_stopped", "the trace ends with the stop: {last}");
    assert_eq!(last["budget"], budget);
    assert!(last["used"].as_u64() > last["limit"].as_u64(), "{last}");
}

#[test]
fn the_events_budget_stops_a_run_and_the_report_covers_what_happened() {
    let budgets = Budgets { events: 3_000, ..Budgets::default() };
    let opts = RunOptions { budgets, trace: true, ..RunOptions::default() };
    let report = kplay::run(STEADY, &opts).expect("valid");
    stopped_by(&report, "kernel events");
    assert!(report.notes[0].contains("the limit is 3,000 kernel events"), "{}", report.notes[0]);
    assert!(report.summary.sent > 0 && report.summary.sent < 2000, "{:?}", report.summary);
    assert!(report.summary.acked > 0, "what happened before the stop is reported");
    assert!(report.kernel_events <= 3_001);
    // A fetch counts once per partition it carries, so fewer events fit than the limit.
    assert!(report.kernel_events < 3_000, "{}", report.kernel_events);
    // Not run: the note says so for the rest of the timeline too (here: nothing left).
    let full = kplay::run(STEADY, &RunOptions::default()).expect("valid");
    assert_eq!(full.ended_by, "idle");
    assert!(full.notes.is_empty(), "{:?}", full.notes);
}

#[test]
fn the_trace_volume_budget_stops_a_run() {
    let opts = RunOptions {
        budgets: Budgets { trace_bytes: 20_000, ..Budgets::default() },
        trace: true,
        ..RunOptions::default()
    };
    let report = kplay::run(STEADY, &opts).expect("valid");
    stopped_by(&report, "trace volume");
}

#[test]
fn the_bytes_compressed_budget_stops_a_run_before_building_the_batch() {
    let text = STEADY.replace("acks=all", "acks=all compression.type=gzip");
    let opts = RunOptions {
        budgets: Budgets { compressed_bytes: 50_000, ..Budgets::default() },
        trace: true,
        ..RunOptions::default()
    };
    let report = kplay::run(&text, &opts).expect("valid");
    stopped_by(&report, "bytes compressed");
    assert!(report.summary.acked > 0);
}

#[test]
fn the_records_budget_is_also_guarded_while_running() {
    let scenario = kplay::script::parse(STEADY).expect("valid");
    let opts =
        RunOptions { budgets: Budgets { records: 500, ..Budgets::default() }, trace: true, ..Default::default() };
    let mut session = Session::from_scenario(scenario, STEADY, opts);
    session.run_to_end();
    let report = session.report();
    stopped_by(&report, "records");
    assert_eq!(report.summary.sent, 501);
}

#[test]
fn a_stop_falls_on_the_same_event_however_the_run_is_sliced() {
    let opts = RunOptions { budgets: Budgets { events: 2_500, ..Budgets::default() }, ..RunOptions::default() };
    let whole = kplay::run(STEADY, &opts).expect("valid").to_json();
    for slice in [1, 7, 1000] {
        let mut s = Session::new(STEADY, opts.clone()).expect("valid");
        while !s.step(slice) {}
        assert_eq!(s.report().to_json(), whole, "slices of {slice} events");
    }
}

#[test]
fn timeline_lines_after_a_budget_stop_are_noted() {
    let text = format!("{STEADY}at 60s app send t count=5\n");
    let report = run_with(&text, Budgets { events: 2_000, ..Budgets::default() });
    assert_eq!(report.notes.len(), 2, "{:?}", report.notes);
    assert!(report.notes[1].starts_with("1 timeline line never ran: the run stopped at "), "{}", report.notes[1]);
    assert!(
        report.notes[1].ends_with("(the kernel events budget) before it was due: line 5 (at 60s app send t count=5).")
    );
}

#[test]
fn topologies_over_budget_are_refused_at_once() {
    let t0 = Instant::now();
    let cases = [
        ("brokers 99\ntopic t partitions=10000 replication.factor=99\n", "990,000 replicas"),
        ("brokers 100\n", "invalid broker count '100'"),
        (
            "brokers 3\ntopic a partitions=6000 replication.factor=1\ntopic b partitions=3000 replication.factor=2\n",
            "6,000 replicas (3,000 partitions × replication factor 2), 12,000 in all",
        ),
        ("topic t partitions=10001\n", "invalid partition count '10001'"),
    ];
    for (text, want) in cases {
        let diags = kplay::script::parse(text).expect_err("over budget");
        let d = diags.iter().find(|d| d.message.contains(want)).unwrap_or_else(|| panic!("{want}: {diags:#?}"));
        assert!(!d.hint.is_empty() && !d.word.is_empty(), "{d:?}");
        assert!(d.hint.contains("topology budget"), "{d:?}");
    }
    // A thousand topics at the per-topic maximum used to build every placement first.
    let many: String = (0..1000).map(|i| format!("topic t{i} partitions=10000 replication.factor=1\n")).collect();
    let diags = kplay::script::parse(&many).expect_err("over budget");
    assert_eq!(diags.iter().filter(|d| d.message.contains("replicas")).count(), 1, "one diagnostic, where it crosses");
    assert_eq!(diags[0].line, 2);
    assert!(t0.elapsed().as_secs() < 5, "took {:?}", t0.elapsed());
}

#[test]
fn producers_and_consumers_over_budget_are_one_located_error() {
    let mut text = String::from("topic t\n");
    for i in 0..1_003 {
        text.push_str(&format!("producer p{i}\n"));
    }
    let diags = kplay::script::parse(&text).expect_err("over budget");
    assert_eq!(diags.len(), 1, "{:?}", &diags[..diags.len().min(3)]);
    let d = &diags[0];
    assert_eq!((d.line, d.column, d.word.as_str()), (1_002, 10, "p1000"));
    assert_eq!(d.message, "producer p1000 is one more than kplay's budget of 1,000 producers and consumers");
}

#[test]
fn the_records_budget_counts_every_send_line() {
    let text = "producer p\ntopic t\nat 0ms p send t count=600000\nat 1ms p send t count=500000\n";
    let diags = kplay::script::parse(text).expect_err("over budget");
    assert_eq!((diags[0].line, diags[0].column, diags[0].word.as_str()), (4, 17, "count=500000"));
    assert_eq!(
        diags[0].message,
        "this send takes the scenario to 1,100,000 records in all, over kplay's budget of 1,000,000 records per run"
    );
    // The benchmark raises it explicitly.
    let bench = Budgets::for_bench(1_100_000);
    assert!(kplay::script::parse_with(text, &bench).is_ok());
}
