//! Transaction version 2 (KIP-890 part 2), the leader's side: a transactional batch for
//! a partition that is not yet in its producer's transaction makes the leader ask the
//! coordinator to add it (AddPartitionsToTxn from a broker, `verifyOnly=false`) before it
//! appends anything; the produce request waits for the answer (`ReplicaManager
//! .handleProduceAppend` with `AddPartitionsToTxnManager`). The client sends no
//! AddPartitionsToTxn of its own.
//!
//! The coordinator's answer maps onto the produce response as Kafka 4.0 maps it:
//! PRODUCER_FENCED becomes INVALID_PRODUCER_EPOCH; CONCURRENT_TRANSACTIONS (the previous
//! transaction's markers are still being written) is retried by the leader every 20 ms
//! for up to 100 ms (KAFKA-18654) and then becomes NOT_ENOUGH_REPLICAS, as do coordinator
//! and network errors ("Unable to verify the partition has been added to the
//! transaction"), which the producer retries.

use super::{BCtx, Broker, BrokerTimer};
use crate::protocol::Tp;
use crate::protocol::{Error, Msg, ProduceRequest};
use crate::sim::{later, Micros, NodeId};
use crate::trace::Event;

/// `add.partitions.to.txn.retry.backoff.ms`.
const RETRY_BACKOFF_US: Micros = 20_000;
/// `add.partitions.to.txn.retry.backoff.max.ms`: how long CONCURRENT_TRANSACTIONS is retried.
const RETRY_MAX_US: Micros = 100_000;

/// A produce request waiting for the coordinator to add its partitions.
#[derive(Clone, Debug)]
pub struct ParkedProduce {
    pub from: NodeId,
    pub from_inc: u32,
    pub req: ProduceRequest,
    pub partitions: Vec<Tp>,
    pub coordinator: u16,
    pub since_us: Micros,
    /// The request's own timeout: no answer by then is REQUEST_TIMED_OUT.
    pub deadline_us: Micros,
}

impl Broker {
    /// Returns the request when nothing needs adding (append it now); otherwise it waits.
    pub fn maybe_add_partitions_first(
        &mut self,
        ctx: &mut BCtx,
        from: NodeId,
        from_inc: u32,
        req: ProduceRequest,
    ) -> Option<ProduceRequest> {
        if !self.spec.features.transaction_v2() {
            return Some(req);
        }
        let Some(tid) = req.transactional_id.clone() else { return Some(req) };
        let mut partitions = Vec::new();
        let mut ids = None;
        for (tp, data) in &req.batches {
            if !data.transactional {
                continue;
            }
            let Some(r) = self.replicas.get(tp).filter(|r| r.is_leader()) else { continue };
            let ongoing = r
                .producers
                .producers
                .get(&data.producer_id)
                .is_some_and(|e| e.epoch == data.producer_epoch && e.txn_first_offset.is_some());
            if !ongoing {
                partitions.push(*tp);
                ids = Some((data.producer_id, data.producer_epoch));
            }
        }
        let Some((pid, epoch)) = ids else { return Some(req) };
        let Some(coordinator) = self.coordinator_for(&tid) else {
            let presets: Vec<(Tp, Error)> = partitions.iter().map(|tp| (*tp, Error::NotEnoughReplicas)).collect();
            self.produce_now(ctx, from, from_inc, req, &presets);
            return None;
        };
        let corr = self.corr();
        let deadline_us = ctx.now.saturating_add(req.timeout_us);
        let parked = ParkedProduce {
            from,
            from_inc,
            req,
            partitions: partitions.clone(),
            coordinator,
            since_us: ctx.now,
            deadline_us,
        };
        self.parked_produce.insert(corr, parked);
        self.send_txn_add(ctx, corr, &tid, pid, epoch, partitions);
        ctx.timer(deadline_us, BrokerTimer::TxnAddTimeout(corr));
        None
    }

    fn send_txn_add(
        &mut self,
        ctx: &mut BCtx,
        corr: u32,
        tid: &std::rc::Rc<str>,
        pid: i64,
        epoch: i16,
        partitions: Vec<Tp>,
    ) {
        let Some(coordinator) = self.parked_produce.get(&corr).map(|p| p.coordinator) else { return };
        if coordinator == self.id {
            let error = self.add_partitions_to_txn(ctx, tid, pid, epoch, partitions);
            self.txn_add_answered(ctx, corr, error);
            return;
        }
        let to_inc = self.incarnation_of(coordinator);
        ctx.send(
            NodeId::broker(coordinator),
            to_inc,
            Msg::AddPartitionsToTxn {
                corr,
                transactional_id: tid.clone(),
                producer_id: pid,
                producer_epoch: epoch,
                partitions,
            },
        );
    }

    /// The coordinator answered (or the wait failed: a reset, the request's timeout).
    pub fn txn_add_answered(&mut self, ctx: &mut BCtx, corr: u32, error: Error) {
        let Some(p) = self.parked_produce.remove(&corr) else { return };
        let tid = p.req.transactional_id.clone().unwrap_or_else(|| std::rc::Rc::from(""));
        if error == Error::ConcurrentTransactions && later(ctx.now, RETRY_BACKOFF_US) <= later(p.since_us, RETRY_MAX_US)
        {
            let at = later(ctx.now, RETRY_BACKOFF_US);
            self.parked_produce.insert(corr, p);
            ctx.timer(at, BrokerTimer::TxnAddRetry(corr));
            return;
        }
        let mapped = match error {
            Error::None => None,
            Error::ProducerFenced | Error::InvalidProducerEpoch => Some(Error::InvalidProducerEpoch),
            Error::InvalidTxnState => Some(Error::InvalidTxnState),
            _ => Some(Error::NotEnoughReplicas),
        };
        for tp in &p.partitions {
            ctx.trace(Event::PartitionAddedToTxn {
                broker: self.node,
                tp: *tp,
                transactional_id: tid.to_string(),
                error,
            });
        }
        let presets: Vec<(Tp, Error)> = match mapped {
            Some(e) => p.partitions.iter().map(|tp| (*tp, e)).collect(),
            None => Vec::new(),
        };
        self.produce_now(ctx, p.from, p.from_inc, p.req, &presets);
    }

    /// Ask again after CONCURRENT_TRANSACTIONS.
    pub fn txn_add_retry(&mut self, ctx: &mut BCtx, corr: u32) {
        let Some(p) = self.parked_produce.get(&corr) else { return };
        let Some(tid) = p.req.transactional_id.clone() else { return };
        let parts = p.partitions.clone();
        let ids = p
            .req
            .batches
            .iter()
            .find(|(tp, d)| parts.contains(tp) && d.transactional)
            .map(|(_, d)| (d.producer_id, d.producer_epoch));
        let Some((pid, epoch)) = ids else { return };
        if let Some(c) = self.coordinator_for(&tid) {
            if let Some(p) = self.parked_produce.get_mut(&corr) {
                p.coordinator = c;
            }
        }
        self.send_txn_add(ctx, corr, &tid, pid, epoch, parts);
    }

    /// Waits on a coordinator whose connection broke fail with NETWORK_EXCEPTION.
    pub fn txn_adds_lost(&mut self, ctx: &mut BCtx, coordinator: u16) {
        let lost: Vec<u32> =
            self.parked_produce.iter().filter(|(_, p)| p.coordinator == coordinator).map(|(c, _)| *c).collect();
        for corr in lost {
            self.txn_add_answered(ctx, corr, Error::NetworkException);
        }
    }
}
