//! A generated-scenario fuzz of the runner: valid scenario texts, drawn from one seed
//! each, that mix every declaration, producer setting and timeline action kplay has
//! (transactions, compression, restarts, crashes, power loss, pauses, drops, cuts,
//! isolations, polls, small segments, retention and compaction), now and then at Kafka-valid extremes (`linger.ms=Long.MAX_VALUE`,
//! `size=4294967295`, `every=18446744073709s`, `for 18446744073709551615us`, huge network
//! latency). A scenario either ends with `run until T` (at most ten minutes) or heals
//! every fault and runs until idle; extremes that keep work pending for ever (a record
//! due in 584,942 years, a batch that lingers for ever, a message that never arrives) go
//! only into the first kind, since an idle run rightly waits for them until the 24-hour
//! cap; so does random `loss=`, which no `heal` ends.
//!
//! The property: every text parses, and its run ends without a panic and without a busy
//! loop: [`EVENT_BUDGET`] kernel events must carry the run through at least
//! [`BUSY_LOOP_US`] of virtual time (issue 11's sender looped every microsecond and would
//! spend them in a fraction of a second). A run that uses the budget up later, or
//! reaches the 24-hour cap, is a long run, not a failure: a `sync` send whose every record
//! waits out `delivery.timeout.ms` against NOT_ENOUGH_REPLICAS takes hours, honestly.
//!
//! Used by `tests/fuzz_runner.rs` (bounded) and `kplay fuzz` (long runs; build with
//! `--profile fuzz` so overflow checks stay on and a panic is caught per scenario).
//!
//! Map: [`scenario`] (the generator: declarations, then [`timeline`]), [`check`].

use crate::budget::Budgets;
use crate::run::{RunOptions, Session};
use crate::sim::Prng;

/// Kernel events one generated scenario may take (most take under 50,000).
pub const EVENT_BUDGET: u64 = 2_000_000;
/// The virtual time [`EVENT_BUDGET`] events must at least cover (555 events per virtual
/// second; the busiest honest scenarios run under 100).
pub const BUSY_LOOP_US: u64 = 3_600_000_000;

/// How one generated scenario went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It ran to its end: kernel events, and how it ended (`idle` or `time`).
    Ended { events: u64, ended_by: String },
    /// It ran for hours of virtual time and was stopped by a budget or the 24-hour cap.
    Long(String),
    /// The generator wrote a text the parser refused (a generator bug).
    Invalid(String),
    /// It spent its event budget before [`BUSY_LOOP_US`] of virtual time: a busy loop.
    BusyLoop(String),
}

const EXTREME_PPM: u32 = 50_000;

fn pick<'a>(r: &mut Prng, xs: &[&'a str]) -> &'a str {
    xs[r.below(xs.len() as u64) as usize]
}

struct Gen {
    r: Prng,
    /// The scenario ends with `run until`: extremes allowed.
    bounded: bool,
    brokers: u64,
    topics: Vec<(String, u64)>,
    /// (name, transactional, idempotent or transactional).
    producers: Vec<(String, bool)>,
    /// Consumers, and whether each has a group.id.
    consumers: Vec<(String, bool)>,
    /// Pipelines.
    pipelines: Vec<String>,
    lines: Vec<(u64, String)>,
}

