//! The transaction coordinator (`TransactionCoordinator`), transaction versions 0/1 and 2.
//!
//! The coordinator of a transactional id is the leader of `__transaction_state`
//! partition `abs(hashCode(id)) % 50`. kplay does not simulate that topic's data: its
//! state is the shared [`TxnLog`], treated as durable and replicated (it survives every
//! crash), and its leader is the first unfenced broker in that partition's default
//! assignment. Everything else is Kafka's:
//! - InitProducerId with a transactional id keeps the producer id and bumps the epoch;
//!   with a transaction still open it first aborts it under a bumped epoch (fencing the
//!   old instance) and answers CONCURRENT_TRANSACTIONS, so the client retries.
//! - AddPartitionsToTxn makes the transaction Ongoing; EndTxn writes PrepareCommit or
//!   PrepareAbort, answers, then sends WriteTxnMarkers to every partition leader and
//!   completes once all markers are written. A marker request unanswered within the
//!   broker's `request.timeout.ms` (lost on the way, or its answer lost) is sent again,
//!   as `TransactionMarkerChannelManager` re-enqueues markers on a disconnect.
//! - A stale epoch gets PRODUCER_FENCED; a transaction open longer than its
//!   `transaction.timeout.ms` is aborted with a bumped epoch.
//! - Transaction version 2 (KIP-890, the default of a new 4.0 cluster): EndTxn bumps the
//!   epoch (`prepareAbortOrCommit`), markers carry the new epoch and the response hands it
//!   to the producer for its next transaction; a retried EndTxn is recognised by its epoch
//!   being one less. Partitions are added by the partition leaders (AddPartitionsToTxn
//!   from a broker, verifyOnly=false), not by the client.

use crate::sim::{VecMap, VecSet};
use std::rc::Rc;

use super::{BCtx, Broker, BrokerTimer};
use crate::protocol::Tp;
use crate::protocol::{BatchData, Error, LogBatch, Marker, MarkerRequest, Msg};
use crate::sim::{later, Micros, NodeId};
use crate::trace::Event;

/// `transaction.state.log.num.partitions`.
pub const TXN_STATE_PARTITIONS: i32 = 50;
/// How long unwritten transaction markers wait before the coordinator sends them again.
const MARKER_RETRY_US: Micros = 100_000;
/// The broker's `request.timeout.ms` (default 30 s), which bounds a marker request.
pub const MARKER_REQUEST_TIMEOUT_US: Micros = 30_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxnStatus {
    Empty,
    Ongoing,
    PrepareCommit,
    PrepareAbort,
    CompleteCommit,
    CompleteAbort,
}

#[derive(Clone, Debug)]
pub struct TxnMeta {
    pub producer_id: i64,
    pub epoch: i16,
    pub timeout_us: Micros,
    pub status: TxnStatus,
    pub partitions: VecSet<Tp>,
    pub started_us: Micros,
    /// Markers not yet written (partition → marker to write).
    pub pending_markers: VecSet<Tp>,
}

impl TxnMeta {
    /// Ongoing or still writing markers.
    pub fn is_open(&self) -> bool {
        matches!(self.status, TxnStatus::Ongoing | TxnStatus::PrepareCommit | TxnStatus::PrepareAbort)
    }
}

/// `__transaction_state`, as durable replicated state.
#[derive(Debug, Default)]
pub struct TxnLog {
    pub txns: VecMap<String, TxnMeta>,
    next_producer_id: i64,
}

/// The partition of an internal topic with `partitions` partitions that holds `key`
/// (`Utils.abs(key.hashCode()) % partitions`).
pub fn partition_for(key: &str, partitions: i32) -> i32 {
    kafka_abs(java_hash(key)) % partitions.max(1)
}

/// Java's `String.hashCode`.
fn java_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, c| h.wrapping_mul(31).wrapping_add(c as i32))
}

/// The coordinator of `transactional_id` in `image`: the leader of its
/// `__transaction_state` partition, the first unfenced broker of its default assignment.
fn coordinator_in(image: &crate::protocol::ClusterImage, ids: &[u16], transactional_id: &str) -> Option<u16> {
    internal_leader_in(image, ids, (kafka_abs(java_hash(transactional_id)) % TXN_STATE_PARTITIONS) as usize)
}

