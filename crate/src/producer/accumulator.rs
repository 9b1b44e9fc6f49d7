//! The RecordAccumulator: per-partition deques of batches, the buffer pool, readiness,
//! drain and delivery-timeout expiry, as in Kafka's `RecordAccumulator`.
//!
//! Invariants: appends go to the last batch of a deque; only the head batch of a deque is
//! examined for readiness and drained, at most one per partition per request; a retried
//! batch goes back to the front (in sequence order when idempotent); memory reserved for
//! a batch is returned only when the batch completes.
//!
//! Map: [`Accumulator::append`], [`Accumulator::ready`], [`Accumulator::drain_node`],
//! [`Accumulator::expired`], [`Accumulator::reenqueue`], and the [`BufferPool`].

use std::collections::VecDeque;

use crate::sim::{VecMap, VecSet};

use super::batch::{ProducerBatch, RATIO_ONE_PPM};
use super::metadata::ClientMetadata;
use super::partitioner::Sticky;
use crate::config::ProducerConfig;
use crate::protocol::Tp;
use crate::sim::{later, Micros};
use crate::trace::SealReason;

/// `buffer.memory`: bytes reserved by open and in-flight batches.
#[derive(Debug)]
pub struct BufferPool {
    pub total_bytes: u64,
    pub used_bytes: u64,
    /// A `send()` is blocked waiting for memory (Kafka's `queued() > 0`).
    pub waiting: bool,
}

impl BufferPool {
    pub fn try_allocate(&mut self, bytes: u32) -> bool {
        if self.used_bytes + bytes as u64 <= self.total_bytes {
            self.used_bytes += bytes as u64;
            true
        } else {
            false
        }
    }

    pub fn deallocate(&mut self, bytes: u32) {
        self.used_bytes = self.used_bytes.saturating_sub(bytes as u64);
    }

    pub fn available(&self) -> u64 {
        self.total_bytes - self.used_bytes
    }
}

#[derive(Clone, Debug, Default)]
pub struct TopicState {
    pub sticky: Sticky,
    /// Compression-ratio estimate per codec (`CompressionRatioEstimator`), ppm.
    pub ratio_ppm: [u64; 5],
    pub round_robin: u32,
    /// `StickyPartitionCache` of the KIP-480 `DefaultPartitioner` (2.4–3.9).
    pub sticky_cache: Option<u32>,
    /// The 2.0–2.3 `DefaultPartitioner`'s counter (random start).
    pub legacy_counter: Option<i32>,
}

/// Where an append should go.
#[derive(Clone, Copy, Debug)]
pub enum Target {
    Partition(u32),
    /// Null key without a partitioner class: the sticky partitioner decides.
    Sticky,
}

pub enum Append {
    Done {
        tp: Tp,
        batch: u32,
        new_batch: bool,
        /// Kafka's `batchIsFull`: more than one batch queued, or the last one full.
        batch_full: bool,
        /// The partition's head batch may have become ready: a batch was created, or the
        /// only batch filled up. When the record went to a tail batch behind a waiting
        /// head, readiness is exactly as the sender's last pass saw it.
        head_changed: bool,
    },
    /// A new batch is needed and `buffer.memory` cannot supply `bytes` now.
    NeedMemory { bytes: u32 },
    /// A new batch needs more than all of `buffer.memory`: `BufferPool.allocate` throws
    /// `IllegalArgumentException` at once.
    ExceedsPool { bytes: u32, total: u64 },
    /// `abortOnNewBatch`: the record needs a new batch on `partition`; a configured
    /// partitioner is told (`onNewBatch`) and asked again before the real append.
    AbortForNewBatch { partition: u32 },
}

/// Result of a readiness check (`ReadyCheckResult`).
pub struct Ready {
    pub nodes: Vec<u16>,
    /// Absolute time when some batch that is not ready may become ready.
    pub next_check_us: Option<Micros>,
    pub unknown_leader: bool,
    /// Why each ready partition was ready.
    pub reasons: VecMap<Tp, SealReason>,
}

/// What the idempotence / transaction state says about draining (`TransactionManager`).
pub trait DrainGuard {
    /// `shouldStopDrainBatchesForPartition`.
    fn should_stop(&self, batch: &ProducerBatch) -> bool;
    /// Give a never-drained batch its producer id, epoch and sequence.
    fn assign_sequence(&mut self, batch: &mut ProducerBatch);
}