/// The scenario text for `seed`.
pub fn scenario(seed: u64) -> String {
    let mut r = Prng::new(seed).fork("fuzz");
    let bounded = r.chance_ppm(400_000);
    let mut g = Gen {
        r,
        bounded,
        brokers: 0,
        topics: vec![],
        producers: vec![],
        consumers: vec![],
        pipelines: vec![],
        lines: vec![],
    };
    let mut s = format!("# fuzz scenario {seed}\nseed {seed}\n");
    if g.r.chance_ppm(200_000) {
        s.push_str(&format!("kafka {}\n", pick(&mut g.r, &["2.8", "3.0", "3.6", "3.9", "4.0"])));
    }
    g.brokers = g.r.range_inclusive(1, 5);
    s.push_str(&format!("brokers {}{}\n", g.brokers, broker_props(&mut g.r, g.brokers)));
    for t in 0..g.r.range_inclusive(1, 3) {
        let partitions = g.r.range_inclusive(1, 8);
        let rf = g.r.range_inclusive(1, g.brokers);
        let mut line = format!("topic t{t} partitions={partitions} replication.factor={rf}");
        if g.r.chance_ppm(300_000) {
            line.push_str(&format!(" min.insync.replicas={}", g.r.range_inclusive(1, rf)));
        }
        if g.r.chance_ppm(150_000) {
            line.push_str(pick(&mut g.r, &[" flush.messages=1", " segment.bytes=1048576", " flush.ms=50"]));
        } else if g.r.chance_ppm(250_000) {
            // The log on disk: small segments, rolls by time and by full indexes,
            // retention by time and size, compaction (keyless sends then fail).
            line.push_str(pick(
                &mut g.r,
                &[
                    " segment.bytes=2000",
                    " segment.ms=500",
                    " segment.bytes=3000 retention.ms=2000",
                    " segment.bytes=2000 retention.bytes=5000",
                    " cleanup.policy=compact segment.ms=300 min.cleanable.dirty.ratio=0.1 delete.retention.ms=1000",
                    " cleanup.policy=compact,delete segment.bytes=1500 retention.ms=3000 min.compaction.lag.ms=200",
                    " segment.index.bytes=64 index.interval.bytes=100",
                ],
            ));
        }
        s.push_str(&line);
        s.push('\n');
        g.topics.push((format!("t{t}"), partitions));
    }
    for p in 0..g.r.range_inclusive(1, 3) {
        let (line, txn) = producer(&mut g.r, p, g.bounded);
        s.push_str(&line);
        g.producers.push((format!("p{p}"), txn));
    }
    for c in 0..g.r.below(3) {
        let iso = if g.r.chance_ppm(500_000) { " isolation.level=read_uncommitted" } else { "" };
        // Half the consumers belong to one of two groups (classic protocol).
        let group = if g.r.chance_ppm(500_000) {
            let assignor = pick(&mut g.r, &["range", "roundrobin", "sticky", "cooperative-sticky"]);
            let session = g.r.range_inclusive(6, 20) * 1000;
            let mut extra = format!(
                " group.id=g{} partition.assignment.strategy={assignor} session.timeout.ms={session} heartbeat.interval.ms={} auto.offset.reset={}",
                g.r.below(2),
                session / 3,
                pick(&mut g.r, &["earliest", "latest"])
            );
            if g.r.chance_ppm(250_000) {
                extra.push_str(&format!(" group.instance.id=i{c}"));
            }
            if g.r.chance_ppm(250_000) {
                extra.push_str(" enable.auto.commit=false");
            }
            if g.r.chance_ppm(250_000) {
                extra.push_str(&format!(" max.poll.interval.ms={}", g.r.range_inclusive(2, 20) * 1000));
            }
            if g.r.chance_ppm(250_000) {
                extra.push_str(&format!(" max.poll.records={}", g.r.range_inclusive(1, 100)));
            }
            extra
        } else {
            String::new()
        };
        s.push_str(&format!("consumer c{c}{iso}{group}\n"));
        g.consumers.push((format!("c{c}"), !group.is_empty()));
    }
    // A pipeline now and then, between two distinct topics (crashed, restarted and paused
    // by the timeline like a consumer).
    // Topics flow one way (from a lower to a higher index): pipelines feeding each other
    // in a cycle would copy records forever, as they would on a real cluster.
    if g.topics.len() >= 2 && g.r.chance_ppm(300_000) {
        let before_3 = s.contains("kafka 2.");
        for k in 0..g.r.range_inclusive(1, 2) {
            let from = g.r.below(g.topics.len() as u64 - 1) as usize;
            let to = from + 1 + g.r.below((g.topics.len() - from - 1) as u64) as usize;
            let guarantee =
                if before_3 { "at_least_once" } else { pick(&mut g.r, &["exactly_once_v2", "at_least_once"]) };
            let mut line = format!(
                "pipeline e{k} from={} to={} group.id=pg{} processing.guarantee={guarantee} commit.interval.ms={} process={}ms session.timeout.ms={}",
                g.topics[from].0,
                g.topics[to].0,
                g.r.below(2),
                g.r.range_inclusive(1, 50) * 100,
                g.r.below(4),
                g.r.range_inclusive(6, 20) * 1000,
            );
            if guarantee == "exactly_once_v2" && g.r.chance_ppm(300_000) {
                line.push_str(&format!(" transaction.timeout.ms={}", g.r.range_inclusive(2, 60) * 1000));
            }
            s.push_str(&line);
            s.push('\n');
            g.pipelines.push(format!("e{k}"));
        }
    }
    if g.r.chance_ppm(400_000) {
        s.push_str(&network(&mut g.r, g.bounded));
    }
    let end_ms = timeline(&mut g);
    g.lines.sort_by_key(|(t, _)| *t);
    for (_, l) in &g.lines {
        s.push_str(l);
        s.push('\n');
    }
    if g.bounded {
        s.push_str(&format!("run until {}ms\n", g.r.range_inclusive(end_ms / 2, 600_000.min(end_ms + 60_000))));
    } else {
        // Heal, bring every broker back, and let the run settle by itself.
        s.push_str(&format!("at {end_ms}ms heal\n"));
        for b in 1..=g.brokers {
            s.push_str(&format!("at {end_ms}ms restart broker-{b}\n"));
        }
    }
    s.push_str("expect sent>=0\n");
    s
}

