//! `kplay::search` and the survival card against the fixtures in `tests/search/`: an
//! unsafe configuration yields a shrunk counterexample whose own run shows the violation;
//! a safe one survives N schedules; searches are deterministic and split over workers;
//! the card, answered by search, never finds more than the promise's reasons allow.
//! `KPLAY_SEARCH_SCHEDULES=N` changes N (default 300).
#![cfg(not(target_arch = "wasm32"))]

use kplay::checker::guarantee::FaultKind;
use kplay::search::check::Targets;
use kplay::search::faults::FaultOp;
use kplay::search::{card, search, Search, SearchOptions, Source};
use kplay::RunOptions;

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/search/{name}.kplay", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn schedules() -> u64 {
    std::env::var("KPLAY_SEARCH_SCHEDULES").ok().and_then(|s| s.parse().ok()).unwrap_or(300)
}

#[test]
fn an_unsafe_configuration_yields_a_counterexample_whose_own_run_shows_it() {
    let report = search(&fixture("acks1_failover"), SearchOptions { schedules: schedules(), ..Default::default() })
        .expect("valid");
    let cx = report.counterexample.expect("acks=1 must lose records under some schedule");
    assert!(cx.verified, "the shrunk text did not reproduce:\n{}", cx.text);
    // Nothing is promised (acks=1): what fails is the file's own `expect lost=0`.
    assert_eq!(report.promised.name(), "none");
    assert!(cx.violation.verdicts.is_empty(), "no verdict breaks a none promise: {cx:?}");
    assert_eq!(cx.violation.expectations, ["lost=0"], "the loss, not a drift: {cx:?}");
    // Shrunk: fewer records and no more faults than generated.
    assert!(cx.shrink.records_after < cx.shrink.records_before, "{:?}", cx.shrink);
    assert!(cx.shrink.faults_after <= cx.shrink.faults_before && cx.shrink.faults_after >= 1);
    // Its own run shows the loss and its expect line fails.
    let run = kplay::run(&cx.text, &RunOptions::default()).expect("the counterexample parses");
    assert!(run.summary.lost > 0, "{}", cx.text);
    assert!(run.expectations.iter().any(|e| !e.held && e.text.contains("lost=0")), "{}", cx.text);
    assert!(run.explanations.iter().any(|e| e.kind == "lost"), "the run explains the loss");
}

#[test]
fn a_safe_configuration_survives_every_schedule() {
    let n = schedules();
    let report =
        search(&fixture("safe_min_isr_2"), SearchOptions { schedules: n, ..Default::default() }).expect("valid");
    if let Some(cx) = &report.counterexample {
        panic!("acks=all, RF 3, min.insync.replicas=2 broke its promise:\n{}\n{:?}", cx.text, cx.explanations);
    }
    assert_eq!((report.ran, report.survived), (n, n));
    assert_eq!(report.promised.name(), "exactly-once-per-session");
    assert_eq!(report.checked_expectations, ["lost=0"]);
}

#[test]
fn an_exactly_once_v2_pipeline_survives_every_schedule() {
    let n = schedules();
    let report = search(&fixture("pipeline_eos"), SearchOptions { schedules: n, ..Default::default() }).expect("valid");
    if let Some(cx) = &report.counterexample {
        panic!("exactly_once_v2 broke its promise:\n{}\n{:?}", cx.text, cx.explanations);
    }
    assert_eq!((report.ran, report.survived), (n, n));
    // Some of those schedules crashed and restarted the pipeline itself.
    let base = kplay::search::base::Base::new(&fixture("pipeline_eos")).expect("valid");
    let texts: Vec<String> = (0..n.min(200))
        .map(|i| {
            let mut rng = kplay::sim::Prng::new(1).fork(&format!("schedule {i}"));
            let mut c = base.candidate();
            c.faults = kplay::search::generate::general(&mut rng, &base, &FaultOp::all_supported(), &c.counts);
            base.render(&c, &[], &[])
        })
        .collect();
    assert!(texts.iter().any(|t| t.contains("restart etl") || t.contains("crash etl")), "no schedule hit the pipeline");
    assert!(texts.iter().all(|t| !t.contains("etl-producer restart")), "a pipeline's producer is not restarted alone");
}