/// The leader in `image` of partition `p` of an internal topic (`__transaction_state`,
/// `__consumer_offsets`): the first unfenced broker of its default assignment.
pub(super) fn internal_leader_in(image: &crate::protocol::ClusterImage, ids: &[u16], p: usize) -> Option<u16> {
    let n = ids.len();
    (0..n).map(|j| ids[(p + j) % n]).find(|b| !image.broker_fenced(*b))
}

/// Kafka's `Utils.abs`: `Integer.MIN_VALUE` maps to 0.
fn kafka_abs(n: i32) -> i32 {
    if n == i32::MIN {
        0
    } else {
        n.abs()
    }
}

impl Broker {
    /// The coordinator of `transactional_id` as this broker's metadata sees it.
    pub fn coordinator_for(&self, transactional_id: &str) -> Option<u16> {
        coordinator_in(self.image.as_deref()?, &self.spec.broker_ids, transactional_id)
    }

    /// Whether this broker coordinates `tid` and what it writes to `__transaction_state`
    /// commits. NOT_COORDINATOR when its metadata names another broker. A broker the
    /// controller fenced while it could not hear still believes it leads that partition,
    /// but its followers follow the new leader: Kafka's append waits for replicas that
    /// never come and fails (REQUEST_TIMED_OUT, answered COORDINATOR_NOT_AVAILABLE), and
    /// its transactions stay as they were (no timed-out abort, no marker sent or completed
    /// by it: the new coordinator does that).
    fn owns_txn_state(&self, tid: &str) -> Result<(), Error> {
        if self.coordinator_for(tid) != Some(self.id) {
            return Err(Error::NotCoordinator);
        }
        let quorum = self.quorum.borrow();
        match quorum.as_deref() {
            Some(q) if coordinator_in(q, &self.spec.broker_ids, tid) != Some(self.id) => {
                Err(Error::CoordinatorNotAvailable)
            }
            _ => Ok(()),
        }
    }

    pub fn handle_find_coordinator(
        &mut self,
        ctx: &mut BCtx,
        from: NodeId,
        inc: u32,
        corr: u32,
        key: Rc<str>,
        group: bool,
    ) {
        let coordinator = if group { self.group_coordinator_for(&key) } else { self.coordinator_for(&key) };
        let error = if coordinator.is_some() { Error::None } else { Error::CoordinatorNotAvailable };
        ctx.send(from, Some(inc), Msg::FindCoordinatorResponse { corr, error, coordinator });
    }

    #[allow(clippy::too_many_arguments)]
    pub fn handle_init_producer_id(
        &mut self,
        ctx: &mut BCtx,
        from: NodeId,
        inc: u32,
        corr: u32,
        transactional_id: Option<Rc<str>>,
        timeout_us: u64,
        _current: Option<(i64, i16)>,
    ) {
        let reply = |ctx: &mut BCtx, error: Error, pid: i64, epoch: i16| {
            ctx.send(
                from,
                Some(inc),
                Msg::InitProducerIdResponse { corr, error, producer_id: pid, producer_epoch: epoch },
            );
        };
        let Some(tid) = transactional_id else {
            let pid = self.next_producer_id;
            self.next_producer_id += 1;
            reply(ctx, Error::None, pid, 0);
            return;
        };
        if let Err(e) = self.owns_txn_state(&tid) {
            reply(ctx, e, -1, -1);
            return;
        }
        if timeout_us > self.cfg().transaction_max_timeout_us {
            reply(ctx, Error::InvalidTransactionTimeout, -1, -1);
            return;
        }
        let log = self.txn_log.clone();
        let mut log = log.borrow_mut();
        if !log.txns.contains_key(&*tid) {
            log.next_producer_id += 1;
            let pid = 1_000_000_000 + log.next_producer_id;
            log.txns.insert(
                tid.to_string(),
                TxnMeta {
                    producer_id: pid,
                    epoch: -1,
                    timeout_us,
                    status: TxnStatus::Empty,
                    partitions: VecSet::new(),
                    started_us: 0,
                    pending_markers: VecSet::new(),
                },
            );
        }
        let meta = log.txns.get_mut(&*tid).expect("inserted");
        match meta.status {
            TxnStatus::PrepareCommit | TxnStatus::PrepareAbort => reply(ctx, Error::ConcurrentTransactions, -1, -1),
            TxnStatus::Ongoing => {
                // Fence the old instance: abort its transaction under a bumped epoch.
                meta.epoch += 1;
                let (pid, epoch) = (meta.producer_id, meta.epoch);
                ctx.trace(Event::TxnAbortedByCoordinator {
                    transactional_id: tid.to_string(),
                    producer_id: pid,
                    reason: format!("a new instance called initTransactions; epoch bumped to {epoch}"),
                });
                Self::prepare_end(meta, false);
                drop(log);
                self.send_markers(ctx, &tid);
                reply(ctx, Error::ConcurrentTransactions, -1, -1);
            }
            _ => {
                if meta.epoch == i16::MAX {
                    log.next_producer_id += 1;
                    let pid = 1_000_000_000 + log.next_producer_id;
                    let meta = log.txns.get_mut(&*tid).expect("present");
                    meta.producer_id = pid;
                    meta.epoch = 0;
                } else {
                    meta.epoch += 1;
                }
                let meta = log.txns.get_mut(&*tid).expect("present");
                meta.timeout_us = timeout_us;
                meta.status = TxnStatus::Empty;
                meta.partitions.clear();
                reply(ctx, Error::None, meta.producer_id, meta.epoch);
            }
        }
    }

