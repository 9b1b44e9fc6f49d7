//! The log cleaner: compaction of `cleanup.policy=compact` logs (`LogCleaner`,
//! `LogCleanerManager`, `Cleaner.doClean`).
//!
//! - Each broker's cleaner thread wakes at start, then `log.cleaner.backoff.ms` (15 s)
//!   after a pass that found nothing to clean; after a cleaning it looks again at once.
//!   Each replica is cleaned on its own broker, leader or follower.
//! - The cleanable range of a log is `[first dirty offset, first uncleanable offset)`: from
//!   the cleaner's checkpoint (or the log start offset) up to the earliest of the last
//!   stable offset, the active segment's base offset, and the first segment whose largest
//!   timestamp is within `min.compaction.lag.ms` of now (`cleanableOffsets`).
//! - Its dirty ratio is the bytes of the segments in that range over those bytes plus the
//!   clean segments before it; the filthiest log above `min.cleanable.dirty.ratio` (or one
//!   past `max.compaction.lag.ms`) is cleaned (`grabFilthiestCompactedLog`).
//! - Cleaning builds the offset map (each key's latest offset in the dirty range; aborted
//!   transactions' records do not count), then rewrites every segment from the start of
//!   the log up to the map's last offset, grouped into segments of at most
//!   `segment.bytes` (`groupSegmentsBySize`), keeping a record when its offset is past the
//!   map, or it is its key's latest and has a value or is a tombstone whose batch's
//!   delete horizon has not passed (`shouldRetainRecord`). A batch that keeps a tombstone
//!   gets `deleteHorizonMs = now + delete.retention.ms` the first time (KIP-534).
//!   Aborted transactions' data goes; a transaction marker goes once no data of its
//!   transaction remains and its own delete horizon has passed. The last batch of an
//!   active producer and the last batch of the round stay, even empty
//!   (`BatchRetention.RETAIN_EMPTY`). Record keys without a key cannot be compacted
//!   (Kafka refuses them on a compacted topic: `INVALID_RECORD`).
//! - Cleaned segments are written and fsynced; the checkpoint moves to the end of the
//!   cleaned range. For `compact,delete` the thread then runs `deleteOldSegments`.

use std::rc::Rc;

use super::log::{Entry, GoneBy, Log, Segment};
use super::replica::Replica;
use super::{BCtx, Broker, BrokerTimer};
use crate::config::CompressionType;
use crate::format::size::{record_size, varlong_size};
use crate::format::RECORD_BATCH_OVERHEAD;
use crate::history::History;
use crate::protocol::Tp;
use crate::protocol::{BatchData, Cleaned, LogBatch};
use crate::sim::{later, Micros, VecMap};
use crate::trace::Event;

/// `LogToClean`: a compacted log's cleanable range (whole segments) and its dirtiness.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ToClean {
    pub first_dirty_offset: u64,
    pub first_uncleanable_offset: u64,
    pub clean_bytes: u64,
    pub cleanable_bytes: u64,
    pub need_compaction_now: bool,
}

impl ToClean {
    pub fn total_bytes(&self) -> u64 {
        self.clean_bytes + self.cleanable_bytes
    }
    pub fn cleanable_ratio(&self) -> f64 {
        if self.total_bytes() == 0 {
            0.0
        } else {
            self.cleanable_bytes as f64 / self.total_bytes() as f64
        }
    }
}

/// What one cleaning did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CleanStats {
    pub end_offset: u64,
    pub records_removed: u32,
    pub tombstones_removed: u32,
    pub bytes_before: u64,
    pub bytes_after: u64,
}

fn now_ms(epoch_ms: i64, now: Micros) -> i64 {
    epoch_ms.saturating_add((now / 1000) as i64)
}

/// Index of the segment holding `offset` (the last whose base offset is at or below it).
fn floor_segment(log: &Log, offset: u64) -> usize {
    log.segments.partition_point(|s| s.base_offset <= offset).saturating_sub(1)
}

