//! `KafkaProducer.close(timeout)` (`Sender.initiateClose`, `forceClose`).
//!
//! `close()` closes the accumulator: nothing more is appended and every queued batch is
//! sendable at once. The sender keeps running until the accumulator is empty, nothing
//! is in flight and no transactional request is pending; a transactional producer first
//! aborts its open transaction ("Aborting incomplete transaction due to shutdown"). The
//! application thread waits for that up to the timeout (`close()` has none). If the
//! timeout passes (or is 0), the close is forced: every batch still queued or in flight
//! fails with `KafkaException("Producer is closed forcefully.")`. Afterwards `send()`
//! throws `IllegalStateException("Cannot perform operation after producer has been
//! closed")`, with no callback.

use super::app::{Blocked, Op};
use super::txn::Phase;
use super::{PCtx, Producer};
use crate::protocol::ClientError;
use crate::sim::Micros;
use crate::trace::Event;

impl Producer {
    pub fn start_close(&mut self, ctx: &mut PCtx, timeout_us: Option<Micros>) {
        if self.closed {
            return;
        }
        ctx.trace(Event::CloseStarted { producer: self.node, timeout_us });
        self.acc.closed = true;
        if matches!(self.txn.phase, Phase::InTransaction | Phase::AbortableError(_)) {
            self.start_txn_op(ctx, Op::Abort);
        }
        let deadline_us = timeout_us.map(|t| ctx.now.saturating_add(t));
        self.app.blocked = Some(Blocked::Close { deadline_us });
        if timeout_us == Some(0) {
            self.finish_close(ctx, true);
            return;
        }
        self.wake_sender(ctx, ctx.now);
        if let Some(d) = deadline_us {
            self.wake_app(ctx, d);
        }
    }

    /// Whether the sender still has something to finish before the close completes.
    pub fn has_work_to_close(&self) -> bool {
        !self.acc.is_empty() || self.sent.values().any(|b| !b.done) || self.txn.busy()
    }

    /// The close completes, cleanly or forced.
    pub fn finish_close(&mut self, ctx: &mut PCtx, forced: bool) {
        let mut failed = 0;
        if forced {
            // `abortIncompleteBatches`: queued and in-flight batches alike.
            let mut batches = self.acc.take_all();
            let ids: Vec<u32> = self.sent.keys().copied().collect();
            for id in ids {
                if let Some(b) = self.sent.remove(&id) {
                    batches.push(b);
                }
            }
            for mut b in batches {
                if !b.done {
                    failed += b.record_count();
                    self.fail_batch(ctx, &mut b, ClientError::Kafka, None, false);
                }
            }
            self.txn.queue.clear();
            self.txn.in_flight = None;
        }
        self.closed = true;
        self.app.blocked = None;
        ctx.trace(Event::Closed { producer: self.node, forced, failed });
    }
}
