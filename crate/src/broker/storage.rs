//! Storage on one broker: appends with the flush policy and segment rolls, the OS
//! writeback, the HW checkpoint, the `kafka-log-flusher` task, and crash and recovery.
//!
//! - `flush.messages`: after each append, fsync when LEO − recovery point reaches it.
//! - `flush.ms`: checked only by the log flusher task, which first runs at
//!   `log.initial.task.delay.ms` (30 s) after start and then every
//!   `log.flush.scheduler.interval.ms` (default Long.MAX_VALUE: never again). So with
//!   Kafka's defaults `flush.ms` alone flushes at most once, 30 s after start.
//! - A segment roll fsyncs the old segment (recovery point = new base offset).
//! - The OS flusher wakes every `vm.dirty_writeback_centisecs` and writes pages dirty
//!   for longer than `vm.dirty_expire_centisecs`; it keeps running while the Kafka process
//!   is down after a process crash, and stops with the power.
//! - The page cache (`hardware page.cache`, per host): while more than
//!   `vm.dirty_background_ratio` percent of it is dirty the OS writes the oldest dirty bytes
//!   back continuously at the disks' bandwidth (accounted lazily, whenever storage is
//!   touched); an append past `vm.dirty_ratio` percent waits until the disks have written
//!   the excess; a full cache evicts its oldest clean bytes, which a later fetch reads from
//!   disk. A power loss empties the cache.

use super::{BCtx, Broker, BrokerTimer};
use crate::protocol::LogBatch;
use crate::protocol::Tp;
use crate::sim::later;
use crate::trace::{CrashKind, Event, FlushReason};

impl Broker {
    /// (background, limit): the dirty bytes at which the OS starts writing back on its own,
    /// and at which writers wait. As Linux does, a background ratio at or above the dirty
    /// ratio counts as half of it.
    fn dirty_thresholds(&self) -> (u64, u64) {
        let cache = self.spec.hardware.page_cache_bytes;
        let (bg, ratio) = (u64::from(self.cfg().dirty_background_ratio), u64::from(self.cfg().dirty_ratio));
        let bg = if bg >= ratio { ratio / 2 } else { bg };
        (cache / 100 * bg, cache / 100 * ratio)
    }

    fn dirty_bytes(&self) -> u64 {
        self.replicas.values().map(|r| r.log.end_pos - r.log.durable_pos).sum()
    }

    /// The OS's background writeback since it was last accounted: while more than the
    /// background threshold is dirty, the disks write the oldest dirty bytes.
    pub fn background_writeback(&mut self, ctx: &mut BCtx) {
        let now = ctx.now;
        let since = self.disk_at_us;
        self.disk_at_us = since.max(now);
        let (bg, _) = self.dirty_thresholds();
        if !self.powered || self.written_bytes <= bg || now <= since {
            return;
        }
        let rate = self.spec.hardware.disks_bytes_per_sec();
        let budget = u64::try_from(u128::from(now - since) * u128::from(rate) / 1_000_000).unwrap_or(u64::MAX);
        let over = self.dirty_bytes().saturating_sub(bg);
        self.write_oldest_dirty(ctx, budget.min(over));
    }

    /// The disks write `bytes` of the host's oldest dirty data, across its logs (a
    /// `writeback` event where a log's durable offset moves).
    fn write_oldest_dirty(&mut self, ctx: &mut BCtx, bytes: u64) {
        let node = self.node;
        let mut left = bytes;
        while left > 0 {
            let oldest = self
                .replicas
                .iter_mut()
                .filter(|(_, r)| r.log.durable_pos < r.log.end_pos)
                .min_by_key(|(_, r)| r.log.append_us_at(r.log.durable_pos));
            let Some((tp, r)) = oldest else { break };
            let n = left.min(r.log.end_pos - r.log.durable_pos);
            let before = r.log.durable_offset();
            r.log.durable_pos += n;
            left -= n;
            let after = r.log.durable_offset();
            if after > before {
                ctx.trace(Event::Writeback { broker: node, tp: *tp, durable_offset: after });
            }
        }
    }

