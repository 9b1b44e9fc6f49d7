//! Consumers: what a `poll` may return at a moment (`FetchIsolation`, `CompletedFetch`).
//!
//! A consumer reads from the partition's current leader: up to the high watermark with
//! `isolation.level=read_uncommitted` (the default), up to the last stable offset with
//! `read_committed`, which also drops batches of aborted transactions and never returns
//! control records. A consumer starts each partition at the log start offset (it is
//! assigned the partitions and seeks to the beginning, without a group); each poll
//! continues from its position. A position the leader's log no longer covers gets
//! `OFFSET_OUT_OF_RANGE` and follows `auto.offset.reset`: below the log start offset
//! (retention deleted the segments) `latest` (the default) jumps to the end, skipping
//! what lay between, `earliest` goes to the log start offset, and `none` reads nothing
//! (the application gets `OffsetOutOfRangeException`); beyond the leader's end (after an
//! unclean election) it resets the same way. Polls are instantaneous reads: the fetch
//! round trip is not simulated.

pub mod assignor;
pub mod client;
pub mod pipe;
pub mod server_assignor;

use crate::broker::replica::Replica;
use crate::config::{AutoOffsetReset, ConsumerConfig, IsolationLevel};
use crate::protocol::{LogBatch, Tp};
use crate::sim::VecMap;
use crate::view::{ClusterView, Readable};

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

/// Records at offsets `[from, to)` of `replica`'s partition: those retention deleted (the
/// log's record of what it removed) and those the log still holds.
fn skipped_between(replica: &Replica, from: u64, to: u64) -> u32 {
    let gone = replica
        .log
        .gone
        .iter()
        .filter(|g| g.2 == crate::broker::log::GoneBy::Retention && g.1 >= from && g.1 < to)
        .count();
    let held: usize = replica.log.entries[replica.log.index_of(from)..]
        .iter()
        .take_while(|e| e.batch.base_offset < to)
        .filter(|e| e.batch.data.control.is_none())
        .map(|e| e.batch.data.record_offsets(e.batch.base_offset).filter(|&(_, o)| o >= from && o < to).count())
        .sum();
    (gone + held) as u32
}

pub use crate::view::end_offset;

/// A position the log no longer covered (`OFFSET_OUT_OF_RANGE`) and where
/// `auto.offset.reset` moved it (None: `none`, the poll threw).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reset {
    pub tp: Tp,
    pub position: u64,
    pub log_start_offset: u64,
    pub reset_to: Option<u64>,
    /// Records between the old and the new position the consumer will never read: those
    /// retention deleted below the log start offset, and those `latest` jumped over.
    pub skipped: u32,
}

pub struct Consumer {
    pub name: String,
    pub config: ConsumerConfig,
    positions: VecMap<Tp, u64>,
    /// Records its position resets passed over (see [`Reset::skipped`]).
    pub skipped: u64,
    /// The group consumer over the network (`subscribe`, poll loops, commits).
    pub client: client::Client,
}

impl Consumer {
    pub fn new(name: String, config: ConsumerConfig) -> Consumer {
        let client = client::Client::new(crate::sim::NodeId(0), 0, std::rc::Rc::default(), Vec::new());
        Consumer { name, config, positions: VecMap::new(), skipped: 0, client }
    }

    /// Read every partition of `topic` from its leader; returns record ids in order, and
    /// each position reset (`OFFSET_OUT_OF_RANGE`).
    pub fn poll(&mut self, view: &ClusterView, topic: u16) -> (Vec<u32>, Vec<Reset>) {
        let iso = self.config.isolation_level;
        let mut out = Vec::new();
        let mut resets = Vec::new();
        for p in 0..view.image.partition_count(topic) {
            let tp = Tp::new(topic, p);
            let Some(Readable { replica: r, start, end, .. }) = view.readable(tp, iso) else { continue };
            let pos = self.positions.entry(tp).or_insert(start);
            if *pos > r.log.leo || *pos < start {
                let reset_to = match self.config.auto_offset_reset {
                    AutoOffsetReset::Latest => Some(end),
                    AutoOffsetReset::Earliest => Some(start),
                    AutoOffsetReset::None => None,
                };
                let skipped = match reset_to {
                    Some(to) if *pos < to => skipped_between(r, *pos, to),
                    _ => 0,
                };
                self.skipped += u64::from(skipped);
                resets.push(Reset { tp, position: *pos, log_start_offset: start, reset_to, skipped });
                match reset_to {
                    Some(to) => *pos = to,
                    None => continue,
                }
            }
            for batch in visible(r, *pos, iso) {
                out.extend(batch.data.records.iter().copied());
            }
            *pos = (*pos).max(end);
        }
        (out, resets)
    }
}
