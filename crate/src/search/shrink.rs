//! Shrinking a failing schedule to a minimal scenario that still fails the same way.
//!
//! Greedy, in passes over five phases, each move re-run and kept only if the run still
//! shows the most serious part of the original violation ([`Violation::goal`]: a loss
//! stays a loss, it never drifts into a reordering):
//! 1. fewer faults (each one removed in turn);
//! 2. fewer records (a send statement dropped, or its count cut to 1, a quarter, a half,
//!    three quarters);
//! 3. simpler faults (a power loss as a process crash, one message dropped, shorter and
//!    rounder durations);
//! 4. rounder times (to the second, 100 ms, 10 ms);
//! 5. fewer brokers (down to the largest replication factor, when no explicit
//!    `replica.assignment` or fault names the last broker).
//!
//! Passes repeat until one changes nothing or the run budget is spent. When what must
//! stay failing is an expect line that describes the run rather than bounding anomalies
//! (`acked=400`, `latency_p99<=20ms`, a trace count), phases 2 and 5 are skipped: fewer
//! records or brokers would fail it for a reason of their own. [`Shrinker`] is stepwise
//! so a Web Worker can run it in slices.

use super::base::{Base, Candidate};
use super::check::{self, Targets, Violation};
use super::faults::{Op, Target};

/// Runs a shrink may spend (a typical one needs well under a hundred).
pub const MAX_RUNS: u64 = 1_500;
const PHASES: usize = 5;

pub struct Shrinker {
    base: Base,
    targets: Targets,
    pub current: Candidate,
    pub violation: Violation,
    /// What every accepted move must still show ([`Violation::goal`]).
    pub goal: Violation,
    phase: usize,
    queue: Vec<Candidate>,
    changed: bool,
    pub runs: u64,
    max_events: u64,
    done: bool,
}

/// How complicated a number looks: its significant digits, then its size. Every move
/// must lower it, so shrinking ends.
fn cost(x: u64) -> (u32, u64) {
    let mut sig = x;
    while sig != 0 && sig.is_multiple_of(10) {
        sig /= 10;
    }
    (if sig == 0 { 0 } else { sig.ilog10() + 1 }, x)
}

/// Rounder or smaller values for a duration or a time, best first.
fn simpler(x: u64, allow_zero: bool) -> Vec<u64> {
    let mut v = Vec::new();
    if allow_zero {
        v.push(0);
    }
    for unit in [10_000, 1000, 100, 10] {
        let down = x / unit * unit;
        v.extend([down, down + unit]);
    }
    v.push(x / 2);
    let mut out: Vec<u64> = Vec::new();
    for y in v {
        if (allow_zero || y > 0) && cost(y) < cost(x) && !out.contains(&y) {
            out.push(y);
        }
    }
    out.sort_by_key(|&y| cost(y));
    out
}

impl Shrinker {
    /// Shrinks `current` (which shows `violation`) over its own copy of `base`.
    pub fn new(base: Base, targets: Targets, current: Candidate, violation: Violation) -> Shrinker {
        let goal = violation.goal();
        let max_events = base.max_events();
        let mut s = Shrinker {
            base,
            targets,
            current,
            violation,
            goal,
            phase: 0,
            queue: Vec::new(),
            changed: false,
            runs: 0,
            max_events,
            done: false,
        };
        s.queue = s.moves();
        s
    }

    pub fn done(&self) -> bool {
        self.done
    }

    /// Tries up to `max_runs` candidates; true once shrinking is over.
    pub fn step(&mut self, max_runs: u64) -> bool {
        let mut budget = max_runs;
        while !self.done && budget > 0 {
            let Some(c) = self.queue.pop() else {
                self.next_phase();
                continue;
            };
            budget -= 1;
            self.runs += 1;
            let text = self.base.render(&c, &[], &[]);
            if let Some((v, _)) = check::run(&text, &self.targets, self.max_events) {
                if self.goal.met_by(&v) {
                    self.current = c;
                    self.violation = v;
                    self.changed = true;
                    self.queue = self.moves();
                }
            }
            if self.runs >= MAX_RUNS {
                self.done = true;
            }
        }
        self.done
    }

    fn next_phase(&mut self) {
        self.phase += 1;
        if self.phase == PHASES {
            if !self.changed {
                self.done = true;
                return;
            }
            self.phase = 0;
            self.changed = false;
        }
        self.queue = self.moves();
    }

