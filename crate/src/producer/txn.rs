//! The transactional half of Kafka's `TransactionManager`: the client state machine
//! (UNINITIALIZED → INITIALIZING → READY → IN_TRANSACTION → COMMITTING/ABORTING → READY,
//! plus ABORTABLE_ERROR and FATAL_ERROR) and its one-at-a-time coordinator requests
//! (FindCoordinator, InitProducerId, AddPartitionsToTxn, EndTxn).
//!
//! While a transactional request is outstanding the Sender sends no produce data, as in
//! `Sender.maybeSendAndPollTransactionalRequest`. EndTxn goes out only once every batch of
//! the transaction has completed. An idempotent (non-transactional) producer uses the same
//! slot for its InitProducerId, sent to the least-loaded broker.

use std::collections::VecDeque;

use crate::sim::VecSet;
use std::rc::Rc;

use super::app::{Blocked, Job, Op, TxnCall};
use super::network::{ConnState, InFlight, ReqKind};
use super::{PCtx, Producer};
use crate::history::{TxnOutcome, NO_TXN};
use crate::protocol::Tp;
use crate::protocol::{ClientError, Error, Msg};
use crate::sim::{later, Micros, NodeId};
use crate::trace::{ClientErrorName, Event};

/// `TransactionManager.ADD_PARTITIONS_RETRY_BACKOFF_MS`: the backoff of a transaction's
/// first AddPartitionsToTxn after CONCURRENT_TRANSACTIONS (when it is below
/// retry.backoff.ms).
const ADD_PARTITIONS_RETRY_BACKOFF_US: Micros = 20_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Uninitialized,
    Initializing,
    Ready,
    InTransaction,
    Committing,
    Aborting,
    /// A send or request failed inside the transaction: it can only be aborted.
    AbortableError(ClientError),
    /// Fenced (or another fatal error): the producer is unusable.
    Fatal(ClientError),
}

impl Phase {
    /// Kafka's `TransactionManager.State` name.
    pub fn name(&self) -> &'static str {
        match self {
            Phase::Uninitialized => "UNINITIALIZED",
            Phase::Initializing => "INITIALIZING",
            Phase::Ready => "READY",
            Phase::InTransaction => "IN_TRANSACTION",
            Phase::Committing => "COMMITTING_TRANSACTION",
            Phase::Aborting => "ABORTING_TRANSACTION",
            Phase::AbortableError(_) => "ABORTABLE_ERROR",
            Phase::Fatal(_) => "FATAL_ERROR",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TxnReq {
    FindCoordinator,
    /// FindCoordinator for the group of a TxnOffsetCommit.
    FindGroupCoordinator(Rc<str>),
    InitProducerId,
    AddPartitions(Vec<Tp>),
    /// `sendOffsetsToTransaction`: AddOffsetsToTxn, then TxnOffsetCommit.
    AddOffsets(Box<OffsetsToSend>),
    TxnOffsetCommit(Box<OffsetsToSend>),
    EndTxn {
        commit: bool,
    },
}

/// The arguments of `sendOffsetsToTransaction(offsets, consumer.groupMetadata())`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OffsetsToSend {
    pub group: Rc<str>,
    pub member_id: Rc<str>,
    pub generation: i32,
    pub instance_id: Option<Rc<str>>,
    pub offsets: Vec<(Tp, u64)>,
}

pub struct TxnState {
    pub transactional_id: Option<Rc<str>>,
    pub phase: Phase,
    pub coordinator: Option<u16>,
    /// History index of the open transaction.
    pub txn: u32,
    /// Partitions added to the transaction and those waiting to be added.
    pub added: VecSet<Tp>,
    pub pending: VecSet<Tp>,
    pub queue: VecDeque<TxnReq>,
    /// (broker, corr, request) of the outstanding request.
    pub in_flight: Option<(u16, u32, TxnReq)>,
    pub retry_at_us: Option<Micros>,
    /// Transaction version 2 (the cluster finalized `transaction.version=2` and the client
    /// is 4.0+): no AddPartitionsToTxn from the client, an epoch bump per transaction.
    pub v2: bool,
    /// The node a transactional request waits to connect to, and since when
    /// (`awaitNodeReady`).
    pub awaiting: Option<(u16, Micros)>,
    /// Result of the last commit/abort for the blocked application call.
    pub op_result: Option<Result<(), ClientError>>,
    /// The group coordinator TxnOffsetCommit goes to.
    pub group_coordinator: Option<u16>,
    /// What the next `sendOffsetsToTransaction` sends (its caller sets it).
    pub offsets_to_send: Option<OffsetsToSend>,
    /// `sendOffsetsToTransaction` has not completed (its result is awaited).
    pub offsets_pending: bool,
    /// AddOffsetsToTxn added the group's offsets partition to the open transaction.
    pub offsets_added: bool,
}

impl TxnState {
    pub fn new(transactional_id: Option<String>) -> TxnState {
        TxnState {
            transactional_id: transactional_id.map(Rc::from),
            phase: Phase::Uninitialized,
            coordinator: None,
            txn: NO_TXN,
            added: VecSet::new(),
            pending: VecSet::new(),
            queue: VecDeque::new(),
            in_flight: None,
            retry_at_us: None,
            v2: false,
            awaiting: None,
            op_result: None,
            group_coordinator: None,
            offsets_to_send: None,
            offsets_pending: false,
            offsets_added: false,
        }
    }

