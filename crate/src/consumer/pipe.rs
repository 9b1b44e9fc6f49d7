//! A pipeline's application thread around its consumer (`pipeline NAME from= to= ...`):
//! the consume-transform-produce loop of Kafka Streams' `StreamThread`, one task per input
//! partition, one producer per thread (`processing.guarantee`).
//!
//! Each poll's records are processed one by one (`process=` each); each processed record
//! is handed to the pipeline's producer as one output record (with exactly_once_v2 inside
//! the open transaction, begun before the first send). Between polls, once
//! `commit.interval.ms` has passed since the last commit and something was processed, the
//! thread commits, blocking until the commit completes:
//! - exactly_once_v2: `sendOffsetsToTransaction(offsets, consumer.groupMetadata())` then
//!   `commitTransaction()`; the offsets become visible with the commit marker;
//! - at_least_once: `producer.flush()`, then `consumer.commitSync(offsets)`.
//!
//! Before a rebalance takes partitions away the thread commits the same way
//! (`onPartitionsRevoked`). An output whose send failed fails the next commit. A commit
//! that fails because the group moved on (a zombie: CommitFailedException,
//! ILLEGAL_GENERATION, PRODUCER_FENCED) is Streams' `TaskMigratedException`: the open
//! transaction is aborted, the consumer drops its partitions (`onPartitionsLost`) and
//! rejoins, resuming from the committed offsets.
//!
//! The client only says what it needs (`Pipe::calls`, `Pipe::forward`); the kernel
//! (`world::pipeline`) runs those calls on the producer and reports back with
//! [`Client::pipe_done`].

use super::client::{CCtx, Client};
use crate::config::ConsumerConfig;
use crate::protocol::Tp;
use crate::sim::Micros;
use crate::trace::Event;

/// What the application thread asks of the producer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PipeCall {
    /// Commit what was processed: the transaction (with its offsets) or flush + commitSync.
    /// `then_join`: the commit before a rebalance; the join goes on afterwards.
    Commit { offsets: Vec<(Tp, u64)>, then_join: bool },
    /// `abortTransaction()`: after a failed commit, then rejoin (TaskMigratedException,
    /// `migrated`); or because the consumer already lost its partitions (the member was
    /// removed from the group, `onPartitionsLost`), closing its tasks dirty.
    Abort { reason: String, migrated: bool },
}

/// How a producer call ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PipeResult {
    Ok,
    /// The call threw: its exception's name and whether the producer is unusable (fenced).
    Failed {
        error: String,
        fatal: bool,
    },
}

#[derive(Clone, Debug, Default)]
pub struct Pipe {
    pub exactly_once: bool,
    pub commit_interval_us: Micros,
    /// Processed input records (id, partition, offset) whose output the producer has yet
    /// to be given.
    pub forward: Vec<(u32, Tp, u64)>,
    /// Calls for the producer, in order (the kernel takes them).
    pub calls: Vec<PipeCall>,
    /// The call the application thread is blocked on.
    pub waiting: Option<PipeCall>,
    /// Records were processed since the last commit.
    pub dirty: bool,
    pub last_commit_us: Micros,
    /// Commits that completed, and transactions aborted after a failed commit.
    pub commits: u64,
    pub aborts: u64,
}

impl Client {
    pub fn is_pipeline(&self) -> bool {
        self.pipe.is_some()
    }

    /// A processed record: its output goes to the producer.
    pub(super) fn pipe_processed(&mut self, record: u32, tp: Tp, offset: u64) {
        if let Some(p) = &mut self.pipe {
            p.forward.push((record, tp, offset));
            p.dirty = true;
        }
    }

    /// `maybeCommit` between polls: true when the thread now blocks on a commit.
    pub(super) fn pipe_maybe_commit(&mut self, ctx: &mut CCtx, then_join: bool) -> bool {
        let Some(p) = &self.pipe else { return false };
        if p.waiting.is_some() {
            return true;
        }
        let due = then_join || ctx.now >= p.last_commit_us.saturating_add(p.commit_interval_us);
        if !p.dirty || !due {
            return false;
        }
        let offsets: Vec<(Tp, u64)> =
            self.positions.iter().filter(|(tp, _)| self.assignment.contains(tp)).map(|(tp, o)| (*tp, *o)).collect();
        if offsets.is_empty() {
            return false;
        }
        let call = PipeCall::Commit { offsets, then_join };
        let p = self.pipe.as_mut().expect("pipe");
        p.calls.push(call.clone());
        p.waiting = Some(call);
        self.block_app_on_pipe();
        true
    }