pub struct Accumulator {
    pub deques: VecMap<Tp, VecDeque<ProducerBatch>>,
    pub topics: Vec<TopicState>,
    pub pool: BufferPool,
    drain_index: VecMap<u16, usize>,
    /// Partitions with a batch in flight when `max.in.flight.requests.per.connection=1`.
    pub muted: VecSet<Tp>,
    /// `flush()` calls in progress.
    pub flushes: u32,
    /// A transaction is committing or aborting.
    pub txn_completing: bool,
    /// `close()` was called: every batch is sendable now.
    pub closed: bool,
    /// Reused by `ready` (deques per topic; `(topic, queue size, partition)`), which runs
    /// on every sender wake-up and so must not allocate.
    scratch_counts: Vec<u32>,
    scratch_queues: Vec<(u16, u32, u32)>,
    scratch_stats: Vec<(u32, u32)>,
    /// `nodeStats` (partitioner.availability.timeout.ms > 0): per broker, when the sender
    /// last found it with data to send (`readyTimeMs`) and when it could last drain to it
    /// (`drainTimeMs`), ms.
    node_stats: VecMap<u16, (i64, i64)>,
}

impl Accumulator {
    pub fn new(cfg: &ProducerConfig, topics: usize) -> Accumulator {
        let topic = TopicState { ratio_ppm: [RATIO_ONE_PPM; 5], ..TopicState::default() };
        Accumulator {
            deques: VecMap::new(),
            topics: vec![topic; topics],
            pool: BufferPool { total_bytes: cfg.buffer_memory_bytes, used_bytes: 0, waiting: false },
            drain_index: VecMap::new(),
            muted: VecSet::new(),
            flushes: 0,
            txn_completing: false,
            closed: false,
            scratch_counts: Vec::new(),
            scratch_queues: Vec::new(),
            scratch_stats: Vec::new(),
            node_stats: VecMap::new(),
        }
    }

    /// `updateNodeLatencyStats`: the sender found `node` with sendable data; `can_drain`:
    /// its connection could take a request. A partition whose leader has waited longer than
    /// partitioner.availability.timeout.ms since it could last drain leaves the adaptive
    /// partitioner's table (`partitionReady`).
    pub fn update_node_latency_stats(&mut self, cfg: &ProducerConfig, node: u16, now: Micros, can_drain: bool) {
        if cfg.partitioner_availability_timeout_us == 0 {
            return;
        }
        let now_ms = (now / 1000) as i64;
        let stats = self.node_stats.entry(node).or_insert((now_ms, now_ms));
        if can_drain {
            stats.1 = now_ms;
        }
        stats.0 = now_ms;
    }

    pub fn ratio(&self, topic: u16, cfg: &ProducerConfig) -> u64 {
        self.topics[topic as usize].ratio_ppm[cfg.compression.attribute_bits() as usize]
    }

    /// `CompressionRatioEstimator.updateEstimation` after a batch was built.
    pub fn observe_ratio(&mut self, topic: u16, cfg: &ProducerConfig, observed_ppm: u64) {
        let slot = &mut self.topics[topic as usize].ratio_ppm[cfg.compression.attribute_bits() as usize];
        if observed_ppm > *slot {
            *slot = (*slot + 50_000).max(observed_ppm);
        } else if observed_ppm < *slot {
            *slot = slot.saturating_sub(5_000).max(observed_ppm);
        }
    }

