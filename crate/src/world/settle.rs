//! When a run is over: `run until idle` ends once every action has run, no client work
//! is in flight and the cluster has settled (or stopped changing for `QUIET_US`), and
//! never later than the virtual-time budget; a run that uses up one of its budgets
//! stops (`crate::budget`); progress for a stepped run.

use super::{World, QUIET_US};
use crate::budget::{Budget, Exceeded};
use crate::plan::{Action, RunUntil};
use crate::sim::{later, Micros};
use crate::trace::Event;

impl World {
    /// Timeline entries (indexes) the run never reached: actions run in timeline order,
    /// so these are the ones after the last that ran.
    pub fn unrun_actions(&self) -> std::ops::Range<usize> {
        self.actions_done..self.scenario.timeline.len()
    }

    /// Timeline entry `i` as written (comment removed).
    pub fn action_text(&self, i: usize) -> &str {
        &self.lines[i]
    }

    /// Whether a budget is used up; if so the run stops here, saying so in the trace.
    /// O(1): called before every event.
    pub(super) fn over_budget(&mut self) -> bool {
        let b = &self.budgets;
        let used = [
            (Budget::Events, self.work, b.events),
            (Budget::Records, self.history.records.len() as u64, b.records),
            (Budget::TraceBytes, self.trace.bytes(), b.trace_bytes),
            (Budget::CompressedBytes, self.history.compressed_bytes, b.compressed_bytes),
        ];
        let Some((budget, used, limit)) = used.into_iter().find(|(_, used, limit)| used > limit) else {
            return false;
        };
        self.stopped = Some(Exceeded { budget, limit, used, at_us: self.now });
        self.trace.push(self.now, Event::RunStopped { budget: budget.name(), limit, used });
        true
    }

    /// Whether `run until idle` is done before the event at `next`.
    pub(super) fn idle_at(&mut self, next: Micros) -> bool {
        let cap = self.budgets.virtual_time_us;
        if next >= cap {
            self.stopped_by_cap = true;
            self.now = self.now.max(cap);
            return true;
        }
        if self.actions_done < self.scenario.timeline.len()
            || self.client_msgs_in_flight > 0
            || !self.paused.is_empty()
            || self.producers.iter().any(|p| p.busy())
            || self.handlers_busy()
        {
            return false;
        }
        if self.cluster_settled() && self.consumers_quiet() {
            return true;
        }
        let quiet_end = later(self.trace.last_progress_us, QUIET_US);
        if next > quiet_end {
            self.now = self.now.max(quiet_end);
            return true;
        }
        false
    }

    /// Every consumer running a poll loop has caught up: a stable member with nothing
    /// buffered or being processed, at the end of its partitions, and (with auto-commit)
    /// its positions committed.
    pub fn consumers_quiet(&self) -> bool {
        let groups = self.groups.borrow();
        // A group mid-rebalance, or with a member whose process is gone (its session
        // timeout will remove it and move its partitions), has not settled.
        let member_alive = |node: crate::sim::NodeId| {
            self.consumers.iter().any(|c| c.client.node == node && c.client.up && !c.client.closed)
        };
        // Each member's consumer holds what the coordinator says it owns (no answer on its way).
        let member_caught_up = |m: &crate::broker::group::Member| {
            self.consumers.iter().any(|c| {
                c.client.node == m.client && c.client.assignment == m.assignment && c.client.settled_membership()
            })
        };
        let settled = groups.groups.iter().all(|g| {
            matches!(g.state, crate::broker::group::GroupState::Stable | crate::broker::group::GroupState::Empty)
                && g.members.iter().all(|m| member_alive(m.client) && member_caught_up(m))
                && (!g.modern
                    || g.target_epoch == g.generation
                        && g.members.iter().all(|m| {
                            m.mstate == crate::broker::group::MemberState::Stable && m.member_epoch == g.target_epoch
                        }))
        });
        if !settled {
            return false;
        }
        self.consumers.iter().all(|c| {
            let committed = |tp| {
                let g = c.config.group_id.as_deref().and_then(|g| groups.group(g))?;
                g.committed.get(&tp).copied()
            };
            let ends = |tp| {
                let (_, r) = self.view().leader_replica(tp)?;
                Some(crate::view::end_offset(r, c.config.isolation_level))
            };
            c.client.quiet(&c.config, ends, committed)
        })
    }

    /// Every partition has a live leader, every live unfenced replica is in the ISR with
    /// the leader's LEO and HW, and no transaction markers are pending.
    pub fn cluster_settled(&self) -> bool {
        // A paused broker has not caught up with anything yet.
        if !self.paused.is_empty() {
            return false;
        }
        // Markers still to write, or a transaction still open (its timeout will abort it).
        if self.txn_log.borrow().txns.values().any(|m| !m.pending_markers.is_empty() || m.is_open()) {
            return false;
        }
        // A log the cleaner would compact now: its next wake (log.cleaner.backoff.ms) is near.
        if self.brokers.iter().any(|b| b.cleaning_pending(self.now)) {
            return false;
        }
        // A broker that runs but is fenced has not rejoined yet.
        if self.brokers.iter().any(|b| b.up && self.controller.broker_fenced(b.id)) {
            return false;
        }
        let view = self.view();
        for (tp, p) in view.partitions() {
            // Settled: a live leader that has everything committed, and every live replica
            // in its ISR and caught up.
            let Some(led) = view.readable(tp, crate::config::IsolationLevel::ReadUncommitted) else { return false };
            let lr = led.replica;
            if lr.hw != lr.log.leo || lr.leader_state().is_some_and(|s| s.isr.len() != p.isr.len()) {
                return false;
            }
            for s in view.replicas(tp) {
                if !s.up || s.broker == led.broker {
                    continue;
                }
                if !s.in_isr || s.replica.log.leo != lr.log.leo || s.replica.hw != lr.hw {
                    return false;
                }
            }
        }
        true
    }

    /// Progress for a stepped run, in parts per thousand (by virtual time when bounded).
    pub fn progress_permille(&self) -> u32 {
        match self.scenario.run_until {
            RunUntil::Time(end) if end > 0 => ((self.now.min(end) as u128 * 1000) / end as u128) as u32,
            _ => {
                // Up to 90% while the timeline plays out and the records sent so far get
                // their callbacks (whichever is further behind); settling takes the rest.
                let last = self.scenario.timeline.last().map_or(1, |t| t.at_us.max(1));
                let by_time = (self.now.min(last) as u128 * 900) / last as u128;
                let planned: u64 = self
                    .scenario
                    .timeline
                    .iter()
                    .map(|t| if let Action::Send { count, .. } = t.action { count } else { 0 })
                    .sum();
                let by_records = match planned {
                    0 => 900,
                    n => (self.history.completed.min(n) as u128 * 900) / n as u128,
                };
                by_time.min(by_records) as u32
            }
        }
    }
}