    fn transactional(&self) -> bool {
        self.transactional_id.is_some()
    }

    pub fn current_txn(&self) -> u32 {
        if matches!(self.phase, Phase::InTransaction | Phase::Committing | Phase::Aborting | Phase::AbortableError(_)) {
            self.txn
        } else {
            NO_TXN
        }
    }

    /// Why `send()` must fail now, if it must.
    pub fn send_error(&self, transactional: bool) -> Option<ClientError> {
        match self.phase {
            Phase::Fatal(e) => Some(e),
            _ if !transactional => None,
            // `maybeFailWithError`: an InvalidProducerEpochException is thrown again as
            // such (doSend hands it to the callback); anything else as KafkaException.
            Phase::AbortableError(e @ ClientError::Broker(Error::InvalidProducerEpoch)) => Some(e),
            Phase::AbortableError(_) => Some(ClientError::Kafka),
            Phase::InTransaction => None,
            _ => Some(ClientError::IllegalState),
        }
    }

    /// `maybeAddPartition`: TV1 queues an AddPartitionsToTxn; TV2 only records the
    /// partition (the leader adds it when the first batch arrives). True when the
    /// partition joined the transaction at once (TV2).
    pub fn maybe_add_partition(&mut self, tp: Tp) -> bool {
        if !self.transactional() || self.added.contains(&tp) {
            return false;
        }
        if self.v2 {
            self.added.insert(tp);
            return true;
        }
        self.pending.insert(tp);
        false
    }

    /// A transactional call under way. (An idempotent producer's pending InitProducerId
    /// is not work of its own: it matters only while records wait, which the accumulator
    /// already says.)
    pub fn busy(&self) -> bool {
        self.transactional()
            && (self.in_flight.is_some()
                || self.offsets_pending
                || !self.queue.is_empty()
                || matches!(self.phase, Phase::Initializing | Phase::Committing | Phase::Aborting))
    }

    pub fn fatal(&self) -> bool {
        matches!(self.phase, Phase::Fatal(_))
    }

    pub fn fatal_error(&self) -> Option<ClientError> {
        match self.phase {
            Phase::Fatal(e) => Some(e),
            _ => None,
        }
    }

    /// `maybeTransitionToErrorState` when a batch fails.
    pub fn batch_failed(&mut self, error: ClientError) {
        if error == ClientError::Broker(Error::ProducerFenced) || error == ClientError::ProducerFenced {
            self.phase = Phase::Fatal(ClientError::ProducerFenced);
        } else if self.transactional() && matches!(self.phase, Phase::InTransaction | Phase::Committing) {
            self.phase = Phase::AbortableError(error);
        }
    }

    pub fn wants_request(&self) -> bool {
        !self.queue.is_empty() || !self.pending.is_empty()
    }

    pub fn next_retry_us(&self) -> Option<Micros> {
        self.retry_at_us
    }

