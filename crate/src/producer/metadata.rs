//! The producer's view of cluster metadata (`Metadata` / `ProducerMetadata`).
//!
//! The client knows what the last MetadataResponse told it, plus leader hints from
//! NOT_LEADER_OR_FOLLOWER responses (KIP-951), and never applies an older leader epoch
//! over a newer one. A refresh is requested on invalid-metadata errors, disconnects,
//! unknown leaders and every `metadata.max.age.ms`; refreshes are spaced by
//! `retry.backoff.ms`.

use crate::sim::VecMap;
use std::rc::Rc;

use crate::protocol::ClusterImage;
use crate::protocol::Tp;
use crate::sim::{later, Micros};

#[derive(Default)]
pub struct ClientMetadata {
    image: Option<Rc<ClusterImage>>,
    /// `leaders[topic][partition] = (leader, leader epoch)`, image plus newer hints.
    leaders: Vec<Vec<(Option<u16>, u32)>>,
    /// Partitions led by each broker, sorted (the drain iterates these).
    by_node: VecMap<u16, Vec<Tp>>,
    pub need_update: bool,
    /// (broker, correlation id) of the outstanding MetadataRequest.
    pub in_flight: Option<(u16, u32)>,
    pub last_attempt_us: Option<Micros>,
    pub last_success_us: Micros,
}

impl ClientMetadata {
    pub fn known(&self) -> bool {
        self.image.is_some()
    }

    pub fn version(&self) -> u64 {
        self.image.as_ref().map_or(0, |i| i.version)
    }

    pub fn partition_count(&self, topic: u16) -> Option<u32> {
        self.leaders.get(topic as usize).map(|p| p.len() as u32).filter(|&n| n > 0)
    }

    pub fn leader(&self, tp: Tp) -> Option<u16> {
        self.leaders.get(tp.topic as usize)?.get(tp.partition as usize)?.0
    }

    pub fn leader_epoch(&self, tp: Tp) -> u32 {
        self.leaders.get(tp.topic as usize).and_then(|p| p.get(tp.partition as usize)).map_or(0, |l| l.1)
    }

    /// Partitions of `topic` whose leader is known (`availablePartitionsForTopic`).
    pub fn available_partitions(&self, topic: u16) -> Vec<u32> {
        self.leaders.get(topic as usize).map_or(Vec::new(), |ps| {
            ps.iter().enumerate().filter(|(_, l)| l.0.is_some()).map(|(p, _)| p as u32).collect()
        })
    }

    pub fn partitions_for_node(&self, node: u16) -> &[Tp] {
        self.by_node.get(&node).map_or(&[], |v| v.as_slice())
    }

    /// Every broker id the client knows of, for connecting and the least-loaded choice.
    pub fn brokers(&self) -> Vec<u16> {
        self.image.as_ref().map_or(Vec::new(), |i| i.brokers.iter().map(|b| b.id).collect())
    }

    /// A MetadataResponse arrived. Returns the partitions whose leader changed.
    pub fn apply(&mut self, image: Rc<ClusterImage>, now: Micros) -> Vec<(Tp, Option<u16>, u32)> {
        self.need_update = false;
        self.last_success_us = now;
        let mut changed = Vec::new();
        let mut leaders: Vec<Vec<(Option<u16>, u32)>> = Vec::with_capacity(image.topics.len());
        for (tp, p) in image.partitions() {
            let t = tp.topic as usize;
            if leaders.len() <= t {
                leaders.resize(t + 1, Vec::new());
            }
            let old = self.leaders.get(t).and_then(|ps| ps.get(tp.partition as usize)).copied();
            // Never go back to an older leader epoch (KIP-320).
            let entry = match old {
                Some(o) if o.1 > p.leader_epoch => o,
                _ => (p.leader, p.leader_epoch),
            };
            if old != Some(entry) {
                changed.push((tp, entry.0, entry.1));
            }
            leaders[t].push(entry);
        }
        self.leaders = leaders;
        self.image = Some(image);
        self.rebuild_by_node();
        changed
    }

    /// KIP-951: a NOT_LEADER_OR_FOLLOWER response named the current leader.
    pub fn apply_leader_hint(&mut self, tp: Tp, leader: u16, epoch: u32) -> bool {
        let Some(slot) = self.leaders.get_mut(tp.topic as usize).and_then(|p| p.get_mut(tp.partition as usize)) else {
            return false;
        };
        if epoch > slot.1 {
            *slot = (Some(leader), epoch);
            self.rebuild_by_node();
            return true;
        }
        false
    }

    fn rebuild_by_node(&mut self) {
        self.by_node.clear();
        for (t, ps) in self.leaders.iter().enumerate() {
            for (p, (leader, _)) in ps.iter().enumerate() {
                if let Some(l) = leader {
                    self.by_node.entry(*l).or_default().push(Tp::new(t as u16, p as u32));
                }
            }
        }
    }

    /// When the next MetadataRequest may be sent (None: no refresh wanted).
    pub fn next_update_at(&self, backoff_us: Micros, max_age_us: Micros) -> Option<Micros> {
        if self.in_flight.is_some() {
            return None;
        }
        if self.need_update || !self.known() {
            Some(self.last_attempt_us.map_or(0, |t| later(t, backoff_us)))
        } else {
            Some(later(self.last_success_us, max_age_us))
        }
    }
}
