//! The Sender thread: `runOnce` / `sendProducerData` / `completeBatch` of Kafka's `Sender`.
//!
//! One loop: resolve sequences and bump epochs (idempotence), send a pending
//! transactional request (and nothing else while one is outstanding), refresh metadata
//! when needed, find ready brokers, connect to those not connected, drain at most one
//! batch per partition per request, expire batches past `delivery.timeout.ms` (in the
//! accumulator and in flight), send the requests, and sleep until the next thing can
//! happen. Responses complete, retry or fail batches exactly as `completeBatch` does.

use std::rc::Rc;

use super::batch::ProducerBatch;
use super::idempotence::{NoGuard, Rewrite};
use super::network::{exp_backoff, ConnState, InFlight, ReqKind};
use super::{PCtx, Producer};
use crate::config::{Acks, CompressionType};
use crate::format::size::RECORD_BATCH_OVERHEAD;
use crate::history::Outcome;
use crate::protocol::Tp;
use crate::protocol::{BatchData, BatchMeta, ClientError, ClusterImage, Error, Msg, ProduceRequest, ProduceResponse};
use crate::sim::{later, Micros, NodeId};
use crate::trace::{ClientErrorName, Event, ExpiredIn};

/// `send.buffer.bytes`' default (128 KiB, the socket's SO_SNDBUF): an acks=0 request is
/// complete once its last byte fits in it.
const SOCKET_SEND_BUFFER_BYTES: u64 = 131_072;

/// Sender passes run back to back in one kernel event before the rest continue as a
/// new event at the same instant.
const PASSES_PER_WAKE: u32 = 64;

impl Producer {
    /// `Sender.runOnce`.
    pub fn run_sender(&mut self, ctx: &mut PCtx) {
        if self.closed {
            return;
        }
        // The sender thread is still building its last requests (`sim::cost`).
        let free_us = crate::sim::cost::ns_to_us(self.sender_busy_until_ns);
        if free_us > ctx.now {
            self.wake_sender(ctx, free_us);
            return;
        }
        self.complete_written(ctx);
        self.handle_timeouts(ctx);
        if let Some(idem) = &mut self.idem {
            idem.resolve_sequences();
            if let Some(rewrites) = idem.maybe_bump_epoch() {
                let (pid, epoch) = (idem.producer_id, idem.producer_epoch);
                self.apply_rewrites(&rewrites);
                ctx.trace(Event::EpochBumped {
                    producer: self.node,
                    producer_id: pid,
                    producer_epoch: epoch,
                    reason: "a sequence gap or an unresolved sequence (KIP-360)".into(),
                });
            }
        }
        if self.txn.fatal() {
            self.abort_all_batches(ctx);
        } else if self.maybe_send_txn_request(ctx) {
            // `maybeSendAndPollTransactionalRequest` returned true: this pass sends no
            // produce data and expires nothing; the thread polls for `retry.backoff.ms`
            // (a response, a connection or a timeout wakes it sooner).
            self.maybe_update_metadata(ctx);
            self.schedule_txn_wait(ctx);
            return;
        } else {
            // Kafka's sender polls with a zero timeout while any node has ready data, so
            // passes follow each other at once until every ready batch is out or every
            // connection is at its in-flight limit. With acks=0 a request leaves the
            // in-flight queue as soon as it is written, so a burst drains completely.
            // A slice of passes runs here; if data is still going out, the next slice runs
            // at the same instant as a new kernel event, so other nodes' events interleave.
            let mut more = false;
            for _ in 0..PASSES_PER_WAKE {
                more = self.send_producer_data(ctx);
                if !more {
                    break;
                }
            }
            if more {
                self.maybe_update_metadata(ctx);
                self.wake_sender(ctx, ctx.now);
                return;
            }
        }
        self.maybe_update_metadata(ctx);
        self.schedule_next_wake(ctx);
    }