    /// `nextRequest`: what to send next, if anything may go now.
    fn next_request(&mut self, incomplete_batches: bool) -> Option<TxnReq> {
        if !self.pending.is_empty() && !self.queue.iter().any(|r| matches!(r, TxnReq::AddPartitions(_))) {
            let parts: Vec<Tp> = self.pending.iter().copied().collect();
            let pos = self.queue.iter().position(|r| matches!(r, TxnReq::EndTxn { .. })).unwrap_or(self.queue.len());
            self.queue.insert(pos, TxnReq::AddPartitions(parts));
        }
        match self.queue.front() {
            Some(TxnReq::EndTxn { .. }) if incomplete_batches => None,
            Some(r) => Some(r.clone()),
            None => None,
        }
    }
}

impl Producer {
    /// Transactional requests first; true means "no produce data this round".
    pub fn maybe_send_txn_request(&mut self, ctx: &mut PCtx) -> bool {
        if let Some(idem) = &mut self.idem {
            if !self.txn.transactional() && idem.state == super::idempotence::PidState::Uninitialized {
                idem.state = super::idempotence::PidState::Initializing;
                self.txn.queue.push_back(TxnReq::InitProducerId);
            }
        }
        if self.txn.in_flight.is_some() {
            return true;
        }
        if let Some(error) = match self.txn.phase {
            // `Sender.maybeSendAndPollTransactionalRequest`: undrained batches fail with the
            // error that made the transaction abortable (`lastError`), or with
            // TransactionAbortedException when the application aborts without one.
            Phase::AbortableError(e) => Some(e),
            Phase::Aborting => Some(ClientError::TransactionAborted),
            _ => None,
        } {
            for mut b in self.acc.take_undrained() {
                self.fail_batch(ctx, &mut b, error, None, false);
            }
        }
        let incomplete = !self.acc.is_empty() || self.sent.values().any(|b| !b.done);
        let Some(req) = self.txn.next_request(incomplete) else { return false };
        if let Phase::AbortableError(e) | Phase::Fatal(e) = self.txn.phase {
            let find = matches!(req, TxnReq::FindCoordinator | TxnReq::FindGroupCoordinator(_));
            if !(find && matches!(self.txn.phase, Phase::AbortableError(_))) {
                // `maybeTerminateRequestWithError`: in an error state a queued request is
                // failed with the error instead of being sent (a FindCoordinator may still
                // go when only an abort can follow). A commit a batch failed under is never
                // sent: the transaction stays open until it is aborted.
                self.txn.queue.pop_front();
                self.terminate_txn_request(ctx, req, e);
                return self.maybe_send_txn_request(ctx);
            }
        }
        if self.txn.retry_at_us.is_some_and(|t| ctx.now < t) {
            return true;
        }
        let needs_coordinator =
            self.txn.transactional() && !matches!(req, TxnReq::FindCoordinator | TxnReq::FindGroupCoordinator(_));
        // TxnOffsetCommit goes to the group's coordinator, the rest to the transaction's.
        let group_req = match &req {
            TxnReq::TxnOffsetCommit(o) => Some(o.group.clone()),
            _ => None,
        };
        let coordinator = if group_req.is_some() { self.txn.group_coordinator } else { self.txn.coordinator };
        if needs_coordinator && coordinator.is_none() {
            // Look the coordinator up first (`maybeFindCoordinatorAndRetry`), now.
            let find = group_req.clone().map_or(TxnReq::FindCoordinator, TxnReq::FindGroupCoordinator);
            self.txn.queue.push_front(find);
            return self.maybe_send_txn_request(ctx);
        }
        let target = if needs_coordinator {
            coordinator.expect("known")
        } else {
            match self.least_loaded_node(ctx) {
                Some(n) => n,
                None => return true,
            }
        };
        let ready = self.conns.get(&target).is_some_and(|c| c.is_ready());
        if !ready {
            // `awaitNodeReady`: connect and wait up to request.timeout.ms. A connection that
            // failed (refused, reset, setup timeout) or a wait that ran out gives up on this
            // node: a coordinator is looked up again (`maybeFindCoordinatorAndRetry`).
            let now = ctx.now;
            let failed = match self.txn.awaiting {
                Some((b, since)) if b == target => {
                    self.conns.get(&target).is_some_and(|c| c.state == ConnState::Disconnected)
                        || now >= since.saturating_add(self.cfg.request_timeout_us)
                }
                _ => {
                    self.txn.awaiting = Some((target, now));
                    false
                }
            };
            if failed {
                self.txn.awaiting = None;
                if needs_coordinator {
                    match group_req {
                        Some(g) => {
                            self.txn.group_coordinator = None;
                            self.txn.queue.push_front(TxnReq::FindGroupCoordinator(g));
                        }
                        None => {
                            self.txn.coordinator = None;
                            self.txn.queue.push_front(TxnReq::FindCoordinator);
                        }
                    }
                }
                self.txn.retry_at_us = Some(now.saturating_add(self.cfg.retry_backoff_us));
                return true;
            }
            self.maybe_connect(ctx, target);
            return true;
        }
        self.txn.awaiting = None;
        self.txn.queue.pop_front();
        self.txn.retry_at_us = None;
        let corr = self.next_corr();
        let tid = self.txn.transactional_id.clone();
        let (pid, epoch) = self.idem.as_ref().map_or((-1, -1), |i| (i.producer_id, i.producer_epoch));
        let (msg, kind) = match &req {
            TxnReq::FindCoordinator => (
                Msg::FindCoordinator { corr, key: tid.clone().unwrap_or_else(|| Rc::from("")), group: false },
                ReqKind::FindCoordinator,
            ),
            TxnReq::FindGroupCoordinator(group) => {
                (Msg::FindCoordinator { corr, key: group.clone(), group: true }, ReqKind::FindCoordinator)
            }
            TxnReq::AddOffsets(o) => (
                Msg::AddOffsetsToTxn {
                    corr,
                    transactional_id: tid.clone().unwrap_or_else(|| Rc::from("")),
                    producer_id: pid,
                    producer_epoch: epoch,
                    group: o.group.clone(),
                },
                ReqKind::AddOffsetsToTxn,
            ),
            TxnReq::TxnOffsetCommit(o) => (
                Msg::TxnOffsetCommit(Box::new(crate::protocol::TxnOffsetCommitRequest {
                    corr,
                    transactional_id: tid.clone().unwrap_or_else(|| Rc::from("")),
                    group: o.group.clone(),
                    producer_id: pid,
                    producer_epoch: epoch,
                    member_id: o.member_id.clone(),
                    generation: o.generation,
                    instance_id: o.instance_id.clone(),
                    offsets: o.offsets.clone(),
                })),
                ReqKind::TxnOffsetCommit,
            ),
            TxnReq::InitProducerId => (
                Msg::InitProducerId {
                    corr,
                    transactional_id: tid.clone(),
                    transaction_timeout_us: if tid.is_some() {
                        self.cfg.transaction_timeout_us
                    } else {
                        i32::MAX as u64 * 1000
                    },
                    current: None,
                },
                ReqKind::InitProducerId,
            ),
            TxnReq::AddPartitions(parts) => (
                Msg::AddPartitionsToTxn {
                    corr,
                    transactional_id: tid.clone().unwrap_or_else(|| Rc::from("")),
                    producer_id: pid,
                    producer_epoch: epoch,
                    partitions: parts.clone(),
                },
                ReqKind::AddPartitionsToTxn,
            ),
            TxnReq::EndTxn { commit } => (
                Msg::EndTxn {
                    corr,
                    transactional_id: tid.clone().unwrap_or_else(|| Rc::from("")),
                    producer_id: pid,
                    producer_epoch: epoch,
                    commit: *commit,
                },
                ReqKind::EndTxn { commit: *commit },
            ),
        };
        ctx.trace(Event::RequestSent {
            from: self.node,
            to: NodeId::broker(target),
            api: msg.api(),
            corr,
            batches: vec![],
        });
        let conn = self.conns.get_mut(&target).expect("ready connection");
        conn.in_flight.push_back(InFlight { corr, kind, sent_us: ctx.now, written_us: None });
        let inc = conn.server_inc;
        self.metrics.request_total += 1;
        ctx.send(NodeId::broker(target), Some(inc), msg);
        self.txn.in_flight = Some((target, corr, req));
        true
    }

