//! Retention: deleting whole segments (`UnifiedLog.deleteOldSegments`).
//!
//! - The `kafka-log-retention` task runs first at `log.initial.task.delay.ms` (30 s) after
//!   start, then every `log.retention.check.interval.ms` (5 min), over the logs whose
//!   `cleanup.policy` has no `compact` (`LogManager.cleanupLogs`). Compacted logs are
//!   handled by the cleaner thread after each cleaning pass (`deletableLogs`).
//! - With `delete` in the policy: segments below the log start offset, then by
//!   `retention.bytes` (oldest first while the log stays at or above the limit without
//!   them), then by `retention.ms` (the segment's largest timestamp is older than
//!   `now - retention.ms`; without timestamps its file's last modification). Without
//!   `delete`, only segments below the log start offset.
//! - `deletableSegments` walks from the oldest and stops at the first that may not go;
//!   a segment is never deleted unless the high watermark has reached its end
//!   (`highWatermark >= upperBoundOffset`), so the log start offset never passes the HW.
//!   The active segment may go too: if every segment is deletable, Kafka rolls a new
//!   empty active segment first (`deleteSegments`).
//! - The log start offset moves to the first kept segment's base offset; followers move
//!   theirs up to the leader's from each fetch response, and delete what lies below it at
//!   their next check.

use super::log::{GoneBy, Log, RollConfig, RollReason};
use super::{BCtx, Broker, BrokerTimer};
use crate::protocol::Tp;
use crate::sim::later;
use crate::sim::Micros;
use crate::trace::{DeletionReason, Event, FlushReason};

/// What one `deleteSegments` call removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deleted {
    pub segments: u32,
    pub from_offset: u64,
    pub log_start_offset: u64,
    pub bytes: u64,
    pub records: u32,
    /// The active segment was deleted: Kafka rolled a new one first.
    pub rolled: bool,
}

impl Log {
    /// `deletableSegments`: how many of the oldest segments may go, asking `predicate`
    /// (segment index) only for those the high watermark has passed.
    pub fn deletable_segments(&self, high_watermark: u64, mut predicate: impl FnMut(&Log, usize) -> bool) -> usize {
        let mut n = 0;
        for i in 0..self.segments.len() {
            let last_and_empty = i + 1 == self.segments.len() && self.segment_bytes(i) == 0;
            let ok = high_watermark >= self.segment_end_offset(i) && predicate(self, i);
            if ok && !last_and_empty {
                n += 1;
            } else {
                break;
            }
        }
        n
    }

    /// `deleteSegments`: remove the `n` oldest segments and move the log start offset.
    pub fn delete_segments(&mut self, n: usize, now: Micros, roll: &RollConfig) -> Option<Deleted> {
        if n == 0 {
            return None;
        }
        let mut rolled = false;
        if n >= self.segments.len() {
            // "we must always have at least one segment": roll a new one at the LEO.
            let leo = self.leo;
            self.roll(leo, now, roll);
            rolled = true;
        }
        let n = n.min(self.segments.len() - 1);
        if n == 0 {
            return None;
        }
        let keep = &self.segments[n];
        let (new_start, keep_pos) = (keep.base_offset, keep.start_pos);
        let from_offset = self.segments[0].base_offset;
        let bytes = keep_pos - self.segments[0].start_pos;
        let cut = self.entries.partition_point(|e| e.pos < keep_pos);
        let mut records = 0u32;
        for e in self.entries.drain(..cut) {
            for (r, offset) in e.batch.data.record_offsets(e.batch.base_offset) {
                self.gone.push((r, offset, GoneBy::Retention));
                records += 1;
            }
        }
        self.segments.drain(..n);
        self.durable_pos = self.durable_pos.max(keep_pos);
        self.cache_pos = self.cache_pos.max(keep_pos);
        self.increment_log_start_offset(new_start);
        Some(Deleted {
            segments: n as u32,
            from_offset,
            log_start_offset: self.log_start_offset,
            bytes,
            records,
            rolled,
        })
    }

    /// `maybeIncrementLogStartOffset`: the start only moves up; the leader-epoch cache
    /// drops what lies before it (`truncateFromStart`).
    pub fn increment_log_start_offset(&mut self, offset: u64) -> bool {
        if offset <= self.log_start_offset {
            return false;
        }
        self.log_start_offset = offset;
        let below = self.epochs.partition_point(|e| e.1 <= offset);
        if below > 0 {
            let epoch = self.epochs[below - 1].0;
            self.epochs.drain(..below);
            self.epochs.insert(0, (epoch, offset));
        }
        self.cleaner_checkpoint = self.cleaner_checkpoint.max(offset);
        true
    }
}

impl Broker {
    /// `kafka-log-retention`: `deleteOldSegments` on every log not compacted.
    pub fn retention_task(&mut self, ctx: &mut BCtx) {
        let tps: Vec<Tp> = self.replicas.iter().filter(|(_, r)| !r.cfg.cleanup_compact).map(|(tp, _)| *tp).collect();
        for tp in tps {
            self.delete_old_segments(ctx, tp);
        }
        ctx.timer(later(ctx.now, self.cfg().log_retention_check_interval_us), BrokerTimer::LogRetention);
    }