    /// `sendProducerData`; returns true when it sent a produce request (loop again).
    fn send_producer_data(&mut self, ctx: &mut PCtx) -> bool {
        let now = ctx.now;
        let ready = self.acc.ready(&self.cfg, &self.meta, now);
        if ready.unknown_leader {
            self.meta.need_update = true;
        }
        let mut nodes = Vec::new();
        for node in &ready.nodes {
            let can_send = self.conns.get(node).is_some_and(|c| c.can_send_more(&self.cfg));
            self.acc.update_node_latency_stats(&self.cfg, *node, now, can_send);
            if can_send {
                nodes.push(*node);
            } else {
                self.maybe_connect(ctx, *node);
            }
        }
        let mut requests = Vec::new();
        for node in nodes {
            let guard: &mut dyn super::accumulator::DrainGuard = match &mut self.idem {
                Some(i) => i,
                None => &mut NoGuard,
            };
            let batches = self.acc.drain_node(&self.cfg, &self.meta, node, now, guard);
            if !batches.is_empty() {
                requests.push((node, batches, ready.reasons.clone()));
            }
        }
        let sent_any = !requests.is_empty();
        for (node, batches, reasons) in requests {
            self.send_produce(ctx, node, batches, &reasons);
        }
        self.expire_batches(ctx);
        sent_any
    }

    fn send_produce(
        &mut self,
        ctx: &mut PCtx,
        node: u16,
        batches: Vec<ProducerBatch>,
        reasons: &crate::sim::VecMap<Tp, crate::trace::SealReason>,
    ) {
        let corr = self.next_corr();
        let mut wire = Vec::with_capacity(batches.len());
        let mut ids = Vec::with_capacity(batches.len());
        let mut records = 0u32;
        for mut batch in batches {
            if batch.wire.is_none() {
                self.close_batch(ctx, &mut batch);
            }
            let data = batch.wire.clone().expect("closed batch has a wire form");
            let reason = if batch.attempts > 0 {
                crate::trace::SealReason::Retry
            } else {
                reasons.get(&batch.tp).copied().unwrap_or(crate::trace::SealReason::NodeReady)
            };
            batch.reason = Some(reason);
            ctx.trace(Event::BatchDrained {
                producer: self.node,
                batch: batch.id,
                tp: batch.tp,
                reason,
                records: batch.record_count(),
                bytes: data.size_bytes,
                attempt: batch.attempts + 1,
                producer_id: batch.producer_id,
                producer_epoch: batch.producer_epoch,
                base_sequence: batch.base_sequence,
            });
            if batch.attempts == 0 {
                self.metrics.batches_first_sent += 1;
            }
            self.metrics.batch_sent(
                data.size_bytes,
                data.uncompressed_bytes,
                batch.record_count(),
                batch.max_record_upper,
                ctx.now - batch.created_us,
            );
            self.metrics.outgoing_byte_total += data.size_bytes as u64;
            records += batch.record_count();
            if self.cfg.max_in_flight == 1 {
                self.acc.muted.insert(batch.tp);
            }
            for r in &batch.records {
                ctx.obs.history.record_mut(*r).batch = batch.id;
            }
            wire.push((batch.tp, data));
            ids.push(batch.id);
            self.sent.insert(batch.id, batch);
        }
        let cost = self.hw.producer_request_ns + self.hw.producer_batch_ns * ids.len() as u64;
        self.sender_busy_until_ns = self.sender_busy_until_ns.max(ctx.now.saturating_mul(1000)).saturating_add(cost);
        self.metrics.request_total += 1;
        self.metrics.produce_requests += 1;
        self.metrics.records_in_requests += records as u64;
        let req = ProduceRequest {
            corr,
            acks: self.cfg.acks.wire(),
            timeout_us: self.cfg.request_timeout_us,
            transactional_id: self.cfg.transactional_id.as_deref().map(Rc::from),
            batches: wire,
        };
        ctx.trace(Event::RequestSent {
            from: self.node,
            to: NodeId::broker(node),
            api: "Produce",
            corr,
            batches: ids.clone(),
        });
        let server_inc = self.conns.get(&node).map_or(0, |c| c.server_inc);
        let msg = Msg::Produce(req);
        // The producer host's NIC sends its requests one after another at the link's
        // bandwidth (`sim::cost`); the socket's send buffer takes what fits ahead of that.
        let now_ns = ctx.now.saturating_mul(1000);
        self.nic_free_ns = self.nic_free_ns.max(now_ns).saturating_add(self.hw.nic_ns(msg.wire_bytes()));
        ctx.send(NodeId::broker(node), Some(server_inc), msg);
        let written_us = if self.cfg.acks == Acks::Zero {
            let buffered_ns = self.hw.nic_ns(SOCKET_SEND_BUFFER_BYTES);
            Some(crate::sim::cost::ns_to_us(self.nic_free_ns.saturating_sub(buffered_ns)).max(ctx.now))
        } else {
            None
        };
        if written_us == Some(ctx.now) {
            // No response: each batch is done once written to the socket, offset -1.
            for id in ids {
                if let Some(batch) = self.sent.remove(&id) {
                    self.complete_ok(ctx, batch, -1);
                }
            }
        } else if let Some(conn) = self.conns.get_mut(&node) {
            // acks=0 behind a full send buffer: in flight (it counts against
            // max.in.flight.requests.per.connection) until its last byte is written.
            conn.in_flight.push_back(InFlight {
                corr,
                kind: ReqKind::Produce { batches: ids },
                sent_us: ctx.now,
                written_us,
            });
            if let Some(at) = written_us {
                self.wake_sender(ctx, at);
            }
        }
    }