    /// Take the outstanding transactional request if this response answers it.
    fn take_txn_response(&mut self, _ctx: &mut PCtx, broker: u16, corr: u32) -> Option<TxnReq> {
        self.conns.get_mut(&broker).and_then(|c| c.take(corr))?;
        self.metrics.response_total += 1;
        match self.txn.in_flight.take() {
            Some((b, c, r)) if b == broker && c == corr => Some(r),
            other => {
                self.txn.in_flight = other;
                None
            }
        }
    }

    /// Put a request back to be retried after `retry.backoff.ms`.
    fn retry_txn_request(&mut self, ctx: &mut PCtx, req: TxnReq, find_coordinator: bool) {
        self.retry_txn_request_after(ctx, req, find_coordinator, self.cfg.retry_backoff_us);
    }

    /// Put a request back to be retried after `backoff_us`.
    fn retry_txn_request_after(&mut self, ctx: &mut PCtx, req: TxnReq, find_coordinator: bool, backoff_us: Micros) {
        self.txn.queue.push_front(req);
        if find_coordinator && self.txn.transactional() {
            self.txn.coordinator = None;
        }
        self.txn.retry_at_us = Some(later(ctx.now, backoff_us));
    }

    /// A transactional request was lost with its connection.
    pub fn txn_request_lost(&mut self, ctx: &mut PCtx, kind: ReqKind) {
        if let Some((_, _, req)) = self.txn.in_flight.take() {
            if let TxnReq::TxnOffsetCommit(o) = &req {
                let group = o.group.clone();
                self.retry_txn_request(ctx, req, false);
                self.txn.group_coordinator = None;
                self.txn.queue.push_front(TxnReq::FindGroupCoordinator(group));
                return;
            }
            let find = !matches!(kind, ReqKind::FindCoordinator);
            self.retry_txn_request(ctx, req, find);
        }
    }

