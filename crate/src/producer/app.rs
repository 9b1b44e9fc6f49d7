//! The application thread: one thread per declared producer that runs its part of the
//! timeline, calling `send()`, `flush()` and the transaction methods.
//!
//! Records are sent at their scheduled times (`at T ... every=D`), in time order across
//! statements and in file order at equal times. A call that blocks (`send()` waiting for
//! metadata or `buffer.memory`, a `sync` send waiting for its result, `flush()`,
//! `commitTransaction()`) blocks the whole thread, so later records go out late, exactly
//! as they would from a single-threaded Java application. `send()` fails fast with
//! `RecordTooLargeException` and gives up after `max.block.ms` with `TimeoutException`
//! (metadata) or `BufferExhaustedException` (memory).

use std::collections::VecDeque;

use crate::sim::VecSet;

use super::accumulator::{Append, Target};
use super::{PCtx, Producer};
use crate::config::PartitionerKind;
use crate::format::size::record_upper_bound;
use crate::history::Outcome;
use crate::history::{RecordRec, NO_PARTITION, NO_TXN};
use crate::protocol::ClientError;
use crate::protocol::Tp;
use crate::sim::{later, Micros};
use crate::trace::{BlockReason, ClientErrorName, Event};

/// A send statement being worked through.
#[derive(Clone, Debug)]
pub struct SendJob {
    pub stmt: u32,
    pub topic: u16,
    pub count: u64,
    pub every_us: Micros,
    pub start_us: Micros,
    pub next: u64,
    pub partition: Option<u32>,
    pub sync: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Flush,
    /// `close(timeout)`; None is `close()` (no limit).
    Close(Option<Micros>),
    Init,
    Begin,
    Commit,
    Abort,
    /// `sendOffsetsToTransaction(offsets, groupMetadata)` with `TxnState::offsets_to_send`.
    SendOffsets,
}

#[derive(Clone, Debug)]
pub enum Job {
    Send(SendJob),
    /// Records to send again after a restart (`resend=unacked`), oldest first.
    Resend(VecDeque<u32>),
    /// A pipeline's outputs: one new record to `topic` per input record (same key, value
    /// and timestamp, as a Kafka Streams `mapValues` forwards them), oldest first.
    Forward {
        topic: u16,
        inputs: VecDeque<(u32, Tp, u64)>,
    },
    Op {
        at_us: Micros,
        op: Op,
    },
}

impl Job {
    fn due_us(&self) -> Micros {
        match self {
            Job::Send(s) => later(s.start_us, s.next.saturating_mul(s.every_us)),
            Job::Resend(_) | Job::Forward { .. } => 0,
            Job::Op { at_us, .. } => *at_us,
        }
    }
}

/// Why the thread is blocked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Blocked {
    /// Inside `send()` for `record`, waiting for the topic's metadata.
    Metadata { record: u32, since_us: Micros, deadline_us: Micros },
    /// Inside `send()` for `record`, waiting for `bytes` of buffer memory.
    Memory { record: u32, since_us: Micros, deadline_us: Micros },
    /// `send(record).get()`.
    Sync { record: u32 },
    /// `flush()`: waiting for these batches to complete.
    Flush { batches: VecSet<u32> },
    /// `close(timeout)`: until everything is sent and answered, or the deadline.
    Close { deadline_us: Option<Micros> },
    /// `initTransactions()`, `commitTransaction()` or `abortTransaction()`: each waits
    /// up to `max.block.ms` (`TransactionalRequestResult.await`).
    Txn { call: TxnCall, deadline_us: Micros },
}

impl Blocked {
    /// What the application thread is waiting for, in a word.
    pub fn name(&self) -> &'static str {
        match self {
            Blocked::Metadata { .. } => "metadata",
            Blocked::Memory { .. } => "buffer.memory",
            Blocked::Sync { .. } => "send().get()",
            Blocked::Flush { .. } => "flush()",
            Blocked::Txn { .. } => "transaction",
            Blocked::Close { .. } => "close()",
        }
    }
}

/// A blocking transactional call of the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnCall {
    InitTransactions,
    CommitTransaction,
    AbortTransaction,
    SendOffsetsToTransaction,
}

