//! Replication by fetch (`ReplicaFetcherThread`, `AbstractFetcherThread`,
//! `Partition.fetchRecords`, `DelayedFetch`).
//!
//! Leader side: a follower's fetch offset becomes its LEO (so the leader learns of an
//! append one fetch later), which may move the HW and complete acks=all produces; a
//! follower whose last fetched epoch ended earlier on the leader gets a diverging epoch
//! instead of data; a fetch that finds nothing waits up to `replica.fetch.wait.max.ms`
//! for an append.
//!
//! Follower side: one fetch session per leader; each response is appended (or, on
//! divergence, the log is truncated by leader epoch, KIP-101/279), the follower HW
//! becomes min(leader HW, own LEO), and the next fetch goes out at once; errors back off
//! `replica.fetch.backoff.ms`, silence times out after `replica.socket.timeout.ms`.

use super::{BCtx, Broker, BrokerTimer};
use crate::protocol::Tp;
use crate::protocol::{Error, FetchPartition, FetchPartitionResponse, FetchRequest, FetchResponse, LogBatch, Msg};
use crate::sim::{later, Micros, NodeId};
use crate::trace::Event;

#[derive(Clone, Debug)]
pub struct DelayedFetch {
    pub follower: NodeId,
    pub follower_inc: u32,
    pub req: FetchRequest,
    pub deadline_us: Micros,
}

impl Broker {
    pub fn handle_fetch(&mut self, ctx: &mut BCtx, from: NodeId, from_inc: u32, req: FetchRequest) {
        // The follower's fetch state is updated once, when the request arrives.
        if req.isolation.is_none() {
            for fp in &req.partitions {
                self.update_follower(ctx, req.replica, fp);
            }
        }
        let (parts, has_data) = self.read_fetch(ctx, &req);
        if has_data || req.max_wait_us == 0 {
            self.respond_fetch(ctx, from, from_inc, req.corr, parts);
        } else {
            let id = self.delayed_id();
            let deadline_us = later(ctx.now, req.max_wait_us);
            self.delayed_fetch.insert(id, DelayedFetch { follower: from, follower_inc: from_inc, req, deadline_us });
            ctx.timer(deadline_us, BrokerTimer::FetchWait(id));
        }
    }

    /// Read every partition of a fetch; true when there is something to answer now
    /// (data, an error, a divergence).
    fn read_fetch(&mut self, ctx: &mut BCtx, req: &FetchRequest) -> (Vec<FetchPartitionResponse>, bool) {
        let mut out = Vec::with_capacity(req.partitions.len());
        let mut budget = req.max_bytes as u64;
        let mut answer_now = false;
        let mut bytes = 0u64;
        // `ReplicaManager.readFromLog`: the first batch is returned whatever its size only
        // until a partition has returned data (`minOneMessage`).
        let mut min_one = true;
        for fp in &req.partitions {
            let part = self.read_partition(ctx, req, fp, &mut budget, min_one);
            if !part.batches.is_empty() {
                min_one = false;
            }
            if part.error != Error::None || part.diverging_epoch.is_some() {
                answer_now = true;
            }
            bytes += part.batches.iter().map(|b| u64::from(b.data.size_bytes)).sum::<u64>();
            out.push(part);
        }
        // `fetch.min.bytes` / `replica.fetch.min.bytes`: answer once that much is there.
        if bytes > 0 && bytes >= u64::from(req.min_bytes.max(1)) {
            answer_now = true;
        }
        (out, answer_now)
    }