    /// Candidates for the current phase, the one to try first last (a stack).
    fn moves(&self) -> Vec<Candidate> {
        let cur = &self.current;
        let mut out: Vec<Candidate> = Vec::new();
        let mut push = |c: Candidate| {
            if c != *cur && !out.contains(&c) {
                out.push(c);
            }
        };
        // Fewer records or brokers would fail a line describing the run trivially.
        let keep_workload = self.goal.expectations.iter().any(|e| !super::base::safety_line(&self.base.scenario, e));
        match self.phase {
            1 | 4 if keep_workload => {}
            0 => {
                for i in (0..cur.faults.len()).rev() {
                    let mut c = cur.clone();
                    c.faults.remove(i);
                    push(c);
                }
            }
            1 => {
                let sends = cur.counts.iter().filter(|&&n| n > 0).count();
                for (i, &n) in cur.counts.iter().enumerate() {
                    let mut options = vec![1, n / 4, n / 2, n * 3 / 4];
                    if sends > 1 {
                        options.insert(0, 0);
                    }
                    for m in options.into_iter().filter(|&m| m < n && (m > 0 || sends > 1)) {
                        let mut c = cur.clone();
                        c.counts[i] = m;
                        push(c);
                    }
                }
            }
            2 => {
                for i in 0..cur.faults.len() {
                    for op in simpler_ops(&cur.faults[i].op) {
                        let mut c = cur.clone();
                        c.faults[i].op = op;
                        push(c);
                    }
                }
            }
            3 => {
                for i in 0..cur.faults.len() {
                    for at in simpler(cur.faults[i].at_ms, true) {
                        let mut c = cur.clone();
                        c.faults[i].at_ms = at;
                        push(c);
                    }
                }
            }
            _ => {
                let last = cur.brokers;
                let named = cur.faults.iter().any(|f| f.brokers().contains(&last));
                if last > self.base.min_brokers() && !named && !self.base.explicit_assignment() {
                    push(Candidate { brokers: last - 1, ..cur.clone() });
                }
            }
        }
        out.reverse();
        out
    }
}

/// Simpler variants of one fault.
fn simpler_ops(op: &Op) -> Vec<Op> {
    let mut v = Vec::new();
    match op {
        Op::Crash { target, power, down_ms } => {
            if let Target::LeaderOf { replicas, .. } = target {
                // `crash broker-N` reads more plainly than `crash leader T/P`.
                v.extend(replicas.iter().map(|&b| Op::Crash {
                    target: Target::Broker(b),
                    power: *power,
                    down_ms: *down_ms,
                }));
            }
            if *power {
                v.push(Op::Crash { target: target.clone(), power: false, down_ms: *down_ms });
            }
            v.extend(simpler(*down_ms, false).into_iter().map(|d| Op::Crash {
                target: target.clone(),
                power: *power,
                down_ms: d,
            }));
        }
        Op::Isolate { node, for_ms } => {
            v.extend(simpler(*for_ms, false).into_iter().map(|d| Op::Isolate { node: node.clone(), for_ms: d }));
        }
        Op::Cut { from, to, for_ms } => v.extend(simpler(*for_ms, false).into_iter().map(|d| Op::Cut {
            from: from.clone(),
            to: to.clone(),
            for_ms: d,
        })),
        Op::Drop { from, to, count, produce_only } => {
            if *count > 1 {
                v.push(Op::Drop { from: from.clone(), to: to.clone(), count: 1, produce_only: *produce_only });
            }
        }
        Op::Delay { from, to, by_ms, count } => {
            if *count > 1 {
                v.push(Op::Delay { from: from.clone(), to: to.clone(), by_ms: *by_ms, count: 1 });
            }
            v.extend(simpler(*by_ms, false).into_iter().map(|d| Op::Delay {
                from: from.clone(),
                to: to.clone(),
                by_ms: d,
                count: *count,
            }));
        }
        Op::Restart { .. } => {}
        Op::RestartClient { client, down_ms: Some(d) } => {
            v.push(Op::RestartClient { client: client.clone(), down_ms: None });
            v.extend(
                simpler(*d, false).into_iter().map(|d| Op::RestartClient { client: client.clone(), down_ms: Some(d) }),
            );
        }
        Op::RestartClient { down_ms: None, .. } => {}
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_simpler_value_costs_less_so_shrinking_ends() {
        for x in [0u64, 1, 7, 10, 45, 1234, 1500, 18_718, 57_722, 1_509_045] {
            for y in simpler(x, true) {
                assert!(cost(y) < cost(x), "{y} is not simpler than {x}");
            }
        }
        assert_eq!(simpler(18_718, false)[..2], [10_000, 20_000], "the roundest first, the smaller of equals");
        assert!(simpler(1000, false).iter().all(|&y| y < 1000), "a round value only gets smaller");
        assert!(simpler(0, true).is_empty());
    }

    #[test]
    fn a_leader_crash_can_become_a_named_broker_and_a_power_loss_a_process_crash() {
        let op = Op::Crash {
            target: Target::LeaderOf { topic: "t".into(), partition: 0, replicas: vec![2, 3] },
            power: true,
            down_ms: 4000,
        };
        let v = simpler_ops(&op);
        assert!(v.contains(&Op::Crash { target: Target::Broker(2), power: true, down_ms: 4000 }));
        assert!(v.iter().any(|o| matches!(o, Op::Crash { power: false, target: Target::LeaderOf { .. }, .. })));
        assert!(v.iter().any(|o| matches!(o, Op::Crash { down_ms: 2000, .. })));
    }
}