    /// acks=0 requests whose last byte has entered the socket's send buffer by now:
    /// `handleCompletedSends` completes their batches (offset -1) and frees their slot.
    fn complete_written(&mut self, ctx: &mut PCtx) {
        let now = ctx.now;
        let mut done = Vec::new();
        for conn in self.conns.values_mut() {
            while let Some(i) = conn.in_flight.iter().position(|r| r.written_us.is_some_and(|t| t <= now)) {
                if let Some(r) = conn.in_flight.remove(i) {
                    done.push(r);
                }
            }
        }
        for r in done {
            if let ReqKind::Produce { batches } = r.kind {
                for id in batches {
                    if let Some(batch) = self.sent.remove(&id) {
                        self.complete_ok(ctx, batch, -1);
                    }
                }
            }
        }
    }

    /// `ProducerBatch.close`: build the wire form (compressing real bytes, unless that
    /// would exceed the bytes-compressed budget: then the run stops after this event and
    /// the batch keeps its uncompressed size).
    fn close_batch(&mut self, ctx: &mut PCtx, batch: &mut ProducerBatch) {
        let codec = self.cfg.compression;
        let size = if codec == CompressionType::None || !ctx.obs.history.may_compress(u64::from(batch.records_bytes)) {
            RECORD_BATCH_OVERHEAD.saturating_add(batch.records_bytes)
        } else {
            let mut raw = Vec::with_capacity(batch.records_bytes as usize);
            self.workload.encode_records(ctx.obs.history, &batch.records, batch.base_ts_ms, &mut raw);
            let compressed = crate::format::compress::compressed_size(codec, self.cfg.compression_level, &raw);
            if !raw.is_empty() {
                let observed = compressed as u64 * super::batch::RATIO_ONE_PPM / raw.len() as u64;
                self.acc.observe_ratio(batch.tp.topic, &self.cfg, observed);
            }
            RECORD_BATCH_OVERHEAD.saturating_add(compressed)
        };
        batch.wire = Some(Rc::new(BatchData {
            batch_id: batch.id,
            producer_id: batch.producer_id,
            producer_epoch: batch.producer_epoch,
            base_sequence: batch.base_sequence,
            transactional: batch.is_transactional,
            control: None,
            records: Rc::from(batch.records.as_slice()),
            size_bytes: size,
            uncompressed_bytes: RECORD_BATCH_OVERHEAD.saturating_add(batch.records_bytes),
            meta: BatchMeta {
                codec,
                base_timestamp_ms: batch.base_ts_ms,
                min_timestamp_ms: batch
                    .records
                    .iter()
                    .map(|&r| ctx.obs.history.record(r).timestamp_ms)
                    .min()
                    .unwrap_or(0),
                max_timestamp_ms: batch
                    .records
                    .iter()
                    .map(|&r| ctx.obs.history.record(r).timestamp_ms)
                    .max()
                    .unwrap_or(0),
                log_append_time: false,
                level: self.cfg.compression_level,
            },
            cleaned: None,
        }));
    }