/// `cleanableOffsets` and `LogToClean` for one replica at `now`.
pub fn to_clean(r: &Replica, now: Micros, epoch_ms: i64) -> Option<ToClean> {
    let log = &r.log;
    let checkpoint = log.cleaner_checkpoint;
    let first_dirty =
        if checkpoint < log.log_start_offset || checkpoint > log.leo { log.log_start_offset } else { checkpoint };
    let active = log.segments.len() - 1;
    let mut uncleanable = r.last_stable_offset().min(log.segments[active].base_offset);
    let now_ms = now_ms(epoch_ms, now);
    if r.cfg.min_compaction_lag_ms > 0 {
        let from = floor_segment(log, first_dirty);
        if let Some(s) = log.segments[from..active]
            .iter()
            .find(|s| s.largest_timestamp_ms(epoch_ms) > now_ms.saturating_sub(r.cfg.min_compaction_lag_ms))
        {
            uncleanable = uncleanable.min(s.base_offset);
        }
    }
    let uncleanable = uncleanable.max(first_dirty);
    // `calculateCleanableBytes`: whole segments up to the one holding the uncleanable offset.
    let first_uncleanable_seg = floor_segment(log, uncleanable).min(active);
    let first_uncleanable_offset = log.segments[first_uncleanable_seg].base_offset;
    let from = floor_segment(log, first_dirty.min(first_uncleanable_offset));
    let cleanable_bytes: u64 = (from..first_uncleanable_seg).map(|i| log.segment_bytes(i)).sum();
    let clean_bytes: u64 = (0..log.segments.len())
        .take_while(|&i| log.segments[i].base_offset < first_dirty)
        .map(|i| log.segment_bytes(i))
        .sum();
    // `maxCompactionDelay`: the earliest first-batch timestamp of dirty inactive segments.
    let max_lag = r.cfg.max_compaction_lag_ms.max(0);
    let earliest = log.segments[floor_segment(log, first_dirty)..active]
        .iter()
        .filter_map(|s| s.first_batch_ts_ms.filter(|&t| t > 0))
        .min();
    let need_compaction_now = earliest.is_some_and(|t| t < now_ms.saturating_sub(max_lag));
    let t = ToClean {
        first_dirty_offset: first_dirty,
        // `LogToClean.firstUncleanableOffset`: the base offset of the segment holding the
        // uncleanable offset (whole segments are cleaned).
        first_uncleanable_offset,
        clean_bytes,
        cleanable_bytes,
        need_compaction_now,
    };
    (t.total_bytes() > 0).then_some(t)
}

/// Whether `t` is cleanable now (`grabFilthiestCompactedLog`'s filter).
pub fn is_cleanable(r: &Replica, t: &ToClean) -> bool {
    (t.need_compaction_now && t.cleanable_bytes > 0) || t.cleanable_ratio() > r.cfg.min_cleanable_dirty_ratio
}

/// The size of a batch rebuilt with `kept` of its records (same offsets, timestamps
/// relative to the first kept record); a compressed batch keeps its compression ratio.
/// The size of a batch the cleaner rebuilt with the records `kept`. With a delete horizon
/// the builder's base timestamp is the horizon (`MemoryRecordsBuilder`: `if
/// (hasDeleteHorizonMs()) baseTimestamp = deleteHorizonMs`), so every record's timestamp
/// delta is about -delete.retention.ms, a longer varlong; otherwise the first record's.
fn rebuilt_size(data: &BatchData, kept: &[(u32, u64)], base: u64, horizon: Option<i64>, history: &History) -> u32 {
    let first_ts = horizon.unwrap_or_else(|| kept.first().map_or(0, |&(r, _)| history.record(r).timestamp_ms));
    let raw: u64 = kept
        .iter()
        .map(|&(r, o)| {
            let rec = history.record(r);
            u64::from(record_size((o - base) as u32, rec.timestamp_ms - first_ts, rec.shape))
        })
        .sum();
    let body = if data.meta.codec == CompressionType::None {
        raw
    } else {
        let old_raw = u64::from(data.uncompressed_bytes.saturating_sub(RECORD_BATCH_OVERHEAD)).max(1);
        let old_body = u64::from(data.size_bytes.saturating_sub(RECORD_BATCH_OVERHEAD));
        raw * old_body / old_raw
    };
    RECORD_BATCH_OVERHEAD.saturating_add(u32::try_from(body).unwrap_or(u32::MAX))
}