    /// Append a record. `upper_bound` is its `estimateSizeInBytesUpperBound`.
    #[allow(clippy::too_many_arguments)]
    pub fn append(
        &mut self,
        cfg: &ProducerConfig,
        meta: &ClientMetadata,
        rng: &mut crate::sim::Prng,
        topic: u16,
        target: Target,
        record: u32,
        ts_ms: i64,
        shape: crate::format::Shape,
        upper_bound: u32,
        now: Micros,
        txn: u32,
        abort_on_new_batch: bool,
        new_batch_id: &mut dyn FnMut() -> u32,
    ) -> Append {
        let count = meta.partition_count(topic).unwrap_or(1);
        // Only the sticky partitioner needs the available partitions (and only rarely).
        let available = if matches!(target, Target::Sticky) { meta.available_partitions(topic) } else { Vec::new() };
        let ratio = self.ratio(topic, cfg);
        let codec = cfg.compression;
        // Kafka's append loop: pick the partition, and (sticky) switch first if every batch
        // of it is full and batch.size bytes went to it (`partitionChanged`); tryAppend to
        // its last batch; if that fails (the batch closes), check for a switch again before
        // creating a new batch. A switch restarts the loop on the new partition.
        let mut switches = 0;
        let tp = loop {
            let partition = match target {
                Target::Partition(p) => p,
                Target::Sticky => self.topics[topic as usize].sticky.current_or_choose(rng, &available, count),
            };
            let tp = Tp::new(topic, partition);
            if self.sticky_switched_before_append(cfg, rng, tp, target, &available, count) && switches < count {
                switches += 1;
                continue;
            }
            let dq = self.deques.entry(tp).or_default();
            if let Some(last) = dq.back_mut() {
                if !last.drained {
                    if let Some(grew) = last.try_append(record, now, ts_ms, shape, codec, ratio) {
                        let batch = last.id;
                        let last_full = dq.back().is_some_and(|b| b.is_full(codec, ratio));
                        let batch_full = dq.len() > 1 || last_full;
                        let head_changed = dq.len() == 1 && last_full;
                        self.after_append(cfg, rng, tp, target, grew, &available, count);
                        return Append::Done { tp, batch, new_batch: false, batch_full, head_changed };
                    }
                }
            }
            if self.sticky_switched_before_append(cfg, rng, tp, target, &available, count) && switches < count {
                switches += 1;
                continue;
            }
            break tp;
        };
        if abort_on_new_batch {
            return Append::AbortForNewBatch { partition: tp.partition };
        }
        // A new batch: reserve max(batch.size, upper bound) from the pool.
        let size = cfg.batch_size_bytes.max(1).max(upper_bound);
        if size as u64 > self.pool.total_bytes {
            return Append::ExceedsPool { bytes: size, total: self.pool.total_bytes };
        }
        if !self.pool.try_allocate(size) {
            return Append::NeedMemory { bytes: size };
        }
        let mut batch = ProducerBatch::new(new_batch_id(), tp, now, size, size, txn);
        batch.ratio_ppm = Some(ratio);
        // `appendNewBatch`: the partitioner counts the new batch's whole estimated size,
        // its 61-byte header included.
        let grew = batch
            .try_append(record, now, ts_ms, shape, codec, ratio)
            .map_or(0, |_| batch.estimated_bytes(codec, ratio));
        let id = batch.id;
        let dq = self.deques.entry(tp).or_default();
        dq.push_back(batch);
        let batch_full = dq.len() > 1 || dq.back().is_some_and(|b| b.is_full(codec, ratio));
        self.after_append(cfg, rng, tp, target, grew, &available, count);
        Append::Done { tp, batch: id, new_batch: true, batch_full, head_changed: true }
    }

    /// `RecordAccumulator.partitionChanged` for the sticky partitioner: when every batch of
    /// the partition is full (or it has none), a switch held back by a non-full batch
    /// happens now. True when the sticky partition changed.
    fn sticky_switched_before_append(
        &mut self,
        cfg: &ProducerConfig,
        rng: &mut crate::sim::Prng,
        tp: Tp,
        target: Target,
        available: &[u32],
        count: u32,
    ) -> bool {
        if !matches!(target, Target::Sticky) {
            return false;
        }
        let ratio = self.ratio(tp.topic, cfg);
        let all_full = self.deques.get(&tp).and_then(|d| d.back()).is_none_or(|b| b.is_full(cfg.compression, ratio));
        all_full && self.topics[tp.topic as usize].sticky.update(rng, 0, cfg.batch_size_bytes, true, available, count)
    }

    #[allow(clippy::too_many_arguments)]
    fn after_append(
        &mut self,
        cfg: &ProducerConfig,
        rng: &mut crate::sim::Prng,
        tp: Tp,
        target: Target,
        grew: u32,
        available: &[u32],
        count: u32,
    ) {
        if let Target::Sticky = target {
            let ratio = self.ratio(tp.topic, cfg);
            // allBatchesFull: only the last batch can be incomplete.
            let all_full =
                self.deques.get(&tp).and_then(|d| d.back()).is_none_or(|b| b.is_full(cfg.compression, ratio));
            let _ = self.topics[tp.topic as usize].sticky.update(
                rng,
                grew,
                cfg.batch_size_bytes,
                all_full,
                available,
                count,
            );
        }
    }