impl TxnCall {
    /// The Java method's name.
    pub fn method(self) -> &'static str {
        match self {
            TxnCall::InitTransactions => "initTransactions",
            TxnCall::CommitTransaction => "commitTransaction",
            TxnCall::AbortTransaction => "abortTransaction",
            TxnCall::SendOffsetsToTransaction => "sendOffsetsToTransaction",
        }
    }
    /// The request handler the call awaits (`TransactionalRequestResult` operation name).
    pub fn awaits(self) -> &'static str {
        match self {
            TxnCall::InitTransactions => "InitProducerId",
            TxnCall::CommitTransaction | TxnCall::AbortTransaction => "EndTxn",
            TxnCall::SendOffsetsToTransaction => "AddOffsetsToTxn",
        }
    }
}

/// A record `send()` is working on (survives a block so the call can resume).
#[derive(Clone, Debug)]
pub struct InSend {
    pub record: u32,
    pub topic: u16,
    pub partition: Option<u32>,
    pub sync: bool,
    pub started_us: Micros,
    /// The partition a configured partitioner chose (asked once per record, as
    /// `KafkaProducer.doSend` does; a `send()` blocked on memory resumes with it).
    pub chosen: Option<u32>,
    /// The accumulator already said a new batch is needed (`abortForNewBatch`) and the
    /// partitioner was asked again: the next append creates the batch.
    pub aborted: bool,
}

#[derive(Default, Debug)]
pub struct App {
    /// Jobs in timeline order; each knows when its next step is due.
    pub jobs: Vec<(u32, Job)>,
    /// The thread is busy inside `send()` until then (ns of virtual time): serializing,
    /// partitioning, appending and compressing cost CPU (`sim::cost`).
    pub busy_until_ns: u64,
    pub blocked: Option<Blocked>,
    pub in_send: Option<InSend>,
}

impl App {
    pub fn busy(&self) -> bool {
        !self.jobs.is_empty() || self.blocked.is_some() || self.in_send.is_some()
    }

    /// Index of the job due first (time, then timeline order).
    fn next_job(&self) -> Option<usize> {
        (0..self.jobs.len()).min_by_key(|&i| (self.jobs[i].1.due_us(), self.jobs[i].0))
    }
}

impl Producer {
    pub fn add_job(&mut self, ctx: &mut PCtx, order: u32, job: Job) {
        self.app.jobs.push((order, job));
        self.run_app(ctx);
    }

    /// Run the application thread until it blocks or has nothing due now.
    pub fn run_app(&mut self, ctx: &mut PCtx) {
        for _ in 0..1_000_000 {
            if !self.resume_blocked(ctx) {
                return;
            }
            let Some(i) = self.app.next_job() else { return };
            let due = self.app.jobs[i].1.due_us().max(crate::sim::cost::ns_to_us(self.app.busy_until_ns));
            if due > ctx.now {
                self.wake_app(ctx, due);
                return;
            }
            match &mut self.app.jobs[i].1 {
                Job::Send(job) => {
                    let (stmt, index, topic, partition, sync) =
                        (job.stmt, job.next, job.topic, job.partition, job.sync);
                    job.next += 1;
                    if job.next >= job.count {
                        self.app.jobs.remove(i);
                    }
                    self.pay_for_send(ctx.now, stmt, index as u32);
                    let record = ctx.obs.history.new_record(RecordRec {
                        producer: self.index,
                        topic,
                        partition: NO_PARTITION,
                        stmt,
                        index: index as u32,
                        app_seq: 0,
                        sent_us: ctx.now,
                        timestamp_ms: self.workload.create_time_ms(stmt, ctx.now),
                        result_us: 0,
                        outcome: Outcome::Pending,
                        txn: NO_TXN,
                        batch: 0,
                        sends: 1,
                        value_bytes: self.workload.value_len(stmt).unwrap_or(0),
                        key: None,
                        shape: crate::format::size::Shape::new(None, None),
                        cause: None,
                    });
                    self.start_send(ctx, record, topic, partition, sync);
                }
                Job::Resend(queue) => {
                    let Some(record) = queue.pop_front() else {
                        self.app.jobs.remove(i);
                        continue;
                    };
                    let (stmt, index) = (ctx.obs.history.record(record).stmt, ctx.obs.history.record(record).index);
                    self.pay_for_send(ctx.now, stmt, index);
                    let stamp = |stmt| self.workload.create_time_ms(stmt, ctx.now);
                    let rec = ctx.obs.history.record_mut(record);
                    rec.sends = rec.sends.saturating_add(1);
                    rec.sent_us = ctx.now;
                    rec.timestamp_ms = stamp(rec.stmt);
                    let (topic, partition) = (rec.topic, None);
                    self.start_send(ctx, record, topic, partition, false);
                }
                Job::Forward { topic, inputs } => {
                    let topic = *topic;
                    let Some((input, in_tp, in_offset)) = inputs.pop_front() else {
                        self.app.jobs.remove(i);
                        continue;
                    };
                    if self.txn.transactional_id.is_some() && self.txn.phase == super::txn::Phase::Ready {
                        // Streams' `maybeBeginTransaction`, right before the send.
                        self.start_txn_op(ctx, Op::Begin);
                    }
                    let src = ctx.obs.history.record(input).clone();
                    self.pay_for_send(ctx.now, src.stmt, src.index);
                    let record = ctx.obs.history.new_record(RecordRec {
                        producer: self.index,
                        topic,
                        partition: NO_PARTITION,
                        stmt: src.stmt,
                        index: src.index,
                        app_seq: 0,
                        sent_us: ctx.now,
                        timestamp_ms: src.timestamp_ms,
                        result_us: 0,
                        outcome: Outcome::Pending,
                        txn: NO_TXN,
                        batch: 0,
                        sends: 1,
                        value_bytes: src.value_bytes,
                        key: None,
                        shape: crate::format::size::Shape::new(None, None),
                        cause: None,
                    });
                    ctx.obs.history.forwards.push((record, input, in_tp, in_offset));
                    self.start_send(ctx, record, topic, None, false);
                }
                Job::Op { op, .. } => {
                    let op = *op;
                    self.app.jobs.remove(i);
                    self.run_op(ctx, op);
                }
            }
        }
    }