    /// Validate a client's (pid, epoch) against the coordinator's state (TV1).
    fn check_txn_client(&self, tid: &str, pid: i64, epoch: i16) -> Result<(), Error> {
        self.owns_txn_state(tid)?;
        let log = self.txn_log.borrow();
        let Some(meta) = log.txns.get(tid) else { return Err(Error::InvalidTxnState) };
        if meta.producer_id != pid {
            return Err(Error::InvalidTxnState);
        }
        if epoch != meta.epoch {
            return Err(Error::ProducerFenced);
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub fn handle_add_partitions(
        &mut self,
        ctx: &mut BCtx,
        from: NodeId,
        inc: u32,
        corr: u32,
        tid: Rc<str>,
        pid: i64,
        epoch: i16,
        partitions: Vec<Tp>,
    ) {
        let error = self.add_partitions_to_txn(ctx, &tid, pid, epoch, partitions);
        ctx.send(from, Some(inc), Msg::AddPartitionsToTxnResponse { corr, error });
    }

    /// `handleAddPartitionsToTransaction`, from a client (TV1) or a partition leader (TV2).
    pub fn add_partitions_to_txn(
        &mut self,
        ctx: &mut BCtx,
        tid: &str,
        pid: i64,
        epoch: i16,
        partitions: Vec<Tp>,
    ) -> Error {
        if let Err(e) = self.check_txn_client(tid, pid, epoch) {
            return e;
        }
        let mut log = self.txn_log.borrow_mut();
        let meta = log.txns.get_mut(tid).expect("checked");
        match meta.status {
            TxnStatus::PrepareCommit | TxnStatus::PrepareAbort => Error::ConcurrentTransactions,
            _ => {
                if meta.status != TxnStatus::Ongoing {
                    meta.status = TxnStatus::Ongoing;
                    meta.started_us = ctx.now;
                    meta.partitions.clear();
                }
                meta.partitions.extend(partitions);
                Error::None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn handle_end_txn(
        &mut self,
        ctx: &mut BCtx,
        from: NodeId,
        inc: u32,
        corr: u32,
        tid: Rc<str>,
        pid: i64,
        epoch: i16,
        commit: bool,
    ) {
        let v2 = self.spec.features.transaction_v2();
        if v2 {
            if let Some((error, pid2, epoch2)) = self.end_txn_v2_retry(&tid, pid, epoch, commit) {
                ctx.send(
                    from,
                    Some(inc),
                    Msg::EndTxnResponse { corr, error, producer_id: pid2, producer_epoch: epoch2 },
                );
                return;
            }
        }
        let error = match self.check_txn_client(&tid, pid, epoch) {
            Err(e) => e,
            Ok(()) => {
                let mut log = self.txn_log.borrow_mut();
                let meta = log.txns.get_mut(&*tid).expect("checked");
                match (meta.status, commit) {
                    (TxnStatus::Ongoing, _) => {
                        if v2 {
                            // `prepareAbortOrCommit` with TV2: the epoch moves on now, and
                            // the markers are written with it.
                            meta.epoch += 1;
                        }
                        Self::prepare_end(meta, commit);
                        Error::None
                    }
                    // TV2's empty abort (KAFKA-18464): the producer sent records but no
                    // leader added a partition (none of them arrived); the coordinator bumps
                    // the epoch, so a late one is fenced, and completes the abort at once.
                    (TxnStatus::Empty | TxnStatus::CompleteCommit | TxnStatus::CompleteAbort, false) if v2 => {
                        meta.epoch += 1;
                        meta.status = TxnStatus::CompleteAbort;
                        meta.partitions.clear();
                        Error::None
                    }
                    (TxnStatus::CompleteCommit, true) | (TxnStatus::CompleteAbort, false) => Error::None,
                    (TxnStatus::PrepareCommit, true) | (TxnStatus::PrepareAbort, false) => {
                        Error::ConcurrentTransactions
                    }
                    _ => Error::InvalidTxnState,
                }
            }
        };
        let (producer_id, producer_epoch) = match (v2, error) {
            (true, Error::None) => {
                let log = self.txn_log.borrow();
                log.txns.get(&*tid).map_or((-1, -1), |m| (m.producer_id, m.epoch))
            }
            _ => (-1, -1),
        };
        ctx.send(from, Some(inc), Msg::EndTxnResponse { corr, error, producer_id, producer_epoch });
        if error == Error::None {
            self.send_markers(ctx, &tid);
        }
    }

    /// TV2 `endTransaction` for a transaction that already ended: a retry of the EndTxn
    /// that ended it (the request's epoch is one less than the coordinator's) succeeds
    /// again with the current epoch; the other outcome is INVALID_TXN_STATE. None when the
    /// request is not such a retry.
    fn end_txn_v2_retry(&self, tid: &str, pid: i64, epoch: i16, commit: bool) -> Option<(Error, i64, i16)> {
        if self.owns_txn_state(tid).is_err() {
            return None;
        }
        let log = self.txn_log.borrow();
        let meta = log.txns.get(tid)?;
        if meta.producer_id != pid || meta.epoch != epoch.checked_add(1)? {
            return None;
        }
        let same = match meta.status {
            TxnStatus::PrepareCommit | TxnStatus::CompleteCommit => commit,
            TxnStatus::PrepareAbort | TxnStatus::CompleteAbort => !commit,
            _ => return None,
        };
        Some(if same { (Error::None, meta.producer_id, meta.epoch) } else { (Error::InvalidTxnState, -1, -1) })
    }

    fn prepare_end(meta: &mut TxnMeta, commit: bool) {
        meta.status = if commit { TxnStatus::PrepareCommit } else { TxnStatus::PrepareAbort };
        meta.pending_markers = meta.partitions.clone();
        if meta.pending_markers.is_empty() {
            meta.status = if commit { TxnStatus::CompleteCommit } else { TxnStatus::CompleteAbort };
        }
    }

    /// WriteTxnMarkers to each partition leader for the pending markers of `tid`.
    fn send_markers(&mut self, ctx: &mut BCtx, tid: &str) {
        let (pid, epoch, marker, parts) = {
            let log = self.txn_log.borrow();
            let Some(meta) = log.txns.get(tid) else { return };
            let marker = match meta.status {
                TxnStatus::PrepareCommit => Marker::Commit,
                TxnStatus::PrepareAbort => Marker::Abort,
                _ => return,
            };
            (meta.producer_id, meta.epoch, marker, meta.pending_markers.clone())
        };
        let mut by_leader: VecMap<u16, Vec<MarkerRequest>> = VecMap::new();
        for tp in parts {
            let leader = if tp.is_offsets() {
                self.offsets_partition_leader(tp.partition)
            } else {
                self.image.as_ref().and_then(|i| i.leader(tp))
            };
            match leader {
                Some(l) => by_leader.entry(l).or_default().push(MarkerRequest {
                    tp,
                    producer_id: pid,
                    producer_epoch: epoch,
                    marker,
                    coordinator_epoch: 0,
                }),
                None => {
                    self.schedule_marker_retry(ctx);
                }
            }
        }
        for (leader, markers) in by_leader {
            let corr = self.corr();
            self.markers_in_flight.insert(corr, tid.to_string());
            let to_inc = self.incarnation_of(leader);
            ctx.send(NodeId::broker(leader), to_inc, Msg::WriteTxnMarkers { corr, markers });
            ctx.timer(later(ctx.now, MARKER_REQUEST_TIMEOUT_US), BrokerTimer::MarkerTimeout(corr));
            self.marker_targets.insert(corr, leader);
        }
    }

    /// A partition leader writes COMMIT/ABORT control records.
    pub fn handle_write_markers(
        &mut self,
        ctx: &mut BCtx,
        from: NodeId,
        inc: u32,
        corr: u32,
        markers: Vec<MarkerRequest>,
    ) {
        let mut results = Vec::new();
        for m in markers {
            if m.tp.is_offsets() {
                let error = self.write_offsets_marker(ctx, m.tp, m.producer_id, m.producer_epoch, m.marker);
                results.push(super::produce::PendingPart {
                    tp: m.tp,
                    required: 0,
                    base_offset: -1,
                    result: Some(error),
                });
                continue;
            }
            let mut required = 0;
            let error = match self.replicas.get(&m.tp) {
                Some(r) if r.is_leader() => {
                    let stale = r.producers.producers.get(&m.producer_id).is_some_and(|e| e.epoch > m.producer_epoch);
                    let isr = r.leader_state().map_or(0, |l| l.isr.len());
                    if stale {
                        Error::InvalidProducerEpoch
                    } else if isr < r.effective_min_isr(self.spec.min_isr_rule()) {
                        // `appendRecordsToLeader` with acks=all refuses before appending.
                        Error::NotEnoughReplicas
                    } else {
                        let data = Rc::new(BatchData {
                            batch_id: 0,
                            producer_id: m.producer_id,
                            producer_epoch: m.producer_epoch,
                            base_sequence: -1,
                            transactional: true,
                            control: Some(m.marker),
                            records: Rc::from(Vec::new()),
                            // 61-byte header + one control record (4-byte key, 6-byte value).
                            size_bytes: crate::dump::marker_batch_size(),
                            uncompressed_bytes: crate::dump::marker_batch_size(),
                            // The leader stamps the marker with its clock.
                            meta: {
                                let now_ms = super::validate::now_ms(&self.spec, ctx.now);
                                crate::protocol::BatchMeta {
                                    base_timestamp_ms: now_ms,
                                    min_timestamp_ms: now_ms,
                                    max_timestamp_ms: now_ms,
                                    ..Default::default()
                                }
                            },
                            cleaned: None,
                        });
                        let batch = LogBatch { base_offset: r.log.leo, leader_epoch: r.leader_epoch, data };
                        required = batch.base_offset + 1;
                        ctx.trace(Event::MarkerWritten {
                            broker: self.node,
                            tp: m.tp,
                            marker: m.marker,
                            offset: batch.base_offset,
                            producer_id: m.producer_id,
                        });
                        self.append_local(ctx, m.tp, batch);
                        self.maybe_increment_hw(ctx, m.tp);
                        self.complete_delayed_fetches(ctx, Some(m.tp));
                        // Answered once replicated (acks=all): `answer_markers`.
                        return_later(&mut results, m.tp, required);
                        continue;
                    }
                }
                _ => Error::NotLeaderOrFollower,
            };
            results.push(super::produce::PendingPart { tp: m.tp, required, base_offset: -1, result: Some(error) });
        }
        self.answer_markers(ctx, from, inc, corr, results);
    }

    pub fn handle_write_markers_response(&mut self, ctx: &mut BCtx, corr: u32, results: Vec<(Tp, Error)>) {
        self.marker_targets.remove(&corr);
        let Some(tid) = self.markers_in_flight.remove(&corr) else { return };
        if self.owns_txn_state(&tid).is_err() {
            // It can no longer write the transaction's completion: the coordinator that
            // can sends the markers again.
            return;
        }
        let mut retry = false;
        {
            let mut log = self.txn_log.borrow_mut();
            let Some(meta) = log.txns.get_mut(&tid) else { return };
            for (tp, e) in results {
                if e == Error::None || e == Error::InvalidProducerEpoch {
                    meta.pending_markers.remove(&tp);
                } else {
                    retry = true;
                }
            }
            if meta.pending_markers.is_empty() {
                meta.status = match meta.status {
                    TxnStatus::PrepareCommit => TxnStatus::CompleteCommit,
                    TxnStatus::PrepareAbort => TxnStatus::CompleteAbort,
                    s => s,
                };
            }
        }
        if retry {
            self.schedule_marker_retry(ctx);
        }
    }

    /// A marker request got no answer in time: forget it and send its markers again.
    pub fn marker_request_timed_out(&mut self, ctx: &mut BCtx, corr: u32) {
        if self.markers_in_flight.remove(&corr).is_none() {
            return;
        }
        let to = self.marker_targets.remove(&corr).map_or(self.node, NodeId::broker);
        ctx.trace(Event::RequestTimedOut { from: self.node, to, corr });
        self.schedule_marker_retry(ctx);
    }

    /// One retry of every pending marker 100 ms from now, unless one is already due.
    fn schedule_marker_retry(&mut self, ctx: &mut BCtx) {
        if self.marker_retry_at_us.is_none() {
            let at = later(ctx.now, MARKER_RETRY_US);
            self.marker_retry_at_us = Some(at);
            ctx.timer(at, BrokerTimer::MarkerRetry);
        }
    }

    /// Resend markers still pending for transactions this broker coordinates.
    pub fn retry_markers(&mut self, ctx: &mut BCtx) {
        let pending: Vec<String> = {
            let log = self.txn_log.borrow();
            log.txns
                .iter()
                .filter(|(_, m)| !m.pending_markers.is_empty())
                .filter(|(id, _)| !self.markers_in_flight.values().any(|t| t == *id))
                .map(|(id, _)| id.clone())
                .collect()
        };
        for tid in pending {
            if self.owns_txn_state(&tid).is_ok() {
                self.send_markers(ctx, &tid);
            }
        }
    }

    /// `abortTimedOutTransactions`: Ongoing transactions past their timeout are aborted
    /// under a bumped epoch, fencing the producer.
    pub fn txn_abort_check(&mut self, ctx: &mut BCtx) {
        let now = ctx.now;
        let expired: Vec<String> = {
            let log = self.txn_log.borrow();
            log.txns
                .iter()
                .filter(|(id, m)| {
                    m.status == TxnStatus::Ongoing
                        && later(m.started_us, m.timeout_us) < now
                        && self.owns_txn_state(id).is_ok()
                })
                .map(|(id, _)| id.clone())
                .collect()
        };
        for tid in expired {
            {
                let mut log = self.txn_log.borrow_mut();
                let meta = log.txns.get_mut(&tid).expect("listed");
                meta.epoch += 1;
                ctx.trace(Event::TxnTimedOut { transactional_id: tid.clone(), producer_id: meta.producer_id });
                Self::prepare_end(meta, false);
            }
            self.send_markers(ctx, &tid);
        }
        self.retry_markers(ctx);
        ctx.timer(later(now, self.cfg().transaction_abort_cleanup_interval_us), BrokerTimer::TxnAbortCheck);
    }
}

/// A marker appended to the leader's log: its answer waits for the HW to pass it.
fn return_later(results: &mut Vec<super::produce::PendingPart>, tp: Tp, required: u64) {
    results.push(super::produce::PendingPart { tp, required, base_offset: -1, result: None });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_string_hash() {
        assert_eq!(java_hash(""), 0);
        assert_eq!(java_hash("a"), 97);
        assert_eq!(java_hash("hello"), 99162322);
        assert_eq!(kafka_abs(i32::MIN), 0);
    }
}