    /// `UnifiedLog.deleteOldSegments`: below the log start offset, then by size, then by
    /// time (the last two only with `delete` in `cleanup.policy`).
    pub fn delete_old_segments(&mut self, ctx: &mut BCtx, tp: Tp) {
        let now = ctx.now;
        let now_ms = self.spec.workload.epoch_ms.saturating_add((now / 1000) as i64);
        let epoch_ms = self.spec.workload.epoch_ms;
        let node = self.node;
        let Some(r) = self.replicas.get_mut(&tp) else { return };
        let hw = r.hw;
        let roll = r.cfg.roll();
        let (delete, retention_bytes, retention_ms) = (r.cfg.cleanup_delete, r.cfg.retention_bytes, r.cfg.retention_ms);
        let mut passes: Vec<DeletionReason> = vec![DeletionReason::LogStartOffset];
        if delete {
            passes.extend([DeletionReason::RetentionBytes, DeletionReason::RetentionMs]);
        }
        for reason in passes {
            let log = &r.log;
            let n = match reason {
                DeletionReason::LogStartOffset => {
                    let start = log.log_start_offset;
                    log.deletable_segments(hw, |l, i| l.segments.get(i + 1).is_some_and(|s| s.base_offset <= start))
                }
                DeletionReason::RetentionBytes => {
                    if retention_bytes < 0 || log.size() < retention_bytes as u64 {
                        continue;
                    }
                    let mut diff = log.size() - retention_bytes as u64;
                    log.deletable_segments(hw, |l, i| {
                        let size = l.segment_bytes(i);
                        let ok = diff >= size;
                        if ok {
                            diff -= size;
                        }
                        ok
                    })
                }
                DeletionReason::RetentionMs => {
                    if retention_ms < 0 {
                        continue;
                    }
                    log.deletable_segments(hw, |l, i| {
                        now_ms.saturating_sub(l.segments[i].largest_timestamp_ms(epoch_ms)) > retention_ms
                    })
                }
            };
            let Some(d) = r.log.delete_segments(n, now, &roll) else { continue };
            if d.rolled {
                let base = r.log.active().base_offset;
                ctx.trace(Event::SegmentRolled { broker: node, tp, base_offset: base, reason: RollReason::Retention });
                ctx.trace(Event::Flushed { broker: node, tp, to_offset: base, reason: FlushReason::SegmentRoll });
            }
            ctx.trace(Event::SegmentsDeleted {
                broker: node,
                tp,
                reason,
                segments: d.segments,
                from_offset: d.from_offset,
                log_start_offset: d.log_start_offset,
                bytes: d.bytes,
                records: d.records,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::LogBatch;

    fn batch(base: u64, n: u32, size: u32, ts: i64) -> LogBatch {
        crate::broker::log::test_batch(base, n, size, 0, ts)
    }

    /// Three segments of 1000 bytes (rolled by size) and a fourth, active, of 500.
    fn log() -> (Log, RollConfig) {
        let cfg = RollConfig { segment_bytes: 1000, ..RollConfig::default() };
        let mut log = Log::new();
        for (i, b) in [
            batch(0, 10, 500, 1),
            batch(10, 10, 500, 2),
            batch(20, 10, 500, 3),
            batch(30, 10, 500, 4),
            batch(40, 10, 500, 5),
            batch(50, 10, 500, 6),
            batch(60, 10, 500, 7),
        ]
        .into_iter()
        .enumerate()
        {
            if log.should_roll(&b, &cfg, i as u64).is_some() {
                log.roll(b.base_offset, i as u64, &cfg);
            }
            log.append(b, i as u64, cfg.index_interval_bytes);
        }
        (log, cfg)
    }

    #[test]
    fn size_rolls_make_segments_at_batch_boundaries() {
        let (log, _) = log();
        let bases: Vec<u64> = log.segments.iter().map(|s| s.base_offset).collect();
        assert_eq!(bases, vec![0, 20, 40, 60]);
        assert_eq!(log.segment_bytes(0), 1000);
        assert_eq!(log.segment_bytes(3), 500);
        assert_eq!(log.size(), 3500);
    }

    #[test]
    fn retention_never_passes_the_high_watermark() {
        let (mut log, cfg) = log();
        // Every segment is old, but the HW is at 45: only segments ending at or below it go.
        let n = log.deletable_segments(45, |_, _| true);
        assert_eq!(n, 2);
        let d = log.delete_segments(n, 10, &cfg).unwrap();
        assert_eq!((d.segments, d.log_start_offset, d.records, d.bytes), (2, 40, 40, 2000));
        assert_eq!(log.log_start_offset, 40);
        assert_eq!(log.entries[0].batch.base_offset, 40);
        assert_eq!(log.gone.len(), 40);
    }

    #[test]
    fn deleting_every_segment_rolls_a_new_active_one_first() {
        let (mut log, cfg) = log();
        let n = log.deletable_segments(70, |_, _| true);
        assert_eq!(n, 4);
        let d = log.delete_segments(n, 10, &cfg).unwrap();
        assert!(d.rolled);
        assert_eq!(d.log_start_offset, 70);
        assert!(log.entries.is_empty());
        assert_eq!(log.segments.len(), 1);
        assert_eq!(log.active().base_offset, 70);
        assert_eq!(log.leo, 70);
    }

    #[test]
    fn retention_bytes_keeps_the_log_at_or_above_the_limit() {
        let (log, _) = log();
        // 3500 bytes, limit 1600: diff 1900 allows one 1000-byte segment, not two.
        let mut diff = log.size() - 1600;
        let n = log.deletable_segments(70, |l, i| {
            let ok = diff >= l.segment_bytes(i);
            if ok {
                diff -= l.segment_bytes(i);
            }
            ok
        });
        assert_eq!(n, 1);
    }
}
