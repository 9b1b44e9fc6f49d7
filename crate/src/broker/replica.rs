//! A partition as one broker holds it (`Partition`, `Replica`): its log, high watermark,
//! leader epoch, role, and, when leader, its view of each follower and the ISR.
//!
//! Leader rules (KAFKA_SEMANTICS §7):
//! - A follower's LEO is the fetch offset of its latest fetch; `lastCaughtUpTimeMs` moves
//!   to this fetch's time if it asked for everything the leader had, else to the previous
//!   fetch's time if it asked for everything the leader had back then.
//! - HW = min over the leader and every replica that is in the maximal ISR or caught up
//!   within `replica.lag.time.max.ms`; it only moves forward, and (from Kafka 3.7,
//!   KAFKA-15583) not at all while the ISR is smaller than the effective min ISR.
//! - A follower is out of sync when its LEO differs from the leader's and it has not
//!   been caught up for `replica.lag.time.max.ms`; it may rejoin once its LEO reaches the
//!   HW and the start of the leader's epoch.

use crate::sim::VecMap;
use std::rc::Rc;

use super::log::Log;
use super::producer_state::ProducerState;
use crate::config::TopicConfig;
use crate::protocol::Tp;
use crate::sim::Micros;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FollowerView {
    pub leo: u64,
    pub last_caught_up_us: Micros,
    pub last_fetch_leader_leo: u64,
    pub last_fetch_us: Micros,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderState {
    pub isr: Vec<u16>,
    /// An AlterPartition in flight: (correlation id, proposed ISR).
    pub pending: Option<(u32, Vec<u16>)>,
    pub followers: VecMap<u16, FollowerView>,
    /// LEO when this leader epoch began.
    pub epoch_start_offset: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Role {
    Leader(LeaderState),
    Follower {
        leader: u16,
    },
    /// Not leader and no leader to follow (partition offline, or broker fenced).
    None,
}

#[derive(Clone, Debug)]
pub struct Replica {
    pub tp: Tp,
    pub replicas: Vec<u16>,
    pub log: Log,
    pub hw: u64,
    pub leader_epoch: u32,
    pub partition_epoch: u32,
    pub role: Role,
    pub producers: ProducerState,
    /// HW as last written to `replication-offset-checkpoint` (fsynced every 5 s).
    pub hw_checkpoint: u64,
    pub cfg: Rc<TopicConfig>,
    /// The broker knows from metadata that this replica is in the ISR (followers).
    pub in_isr: bool,
}

impl Replica {
    pub fn new(tp: Tp, replicas: Vec<u16>, cfg: Rc<TopicConfig>) -> Replica {
        let mut log = Log::new();
        log.segments[0].roll_jitter_ms = super::log::segment_jitter(0, 0, cfg.segment_ms, cfg.segment_jitter_ms);
        Replica {
            tp,
            replicas,
            log,
            hw: 0,
            leader_epoch: 0,
            partition_epoch: 0,
            role: Role::None,
            producers: ProducerState::default(),
            hw_checkpoint: 0,
            cfg,
            in_isr: false,
        }
    }

    pub fn is_leader(&self) -> bool {
        matches!(self.role, Role::Leader(_))
    }

    pub fn leader_state(&self) -> Option<&LeaderState> {
        match &self.role {
            Role::Leader(l) => Some(l),
            _ => None,
        }
    }

    pub fn leader_state_mut(&mut self) -> Option<&mut LeaderState> {
        match &mut self.role {
            Role::Leader(l) => Some(l),
            _ => None,
        }
    }

    /// `effectiveMinIsr`: min(min.insync.replicas, replication factor) from Kafka 3.7.
    pub fn effective_min_isr(&self, capped: bool) -> usize {
        let min = self.cfg.min_insync_replicas as usize;
        if capped {
            min.min(self.replicas.len())
        } else {
            min
        }
    }

    /// The ISR including a replica whose addition is pending (`maximalIsr`).
    pub fn maximal_isr(&self) -> Vec<u16> {
        match &self.role {
            Role::Leader(l) => {
                let mut isr = l.isr.clone();
                if let Some((_, proposed)) = &l.pending {
                    for r in proposed {
                        if !isr.contains(r) {
                            isr.push(*r);
                        }
                    }
                }
                isr
            }
            _ => Vec::new(),
        }
    }

    /// Record a follower's fetch at `fetch_offset` (`updateFetchStateOrThrow`).
    pub fn follower_fetched(&mut self, follower: u16, fetch_offset: u64, now: Micros) {
        let leo = self.log.leo;
        let Role::Leader(l) = &mut self.role else { return };
        let v = l.followers.entry(follower).or_default();
        if fetch_offset >= leo {
            v.last_caught_up_us = now;
        } else if fetch_offset >= v.last_fetch_leader_leo {
            v.last_caught_up_us = v.last_caught_up_us.max(v.last_fetch_us);
        }
        v.last_fetch_leader_leo = leo;
        v.last_fetch_us = now;
        v.leo = fetch_offset;
    }

    fn caught_up(&self, v: &FollowerView, now: Micros, lag_us: Micros) -> bool {
        v.last_caught_up_us > 0 && (v.leo == self.log.leo || now.saturating_sub(v.last_caught_up_us) <= lag_us)
    }

    /// `maybeIncrementLeaderHW`; returns the new HW if it moved.
    pub fn maybe_increment_hw(
        &mut self,
        now: Micros,
        lag_us: Micros,
        min_isr_rule: bool,
        alive: &dyn Fn(u16) -> bool,
    ) -> Option<u64> {
        let Role::Leader(l) = &self.role else { return None };
        // isUnderMinIsr looks at the committed ISR, not the maximal one.
        if min_isr_rule && l.isr.len() < self.effective_min_isr(true) {
            return None;
        }
        let maximal = self.maximal_isr();
        let mut hw = self.log.leo;
        for (id, v) in &l.followers {
            if v.leo < hw && (maximal.contains(id) || (self.caught_up(v, now, lag_us) && alive(*id))) {
                hw = v.leo;
            }
        }
        if hw > self.hw {
            self.hw = hw;
            Some(hw)
        } else {
            None
        }
    }

    /// ISR members to drop (`getOutOfSyncReplicas`).
    pub fn out_of_sync(&self, now: Micros, lag_us: Micros) -> Vec<u16> {
        let Role::Leader(l) = &self.role else { return Vec::new() };
        l.isr
            .iter()
            .copied()
            .filter(|id| {
                l.followers
                    .get(id)
                    .is_some_and(|v| v.leo != self.log.leo && now.saturating_sub(v.last_caught_up_us) > lag_us)
            })
            .collect()
    }

    /// A follower that may join the ISR now (`isFollowerInSync`).
    pub fn may_join_isr(&self, follower: u16) -> bool {
        let Role::Leader(l) = &self.role else { return false };
        if l.isr.contains(&follower) || l.pending.is_some() {
            return false;
        }
        l.followers.get(&follower).is_some_and(|v| v.leo >= self.hw && v.leo >= l.epoch_start_offset)
    }

    pub fn last_stable_offset(&self) -> u64 {
        self.producers.last_stable_offset(self.hw)
    }
}