#[test]
fn an_at_least_once_pipeline_duplicates_when_asked_for_pipeline_duplicates() {
    let opts = SearchOptions {
        schedules: schedules(),
        targets: Targets::Verdicts(vec!["pipeline_duplicated"]),
        source: Source::Ops(vec![FaultOp::Restart]),
        ..Default::default()
    };
    let report = search(&fixture("pipeline_alos"), opts).expect("valid");
    let cx = report.counterexample.expect("a pipeline restart between commits duplicates outputs");
    assert!(cx.verified, "{}", cx.text);
    assert!(cx.text.contains("restart etl"), "the shrunk schedule restarts the pipeline:\n{}", cx.text);
    let run = kplay::run(&cx.text, &RunOptions::default()).expect("parses");
    assert!(run.summary.pipeline_duplicated > 0, "{}", cx.text);
    assert!(run.explanations.iter().any(|e| e.kind == "pipeline_duplicated"), "the run explains it");
    // Duplicates are within what at_least_once promises: a promise search finds nothing.
    let report = search(
        &fixture("pipeline_alos"),
        SearchOptions { schedules: 50, source: Source::Ops(vec![FaultOp::Restart]), ..Default::default() },
    )
    .expect("valid");
    assert!(report.counterexample.is_none(), "{:?}", report.counterexample.map(|c| c.text));
}

#[test]
fn retries_without_idempotence_duplicate_when_asked_for_duplicates() {
    let opts = SearchOptions {
        schedules: schedules(),
        targets: Targets::Verdicts(vec!["duplicated"]),
        source: Source::Ops(vec![FaultOp::Drop]),
        ..Default::default()
    };
    let report = search(&fixture("retries_without_idempotence"), opts).expect("valid");
    let cx = report.counterexample.expect("a lost response makes a retry write a duplicate");
    let run = kplay::run(&cx.text, &RunOptions::default()).expect("parses");
    assert!(run.summary.duplicated > 0 && cx.text.contains(" drop "), "{}", cx.text);
    // The promise (at-least-once) itself is kept: duplicates are allowed.
    let kept = search(&fixture("retries_without_idempotence"), SearchOptions { schedules: 100, ..Default::default() })
        .expect("valid");
    assert_eq!(kept.promised.name(), "at-least-once");
    assert_eq!(kept.targets, ["lost"]);
}

#[test]
fn searches_are_deterministic_and_split_over_workers() {
    let text = fixture("acks1_failover");
    let opts = SearchOptions { schedules: 200, seed: 7, ..Default::default() };
    let a = serde_json::to_string(&search(&text, opts.clone()).expect("valid")).expect("json");
    let b = serde_json::to_string(&search(&text, opts.clone()).expect("valid")).expect("json");
    assert_eq!(a, b);
    let mut whole = Search::new(&text, opts.clone()).expect("valid");
    while !whole.step(16) {}
    let first = whole.found.as_ref().expect("found").0;
    // Three workers taking every third index: the smallest failing index is the same.
    let split = (0..3)
        .filter_map(|w| {
            let mut s = Search::new(&text, SearchOptions { start: w, stride: 3, ..opts.clone() }).expect("valid");
            while !s.step(16) {}
            s.found.map(|f| f.0)
        })
        .min();
    assert_eq!(split, Some(first));
}

#[test]
fn every_expect_line_is_checked() {
    let text = "brokers 1\ntopic t partitions=1\nproducer app\nat 0ms app send t count=3\n\
                expect acked=3 lost=0 duplicated<=2\nexpect trace batch_acked\nexpect reordered>0\n";
    let s = Search::new(text, SearchOptions::default()).expect("valid");
    assert_eq!(s.base.checked, ["acked=3 lost=0 duplicated<=2", "trace batch_acked", "reordered>0"]);
    assert!(s.base.skipped.is_empty());
}

#[test]
fn a_none_promise_without_expect_lines_cannot_fail() {
    // acks=1 promises nothing: a search that finds lost records has broken nothing the
    // file asked for (the contract: exit 1 only on the promise or the file's expect lines).
    let text = fixture("acks1_failover").replace("expect lost=0\n", "");
    let report = search(&text, SearchOptions { schedules: 60, ..Default::default() }).expect("valid");
    assert_eq!(report.promised.name(), "none");
    assert!(report.targets.is_empty(), "{:?}", report.targets);
    assert!(report.counterexample.is_none(), "{:?}", report.counterexample.map(|c| c.text));
    assert_eq!(report.survived, 60);
    // Any anomaly is still there for the asking.
    let opts = SearchOptions {
        schedules: 200,
        targets: Targets::Verdicts(vec!["lost", "duplicated", "reordered"]),
        ..Default::default()
    };
    let cx = search(&text, opts).expect("valid").counterexample.expect("acks=1 loses records");
    assert!(!cx.violation.verdicts.is_empty(), "{cx:?}");
}

