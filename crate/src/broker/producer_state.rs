//! Per-partition producer state (`ProducerStateManager`, `ProducerStateEntry`,
//! `ProducerAppendInfo`): the idempotence cache and the transaction bookkeeping.
//!
//! For each producer id the replica keeps the epoch and metadata of the last 5 batches
//! (`NUM_BATCHES_TO_RETAIN`). A client batch whose (epoch, first seq, last seq) matches a
//! cached batch is a duplicate: nothing is written and the original offsets are answered.
//! Otherwise the epoch and sequence are checked (INVALID_PRODUCER_EPOCH,
//! OUT_OF_ORDER_SEQUENCE_NUMBER); a producer the replica knows nothing about is accepted
//! at any sequence. Followers apply the same state from replicated batches without
//! checks, so a clean failover keeps deduplicating.
//!
//! Transactions: the first offset of each open transaction, and for each completed one
//! its range and marker, give the last stable offset (LSO) and the aborted-transaction
//! index `read_committed` consumers filter with.

use std::collections::VecDeque;

use crate::sim::VecMap;

use crate::protocol::{BatchData, Error, LogBatch, Marker};

/// `ProducerStateEntry.NUM_BATCHES_TO_RETAIN`.
pub const NUM_BATCHES_TO_RETAIN: usize = 5;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BatchMeta {
    pub first_seq: i32,
    pub last_seq: i32,
    pub first_offset: u64,
    pub last_offset: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerEntry {
    pub producer_id: i64,
    pub epoch: i16,
    pub batches: VecDeque<BatchMeta>,
    /// First offset of the producer's open transaction on this partition.
    pub txn_first_offset: Option<u64>,
}

/// An ended transaction on this partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxnRange {
    pub producer_id: i64,
    pub first_offset: u64,
    /// Offset of its COMMIT/ABORT marker.
    pub marker_offset: u64,
    pub aborted: bool,
}

/// What a client batch is, once checked against the producer state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Append,
    /// Already written: answer with these offsets, write nothing.
    Duplicate {
        first_offset: u64,
        last_offset: u64,
    },
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProducerState {
    pub producers: VecMap<i64, ProducerEntry>,
    /// Ended transactions, in marker order.
    pub txns: Vec<TxnRange>,
}

fn in_sequence(last: i32, next: i32) -> bool {
    next as i64 == last as i64 + 1 || (next == 0 && last == i32::MAX)
}

impl ProducerState {
    /// Check a batch from a client before it is written (`analyzeAndValidateProducerState`).
    pub fn check(&self, data: &BatchData) -> Result<Verdict, Error> {
        if !data.is_idempotent() || data.control.is_some() {
            return Ok(Verdict::Append);
        }
        let Some(entry) = self.producers.get(&data.producer_id) else { return Ok(Verdict::Append) };
        let (first, last) = (data.base_sequence, data.last_sequence());
        if data.producer_epoch == entry.epoch {
            if let Some(b) = entry.batches.iter().find(|b| b.first_seq == first && b.last_seq == last) {
                return Ok(Verdict::Duplicate { first_offset: b.first_offset, last_offset: b.last_offset });
            }
        }
        if data.producer_epoch < entry.epoch {
            return Err(Error::InvalidProducerEpoch);
        }
        if data.producer_epoch != entry.epoch {
            if first != 0 && entry.epoch >= 0 {
                return Err(Error::OutOfOrderSequenceNumber);
            }
        } else {
            let current_last = entry.batches.back().map_or(-1, |b| b.last_seq);
            if !(entry.epoch < 0 || in_sequence(current_last, first)) {
                return Err(Error::OutOfOrderSequenceNumber);
            }
        }
        Ok(Verdict::Append)
    }

    /// Apply an appended batch (leader or follower; no checks).
    pub fn apply(&mut self, batch: &LogBatch) {
        let data = &batch.data;
        if !data.is_idempotent() {
            return;
        }
        let pid = data.producer_id;
        let entry = self.producers.entry(pid).or_insert_with(|| ProducerEntry {
            producer_id: pid,
            epoch: data.producer_epoch,
            batches: VecDeque::new(),
            txn_first_offset: None,
        });
        if data.producer_epoch > entry.epoch {
            entry.epoch = data.producer_epoch;
            entry.batches.clear();
        }
        match data.control {
            Some(marker) => {
                if let Some(first) = entry.txn_first_offset.take() {
                    self.txns.push(TxnRange {
                        producer_id: pid,
                        first_offset: first,
                        marker_offset: batch.base_offset,
                        aborted: marker == Marker::Abort,
                    });
                }
            }
            None => {
                if data.transactional && entry.txn_first_offset.is_none() {
                    entry.txn_first_offset = Some(batch.base_offset);
                }
                entry.batches.push_back(BatchMeta {
                    first_seq: data.base_sequence,
                    last_seq: data.last_sequence(),
                    first_offset: batch.base_offset,
                    last_offset: batch.last_offset(),
                });
                if entry.batches.len() > NUM_BATCHES_TO_RETAIN {
                    entry.batches.pop_front();
                }
            }
        }
    }