fn broker_props(r: &mut Prng, brokers: u64) -> String {
    let mut p = String::new();
    if r.chance_ppm(400_000) {
        p.push_str(&format!(" min.insync.replicas={}", r.range_inclusive(1, brokers)));
    }
    if r.chance_ppm(200_000) {
        p.push_str(" unclean.leader.election.enable=true");
    }
    if r.chance_ppm(150_000) {
        p.push_str(&format!(" replica.lag.time.max.ms={}", r.range_inclusive(500, 30_000)));
    }
    if r.chance_ppm(100_000) {
        p.push_str(" log.flush.interval.messages=1");
    }
    if r.chance_ppm(200_000) {
        p.push_str(" log.retention.check.interval.ms=1000 log.cleaner.backoff.ms=500");
    }
    p
}

fn producer(r: &mut Prng, p: u64, extremes: bool) -> (String, bool) {
    let mut l = format!("producer p{p}");
    let acks = pick(r, &["all", "all", "1", "0"]);
    l.push_str(&format!(" acks={acks}"));
    let txn = acks == "all" && r.chance_ppm(250_000);
    if txn {
        l.push_str(&format!(" transactional.id=tx{p}"));
    } else if acks == "all" && r.chance_ppm(300_000) {
        l.push_str(" enable.idempotence=true");
    } else if r.chance_ppm(300_000) {
        l.push_str(" enable.idempotence=false");
    }
    let extreme = extremes && r.chance_ppm(EXTREME_PPM);
    let linger_max = extreme && r.chance_ppm(500_000);
    if linger_max {
        l.push_str(" linger.ms=9223372036854775807");
    } else {
        l.push_str(&format!(" linger.ms={}", r.below(30)));
    }
    if extreme && r.chance_ppm(500_000) {
        l.push_str(" retry.backoff.ms=9223372036854775807");
    } else if r.chance_ppm(300_000) {
        l.push_str(&format!(" retry.backoff.ms={}", r.range_inclusive(1, 500)));
    }
    if r.chance_ppm(300_000) {
        l.push_str(&format!(" batch.size={}", pick(r, &["0", "200", "1024", "16384", "100000"])));
    }
    if r.chance_ppm(300_000) {
        l.push_str(&format!(" compression.type={}", pick(r, &["gzip", "snappy", "lz4", "zstd"])));
    }
    if !txn && r.chance_ppm(200_000) {
        l.push_str(&format!(" max.in.flight.requests.per.connection={}", r.range_inclusive(1, 5)));
    }
    // delivery.timeout.ms >= linger.ms + request.timeout.ms (Kafka's rule).
    if !linger_max && r.chance_ppm(200_000) {
        let request = r.range_inclusive(100, 5_000);
        l.push_str(&format!(" request.timeout.ms={request} delivery.timeout.ms={}", request + 30 + r.below(60_000)));
    }
    if r.chance_ppm(100_000) {
        l.push_str(&format!(" buffer.memory={} max.block.ms={}", r.range_inclusive(20_000, 200_000), r.below(2_000)));
    }
    l.push('\n');
    (l, txn)
}