    /// Apply new producer state to batches wherever they are (queued or in flight).
    pub fn apply_rewrites(&mut self, rewrites: &[Rewrite]) {
        for rw in rewrites {
            let batch = match self.sent.get_mut(&rw.batch) {
                Some(b) => Some(b),
                None => self.acc.deques.values_mut().flat_map(|d| d.iter_mut()).find(|b| b.id == rw.batch),
            };
            if let Some(b) = batch {
                b.producer_id = rw.producer_id;
                b.producer_epoch = rw.producer_epoch;
                b.base_sequence = rw.base_sequence;
                b.sequence_reset = true;
                if let Some(w) = &b.wire {
                    b.wire = Some(Rc::new(BatchData {
                        producer_id: rw.producer_id,
                        producer_epoch: rw.producer_epoch,
                        base_sequence: rw.base_sequence,
                        records: w.records.clone(),
                        cleaned: None,
                        ..**w
                    }));
                }
            }
        }
    }

    /// Delivery-timeout expiry in flight and in the accumulator.
    fn expire_batches(&mut self, ctx: &mut PCtx) {
        let now = ctx.now;
        let timeout = self.cfg.delivery_timeout_us;
        let expired_in_flight: Vec<u32> = self
            .sent
            .values()
            .filter(|b| !b.done && now.saturating_sub(b.created_us) >= timeout)
            .map(|b| b.id)
            .collect();
        for id in expired_in_flight {
            let Some(mut batch) = self.sent.remove(&id) else { continue };
            ctx.trace(Event::BatchExpired {
                producer: self.node,
                batch: id,
                tp: batch.tp,
                r#in: ExpiredIn::InFlight,
                records: batch.record_count(),
            });
            self.fail_batch(ctx, &mut batch, ClientError::Timeout, None, false);
            if batch.in_retry {
                if let Some(idem) = &mut self.idem {
                    idem.mark_unresolved(&batch);
                }
            }
            // Keep it until its request completes: a late answer still informs sequences.
            self.sent.insert(id, batch);
        }
        for mut batch in self.acc.expired(&self.cfg, now) {
            ctx.trace(Event::BatchExpired {
                producer: self.node,
                batch: batch.id,
                tp: batch.tp,
                r#in: ExpiredIn::Accumulator,
                records: batch.record_count(),
            });
            self.fail_batch(ctx, &mut batch, ClientError::Timeout, None, false);
            if batch.in_retry {
                if let Some(idem) = &mut self.idem {
                    idem.mark_unresolved(&batch);
                }
            }
        }
    }

    /// A batch succeeded (`completeBatch` on NONE, or acks=0).
    pub fn complete_ok(&mut self, ctx: &mut PCtx, mut batch: ProducerBatch, base_offset: i64) {
        if let Some(idem) = &mut self.idem {
            if batch.has_sequence() {
                idem.completed(&batch, base_offset);
            }
        }
        if batch.done {
            ctx.trace(Event::LateResponseIgnored {
                producer: self.node,
                batch: batch.id,
                tp: batch.tp,
                error: Error::None,
                base_offset,
            });
            return;
        }
        batch.done = true;
        for (i, r) in batch.records.iter().enumerate() {
            let offset = if base_offset < 0 { -1 } else { base_offset + i as i64 };
            ctx.obs.history.complete(*r, ctx.now, Outcome::Acked { offset });
        }
        *self.metrics.acked_per_second.entry(ctx.now / 1_000_000).or_default() += batch.record_count() as u64;
        ctx.trace(Event::BatchAcked {
            producer: self.node,
            batch: batch.id,
            tp: batch.tp,
            base_offset,
            records: batch.record_count(),
        });
        self.release(&batch);
    }

    /// `failBatch`: the callback gets `error`; sequences are adjusted as Kafka does.
    pub fn fail_batch(
        &mut self,
        ctx: &mut PCtx,
        batch: &mut ProducerBatch,
        error: ClientError,
        broker_error: Option<Error>,
        adjust_sequences: bool,
    ) {
        if batch.done {
            return;
        }
        batch.done = true;
        self.metrics.record_error_total += batch.record_count() as u64;
        let cause = broker_error.or(batch.last_error);
        for r in &batch.records {
            ctx.obs.history.fail(*r, ctx.now, error, cause);
        }
        ctx.trace(Event::BatchFailed {
            producer: self.node,
            batch: batch.id,
            tp: batch.tp,
            error: ClientErrorName(error),
            records: batch.record_count(),
        });
        self.txn.batch_failed(error);
        if let Some(idem) = &mut self.idem {
            if batch.has_sequence() {
                let rewrites = idem.failed(batch, broker_error, adjust_sequences);
                self.apply_rewrites(&rewrites);
            }
        }
        self.release(batch);
    }

