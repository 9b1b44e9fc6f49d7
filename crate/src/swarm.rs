//! Swarm testing in TigerBeetle's style: many seeds, each a random fault schedule written
//! as scenario text, a fault phase then a heal-and-settle phase, model invariants checked
//! throughout, the cluster required to settle after the heal, and a guarantee checked at
//! the end. A failure hands back the scenario text, so `kplay run` reproduces it exactly.
//!
//! Guarantees (what Kafka promises under these settings):
//! - [`Guarantee::Durability`]: acks=all, min.insync.replicas=2, RF 3, clean elections, and
//!   at most one broker losing power at a time (never two replicas inside the same
//!   writeback window): no acknowledged record is lost.
//! - [`Guarantee::ExactlyOnce`]: an idempotent producer, acks=all, min ISR 2, RF 3, any
//!   schedule of dropped requests and responses and single-broker process crashes: no
//!   duplicate, no reordering, no acknowledged loss.
//! - [`Guarantee::Pipeline`]: one or two instances of an exactly_once_v2 pipeline on the
//!   same cluster, under dropped messages, single-broker crashes, cuts and isolations, and
//!   crashes and restarts of the pipeline itself: every input has exactly one readable
//!   output (no `pipeline_lost`, no `pipeline_duplicated`).
//! - [`Guarantee::Group`]: a consumer group of two or three members with the auto-commit
//!   and `auto.offset.reset=earliest` (random assignors, protocols, static members and
//!   processing times), under dropped messages, single-broker crashes, cuts and
//!   isolations, and crashes, restarts and pauses of its members: no record skipped
//!   (reprocessing is what at-least-once allows).
//!
//! Every schedule runs within an event budget ([`EVENT_BUDGET`]), as TigerBeetle's VOPR
//! runs a seed within a timeout: a schedule that uses it up is a liveness failure.
//!
//! The negative control ([`Settings::Unsafe`]): the same schedules with the settings
//! Kafka's guarantees rest on turned off (acks=1, enable.idempotence=false,
//! unclean.leader.election.enable=true; for pipelines, processing.guarantee=at_least_once;
//! for groups, auto.offset.reset=latest and explicit commits while records are processed)
//! must show violations, so a checker that stopped seeing anything would be caught.

use crate::budget::Budgets;
use crate::checker::invariants::Invariants;
use crate::run::{RunOptions, Session};
use crate::sim::Prng;

/// Kernel events one schedule may take: 40 times what the largest clean schedule of
/// 20,000 per guarantee takes (about 12,000).
pub const EVENT_BUDGET: u64 = 500_000;

/// The configuration a schedule runs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settings {
    /// What the guarantee needs (acks=all, idempotence, clean elections).
    Safe,
    /// The negative control: acks=1, enable.idempotence=false,
    /// unclean.leader.election.enable=true.
    Unsafe,
}

/// How one schedule went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Kernel events run.
    Clean(u64),
    /// The expect line (the guarantee) failed.
    Guarantee(String),
    /// A model invariant broke while running.
    Invariant(String),
    /// The run did not end by itself: event budget, 24-hour cap, or no settling.
    Liveness(String),
    /// The generated text did not parse (a generator bug).
    Invalid(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guarantee {
    Durability,
    ExactlyOnce,
    Pipeline,
    Group,
}

const NODES: [&str; 5] = ["broker-1", "broker-2", "broker-3", "app", "controller"];

fn pick<'a>(rng: &mut Prng, xs: &[&'a str]) -> &'a str {
    xs[rng.below(xs.len() as u64) as usize]
}

/// A random scenario for `seed` under `g` with the settings the guarantee needs.
pub fn scenario(seed: u64, g: Guarantee) -> String {
    scenario_with(seed, g, Settings::Safe)
}