fn network(r: &mut Prng, extremes: bool) -> String {
    let extreme = extremes && r.chance_ppm(EXTREME_PPM);
    let latency =
        if extreme { "18446744073709551615us".to_string() } else { format!("{}us", r.range_inclusive(0, 20_000)) };
    let mut l = format!("network latency={latency}");
    if r.chance_ppm(400_000) {
        let jitter = if extreme { "18446744073709551615us".to_string() } else { format!("{}us", r.below(5_000)) };
        l.push_str(&format!(" jitter={jitter}"));
    }
    if extremes && r.chance_ppm(250_000) {
        l.push_str(&format!(" loss={}%", pick(r, &["0.1", "1", "5"])));
    }
    l.push('\n');
    l
}

/// Timeline lines into `g.lines`; returns when the faults are over (ms).
fn timeline(g: &mut Gen) -> u64 {
    let span = g.r.range_inclusive(50, 5_000);
    let mut end = span;
    for (name, txn) in g.producers.clone() {
        let sends = g.r.range_inclusive(1, 4);
        let start = g.r.below(span);
        if txn {
            g.lines.push((start, format!("at {start}ms {name} begin")));
        }
        for _ in 0..sends {
            let at = start + g.r.below(span);
            let opts = send_opts(g);
            g.lines.push((at, format!("at {at}ms {name} send {opts}")));
        }
        if txn {
            let at = start + span + g.r.below(100);
            let verb = if g.r.chance_ppm(700_000) { "commit" } else { "abort" };
            g.lines.push((at, format!("at {at}ms {name} {verb}")));
        }
        if g.r.chance_ppm(200_000) {
            let at = g.r.below(span * 2);
            g.lines.push((at, format!("at {at}ms {name} flush")));
        }
        if g.r.chance_ppm(150_000) {
            let at = g.r.below(span * 2);
            let resend = if g.r.chance_ppm(500_000) { " resend=unacked" } else { "" };
            g.lines.push((at, format!("at {at}ms {name} restart{resend}")));
        }
    }
    for (c, grouped) in g.consumers.clone() {
        let at = g.r.below(span * 2);
        let topic = g.topics[g.r.below(g.topics.len() as u64) as usize].0.clone();
        if !grouped {
            g.lines.push((at, format!("at {at}ms {c} poll {topic}")));
            continue;
        }
        g.lines.push((at, format!("at {at}ms {c} subscribe {topic}")));
        let every = g.r.range_inclusive(10, 200);
        let process = g.r.below(4);
        let until = if g.r.chance_ppm(300_000) {
            format!(" until={}ms", at + g.r.range_inclusive(1, 60_000))
        } else {
            String::new()
        };
        g.lines.push((at, format!("at {at}ms {c} poll every={every}ms process={process}ms{until}")));
        for _ in 0..g.r.below(3) {
            let t = at + g.r.below(span * 2 + 1);
            let line = match g.r.below(6) {
                0 => format!("at {t}ms {c} commit sync"),
                1 => format!("at {t}ms {c} commit async"),
                2 => format!("at {t}ms {c} pause for {}ms", g.r.range_inclusive(1, 30_000)),
                3 => format!("at {t}ms crash {c}"),
                4 => format!("at {t}ms restart {c}"),
                _ => format!("at {t}ms {c} close"),
            };
            g.lines.push((t, line));
        }
    }
    for e in g.pipelines.clone() {
        for _ in 0..g.r.below(3) {
            let t = g.r.below(span * 2 + 1);
            let line = match g.r.below(3) {
                0 => format!("at {t}ms crash {e}"),
                1 => format!("at {t}ms restart {e}"),
                _ => format!("at {t}ms {e} pause for {}ms", g.r.range_inclusive(1, 30_000)),
            };
            g.lines.push((t, line));
        }
    }
    for _ in 0..g.r.below(5) {
        let at = g.r.below(span * 2);
        let (line, until) = fault(g, at);
        end = end.max(until);
        g.lines.push((at, line));
    }
    end + 1_000
}