    /// After an append: wait for the disks past `vm.dirty_ratio`, evict when the cache is full.
    fn page_cache_pressure(&mut self, ctx: &mut BCtx) {
        let cache = self.spec.hardware.page_cache_bytes;
        let (_, limit) = self.dirty_thresholds();
        if self.written_bytes <= limit.min(cache) {
            return;
        }
        let dirty = self.dirty_bytes();
        if dirty > limit {
            // The appending thread sleeps in balance_dirty_pages while the disks write the
            // excess, oldest first.
            let excess = dirty - limit;
            let wait = self.spec.hardware.disks_ns(excess);
            self.disk_wait_ns = self.disk_wait_ns.saturating_add(wait);
            self.disk_at_us = self.disk_at_us.max(ctx.now).saturating_add(crate::sim::cost::ns_to_us(wait));
            self.write_oldest_dirty(ctx, excess);
        }
        let mut cached: u64 = self.replicas.values().map(|r| r.log.end_pos - r.log.cache_pos).sum();
        while cached > cache {
            // The oldest clean bytes go first.
            let oldest = self
                .replicas
                .values_mut()
                .filter(|r| r.log.cache_pos < r.log.durable_pos)
                .min_by_key(|r| r.log.append_us_at(r.log.cache_pos));
            let Some(r) = oldest else { break };
            let n = (cached - cache).min(r.log.durable_pos - r.log.cache_pos);
            r.log.cache_pos += n;
            cached -= n;
        }
    }

    /// A fetch reads `tp` from `offset` for `bytes`: what the page cache no longer holds
    /// comes from disk, and the fetch waits for it.
    pub fn read_cost(&mut self, tp: Tp, offset: u64, bytes: u64) {
        let Some(r) = self.replicas.get(&tp) else { return };
        let pos = r.log.pos_of(offset);
        let evicted = r.log.cache_pos.min(pos.saturating_add(bytes)).saturating_sub(pos);
        if evicted > 0 {
            self.disk_wait_ns = self.disk_wait_ns.saturating_add(self.spec.hardware.disk_read_ns(evicted));
        }
    }

    /// Append to the local log (a leader's batch), rolling and flushing as configured.
    pub fn append_local(&mut self, ctx: &mut BCtx, tp: Tp, batch: LogBatch) {
        self.append_local_chunk(ctx, tp, vec![batch]);
    }

    /// Append batches in one write: a follower appends a fetched partition's batches
    /// together (one roll check with their total size, one index update).
    pub fn append_local_chunk(&mut self, ctx: &mut BCtx, tp: Tp, batches: Vec<LogBatch>) {
        if batches.is_empty() {
            return;
        }
        self.background_writeback(ctx);
        self.append_to_log(ctx, tp, batches);
        self.page_cache_pressure(ctx);
    }

    fn append_to_log(&mut self, ctx: &mut BCtx, tp: Tp, batches: Vec<LogBatch>) {
        let now = ctx.now;
        let node = self.node;
        let Some(r) = self.replicas.get_mut(&tp) else { return };
        let size: u64 = batches.iter().map(|b| b.data.size_bytes as u64).sum();
        self.written_bytes = self.written_bytes.saturating_add(size);
        let roll = r.cfg.roll();
        let max_ts = batches.iter().map(|b| b.data.meta.max_timestamp_ms).max().unwrap_or(-1);
        let (first, last) = (batches[0].base_offset, batches[batches.len() - 1].last_offset());
        if let Some(reason) = r.log.should_roll_chunk(size, max_ts, last, &roll, now) {
            // Kafka flushes the old segment on its scheduler thread (`UnifiedLog.roll`
            // schedules `flushUptoOffsetExclusive`): the appending thread does not wait.
            r.log.roll(first, now, &roll);
            ctx.trace(Event::SegmentRolled { broker: node, tp, base_offset: first, reason });
            let leo = r.log.leo;
            ctx.trace(Event::Flushed { broker: node, tp, to_offset: leo, reason: FlushReason::SegmentRoll });
        }
        for b in &batches {
            r.producers.apply(b);
        }
        r.log.append_chunk(batches, now, roll.index_interval_bytes);
        if r.log.unflushed_messages() >= r.cfg.flush_messages {
            // The appending thread fsyncs: it waits for the dirty bytes to reach the disk.
            self.fsync_work.0 += 1;
            self.fsync_work.1 += r.log.end_pos.saturating_sub(r.log.durable_pos);
            let leo = r.log.leo;
            r.log.flush_to(leo, now);
            ctx.trace(Event::Flushed { broker: node, tp, to_offset: leo, reason: FlushReason::Messages });
        }
    }

    pub fn schedule_writeback(&mut self, ctx: &mut BCtx) {
        let interval = self.cfg().dirty_writeback_centisecs as u64 * 10_000;
        if interval > 0 {
            self.writeback_pending = true;
            ctx.timer(later(ctx.now, interval), BrokerTimer::Writeback);
        }
    }

    /// The OS flusher: write back pages dirty for longer than the expiry.
    pub fn writeback(&mut self, ctx: &mut BCtx) {
        self.writeback_pending = false;
        if !self.powered {
            return;
        }
        self.background_writeback(ctx);
        let expire_us = self.cfg().dirty_expire_centisecs as u64 * 10_000;
        let node = self.node;
        for (tp, r) in self.replicas.iter_mut() {
            if let Some(durable) = r.log.writeback(ctx.now, expire_us) {
                ctx.trace(Event::Writeback { broker: node, tp: *tp, durable_offset: durable });
            }
        }
        self.schedule_writeback(ctx);
    }

