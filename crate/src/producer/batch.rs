//! One producer batch (`ProducerBatch` with its `MemoryRecordsBuilder`), sized in the bytes
//! Kafka counts.
//!
//! A batch reserves `write_limit = max(batch.size, upper bound of its first record)`
//! bytes of `buffer.memory` when created. A record fits while
//! `write_limit >= estimated_bytes + exact record size`, where `estimated_bytes` is the
//! 61-byte header plus the uncompressed records (times the topic's compression-ratio
//! estimate and 1.05 when compressed). The first record always fits. The batch is built
//! ("closed") when first drained: compression runs then, on real bytes, and the actual
//! ratio updates the topic's estimate (`CompressionRatioEstimator`).

use std::rc::Rc;

use crate::config::CompressionType;
use crate::format::size::{record_size, Shape, RECORD_BATCH_OVERHEAD};
use crate::protocol::BatchData;
use crate::protocol::Tp;
use crate::sim::Micros;
use crate::trace::SealReason;

/// Compression-ratio estimates are kept in parts per million (1.0 = 1_000_000), so no
/// float decides whether a record fits.
pub const RATIO_ONE_PPM: u64 = 1_000_000;

#[derive(Debug)]
pub struct ProducerBatch {
    pub id: u32,
    pub tp: Tp,
    pub records: Vec<u32>,
    pub created_us: Micros,
    /// Start of the current linger / backoff wait (`lastAttemptMs`).
    pub last_attempt_us: Micros,
    pub last_append_us: Micros,
    /// Timestamp (ms) of the first record: the batch's baseTimestamp.
    pub base_ts_ms: i64,
    /// Sum of the exact (uncompressed) record sizes.
    pub records_bytes: u32,
    /// `writeLimit`: the allocated capacity, header included.
    pub write_limit: u32,
    /// Bytes reserved from `buffer.memory` (0 for split batches, allocated outside the pool).
    pub pooled_bytes: u32,
    /// Closed for appends (no room for a record, or drained).
    pub closed: bool,
    /// Send attempts so far (0 until the first retry is queued).
    pub attempts: u32,
    /// Re-enqueued for a retry at least once (`inRetry`).
    pub in_retry: bool,
    /// The wire form, built at first drain and reused by every retry.
    pub wire: Option<Rc<BatchData>>,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    /// Leader epoch this batch last saw in metadata (`currentLeaderEpoch`).
    pub leader_epoch: Option<u32>,
    /// `attempts` when the leader epoch last changed (`attemptsWhenLeaderLastChanged`).
    pub attempts_when_leader_changed: u32,
    /// The retry backoff drawn when the batch was re-enqueued (Kafka redraws the jitter at
    /// every readiness check; kplay draws once per retry so the wait is one number).
    pub backoff_us: Micros,
    /// The transaction it belongs to (history index) or NO_TXN.
    pub txn: u32,
    pub is_transactional: bool,
    /// What made it leave the accumulator the last time.
    pub reason: Option<SealReason>,
    /// Completed (acked, failed or expired): later responses are ignored.
    pub done: bool,
    /// Drained at least once (sent).
    pub drained: bool,
    /// Its sequence was rewritten by an epoch bump (`sequenceHasBeenReset`).
    pub sequence_reset: bool,
    /// The last error a broker (or the connection) answered for it.
    pub last_error: Option<crate::protocol::Error>,
    /// The topic's compression-ratio estimate when the batch was made, ppm: a batch keeps
    /// it (`ProducerBatch`'s constructor sets it on its `MemoryRecordsBuilder`), whatever
    /// batches closed since teach the estimator. None: the caller's estimate.
    pub ratio_ppm: Option<u64>,
    /// `maxRecordSize`: the largest record upper-bound estimate appended
    /// (`estimateSizeInBytesUpperBound`).
    pub max_record_upper: u32,
}

impl ProducerBatch {
    pub fn new(id: u32, tp: Tp, now: Micros, write_limit: u32, pooled_bytes: u32, txn: u32) -> ProducerBatch {
        ProducerBatch {
            id,
            tp,
            records: Vec::new(),
            created_us: now,
            last_attempt_us: now,
            last_append_us: now,
            base_ts_ms: (now / 1000) as i64,
            records_bytes: 0,
            write_limit,
            pooled_bytes,
            closed: false,
            attempts: 0,
            in_retry: false,
            wire: None,
            producer_id: -1,
            producer_epoch: -1,
            base_sequence: -1,
            leader_epoch: None,
            attempts_when_leader_changed: 0,
            backoff_us: 0,
            txn,
            is_transactional: false,
            reason: None,
            done: false,
            drained: false,
            sequence_reset: false,
            last_error: None,
            ratio_ppm: None,
            max_record_upper: 0,
        }
    }

