//! The verdicts, one small rule each. Each rule reads a record's history (its send
//! result) and the final log (its copies), nothing else.

use super::Judgement;
use crate::history::{History, Outcome};
use crate::report::Summary;

/// A record's single outcome for the record view, most telling first.
pub fn outcome(history: &History, j: &Judgement, id: usize) -> &'static str {
    let rec = &history.records[id];
    let copies = j.copies[id];
    let failed = matches!(rec.outcome, Outcome::Failed(_));
    if copies > 0 && failed {
        "phantom"
    } else if copies > 1 {
        "duplicated"
    } else if copies == 1 {
        "delivered"
    } else if j.aborted[id] {
        "aborted"
    } else if j.deleted[id] {
        "deleted"
    } else if j.compacted[id] {
        "compacted"
    } else if j.undecided[id] {
        "undecided"
    } else if is_lost(history, j, id) {
        "lost"
    } else if failed {
        "failed"
    } else {
        "pending"
    }
}

/// Lost: the application was told the record was written (acked), yet it is nowhere in
/// the final log, not even above the HW, and no aborted transaction explains it.
/// The smallest scenario: acks=1, the leader crashes before a follower fetched the batch.
pub fn is_lost(history: &History, j: &Judgement, id: usize) -> bool {
    matches!(history.records[id].outcome, Outcome::Acked { .. })
        && j.copies[id] == 0
        && !j.aborted[id]
        && !j.undecided[id]
        && !j.deleted[id]
        && !j.compacted[id]
}

/// Duplicated: extra copies (copies - 1). Smallest scenario: idempotence off, the
/// response to a produce request is lost, the retry writes the batch again.
pub fn extra_copies(j: &Judgement, id: usize) -> u64 {
    j.copies[id].saturating_sub(1) as u64
}

/// Phantom: the callback said the send failed, yet the record is in the log. Smallest
/// scenario: `delivery.timeout.ms` expires while the request is in flight and the broker
/// writes it anyway.
pub fn is_phantom(history: &History, j: &Judgement, id: usize) -> bool {
    matches!(history.records[id].outcome, Outcome::Failed(_)) && j.copies[id] > 0
}

pub fn summarize(history: &History, j: &Judgement, produce_requests: u64, batches: u64) -> Summary {
    let mut s = Summary { produce_requests, batches, ..Summary::default() };
    for (id, rec) in history.records.iter().enumerate() {
        s.sent += 1;
        match rec.outcome {
            Outcome::Acked { .. } => s.acked += 1,
            Outcome::Failed(_) => s.failed += 1,
            Outcome::Pending => s.pending += 1,
        }
        if j.copies[id] > 0 {
            s.delivered += 1;
        }
        s.lost += is_lost(history, j, id) as u64;
        s.duplicated += extra_copies(j, id);
        s.reordered += j.reordered[id] as u64;
        s.phantom += is_phantom(history, j, id) as u64;
        s.aborted += (j.aborted[id] && j.copies[id] == 0) as u64;
        s.deleted += (j.deleted[id] && j.copies[id] == 0) as u64;
        s.compacted += (j.compacted[id] && j.copies[id] == 0) as u64;
    }
    s
}