/// `Cleaner.doClean` on one replica's log. Returns None when the dirty range holds no batch.
pub fn clean(r: &mut Replica, t: &ToClean, now: Micros, epoch_ms: i64, history: &History) -> Option<CleanStats> {
    let now_ms = now_ms(epoch_ms, now);
    let log = &r.log;
    // The offset map: each key's latest offset in the dirty range. Collected, then sorted
    // and reduced to one entry per key (a dirty range may hold hundreds of thousands).
    let mut pairs: Vec<(u64, u64)> = Vec::new();
    let mut latest: Option<u64> = None;
    for e in &log.entries[log.index_of(t.first_dirty_offset)..] {
        let b = &e.batch;
        if b.base_offset >= t.first_uncleanable_offset {
            break;
        }
        latest = Some(b.last_offset());
        let aborted = b.data.transactional && r.producers.is_aborted(b.data.producer_id, b.base_offset);
        if b.data.control.is_some() || aborted {
            continue;
        }
        for (rec, offset) in b.data.record_offsets(b.base_offset) {
            if let Some(k) = history.record(rec).key {
                pairs.push((k, offset));
            }
        }
    }
    let latest = latest?;
    pairs.sort_unstable();
    let mut map: Vec<(u64, u64)> = Vec::with_capacity(pairs.len());
    for (k, o) in pairs {
        match map.last_mut() {
            Some(last) if last.0 == k => last.1 = o,
            _ => map.push((k, o)),
        }
    }
    let latest_for = |k: u64| map.binary_search_by_key(&k, |e| e.0).ok().map(|i| map[i].1);
    let end_offset = latest + 1;
    // The last data offset of each producer the replica still tracks.
    let last_data: Vec<(i64, u64)> = r
        .producers
        .producers
        .values()
        .filter_map(|e| e.batches.back().map(|b| (e.producer_id, b.last_offset)))
        .collect();
    let log = &mut r.log;
    // Segments to rewrite: every one starting below the end offset.
    let seg_count = log.segments.partition_point(|s| s.base_offset < end_offset).min(log.segments.len() - 1);
    if seg_count == 0 {
        return None;
    }
    let region_start = log.segments[0].start_pos;
    let region_end = log.segments[seg_count].start_pos;
    let cut = log.entries.partition_point(|e| e.pos < region_end);
    let old: Vec<Entry> = log.entries.drain(..cut).collect();
    let delete_retention = r.cfg.delete_retention_ms;
    let mut stats = CleanStats { end_offset, bytes_before: region_end - region_start, ..CleanStats::default() };
    // Groups of whole segments, at most `segment.bytes` (their sizes before cleaning).
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < seg_count {
        let mut j = i + 1;
        let mut size = log.segment_bytes(i);
        // `groupSegmentsBySize`: the log bytes and both indexes' bytes must fit.
        let index_bytes =
            |k: usize| (log.segments[k].offset_index.len() as u64 * 8, log.segments[k].time_index.len() as u64 * 12);
        let (mut oi, mut ti) = index_bytes(i);
        while j < seg_count
            && size + log.segment_bytes(j) <= r.cfg.segment_bytes
            && oi + index_bytes(j).0 <= r.cfg.segment_index_bytes
            && ti + index_bytes(j).1 <= r.cfg.segment_index_bytes
        {
            size += log.segment_bytes(j);
            oi += index_bytes(j).0;
            ti += index_bytes(j).1;
            j += 1;
        }
        groups.push((i, j));
        i = j;
    }
    // Producers whose transaction had a batch read since their last marker.
    let mut txn_data_seen: VecMap<i64, bool> = VecMap::new();
    let mut new_segments: Vec<Segment> = Vec::new();
    let mut kept_entries: Vec<Entry> = Vec::new();
    let mut pos = region_start;
    let mut entry_iter = old.into_iter().peekable();
    for &(gi, gj) in &groups {
        let group_end_pos = log.segments[gj].start_pos;
        let last_modified = log.segments[gj - 1].last_modified_us;
        let mut seg = Segment::new(log.segments[gi].base_offset, pos, log.segments[gi].created_us, 0);
        while let Some(e) = entry_iter.next_if(|e| e.pos < group_end_pos) {
            let b = &e.batch;
            let data = &b.data;
            let is_control = data.control.is_some();
            let aborted = !is_control && data.transactional && r.producers.is_aborted(data.producer_id, b.base_offset);
            let horizon = data.cleaned.as_ref().and_then(|c| c.delete_horizon_ms);
            let mut kept: Vec<(u32, u64)> = Vec::new();
            let mut removed: Vec<(u32, u64)> = Vec::new();
            let mut tombstone_kept = false;
            let discard_batch = aborted;
            if is_control {
                // `onControlBatchRead`: a marker may go once no batch of its transaction
                // was read (the data went in an earlier pass) and its horizon passed.
                let can_discard = !txn_data_seen.get(&data.producer_id).copied().unwrap_or(false);
                txn_data_seen.insert(data.producer_id, false);
                if can_discard && horizon.is_some_and(|h| h <= now_ms) {
                    continue;
                }
                let new_horizon = if can_discard && horizon.is_none() {
                    Some(now_ms.saturating_add(delete_retention))
                } else {
                    horizon
                };
                let entry = if let (Some(h), true) = (new_horizon, new_horizon != horizon) {
                    // Rebuilt with the horizon as its base timestamp: the marker record's
                    // timestamp delta (0 before) becomes its timestamp minus the horizon.
                    let ts = data.meta.max_timestamp_ms;
                    let old_delta = varlong_size(ts - horizon.unwrap_or(data.meta.base_timestamp_ms));
                    let size = (data.size_bytes + varlong_size(ts - h)).saturating_sub(old_delta);
                    Entry { batch: rebatch(b, &data.records, &[], new_horizon, size), ..e.clone() }
                } else {
                    e.clone()
                };
                push_entry(&mut seg, &mut kept_entries, entry, &mut pos, last_modified, r.cfg.index_interval_bytes);
                continue;
            }
            if data.transactional {
                // `onBatchRead`.
                txn_data_seen.insert(data.producer_id, true);
            }
            for (rec, offset) in data.record_offsets(b.base_offset) {
                let retain = if discard_batch {
                    false
                } else if offset > latest {
                    true
                } else {
                    let h = history.record(rec);
                    match h.key {
                        None => false,
                        Some(k) => {
                            let newest = latest_for(k).is_none_or(|o| offset >= o);
                            let tombstone = h.shape.value.is_none();
                            newest && (!tombstone || horizon.is_none_or(|hz| now_ms < hz))
                        }
                    }
                };
                if retain {
                    if history.record(rec).shape.value.is_none() {
                        tombstone_kept = true;
                    }
                    kept.push((rec, offset));
                } else {
                    if history.record(rec).shape.value.is_none() {
                        stats.tombstones_removed += 1;
                    }
                    removed.push((rec, offset));
                }
            }
            stats.records_removed += removed.len() as u32;
            for &(rec, offset) in &removed {
                log.gone.push((rec, offset, GoneBy::Compaction));
            }
            let last_of_producer =
                data.is_idempotent() && last_data.iter().any(|&(p, o)| p == data.producer_id && o == b.last_offset());
            let retain_empty = last_of_producer || b.next_offset() == t.first_uncleanable_offset;
            if kept.is_empty() && !retain_empty {
                continue;
            }
            let set_horizon = tombstone_kept && horizon.is_none();
            let entry = if removed.is_empty() && !set_horizon {
                e.clone()
            } else {
                let new_horizon = if set_horizon { Some(now_ms.saturating_add(delete_retention)) } else { horizon };
                let ids: Vec<u32> = kept.iter().map(|k| k.0).collect();
                let deltas: Vec<u32> = kept.iter().map(|k| (k.1 - b.base_offset) as u32).collect();
                let size = rebuilt_size(data, &kept, b.base_offset, new_horizon, history);
                let mut batch = rebatch(b, &ids, &deltas, new_horizon, size);
                // `buildRetainedRecordsInto`: the max timestamp of the records kept (a
                // LogAppendTime batch keeps its stamp).
                if !data.meta.log_append_time {
                    if let Some(max) = kept.iter().map(|&(rec, _)| history.record(rec).timestamp_ms).max() {
                        let d = Rc::make_mut(&mut batch.data);
                        d.meta.max_timestamp_ms = max;
                    }
                }
                Entry { batch, ..e.clone() }
            };
            push_entry(&mut seg, &mut kept_entries, entry, &mut pos, last_modified, r.cfg.index_interval_bytes);
        }
        seg.last_modified_us = last_modified;
        // `Cleaner.cleanSegments`: `cleaned.onBecomeInactiveSegment()`.
        Log::close_time_index(&mut seg);
        new_segments.push(seg);
    }
    // Swap in the cleaned segments and shift what follows.
    let shrink = region_end - pos;
    stats.bytes_after = pos - region_start;
    for e in log.entries.iter_mut() {
        e.pos -= shrink;
    }
    for s in log.segments[seg_count..].iter_mut() {
        s.start_pos -= shrink;
    }
    log.segments.splice(..seg_count, new_segments);
    kept_entries.append(&mut log.entries);
    log.entries = kept_entries;
    log.end_pos -= shrink;
    // The cleaned files were fsynced; bytes after them keep their state.
    log.durable_pos = if log.durable_pos >= region_end { log.durable_pos - shrink } else { pos };
    log.cache_pos = if log.cache_pos >= region_end { log.cache_pos - shrink } else { log.cache_pos.min(region_start) };
    log.cleaner_checkpoint = end_offset;
    Some(stats)
}