fn send_opts(g: &mut Gen) -> String {
    let r = &mut g.r;
    let (topic, partitions) = g.topics[r.below(g.topics.len() as u64) as usize].clone();
    let extreme = g.bounded && r.chance_ppm(EXTREME_PPM);
    let mut o = format!("{topic} count={}", r.range_inclusive(1, 300));
    if extreme && r.chance_ppm(500_000) {
        o.push_str(" every=18446744073709s");
    } else if r.chance_ppm(600_000) {
        o.push_str(&format!(" every={}us", r.below(5_000)));
    }
    if r.chance_ppm(500_000) {
        o.push_str(&format!(" key=k{{i%{}}}", r.range_inclusive(1, 20)));
    }
    if extreme && r.chance_ppm(500_000) {
        o.push_str(" size=4294967295");
    } else if r.chance_ppm(300_000) {
        o.push_str(&format!(" size={}", pick(r, &["0", "10", "1KiB", "20KiB", "2MiB"])));
    } else if r.chance_ppm(100_000) {
        o.push_str(" value=\"hello world\"");
    }
    if r.chance_ppm(150_000) {
        o.push_str(&format!(" partition={}", r.below(partitions)));
    }
    if r.chance_ppm(100_000) {
        o.push_str(" sync");
    }
    o
}

/// A fault line at `at` ms and when its effect ends (ms).
fn fault(g: &mut Gen, at: u64) -> (String, u64) {
    let r = &mut g.r;
    let broker = r.range_inclusive(1, g.brokers);
    let d = r.range_inclusive(100, 20_000);
    let forever = r.chance_ppm(EXTREME_PPM);
    let dur = if forever { "18446744073709551615us".to_string() } else { format!("{d}ms") };
    let node = |r: &mut Prng, producers: &[(String, bool)]| -> String {
        if r.chance_ppm(300_000) && !producers.is_empty() {
            producers[r.below(producers.len() as u64) as usize].0.clone()
        } else {
            format!("broker-{}", r.range_inclusive(1, g.brokers))
        }
    };
    match r.below(8) {
        0 => {
            let mode = if r.chance_ppm(300_000) { " mode=power" } else { "" };
            (format!("at {at}ms crash broker-{broker}{mode}\nat {}ms restart broker-{broker}", at + d), at + d)
        }
        1 => {
            let (topic, partitions) = g.topics[r.below(g.topics.len() as u64) as usize].clone();
            (format!("at {at}ms crash leader {topic}/{}", r.below(partitions)), at)
        }
        2 | 3 => {
            let other = node(r, &g.producers);
            let (a, b) = if r.chance_ppm(500_000) {
                (format!("broker-{broker}"), other)
            } else {
                (other, format!("broker-{broker}"))
            };
            if a == b {
                return (format!("at {at}ms heal"), at);
            }
            let verb = if r.below(2) == 0 { "drop" } else { "cut" };
            let tail = if verb == "drop" {
                let api = if r.chance_ppm(400_000) { " api=Produce" } else { "" };
                format!(" count={}{api}", r.range_inclusive(1, 5))
            } else {
                format!(" for {dur}")
            };
            (format!("at {at}ms {verb} {a} -> {b}{tail}"), at + d)
        }
        4 => (format!("at {at}ms isolate broker-{broker} for {dur}"), at + d),
        5 => (format!("at {at}ms heal"), at),
        6 => (format!("at {at}ms pause broker-{broker} for {d}ms"), at + d),
        _ => (format!("at {at}ms restart broker-{broker}"), at),
    }
}

/// Runs one generated text within [`EVENT_BUDGET`].
pub fn check(text: &str) -> Outcome {
    let budgets = Budgets { events: EVENT_BUDGET, ..Budgets::default() };
    let mut session = match Session::new(text, RunOptions { budgets, ..RunOptions::default() }) {
        Ok(s) => s,
        Err(d) => return Outcome::Invalid(format!("{d:?}")),
    };
    session.run_to_end();
    let w = &session.world;
    if let Some(e) = &w.stopped {
        return if w.now < BUSY_LOOP_US { Outcome::BusyLoop(e.note()) } else { Outcome::Long(e.note()) };
    }
    if w.stopped_by_cap {
        return Outcome::Long("an idle run reached the 24-hour cap".into());
    }
    let report = session.report();
    Outcome::Ended { events: report.kernel_events, ended_by: report.ended_by }
}
