//! The page cache of the cost model (`hardware page.cache`, `vm.dirty_background_ratio`,
//! `vm.dirty_ratio`): writers throttled to the disk once the dirty limit is reached, the
//! OS writing back on its own past the background threshold (so a power loss takes less),
//! and fetches of evicted bytes read from disk. Each test runs the same scenario with a
//! small cache and with the default one, and checks the trace events behind the figures.
#![cfg(not(target_arch = "wasm32"))]

use kplay::report::Report;
use kplay::trace::Event;
use kplay::RunOptions;

fn run(text: &str) -> Report {
    kplay::run(text, &RunOptions { trace: true, records: true, ..RunOptions::default() })
        .unwrap_or_else(|d| panic!("{text}\n{d:?}"))
}

/// One broker, RF 1, 3,000 records of 100 KB (300 MB) as fast as the producer can send.
fn burst(cache: &str, faults: &str) -> String {
    format!(
        "hardware disk=hdd page.cache={cache}\nbrokers 1\ntopic t partitions=1 replication.factor=1\n\
         producer app acks=1 linger.ms=5 batch.size=1MB max.request.size=2MB buffer.memory=64MB\n\
         at 0ms app send t count=3000 size=100KB\n{faults}"
    )
}

fn first_writeback_us(r: &Report) -> Option<u64> {
    r.trace.as_ref().expect("trace").iter().find(|e| matches!(e.event, Event::Writeback { .. })).map(|e| e.at_us)
}

#[test]
fn a_small_page_cache_on_hdd_throttles_writers_to_the_disk_bandwidth() {
    let small = run(&burst("100MB", ""));
    let large = run(&burst("58GB", ""));
    // Payload MB/s as kafka-producer-perf-test prints it (MiB); the hdd writes 137 MB/s.
    let disk_mib = 137e6 / 1_048_576.0;
    let s = small.perf.total.mb_per_sec;
    println!("page.cache=100MB: {s:.1} MiB/s; 58GB: {:.1} MiB/s", large.perf.total.mb_per_sec);
    // The first 20 MB (vm.dirty_ratio=20) go to memory for free, then the disk sets the pace.
    assert!(s >= disk_mib * 0.95 && s <= disk_mib * 1.25, "{s:.1} MiB/s against a {disk_mib:.1} MiB/s disk");
    assert!(large.perf.total.mb_per_sec > 4.0 * s, "the default cache absorbs 300 MB at memory speed");
    // Behind it: the OS writes back as soon as 10 MB (vm.dirty_background_ratio=10) are
    // dirty, long before vm.dirty_expire_centisecs (30 s); with the default cache it never
    // has to within the run.
    let w = first_writeback_us(&small).expect("a writeback in the small cache");
    assert!(w < 100_000, "background writeback at {w} us");
    assert_eq!(first_writeback_us(&large), None);
}

#[test]
fn background_writeback_makes_a_power_loss_take_less() {
    let lost = |cache: &str| {
        // Every record is acknowledged by 2.3 s (the small cache paces them at the disk's speed).
        let r = run(&burst(cache, "at 5s crash broker-1 mode=power\nat 6s restart broker-1\n"));
        let crash = r.trace.as_ref().expect("trace").iter().find_map(|e| match &e.event {
            Event::Crashed { lost, .. } => Some(lost.iter().map(|(_, from, to)| to - from).sum::<u64>()),
            _ => None,
        });
        (r.summary.lost, crash.expect("the crash event"))
    };
    let (small_lost, small_offsets) = lost("100MB");
    let (large_lost, large_offsets) = lost("58GB");
    // Default cache: 300 MB dirty for less than 30 s, all of it gone with the power.
    assert_eq!(large_lost, 3000);
    assert_eq!(large_offsets, 3000);
    // 100 MB cache: once the writer stopped, the OS wrote back down to the background
    // threshold (10 MB, ~100 records); while it was writing, the dirty limit (20 MB) held.
    assert!(small_lost > 0 && small_lost <= 105, "lost {small_lost}");
    assert_eq!(small_lost, small_offsets, "the records lost are the offsets the crash took");
}

#[test]
fn a_follower_catching_up_reads_what_the_leader_evicted_from_disk() {
    let catch_up = |cache: &str| {
        let text = format!(
            "hardware disk=hdd page.cache={cache}\nbrokers 2 min.insync.replicas=1\n\
             topic t partitions=1 replication.factor=2\n\
             producer app acks=1 linger.ms=5 batch.size=1MB max.request.size=2MB buffer.memory=64MB\n\
             at 0ms crash broker-2\nat 1ms app send t count=3000 size=100KB\nat 3s restart broker-2\n"
        );
        let r = run(&text);
        let trace = r.trace.as_ref().expect("trace");
        let start = trace
            .iter()
            .find(|e| matches!(e.event, Event::BecameFollower { .. }) && e.at_us > 3_000_000)
            .expect("broker-2 follows again")
            .at_us;
        let end = trace
            .iter()
            .find(|e| matches!(e.event, Event::Replicated { to_offset: 3000, .. }))
            .expect("broker-2 caught up")
            .at_us;
        end - start
    };
    let (small, large) = (catch_up("100MB"), catch_up("58GB"));
    println!("catch-up of 300 MB: page.cache=100MB {small} us, 58GB {large} us");
    // At least 200 MB were evicted from the leader's 100 MB cache: reading them from a
    // 137 MB/s disk takes at least 1.46 s. From memory the follower is back much sooner.
    assert!(small >= 1_460_000, "{small} us");
    assert!(large < 1_460_000, "{large} us");
}