#[test]
fn expect_lines_that_describe_the_run_are_checked_and_shrunk_without_fewer_records() {
    // Neither line bounds an anomaly: a latency bound and a trace count. Both fail under
    // some schedule of a safe configuration, and the shrink keeps every record (fewer
    // records would change latency and retries on their own).
    for line in ["latency_p99<=30ms", "trace batch_retried count=0"] {
        let text = format!("{}expect {line}\n", fixture("safe_min_isr_2"));
        let report = search(&text, SearchOptions { schedules: schedules(), ..Default::default() }).expect("valid");
        assert!(report.checked_expectations.contains(&line.to_string()), "{:?}", report.checked_expectations);
        let cx = report.counterexample.unwrap_or_else(|| panic!("no schedule fails `expect {line}`"));
        assert_eq!(cx.violation.expectations, [line], "{}", cx.text);
        assert_eq!(cx.shrink.records_after, cx.shrink.records_before, "{}", cx.text);
        assert_eq!(cx.shrink.brokers_after, cx.shrink.brokers_before, "{}", cx.text);
        assert!(cx.verified, "{}", cx.text);
        let run = kplay::run(&cx.text, &RunOptions::default()).expect("parses");
        assert!(run.expectations.iter().any(|e| !e.held && e.text == line), "{}", cx.text);
    }
}

#[test]
fn fault_kinds_are_checked_against_the_language() {
    let err = FaultOp::parse_list("crash,meteor").expect_err("unknown kind");
    assert!(err.contains("meteor") && err.contains("known: crash, power"), "{err}");
    // `delay` is searched exactly when the scenario language parses its statement;
    // until then it is left out (and alone it is an error).
    let (ops, left_out) = FaultOp::parse_list("crash,delay").expect("crash is supported");
    assert_eq!(ops.contains(&FaultOp::Delay), FaultOp::Delay.supported());
    assert_eq!(left_out.contains(&"delay"), !FaultOp::Delay.supported());
    assert_eq!(FaultOp::parse_list("delay").is_ok(), FaultOp::Delay.supported());
    assert!(FaultOp::all_supported().contains(&FaultOp::Crash));
}

/// The card against the promise, on several configurations: whatever a row's search
/// finds, the promise's reasons list under that fault kind (never safer than it is); and
/// the searches do find the phenomena the configurations are known for.
#[test]
fn the_card_never_finds_more_than_the_promise_allows() {
    let per_row = (schedules() / 10).max(20);
    let mut found_somewhere = Vec::new();
    for name in ["safe_min_isr_2", "kafka_defaults", "acks1_failover", "retries_without_idempotence"] {
        let c = card::card(&fixture(name), 1, per_row).expect("valid");
        for row in &c.rows {
            for (verdict, finding) in
                [("lost", &row.lost), ("duplicated", &row.duplicated), ("reordered", &row.reordered)]
            {
                let Some(f) = finding else { continue };
                assert!(
                    row.promise_allows.iter().any(|v| v == verdict),
                    "{name}: {} {verdict} under {} although the promise says it cannot:\n{}",
                    f.count,
                    row.kind.name(),
                    f.text
                );
                // Answered by search: the finding's own run shows it.
                let run = kplay::run(&f.text, &RunOptions::default()).expect("parses");
                let shown = match verdict {
                    "lost" => run.summary.lost,
                    "duplicated" => run.summary.duplicated,
                    _ => run.summary.reordered,
                };
                assert_eq!(shown, f.count, "{name} {}: {}", row.kind.name(), f.text);
                found_somewhere.push((name, row.kind, verdict));
            }
        }
    }
    for expected in [
        ("acks1_failover", FaultKind::LeaderCrash, "lost"),
        ("kafka_defaults", FaultKind::LoneLeaderPowerLoss, "lost"),
        ("safe_min_isr_2", FaultKind::PowerLossAll, "lost"),
        ("safe_min_isr_2", FaultKind::ProducerRestart, "duplicated"),
    ] {
        assert!(found_somewhere.contains(&expected), "the card missed {expected:?}");
    }
    assert!(!found_somewhere.iter().any(|(n, k, v)| *n == "safe_min_isr_2" && *v == "lost" && k.in_design_model()));
}