    /// Return the batch's memory and unmute its partition.
    fn release(&mut self, batch: &ProducerBatch) {
        self.acc.pool.deallocate(batch.pooled_bytes);
        if self.cfg.max_in_flight == 1 {
            self.acc.muted.remove(&batch.tp);
        }
    }

    pub fn on_produce_response(&mut self, ctx: &mut PCtx, broker: u16, resp: ProduceResponse) {
        let Some(req) = self.conns.get_mut(&broker).and_then(|c| c.take(resp.corr)) else { return };
        self.metrics.produce_latency(ctx.now - req.sent_us);
        let ReqKind::Produce { batches } = req.kind else { return };
        let errors: Vec<(u32, Error)> = resp
            .results
            .iter()
            .filter(|r| r.error != Error::None)
            .filter_map(|r| {
                batches.iter().find(|id| self.sent.get(id).is_some_and(|b| b.tp == r.tp)).map(|id| (*id, r.error))
            })
            .collect();
        ctx.trace(Event::ResponseReceived {
            at: self.node,
            from: NodeId::broker(broker),
            api: "Produce",
            corr: resp.corr,
            errors,
        });
        for result in resp.results {
            let Some(id) = batches.iter().copied().find(|id| self.sent.get(id).is_some_and(|b| b.tp == result.tp))
            else {
                continue;
            };
            let Some(batch) = self.sent.remove(&id) else { continue };
            if let (Error::NotLeaderOrFollower | Error::FencedLeaderEpoch, Some((leader, epoch))) =
                (result.error, result.current_leader)
            {
                self.meta.apply_leader_hint(result.tp, leader, epoch);
            }
            self.complete_batch(ctx, batch, result.error, result.base_offset);
        }
    }

    /// `Sender.completeBatch`.
    fn complete_batch(&mut self, ctx: &mut PCtx, mut batch: ProducerBatch, error: Error, base_offset: i64) {
        let now = ctx.now;
        if error != Error::None {
            batch.last_error = Some(error);
        }
        if error == Error::None {
            self.complete_ok(ctx, batch, base_offset);
            return;
        }
        if error == Error::MessageTooLarge && batch.record_count() > 1 && !batch.done {
            self.split_and_reenqueue(ctx, batch);
            return;
        }
        if error.invalid_metadata() {
            self.meta.need_update = true;
        }
        if batch.done {
            // Already failed (expired in flight); the answer still informs the sequences.
            if let Some(idem) = &mut self.idem {
                let rewrites = idem.failed(&batch, Some(error), false);
                self.apply_rewrites(&rewrites);
            }
            ctx.trace(Event::LateResponseIgnored {
                producer: self.node,
                batch: batch.id,
                tp: batch.tp,
                error,
                base_offset,
            });
            return;
        }
        let within_timeout = now.saturating_sub(batch.created_us) < self.cfg.delivery_timeout_us;
        let retriable = match &mut self.idem {
            Some(idem) => idem.can_retry(&batch, error, batch.sequence_reset),
            None => error.retriable(),
        };
        if within_timeout && batch.attempts < self.cfg.retries && retriable {
            let backoff =
                exp_backoff(self.cfg.retry_backoff_us, self.cfg.retry_backoff_max_us, batch.attempts, &mut self.rng);
            self.metrics.record_retry_total += batch.record_count() as u64;
            ctx.trace(Event::BatchRetried {
                producer: self.node,
                batch: batch.id,
                tp: batch.tp,
                error,
                attempt: batch.attempts + 1,
                backoff_us: backoff,
            });
            let idempotent = self.idem.is_some();
            if self.cfg.max_in_flight == 1 {
                self.acc.muted.remove(&batch.tp);
            }
            self.acc.reenqueue(batch, now, backoff, idempotent);
        } else if error == Error::DuplicateSequenceNumber {
            self.complete_ok(ctx, batch, -1);
        } else {
            let adjust = batch.attempts < self.cfg.retries;
            self.fail_batch(ctx, &mut batch, ClientError::Broker(error), Some(error), adjust);
        }
    }

