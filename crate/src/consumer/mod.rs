//! Consumers: what a `poll` may return at a moment (`FetchIsolation`, `CompletedFetch`).
//!
//! A consumer reads from the partition's current leader: up to the high watermark with
//! `isolation.level=read_uncommitted` (the default), up to the last stable offset with
//! `read_committed`, which also drops batches of aborted transactions and never returns
//! control records. Each poll continues from the consumer's position; a position beyond
//! what the leader now has (after an unclean election) resets to the end
//! (`auto.offset.reset=latest`). Polls are instantaneous reads: the fetch round trip is
//! not simulated.

use crate::broker::replica::Replica;
use crate::broker::Broker;
use crate::config::{ConsumerConfig, IsolationLevel};
use crate::protocol::{ClusterImage, LogBatch};
use crate::sim::Tp;
use crate::sim::VecMap;

/// The batches a reader with `isolation` sees in `replica`'s log from `from`.
pub fn visible<'a>(
    replica: &'a Replica,
    from: u64,
    isolation: IsolationLevel,
) -> impl Iterator<Item = &'a LogBatch> + 'a {
    let end = match isolation {
        IsolationLevel::ReadUncommitted => replica.hw,
        IsolationLevel::ReadCommitted => replica.last_stable_offset(),
    };
    let start = replica.log.index_of(from);
    replica.log.entries[start..].iter().map(|e| &e.batch).take_while(move |b| b.last_offset() < end).filter(move |b| {
        b.data.control.is_none()
            && !(isolation == IsolationLevel::ReadCommitted
                && b.data.transactional
                && replica.producers.is_aborted(b.data.producer_id, b.base_offset))
    })
}

/// The offset a reader with `isolation` reads up to.
pub fn end_offset(replica: &Replica, isolation: IsolationLevel) -> u64 {
    match isolation {
        IsolationLevel::ReadUncommitted => replica.hw,
        IsolationLevel::ReadCommitted => replica.last_stable_offset(),
    }
}

pub struct Consumer {
    pub name: String,
    pub config: ConsumerConfig,
    positions: VecMap<Tp, u64>,
}

impl Consumer {
    pub fn new(name: String, config: ConsumerConfig) -> Consumer {
        Consumer { name, config, positions: VecMap::new() }
    }

    /// Read every partition of `topic` from its leader; returns record ids in order.
    pub fn poll(&mut self, brokers: &[Broker], image: &ClusterImage, topic: u16) -> Vec<u32> {
        let iso = self.config.isolation_level;
        let mut out = Vec::new();
        for p in 0..image.partition_count(topic) {
            let tp = Tp::new(topic, p);
            let Some(leader) = image.leader(tp) else { continue };
            let b = &brokers[leader as usize - 1];
            let Some(r) = b.replicas.get(&tp).filter(|r| b.up && r.is_leader()) else { continue };
            let end = end_offset(r, iso);
            let pos = self.positions.entry(tp).or_insert(0);
            if *pos > r.log.leo {
                *pos = end;
            }
            for batch in visible(r, *pos, iso) {
                out.extend(batch.data.records.iter().copied());
            }
            *pos = (*pos).max(end);
        }
        out
    }
}
