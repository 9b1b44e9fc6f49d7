//! ProduceRequest handling (`KafkaApis.handleProduceRequest`, `Partition.appendRecordsToLeader`,
//! `UnifiedLog.appendAsLeader`, `DelayedProduce`).
//!
//! Per partition, in Kafka's order: not the leader → NOT_LEADER_OR_FOLLOWER (with the
//! leader this broker knows, KIP-951); acks=all with the ISR under min ISR →
//! NOT_ENOUGH_REPLICAS, nothing written; a batch over `max.message.bytes` →
//! MESSAGE_TOO_LARGE, over `segment.bytes` → RECORD_LIST_TOO_LARGE; then the producer
//! state (duplicate → the original offsets, nothing written; INVALID_PRODUCER_EPOCH;
//! OUT_OF_ORDER_SEQUENCE_NUMBER); then the append at the LEO, stamped with the leader
//! epoch. acks=1 answers now; acks=0 answers never (and closes the connection if
//! anything failed); acks=all parks until the HW passes the batch (NONE, or
//! NOT_ENOUGH_REPLICAS_AFTER_APPEND if the maximal ISR is now under min ISR), the request
//! times out (REQUEST_TIMED_OUT) or leadership moves (NOT_LEADER_OR_FOLLOWER).

use std::rc::Rc;

use super::producer_state::Verdict;
use super::{BCtx, Broker, BrokerTimer};
use crate::protocol::Tp;
use crate::protocol::{BatchData, Error, LogBatch, Msg, PartitionProduceResult, ProduceRequest, ProduceResponse};
use crate::sim::{later, Micros, NodeId};
use crate::trace::Event;

#[derive(Clone, Debug)]
pub struct PendingPart {
    pub tp: Tp,
    /// The HW this part waits for: its last offset + 1.
    pub required: u64,
    pub base_offset: i64,
    pub result: Option<Error>,
}

#[derive(Clone, Debug)]
pub struct DelayedProduce {
    pub client: NodeId,
    pub client_inc: u32,
    pub corr: u32,
    pub deadline_us: Micros,
    pub parts: Vec<PendingPart>,
    /// Transaction markers (WriteTxnMarkers, appended with acks=all), answered with a
    /// WriteTxnMarkersResponse.
    pub markers: bool,
}

impl Broker {
    pub fn handle_produce(&mut self, ctx: &mut BCtx, from: NodeId, from_inc: u32, req: ProduceRequest) {
        // Transaction version 2: a transactional batch's partition joins the transaction
        // through the coordinator first (the request waits for the answer).
        if let Some(req) = self.maybe_add_partitions_first(ctx, from, from_inc, req) {
            self.produce_now(ctx, from, from_inc, req, &[]);
        }
    }

    /// Append each batch and answer as `acks` says; `presets` are partitions already
    /// answered with an error (their batch is not appended).
    pub fn produce_now(
        &mut self,
        ctx: &mut BCtx,
        from: NodeId,
        from_inc: u32,
        req: ProduceRequest,
        presets: &[(Tp, Error)],
    ) {
        let mut parts = Vec::with_capacity(req.batches.len());
        let mut any_error = false;
        for (tp, data) in req.batches {
            let result = match presets.iter().find(|(p, _)| *p == tp) {
                Some(&(_, e)) => {
                    ctx.trace(Event::ProduceRejected { broker: self.node, tp, batch: data.batch_id, error: e });
                    Err(e)
                }
                None => self.append_client_batch(ctx, tp, data, req.acks),
            };
            match result {
                Ok((base, last)) => {
                    parts.push(PendingPart { tp, required: last + 1, base_offset: base as i64, result: None })
                }
                Err(e) => {
                    any_error = true;
                    parts.push(PendingPart { tp, required: 0, base_offset: -1, result: Some(e) });
                }
            }
        }
        match req.acks {
            0 => {
                if any_error {
                    // Kafka closes the connection when an acks=0 produce fails.
                    ctx.send(from, Some(from_inc), Msg::Reset);
                }
            }
            1 => {
                for p in parts.iter_mut() {
                    p.result.get_or_insert(Error::None);
                }
                self.respond_produce(ctx, from, from_inc, req.corr, &parts);
            }
            _ => {
                for p in parts.iter_mut() {
                    if p.result.is_none() {
                        p.result = self.check_enough_replicas(p.tp, p.required);
                    }
                }
                if parts.iter().all(|p| p.result.is_some()) {
                    self.respond_produce(ctx, from, from_inc, req.corr, &parts);
                } else {
                    let id = self.delayed_id();
                    let deadline_us = later(ctx.now, req.timeout_us);
                    self.delayed_produce.insert(
                        id,
                        DelayedProduce {
                            client: from,
                            client_inc: from_inc,
                            corr: req.corr,
                            deadline_us,
                            parts,
                            markers: false,
                        },
                    );
                    ctx.timer(deadline_us, BrokerTimer::ProduceTimeout(id));
                }
            }
        }
    }