    /// The producer finished what the thread was blocked on.
    pub fn pipe_done(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, result: PipeResult) {
        if !self.up || self.closed {
            return;
        }
        let Some(call) = self.pipe.as_mut().and_then(|p| p.waiting.take()) else { return };
        let exactly_once = self.pipe.as_ref().is_some_and(|p| p.exactly_once);
        match (call, result) {
            (PipeCall::Commit { then_join, .. }, PipeResult::Ok) if exactly_once => {
                self.pipe_committed(ctx);
                self.pipe_resume(ctx, cfg, then_join);
            }
            (PipeCall::Commit { then_join, .. }, PipeResult::Ok) => {
                // at_least_once: the outputs are flushed; now commitSync the offsets.
                self.pipe_commit_sync(ctx, cfg, then_join);
            }
            (PipeCall::Commit { .. }, PipeResult::Failed { error, fatal }) => {
                let reason = format!("TaskMigratedException: the commit failed with {error}");
                if exactly_once && !fatal {
                    let call = PipeCall::Abort { reason, migrated: true };
                    let p = self.pipe.as_mut().expect("pipe");
                    p.calls.push(call.clone());
                    p.waiting = Some(call);
                } else {
                    self.pipe_migrated(ctx, cfg, &reason);
                }
            }
            (PipeCall::Abort { reason, migrated }, _) => {
                if let Some(p) = &mut self.pipe {
                    p.aborts += 1;
                }
                if migrated {
                    self.pipe_migrated(ctx, cfg, &reason);
                } else {
                    self.pipe_resume(ctx, cfg, false);
                }
            }
        }
    }

    /// A commit completed (the transaction, or commitSync after the flush).
    pub(super) fn pipe_committed(&mut self, ctx: &mut CCtx) {
        if let Some(p) = &mut self.pipe {
            p.dirty = false;
            p.last_commit_us = ctx.now;
            p.commits += 1;
        }
    }

    /// The consumer lost its partitions outside a commit (`onPartitionsLost`: the
    /// coordinator removed the member). Streams closes the tasks dirty, which with
    /// exactly_once_v2 aborts the open transaction (`RecordCollectorImpl.closeDirty`), and
    /// replaces its producer (`TaskManager.handleLostAll`): what was processed since the
    /// last commit is never committed, and the partitions' next owner resumes before it.
    pub(super) fn pipe_partitions_lost(&mut self, reason: &str) {
        let Some(p) = &mut self.pipe else { return };
        if !p.exactly_once || p.waiting.is_some() || !p.dirty {
            return;
        }
        p.forward.clear();
        p.dirty = false;
        let call = PipeCall::Abort { reason: reason.to_string(), migrated: false };
        p.calls.push(call.clone());
        p.waiting = Some(call);
        self.block_app_on_pipe();
    }

    /// `TaskMigratedException`: drop every partition (`onPartitionsLost`) and rejoin; the
    /// next owner, or this consumer again, resumes from the committed offsets.
    fn pipe_migrated(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, reason: &str) {
        if let Some(p) = &mut self.pipe {
            p.dirty = false;
            p.forward.clear();
        }
        ctx.trace(Event::TaskMigrated { consumer: self.node, reason: reason.to_string() });
        // `StreamThread.handleTaskMigrated`: the tasks are closed as lost, then
        // `mainConsumer.unsubscribe()` leaves the group (a LeaveGroup from a dynamic member
        // of a generation: the coordinator rebalances at once instead of waiting out
        // session.timeout.ms) and the thread subscribes again as a new member.
        self.leave_on_unsubscribe(ctx, cfg);
        self.lose_all(ctx, cfg, reason);
        self.pipe_resume(ctx, cfg, false);
    }
}