    /// `RecordAccumulator.ready`: which brokers have a sendable head batch.
    pub fn ready(&mut self, cfg: &ProducerConfig, meta: &ClientMetadata, now: Micros) -> Ready {
        let mut ready = Ready { nodes: Vec::new(), next_check_us: None, unknown_leader: false, reasons: VecMap::new() };
        let exhausted = self.pool.waiting;
        let flushing = self.flushes > 0;
        let deque_count = &mut self.scratch_counts;
        deque_count.clear();
        deque_count.resize(self.topics.len(), 0);
        for tp in self.deques.keys() {
            deque_count[tp.topic as usize] += 1;
        }
        let queues = &mut self.scratch_queues;
        queues.clear();
        for (tp, dq) in self.deques.iter_mut() {
            let leader = meta.leader(*tp);
            let stats = cfg.partitioner_adaptive
                && deque_count[tp.topic as usize] >= meta.partition_count(tp.topic).unwrap_or(u32::MAX);
            // A partition whose leader has not been drainable for longer than
            // partitioner.availability.timeout.ms is left out (an empty deque never is).
            let timeout_ms = (cfg.partitioner_availability_timeout_us / 1000) as i64;
            let unavailable = timeout_ms > 0
                && !dq.is_empty()
                && leader
                    .and_then(|l| self.node_stats.get(&l))
                    .is_some_and(|&(ready, drain)| ready - drain > timeout_ms);
            if leader.is_some() && stats && !unavailable {
                queues.push((tp.topic, dq.len() as u32, tp.partition));
            }
            let Some(head) = dq.front_mut() else { continue };
            let Some(leader) = leader else {
                ready.unknown_leader = true;
                continue;
            };
            head.update_leader_epoch(meta.leader_epoch(*tp));
            if ready.nodes.contains(&leader) || self.muted.contains(tp) {
                continue;
            }
            let ratio = self.topics[tp.topic as usize].ratio_ppm[cfg.compression.attribute_bits() as usize];
            let waited = head.waited_us(now);
            let backing_off = head.backing_off(now);
            let time_to_wait = if backing_off { head.backoff_us } else { cfg.linger_us };
            let batch_waiting = dq.len() > 1;
            let head = &dq[0];
            let full = head.is_full(cfg.compression, ratio);
            let expired = waited >= time_to_wait;
            let reason = if full {
                Some(SealReason::Full)
            } else if batch_waiting {
                Some(SealReason::BatchWaiting)
            } else if expired {
                Some(if head.attempts > 0 { SealReason::Retry } else { SealReason::Linger })
            } else if flushing {
                Some(SealReason::Flush)
            } else if exhausted {
                Some(SealReason::MemoryExhausted)
            } else if self.txn_completing {
                Some(SealReason::TxnCompleting)
            } else if self.closed {
                Some(SealReason::Close)
            } else {
                None
            };
            match reason {
                Some(r) if !backing_off => {
                    ready.nodes.push(leader);
                    ready.reasons.insert(*tp, r);
                }
                _ => {
                    let at = later(now, time_to_wait.saturating_sub(waited));
                    ready.next_check_us = Some(ready.next_check_us.map_or(at, |t: Micros| t.min(at)));
                }
            }
        }
        // Every topic with batches gets its statistics updated, and cleared when it has
        // none (Kafka passes null queue sizes). Deques are ordered by (topic, partition),
        // so each topic's queues are contiguous.
        let mut rest = &self.scratch_queues[..];
        for (topic, state) in self.topics.iter_mut().enumerate() {
            if self.scratch_counts[topic] == 0 {
                continue;
            }
            let n = rest.iter().take_while(|q| q.0 as usize == topic).count();
            self.scratch_stats.clear();
            self.scratch_stats.extend(rest[..n].iter().map(|&(_, size, partition)| (size, partition)));
            state.sticky.update_load_stats(&self.scratch_stats, self.scratch_counts[topic]);
            rest = &rest[n..];
        }
        ready.nodes.sort_unstable();
        ready
    }