    /// MESSAGE_TOO_LARGE on a multi-record batch: split into `batch.size` pieces.
    fn split_and_reenqueue(&mut self, ctx: &mut PCtx, batch: ProducerBatch) {
        self.metrics.batch_split_total += 1;
        self.acc.pool.deallocate(batch.pooled_bytes);
        if let Some(idem) = &mut self.idem {
            let _ = idem.failed(&batch, None, false);
        }
        let mut pieces: Vec<ProducerBatch> = Vec::new();
        let mut key = Vec::new();
        for &r in &batch.records {
            let rec = ctx.obs.history.record(r);
            let has_key = self.workload.key_into(rec.stmt, rec.index, &mut key);
            let shape = self.workload.shape(rec.stmt, has_key.then_some(key.len() as u32));
            let ts_ms = rec.timestamp_ms;
            let codec = self.cfg.compression;
            let ratio = self.acc.ratio(batch.tp.topic, &self.cfg);
            let fits = pieces.last_mut().and_then(|p| p.try_append(r, batch.created_us, ts_ms, shape, codec, ratio));
            if fits.is_none() {
                let mut p = ProducerBatch::new(
                    ctx.obs.ids.batch(),
                    batch.tp,
                    batch.created_us,
                    self.cfg.batch_size_bytes,
                    0,
                    batch.txn,
                );
                p.ratio_ppm = Some(ratio);
                p.try_append(r, batch.created_us, ts_ms, shape, codec, ratio);
                p.created_us = batch.created_us;
                pieces.push(p);
            }
        }
        let mut seq = batch.base_sequence;
        for p in pieces.iter_mut() {
            if seq >= 0 {
                p.producer_id = batch.producer_id;
                p.producer_epoch = batch.producer_epoch;
                p.base_sequence = seq;
                p.is_transactional = batch.is_transactional;
                seq += p.record_count() as i32;
            }
        }
        for p in pieces.into_iter().rev() {
            self.acc.deques.entry(p.tp).or_default().push_front(p);
        }
    }

    /// Request and connection-setup timeouts (`handleTimedOutRequests`, `handleConnectionSetupTimeout`).
    fn handle_timeouts(&mut self, ctx: &mut PCtx) {
        let now = ctx.now;
        let ids: Vec<u16> = self.conns.keys().copied().collect();
        for id in ids {
            let conn = &self.conns[&id];
            if let ConnState::Connecting { deadline_us, .. } = conn.state {
                if now >= deadline_us {
                    let conn = self.conns.get_mut(&id).expect("exists");
                    let _ = conn.close(now, &self.cfg, &mut self.rng, true);
                    ctx.trace(Event::Disconnected { from: self.node, to: NodeId::broker(id), cancelled_requests: 0 });
                    self.meta.need_update = true;
                    self.connection_lost(ctx, id, Vec::new(), Error::NetworkException);
                }
                continue;
            }
            let expired = conn
                .in_flight
                .iter()
                .find(|r| now.saturating_sub(r.sent_us) >= self.cfg.request_timeout_us)
                .map(|r| r.corr);
            if let Some(corr) = expired {
                ctx.trace(Event::RequestTimedOut { from: self.node, to: NodeId::broker(id), corr });
                let conn = self.conns.get_mut(&id).expect("exists");
                let cancelled = conn.close(now, &self.cfg, &mut self.rng, false);
                ctx.trace(Event::Disconnected {
                    from: self.node,
                    to: NodeId::broker(id),
                    cancelled_requests: cancelled.len() as u32,
                });
                self.meta.need_update = true;
                self.connection_lost(ctx, id, cancelled, Error::RequestTimedOut);
            }
        }
    }

    /// Requests cancelled by a closed connection: their batches complete with `error`
    /// (REQUEST_TIMED_OUT after a timeout, NETWORK_EXCEPTION after a disconnect).
    fn connection_lost(&mut self, ctx: &mut PCtx, broker: u16, cancelled: Vec<InFlight>, error: Error) {
        for req in cancelled {
            match req.kind {
                ReqKind::Produce { batches } => {
                    for id in batches {
                        if let Some(batch) = self.sent.remove(&id) {
                            self.complete_batch(ctx, batch, error, -1);
                        }
                    }
                }
                ReqKind::Metadata => self.meta.in_flight = None,
                other => self.txn_request_lost(ctx, other),
            }
        }
        if self.meta.in_flight.is_some_and(|(b, _)| b == broker) {
            self.meta.in_flight = None;
        }
    }

