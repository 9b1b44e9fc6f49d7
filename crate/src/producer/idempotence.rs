//! Producer id, epoch and per-partition sequences: the idempotent half of Kafka's
//! `TransactionManager` (with `TxnPartitionEntry`).
//!
//! Sequences are assigned at first drain, never at append, and kept on retry. Each
//! partition tracks its next sequence, the last acknowledged sequence and the batches
//! in flight ordered by (producer id, epoch, base sequence). A batch that expired after it
//! was sent makes its partition "unresolved": nothing new is drained until its in-flight
//! batches complete, then either the sequences line up or the epoch is bumped. Epoch
//! bumps (KIP-360) are local for an idempotent producer: epoch+1 and the in-flight
//! sequences of the partitions that asked for it restart at 0.
//!
//! Sequence rewrites are returned as [`Rewrite`]s: the producer applies them to its
//! batches wherever they are (queued for retry or in a request).

use crate::sim::{VecMap, VecSet};

use super::accumulator::DrainGuard;
use super::batch::ProducerBatch;
use crate::protocol::Error;
use crate::protocol::Tp;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PidState {
    /// No producer id yet; an InitProducerId is needed.
    Uninitialized,
    /// InitProducerId is on its way.
    Initializing,
    Ready,
}

#[derive(Clone, Debug)]
struct Entry {
    producer_id: i64,
    producer_epoch: i16,
    next_seq: i32,
    last_acked_seq: i32,
    last_acked_offset: i64,
    /// (pid, epoch, base seq) -> (batch id, record count)
    in_flight: VecMap<(i64, i16, i32), (u32, u32)>,
}

/// A partition's state before anything was sent: no producer id, epoch, ack or offset.
impl Default for Entry {
    fn default() -> Entry {
        Entry {
            producer_id: -1,
            producer_epoch: -1,
            next_seq: 0,
            last_acked_seq: -1,
            last_acked_offset: -1,
            in_flight: VecMap::new(),
        }
    }
}

/// A batch's new producer state after an epoch bump or a sequence adjustment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rewrite {
    pub batch: u32,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
}

#[derive(Debug)]
pub struct Idempotence {
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub state: PidState,
    partitions: VecMap<Tp, Entry>,
    unresolved: VecMap<Tp, i32>,
    pub epoch_bump_required: bool,
    to_rewrite: VecSet<Tp>,
    pub transactional: bool,
    /// Partitions added to the current transaction (AddPartitionsToTxn answered).
    pub txn_partitions: VecSet<Tp>,
}

fn increment_sequence(seq: i32, by: u32) -> i32 {
    ((seq as i64 + by as i64) % (i32::MAX as i64 + 1)) as i32
}

impl Idempotence {
    pub fn new(transactional: bool) -> Idempotence {
        Idempotence {
            producer_id: -1,
            producer_epoch: -1,
            state: PidState::Uninitialized,
            partitions: VecMap::new(),
            unresolved: VecMap::new(),
            epoch_bump_required: false,
            to_rewrite: VecSet::new(),
            transactional,
            txn_partitions: VecSet::new(),
        }
    }

    fn entry(&mut self, tp: Tp) -> &mut Entry {
        self.partitions.entry(tp).or_default()
    }

    pub fn has_pid(&self) -> bool {
        self.producer_id >= 0 && self.state == PidState::Ready
    }

    pub fn set_pid(&mut self, pid: i64, epoch: i16) {
        self.producer_id = pid;
        self.producer_epoch = epoch;
        self.state = PidState::Ready;
    }

    fn has_in_flight(&self, tp: Tp) -> bool {
        self.partitions.get(&tp).is_some_and(|e| !e.in_flight.is_empty())
    }

    fn stale(&self, tp: Tp) -> bool {
        self.partitions
            .get(&tp)
            .is_none_or(|e| e.producer_id != self.producer_id || e.producer_epoch != self.producer_epoch)
    }

    pub fn has_unresolved(&self, tp: Tp) -> bool {
        self.unresolved.contains_key(&tp)
    }

    fn first_in_flight_seq(&self, tp: Tp) -> Option<i32> {
        self.partitions.get(&tp).and_then(|e| e.in_flight.keys().next()).map(|k| k.2)
    }

    fn is_next_sequence(&self, tp: Tp, seq: i32) -> bool {
        let last = self.partitions.get(&tp).map_or(-1, |e| e.last_acked_seq);
        seq as i64 - last as i64 == 1
    }