    fn read_partition(
        &mut self,
        ctx: &mut BCtx,
        req: &FetchRequest,
        fp: &FetchPartition,
        budget: &mut u64,
        min_one: bool,
    ) -> FetchPartitionResponse {
        let tp = fp.tp;
        let empty = |error: Error, hw: u64, log_start_offset: u64, log_end_offset: u64| FetchPartitionResponse {
            tp,
            error,
            high_watermark: hw,
            diverging_epoch: None,
            log_start_offset,
            log_end_offset,
            last_stable_offset: hw,
            batches: Vec::new(),
            aborted: Vec::new(),
        };
        let max_bytes = u64::from(req.partition_max_bytes.max(1));
        let Some(r) = self.replicas.get_mut(&tp) else { return empty(Error::NotLeaderOrFollower, 0, 0, 0) };
        let (start, leo) = (r.log.log_start_offset, r.log.leo);
        if !r.is_leader() {
            return empty(Error::NotLeaderOrFollower, r.hw, start, leo);
        }
        if fp.current_leader_epoch < r.leader_epoch {
            return empty(Error::FencedLeaderEpoch, r.hw, start, leo);
        }
        if fp.current_leader_epoch > r.leader_epoch {
            return empty(Error::UnknownLeaderEpoch, r.hw, start, leo);
        }
        if let Some(last_epoch) = fp.last_fetched_epoch {
            // `Partition.readRecords`: an epoch the leader cannot place, or (KAFKA-12856)
            // an offset below the log start offset, is OFFSET_OUT_OF_RANGE before any
            // divergence check.
            let Some(end) = r.log.end_offset_for_epoch(last_epoch) else {
                return FetchPartitionResponse {
                    last_stable_offset: r.last_stable_offset(),
                    ..empty(Error::OffsetOutOfRange, r.hw, start, leo)
                };
            };
            if fp.fetch_offset < start {
                return FetchPartitionResponse {
                    last_stable_offset: r.last_stable_offset(),
                    ..empty(Error::OffsetOutOfRange, r.hw, start, leo)
                };
            }
            let diverging = match end {
                (epoch, end) if epoch < last_epoch || end < fp.fetch_offset => Some((epoch, end)),
                _ => None,
            };
            if diverging.is_some() {
                return FetchPartitionResponse {
                    tp,
                    error: Error::None,
                    high_watermark: r.hw,
                    diverging_epoch: diverging,
                    log_start_offset: start,
                    log_end_offset: leo,
                    last_stable_offset: r.last_stable_offset(),
                    batches: Vec::new(),
                    aborted: Vec::new(),
                };
            }
        }
        if fp.fetch_offset > leo || fp.fetch_offset < start {
            return FetchPartitionResponse {
                last_stable_offset: r.last_stable_offset(),
                ..empty(Error::OffsetOutOfRange, r.hw, start, leo)
            };
        }
        let _ = &ctx;
        let mut batches =
            if *budget > 0 { r.log.read(fp.fetch_offset, max_bytes.min(*budget), min_one) } else { Vec::new() };
        // A consumer reads up to the HW (read_uncommitted) or the LSO (read_committed).
        let mut aborted = Vec::new();
        if let Some(iso) = req.isolation {
            let end = crate::view::end_offset(r, iso);
            batches.retain(|b| b.last_offset() < end);
            if iso == crate::config::IsolationLevel::ReadCommitted {
                aborted = batches
                    .iter()
                    .filter(|b| b.data.transactional && r.producers.is_aborted(b.data.producer_id, b.base_offset))
                    .map(|b| b.base_offset)
                    .collect();
            }
        }
        let bytes: u64 = batches.iter().map(|b| b.data.size_bytes as u64).sum();
        *budget = budget.saturating_sub(bytes);
        let (hw, from) = (r.hw, batches.first().map(|b| b.base_offset));
        if let Some(from) = from {
            self.read_cost(tp, from, bytes);
        }
        let Some(r) = self.replicas.get(&tp) else { return empty(Error::NotLeaderOrFollower, hw, start, leo) };
        FetchPartitionResponse {
            tp,
            error: Error::None,
            high_watermark: r.hw,
            diverging_epoch: None,
            log_start_offset: r.log.log_start_offset,
            log_end_offset: r.log.leo,
            last_stable_offset: r.last_stable_offset(),
            batches,
            aborted,
        }
    }