    pub fn on_reset(&mut self, ctx: &mut PCtx, broker: u16) {
        let now = ctx.now;
        let Some(conn) = self.conns.get_mut(&broker) else { return };
        if conn.state == ConnState::Disconnected {
            return;
        }
        let cancelled = conn.close(now, &self.cfg, &mut self.rng, false);
        ctx.trace(Event::Disconnected {
            from: self.node,
            to: NodeId::broker(broker),
            cancelled_requests: cancelled.len() as u32,
        });
        self.meta.need_update = true;
        self.connection_lost(ctx, broker, cancelled, Error::NetworkException);
    }

    pub fn on_connected(&mut self, ctx: &mut PCtx, broker: u16, corr: u32, server_inc: u32) {
        let Some(conn) = self.conns.get_mut(&broker) else { return };
        if !matches!(conn.state, ConnState::Connecting { corr: c, .. } if c == corr) {
            return;
        }
        conn.connected(server_inc);
        ctx.trace(Event::Connected { from: self.node, to: NodeId::broker(broker) });
    }

    /// Start connecting to `broker` if allowed (`NetworkClient.initiateConnect`).
    pub fn maybe_connect(&mut self, ctx: &mut PCtx, broker: u16) -> bool {
        let now = ctx.now;
        let corr = self.next_corr();
        let Some(conn) = self.conns.get_mut(&broker) else { return false };
        if !conn.can_connect(now) {
            return false;
        }
        let deadline_us = later(now, conn.setup_timeout(&self.cfg, &mut self.rng));
        conn.gen += 1;
        conn.state = ConnState::Connecting { corr, deadline_us };
        ctx.trace(Event::Connecting { from: self.node, to: NodeId::broker(broker) });
        ctx.send(NodeId::broker(broker), None, Msg::Connect { corr });
        true
    }

    /// `leastLoadedNode`: a ready connection with the fewest requests in flight, else a
    /// node we may connect to (connecting starts as a side effect).
    pub fn least_loaded_node(&mut self, ctx: &mut PCtx) -> Option<u16> {
        let candidates: Vec<u16> = if self.meta.known() { self.meta.brokers() } else { self.bootstrap.clone() };
        let n = candidates.len();
        if n == 0 {
            return None;
        }
        let offset = self.rng.below(n as u64) as usize;
        let mut best: Option<(usize, u16)> = None;
        for i in 0..n {
            let b = candidates[(offset + i) % n];
            if let Some(c) = self.conns.get(&b) {
                if c.can_send_more(&self.cfg) && best.is_none_or(|(l, _)| c.in_flight.len() < l) {
                    best = Some((c.in_flight.len(), b));
                }
            }
        }
        if let Some((_, b)) = best {
            return Some(b);
        }
        let connecting = candidates
            .iter()
            .any(|b| self.conns.get(b).is_some_and(|c| matches!(c.state, ConnState::Connecting { .. })));
        if !connecting {
            for i in 0..n {
                let b = candidates[(offset + i) % n];
                if self.maybe_connect(ctx, b) {
                    break;
                }
            }
        }
        None
    }

    /// Send a MetadataRequest when one is due (`DefaultMetadataUpdater.maybeUpdate`).
    fn maybe_update_metadata(&mut self, ctx: &mut PCtx) {
        let due = self.meta.next_update_at(self.cfg.retry_backoff_us, self.cfg.metadata_max_age_us);
        if due.is_none_or(|t| t > ctx.now) {
            return;
        }
        let Some(node) = self.least_loaded_node(ctx) else { return };
        let corr = self.next_corr();
        self.meta.in_flight = Some((node, corr));
        self.meta.last_attempt_us = Some(ctx.now);
        let conn = self.conns.get_mut(&node).expect("ready connection");
        conn.in_flight.push_back(InFlight { corr, kind: ReqKind::Metadata, sent_us: ctx.now, written_us: None });
        let inc = conn.server_inc;
        self.metrics.request_total += 1;
        ctx.trace(Event::MetadataRequested { producer: self.node, to: NodeId::broker(node) });
        ctx.send(NodeId::broker(node), Some(inc), Msg::MetadataRequest { corr });
    }