    pub fn record_count(&self) -> u32 {
        self.records.len() as u32
    }

    /// `MemoryRecordsBuilder.estimatedBytesWritten`.
    pub fn estimated_bytes(&self, codec: CompressionType, ratio_ppm: u64) -> u32 {
        let ratio_ppm = self.ratio_ppm.unwrap_or(ratio_ppm);
        if codec == CompressionType::None {
            RECORD_BATCH_OVERHEAD.saturating_add(self.records_bytes)
        } else {
            // uncompressed * ratio * 1.05
            let est = u128::from(self.records_bytes) * u128::from(ratio_ppm) * 105 / 100 / u128::from(RATIO_ONE_PPM);
            RECORD_BATCH_OVERHEAD.saturating_add(u32::try_from(est).unwrap_or(u32::MAX))
        }
    }

    /// The size the drain compares with `max.request.size`: the built size once closed.
    pub fn size_in_request(&self, codec: CompressionType, ratio_ppm: u64) -> u32 {
        match &self.wire {
            Some(w) => w.size_bytes,
            None => self.estimated_bytes(codec, ratio_ppm),
        }
    }

    /// `MemoryRecordsBuilder.isFull`.
    pub fn is_full(&self, codec: CompressionType, ratio_ppm: u64) -> bool {
        self.closed || (!self.records.is_empty() && self.write_limit <= self.estimated_bytes(codec, ratio_ppm))
    }

    /// The exact size the next record would take in this batch.
    pub fn next_record_size(&self, ts_ms: i64, shape: Shape) -> u32 {
        let ts_delta = if self.records.is_empty() { 0 } else { ts_ms.saturating_sub(self.base_ts_ms) };
        record_size(self.records.len() as u32, ts_delta, shape)
    }

    /// `ProducerBatch.tryAppend`: append if there is room; returns the bytes the batch's
    /// estimate grew by, or None (and the batch closes for appends) if it is full.
    pub fn try_append(
        &mut self,
        record: u32,
        now: Micros,
        ts_ms: i64,
        shape: Shape,
        codec: CompressionType,
        ratio_ppm: u64,
    ) -> Option<u32> {
        if self.records.is_empty() {
            self.base_ts_ms = ts_ms;
        }
        let size = self.next_record_size(ts_ms, shape);
        let before = self.estimated_bytes(codec, ratio_ppm);
        let has_room = !self.is_full(codec, ratio_ppm)
            && (self.records.is_empty() || self.write_limit >= before.saturating_add(size));
        if !has_room {
            self.closed = true;
            return None;
        }
        self.records.push(record);
        self.records_bytes = self.records_bytes.saturating_add(size);
        self.max_record_upper = self.max_record_upper.max(crate::format::size::record_upper_bound(shape));
        self.last_append_us = now;
        Some(self.estimated_bytes(codec, ratio_ppm).saturating_sub(before))
    }

    /// `waitedTimeMs`: how long since creation or the last re-enqueue.
    pub fn waited_us(&self, now: Micros) -> Micros {
        now.saturating_sub(self.last_attempt_us)
    }

    /// `ProducerBatch.reenqueued`: a retry starts waiting its backoff now.
    pub fn reenqueued(&mut self, now: Micros) {
        self.attempts += 1;
        self.last_attempt_us = now.max(self.last_append_us);
        self.in_retry = true;
    }

    /// `maybeUpdateLeaderEpoch`.
    pub fn update_leader_epoch(&mut self, epoch: u32) {
        if self.leader_epoch.is_none_or(|e| e < epoch) {
            self.attempts_when_leader_changed = self.attempts;
            self.leader_epoch = Some(epoch);
        }
    }

    /// `hasLeaderChangedForTheOngoingRetry`: a retry to a new leader skips its backoff.
    pub fn leader_changed_for_retry(&self) -> bool {
        self.attempts >= 1 && self.attempts == self.attempts_when_leader_changed
    }

    /// `shouldBackoff`: a retry still waiting out its backoff (unless the leader changed).
    pub fn backing_off(&self, now: Micros) -> bool {
        self.attempts > 0 && self.waited_us(now) < self.backoff_us && !self.leader_changed_for_retry()
    }

    pub fn has_sequence(&self) -> bool {
        self.base_sequence >= 0
    }
}