    /// `updateFollowerFetchState`: a valid fetch tells the leader the follower's LEO.
    fn update_follower(&mut self, ctx: &mut BCtx, follower: u16, fp: &FetchPartition) {
        let tp = fp.tp;
        let Some(r) = self.replicas.get_mut(&tp) else { return };
        if !r.is_leader() || fp.current_leader_epoch != r.leader_epoch || fp.fetch_offset > r.log.leo {
            return;
        }
        if let Some(last_epoch) = fp.last_fetched_epoch {
            match r.log.end_offset_for_epoch(last_epoch) {
                Some((epoch, end)) if epoch == last_epoch && end >= fp.fetch_offset => {}
                _ => return,
            }
        }
        r.follower_fetched(follower, fp.fetch_offset, ctx.now);
        self.maybe_expand_isr(ctx, tp, follower);
        self.maybe_increment_hw(ctx, tp);
    }

    fn respond_fetch(
        &mut self,
        ctx: &mut BCtx,
        to: NodeId,
        to_inc: u32,
        corr: u32,
        partitions: Vec<FetchPartitionResponse>,
    ) {
        ctx.send(to, Some(to_inc), Msg::FetchResponse(FetchResponse { corr, partitions }));
    }

    /// An append (or HW move) on `tp` (or any partition): answer parked fetches that now have data.
    pub fn complete_delayed_fetches(&mut self, ctx: &mut BCtx, tp: Option<Tp>) {
        let ids: Vec<u64> = self
            .delayed_fetch
            .iter()
            .filter(|(_, d)| tp.is_none_or(|tp| d.req.partitions.iter().any(|p| p.tp == tp)))
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            let Some(d) = self.delayed_fetch.remove(&id) else { continue };
            let (parts, has_data) = self.read_fetch(ctx, &d.req);
            if has_data {
                self.respond_fetch(ctx, d.follower, d.follower_inc, d.req.corr, parts);
            } else {
                self.delayed_fetch.insert(id, d);
            }
        }
    }

    pub fn fetch_wait_expired(&mut self, ctx: &mut BCtx, id: u64) {
        let Some(d) = self.delayed_fetch.remove(&id) else { return };
        let (parts, _) = self.read_fetch(ctx, &d.req);
        self.respond_fetch(ctx, d.follower, d.follower_inc, d.req.corr, parts);
    }

    // ---- follower side ----

    /// Send the next fetch to `leader` if the session is idle and has partitions.
    pub fn maybe_fetch(&mut self, ctx: &mut BCtx, leader: u16) {
        if !self.up || leader == self.id {
            return;
        }
        let me = self.id;
        let now = ctx.now;
        let delayed = self.fetchers.get(&leader).map(|f| f.delayed.clone()).unwrap_or_default();
        let mut next_undelay: Option<Micros> = None;
        let partitions: Vec<FetchPartition> = self
            .replicas
            .values()
            .filter(|r| r.role == super::replica::Role::Follower { leader })
            .filter(|r| match delayed.get(&r.tp) {
                Some(&(epoch, until)) if epoch == r.leader_epoch && until > now => {
                    next_undelay = Some(next_undelay.map_or(until, |t: Micros| t.min(until)));
                    false
                }
                _ => true,
            })
            .map(|r| FetchPartition {
                tp: r.tp,
                fetch_offset: r.log.leo,
                // `PartitionFetchState.lastFetchedEpoch`: the latest epoch of the leader-epoch
                // cache (batches appended from the leader keep the two equal).
                last_fetched_epoch: r.log.latest_epoch(),
                current_leader_epoch: r.leader_epoch,
            })
            .collect();
        let fetcher = self.fetchers.entry(leader).or_default();
        fetcher.delayed.retain(|_, (_, until)| *until > now);
        if partitions.is_empty() {
            match next_undelay {
                // Every partition waits out replica.fetch.backoff.ms after an error.
                Some(at) => ctx.timer(at, BrokerTimer::Fetcher(leader)),
                None => {
                    self.fetchers.remove(&leader);
                }
            }
            return;
        }
        if fetcher.in_flight.is_some() {
            return;
        }
        if ctx.now < fetcher.backoff_until_us {
            ctx.timer(fetcher.backoff_until_us, BrokerTimer::Fetcher(leader));
            return;
        }
        let corr = self.corr();
        let cfg = self.cfg().clone();
        let to_inc = self.incarnation_of(leader);
        let fetcher = self.fetchers.entry(leader).or_default();
        fetcher.in_flight = Some(corr);
        let req = FetchRequest {
            corr,
            replica: me,
            isolation: None,
            partitions,
            max_wait_us: cfg.replica_fetch_wait_max_us,
            min_bytes: cfg.replica_fetch_min_bytes,
            max_bytes: cfg.replica_fetch_response_max_bytes,
            partition_max_bytes: cfg.replica_fetch_max_bytes,
        };
        ctx.send(NodeId::broker(leader), to_inc, Msg::Fetch(req));
        ctx.timer(later(ctx.now, cfg.replica_socket_timeout_us), BrokerTimer::FetchTimeout(leader, corr));
    }

    fn fetch_failed(&mut self, ctx: &mut BCtx, leader: u16) {
        let backoff = self.cfg().replica_fetch_backoff_us;
        let f = self.fetchers.entry(leader).or_default();
        f.in_flight = None;
        f.backoff_until_us = later(ctx.now, backoff);
        ctx.timer(f.backoff_until_us, BrokerTimer::Fetcher(leader));
    }

    pub fn fetch_timed_out(&mut self, ctx: &mut BCtx, leader: u16, corr: u32) {
        if self.fetchers.get(&leader).is_some_and(|f| f.in_flight == Some(corr)) {
            self.fetch_failed(ctx, leader);
        }
    }

    /// A TCP reset from a peer: a fetch session toward it fails.
    pub fn handle_reset(&mut self, ctx: &mut BCtx, from: NodeId) {
        self.txn_adds_lost(ctx, from.0);
        let leader = from.0;
        if self.fetchers.get(&leader).is_some_and(|f| f.in_flight.is_some()) {
            self.fetch_failed(ctx, leader);
        }
    }

    pub fn handle_fetch_response(&mut self, ctx: &mut BCtx, from: NodeId, resp: FetchResponse) {
        let leader = from.0;
        if self.fetchers.get(&leader).is_none_or(|f| f.in_flight != Some(resp.corr)) {
            return;
        }
        if let Some(f) = self.fetchers.get_mut(&leader) {
            f.in_flight = None;
        }
        for part in resp.partitions {
            let tp = part.tp;
            let follows = self.replicas.get(&tp).is_some_and(|r| r.role == super::replica::Role::Follower { leader });
            if !follows {
                continue;
            }
            if part.error == Error::OffsetOutOfRange {
                // `handleOutOfRangeError` / `fetchOffsetAndTruncate` (the leader's end and
                // start offsets come from ListOffsets, answered here with the fetch): a
                // leader log that ends below ours truncates ours to its end; one that
                // starts past ours restarts ours at its start. Handled, the partition is
                // fetched again at once.
                let leo = self.replicas.get(&tp).map_or(0, |r| r.log.leo);
                if part.log_end_offset < leo {
                    self.truncate_follower(ctx, tp, part.log_end_offset);
                } else if leo < part.log_start_offset {
                    self.truncate_fully_and_start_at(ctx, tp, part.log_start_offset);
                }
                continue;
            }
            if part.error != Error::None {
                // `handlePartitionsWithErrors` -> `delayPartitions`: only this partition
                // waits replica.fetch.backoff.ms; the others are fetched again at once.
                let backoff = self.cfg().replica_fetch_backoff_us;
                let epoch = self.replicas.get(&tp).map_or(0, |r| r.leader_epoch);
                let until = later(ctx.now, backoff);
                self.fetchers.entry(leader).or_default().delayed.insert(tp, (epoch, until));
                continue;
            }
            if let Some(div) = part.diverging_epoch {
                self.truncate_on_divergence(ctx, tp, div);
                continue;
            }
            let r = self.replicas.get_mut(&tp).expect("follows");
            let start = r.log.leo;
            // A compacted leader log may skip offsets between batches; the fetched
            // batches are appended in one write, as `appendRecordsToFollowerOrFutureReplica`.
            let leo = self.replicas.get(&tp).map_or(0, |r| r.log.leo);
            let fresh: Vec<LogBatch> = part.batches.into_iter().skip_while(|b| b.base_offset < leo).collect();
            let appended = !fresh.is_empty();
            self.append_local_chunk(ctx, tp, fresh);
            let r = self.replicas.get_mut(&tp).expect("follows");
            if appended {
                ctx.trace(Event::Replicated { broker: self.node, tp, from_offset: start, to_offset: r.log.leo });
            }
            // `maybeUpdateHighWatermark`: the leader's HW, within [log start, LEO], even
            // when that is lower than the follower's (a new leader whose HW lags).
            let hw = part.high_watermark.min(r.log.leo).max(r.log.log_start_offset);
            if hw != r.hw {
                r.hw = hw;
                ctx.trace(Event::HighWatermark { broker: self.node, tp, high_watermark: hw });
            }
            // `maybeIncrementLogStartOffset(leaderLogStartOffset, LeaderOffsetIncremented)`;
            // the segments below it go at the next retention check.
            let start = part.log_start_offset.min(r.hw);
            if start > r.log.log_start_offset {
                r.log.log_start_offset = start;
                ctx.trace(Event::LogStartOffsetIncremented { broker: self.node, tp, log_start_offset: start });
            }
        }
        self.maybe_fetch(ctx, leader);
    }

    /// `getOffsetTruncationState` and truncation on a diverging epoch.
    fn truncate_on_divergence(&mut self, ctx: &mut BCtx, tp: Tp, div: (u32, u64)) {
        let Some(r) = self.replicas.get(&tp) else { return };
        let leo = r.log.leo;
        let target = match r.log.end_offset_for_epoch(div.0) {
            Some((epoch, end)) if epoch != div.0 => end.min(leo),
            Some((_, end)) => end.min(div.1).min(leo),
            None => div.1.min(leo),
        };
        self.truncate_follower(ctx, tp, target);
        let leader = match self.replicas.get(&tp).map(|r| r.role.clone()) {
            Some(super::replica::Role::Follower { leader }) => leader,
            _ => return,
        };
        self.maybe_fetch(ctx, leader);
    }

    /// `truncateFullyAndStartAt`: every segment goes, the log restarts empty at `offset`.
    pub fn truncate_fully_and_start_at(&mut self, ctx: &mut BCtx, tp: Tp, offset: u64) {
        let node = self.node;
        let now = ctx.now;
        let Some(r) = self.replicas.get_mut(&tp) else { return };
        let (old_start, old_leo) = (r.log.log_start_offset, r.log.leo);
        let removed = std::mem::take(&mut r.log.entries);
        let pos = r.log.end_pos;
        let jitter = super::log::segment_jitter(offset, now, r.cfg.segment_ms, r.cfg.segment_jitter_ms);
        r.log.segments = vec![super::log::Segment::new(offset, pos, now, jitter)];
        r.log.leo = offset;
        r.log.log_start_offset = offset;
        r.log.recovery_point = offset;
        r.log.cleaner_checkpoint = offset;
        r.log.epochs.clear();
        r.producers = super::producer_state::ProducerState::default();
        r.hw = offset;
        r.hw_checkpoint = offset;
        let records: Vec<u32> = removed.iter().flat_map(|e| e.batch.data.records.iter().copied()).collect();
        ctx.trace(Event::Truncated { broker: node, tp, from_offset: old_start, to_offset: old_leo, records });
        ctx.trace(Event::LogStartOffsetIncremented { broker: node, tp, log_start_offset: offset });
    }

    /// Truncate a follower's log to `offset`, naming what was removed.
    pub fn truncate_follower(&mut self, ctx: &mut BCtx, tp: Tp, offset: u64) {
        let node = self.node;
        let Some(r) = self.replicas.get_mut(&tp) else { return };
        let old_leo = r.log.leo;
        if offset >= old_leo {
            r.log.truncate_epochs_from_end();
            return;
        }
        let removed = r.log.truncate_to(offset);
        r.producers = super::producer_state::ProducerState::rebuild(r.log.entries.iter().map(|e| &e.batch));
        r.hw = r.hw.min(r.log.leo);
        r.hw_checkpoint = r.hw_checkpoint.min(r.log.leo);
        let records: Vec<u32> = removed.iter().flat_map(|e| e.batch.data.records.iter().copied()).collect();
        ctx.trace(Event::Truncated { broker: node, tp, from_offset: r.log.leo, to_offset: old_leo, records });
    }
}