/// A batch rewritten by the cleaner.
fn rebatch(b: &LogBatch, records: &[u32], deltas: &[u32], horizon: Option<i64>, size: u32) -> LogBatch {
    let data = &b.data;
    let span = data.offset_count() as u32;
    let cleaned = if data.control.is_some() {
        Cleaned { span: 1, deltas: Box::new([]), delete_horizon_ms: horizon }
    } else {
        Cleaned { span, deltas: deltas.into(), delete_horizon_ms: horizon }
    };
    LogBatch {
        base_offset: b.base_offset,
        leader_epoch: b.leader_epoch,
        data: Rc::new(BatchData {
            records: Rc::from(records),
            size_bytes: size,
            cleaned: Some(Rc::new(cleaned)),
            ..(**data).clone()
        }),
    }
}

fn push_entry(seg: &mut Segment, out: &mut Vec<Entry>, mut e: Entry, pos: &mut u64, now: Micros, interval: u64) {
    e.pos = *pos;
    seg.on_append(&e.batch, *pos, now, interval);
    *pos += u64::from(e.batch.data.size_bytes);
    out.push(e);
}

impl Broker {
    /// Whether any of this broker's compacted logs is cleanable now.
    pub fn cleaning_pending(&self, now: Micros) -> bool {
        if !self.up || !self.cfg().log_cleaner_enable {
            return false;
        }
        let epoch_ms = self.spec.workload.epoch_ms;
        self.replicas
            .values()
            .filter(|r| r.cfg.cleanup_compact)
            .any(|r| to_clean(r, now, epoch_ms).is_some_and(|t| is_cleanable(r, &t)))
    }