    /// Returns true when the thread is free to take the next job.
    fn resume_blocked(&mut self, ctx: &mut PCtx) -> bool {
        match self.app.blocked.clone() {
            None => true,
            Some(Blocked::Metadata { record, deadline_us, .. }) | Some(Blocked::Memory { record, deadline_us, .. }) => {
                // Try the send again: metadata may have arrived, memory may be free.
                self.continue_send(ctx);
                if let Some(Blocked::Metadata { .. } | Blocked::Memory { .. }) = &self.app.blocked {
                    if ctx.now >= deadline_us {
                        self.send_timed_out(ctx, record);
                    } else {
                        self.wake_app(ctx, deadline_us);
                    }
                }
                self.app.blocked.is_none()
            }
            Some(Blocked::Sync { record }) => {
                if ctx.obs.history.record(record).outcome != Outcome::Pending {
                    self.app.blocked = None;
                    true
                } else {
                    false
                }
            }
            Some(Blocked::Flush { batches }) => {
                if batches.iter().all(|b| !self.batch_incomplete(*b)) {
                    self.app.blocked = None;
                    self.acc.flushes = self.acc.flushes.saturating_sub(1);
                    ctx.trace(Event::FlushCompleted { producer: self.node });
                    true
                } else {
                    false
                }
            }
            Some(Blocked::Close { deadline_us }) => {
                if !self.has_work_to_close() {
                    self.finish_close(ctx, false);
                    return true;
                }
                if let Some(d) = deadline_us {
                    if ctx.now >= d {
                        self.finish_close(ctx, true);
                        return true;
                    }
                    self.wake_app(ctx, d);
                }
                false
            }
            Some(Blocked::Txn { call, deadline_us }) => {
                if self.resume_txn_op(ctx) {
                    return true;
                }
                if ctx.now >= deadline_us {
                    self.txn_call_timed_out(ctx, call);
                    return true;
                }
                self.wake_app(ctx, deadline_us);
                false
            }
        }
    }

    fn start_send(&mut self, ctx: &mut PCtx, record: u32, topic: u16, partition: Option<u32>, sync: bool) {
        self.app.in_send =
            Some(InSend { record, topic, partition, sync, started_us: ctx.now, chosen: None, aborted: false });
        self.continue_send(ctx);
    }

