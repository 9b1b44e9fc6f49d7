//! The one view of the cluster (`kplay::view`): what a consumer can read now, and what a
//! partition's log holds when the run is judged, for a leader whose broker is down.
#![cfg(not(target_arch = "wasm32"))]

use kplay::config::IsolationLevel;
use kplay::protocol::Tp;
use kplay::run::{RunOptions, Session};

/// broker-1 leads orders-0 alone and its process crashes; the controller has not fenced it yet when
/// the run is read at 150ms (broker.session.timeout.ms is 9s).
const SCENARIO: &str = "\
brokers 1
topic orders partitions=1 replication.factor=1
producer app acks=1 linger.ms=0
at 0ms app send orders count=5
at 100ms crash broker-1 mode=process
run until 150ms
";

#[test]
fn a_down_leader_is_not_readable_but_its_log_is_judged() {
    let mut s = Session::new(SCENARIO, RunOptions::default()).expect("valid scenario");
    s.run_to_end();
    let w = &s.world;
    let view = w.view();
    let tp = Tp::new(0, 0);
    let (leader, replica) = view.leader_replica(tp).expect("broker-1 still leads in the image");
    assert_eq!(leader, 1);
    assert!(!w.brokers[0].up, "broker-1 crashed");
    // A consumer reads nothing from a partition whose leader's process is down...
    assert!(view.readable(tp, IsolationLevel::ReadUncommitted).is_none());
    // ...but its log (a process crash keeps the page cache) is what the run is judged on.
    let (judged, end) = view.final_log(tp, IsolationLevel::ReadUncommitted).expect("a log to judge");
    assert!(std::ptr::eq(judged, replica));
    assert_eq!(end, replica.hw);
    assert_eq!(judged.log.leo, 5, "the page cache kept all five records");
    // The trace shows the crash that makes it unreadable.
    assert!(w.trace.entries().iter().any(|e| serde_json::to_value(&e.event).unwrap()["type"] == "crashed"));
}

#[test]
fn a_live_leader_is_read_up_to_its_high_watermark() {
    let text = SCENARIO.replace("at 100ms crash broker-1 mode=process\n", "");
    let mut s = Session::new(&text, RunOptions::default()).expect("valid scenario");
    s.run_to_end();
    let view = s.world.view();
    let tp = Tp::new(0, 0);
    let r = view.readable(tp, IsolationLevel::ReadCommitted).expect("a live leader");
    assert_eq!((r.broker, r.start, r.end), (1, 0, 5));
    let (judged, end) = view.final_log(tp, IsolationLevel::ReadCommitted).expect("a log to judge");
    assert!(std::ptr::eq(judged, r.replica));
    assert_eq!(end, r.end);
}
