//! The cluster metadata image: what the KRaft controller decides and brokers and
//! clients learn (each with its own delay).
//!
//! Every change makes a new image with a higher `version` (the metadata offset). Images
//! are shared (`Rc`) and never mutated once published.

use serde::Serialize;

use crate::protocol::Tp;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PartitionImage {
    /// The leader's broker id, or None while the partition is offline (leader -1).
    pub leader: Option<u16>,
    pub leader_epoch: u32,
    /// Bumped on every change of leader or ISR (KRaft's partition epoch).
    pub partition_epoch: u32,
    /// Assignment order; the first is the preferred leader.
    pub replicas: Vec<u16>,
    pub isr: Vec<u16>,
    /// Eligible leader replicas (KIP-966; only with `eligible.leader.replicas.version=1`):
    /// replicas that left the ISR while it was under min.insync.replicas, so hold
    /// everything below the high watermark.
    pub elr: Vec<u16>,
    /// The leader before the ISR became empty (KIP-966 `lastKnownElr`).
    pub last_known_elr: Vec<u16>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BrokerImage {
    pub id: u16,
    /// Registered and heartbeating in time.
    pub fenced: bool,
    /// Changes on every restart of the broker process.
    pub incarnation: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClusterImage {
    pub version: u64,
    pub brokers: Vec<BrokerImage>,
    /// `topics[t][p]`.
    pub topics: Vec<Vec<PartitionImage>>,
}

impl ClusterImage {
    pub fn partition(&self, tp: Tp) -> Option<&PartitionImage> {
        self.topics.get(tp.topic as usize)?.get(tp.partition as usize)
    }
    pub fn partition_count(&self, topic: u16) -> u32 {
        self.topics.get(topic as usize).map_or(0, |t| t.len() as u32)
    }
    pub fn leader(&self, tp: Tp) -> Option<u16> {
        self.partition(tp).and_then(|p| p.leader)
    }
    pub fn broker_fenced(&self, id: u16) -> bool {
        self.brokers.iter().find(|b| b.id == id).is_none_or(|b| b.fenced)
    }
    /// Every partition, in (topic, partition) order.
    pub fn partitions(&self) -> impl Iterator<Item = (Tp, &PartitionImage)> {
        self.topics
            .iter()
            .enumerate()
            .flat_map(|(t, ps)| ps.iter().enumerate().map(move |(p, img)| (Tp::new(t as u16, p as u32), img)))
    }
}