    pub fn on_find_coordinator(
        &mut self,
        ctx: &mut PCtx,
        broker: u16,
        corr: u32,
        error: Error,
        coordinator: Option<u16>,
    ) {
        let Some(req) = self.take_txn_response(ctx, broker, corr) else { return };
        match (error, coordinator) {
            (Error::None, Some(c)) => {
                if matches!(req, TxnReq::FindGroupCoordinator(_)) {
                    self.txn.group_coordinator = Some(c);
                } else {
                    self.txn.coordinator = Some(c);
                }
                self.conns.entry(c).or_insert_with(|| super::network::Conn::new(c));
            }
            _ => self.retry_txn_request(ctx, req, false),
        }
    }

    pub fn on_init_pid(&mut self, ctx: &mut PCtx, broker: u16, corr: u32, error: Error, pid: i64, epoch: i16) {
        let Some(req) = self.take_txn_response(ctx, broker, corr) else { return };
        match error {
            Error::None => {
                if let Some(idem) = &mut self.idem {
                    idem.reset_sequences();
                    idem.set_pid(pid, epoch);
                }
                ctx.trace(Event::ProducerIdAssigned { producer: self.node, producer_id: pid, producer_epoch: epoch });
                if self.txn.phase == Phase::Initializing {
                    self.txn.phase = Phase::Ready;
                }
            }
            Error::ProducerFenced | Error::InvalidProducerEpoch => {
                self.txn.phase = Phase::Fatal(ClientError::ProducerFenced)
            }
            Error::InvalidTransactionTimeout => {
                self.txn.phase = Phase::Fatal(ClientError::Broker(Error::InvalidTransactionTimeout))
            }
            e => self.retry_txn_request(ctx, req, matches!(e, Error::NotCoordinator | Error::CoordinatorNotAvailable)),
        }
    }

    pub fn on_add_partitions(&mut self, ctx: &mut PCtx, broker: u16, corr: u32, error: Error) {
        let Some(req) = self.take_txn_response(ctx, broker, corr) else { return };
        let TxnReq::AddPartitions(parts) = &req else { return };
        match error {
            Error::None => {
                for tp in parts {
                    self.txn.pending.remove(tp);
                    self.txn.added.insert(*tp);
                    if let Some(idem) = &mut self.idem {
                        idem.txn_partitions.insert(*tp);
                    }
                }
                ctx.trace(Event::PartitionsAddedToTxn { producer: self.node, partitions: parts.clone() });
            }
            Error::ProducerFenced | Error::InvalidProducerEpoch => {
                self.txn.phase = Phase::Fatal(ClientError::ProducerFenced)
            }
            // `AddPartitionsToTxnHandler.maybeOverrideRetryBackoffMs`: the transaction's
            // first AddPartitionsToTxn (no partition added yet) met the previous
            // transaction still completing; retry after min(retry.backoff.ms, 20 ms)
            // (`ADD_PARTITIONS_RETRY_BACKOFF_MS`, TransactionManager.java).
            Error::ConcurrentTransactions if self.txn.added.is_empty() => {
                let backoff = self.cfg.retry_backoff_us.min(ADD_PARTITIONS_RETRY_BACKOFF_US);
                self.retry_txn_request_after(ctx, req, false, backoff)
            }
            e if e.retriable() => {
                self.retry_txn_request(ctx, req, matches!(e, Error::NotCoordinator | Error::CoordinatorNotAvailable))
            }
            // `AddPartitionsToTxnHandler.handleResponse`: INVALID_TXN_STATE is fatal.
            Error::InvalidTxnState => self.txn.phase = Phase::Fatal(ClientError::Broker(error)),
            e => self.txn.phase = Phase::AbortableError(ClientError::Broker(e)),
        }
    }

    /// AddOffsetsToTxnHandler: on success, TxnOffsetCommit to the group coordinator.
    pub fn on_add_offsets(&mut self, ctx: &mut PCtx, broker: u16, corr: u32, error: Error) {
        let Some(req) = self.take_txn_response(ctx, broker, corr) else { return };
        let TxnReq::AddOffsets(o) = req else { return };
        match error {
            Error::None => {
                self.txn.offsets_added = true;
                self.txn.queue.push_front(TxnReq::TxnOffsetCommit(o));
            }
            Error::ProducerFenced | Error::InvalidProducerEpoch => {
                self.offsets_failed(ctx, Phase::Fatal(ClientError::ProducerFenced), "AddOffsetsToTxn")
            }
            e if e.retriable() => self.retry_txn_request(
                ctx,
                TxnReq::AddOffsets(o),
                matches!(e, Error::NotCoordinator | Error::CoordinatorNotAvailable),
            ),
            e => self.offsets_failed(ctx, Phase::Fatal(ClientError::Broker(e)), "AddOffsetsToTxn"),
        }
    }