    /// `KafkaProducer.doSend` for the record in `app.in_send`; blocks or completes it.
    fn continue_send(&mut self, ctx: &mut PCtx) {
        let Some(s) = self.app.in_send.clone() else { return };
        if self.closed {
            // `throwIfProducerClosed`: thrown by send(), no callback.
            let message = "Cannot perform operation after producer has been closed".to_string();
            self.fail_send_with(ctx, s.record, ClientError::IllegalState, Some(message));
            return;
        }
        if let Some(err) = self.txn.send_error(self.cfg.transactional_id.is_some()) {
            self.fail_send(ctx, s.record, err);
            return;
        }
        // waitOnMetadata: until the topic is known and, for an explicit partition, until
        // the metadata has that partition (a partition beyond the topic's count is waited
        // for up to max.block.ms like an unknown topic, since Kafka 2.2, KAFKA-6833).
        let known = self.meta.partition_count(s.topic).filter(|&n| s.partition.is_none_or(|p| p < n));
        let Some(count) = known else {
            if !matches!(self.app.blocked, Some(Blocked::Metadata { .. })) {
                ctx.trace(Event::SendBlocked { producer: self.node, record: s.record, reason: BlockReason::Metadata });
            }
            self.meta.need_update = true;
            let deadline_us = later(s.started_us, self.cfg.max_block_us);
            self.app.blocked = Some(Blocked::Metadata { record: s.record, since_us: s.started_us, deadline_us });
            self.wake_app(ctx, deadline_us);
            self.wake_sender(ctx, ctx.now);
            return;
        };
        let rec = ctx.obs.history.record(s.record);
        let (stmt, index) = (rec.stmt, rec.index);
        let has_key = self.workload.key_into(stmt, index, &mut self.key_buf);
        let key_len = has_key.then_some(self.key_buf.len() as u32);
        let shape = self.workload.shape(stmt, key_len);
        let rec = ctx.obs.history.record_mut(s.record);
        rec.key = has_key.then(|| crate::format::key_hash(&self.key_buf));
        rec.shape = shape;
        let ts_ms = rec.timestamp_ms;
        let target = match s.chosen {
            Some(p) => Target::Partition(p),
            None => self.choose_partition(&s, has_key, count),
        };
        if let (Target::Partition(p), Some(in_send)) = (target, self.app.in_send.as_mut()) {
            in_send.chosen = Some(p);
        }
        let upper = record_upper_bound(shape);
        if upper > self.cfg.max_request_size_bytes || upper as u64 > self.cfg.buffer_memory_bytes {
            self.fail_send(ctx, s.record, ClientError::RecordTooLarge);
            return;
        }
        let txn = self.txn.current_txn();
        let now = ctx.now;
        let ids = &mut *ctx.obs.ids;
        let result = self.acc.append(
            &self.cfg,
            &self.meta,
            &mut self.rng,
            s.topic,
            target,
            s.record,
            ts_ms,
            shape,
            upper,
            now,
            txn,
            self.cfg.partitioner.aborts_on_new_batch() && !s.aborted,
            &mut || ids.batch(),
        );
        match result {
            Append::AbortForNewBatch { partition } => {
                // `partitioner.onNewBatch(topic, cluster, prevPartition)`, then `partition()`
                // again; a skewed RoundRobinPartitioner (before 4.0) advances its counter.
                if let PartitionerKind::StickyCache { .. } = self.cfg.partitioner {
                    let avail = self.meta.available_partitions(s.topic);
                    let t = &mut self.acc.topics[s.topic as usize];
                    super::partitioner::sticky_cache_next(
                        &mut t.sticky_cache,
                        Some(partition),
                        &mut self.rng,
                        &avail,
                        count,
                    );
                }
                let again = InSend { chosen: None, aborted: true, ..s.clone() };
                let p = match self.choose_partition(&again, has_key, count) {
                    Target::Partition(p) => p,
                    Target::Sticky => partition,
                };
                self.app.in_send = Some(InSend { chosen: Some(p), ..again });
                self.continue_send(ctx);
            }
            Append::ExceedsPool { bytes, total } => {
                let message = format!(
                    "Attempt to allocate {bytes} bytes, but there is a hard limit of {total} on memory allocations."
                );
                self.fail_send_with(ctx, s.record, ClientError::IllegalArgument, Some(message));
            }
            Append::NeedMemory { .. } => {
                if !matches!(self.app.blocked, Some(Blocked::Memory { .. })) {
                    ctx.trace(Event::SendBlocked {
                        producer: self.node,
                        record: s.record,
                        reason: BlockReason::BufferMemory,
                    });
                }
                let deadline_us = later(s.started_us, self.cfg.max_block_us);
                self.acc.pool.waiting = true;
                self.app.blocked = Some(Blocked::Memory { record: s.record, since_us: now, deadline_us });
                self.wake_sender(ctx, now);
            }
            Append::Done { tp, batch, new_batch, batch_full, head_changed } => {
                let switches = std::mem::take(&mut self.acc.topics[s.topic as usize].sticky.switches);
                for (from, to, produced_bytes) in switches {
                    ctx.trace(Event::StickyPartitionSwitched {
                        producer: self.node,
                        topic: self.workload.topic_names[s.topic as usize].clone(),
                        from,
                        to,
                        produced_bytes,
                    });
                }
                if self.acc.pool.waiting {
                    if let Some(Blocked::Memory { since_us, .. }) = self.app.blocked {
                        self.metrics.bufferpool_wait_time_total_us += now - since_us;
                    }
                    self.acc.pool.waiting = false;
                }
                self.app.blocked = None;
                self.appended(ctx, s, tp, batch, new_batch);
                // `if (result.batchIsFull || result.newBatchCreated) sender.wakeup()`. While
                // batches queue up behind an in-flight limit, Kafka wakes the sender on every
                // append and the sender finds nothing new to do: the head batch is as its
                // last pass saw it, and every deadline it depends on has its own wake-up.
                // kplay skips those empty passes (one per record under backlog).
                if (batch_full || new_batch) && head_changed {
                    self.wake_sender(ctx, now);
                }
            }
        }
    }