    pub fn on_metadata(&mut self, ctx: &mut PCtx, broker: u16, corr: u32, image: Rc<ClusterImage>) {
        if self.conns.get_mut(&broker).and_then(|c| c.take(corr)).is_none() {
            return;
        }
        self.metrics.response_total += 1;
        if self.meta.in_flight == Some((broker, corr)) {
            self.meta.in_flight = None;
        }
        for b in image.brokers.iter() {
            self.conns.entry(b.id).or_insert_with(|| super::network::Conn::new(b.id));
        }
        let changed = self.meta.apply(image, ctx.now);
        if !changed.is_empty() {
            ctx.trace(Event::MetadataUpdated { producer: self.node, leaders: changed });
        }
    }

    /// When the sender must run next.
    fn schedule_next_wake(&mut self, ctx: &mut PCtx) {
        let now = ctx.now;
        let mut next: Option<Micros> = None;
        let mut consider = |t: Option<Micros>| {
            if let Some(t) = t {
                next = Some(next.map_or(t, |n: Micros| n.min(t)));
            }
        };
        let ready = self.acc.ready(&self.cfg, &self.meta, now);
        consider(ready.next_check_us);
        if !ready.nodes.is_empty() {
            for node in &ready.nodes {
                if let Some(c) = self.conns.get(node) {
                    if c.state == ConnState::Disconnected {
                        consider(Some(c.backoff_until_us.max(later(now, 1))));
                    }
                }
            }
        }
        consider(self.acc.next_expiry_us(&self.cfg));
        for b in self.sent.values() {
            if !b.done {
                consider(Some(later(b.created_us, self.cfg.delivery_timeout_us)));
            }
        }
        for c in self.conns.values() {
            consider(c.next_request_deadline(&self.cfg));
            if let ConnState::Connecting { deadline_us, .. } = c.state {
                consider(Some(deadline_us));
            }
        }
        let wants_request =
            self.meta.need_update || !self.meta.known() || self.txn.wants_request() || self.idem_needs_pid();
        if wants_request || self.busy() {
            let ready_conn = self.conns.values().any(|c| c.can_send_more(&self.cfg));
            let connecting = self.conns.values().any(|c| matches!(c.state, ConnState::Connecting { .. }));
            if ready_conn {
                consider(self.meta.next_update_at(self.cfg.retry_backoff_us, self.cfg.metadata_max_age_us));
            } else if !connecting && wants_request {
                // No node can take a request (`leastLoadedNode` finds none): wake when a
                // reconnect backoff ends, else after reconnect.backoff.ms as Kafka's
                // metadata updater does; a response arriving wakes us sooner.
                let backoff_end = self
                    .conns
                    .values()
                    .filter(|c| c.state == ConnState::Disconnected && c.backoff_until_us > now)
                    .map(|c| c.backoff_until_us)
                    .min();
                consider(Some(backoff_end.unwrap_or(later(now, self.cfg.reconnect_backoff_us))));
            }
        }
        consider(self.txn.next_retry_us());
        // Whatever was due now has just been done: the next pass is strictly later.
        if let Some(t) = next {
            self.wake_sender(ctx, t.max(later(now, 1)));
        }
    }

    /// The next pass while a transactional request occupies the sender: after
    /// `retry.backoff.ms` (`client.poll(retryBackoffMs)`), at a retry's backoff end, or when a
    /// connection attempt or request times out, whichever is first; responses and
    /// connections wake it sooner through `on_message`.
    fn schedule_txn_wait(&mut self, ctx: &mut PCtx) {
        let now = ctx.now;
        let mut next = now.saturating_add(self.cfg.retry_backoff_us.max(1));
        let mut consider = |t: Micros| {
            if t > now {
                next = next.min(t);
            }
        };
        if let Some(t) = self.txn.next_retry_us() {
            consider(t);
        }
        for c in self.conns.values() {
            if let Some(t) = c.next_request_deadline(&self.cfg) {
                consider(t);
            }
            if let ConnState::Connecting { deadline_us, .. } = c.state {
                consider(deadline_us);
            }
        }
        self.wake_sender(ctx, next);
    }

    fn idem_needs_pid(&self) -> bool {
        self.idem.as_ref().is_some_and(|i| !i.has_pid())
    }

    /// Fatal error: every incomplete batch fails with it (`maybeAbortBatches`).
    fn abort_all_batches(&mut self, ctx: &mut PCtx) {
        let err = self.txn.fatal_error().unwrap_or(ClientError::Kafka);
        for mut b in self.acc.take_all() {
            self.fail_batch(ctx, &mut b, err, None, false);
        }
    }
}