    pub fn next_sequence(&self, tp: Tp) -> i32 {
        self.partitions.get(&tp).map_or(0, |e| e.next_seq)
    }

    pub fn last_acked_sequence(&self, tp: Tp) -> i32 {
        self.partitions.get(&tp).map_or(-1, |e| e.last_acked_seq)
    }

    /// `handleCompletedBatch`.
    pub fn completed(&mut self, batch: &ProducerBatch, base_offset: i64) {
        let last_seq = increment_sequence(batch.base_sequence, batch.record_count().saturating_sub(1));
        let e = self.entry(batch.tp);
        if last_seq > e.last_acked_seq {
            e.last_acked_seq = last_seq;
        }
        if base_offset >= 0 {
            e.last_acked_offset = base_offset + batch.record_count() as i64 - 1;
        }
        e.in_flight.remove(&(batch.producer_id, batch.producer_epoch, batch.base_sequence));
    }

    /// `handleFailedBatch` (the idempotent part; transactional errors are handled by the
    /// caller). Returns rewrites when sequences were adjusted.
    pub fn failed(&mut self, batch: &ProducerBatch, error: Option<Error>, adjust_sequences: bool) -> Vec<Rewrite> {
        let tp = batch.tp;
        if let Some(e) = self.partitions.get_mut(&tp) {
            e.in_flight.remove(&(batch.producer_id, batch.producer_epoch, batch.base_sequence));
        }
        match error {
            Some(Error::OutOfOrderSequenceNumber) if !self.transactional => self.request_epoch_bump(tp),
            Some(Error::UnknownProducerId) => {
                self.partitions.remove(&tp);
                self.unresolved.remove(&tp);
            }
            _ if adjust_sequences && batch.has_sequence() => {
                if !self.transactional {
                    self.request_epoch_bump(tp);
                } else {
                    return self.adjust_after_failed(batch);
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// `TxnPartitionEntry.adjustSequencesDueToFailedBatch` (transactional producers).
    fn adjust_after_failed(&mut self, batch: &ProducerBatch) -> Vec<Rewrite> {
        let n = batch.record_count();
        let e = self.entry(batch.tp);
        e.next_seq = e.next_seq.saturating_sub(n as i32).max(0);
        let mut rewrites = Vec::new();
        let old = std::mem::take(&mut e.in_flight);
        for ((pid, epoch, seq), (id, count)) in old {
            let new_seq = if seq < batch.base_sequence { seq } else { (seq - n as i32).max(0) };
            if new_seq != seq {
                rewrites.push(Rewrite { batch: id, producer_id: pid, producer_epoch: epoch, base_sequence: new_seq });
            }
            e.in_flight.insert((pid, epoch, new_seq), (id, count));
        }
        rewrites
    }

    pub fn request_epoch_bump(&mut self, tp: Tp) {
        self.epoch_bump_required = true;
        self.to_rewrite.insert(tp);
    }

    /// `markSequenceUnresolved`: a batch sent at least once expired in flight.
    pub fn mark_unresolved(&mut self, batch: &ProducerBatch) {
        let next = increment_sequence(batch.base_sequence, batch.record_count());
        let v = self.unresolved.entry(batch.tp).or_insert(next);
        *v = (*v).max(next);
    }

    /// `maybeResolveSequences`: partitions whose in-flight batches all completed.
    pub fn resolve_sequences(&mut self) {
        let tps: Vec<Tp> = self.unresolved.keys().copied().collect();
        for tp in tps {
            if self.has_in_flight(tp) {
                continue;
            }
            if !self.is_next_sequence(tp, self.next_sequence(tp)) && !self.transactional {
                self.request_epoch_bump(tp);
            }
            self.unresolved.remove(&tp);
        }
    }

    /// `bumpIdempotentProducerEpoch`, when one was requested (idempotent producers only).
    /// Returns the rewrites of the in-flight batches of the partitions that asked for it.
    pub fn maybe_bump_epoch(&mut self) -> Option<Vec<Rewrite>> {
        if self.transactional || !self.epoch_bump_required || !self.has_pid() {
            return None;
        }
        if self.producer_epoch == i16::MAX {
            self.producer_id = -1;
            self.producer_epoch = -1;
            self.state = PidState::Uninitialized;
        } else {
            self.producer_epoch += 1;
        }
        let mut rewrites = Vec::new();
        for tp in std::mem::take(&mut self.to_rewrite) {
            rewrites.extend(self.start_sequences_at_beginning(tp));
            self.unresolved.remove(&tp);
        }
        self.epoch_bump_required = false;
        Some(rewrites)
    }

    /// `startSequencesAtBeginning`: in-flight batches of `tp` get the current id/epoch and
    /// sequences from 0, in their sequence order.
    pub fn start_sequences_at_beginning(&mut self, tp: Tp) -> Vec<Rewrite> {
        let (pid, epoch) = (self.producer_id, self.producer_epoch);
        let e = self.entry(tp);
        let mut seq = 0i32;
        let mut rewrites = Vec::new();
        let old = std::mem::take(&mut e.in_flight);
        for (_, (id, count)) in old {
            rewrites.push(Rewrite { batch: id, producer_id: pid, producer_epoch: epoch, base_sequence: seq });
            e.in_flight.insert((pid, epoch, seq), (id, count));
            seq = increment_sequence(seq, count);
        }
        e.producer_id = pid;
        e.producer_epoch = epoch;
        e.next_seq = seq;
        e.last_acked_seq = -1;
        rewrites
    }

    /// Forget all sequence state (new producer id from InitProducerId).
    pub fn reset_sequences(&mut self) {
        self.partitions.clear();
        self.unresolved.clear();
        self.to_rewrite.clear();
    }

    /// `TransactionManager.canRetry` for OUT_OF_ORDER_SEQUENCE_NUMBER / UNKNOWN_PRODUCER_ID;
    /// other errors: retriable or not. May request an epoch bump.
    pub fn can_retry(&mut self, batch: &ProducerBatch, error: Error, sequence_reset: bool) -> bool {
        let tp = batch.tp;
        match error {
            Error::UnknownProducerId => {
                if sequence_reset {
                    return true;
                }
                if !self.transactional {
                    self.request_epoch_bump(tp);
                    return true;
                }
                false
            }
            Error::OutOfOrderSequenceNumber => {
                let unresolved = self.has_unresolved(tp);
                if !unresolved && (sequence_reset || !self.is_next_sequence(tp, batch.base_sequence)) {
                    return true;
                }
                if !self.transactional {
                    let next_for_unresolved = self.unresolved.get(&tp) == Some(&batch.base_sequence);
                    if !unresolved || next_for_unresolved {
                        self.request_epoch_bump(tp);
                    }
                    return true;
                }
                false
            }
            e => e.retriable(),
        }
    }

    /// What the leader's producer-state view of this producer should be, for the report.
    pub fn partition_summary(&self) -> Vec<(Tp, i32, i32, usize)> {
        self.partitions.iter().map(|(tp, e)| (*tp, e.next_seq, e.last_acked_seq, e.in_flight.len())).collect()
    }
}

impl DrainGuard for Idempotence {
    fn should_stop(&self, first: &ProducerBatch) -> bool {
        let tp = first.tp;
        if self.transactional && !self.txn_partitions.contains(&tp) {
            return true;
        }
        if !self.has_pid() {
            return true;
        }
        if !first.has_sequence() {
            if self.has_in_flight(tp) && self.stale(tp) {
                return true;
            }
            if self.has_unresolved(tp) {
                return true;
            }
        }
        if let Some(first_seq) = self.first_in_flight_seq(tp) {
            if first.has_sequence() && first.base_sequence != first_seq {
                return true;
            }
        }
        false
    }

    fn assign_sequence(&mut self, batch: &mut ProducerBatch) {
        let tp = batch.tp;
        // maybeUpdateProducerIdAndEpoch: a stale partition with nothing in flight restarts at 0.
        if self.stale(tp) && !self.has_in_flight(tp) {
            self.start_sequences_at_beginning(tp);
        }
        let (pid, epoch) = (self.producer_id, self.producer_epoch);
        batch.is_transactional = self.transactional;
        let e = self.entry(tp);
        batch.producer_id = pid;
        batch.producer_epoch = epoch;
        batch.base_sequence = e.next_seq;
        e.next_seq = increment_sequence(e.next_seq, batch.record_count());
        e.in_flight.insert((pid, epoch, batch.base_sequence), (batch.id, batch.record_count()));
    }
}

/// A producer without idempotence: no guards, no sequences.
pub struct NoGuard;

impl DrainGuard for NoGuard {
    fn should_stop(&self, _: &ProducerBatch) -> bool {
        false
    }
    fn assign_sequence(&mut self, _: &mut ProducerBatch) {}
}