    /// `replication-offset-checkpoint`: the HW of every replica, fsynced.
    pub fn hw_checkpoint(&mut self, ctx: &mut BCtx) {
        for r in self.replicas.values_mut() {
            r.hw_checkpoint = r.hw;
        }
        ctx.timer(later(ctx.now, self.cfg().hw_checkpoint_interval_us), BrokerTimer::HwCheckpoint);
    }

    /// `LogManager.flushDirtyLogs`: fsync logs whose last flush is `flush.ms` old.
    pub fn log_flusher(&mut self, ctx: &mut BCtx) {
        let now = ctx.now;
        let node = self.node;
        for (tp, r) in self.replicas.iter_mut() {
            if let Some(flush_us) = r.cfg.flush_us {
                if now.saturating_sub(r.log.last_flush_us) >= flush_us && r.log.unflushed_messages() > 0 {
                    let leo = r.log.leo;
                    r.log.flush_to(leo, now);
                    ctx.trace(Event::Flushed { broker: node, tp: *tp, to_offset: leo, reason: FlushReason::Interval });
                } else if now.saturating_sub(r.log.last_flush_us) >= flush_us {
                    r.log.last_flush_us = now;
                }
            }
        }
        if let Some(interval) = self.cfg().log_flush_scheduler_interval_us {
            ctx.timer(later(now, interval), BrokerTimer::LogFlusher);
        }
    }

    /// The broker dies. A process crash keeps the page cache (every appended byte); a
    /// power loss keeps only durable bytes. Volatile state is dropped either way.
    pub fn crash(&mut self, ctx: &mut BCtx, power: bool) {
        let mut lost = Vec::new();
        if power {
            self.background_writeback(ctx);
            self.powered = false;
            for (tp, r) in self.replicas.iter_mut() {
                if let Some((from, to, _torn)) = r.log.lose_unflushed() {
                    lost.push((*tp, from, to));
                }
                // The page cache is gone: everything is read from disk from now on.
                r.log.cache_pos = r.log.end_pos;
            }
        }
        ctx.trace(Event::Crashed {
            broker: self.node,
            mode: if power { CrashKind::Power } else { CrashKind::Process },
            lost,
        });
        self.stop_process(ctx);
    }

    /// The process is gone: volatile state is dropped; what is on disk (and in the OS
    /// page cache, while the machine has power) stays.
    pub fn stop_process(&mut self, _ctx: &mut BCtx) {
        self.up = false;
        self.shutdown_deadline_us = None;
        self.clean_restart = false;
        self.fetchers.clear();
        self.delayed_produce.clear();
        self.parked_produce.clear();
        self.delayed_fetch.clear();
        self.alter_in_flight.clear();
        self.image = None;
        self.markers_in_flight.clear();
        self.marker_targets.clear();
        self.delayed_replies.clear();
        self.marker_retry_at_us = None;
        for r in self.replicas.values_mut() {
            r.role = super::replica::Role::None;
            // The in-memory HW dies with the process; what remains is the checkpoint,
            // never above what the disk still holds.
            r.hw = r.hw_checkpoint.min(r.log.leo);
            r.hw_checkpoint = r.hw;
        }
    }

    /// Start again: recover each log as found on disk, then rejoin through the controller.
    pub fn restart(&mut self, ctx: &mut BCtx) {
        self.up = true;
        self.powered = true;
        self.inc += 1;
        self.next_producer_id = (self.id as i64 + 1000 * self.inc as i64) * 1000;
        let node = self.node;
        let clean = std::mem::take(&mut self.clean_shutdown_marker);
        self.clean_restart = clean;
        if clean {
            ctx.trace(Event::RecoverySkipped { broker: node, logs: self.replicas.len() as u32 });
        }
        for (tp, r) in self.replicas.iter_mut() {
            // Recovery rebuilds indexes, the epoch cache and producer state from the log;
            // the HW restarts from its checkpoint (never above the recovered LEO). After a
            // clean shutdown the same state is loaded from snapshots, nothing re-validated.
            r.producers = super::producer_state::ProducerState::rebuild(r.log.entries.iter().map(|e| &e.batch));
            r.hw = r.hw_checkpoint.min(r.log.leo);
            r.in_isr = false;
            if !clean {
                ctx.trace(Event::Recovered { broker: node, tp: *tp, log_end_offset: r.log.leo, torn_bytes: 0 });
            }
        }
        ctx.trace(Event::Restarted { broker: node });
        self.start(ctx);
    }
}