    /// TxnOffsetCommitHandler.
    pub fn on_txn_offset_commit(&mut self, ctx: &mut PCtx, broker: u16, corr: u32, error: Error) {
        let Some(req) = self.take_txn_response(ctx, broker, corr) else { return };
        let TxnReq::TxnOffsetCommit(o) = req else { return };
        match error {
            Error::None => {
                self.txn.offsets_pending = false;
                self.txn.op_result = Some(Ok(()));
            }
            Error::NotCoordinator | Error::CoordinatorNotAvailable | Error::RequestTimedOut => {
                let group = o.group.clone();
                self.retry_txn_request(ctx, TxnReq::TxnOffsetCommit(o), false);
                self.txn.group_coordinator = None;
                self.txn.queue.push_front(TxnReq::FindGroupCoordinator(group));
            }
            e if e.retriable() => self.retry_txn_request(ctx, TxnReq::TxnOffsetCommit(o), false),
            Error::UnknownMemberId | Error::IllegalGeneration => {
                self.offsets_failed(ctx, Phase::AbortableError(ClientError::CommitFailed), error.name())
            }
            Error::FencedInstanceId | Error::TransactionAbortable => {
                self.offsets_failed(ctx, Phase::AbortableError(ClientError::Broker(error)), error.name())
            }
            Error::ProducerFenced | Error::InvalidProducerEpoch => {
                self.offsets_failed(ctx, Phase::Fatal(ClientError::ProducerFenced), error.name())
            }
            e => self.offsets_failed(ctx, Phase::Fatal(ClientError::Broker(e)), e.name()),
        }
    }

    /// `sendOffsetsToTransaction` failed: the transaction manager moves to `phase`.
    fn offsets_failed(&mut self, ctx: &mut PCtx, phase: Phase, answer: &str) {
        let error = match phase {
            Phase::AbortableError(e) | Phase::Fatal(e) => e,
            _ => ClientError::Kafka,
        };
        self.txn.phase = phase;
        self.txn.offsets_pending = false;
        self.txn.op_result = Some(Err(error));
        let message = match error {
            ClientError::CommitFailed => format!(
                "Transaction offset Commit failed due to consumer group metadata mismatch: the group coordinator answered {answer}"
            ),
            _ => format!("the coordinator answered {answer}"),
        };
        ctx.trace(Event::TxnCallFailed {
            producer: self.node,
            call: TxnCall::SendOffsetsToTransaction.method(),
            error: ClientErrorName(error),
            message,
        });
    }

    /// A queued request failed with the error state's error (`TxnRequestHandler.fail`).
    fn terminate_txn_request(&mut self, ctx: &mut PCtx, req: TxnReq, error: ClientError) {
        let call = match req {
            TxnReq::EndTxn { commit } => {
                self.acc.txn_completing = false;
                if commit {
                    TxnCall::CommitTransaction
                } else {
                    TxnCall::AbortTransaction
                }
            }
            TxnReq::AddOffsets(_) | TxnReq::TxnOffsetCommit(_) => {
                self.txn.offsets_pending = false;
                TxnCall::SendOffsetsToTransaction
            }
            TxnReq::AddPartitions(_) => {
                // The partitions stay out of the transaction; only an abort can follow.
                self.txn.pending.clear();
                return;
            }
            TxnReq::InitProducerId => TxnCall::InitTransactions,
            TxnReq::FindCoordinator | TxnReq::FindGroupCoordinator(_) => return,
        };
        self.txn.op_result = Some(Err(error));
        ctx.trace(Event::TxnCallFailed {
            producer: self.node,
            call: call.method(),
            error: ClientErrorName(error),
            message: format!(
                "not sent: the producer is in an error state ({}: {})",
                self.txn.phase.name(),
                error.exception()
            ),
        });
    }

    /// `sendOffsetsToTransaction(offsets, groupMetadata)` with `txn.offsets_to_send`: blocks
    /// until TxnOffsetCommit is answered (or `max.block.ms`).
    pub fn send_offsets_to_transaction(&mut self, ctx: &mut PCtx) {
        self.txn.op_result = None;
        let Some(o) = self.txn.offsets_to_send.take() else { return };
        if self.txn.phase == Phase::Ready {
            // Streams' `maybeBeginTransaction` before sending the offsets.
            self.start_txn_op(ctx, Op::Begin);
        }
        match self.txn.phase {
            Phase::InTransaction => {}
            Phase::AbortableError(e) | Phase::Fatal(e) => {
                // `maybeFailWithError`.
                self.txn.op_result = Some(Err(e));
                ctx.trace(Event::TxnCallFailed {
                    producer: self.node,
                    call: TxnCall::SendOffsetsToTransaction.method(),
                    error: ClientErrorName(e),
                    message: format!(
                        "Cannot execute transactional method because we are in an error state ({})",
                        self.txn.phase.name()
                    ),
                });
                return;
            }
            _ => {
                self.txn.op_result = Some(Err(ClientError::IllegalState));
                return;
            }
        }
        self.txn.offsets_pending = true;
        self.txn.queue.push_back(TxnReq::AddOffsets(Box::new(o)));
        self.block_on_txn_call(ctx, TxnCall::SendOffsetsToTransaction);
        self.wake_sender(ctx, ctx.now);
    }