    /// The CPU one `send()` costs the application thread: per record and per byte, and
    /// the compression of its bytes (Kafka compresses as records are appended).
    fn pay_for_send(&mut self, now: Micros, stmt: u32, index: u32) {
        let has_key = self.workload.key_into(stmt, index, &mut self.key_buf);
        let shape = self.workload.shape(stmt, has_key.then_some(self.key_buf.len() as u32));
        let bytes = u64::from(shape.key.unwrap_or(0)) + u64::from(shape.value.unwrap_or(0)) + u64::from(shape.headers);
        let cost = self.hw.producer_send_ns(bytes, self.cfg.compression.attribute_bits() as usize);
        self.app.busy_until_ns = self.app.busy_until_ns.max(now.saturating_mul(1000)).saturating_add(cost);
    }

    /// `KafkaProducer.partition`: an explicit partition, else the configured partitioner,
    /// else murmur2 for a key (unless `partitioner.ignore.keys`), else the accumulator's
    /// uniform sticky partitioner.
    fn choose_partition(&mut self, s: &InSend, has_key: bool, count: u32) -> Target {
        use super::partitioner as part;
        if let Some(p) = s.partition {
            return Target::Partition(p);
        }
        let keyed = || Target::Partition(part::keyed(&self.key_buf, count));
        match self.cfg.partitioner {
            PartitionerKind::RoundRobin { .. } => {
                let avail = self.meta.available_partitions(s.topic);
                let t = &mut self.acc.topics[s.topic as usize];
                Target::Partition(part::round_robin(&mut t.round_robin, &avail, count))
            }
            PartitionerKind::StickyCache { ignore_keys } if !has_key || ignore_keys => {
                let avail = self.meta.available_partitions(s.topic);
                let t = &mut self.acc.topics[s.topic as usize];
                // `StickyPartitionCache.partition`: the cached partition, else a first pick.
                Target::Partition(match t.sticky_cache {
                    Some(p) => p,
                    None => part::sticky_cache_next(&mut t.sticky_cache, None, &mut self.rng, &avail, count),
                })
            }
            PartitionerKind::Legacy if !has_key => {
                let avail = self.meta.available_partitions(s.topic);
                let t = &mut self.acc.topics[s.topic as usize];
                Target::Partition(part::legacy_round_robin(&mut t.legacy_counter, &mut self.rng, &avail, count))
            }
            PartitionerKind::StickyCache { .. } | PartitionerKind::Legacy => keyed(),
            PartitionerKind::BuiltIn if has_key && !self.cfg.partitioner_ignore_keys => keyed(),
            PartitionerKind::BuiltIn => Target::Sticky,
        }
    }