    /// `appendRecordsToLeader`: the (base, last) offsets written, or the error.
    fn append_client_batch(
        &mut self,
        ctx: &mut BCtx,
        tp: Tp,
        data: Rc<BatchData>,
        acks: i16,
    ) -> Result<(u64, u64), Error> {
        let capped = self.spec.min_isr_rule();
        let Some(replica) = self.replicas.get_mut(&tp) else {
            let known = self.image.as_ref().is_some_and(|i| i.partition(tp).is_some());
            return Err(if known { Error::NotLeaderOrFollower } else { Error::UnknownTopicOrPartition });
        };
        let error = if !replica.is_leader() {
            Some(Error::NotLeaderOrFollower)
        } else if acks == -1 && replica.leader_state().map_or(0, |l| l.isr.len()) < replica.effective_min_isr(capped) {
            Some(Error::NotEnoughReplicas)
        } else if data.size_bytes > replica.cfg.max_message_bytes {
            Some(Error::MessageTooLarge)
        } else {
            None
        };
        if let Some(e) = error {
            ctx.trace(Event::ProduceRejected { broker: self.node, tp, batch: data.batch_id, error: e });
            return Err(e);
        }
        // LogValidator: timestamps, the topic's codec, then the segment size.
        let (codec_in, bytes_in) = (data.meta.codec, data.size_bytes);
        let data = match super::validate::validate_batch(&self.spec, &replica.cfg, ctx.obs.history, ctx.now, data) {
            Ok(d) => {
                if d.meta.codec != codec_in {
                    ctx.trace(Event::Recompressed {
                        broker: self.node,
                        tp,
                        batch: d.batch_id,
                        from: codec_in,
                        to: d.meta.codec,
                        bytes_before: bytes_in,
                        bytes_after: d.size_bytes,
                    });
                }
                d
            }
            Err(e) => {
                ctx.trace(Event::ProduceRejected { broker: self.node, tp, batch: 0, error: e });
                return Err(e);
            }
        };
        if data.size_bytes as u64 > replica.cfg.segment_bytes {
            let e = Error::RecordListTooLarge;
            ctx.trace(Event::ProduceRejected { broker: self.node, tp, batch: data.batch_id, error: e });
            return Err(e);
        }
        match replica.producers.check(&data) {
            Err(e) => {
                ctx.trace(Event::ProduceRejected { broker: self.node, tp, batch: data.batch_id, error: e });
                return Err(e);
            }
            Ok(Verdict::Duplicate { first_offset, last_offset }) => {
                ctx.trace(Event::DuplicateBatch {
                    broker: self.node,
                    tp,
                    batch: data.batch_id,
                    producer_id: data.producer_id,
                    base_sequence: data.base_sequence,
                    base_offset: first_offset,
                });
                return Ok((first_offset, last_offset));
            }
            Ok(Verdict::Append) => {}
        }
        let batch = LogBatch { base_offset: replica.log.leo, leader_epoch: replica.leader_epoch, data };
        let (base, last) = (batch.base_offset, batch.last_offset());
        ctx.trace(Event::Appended {
            broker: self.node,
            tp,
            batch: batch.data.batch_id,
            base_offset: base,
            last_offset: last,
            leader_epoch: batch.leader_epoch,
            producer_id: batch.data.producer_id,
            base_sequence: batch.data.base_sequence,
        });
        self.append_local(ctx, tp, batch);
        self.maybe_increment_hw(ctx, tp);
        self.complete_delayed_fetches(ctx, Some(tp));
        Ok((base, last))
    }

    /// `checkEnoughReplicasReachOffset` for a parked acks=all part.
    fn check_enough_replicas(&self, tp: Tp, required: u64) -> Option<Error> {
        let replica = self.replicas.get(&tp)?;
        if !replica.is_leader() {
            return Some(Error::NotLeaderOrFollower);
        }
        if replica.hw >= required {
            let min = replica.effective_min_isr(self.spec.min_isr_rule());
            Some(if replica.maximal_isr().len() >= min { Error::None } else { Error::NotEnoughReplicasAfterAppend })
        } else {
            None
        }
    }

