//! One read-only view of the cluster: its partitions, their replicas, and what a consumer
//! can read.
//!
//! Everything that looks at the cluster from outside a node reads it through here: the
//! consumer's instant `poll`, the checker's final view, the group verdicts, the report's
//! partitions, the snapshot, the segment dump, the invariants. Two questions have one
//! answer each:
//! - **What a consumer can read now** ([`ClusterView::readable`]): the replica of the
//!   partition's leader, if its broker is up and it leads, from its log start offset to
//!   its high watermark (`read_uncommitted`) or last stable offset (`read_committed`),
//!   aborted transactions filtered out under `read_committed`. A broker serving a fetch
//!   applies the same end ([`end_offset`]).
//! - **What the partition's log holds when the run is judged** ([`ClusterView::final_log`]):
//!   what a consumer can read now when the partition is available; otherwise what its
//!   leader will serve once its broker is back (a broker that lost power has already lost
//!   its unflushed tail), or, with no leader at all, what its first ISR member holds up to
//!   its log end (the replica a clean election would pick).

use crate::broker::replica::Replica;
use crate::broker::Broker;
use crate::config::IsolationLevel;
use crate::protocol::{ClusterImage, PartitionImage, Tp};

/// Where a consumer of `isolation` stops reading `replica`: its high watermark, or its last
/// stable offset under `read_committed`.
pub fn end_offset(replica: &Replica, isolation: IsolationLevel) -> u64 {
    match isolation {
        IsolationLevel::ReadUncommitted => replica.hw,
        IsolationLevel::ReadCommitted => replica.last_stable_offset(),
    }
}

/// A readable range of a replica.
#[derive(Clone, Copy)]
pub struct Readable<'w> {
    pub broker: u16,
    pub replica: &'w Replica,
    /// The log start offset.
    pub start: u64,
    /// Where reading stops (exclusive).
    pub end: u64,
}

/// One replica of a partition, with its broker's state.
#[derive(Clone, Copy)]
pub struct ReplicaState<'w> {
    pub broker: u16,
    pub replica: &'w Replica,
    /// Whether its broker process is running.
    pub up: bool,
    pub in_isr: bool,
}

#[derive(Clone, Copy)]
pub struct ClusterView<'w> {
    pub image: &'w ClusterImage,
    brokers: &'w [Broker],
}

impl<'w> ClusterView<'w> {
    /// The cluster as the controller's image describes it and the brokers hold it.
    pub fn new(image: &'w ClusterImage, brokers: &'w [Broker]) -> ClusterView<'w> {
        ClusterView { image, brokers }
    }

    /// Every partition, in topic then partition order.
    pub fn partitions(&self) -> impl Iterator<Item = (Tp, &'w PartitionImage)> + 'w {
        self.image.partitions()
    }

    pub fn broker(&self, id: u16) -> Option<&'w Broker> {
        self.brokers.get(usize::from(id).wrapping_sub(1))
    }

    /// Broker `id`'s replica of `tp`, if it holds one.
    pub fn replica(&self, id: u16, tp: Tp) -> Option<&'w Replica> {
        self.broker(id)?.replicas.get(&tp)
    }

    /// The replicas of `tp` in assignment order (those a broker holds).
    pub fn replicas(&self, tp: Tp) -> impl Iterator<Item = ReplicaState<'w>> + 'w {
        let view = *self;
        let p = self.image.partition(tp);
        p.into_iter().flat_map(move |p| {
            p.replicas.iter().filter_map(move |&b| {
                let broker = view.broker(b)?;
                let replica = broker.replicas.get(&tp)?;
                Some(ReplicaState { broker: b, replica, up: broker.up, in_isr: p.isr.contains(&b) })
            })
        })
    }

    /// Every replica every broker holds, broker by broker.
    pub fn all_replicas(&self) -> impl Iterator<Item = (u16, Tp, &'w Replica)> + 'w {
        self.brokers.iter().flat_map(|b| b.replicas.iter().map(move |(tp, r)| (b.id, *tp, r)))
    }

    /// The replica the image names as leader of `tp` (whether or not its broker is up).
    pub fn leader_replica(&self, tp: Tp) -> Option<(u16, &'w Replica)> {
        let l = self.image.leader(tp)?;
        Some((l, self.replica(l, tp)?))
    }

    /// What a consumer of `isolation` can read from `tp` now (see the module's map).
    pub fn readable(&self, tp: Tp, isolation: IsolationLevel) -> Option<Readable<'w>> {
        let (broker, replica) = self.leader_replica(tp)?;
        if !self.broker(broker)?.up || !replica.is_leader() {
            return None;
        }
        Some(Readable { broker, replica, start: replica.log.log_start_offset, end: end_offset(replica, isolation) })
    }

    /// The log `tp` holds when the run is judged, and where reading it stops (see the
    /// module's map).
    pub fn final_log(&self, tp: Tp, isolation: IsolationLevel) -> Option<(&'w Replica, u64)> {
        if let Some(r) = self.readable(tp, isolation) {
            return Some((r.replica, r.end));
        }
        let p = self.image.partition(tp)?;
        let (replica, hw) = match p.leader {
            Some(l) => {
                let r = self.replica(l, tp)?;
                (r, r.hw)
            }
            None => {
                let r = self.replica(*p.isr.first()?, tp)?;
                (r, r.log.leo)
            }
        };
        let end = match isolation {
            IsolationLevel::ReadUncommitted => hw,
            IsolationLevel::ReadCommitted => replica.producers.last_stable_offset(hw),
        };
        Some((replica, end))
    }
}