/// The same schedule as [`scenario`], with `settings`.
pub fn scenario_with(seed: u64, g: Guarantee, settings: Settings) -> String {
    if g == Guarantee::Pipeline {
        return pipeline_scenario(seed, settings);
    }
    if g == Guarantee::Group {
        return group_scenario(seed, settings);
    }
    let mut rng = Prng::new(seed).fork("swarm");
    let partitions = rng.range_inclusive(1, 3);
    let records = rng.range_inclusive(50, 250);
    let every_ms = rng.range_inclusive(1, 20);
    let linger = rng.range_inclusive(0, 20);
    let in_flight = rng.range_inclusive(1, 5);
    let span_ms = records * every_ms;
    let (broker_extra, producer_acks) = match settings {
        Settings::Safe => ("", "acks=all"),
        Settings::Unsafe => (" unclean.leader.election.enable=true", "acks=1 enable.idempotence=false"),
    };
    let mut s = format!(
        "# swarm seed {seed} ({g:?}, {settings:?})\nseed {seed}\nbrokers 3 min.insync.replicas=2{broker_extra}\n\
         topic t partitions={partitions} replication.factor=3\n\
         producer app {producer_acks} linger.ms={linger} max.in.flight.requests.per.connection={in_flight}\n\
         at 0ms app send t count={records} every={every_ms}ms key=k{{i%7}}\n"
    );
    let mut end_ms = span_ms + 1000;
    let power_run = g == Guarantee::Durability && rng.chance_ppm(200_000);
    if power_run {
        // One broker loses power, alone: no other fault overlaps it.
        let b = rng.range_inclusive(1, 3);
        let at = rng.below(span_ms.max(1));
        let back = at + rng.range_inclusive(1_000, 20_000);
        s.push_str(&format!("at {at}ms crash broker-{b} mode=power\nat {back}ms restart broker-{b}\n"));
        end_ms = end_ms.max(back + 1000);
    } else {
        let faults = rng.range_inclusive(1, 6);
        // Crashes never overlap, so at most one broker is down at a time.
        let mut crash_free_from = 0u64;
        for _ in 0..faults {
            let at = rng.below(span_ms.max(1) + 5_000);
            let kind = rng.below(if g == Guarantee::ExactlyOnce { 3 } else { 5 });
            match kind {
                0 | 1 => {
                    // Drop produce requests or responses (any message with Durability).
                    let b = rng.range_inclusive(1, 3);
                    let count = rng.range_inclusive(1, 3);
                    let (from, to) = if rng.chance_ppm(500_000) {
                        ("app".to_string(), format!("broker-{b}"))
                    } else {
                        (format!("broker-{b}"), "app".to_string())
                    };
                    let api = if g == Guarantee::ExactlyOnce || rng.chance_ppm(500_000) { " api=Produce" } else { "" };
                    s.push_str(&format!("at {at}ms drop {from} -> {to} count={count}{api}\n"));
                }
                2 => {
                    broker_crash(&mut rng, &mut s, at, &mut crash_free_from, &mut end_ms);
                }
                3 => {
                    let a = pick(&mut rng, &NODES);
                    let mut b = pick(&mut rng, &NODES);
                    if a == b || !(a.starts_with("broker") || b.starts_with("broker")) {
                        b = if a == "broker-1" { "broker-2" } else { "broker-1" };
                    }
                    let d = rng.range_inclusive(500, 40_000);
                    s.push_str(&format!("at {at}ms cut {a} -> {b} for {d}ms\n"));
                    end_ms = end_ms.max(at + d);
                }
                _ => {
                    let b = rng.range_inclusive(1, 3);
                    let d = rng.range_inclusive(500, 40_000);
                    s.push_str(&format!("at {at}ms isolate broker-{b} for {d}ms\n"));
                    end_ms = end_ms.max(at + d);
                }
            }
        }
    }
    // Heal and settle.
    s.push_str(&format!("at {end_ms}ms heal\n"));
    for b in 1..=3 {
        s.push_str(&format!("at {end_ms}ms restart broker-{b}\n"));
    }
    s.push_str(match g {
        Guarantee::Durability => "expect lost=0\n",
        Guarantee::ExactlyOnce => "expect lost=0 duplicated=0 reordered=0\n",
        Guarantee::Pipeline | Guarantee::Group => unreachable!("pipeline_scenario, group_scenario"),
    });
    s
}

