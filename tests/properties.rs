//! Property tests: random valid scenarios never panic, always end, and give identical
//! reports for the same seed; random bytes and random token soup given to the parser
//! never panic. `KPLAY_PROPERTY_CASES=N` changes the number of cases (default 150).
#![cfg(not(target_arch = "wasm32"))]

use kplay::sim::Prng;
use kplay::RunOptions;

fn cases() -> u64 {
    std::env::var("KPLAY_PROPERTY_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(150)
}

fn pick<'a>(r: &mut Prng, xs: &[&'a str]) -> &'a str {
    xs[r.below(xs.len() as u64) as usize]
}

/// A random scenario that must be valid.
fn random_scenario(seed: u64) -> String {
    let mut r = Prng::new(seed);
    let brokers = r.range_inclusive(1, 4);
    let rf = r.range_inclusive(1, brokers);
    let partitions = r.range_inclusive(1, 4);
    let mut s = format!("seed {seed}\n");
    if r.chance_ppm(200_000) {
        s.push_str(&format!("kafka {}\n", pick(&mut r, &["2.8", "3.0", "3.3", "3.6", "3.9", "4.0", "4.1"])));
    }
    s.push_str(&format!(
        "brokers {brokers} min.insync.replicas={} unclean.leader.election.enable={}\n",
        r.range_inclusive(1, rf),
        pick(&mut r, &["true", "false"])
    ));
    let flush =
        if r.chance_ppm(300_000) { format!(" flush.messages={}", r.range_inclusive(1, 50)) } else { String::new() };
    s.push_str(&format!("topic t partitions={partitions} replication.factor={rf}{flush}\n"));
    let acks = pick(&mut r, &["0", "1", "all"]);
    let idem = if acks == "all" { pick(&mut r, &["", " enable.idempotence=false"]) } else { "" };
    let txn = acks == "all" && idem.is_empty() && r.chance_ppm(250_000);
    s.push_str(&format!(
        "producer p acks={acks}{idem} linger.ms={} batch.size={} compression.type={} max.in.flight.requests.per.connection={} request.timeout.ms={} delivery.timeout.ms=60000{}\n",
        r.range_inclusive(0, 30),
        r.range_inclusive(0, 32_768),
        pick(&mut r, &["none", "gzip", "snappy", "lz4", "zstd"]),
        r.range_inclusive(1, 5),
        r.range_inclusive(1_000, 30_000),
        if txn { " transactional.id=tx" } else { "" }
    ));
    s.push_str(&format!("consumer c isolation.level={}\n", pick(&mut r, &["read_committed", "read_uncommitted"])));
    s.push_str(&format!("network latency={}ms jitter={}us\n", r.range_inclusive(0, 5), r.range_inclusive(0, 2_000)));
    let mut t = 0u64;
    if txn {
        s.push_str("at 0ms p begin\n");
    }
    for _ in 0..r.range_inclusive(1, 10) {
        t += r.below(2_000);
        let action = match r.below(12) {
            0..=4 => format!(
                "p send t count={} every={}ms key={} size={}B{}",
                r.range_inclusive(1, 80),
                r.below(20),
                pick(&mut r, &["null", "k{i%5}", "user-{i}", "\"a b\""]),
                r.range_inclusive(0, 2_000),
                if r.chance_ppm(200_000) { " sync" } else { "" }
            ),
            5 => "p flush".into(),
            6 => format!("crash broker-{} mode={}", r.range_inclusive(1, brokers), pick(&mut r, &["process", "power"])),
            7 => format!("restart broker-{}", r.range_inclusive(1, brokers)),
            8 => format!("isolate broker-{} for {}ms", r.range_inclusive(1, brokers), r.range_inclusive(1, 20_000)),
            9 => format!("drop broker-{} -> p count={}", r.range_inclusive(1, brokers), r.range_inclusive(1, 3)),
            10 => "c poll t".into(),
            _ => format!("p restart{}", if r.chance_ppm(500_000) { " resend=unacked" } else { "" }),
        };
        s.push_str(&format!("at {t}ms {action}\n"));
    }
    if txn {
        s.push_str(&format!("at {}ms p {}\n", t + 100, pick(&mut r, &["commit", "abort"])));
    }
    s.push_str(&format!("at {}ms heal\n", t + 200));
    if r.chance_ppm(300_000) {
        s.push_str(&format!("run until {}s\n", r.range_inclusive(1, 60)));
    }
    s.push_str("expect sent>=0\n");
    s
}

#[test]
fn random_scenarios_run_deterministically() {
    let opts = RunOptions { records: true, trace: true, ..RunOptions::default() };
    for case in 0..cases() {
        let text = random_scenario(case);
        if std::env::var("KPLAY_PROPERTY_ECHO").is_ok() {
            eprintln!("--- case {case}\n{text}");
        }
        let a = match kplay::run(&text, &opts) {
            Ok(r) => r,
            Err(d) => panic!("case {case}: generated scenario rejected: {:?}\n{text}", d),
        };
        let b = kplay::run(&text, &opts).expect("valid");
        assert_eq!(a.trace_hash, b.trace_hash, "case {case}: trace differs\n{text}");
        assert_eq!(a.to_json(), b.to_json(), "case {case}: report differs\n{text}");
        assert!(a.end_time_us <= kplay::budget::Budgets::default().virtual_time_us, "case {case}: did not end\n{text}");
    }
}

#[test]
fn random_bytes_never_panic_the_parser() {
    let mut r = Prng::new(99);
    for _ in 0..cases() * 20 {
        let len = r.below(300) as usize;
        let bytes: Vec<u8> = (0..len).map(|_| r.below(256) as u8).collect();
        let _ = kplay::script::parse(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn token_soup_never_panics_the_parser() {
    const WORDS: &[&str] = &[
        "at",
        "0ms",
        "5s",
        "app",
        "send",
        "orders",
        "count=",
        "every=1ms",
        "key={i%0}",
        "size=99999999999B",
        "->",
        "drop",
        "cut",
        "isolate",
        "heal",
        "crash",
        "leader",
        "orders/9",
        "restart",
        "broker-0",
        "broker-99",
        "topic",
        "producer",
        "consumer",
        "brokers",
        "0",
        "-1",
        "acks=",
        "linger.ms=1.5",
        "\"",
        "=",
        "expect",
        "lost<",
        "trace",
        "run",
        "until",
        "idle",
        "seed",
        "kafka",
        "9.9.9",
        "#",
        "\t",
        "\n",
        "partitions=0",
        "replica.assignment=1:1",
        "batch.size=-5",
        "transactional.id=",
        "begin",
        "commit",
        "abort",
        "init",
        "poll",
        "μ",
        "🙂",
    ];
    let mut r = Prng::new(7);
    for _ in 0..cases() * 20 {
        let n = r.below(40);
        let text: Vec<&str> = (0..n).map(|_| WORDS[r.below(WORDS.len() as u64) as usize]).collect();
        let _ = kplay::script::parse(&text.join(" "));
        let _ = kplay::script::parse(&text.join("\n"));
    }
}