    pub fn on_end_txn(&mut self, ctx: &mut PCtx, broker: u16, corr: u32, error: Error, pid: i64, epoch: i16) {
        let Some(req) = self.take_txn_response(ctx, broker, corr) else { return };
        let TxnReq::EndTxn { commit } = req else { return };
        match error {
            Error::None => {
                if pid >= 0 {
                    // EndTxn v5 (transaction version 2): the next transaction runs under the
                    // epoch the coordinator bumped to, with sequences from 0.
                    if let Some(idem) = &mut self.idem {
                        idem.reset_sequences();
                        idem.set_pid(pid, epoch);
                    }
                    ctx.trace(Event::EpochBumped {
                        producer: self.node,
                        producer_id: pid,
                        producer_epoch: epoch,
                        reason: "EndTxn: transaction version 2 bumps the epoch after every transaction (KIP-890)"
                            .into(),
                    });
                }
                let outcome = if commit { TxnOutcome::Committed } else { TxnOutcome::Aborted };
                ctx.obs.history.end_txn(self.txn.txn, ctx.now, outcome);
                ctx.trace(Event::TxnEnded { producer: self.node, commit, error: None });
                self.txn.phase = Phase::Ready;
                self.txn.added.clear();
                self.txn.pending.clear();
                self.txn.offsets_added = false;
                if let Some(idem) = &mut self.idem {
                    idem.txn_partitions.clear();
                }
                self.acc.txn_completing = false;
                self.txn.op_result = Some(Ok(()));
            }
            Error::ProducerFenced | Error::InvalidProducerEpoch => {
                ctx.trace(Event::TxnEnded { producer: self.node, commit, error: Some(error) });
                self.txn.phase = Phase::Fatal(ClientError::ProducerFenced);
                self.acc.txn_completing = false;
                self.txn.op_result = Some(Err(ClientError::ProducerFenced));
            }
            e if e.retriable() => self.retry_txn_request(
                ctx,
                TxnReq::EndTxn { commit },
                matches!(e, Error::NotCoordinator | Error::CoordinatorNotAvailable),
            ),
            e => {
                // `EndTxnHandler.handleResponse`: UNKNOWN_PRODUCER_ID (with an epoch bump)
                // and TRANSACTION_ABORTABLE leave the transaction abortable;
                // INVALID_TXN_STATE and anything unhandled are fatal.
                ctx.trace(Event::TxnEnded { producer: self.node, commit, error: Some(e) });
                self.txn.phase = match e {
                    Error::UnknownProducerId | Error::TransactionAbortable => {
                        Phase::AbortableError(ClientError::Broker(e))
                    }
                    _ => Phase::Fatal(ClientError::Broker(e)),
                };
                self.acc.txn_completing = false;
                self.txn.op_result = Some(Err(ClientError::Broker(e)));
            }
        }
    }

    /// `initTransactions()` at process start (transactional producers).
    pub fn init_transactions(&mut self, ctx: &mut PCtx) {
        if !self.txn.transactional() {
            return;
        }
        self.txn.phase = Phase::Initializing;
        if let Some(idem) = &mut self.idem {
            idem.state = super::idempotence::PidState::Initializing;
        }
        self.txn.queue.push_back(TxnReq::InitProducerId);
        self.block_on_txn_call(ctx, TxnCall::InitTransactions);
        self.wake_sender(ctx, ctx.now);
    }