/// A broker process crash at `at` (or once the previous one is back, so crashes never
/// overlap), restarted 0.5-15 s later.
fn broker_crash(rng: &mut Prng, s: &mut String, at: u64, crash_free_from: &mut u64, end_ms: &mut u64) {
    let at = at.max(*crash_free_from);
    let b = rng.range_inclusive(1, 3);
    let back = at + rng.range_inclusive(500, 15_000);
    s.push_str(&format!("at {at}ms crash broker-{b}\nat {back}ms restart broker-{b}\n"));
    *crash_free_from = back + 1;
    *end_ms = (*end_ms).max(back + 1000);
}

/// A [`Guarantee::Pipeline`] schedule: a producer writes `in`, one or two instances of a
/// pipeline copy it to `out`, faults hit the brokers, the links and the pipelines.
fn pipeline_scenario(seed: u64, settings: Settings) -> String {
    let mut rng = Prng::new(seed).fork("swarm pipeline");
    let partitions = rng.range_inclusive(1, 4);
    let records = rng.range_inclusive(50, 200);
    let every_ms = rng.range_inclusive(5, 30);
    let span_ms = records * every_ms + 3_000;
    let guarantee = match settings {
        Settings::Safe => "exactly_once_v2",
        Settings::Unsafe => "at_least_once",
    };
    let commit_ms = rng.range_inclusive(1, 20) * 100;
    let session_ms = rng.range_inclusive(6, 15) * 1000;
    let instances = rng.range_inclusive(1, 2);
    let mut s = format!(
        "# swarm seed {seed} (Pipeline, {settings:?})\nseed {seed}\nbrokers 3 min.insync.replicas=2\n\
         topic in partitions={partitions} replication.factor=3\ntopic out partitions=2 replication.factor=3\n\
         producer app acks=all\n"
    );
    let names: Vec<String> = (1..=instances).map(|i| format!("p{i}")).collect();
    for n in &names {
        s.push_str(&format!(
            "pipeline {n} from=in to=out group.id=g transactional.id=t-{n} processing.guarantee={guarantee} \
             commit.interval.ms={commit_ms} process={}ms session.timeout.ms={session_ms}\n",
            rng.below(4)
        ));
    }
    s.push_str(&format!("at 0ms app send in count={records} every={every_ms}ms key=k{{i%7}}\n"));
    client_faults(&mut rng, &mut s, &names, span_ms, Some("-producer"), false);
    s.push_str("expect lost=0 pipeline_lost=0 pipeline_duplicated=0\n");
    s
}

/// A [`Guarantee::Group`] schedule: a producer writes `orders`, a group of two or three
/// consumers processes it, faults hit the brokers, the links and the members.
fn group_scenario(seed: u64, settings: Settings) -> String {
    let mut rng = Prng::new(seed).fork("swarm group");
    let partitions = rng.range_inclusive(1, 6);
    let records = rng.range_inclusive(50, 250);
    let every_ms = rng.range_inclusive(5, 30);
    let span_ms = records * every_ms + 3_000;
    let members = rng.range_inclusive(2, 3);
    let session_ms = rng.range_inclusive(6, 15) * 1000;
    let commit_ms = rng.range_inclusive(1, 10) * 500;
    let max_poll_ms = rng.range_inclusive(5, 30) * 1000;
    // KIP-848 members take their session from the brokers.
    let protocol = if rng.chance_ppm(300_000) {
        format!("group.protocol=consumer group.remote.assignor={}", pick(&mut rng, &["uniform", "range"]))
    } else {
        format!(
            "partition.assignment.strategy={} session.timeout.ms={session_ms}",
            pick(&mut rng, &["range", "roundrobin", "sticky", "cooperative-sticky"])
        )
    };
    let (reset, auto) = match settings {
        Settings::Safe => ("earliest", "true"),
        Settings::Unsafe => ("latest", "false"),
    };
    let mut s = format!(
        "# swarm seed {seed} (Group, {settings:?})\nseed {seed}\nbrokers 3 min.insync.replicas=2\n\
         topic orders partitions={partitions} replication.factor=3\nproducer app acks=all\n"
    );
    let names: Vec<String> = (1..=members).map(|i| format!("c{i}")).collect();
    for n in &names {
        let instance = if rng.chance_ppm(250_000) { format!(" group.instance.id={n}-id") } else { String::new() };
        s.push_str(&format!(
            "consumer {n} group.id=g {protocol} auto.offset.reset={reset} enable.auto.commit={auto} \
             auto.commit.interval.ms={commit_ms} max.poll.interval.ms={max_poll_ms}{instance}\n"
        ));
    }
    for n in &names {
        let at = rng.below(2_000);
        s.push_str(&format!("at {at}ms {n} subscribe orders\n"));
        s.push_str(&format!("at {at}ms {n} poll every=100ms process={}ms\n", rng.below(8)));
    }
    s.push_str(&format!("at 500ms app send orders count={records} every={every_ms}ms key=k{{i%11}}\n"));
    if settings == Settings::Unsafe {
        // Commits on a timer, whatever the members are doing.
        let mut t = commit_ms;
        while t < span_ms {
            for n in &names {
                s.push_str(&format!("at {t}ms {n} commit\n"));
            }
            t += commit_ms;
        }
    }
    client_faults(&mut rng, &mut s, &names, span_ms, None, true);
    s.push_str("expect lost=0 skipped=0\n");
    s
}

