//! `pause broker-N for D` (a stalled broker process, `world::pause`): the process handles
//! nothing while paused and everything that waited when it resumes; the OS keeps writing
//! back; a crash ends a pause for good; a pause is located and checked like any action.
#![cfg(not(target_arch = "wasm32"))]

use kplay::RunOptions;
use serde_json::Value;

fn trace(text: &str) -> (kplay::Report, Vec<Value>) {
    let report = kplay::run(text, &RunOptions { trace: true, ..RunOptions::default() }).expect("valid");
    let events = report
        .trace
        .iter()
        .flatten()
        .map(|e| serde_json::to_value(kplay::sim::Named::new(&report.names, e)).expect("json"))
        .collect();
    (report, events)
}

fn of<'a>(events: &'a [Value], ty: &str) -> Vec<&'a Value> {
    events.iter().filter(|e| e["type"] == ty).collect()
}

const BASE: &str = "seed 3\nbrokers 3 min.insync.replicas=2\ntopic t partitions=1 replication.factor=3\n\
producer app acks=all linger.ms=0\nat 0ms app send t count=100 every=50ms\n";

#[test]
fn a_paused_broker_handles_nothing_until_it_resumes() {
    let (report, events) = trace(&format!("{BASE}at 1s pause broker-2 for 5s\n"));
    assert_eq!(report.ended_by, "idle");
    let resumed = of(&events, "resumed");
    assert_eq!(resumed.len(), 1);
    assert_eq!(resumed[0]["at_us"], 6_000_000);
    assert!(resumed[0]["waiting"].as_u64() > Some(0));
    // broker-2 (a follower) replicates nothing while paused, then catches up.
    let replicated: Vec<u64> = of(&events, "replicated")
        .iter()
        .filter(|e| e["broker"] == "broker-2")
        .map(|e| e["at_us"].as_u64().unwrap())
        .collect();
    assert!(replicated.iter().all(|&t| !(1_000_001..6_000_000).contains(&t)), "{replicated:?}");
    assert!(replicated.iter().any(|&t| t >= 6_000_000));
    // A 5 s pause is shorter than broker.session.timeout.ms: no fencing.
    assert!(of(&events, "broker_fenced").is_empty());
    assert_eq!((report.summary.lost, report.summary.delivered), (0, 100));
}

#[test]
fn the_os_keeps_writing_back_while_the_process_is_paused() {
    // What broker-1 appended before 1s is dirty in its page cache; Linux writes it back
    // about 30 s later (dirty_expire_centisecs), in the middle of a 40 s pause.
    let (_, events) = trace(&format!("{BASE}at 1s pause broker-1 for 40s\n"));
    let by_broker_1_during =
        |e: &&Value| e["broker"] == "broker-1" && (1_000_001..41_000_000).contains(&e["at_us"].as_u64().unwrap());
    assert!(of(&events, "writeback").iter().any(by_broker_1_during));
    assert!(!of(&events, "appended").iter().any(by_broker_1_during));
}

#[test]
fn a_crash_ends_a_pause_and_a_stale_resume_does_nothing() {
    // Paused at 1s for 10s, crashed at 2s, restarted at 3s, paused again at 4s for 20s:
    // the first pause's resume (11s) must not end the second (24s).
    let text = format!(
        "{BASE}at 1s pause broker-2 for 10s\nat 2s crash broker-2\nat 3s restart broker-2\nat 4s pause broker-2 for 20s\n"
    );
    let (report, events) = trace(&text);
    let resumed = of(&events, "resumed");
    assert_eq!(resumed.len(), 1, "{resumed:?}");
    assert_eq!(resumed[0]["at_us"], 24_000_000);
    assert_eq!(report.ended_by, "idle");
    assert_eq!(report.summary.lost, 0);
}

#[test]
fn pausing_a_down_or_paused_broker_changes_nothing() {
    let (_, events) =
        trace(&format!("{BASE}at 1s crash broker-3\nat 1s pause broker-3 for 5s\nat 2s pause broker-2 for 5s\nat 3s pause broker-2 for 50s\nat 9s restart broker-3\n"));
    assert_eq!(of(&events, "paused").len(), 1);
    assert_eq!(of(&events, "resumed")[0]["at_us"], 7_000_000);
}

#[test]
fn pause_lines_are_checked() {
    let cases = [
        ("at 1s pause broker-1", "pause broker-1 needs a duration", "broker-1"),
        ("at 1s pause app for 1s", "pause takes a broker", "app"),
        ("at 1s pause controller for 1s", "kplay's controller never pauses", "controller"),
        ("at 1s pause broker-9 for 1s", "broker-9 does not exist", "broker-9"),
        ("at 1s pause broker-1 for soon", "invalid for 'soon'", "soon"),
    ];
    for (line, message, word) in cases {
        let text = format!("{BASE}{line}\n");
        let diags = kplay::script::parse(&text).expect_err(line);
        assert!(
            diags.iter().any(|d| d.line == 6 && d.message == message && d.word == word && !d.hint.is_empty()),
            "{line}: {diags:#?}"
        );
    }
    let diags = kplay::script::parse("producer pause\n").expect_err("reserved");
    assert!(diags[0].message.contains("cannot name a producer"), "{diags:?}");
}

#[test]
fn the_snapshot_shows_a_paused_broker() {
    let mut s =
        kplay::Session::new(&format!("{BASE}at 1s pause broker-2 for 5s\n"), RunOptions::default()).expect("valid");
    while s.run_until(3_000_000, 1000).is_none() {}
    let paused: Vec<bool> = s.snapshot().brokers.iter().map(|b| b.paused).collect();
    assert_eq!(paused, [false, true, false]);
    while s.run_until(7_000_000, 1000).is_none() {}
    assert!(s.snapshot().brokers.iter().all(|b| !b.paused && b.up));
}

/// With acks=1 the resumed zombie acknowledges, then truncates: the explanation says why.
#[test]
fn the_zombies_lost_acks_are_explained() {
    let text = include_str!("scenarios/paused_leader_acks1_zombie_loss.kplay");
    let report = kplay::run(text, &RunOptions::default()).expect("valid");
    let lost = report.explanations.iter().find(|x| x.kind == "lost").expect("a loss");
    assert!(
        lost.text.contains("broker-1 had been paused from 2s to 17s (a GC pause) and broker-2 had been elected in its place (epoch 1) at 9.001s: it appended them as a zombie leader"),
        "{}",
        lost.text
    );
}