    fn appended(&mut self, ctx: &mut PCtx, s: InSend, tp: Tp, batch: u32, new_batch: bool) {
        self.app.in_send = None;
        let txn = self.txn.current_txn();
        let rec = ctx.obs.history.record_mut(s.record);
        rec.partition = tp.partition;
        rec.batch = batch;
        rec.txn = txn;
        if new_batch {
            ctx.trace(Event::BatchCreated { producer: self.node, batch, tp });
        }
        if self.txn.maybe_add_partition(tp) {
            if let Some(idem) = &mut self.idem {
                idem.txn_partitions.insert(tp);
            }
        }
        if s.sync {
            self.app.blocked = Some(Blocked::Sync { record: s.record });
        }
    }

    fn fail_send(&mut self, ctx: &mut PCtx, record: u32, error: ClientError) {
        self.fail_send_with(ctx, record, error, None);
    }

    /// `send()` fails: an `ApiException` goes to the callback and counts in
    /// `record-error-total`; anything else is thrown by `send()` itself and counts nowhere.
    fn fail_send_with(&mut self, ctx: &mut PCtx, record: u32, error: ClientError, message: Option<String>) {
        self.app.in_send = None;
        self.app.blocked = None;
        if !error.thrown_by_send() {
            self.metrics.record_error_total += 1;
        }
        // `doSend`'s `catch (ApiException e)`: `maybeTransitionToErrorState`, so a
        // transaction in which a send() failed (metadata or memory wait timed out, a record
        // too large) can only be aborted.
        if self.cfg.transactional_id.is_some() && error.api_exception() {
            self.txn.batch_failed(error);
        }
        ctx.obs.history.complete(record, ctx.now, Outcome::Failed(error));
        ctx.trace(Event::SendFailed { producer: self.node, record, error: ClientErrorName(error), message });
    }

    fn send_timed_out(&mut self, ctx: &mut PCtx, record: u32) {
        let max_block_ms = self.cfg.max_block_us / 1000;
        let (err, message) = match self.app.blocked {
            Some(Blocked::Memory { since_us, .. }) => {
                self.acc.pool.waiting = false;
                self.metrics.buffer_exhausted_total += 1;
                // `BufferPool.allocate` records the wait in a finally block: a wait that
                // timed out counts too.
                self.metrics.bufferpool_wait_time_total_us += ctx.now - since_us;
                (ClientError::BufferExhausted, None)
            }
            _ => {
                // `awaitUpdate` ran out of time: Kafka says the topic is missing even when
                // only the requested partition is.
                let topic = &self.workload.topic_names[ctx.obs.history.record(record).topic as usize];
                (ClientError::Timeout, Some(format!("Topic {topic} not present in metadata after {max_block_ms} ms.")))
            }
        };
        self.fail_send_with(ctx, record, err, message);
    }

    /// Whether a batch is still queued or awaiting its result.
    pub fn batch_incomplete(&self, id: u32) -> bool {
        self.sent.contains_key(&id) || self.acc.deques.values().any(|d| d.iter().any(|b| b.id == id))
    }

    fn run_op(&mut self, ctx: &mut PCtx, op: Op) {
        match op {
            Op::Flush => {
                ctx.trace(Event::FlushStarted { producer: self.node });
                let mut batches: VecSet<u32> = self.sent.keys().copied().collect();
                for d in self.acc.deques.values() {
                    batches.extend(d.iter().map(|b| b.id));
                }
                self.acc.flushes += 1;
                self.app.blocked = Some(Blocked::Flush { batches });
                self.wake_sender(ctx, ctx.now);
            }
            Op::Close(timeout_us) => self.start_close(ctx, timeout_us),
            Op::Init if self.closed => {}
            Op::Init => self.init_transactions(ctx),
            Op::Begin | Op::Commit | Op::Abort | Op::SendOffsets if self.closed => {}
            Op::SendOffsets => self.send_offsets_to_transaction(ctx),
            Op::Begin | Op::Commit | Op::Abort => self.start_txn_op(ctx, op),
        }
    }
}