/// One to five faults over a workload of `span_ms`, each on a random client of `names`
/// (a pipeline or a group member) or a broker: the client crashing and restarting, drops,
/// broker crashes, cuts, isolations, and with `pauses` the application stalling; then the
/// heal and every broker restarted once the last fault is over. `peer` is the suffix of a
/// client's second node (a pipeline's `-producer`), which drops may hit instead.
fn client_faults(rng: &mut Prng, s: &mut String, names: &[String], span_ms: u64, peer: Option<&str>, pauses: bool) {
    let mut end_ms = span_ms + 1000;
    let mut crash_free_from = 0u64;
    for _ in 0..rng.range_inclusive(1, 5) {
        let at = rng.below(span_ms + 5_000);
        let n = &names[rng.below(names.len() as u64) as usize];
        match rng.below(if pauses { 6 } else { 5 }) {
            0 => {
                // The client's process dies and comes back.
                let back = at + rng.range_inclusive(100, 20_000);
                s.push_str(&format!("at {at}ms crash {n}\nat {back}ms restart {n}\n"));
                end_ms = end_ms.max(back + 1000);
            }
            1 => {
                let b = rng.range_inclusive(1, 3);
                let count = rng.range_inclusive(1, 3);
                let node = match peer {
                    Some(suffix) if !rng.chance_ppm(500_000) => format!("{n}{suffix}"),
                    _ => n.clone(),
                };
                let (from, to) =
                    if rng.chance_ppm(500_000) { (node, format!("broker-{b}")) } else { (format!("broker-{b}"), node) };
                s.push_str(&format!("at {at}ms drop {from} -> {to} count={count}\n"));
            }
            2 => broker_crash(rng, s, at, &mut crash_free_from, &mut end_ms),
            3 => {
                let b = rng.range_inclusive(1, 3);
                let d = rng.range_inclusive(500, 30_000);
                let (from, to) = if rng.chance_ppm(500_000) {
                    (n.clone(), format!("broker-{b}"))
                } else {
                    (format!("broker-{b}"), n.clone())
                };
                s.push_str(&format!("at {at}ms cut {from} -> {to} for {d}ms\n"));
                end_ms = end_ms.max(at + d);
            }
            4 if pauses => {
                // The application stalls (a long GC, slow processing): past
                // max.poll.interval.ms it leaves the group.
                let d = rng.range_inclusive(500, 20_000);
                s.push_str(&format!("at {at}ms {n} pause for {d}ms\n"));
                end_ms = end_ms.max(at + d + 1000);
            }
            _ => {
                let d = rng.range_inclusive(500, 30_000);
                let who =
                    if rng.chance_ppm(500_000) { n.clone() } else { format!("broker-{}", rng.range_inclusive(1, 3)) };
                s.push_str(&format!("at {at}ms isolate {who} for {d}ms\n"));
                end_ms = end_ms.max(at + d);
            }
        }
    }
    s.push_str(&format!("at {end_ms}ms heal\n"));
    for b in 1..=3 {
        s.push_str(&format!("at {end_ms}ms restart broker-{b}\n"));
    }
}

