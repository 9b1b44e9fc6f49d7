//! The `kplay` binary's `search`, `search --card` and `sweep`: exit codes, the printed
//! counterexample, the JSON shapes, and clear errors for bad input (exit 2).
#![cfg(not(target_arch = "wasm32"))]

use std::process::{Command, Output};

fn kplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kplay")).args(args).output().expect("kplay runs")
}

fn fixture(name: &str) -> String {
    format!("{}/tests/search/{name}.kplay", env!("CARGO_MANIFEST_DIR"))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn search_exits_1_and_prints_a_counterexample_that_kplay_run_fails_on() {
    let o = kplay(&["search", &fixture("acks1_failover"), "--schedules", "200"]);
    assert_eq!(o.status.code(), Some(1), "{}{}", stdout(&o), stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("promised none") && out.contains("verified by running it again"), "{out}");
    let text = out.split("its expect line fails) ---\n").nth(1).expect("counterexample").split("\n---").next().unwrap();
    let path = std::env::temp_dir().join(format!("kplay-cli-cx-{}.kplay", std::process::id()));
    std::fs::write(&path, text).expect("write");
    let run = kplay(&["run", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(run.status.code(), Some(1), "the counterexample's expect line fails:\n{text}\n{}", stdout(&run));
    assert!(stdout(&run).contains("FAIL"), "{}", stdout(&run));
}

#[test]
fn search_exits_0_when_every_schedule_holds_and_json_is_stable() {
    let o = kplay(&["search", &fixture("safe_min_isr_2"), "--schedules", "40", "--seed", "3"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("40 of 40 schedules survived"), "{}", stdout(&o));
    let a = kplay(&["search", &fixture("safe_min_isr_2"), "--schedules", "40", "--seed", "3", "--json"]);
    let b = kplay(&["search", &fixture("safe_min_isr_2"), "--schedules", "40", "--seed", "3", "--json"]);
    assert_eq!(stdout(&a), stdout(&b), "the JSON is deterministic (no timings)");
    let v: serde_json::Value = serde_json::from_slice(&a.stdout).expect("json");
    assert_eq!(v["survived"], 40);
    assert!(v["counterexample"].is_null());
}

#[test]
fn search_exits_0_when_nothing_is_promised_and_the_file_has_no_expect_lines() {
    // acks=1 promises `none`, and the file asks nothing: no schedule can fail it.
    let text = std::fs::read_to_string(fixture("acks1_failover")).expect("read").replace("expect lost=0\n", "");
    let path = std::env::temp_dir().join(format!("kplay-cli-none-{}.kplay", std::process::id()));
    std::fs::write(&path, text).expect("write");
    let o = kplay(&["search", path.to_str().unwrap(), "--schedules", "30", "--faults", "crash,power", "--seed", "5"]);
    let _ = std::fs::remove_file(&path);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(0), "{out}{}", stderr(&o));
    assert!(out.contains("promised producers none (nothing promised can break"), "{out}");
    assert!(out.contains("30 of 30 schedules survived"), "{out}");
}

#[test]
fn bad_input_is_a_clear_error_with_exit_2() {
    let file = fixture("acks1_failover");
    for (args, message) in [
        (vec!["search", &file, "--schedules", "many"], "--schedules needs a whole number, got 'many'"),
        (vec!["search", &file, "--faults", "crash,meteor"], "unknown fault kind 'meteor'"),
        (vec!["search", &file, "--kind", "fire"], "unknown fault kind 'fire'"),
        (vec!["search", &file, "--target", "slow"], "--target takes lost, duplicated, reordered"),
        (vec!["search"], "search needs a scenario file"),
        (vec!["search", "/nonexistent.kplay"], "cannot read /nonexistent.kplay"),
        (vec!["sweep", &file, "--set", "ack=0,1"], "Unknown producer property 'ack' (did you mean acks?)"),
        (vec!["sweep", &file, "--set", "acks=2"], "Invalid value 2 for configuration acks"),
        (vec!["sweep", &file, "--set", "acks"], "--set needs NAME=V1,V2,..."),
        (vec!["sweep", &file, "--set", "acks=1", "--seeds", "0"], "--seeds needs at least 1"),
        (vec!["sweep", &file], "sweep needs at least one --set"),
        // A number that is not one is an error, never a silent default.
        (vec!["swarm", "--seeds", "abc"], "--seeds needs a whole number, got 'abc'"),
        (vec!["swarm", "--start", "-1"], "--start needs a whole number, got '-1'"),
        (vec!["fuzz", "--scenarios"], "--scenarios needs a whole number"),
        (vec!["bench", "--records", "1e6"], "--records needs a whole number, got '1e6'"),
        (vec!["bench", "--rf", "99999999999"], "--rf is too large"),
    ] {
        let o = kplay(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(message), "{args:?}: expected '{message}' in:\n{}", stderr(&o));
    }
}

#[test]
fn an_invalid_scenario_is_reported_located() {
    let path = std::env::temp_dir().join(format!("kplay-cli-bad-{}.kplay", std::process::id()));
    std::fs::write(&path, "brokers 1\ntopic t\nproducer app linger.m=5\n").expect("write");
    let o = kplay(&["search", path.to_str().unwrap()]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains(":3:14: error: Unknown producer property 'linger.m'"), "{}", stderr(&o));
}

#[test]
fn sweep_prints_one_row_per_combination_and_seed() {
    let o = kplay(&[
        "sweep",
        &fixture("acks1_failover"),
        "--set",
        "acks=0,1,all",
        "--set",
        "broker.min.insync.replicas=1,2",
        "--seeds",
        "2",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let rows = v["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), 3 * 2 * 2);
    assert_eq!(v["combinations"].as_array().unwrap().len(), 6);
    // The settings really reached the run: acks=all with min ISR 2 promises exactly-once.
    let safest = rows.iter().find(|r| r["values"]["acks"] == "all" && r["values"]["broker.min.insync.replicas"] == "2");
    assert_eq!(safest.expect("row")["promised"], "exactly-once-per-session");
    let acks0 = rows.iter().find(|r| r["values"]["acks"] == "0").expect("row");
    assert_eq!(acks0["promised"], "at-most-once");
    // Every valid row carries its speed figures, and the settings move them: acks=0 answers
    // from the socket, acks=all waits for the followers.
    let mean_p99 = |acks: &str| {
        let c =
            v["combinations"].as_array().unwrap().iter().find(|c| c["values"]["acks"] == acks).expect("combination");
        c["speed"]["latency_p99_ms"].as_f64().expect("speed")
    };
    assert!(acks0["perf"]["records"].as_u64().expect("perf") > 0, "{}", acks0["perf"]);
    assert!(mean_p99("0") < mean_p99("all"), "acks=0 p99 {} vs acks=all {}", mean_p99("0"), mean_p99("all"));
}

#[test]
fn sweep_text_shows_throughput_and_latency() {
    let o = kplay(&["sweep", &fixture("acks1_failover"), "--set", "linger.ms=0,20", "--seeds", "2"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("records/s  p99 ms"), "{out}");
    let line = out.lines().find(|l| l.trim_start().starts_with("linger.ms=20")).expect("combination line");
    assert!(line.contains(" records/sec (") && line.contains(" MB/sec), p99 "), "{line}");
}

#[test]
fn the_card_prints_a_row_per_fault_kind() {
    let o = kplay(&["search", &fixture("acks1_failover"), "--card", "--schedules", "5"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for kind in ["leader-crash", "follower-crash", "two-brokers-down", "power-loss-all", "unclean-election"] {
        assert!(out.lines().any(|l| l.trim_start().starts_with(kind)), "{kind} missing:\n{out}");
    }
    let leader = out.lines().find(|l| l.trim_start().starts_with("leader-crash")).unwrap();
    assert!(leader.contains("YES"), "acks=1 loses on a leader crash: {leader}");
}

#[test]
fn check_and_run_give_located_errors_as_json_and_each_command_has_help() {
    let path = std::env::temp_dir().join(format!("kplay-cli-json-{}.kplay", std::process::id()));
    std::fs::write(&path, "brokers 1\ntopic t\nproducer app linger.m=5\n").expect("write");
    let file = path.to_str().unwrap().to_string();
    for args in [vec!["check", &file, "--json"], vec!["run", &file, "--json"]] {
        let o = kplay(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let v: serde_json::Value =
            serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stdout(&o)));
        let e = &v["errors"][0];
        assert_eq!((e["line"].as_u64(), e["column"].as_u64()), (Some(3), Some(14)), "{v}");
        assert_eq!(e["word"], "linger.m");
        assert!(e["hint"].as_str().unwrap_or("").contains("linger.ms"), "{v}");
    }
    std::fs::write(&path, "brokers 1\ntopic t\nproducer app\nat 0ms app send t\nexpect sent=1\n").expect("write");
    let o = kplay(&["check", &file, "--json"]);
    let _ = std::fs::remove_file(&path);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        (v["ok"].as_bool(), v["timeline_statements"].as_u64(), v["expectations"].as_u64()),
        (Some(true), Some(1), Some(1))
    );
    for cmd in ["run", "check", "search", "sweep", "bench", "swarm", "fuzz"] {
        let o = kplay(&[cmd, "--help"]);
        assert_eq!(o.status.code(), Some(0), "{cmd} --help");
        let out = stdout(&o);
        assert!(out.starts_with("usage:\n  kplay ") && out.contains(&format!("kplay {cmd}")), "{cmd}: {out}");
        assert!(!out.contains("kplay version"), "only {cmd}'s lines: {out}");
    }
}

#[test]
fn dump_prints_segments_as_kafka_dump_log_does_byte_for_byte() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let file = format!("{dir}/tests/golden/dumps/txn_compressed.kplay");
    let o = kplay(&["dump", &file, "--partition", "orders-0", "--deep-iteration", "--print-data-log"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let want = std::fs::read_to_string(format!("{dir}/tests/golden/dumps/txn_compressed.txt")).expect("golden dump");
    assert_eq!(stdout(&o), want, "the dump differs from tests/golden/dumps/txn_compressed.txt");
    // Two segments (segment.bytes=700), gzip and lz4 batches, the tombstone, the marker.
    assert_eq!(want.matches(".log\nLog starting offset: ").count(), 2);
    assert!(want.contains("compresscodec: gzip crc: ") && want.contains("compresscodec: lz4 crc: "));
    assert!(want.contains(" valueSize: -1 ") && want.contains("endTxnMarker: COMMIT coordinatorEpoch: 0"));
    // One segment by base offset, without records; errors exit 2 with the reason.
    let o = kplay(&["dump", &file, "--partition", "orders-0", "--segment", "6"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).starts_with("Dumping /var/lib/kafka/data/orders-0/00000000000000000006.log\n"));
    assert!(!stdout(&o).contains("| offset: "));
    let o = kplay(&["dump", &file, "--partition", "orders-0", "--segment", "3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no segment with base offset 3; its segments start at 0, 6"), "{}", stderr(&o));
    let o = kplay(&["dump", &file, "--partition", "orders-9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no partition orders-9"), "{}", stderr(&o));
    // --at: the state at that time (before the commit, no marker yet).
    let o = kplay(&["dump", &file, "--partition", "orders-0", "--at", "200ms", "--deep-iteration"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(!stdout(&o).contains("isControl: true") && stdout(&o).contains("isTransactional: true"));
}
