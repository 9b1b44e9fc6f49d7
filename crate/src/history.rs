//! The ghost history: what the application observed, per record id.
//!
//! Producers write here what a real application would see through the Java API: each
//! `send()` (with the record's identity and the partition chosen), each callback result,
//! each transaction's outcome; consumers write what their polls returned. The checker
//! judges this history against the final logs and never looks inside nodes.

use serde::Serialize;

use crate::protocol::{ClientError, Tp};
use crate::sim::Micros;

pub const NO_PARTITION: u32 = u32::MAX;
pub const NO_TXN: u32 = u32::MAX;

/// The result a send's callback got, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// No result yet (or the process that sent it died first).
    Pending,
    /// Success. `offset` is -1 with `acks=0` (and for DUPLICATE_SEQUENCE_NUMBER).
    Acked {
        offset: i64,
    },
    Failed(ClientError),
}

#[derive(Clone, Debug)]
pub struct RecordRec {
    /// Index of the declared producer (the application, across restarts).
    pub producer: u16,
    pub topic: u16,
    /// The partition `send()` chose ([`NO_PARTITION`] if it failed before choosing).
    pub partition: u32,
    /// Index of its send statement in the timeline.
    pub stmt: u32,
    /// `{i}`: its index within the send statement.
    pub index: u32,
    /// Order in which the application sent it (per producer), for reordering.
    pub app_seq: u32,
    pub sent_us: Micros,
    /// Its CreateTime (ms since 1970): `timestamp=`, else the time `send()` was called.
    pub timestamp_ms: i64,
    pub result_us: Micros,
    pub outcome: Outcome,
    /// The transaction it was sent in ([`NO_TXN`] if none).
    pub txn: u32,
    /// The last producer batch that carried it (0 = never batched).
    pub batch: u32,
    /// How many times `send()` was called for it (more than once with `resend=unacked`).
    pub sends: u8,
    /// Serialized size of key and value, for the record view.
    pub value_bytes: u32,
    /// Its key's identity (a 64-bit hash of the serialized key; None: a null key), which
    /// the log cleaner compacts by, as Kafka's offset map does with an MD5 of the key.
    pub key: Option<u64>,
    /// Key and value lengths (a null value is a tombstone) and header bytes: what its
    /// size in a batch depends on.
    pub shape: crate::format::size::Shape,
    /// For a failed record: the last broker error its batch saw (the cause behind a
    /// `TimeoutException` after retries, for instance).
    pub cause: Option<crate::protocol::Error>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TxnOutcome {
    Open,
    Committed,
    Aborted,
}

#[derive(Clone, Debug)]
pub struct TxnRec {
    pub producer: u16,
    pub begun_us: Micros,
    pub ended_us: Micros,
    pub outcome: TxnOutcome,
    pub producer_id: i64,
    pub producer_epoch: i16,
}

#[derive(Clone, Debug)]
pub struct PollRec {
    pub consumer: u16,
    pub topic: u16,
    pub at_us: Micros,
    pub records: Vec<u32>,
}

/// A record a group consumer's application finished processing.
#[derive(Clone, Copy, Debug)]
pub struct ProcessedRec {
    pub consumer: u16,
    pub record: u32,
    pub tp: Tp,
    pub offset: u64,
    /// When its poll returned it, and when its processing ended.
    pub polled_us: Micros,
    pub at_us: Micros,
    /// The group generation the consumer was in.
    pub generation: i32,
}

#[derive(Default)]
pub struct History {
    pub records: Vec<RecordRec>,
    pub txns: Vec<TxnRec>,
    pub polls: Vec<PollRec>,
    pub processed: Vec<ProcessedRec>,
    /// A pipeline's outputs: (output record, the input record it was made from, and where
    /// that input was read: a record written twice upstream is two inputs).
    pub forwards: Vec<(u32, u32, Tp, u64)>,
    app_seq: Vec<u32>,
    /// Records whose callback has run (for a run's progress).
    pub completed: u64,
    /// Record bytes producers have compressed (real bytes are built for compression).
    pub compressed_bytes: u64,
    /// The bytes-compressed budget (`crate::budget`); the kernel sets it.
    pub compressed_limit: u64,
}

impl History {
    /// A new record id for a first `send()`.
    pub fn new_record(&mut self, mut rec: RecordRec) -> u32 {
        let p = rec.producer as usize;
        if self.app_seq.len() <= p {
            self.app_seq.resize(p + 1, 0);
        }
        rec.app_seq = self.app_seq[p];
        self.app_seq[p] += 1;
        self.records.push(rec);
        (self.records.len() - 1) as u32
    }

    /// Whether `bytes` more may be compressed within the budget; counts them either way
    /// (a run over the budget stops before its next event).
    pub fn may_compress(&mut self, bytes: u64) -> bool {
        self.compressed_bytes = self.compressed_bytes.saturating_add(bytes);
        self.compressed_bytes <= self.compressed_limit
    }

    pub fn record(&self, id: u32) -> &RecordRec {
        &self.records[id as usize]
    }

    pub fn record_mut(&mut self, id: u32) -> &mut RecordRec {
        &mut self.records[id as usize]
    }

    /// The callback ran. A record keeps its first result unless it was sent again.
    pub fn complete(&mut self, id: u32, at: Micros, outcome: Outcome) {
        let r = &mut self.records[id as usize];
        if r.outcome == Outcome::Pending {
            r.outcome = outcome;
            r.result_us = at;
            self.completed += 1;
        }
    }

    /// A failed callback, with the broker error behind it if any.
    pub fn fail(&mut self, id: u32, at: Micros, error: ClientError, cause: Option<crate::protocol::Error>) {
        let r = &mut self.records[id as usize];
        if r.outcome == Outcome::Pending {
            r.outcome = Outcome::Failed(error);
            r.result_us = at;
            r.cause = cause;
            self.completed += 1;
        }
    }

    pub fn new_txn(&mut self, producer: u16, at: Micros, producer_id: i64, producer_epoch: i16) -> u32 {
        self.txns.push(TxnRec {
            producer,
            begun_us: at,
            ended_us: 0,
            outcome: TxnOutcome::Open,
            producer_id,
            producer_epoch,
        });
        (self.txns.len() - 1) as u32
    }

    pub fn end_txn(&mut self, txn: u32, at: Micros, outcome: TxnOutcome) {
        if let Some(t) = self.txns.get_mut(txn as usize) {
            if t.outcome == TxnOutcome::Open {
                t.outcome = outcome;
                t.ended_us = at;
            }
        }
    }
}