/// Run one seed; on failure, the scenario text and what went wrong.
pub fn run_one(seed: u64, g: Guarantee) -> Result<u64, (String, String)> {
    let text = scenario(seed, g);
    match check(&text) {
        Verdict::Clean(events) => Ok(events),
        Verdict::Guarantee(why) | Verdict::Invariant(why) | Verdict::Liveness(why) | Verdict::Invalid(why) => {
            Err((text, why))
        }
    }
}

/// Runs a generated scenario text: model invariants after every event, the cluster
/// settled at the end within [`EVENT_BUDGET`], then its expect line (the guarantee).
pub fn check(text: &str) -> Verdict {
    let budgets = Budgets { events: EVENT_BUDGET, ..Budgets::default() };
    let mut session = match Session::new(text, RunOptions { budgets, ..RunOptions::default() }) {
        Ok(s) => s,
        Err(d) => return Verdict::Invalid(format!("generated scenario is invalid: {:?}", d)),
    };
    let mut inv = Invariants::default();
    let mut steps = 0u64;
    loop {
        let done = session.step(1);
        steps += 1;
        let broken = inv
            .check(&session.world)
            .err()
            .or_else(|| (steps.is_multiple_of(1024) || done).then(|| inv.check_logs(&session.world).err()).flatten());
        if let Some(e) = broken {
            return Verdict::Invariant(format!("invariant broken at {}: {e}", crate::sim::fmt_us(session.world.now)));
        }
        if done {
            break;
        }
    }
    let w = &session.world;
    if let Some(e) = &w.stopped {
        return Verdict::Liveness(format!("liveness broken: the schedule exceeded its event budget ({})", e.note()));
    }
    // Liveness: once healed, the cluster settles (every replica back in the ISR, caught up)
    // and the run ends by itself, well before the 24-hour cap.
    if w.stopped_by_cap || !w.cluster_settled() {
        return Verdict::Liveness(format!(
            "liveness broken: the cluster never settled after the heal (run ended at {}{})",
            crate::sim::fmt_us(w.now),
            if w.stopped_by_cap { ", the 24-hour cap" } else { "" }
        ));
    }
    let report = session.report();
    if let Some(e) = report.expectations.iter().find(|e| !e.held) {
        let got: Vec<String> = e.clauses.iter().map(|c| format!("{}={}", c.name, c.actual)).collect();
        let why: Vec<String> = report.explanations.iter().take(3).map(|x| x.text.clone()).collect();
        return Verdict::Guarantee(format!(
            "guarantee broken: expect {} (got {}); {}",
            e.text,
            got.join(", "),
            why.join(" | ")
        ));
    }
    Verdict::Clean(w.events)
}

/// What the negative control saw over a range of seeds.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub clean: u64,
    pub guarantee: u64,
    pub invariant: u64,
    pub liveness: u64,
    pub invalid: u64,
    /// One schedule that broke the guarantee (seed, why), to show.
    pub example: Option<(u64, String)>,
}

/// Runs `seeds` with [`Settings::Unsafe`] and counts what the checker saw.
pub fn negative_control(g: Guarantee, seeds: std::ops::Range<u64>) -> Tally {
    let mut t = Tally::default();
    for seed in seeds {
        match check(&scenario_with(seed, g, Settings::Unsafe)) {
            Verdict::Clean(_) => t.clean += 1,
            Verdict::Guarantee(why) => {
                t.guarantee += 1;
                t.example.get_or_insert((seed, why));
            }
            Verdict::Invariant(_) => t.invariant += 1,
            Verdict::Liveness(_) => t.liveness += 1,
            Verdict::Invalid(_) => t.invalid += 1,
        }
    }
    t
}
