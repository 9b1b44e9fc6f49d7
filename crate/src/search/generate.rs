//! Fault schedule generators, one seeded PRNG stream per schedule.
//!
//! [`general`] draws from the `--faults` kinds within Kafka's design fault model: broker
//! faults during the workload (crashes, isolations, cuts may overlap; a power loss is the
//! schedule's only broker fault, so no replica is out of sync when it strikes), plus lost
//! or late messages and producer restarts at any time. [`targeted`] builds the one fault
//! episode a survival-card row names ([`FaultKind`]), aimed at a partition's preferred
//! leader (its leader until the first fault) and its followers; `None` when the row
//! cannot apply to the cluster (a follower crash with one replica).

use super::base::Base;
use super::faults::{Fault, FaultOp, Op, Target};
use crate::checker::guarantee::FaultKind;
use crate::sim::Prng;

/// The partitions' replica lists (first = preferred leader) and topic names.
struct Cluster<'a> {
    base: &'a Base,
    parts: Vec<(String, u32, Vec<u16>)>,
    /// Producers the timeline drives (a pipeline's producer is driven by its pipeline).
    producers: Vec<String>,
    /// Group consumers and pipelines, which `crash`/`restart` can take down.
    clients: Vec<String>,
}

impl<'a> Cluster<'a> {
    fn new(base: &'a Base) -> Cluster<'a> {
        let parts = base
            .scenario
            .topics
            .iter()
            .flat_map(|t| t.assignment.iter().enumerate().map(|(p, r)| (t.name.clone(), p as u32, r.clone())))
            .collect();
        let sc = &base.scenario;
        let producers = (0..sc.producers.len())
            .filter(|&p| !sc.pipelines.iter().any(|d| d.producer == p))
            .map(|p| sc.producers[p].name.clone())
            .collect();
        let clients = sc.consumers.iter().filter(|c| c.config.group_id.is_some()).map(|c| c.name.clone()).collect();
        Cluster { base, parts, producers, clients }
    }
    fn brokers(&self) -> u16 {
        self.base.scenario.brokers
    }
    fn broker(&self, rng: &mut Prng) -> u16 {
        rng.range_inclusive(1, self.brokers() as u64) as u16
    }
    fn partition(&self, rng: &mut Prng) -> &(String, u32, Vec<u16>) {
        &self.parts[rng.below(self.parts.len() as u64) as usize]
    }
    fn producer(&self, rng: &mut Prng) -> String {
        self.producers[rng.below(self.producers.len() as u64) as usize].clone()
    }
    /// `crash leader T/P` half the time, else a random broker.
    fn crash_target(&self, rng: &mut Prng) -> Target {
        if rng.chance_ppm(500_000) {
            let (topic, partition, replicas) = self.partition(rng).clone();
            Target::LeaderOf { topic, partition, replicas }
        } else {
            Target::Broker(self.broker(rng))
        }
    }
    /// A producer-broker link (either way) or, when `brokers_too`, a broker-broker one.
    fn link(&self, rng: &mut Prng, brokers_too: bool) -> (String, String, bool) {
        let b = format!("broker-{}", self.broker(rng));
        if brokers_too && self.brokers() > 1 && rng.chance_ppm(300_000) {
            let mut c = self.broker(rng);
            if format!("broker-{c}") == b {
                c = c % self.brokers() + 1;
            }
            return (b, format!("broker-{c}"), false);
        }
        let p = self.producer(rng);
        let produce_only = rng.chance_ppm(500_000);
        if rng.chance_ppm(500_000) {
            (p, b, produce_only)
        } else {
            (b, p, produce_only)
        }
    }
}

/// A general schedule over `ops` (see the module docs).
pub fn general(rng: &mut Prng, base: &Base, ops: &[FaultOp], counts: &[u64]) -> Vec<Fault> {
    let c = Cluster::new(base);
    let span = base.span_ms(counts);
    let has = |op| ops.contains(&op);
    let mut faults = Vec::new();
    if c.parts.is_empty() || c.producers.is_empty() {
        return faults;
    }
    let others: Vec<FaultOp> =
        [FaultOp::Crash, FaultOp::Isolate, FaultOp::Cut].into_iter().filter(|&o| has(o)).collect();
    let power = has(FaultOp::Power) && (others.is_empty() || rng.chance_ppm(250_000));
    if power {
        let at_ms = rng.below(span + 1);
        faults.push(Fault {
            at_ms,
            op: Op::Crash { target: c.crash_target(rng), power: true, down_ms: rng.range_inclusive(1_000, 20_000) },
        });
    } else if !others.is_empty() {
        for _ in 0..rng.range_inclusive(1, 3) {
            let at_ms = rng.below(span + 2_000);
            let op = match others[rng.below(others.len() as u64) as usize] {
                FaultOp::Crash => {
                    Op::Crash { target: c.crash_target(rng), power: false, down_ms: rng.range_inclusive(500, 20_000) }
                }
                FaultOp::Isolate => {
                    let b = if rng.chance_ppm(500_000) { c.partition(rng).2[0] } else { c.broker(rng) };
                    Op::Isolate { node: format!("broker-{b}"), for_ms: rng.range_inclusive(500, 40_000) }
                }
                _ => {
                    let (from, to, _) = c.link(rng, true);
                    let (from, to) = if rng.chance_ppm(500_000) { (from, to) } else { (to, from) };
                    Op::Cut { from, to, for_ms: rng.range_inclusive(500, 40_000) }
                }
            };
            faults.push(Fault { at_ms, op });
        }
    }
    let free: Vec<FaultOp> =
        [FaultOp::Drop, FaultOp::Delay, FaultOp::Restart].into_iter().filter(|&o| has(o)).collect();
    if !free.is_empty() {
        let n = if faults.is_empty() { rng.range_inclusive(1, 3) } else { rng.range_inclusive(0, 2) };
        let mut restarted = false;
        for _ in 0..n {
            let at_ms = rng.below(span + 2_000);
            let op = match free[rng.below(free.len() as u64) as usize] {
                FaultOp::Restart if !restarted => {
                    restarted = true;
                    if !c.clients.is_empty() && rng.chance_ppm(500_000) {
                        let client = c.clients[rng.below(c.clients.len() as u64) as usize].clone();
                        let down_ms = rng.chance_ppm(500_000).then(|| rng.range_inclusive(100, 20_000));
                        Op::RestartClient { client, down_ms }
                    } else {
                        Op::Restart { producer: c.producer(rng) }
                    }
                }
                FaultOp::Delay => {
                    let (from, to, _) = c.link(rng, !power);
                    Op::Delay {
                        from,
                        to,
                        by_ms: rng.range_inclusive(10, 2_000),
                        count: rng.range_inclusive(1, 3) as u32,
                    }
                }
                _ => {
                    let (from, to, produce_only) = c.link(rng, !power);
                    Op::Drop { from, to, count: rng.range_inclusive(1, 3) as u32, produce_only }
                }
            };
            faults.push(Fault { at_ms, op });
        }
    }
    faults
}

/// The fault episode of one survival-card row; `None` when the row cannot apply.
pub fn targeted(rng: &mut Prng, base: &Base, kind: FaultKind, counts: &[u64]) -> Option<Vec<Fault>> {
    let c = Cluster::new(base);
    if c.parts.is_empty() || c.producers.is_empty() {
        return None;
    }
    let span = base.span_ms(counts);
    let (topic, partition, replicas) = c.partition(rng).clone();
    let leader = replicas[0];
    let followers = &replicas[1..];
    let at_ms = rng.below(span + 1);
    let down_ms = rng.range_inclusive(500, 20_000);
    let crash = |b: u16, power: bool, at_ms: u64, down_ms: u64| Fault {
        at_ms,
        op: Op::Crash { target: Target::Broker(b), power, down_ms },
    };
    let lag_ms = base.scenario.broker_config.replica_lag_time_max_us / 1000;
    Some(match kind {
        FaultKind::MessageLoss => (0..rng.range_inclusive(1, 4))
            .map(|_| {
                let (from, to, produce_only) = c.link(rng, false);
                Fault {
                    at_ms: rng.below(span + 1),
                    op: Op::Drop { from, to, count: rng.range_inclusive(1, 3) as u32, produce_only },
                }
            })
            .collect(),
        FaultKind::LeaderCrash => vec![Fault {
            at_ms,
            op: Op::Crash {
                target: Target::LeaderOf { topic, partition, replicas: replicas.clone() },
                power: false,
                down_ms,
            },
        }],
        FaultKind::FollowerCrash if !followers.is_empty() => {
            vec![crash(followers[rng.below(followers.len() as u64) as usize], false, at_ms, down_ms)]
        }
        FaultKind::TwoBrokersDown if c.brokers() >= 2 => {
            let a = if replicas.len() >= 2 { replicas[rng.below(replicas.len() as u64) as usize] } else { leader };
            let mut b = c.broker(rng);
            if b == a {
                b = b % c.brokers() + 1;
            }
            let second = at_ms + rng.below(down_ms);
            vec![crash(a, false, at_ms, down_ms), crash(b, false, second, rng.range_inclusive(500, 20_000))]
        }
        FaultKind::PowerLossOne => {
            vec![crash(replicas[rng.below(replicas.len() as u64) as usize], true, at_ms, down_ms)]
        }
        FaultKind::PowerLossAll => replicas.iter().map(|&b| crash(b, true, at_ms, down_ms)).collect(),
        FaultKind::LeaderIsolated => {
            vec![Fault {
                at_ms,
                op: Op::Isolate { node: format!("broker-{leader}"), for_ms: rng.range_inclusive(1_000, 40_000) },
            }]
        }
        FaultKind::ProducerRestart => {
            let producer = c.producer(rng);
            let mut v = Vec::new();
            if rng.chance_ppm(500_000) {
                // Responses stop coming back first, so the restart leaves unacknowledged sends.
                let for_ms = rng.range_inclusive(100, 5_000);
                v.push(Fault { at_ms, op: Op::Cut { from: format!("broker-{leader}"), to: producer.clone(), for_ms } });
            }
            v.push(Fault { at_ms: at_ms + rng.below(2_000), op: Op::Restart { producer } });
            v
        }
        FaultKind::UncleanElection | FaultKind::LoneLeaderPowerLoss if !followers.is_empty() => {
            // Every follower's fetches cut beyond replica.lag.time.max.ms (plus the ISR
            // check's half interval), then the leader dies while the cut lasts: any time
            // after the lag limit, so also while the ISR shrink is still pending and while
            // records acknowledged before the cut are still dirty in the page cache.
            let shrunk_ms = lag_ms + lag_ms / 2 + 1;
            let for_ms = shrunk_ms + rng.range_inclusive(5_000, 30_000);
            let mut v: Vec<Fault> = followers
                .iter()
                .map(|&f| Fault {
                    at_ms,
                    op: Op::Cut { from: format!("broker-{f}"), to: format!("broker-{leader}"), for_ms },
                })
                .collect();
            let dies = at_ms + lag_ms + rng.below(for_ms - lag_ms);
            let power = kind == FaultKind::LoneLeaderPowerLoss;
            v.push(crash(leader, power, dies, for_ms - (dies - at_ms) + rng.range_inclusive(500, 10_000)));
            v
        }
        FaultKind::LateRequest => {
            // The producer's first produce request to the leader held back, so the next
            // overtakes it: from the workload's start, before anything reaches the leader.
            let producer = c.producer(rng);
            vec![Fault {
                at_ms: 0,
                op: Op::Delay {
                    from: producer,
                    to: format!("broker-{leader}"),
                    by_ms: rng.range_inclusive(20, 1_000),
                    count: 1,
                },
            }]
        }
        _ => return None,
    })
}