    /// Rebuild from a log (after truncation or recovery).
    pub fn rebuild<'a>(batches: impl Iterator<Item = &'a LogBatch>) -> ProducerState {
        let mut s = ProducerState::default();
        for b in batches {
            s.apply(b);
        }
        s
    }

    /// `firstUnstableOffset`: the first offset of an open transaction, or of an ended one
    /// whose marker is not yet below the high watermark.
    pub fn first_unstable_offset(&self, high_watermark: u64) -> Option<u64> {
        let open = self.producers.values().filter_map(|e| e.txn_first_offset).min();
        let unreplicated = self.txns.iter().filter(|t| t.marker_offset >= high_watermark).map(|t| t.first_offset).min();
        match (open, unreplicated) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Last stable offset: min(first unstable offset, HW).
    pub fn last_stable_offset(&self, high_watermark: u64) -> u64 {
        self.first_unstable_offset(high_watermark).map_or(high_watermark, |f| f.min(high_watermark))
    }

    /// Whether the batch at `offset` from `pid` belongs to an aborted transaction.
    pub fn is_aborted(&self, pid: i64, offset: u64) -> bool {
        self.txns
            .iter()
            .any(|t| t.aborted && t.producer_id == pid && t.first_offset <= offset && offset < t.marker_offset)
    }

    /// Whether `pid` has an open transaction here.
    pub fn has_open_txn(&self, pid: i64) -> bool {
        self.producers.get(&pid).is_some_and(|e| e.txn_first_offset.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    fn batch(pid: i64, epoch: i16, seq: i32, n: u32, base: u64) -> LogBatch {
        LogBatch {
            base_offset: base,
            leader_epoch: 0,
            data: Rc::new(BatchData {
                batch_id: 0,
                producer_id: pid,
                producer_epoch: epoch,
                base_sequence: seq,
                transactional: false,
                control: None,
                records: (0..n).collect::<Vec<u32>>().into(),
                size_bytes: 100,
                uncompressed_bytes: 100,
                meta: Default::default(),
                cleaned: None,
            }),
        }
    }

    #[test]
    fn duplicate_answers_original_offsets() {
        let mut s = ProducerState::default();
        let b = batch(7, 0, 0, 5, 40);
        assert_eq!(s.check(&b.data), Ok(Verdict::Append));
        s.apply(&b);
        assert_eq!(s.check(&b.data), Ok(Verdict::Duplicate { first_offset: 40, last_offset: 44 }));
        assert_eq!(s.check(&batch(7, 0, 10, 5, 0).data), Err(Error::OutOfOrderSequenceNumber));
        assert_eq!(s.check(&batch(7, 0, 5, 5, 0).data), Ok(Verdict::Append));
    }

    #[test]
    fn only_five_batches_are_cached() {
        let mut s = ProducerState::default();
        for i in 0..6 {
            s.apply(&batch(1, 0, i * 2, 2, (i * 2) as u64));
        }
        // The first batch (seq 0-1) fell out of the cache: a retry of it is out of order.
        assert_eq!(s.check(&batch(1, 0, 0, 2, 0).data), Err(Error::OutOfOrderSequenceNumber));
        assert!(matches!(s.check(&batch(1, 0, 2, 2, 0).data), Ok(Verdict::Duplicate { .. })));
    }

    #[test]
    fn epochs_fence_and_restart_sequences() {
        let mut s = ProducerState::default();
        s.apply(&batch(1, 3, 0, 2, 0));
        assert_eq!(s.check(&batch(1, 2, 2, 1, 0).data), Err(Error::InvalidProducerEpoch));
        assert_eq!(s.check(&batch(1, 4, 5, 1, 0).data), Err(Error::OutOfOrderSequenceNumber));
        assert_eq!(s.check(&batch(1, 4, 0, 1, 0).data), Ok(Verdict::Append));
        // An unknown producer is accepted at any sequence.
        assert_eq!(s.check(&batch(9, 0, 17, 1, 0).data), Ok(Verdict::Append));
    }
}