#[test]
fn a_targeted_search_that_cannot_apply_says_so() {
    let text = "brokers 1\ntopic t partitions=1\nproducer app\nat 0ms app send t count=3\n";
    let opts = SearchOptions { source: Source::Kind(FaultKind::FollowerCrash), ..Default::default() };
    let mut s = Search::new(text, opts).expect("valid");
    assert!(s.step(10));
    assert!(!s.applicable && s.ran == 0);
}

#[test]
fn a_consumer_group_with_the_auto_commit_and_earliest_never_skips() {
    let text = fixture("group_alos");
    let run = kplay::run(&text, &RunOptions::default()).expect("parses");
    let g = &run.guarantee.by_group.as_ref().expect("a group")["billing"];
    assert_eq!(g.promised.name(), "at-least-once", "{:?}", g.reasons);
    assert!(run.groups["billing"].processed > 0, "the group processed the workload");
    // Every fault kind the promise holds under: crashes, restarts of the members, cuts,
    // isolations, drops, late messages (power losses are left to the durability search).
    let ops = vec![FaultOp::Crash, FaultOp::Isolate, FaultOp::Cut, FaultOp::Drop, FaultOp::Delay, FaultOp::Restart];
    let n = schedules();
    let opts = SearchOptions {
        schedules: n,
        targets: Targets::Verdicts(vec!["skipped"]),
        source: Source::Ops(ops.clone()),
        ..Default::default()
    };
    let report = search(&text, opts).expect("valid");
    if let Some(cx) = &report.counterexample {
        panic!("an auto-committing group with auto.offset.reset=earliest skipped records:\n{}", cx.text);
    }
    assert_eq!((report.ran, report.survived), (n, n));
    // The header says which promise `skipped` is judged against: the group's own.
    assert_eq!(report.promised_by_group.get("billing").map(|l| l.name()), Some("at-least-once"));
    assert!(report.promised_by_pipeline.is_empty());
    // The schedules did hit the members: some crashed and restarted one.
    let base = kplay::search::base::Base::new(&text).expect("valid");
    let hit = (0..n.min(200)).any(|i| {
        let mut rng = kplay::sim::Prng::new(1).fork(&format!("schedule {i}"));
        let mut c = base.candidate();
        c.faults = kplay::search::generate::general(&mut rng, &base, &ops, &c.counts);
        let t = base.render(&c, &[], &[]);
        (t.contains("restart c1") || t.contains("restart c2")) && t.contains("c1 poll every=")
    });
    assert!(hit, "no schedule restarted a member with its poll loop kept");
}

#[test]
fn a_group_with_latest_and_commits_on_a_timer_skips_when_a_member_restarts() {
    let text = fixture("group_latest_commits");
    let run = kplay::run(&text, &RunOptions::default()).expect("parses");
    let g = &run.guarantee.by_group.as_ref().expect("a group")["billing"];
    assert_eq!(g.promised.name(), "none");
    let failing =
        g.reasons.iter().filter(|r| !r.holds && r.property == kplay::checker::guarantee::Property::Durability);
    assert_eq!(failing.count(), 2, "explicit commits while processing, and latest: {:?}", g.reasons);
    let opts = SearchOptions {
        schedules: schedules(),
        targets: Targets::Verdicts(vec!["skipped"]),
        source: Source::Ops(vec![FaultOp::Restart]),
        ..Default::default()
    };
    let report = search(&text, opts).expect("valid");
    let cx = report.counterexample.expect("a member restarted with records committed but unprocessed skips them");
    assert!(cx.verified, "{}", cx.text);
    assert_eq!(cx.violation.verdicts, ["skipped"]);
    assert!(cx.text.contains("restart c"), "the shrunk schedule restarts a member:\n{}", cx.text);
    let run = kplay::run(&cx.text, &RunOptions { trace: true, ..RunOptions::default() }).expect("parses");
    assert!(run.summary.skipped > 0, "{}", cx.text);
    assert!(run.explanations.iter().any(|e| e.kind == "skipped"), "the run explains the skip");
    // The cause is in the trace: the member's process died with records in hand.
    let trace = run.trace.as_ref().expect("traced");
    assert!(
        trace.iter().any(|e| matches!(e.event, kplay::trace::Event::ConsumerCrashed { .. })),
        "the trace shows the member crashing"
    );
}