    /// Re-check parked produces touching `tp` (after an HW move or a role change).
    pub fn complete_delayed_produce(&mut self, ctx: &mut BCtx, tp: Option<Tp>) {
        let ids: Vec<u64> = self
            .delayed_produce
            .iter()
            .filter(|(_, d)| tp.is_none_or(|tp| d.parts.iter().any(|p| p.tp == tp)))
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            let Some(mut d) = self.delayed_produce.remove(&id) else { continue };
            for i in 0..d.parts.len() {
                if d.parts[i].result.is_none() {
                    d.parts[i].result = self.check_enough_replicas(d.parts[i].tp, d.parts[i].required);
                }
            }
            if d.parts.iter().all(|p| p.result.is_some()) {
                self.respond_delayed(ctx, &d);
            } else {
                self.delayed_produce.insert(id, d);
            }
        }
    }

    pub fn produce_timeout(&mut self, ctx: &mut BCtx, id: u64) {
        let Some(mut d) = self.delayed_produce.remove(&id) else { return };
        for p in d.parts.iter_mut() {
            p.result.get_or_insert(Error::RequestTimedOut);
        }
        self.respond_delayed(ctx, &d);
    }

    fn respond_delayed(&mut self, ctx: &mut BCtx, d: &DelayedProduce) {
        if d.markers {
            let results = d.parts.iter().map(|p| (p.tp, p.result.unwrap_or(Error::RequestTimedOut))).collect();
            ctx.send(d.client, Some(d.client_inc), Msg::WriteTxnMarkersResponse { corr: d.corr, results });
        } else {
            self.respond_produce(ctx, d.client, d.client_inc, d.corr, &d.parts);
        }
    }

    /// WriteTxnMarkers appends with acks=all (`KafkaApis.handleWriteTxnMarkersRequest`,
    /// `requiredAcks = -1`): the answer waits until every marker is replicated to the ISR,
    /// or fails (NOT_LEADER_OR_FOLLOWER when leadership moves on, NOT_ENOUGH_REPLICAS,
    /// REQUEST_TIMED_OUT after `request.timeout.ms`), and the coordinator sends it again.
    pub fn answer_markers(&mut self, ctx: &mut BCtx, to: NodeId, to_inc: u32, corr: u32, mut parts: Vec<PendingPart>) {
        for p in parts.iter_mut() {
            if p.result.is_none() {
                p.result = self.check_enough_replicas(p.tp, p.required);
            }
        }
        let d = DelayedProduce {
            client: to,
            client_inc: to_inc,
            corr,
            deadline_us: later(ctx.now, super::coordinator::MARKER_REQUEST_TIMEOUT_US),
            parts,
            markers: true,
        };
        if d.parts.iter().all(|p| p.result.is_some()) {
            self.respond_delayed(ctx, &d);
        } else {
            let id = self.delayed_id();
            ctx.timer(d.deadline_us, BrokerTimer::ProduceTimeout(id));
            self.delayed_produce.insert(id, d);
        }
    }

    fn respond_produce(&mut self, ctx: &mut BCtx, to: NodeId, to_inc: u32, corr: u32, parts: &[PendingPart]) {
        let results: Vec<PartitionProduceResult> = parts
            .iter()
            .map(|p| {
                let error = p.result.unwrap_or(Error::RequestTimedOut);
                let current_leader = if error == Error::NotLeaderOrFollower {
                    self.image
                        .as_ref()
                        .and_then(|i| i.partition(p.tp))
                        .and_then(|img| img.leader.map(|l| (l, img.leader_epoch)))
                } else {
                    None
                };
                PartitionProduceResult {
                    tp: p.tp,
                    error,
                    base_offset: if error == Error::None { p.base_offset } else { -1 },
                    current_leader,
                }
            })
            .collect();
        for r in &results {
            *self.responses.entry(r.error).or_default() += 1;
        }
        ctx.trace(Event::ProduceAnswered {
            broker: self.node,
            to,
            corr,
            results: results.iter().map(|r| (r.tp, r.error, r.base_offset)).collect(),
        });
        ctx.send(to, Some(to_inc), Msg::ProduceResponse(ProduceResponse { corr, results }));
    }
}