    /// `drainBatchesForOneNode`: at most one head batch per partition led by `node`, within
    /// `max.request.size`, round-robin from where the last drain stopped.
    pub fn drain_node(
        &mut self,
        cfg: &ProducerConfig,
        meta: &ClientMetadata,
        node: u16,
        now: Micros,
        guard: &mut dyn DrainGuard,
    ) -> Vec<ProducerBatch> {
        let parts = meta.partitions_for_node(node);
        let mut out = Vec::new();
        if parts.is_empty() {
            return out;
        }
        let start = self.drain_index.get(&node).copied().unwrap_or(0) % parts.len();
        let mut idx = start;
        let mut size = 0u32;
        loop {
            let tp = parts[idx];
            self.drain_index.insert(node, idx);
            idx = (idx + 1) % parts.len();
            let ratio = self.topics[tp.topic as usize].ratio_ppm[cfg.compression.attribute_bits() as usize];
            if !self.muted.contains(&tp) {
                if let Some(first) = self.deques.get(&tp).and_then(|d| d.front()) {
                    if !first.backing_off(now) {
                        let est = first.size_in_request(cfg.compression, ratio);
                        if (size + est > cfg.max_request_size_bytes && !out.is_empty()) || guard.should_stop(first) {
                            break;
                        }
                        let mut batch = self.deques.get_mut(&tp).and_then(|d| d.pop_front()).expect("head exists");
                        if !batch.has_sequence() {
                            guard.assign_sequence(&mut batch);
                        }
                        batch.closed = true;
                        batch.drained = true;
                        size += est;
                        out.push(batch);
                    }
                }
            }
            if idx == start {
                break;
            }
        }
        out
    }

    /// `expiredBatches`: head batches whose `delivery.timeout.ms` has passed, oldest first.
    pub fn expired(&mut self, cfg: &ProducerConfig, now: Micros) -> Vec<ProducerBatch> {
        let mut out = Vec::new();
        for dq in self.deques.values_mut() {
            while dq.front().is_some_and(|b| now.saturating_sub(b.created_us) >= cfg.delivery_timeout_us) {
                if let Some(mut b) = dq.pop_front() {
                    b.closed = true;
                    out.push(b);
                }
            }
        }
        out
    }

    /// Earliest delivery-timeout expiry among head batches.
    pub fn next_expiry_us(&self, cfg: &ProducerConfig) -> Option<Micros> {
        self.deques.values().filter_map(|d| d.front()).map(|b| later(b.created_us, cfg.delivery_timeout_us)).min()
    }

    /// `reenqueue`: back to the front for a retry; in sequence order when idempotent.
    pub fn reenqueue(&mut self, mut batch: ProducerBatch, now: Micros, backoff_us: Micros, idempotent: bool) {
        batch.reenqueued(now);
        batch.backoff_us = backoff_us;
        let dq = self.deques.entry(batch.tp).or_default();
        if idempotent && batch.has_sequence() {
            let pos = dq
                .iter()
                .position(|b| !(b.has_sequence() && b.base_sequence < batch.base_sequence))
                .unwrap_or(dq.len());
            dq.insert(pos, batch);
        } else {
            dq.push_front(batch);
        }
    }

    /// Batches still in the accumulator (not yet drained, or queued for retry).
    pub fn queued_batches(&self) -> usize {
        self.deques.values().map(|d| d.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.deques.values().all(|d| d.is_empty())
    }

    /// Remove every queued batch (abort, close, restart).
    pub fn take_all(&mut self) -> Vec<ProducerBatch> {
        let mut out = Vec::new();
        for dq in self.deques.values_mut() {
            out.extend(dq.drain(..));
        }
        out
    }

    /// Remove batches that were never drained (`abortUndrainedBatches`).
    pub fn take_undrained(&mut self) -> Vec<ProducerBatch> {
        let mut out = Vec::new();
        for dq in self.deques.values_mut() {
            let (undrained, keep): (VecDeque<_>, VecDeque<_>) = dq.drain(..).partition(|b| !b.drained);
            out.extend(undrained);
            *dq = keep;
        }
        out
    }
}
