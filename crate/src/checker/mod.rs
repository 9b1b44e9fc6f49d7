//! The checker: judges the recorded history (what each `send()` was told) against the
//! final logs, one small rule per verdict. It never looks inside producers.
//!
//! The final log of a partition is its leader's log (as the controller sees leadership at
//! the end), read the way a consumer with the final view's isolation level would:
//! `read_committed` (up to the LSO, aborted data dropped) unless the scenario's consumers
//! ask for `read_uncommitted`. An offline partition is read from the replica a clean
//! election would pick when it comes back (the first ISR member), as its disk holds it.
//!
//! Map: [`judge`] (copies and verdict inputs per record), `verdicts` (the summary
//! rules), `expect` (expectation clauses), `explain` (plain-language causes), `guarantee`
//! (what the configuration promises, and whether the run kept it).

pub mod expect;
pub mod explain;
pub mod groups;
pub mod guarantee;
pub mod invariants;
pub mod pipelines;
pub mod verdicts;

use crate::broker::replica::Replica;
use crate::config::IsolationLevel;
use crate::protocol::Tp;
use crate::world::World;

/// What the final logs say about each record.
pub struct Judgement {
    pub isolation: IsolationLevel,
    /// Copies of each record in the final view (saturating at 255).
    pub copies: Vec<u8>,
    /// Offsets of each copy (only when asked for: `--records`, the playground).
    pub offsets: Option<Vec<Vec<u64>>>,
    /// Appears after a record its producer sent later to the same partition.
    pub reordered: Vec<bool>,
    /// Written inside a transaction that was aborted.
    pub aborted: Vec<bool>,
    /// In the leader's log but not (yet) readable: above the HW, or behind an open
    /// transaction (above the LSO).
    pub undecided: Vec<bool>,
    /// Gone from the final log by retention: its offset is below the log start offset.
    pub deleted: Vec<bool>,
    /// Gone from the final log by compaction: the cleaner removed it (a later record has
    /// its key, or it was a tombstone past `delete.retention.ms`).
    pub compacted: Vec<bool>,
}

/// The replica the final view reads, and where reading stops (`view::ClusterView::final_log`).
pub fn final_replica(world: &World, tp: Tp, isolation: IsolationLevel) -> Option<(&Replica, u64)> {
    world.view().final_log(tp, isolation)
}

/// Read every partition's final log and mark each record.
pub fn judge(world: &World, isolation: IsolationLevel, with_offsets: bool) -> Judgement {
    let n = world.history.records.len();
    let mut j = Judgement {
        isolation,
        copies: vec![0; n],
        offsets: with_offsets.then(|| vec![Vec::new(); n]),
        reordered: vec![false; n],
        aborted: vec![false; n],
        undecided: vec![false; n],
        deleted: vec![false; n],
        compacted: vec![false; n],
    };
    let producers = world.scenario.producers.len();
    let view = world.view();
    for (tp, _) in view.partitions() {
        let Some((replica, end)) = view.final_log(tp, isolation) else { continue };
        // Highest app_seq seen so far per producer, for reordering.
        let mut max_seq: Vec<Option<u32>> = vec![None; producers];
        for e in &replica.log.entries {
            let b = &e.batch;
            if b.data.control.is_some() {
                continue;
            }
            let aborted = b.data.transactional && replica.producers.is_aborted(b.data.producer_id, b.base_offset);
            let readable = b.last_offset() < end && !(aborted && isolation == IsolationLevel::ReadCommitted);
            for (i, &r) in b.data.records.iter().enumerate() {
                let offset = b.base_offset + b.data.offset_delta(i);
                let r = r as usize;
                if r >= n {
                    continue;
                }
                if aborted {
                    j.aborted[r] = true;
                }
                if !readable {
                    if !aborted {
                        j.undecided[r] = true;
                    }
                    continue;
                }
                if j.copies[r] == 0 {
                    let rec = &world.history.records[r];
                    let p = rec.producer as usize;
                    if max_seq[p].is_some_and(|m| m > rec.app_seq) {
                        j.reordered[r] = true;
                    }
                    max_seq[p] = Some(max_seq[p].map_or(rec.app_seq, |m| m.max(rec.app_seq)));
                }
                j.copies[r] = j.copies[r].saturating_add(1);
                if let Some(offsets) = j.offsets.as_mut() {
                    offsets[r].push(offset);
                }
            }
        }
    }
    mark_gone(world, &mut j);
    j
}

/// Records retention or the cleaner removed, found in any replica's log of their
/// partition, that the final log no longer holds for that reason: below its log start
/// offset (deleted), or where its batch was compacted or removed by the cleaner
/// (compacted). A record that is gone because a truncation removed it stays lost.
fn mark_gone(world: &World, j: &mut Judgement) {
    use crate::broker::log::GoneBy;
    let n = j.copies.len();
    let view = world.view();
    for (tp, _) in view.partitions() {
        let Some((fin, _)) = view.final_log(tp, j.isolation) else { continue };
        let log = &fin.log;
        for r in view.replicas(tp).map(|s| s.replica) {
            for &(rec, offset, by) in &r.log.gone {
                let id = rec as usize;
                if id >= n || j.copies[id] > 0 || j.deleted[id] || j.compacted[id] {
                    continue;
                }
                if offset < log.log_start_offset {
                    j.deleted[id] = true;
                    continue;
                }
                if offset >= log.leo {
                    continue;
                }
                let covering = log.entries.get(log.index_of(offset)).filter(|e| e.batch.base_offset <= offset);
                let cleaned_here = match covering {
                    None => true,
                    Some(e) => e.batch.data.cleaned.is_some() && !e.batch.data.records.contains(&rec),
                };
                if cleaned_here && (by == GoneBy::Compaction || covering.is_none()) {
                    let txn = world.history.records[id].txn;
                    let aborted = world
                        .history
                        .txns
                        .get(txn as usize)
                        .is_some_and(|t| t.outcome == crate::history::TxnOutcome::Aborted);
                    if aborted {
                        j.aborted[id] = true;
                    } else {
                        j.compacted[id] = true;
                    }
                }
            }
        }
    }
}
