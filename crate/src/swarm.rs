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

use crate::checker::invariants::Invariants;
use crate::run::{RunOptions, Session};
use crate::sim::Prng;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guarantee {
    Durability,
    ExactlyOnce,
}

const NODES: [&str; 5] = ["broker-1", "broker-2", "broker-3", "app", "controller"];

fn pick<'a>(rng: &mut Prng, xs: &[&'a str]) -> &'a str {
    xs[rng.below(xs.len() as u64) as usize]
}

/// A random scenario for `seed` under `g`.
pub fn scenario(seed: u64, g: Guarantee) -> String {
    let mut rng = Prng::new(seed).fork("swarm");
    let partitions = rng.range_inclusive(1, 3);
    let records = rng.range_inclusive(50, 250);
    let every_ms = rng.range_inclusive(1, 20);
    let linger = rng.range_inclusive(0, 20);
    let in_flight = rng.range_inclusive(1, 5);
    let span_ms = records * every_ms;
    let mut s = format!(
        "# swarm seed {seed} ({g:?})\nseed {seed}\nbrokers 3 min.insync.replicas=2\n\
         topic t partitions={partitions} replication.factor=3\n\
         producer app acks=all linger.ms={linger} max.in.flight.requests.per.connection={in_flight}\n\
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
                    let at = at.max(crash_free_from);
                    let b = rng.range_inclusive(1, 3);
                    let back = at + rng.range_inclusive(500, 15_000);
                    s.push_str(&format!("at {at}ms crash broker-{b}\nat {back}ms restart broker-{b}\n"));
                    crash_free_from = back + 1;
                    end_ms = end_ms.max(back + 1000);
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
    });
    s
}

/// Run one seed; on failure, the scenario text and what went wrong.
pub fn run_one(seed: u64, g: Guarantee) -> Result<u64, (String, String)> {
    let text = scenario(seed, g);
    let mut session = match Session::new(&text, RunOptions::default()) {
        Ok(s) => s,
        Err(d) => return Err((text, format!("generated scenario is invalid: {:?}", d))),
    };
    let mut inv = Invariants::default();
    let mut steps = 0u64;
    loop {
        let done = session.step(1);
        steps += 1;
        if let Err(e) = inv.check(&session.world) {
            return Err((text, format!("invariant broken at {}: {e}", crate::sim::fmt_us(session.world.now))));
        }
        if steps.is_multiple_of(1024) || done {
            if let Err(e) = inv.check_logs(&session.world) {
                return Err((text, format!("invariant broken at {}: {e}", crate::sim::fmt_us(session.world.now))));
            }
        }
        if done {
            break;
        }
    }
    // Liveness: once healed, the cluster settles (every replica back in the ISR, caught up)
    // and the run ends by itself, well before the 24-hour cap.
    if session.world.stopped_by_cap || !session.world.cluster_settled() {
        return Err((
            text,
            format!(
                "liveness broken: the cluster never settled after the heal (run ended at {}{})",
                crate::sim::fmt_us(session.world.now),
                if session.world.stopped_by_cap { ", the 24-hour cap" } else { "" }
            ),
        ));
    }
    let report = session.report();
    if let Some(e) = report.expectations.iter().find(|e| !e.held) {
        let got: Vec<String> = e.clauses.iter().map(|c| format!("{}={}", c.name, c.actual)).collect();
        let why: Vec<String> = report.explanations.iter().take(3).map(|x| x.text.clone()).collect();
        return Err((
            text,
            format!("guarantee broken: expect {} (got {}); {}", e.text, got.join(", "), why.join(" | ")),
        ));
    }
    Ok(session.world.events)
}