    /// One wake of the cleaner thread: clean the filthiest log until none is cleanable,
    /// run `deleteOldSegments` on the compacted logs, then sleep `log.cleaner.backoff.ms`.
    pub fn log_cleaner(&mut self, ctx: &mut BCtx) {
        if !self.cfg().log_cleaner_enable {
            return;
        }
        let epoch_ms = self.spec.workload.epoch_ms;
        let now = ctx.now;
        let node = self.node;
        let mut done: Vec<Tp> = Vec::new();
        loop {
            let filthiest = self
                .replicas
                .iter()
                .filter(|(tp, r)| r.cfg.cleanup_compact && !done.contains(tp))
                .filter_map(|(tp, r)| to_clean(r, now, epoch_ms).filter(|t| is_cleanable(r, t)).map(|t| (*tp, t)))
                .max_by(|a, b| a.1.cleanable_ratio().total_cmp(&b.1.cleanable_ratio()));
            let Some((tp, t)) = filthiest else { break };
            done.push(tp);
            let Some(r) = self.replicas.get_mut(&tp) else { break };
            match clean(r, &t, now, epoch_ms, ctx.obs.history) {
                Some(s) => ctx.trace(Event::LogCleaned {
                    broker: node,
                    tp,
                    first_dirty_offset: t.first_dirty_offset,
                    end_offset: s.end_offset,
                    dirty_ratio_pct: (t.cleanable_ratio() * 100.0).round() as u32,
                    records_removed: s.records_removed,
                    tombstones_removed: s.tombstones_removed,
                    bytes_before: s.bytes_before,
                    bytes_after: s.bytes_after,
                }),
                None => {
                    // Nothing to rewrite: move the checkpoint so the log is not chosen again.
                    r.log.cleaner_checkpoint = t.first_uncleanable_offset.max(r.log.cleaner_checkpoint);
                }
            }
        }
        let compacted: Vec<Tp> =
            self.replicas.iter().filter(|(_, r)| r.cfg.cleanup_compact).map(|(tp, _)| *tp).collect();
        for tp in compacted {
            self.delete_old_segments(ctx, tp);
        }
        ctx.timer(later(now, self.cfg().log_cleaner_backoff_us), BrokerTimer::LogCleaner);
    }
}