    /// `beginTransaction()`, `commitTransaction()`, `abortTransaction()`.
    pub fn start_txn_op(&mut self, ctx: &mut PCtx, op: Op) {
        self.txn.op_result = None;
        match (op, self.txn.phase) {
            (_, Phase::Fatal(_)) => {}
            (Op::Begin, Phase::Ready) => {
                self.txn.phase = Phase::InTransaction;
                let (pid, epoch) = self.idem.as_ref().map_or((-1, -1), |i| (i.producer_id, i.producer_epoch));
                self.txn.txn = ctx.obs.history.new_txn(self.index, ctx.now, pid, epoch);
                ctx.trace(Event::TxnBegun { producer: self.node });
            }
            (Op::Commit | Op::Abort, Phase::InTransaction)
                if self.txn.added.is_empty() && self.txn.pending.is_empty() && !self.txn.offsets_added =>
            {
                // Nothing was sent in it: Kafka completes it without an EndTxn.
                let commit = op == Op::Commit;
                let outcome = if commit { TxnOutcome::Committed } else { TxnOutcome::Aborted };
                ctx.obs.history.end_txn(self.txn.txn, ctx.now, outcome);
                ctx.trace(Event::TxnEnded { producer: self.node, commit, error: None });
                self.txn.phase = Phase::Ready;
            }
            (Op::Commit, Phase::InTransaction) => {
                self.txn.phase = Phase::Committing;
                self.acc.txn_completing = true;
                self.txn.queue.push_back(TxnReq::EndTxn { commit: true });
                ctx.trace(Event::TxnEnding { producer: self.node, commit: true });
                self.block_on_txn_call(ctx, TxnCall::CommitTransaction);
                self.wake_sender(ctx, ctx.now);
            }
            (Op::Abort, Phase::InTransaction | Phase::AbortableError(_)) => {
                self.txn.phase = Phase::Aborting;
                self.acc.txn_completing = true;
                self.txn.queue.retain(|r| !matches!(r, TxnReq::EndTxn { .. }));
                self.txn.queue.push_back(TxnReq::EndTxn { commit: false });
                ctx.trace(Event::TxnEnding { producer: self.node, commit: false });
                self.block_on_txn_call(ctx, TxnCall::AbortTransaction);
                self.wake_sender(ctx, ctx.now);
            }
            // commitTransaction in an error state: `maybeFailWithError` throws, nothing is
            // sent, and the transaction stays open until it is aborted (or the coordinator
            // aborts it after transaction.timeout.ms).
            (Op::Commit, Phase::AbortableError(e)) => {
                let thrown = match e {
                    ClientError::Broker(Error::InvalidProducerEpoch) => e,
                    _ => ClientError::Kafka,
                };
                ctx.trace(Event::TxnCallFailed {
                    producer: self.node,
                    call: TxnCall::CommitTransaction.method(),
                    error: ClientErrorName(thrown),
                    message: format!(
                        "Cannot execute transactional method because we are in an error state ({}: {})",
                        self.txn.phase.name(),
                        e.exception()
                    ),
                });
            }
            // Anything else is an IllegalStateException / KafkaException in the application;
            // the thread carries on with its next statement.
            _ => {}
        }
    }

    fn block_on_txn_call(&mut self, ctx: &mut PCtx, call: TxnCall) {
        let deadline_us = ctx.now.saturating_add(self.cfg.max_block_us);
        self.app.blocked = Some(Blocked::Txn { call, deadline_us });
        self.wake_app(ctx, deadline_us);
    }

    /// `TransactionalRequestResult.await` gave up after `max.block.ms`: the call throws
    /// `TimeoutException` ("Timeout expired after Nms while awaiting InitProducerId") and
    /// the application goes on; the request itself stays queued or in flight, so a later
    /// call finds its result (`handleCachedTransactionRequestResult`).
    pub fn txn_call_timed_out(&mut self, ctx: &mut PCtx, call: TxnCall) {
        self.app.blocked = None;
        self.acc.txn_completing = false;
        if self.in_pipeline && call == TxnCall::SendOffsetsToTransaction {
            // `StreamsProducer.commitTransaction` rethrows the TimeoutException of
            // `sendOffsetsToTransaction` before it calls `commitTransaction`: the outputs
            // must never commit without their offsets.
            if let Some(i) = self.app.jobs.iter().position(|(_, j)| matches!(j, Job::Op { op: Op::Commit, .. })) {
                self.app.jobs.remove(i);
            }
        }
        ctx.trace(Event::TxnCallFailed {
            producer: self.node,
            call: call.method(),
            error: ClientErrorName(ClientError::Timeout),
            message: format!(
                "Timeout expired after {}ms while awaiting {}",
                self.cfg.max_block_us / 1000,
                call.awaits()
            ),
        });
    }

    /// Whether a blocked transactional call has returned.
    pub fn resume_txn_op(&mut self, ctx: &mut PCtx) -> bool {
        let done = match self.txn.phase {
            Phase::Ready | Phase::Fatal(_) | Phase::AbortableError(_) => true,
            Phase::Committing | Phase::Aborting | Phase::Initializing => false,
            Phase::InTransaction => !self.txn.offsets_pending,
            Phase::Uninitialized => true,
        };
        if done {
            self.app.blocked = None;
            self.acc.txn_completing = false;
            let _ = ctx;
        }
        done
    }
}
