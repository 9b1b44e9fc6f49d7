//! One replica's log: batches at offsets, byte positions, segments, the leader-epoch cache,
//! and what of it is durable.
//!
//! Storage model (KAFKA_SEMANTICS §8): an append lands in the OS page cache. Bytes become
//! durable when Kafka fsyncs them (`flush.messages`, the `flush.ms` flusher, a segment
//! roll) or when the OS flusher writes back pages that have been dirty for longer than
//! `vm.dirty_expire_centisecs` (it wakes every `vm.dirty_writeback_centisecs`). A page is
//! written whole, so writeback can carry the start of a later batch with it: a torn batch
//! that recovery cuts after a power loss. `recovery_point` is the offset below which
//! Kafka knows the log is fsynced; `durable_pos` is the byte position below which the disk
//! really has the data (fsync or writeback).
//!
//! Faults: a process crash keeps everything (the page cache survives); a power loss keeps
//! bytes below `durable_pos` only, and recovery truncates at the first incomplete batch.

use crate::protocol::LogBatch;

use crate::sim::Micros;

/// The OS page size.
pub const PAGE_BYTES: u64 = 4096;

#[derive(Clone, Debug)]
pub struct Entry {
    pub batch: LogBatch,
    /// Byte position of the batch in the partition's log (across segments).
    pub pos: u64,
    pub append_us: Micros,
}

impl Entry {
    pub fn end_pos(&self) -> u64 {
        self.pos + self.batch.data.size_bytes as u64
    }
}

/// One segment: a `.log` file with its offset and time indexes (`LogSegment`).
#[derive(Clone, Debug)]
pub struct Segment {
    pub base_offset: u64,
    /// Byte position of its first batch in the partition's log (across segments).
    pub start_pos: u64,
    /// When the file was created (`created`, for `segment.ms` without timestamps).
    pub created_us: Micros,
    /// `rollingBasedTimestamp`: the first batch's max timestamp.
    pub first_batch_ts_ms: Option<i64>,
    /// `maxTimestampSoFar`: -1 while the segment holds no batch.
    pub max_timestamp_ms: i64,
    /// `shallowOffsetOfMaxTimestampSoFar`: the last offset of the batch holding it.
    pub max_timestamp_offset: u64,
    /// Offset index entries: (offset, position in the segment), one per
    /// `index.interval.bytes` appended.
    pub offset_index: Vec<(u64, u32)>,
    /// Time index entries: (max timestamp so far, its batch's offset), appended with the
    /// offset index when the timestamp grew.
    pub time_index: Vec<(i64, u64)>,
    pub bytes_since_last_index_entry: u64,
    /// The file's last modification (µs): the cleaner's horizons read it.
    pub last_modified_us: Micros,
    /// `rollJitterMs`, drawn when the segment is created.
    pub roll_jitter_ms: i64,
}

impl Segment {
    pub fn new(base_offset: u64, start_pos: u64, now: Micros, roll_jitter_ms: i64) -> Segment {
        Segment {
            base_offset,
            start_pos,
            created_us: now,
            first_batch_ts_ms: None,
            max_timestamp_ms: -1,
            max_timestamp_offset: base_offset,
            offset_index: Vec::new(),
            time_index: Vec::new(),
            bytes_since_last_index_entry: 0,
            last_modified_us: now,
            roll_jitter_ms,
        }
    }

    /// `largestTimestamp`: the max timestamp, else the file's last modification (ms).
    pub fn largest_timestamp_ms(&self, epoch_ms: i64) -> i64 {
        if self.max_timestamp_ms >= 0 {
            self.max_timestamp_ms
        } else {
            epoch_ms.saturating_add((self.last_modified_us / 1000) as i64)
        }
    }

    /// `LogSegment.append` for one batch.
    pub fn on_append(&mut self, batch: &LogBatch, pos: u64, now: Micros, index_interval_bytes: u64) {
        let size = u64::from(batch.data.size_bytes);
        let ts = batch.data.meta.max_timestamp_ms;
        self.on_append_chunk(batch.last_offset(), ts, batch.last_offset(), pos, size, now, index_interval_bytes);
    }

    /// `LogSegment.append(largestOffset, largestTimestampMs, shallowOffsetOfMaxTimestamp,
    /// records)`: `size` bytes at `pos` (a leader's one batch, or a follower's whole fetched
    /// chunk); an offset and a time index entry once more than `index.interval.bytes` were
    /// appended since the last.
    #[allow(clippy::too_many_arguments)]
    pub fn on_append_chunk(
        &mut self,
        largest_offset: u64,
        largest_ts: i64,
        ts_offset: u64,
        pos: u64,
        size: u64,
        now: Micros,
        index_interval_bytes: u64,
    ) {
        let relative = (pos - self.start_pos) as u32;
        if relative == 0 {
            self.first_batch_ts_ms = Some(largest_ts);
        }
        if largest_ts > self.max_timestamp_ms {
            self.max_timestamp_ms = largest_ts;
            self.max_timestamp_offset = ts_offset;
        }
        if self.bytes_since_last_index_entry > index_interval_bytes {
            self.offset_index.push((largest_offset, relative));
            if self.time_index.last().is_none_or(|&(t, _)| self.max_timestamp_ms > t) {
                self.time_index.push((self.max_timestamp_ms, self.max_timestamp_offset));
            }
            self.bytes_since_last_index_entry = 0;
        }
        self.bytes_since_last_index_entry += size;
        self.last_modified_us = now;
    }
}

/// `LogConfig.randomSegmentJitter`, given to every segment Kafka opens (the first one and
/// one a full truncation starts included): in [0, min(segment.jitter.ms, segment.ms)),
/// drawn here deterministically from the segment's base offset and creation time.
pub fn segment_jitter(base: u64, now: Micros, segment_ms: i64, jitter_ms: i64) -> i64 {
    if jitter_ms <= 0 {
        return 0;
    }
    let h = crate::format::key_hash(&base.to_le_bytes()) ^ now;
    (h % jitter_ms.min(segment_ms).max(1) as u64) as i64
}

/// What decides a roll (`RollParams` and the topic's index settings).
#[derive(Clone, Copy, Debug)]
pub struct RollConfig {
    pub segment_bytes: u64,
    /// `segment.ms`.
    pub segment_ms: i64,
    /// `segment.jitter.ms`.
    pub segment_jitter_ms: i64,
    /// `segment.index.bytes`: the index files' size, hence their capacity.
    pub segment_index_bytes: u64,
    pub index_interval_bytes: u64,
}

impl Default for RollConfig {
    fn default() -> Self {
        RollConfig {
            segment_bytes: 1_073_741_824,
            segment_ms: 604_800_000,
            segment_jitter_ms: 0,
            segment_index_bytes: 10_485_760,
            index_interval_bytes: 4096,
        }
    }
}

/// Why a segment rolled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum RollReason {
    /// `segment.bytes` would be exceeded.
    Size,
    /// `segment.ms` (less the jitter) has passed since the segment's first timestamp.
    Time,
    /// The offset or time index is full (`segment.index.bytes`).
    IndexFull,
    /// The batch's offsets are too far from the base offset for a relative offset.
    OffsetOverflow,
    /// Retention deletes every segment: a new one first (`deleteSegments`).
    Retention,
}

/// Why records left a log other than by truncation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GoneBy {
    Retention,
    Compaction,
}

#[derive(Clone, Debug, Default)]
pub struct Log {
    pub entries: Vec<Entry>,
    /// Log end offset.
    pub leo: u64,
    pub end_pos: u64,
    /// `logStartOffset`: the first offset a reader may fetch.
    pub log_start_offset: u64,
    /// Leader-epoch cache: (epoch, start offset), ascending.
    pub epochs: Vec<(u32, u64)>,
    /// Segments, oldest first; the last is the active segment.
    pub segments: Vec<Segment>,
    /// Offset below which Kafka has fsynced the log.
    pub recovery_point: u64,
    /// Byte position below which the data is on disk (fsync or OS writeback).
    pub durable_pos: u64,
    /// Byte position below which the page cache no longer holds the log (evicted; only
    /// durable bytes are evicted, so never above `durable_pos`).
    pub cache_pos: u64,
    pub last_flush_us: Micros,
    /// The cleaner's checkpoint (`cleaner-offset-checkpoint`): the first dirty offset.
    pub cleaner_checkpoint: u64,
    /// Records retention or the cleaner removed from this log: (record, offset, why).
    pub gone: Vec<(u32, u64, GoneBy)>,
}

impl Log {
    pub fn new() -> Log {
        Log { segments: vec![Segment::new(0, 0, 0, 0)], ..Log::default() }
    }

    /// Index of the first entry whose last offset is >= `offset`.
    pub fn index_of(&self, offset: u64) -> usize {
        self.entries.partition_point(|e| e.batch.last_offset() < offset)
    }

    /// Position of `offset`'s batch start (or the end of the log).
    pub fn pos_of(&self, offset: u64) -> u64 {
        self.entries.get(self.index_of(offset)).map_or(self.end_pos, |e| e.pos)
    }

    pub fn active(&self) -> &Segment {
        self.segments.last().expect("a log always has a segment")
    }

    pub fn active_segment_bytes(&self) -> u64 {
        self.end_pos - self.active().start_pos
    }

    /// Bytes of segment `i`.
    pub fn segment_bytes(&self, i: usize) -> u64 {
        let end = self.segments.get(i + 1).map_or(self.end_pos, |s| s.start_pos);
        end - self.segments[i].start_pos
    }

    /// Bytes of every segment (`UnifiedLog.size`).
    pub fn size(&self) -> u64 {
        self.end_pos - self.segments.first().map_or(self.end_pos, |s| s.start_pos)
    }

    /// The upper bound (exclusive) of segment `i`'s offsets: the next base offset or the LEO.
    pub fn segment_end_offset(&self, i: usize) -> u64 {
        self.segments.get(i + 1).map_or(self.leo, |s| s.base_offset)
    }

    /// Whether appending `batch` must roll the segment first (`LogSegment.shouldRoll`).
    pub fn should_roll(&self, batch: &LogBatch, cfg: &RollConfig, now: Micros) -> Option<RollReason> {
        self.should_roll_chunk(
            u64::from(batch.data.size_bytes),
            batch.data.meta.max_timestamp_ms,
            batch.last_offset(),
            cfg,
            now,
        )
    }

    /// `LogSegment.shouldRoll(RollParams)` for an append of `bytes` whose largest
    /// timestamp is `max_ts` and last offset `last_offset`.
    pub fn should_roll_chunk(
        &self,
        bytes: u64,
        max_ts: i64,
        last_offset: u64,
        cfg: &RollConfig,
        now: Micros,
    ) -> Option<RollReason> {
        let seg = self.active();
        let size = self.active_segment_bytes();
        if size > cfg.segment_bytes.saturating_sub(bytes) {
            return Some(RollReason::Size);
        }
        let waited = match seg.first_batch_ts_ms {
            Some(ts) if ts >= 0 => max_ts.saturating_sub(ts),
            _ => ((now / 1000) as i64).saturating_sub((seg.created_us / 1000) as i64),
        };
        if size > 0 && waited > cfg.segment_ms.saturating_sub(seg.roll_jitter_ms) {
            return Some(RollReason::Time);
        }
        let offset_max = (cfg.segment_index_bytes / 8) as usize;
        let time_max = (cfg.segment_index_bytes / 12) as usize;
        if seg.offset_index.len() >= offset_max || seg.time_index.len() >= time_max.saturating_sub(1) {
            return Some(RollReason::IndexFull);
        }
        if last_offset.saturating_sub(seg.base_offset) > i32::MAX as u64 {
            return Some(RollReason::OffsetOverflow);
        }
        None
    }

    /// Roll: a new active segment at `base` (the next batch's first offset). Kafka then
    /// fsyncs the old segment, so the recovery point moves to the new base offset.
    pub fn roll(&mut self, base: u64, now: Micros, cfg: &RollConfig) {
        let jitter = segment_jitter(base, now, cfg.segment_ms, cfg.segment_jitter_ms);
        if self.active_segment_bytes() == 0 && self.segments.len() > 1 {
            // An empty active segment is replaced, as `LocalLog.roll` deletes it.
            self.segments.pop();
        } else if self.active_segment_bytes() == 0 {
            self.segments.clear();
        } else if let Some(old) = self.segments.last_mut() {
            Log::close_time_index(old);
        }
        self.segments.push(Segment::new(base, self.end_pos, now, jitter));
        let leo = self.leo;
        self.flush_to(leo, now);
    }

    /// `LogSegment.onBecomeInactiveSegment`: a segment that stops being the active one
    /// gets a last time-index entry for its largest timestamp (unless the index already
    /// ends with it), so a time lookup finds its end.
    pub fn close_time_index(seg: &mut Segment) {
        let last = seg.time_index.last().map_or(-1, |&(t, _)| t);
        if seg.max_timestamp_ms > last {
            seg.time_index.push((seg.max_timestamp_ms, seg.max_timestamp_offset));
        }
    }

    /// Append a batch whose offsets and epoch are already set.
    pub fn append(&mut self, batch: LogBatch, now: Micros, index_interval_bytes: u64) {
        self.append_chunk(vec![batch], now, index_interval_bytes);
    }

    /// Append batches in one write (`UnifiedLog.append`: a follower appends a fetched
    /// partition's batches together), the segment's indexes updated once.
    pub fn append_chunk(&mut self, batches: Vec<LogBatch>, now: Micros, index_interval_bytes: u64) {
        let Some(last) = batches.last() else { return };
        let largest_offset = last.last_offset();
        let (mut max_ts, mut ts_offset) = (i64::MIN, largest_offset);
        for b in &batches {
            if b.data.meta.max_timestamp_ms > max_ts {
                max_ts = b.data.meta.max_timestamp_ms;
                ts_offset = b.last_offset();
            }
        }
        let start = self.end_pos;
        for batch in batches {
            self.assign(batch.leader_epoch, batch.base_offset);
            let size = batch.data.size_bytes as u64;
            self.leo = batch.next_offset();
            let pos = self.end_pos;
            self.entries.push(Entry { batch, pos, append_us: now });
            self.end_pos += size;
        }
        let size = self.end_pos - start;
        if let Some(seg) = self.segments.last_mut() {
            seg.on_append_chunk(largest_offset, max_ts, ts_offset, start, size, now, index_interval_bytes);
        }
    }

    /// fsync up to `offset`: bytes before it are durable, the recovery point moves.
    pub fn flush_to(&mut self, offset: u64, now: Micros) {
        let offset = offset.min(self.leo);
        if offset > self.recovery_point {
            self.recovery_point = offset;
        }
        self.durable_pos = self.durable_pos.max(self.pos_of(offset));
        self.last_flush_us = now;
    }

    /// Messages appended since the last fsync (`unflushedMessages`).
    pub fn unflushed_messages(&self) -> u64 {
        self.leo - self.recovery_point
    }

    /// The OS flusher at `now`: pages dirty since `now - expire` are written whole.
    /// Returns the offset below which every batch is now durable, if that advanced.
    pub fn writeback(&mut self, now: Micros, expire_us: Micros) -> Option<u64> {
        let cutoff = now.checked_sub(expire_us)?;
        let last = self.entries.partition_point(|e| e.append_us <= cutoff);
        if last == 0 {
            return None;
        }
        let end = self.entries[last - 1].end_pos();
        let page_end = end.div_ceil(PAGE_BYTES) * PAGE_BYTES;
        let new_pos = page_end.min(self.end_pos);
        if new_pos <= self.durable_pos {
            return None;
        }
        let before = self.durable_offset();
        self.durable_pos = new_pos;
        let after = self.durable_offset();
        (after > before).then_some(after)
    }

    /// The offset below which every batch is entirely on disk.
    pub fn durable_offset(&self) -> u64 {
        let n = self.entries.partition_point(|e| e.end_pos() <= self.durable_pos);
        self.entries.get(n).map_or(self.leo, |e| e.batch.base_offset)
    }

    /// Power loss: everything past `durable_pos` vanishes; a batch cut by it is torn and
    /// recovery drops it. Returns (first lost offset, LEO before, torn bytes kept on disk).
    pub fn lose_unflushed(&mut self) -> Option<(u64, u64, u32)> {
        let keep = self.entries.partition_point(|e| e.end_pos() <= self.durable_pos);
        if keep == self.entries.len() {
            return None;
        }
        let first_lost = self.entries[keep].batch.base_offset;
        let torn = self.durable_pos.saturating_sub(self.entries[keep].pos) as u32;
        let old_leo = self.leo;
        self.truncate_to(first_lost);
        Some((first_lost, old_leo, torn))
    }

    /// Remove every batch holding an offset at or above `offset`, as `LocalLog.truncateTo`
    /// does (a batch straddling it goes whole). Returns the removed entries.
    pub fn truncate_to(&mut self, offset: u64) -> Vec<Entry> {
        let idx = self.index_of(offset);
        let removed: Vec<Entry> = self.entries.drain(idx..).collect();
        match self.entries.last() {
            Some(e) => {
                self.leo = e.batch.next_offset();
                self.end_pos = e.end_pos();
            }
            None => {
                // Nothing left: below the log start offset this is
                // `truncateFullyAndStartAt(offset)`.
                self.leo = offset.min(self.log_start_offset).min(self.leo);
                self.log_start_offset = self.leo;
                self.end_pos = self.segments.first().map_or(0, |s| s.start_pos);
            }
        }
        self.truncate_epochs_from_end();
        // `LocalLog.truncateTo`: segments wholly above the new end go; the one holding it
        // is cut, with its indexes.
        let (end_pos, leo) = (self.end_pos, self.leo);
        let first_created = self.segments.first().map_or(0, |s| s.created_us);
        self.segments.retain(|s| s.start_pos < end_pos || (s.start_pos == end_pos && s.base_offset <= leo));
        while self.segments.len() > 1
            && self.segments.last().is_some_and(|s| s.start_pos == end_pos)
            && self.segments[self.segments.len() - 2].start_pos == end_pos
        {
            self.segments.remove(self.segments.len() - 2);
        }
        if self.segments.is_empty() {
            self.segments.push(Segment::new(leo, end_pos, first_created, 0));
        }
        let start = self.active().start_pos;
        let max_ts =
            self.entries.iter().rev().take_while(|e| e.pos >= start).map(|e| e.batch.data.meta.max_timestamp_ms).max();
        if let Some(seg) = self.segments.last_mut() {
            seg.offset_index.retain(|&(o, _)| o < leo);
            seg.time_index.retain(|&(_, o)| o < leo);
            seg.max_timestamp_ms = max_ts.unwrap_or(-1);
            if max_ts.is_none() {
                seg.first_batch_ts_ms = None;
            }
        }
        self.recovery_point = self.recovery_point.min(self.leo);
        self.durable_pos = self.durable_pos.min(self.end_pos);
        self.cache_pos = self.cache_pos.min(self.durable_pos);
        self.cleaner_checkpoint = self.cleaner_checkpoint.min(self.leo);
        removed
    }

    pub fn latest_epoch(&self) -> Option<u32> {
        self.epochs.last().map(|e| e.0)
    }

    /// `LeaderEpochFileCache.endOffsetFor`: (epoch found, end offset) for `requested`.
    /// None means UNDEFINED (the requested epoch is newer than any known).
    pub fn end_offset_for_epoch(&self, requested: u32) -> Option<(u32, u64)> {
        if self.latest_epoch() == Some(requested) {
            return Some((requested, self.leo));
        }
        let higher = self.epochs.iter().find(|e| e.0 > requested)?;
        match self.epochs.iter().rev().find(|e| e.0 <= requested) {
            Some(floor) => Some((floor.0, higher.1)),
            None => Some((requested, higher.1)),
        }
    }

    /// Record a new leader epoch starting at the LEO (`makeLeader`).
    pub fn assign_epoch(&mut self, epoch: u32) {
        self.assign(epoch, self.leo);
    }

    /// `LeaderEpochFileCache.assign`: a no-op for the latest epoch at or after its start;
    /// otherwise entries from the end whose epoch or start offset is not below the new
    /// one's are removed first (`maybeTruncateNonMonotonicEntries`), so the cache stays
    /// monotonic.
    fn assign(&mut self, epoch: u32, start_offset: u64) {
        if self.epochs.last().is_some_and(|&(e, start)| e == epoch && start_offset >= start) {
            return;
        }
        while self.epochs.last().is_some_and(|&(e, start)| e >= epoch || start >= start_offset) {
            self.epochs.pop();
        }
        self.epochs.push((epoch, start_offset));
    }

    /// `LeaderEpochFileCache.truncateFromEnd(logEndOffset)`: drop epochs that start at or
    /// past the LEO. A truncation that removes no batch still does this (`UnifiedLog.truncateTo`):
    /// a broker that became leader and appended nothing before losing the leadership holds
    /// an epoch entry at its LEO that the new leader never had.
    pub fn truncate_epochs_from_end(&mut self) {
        let leo = self.leo;
        self.epochs.retain(|e| e.1 < leo);
    }

    /// Batches from `offset` up to `max_bytes` (at least one batch if any).
    /// Batches from `offset`, up to `max_bytes`; with `min_one` the first batch comes
    /// whatever its size (`minOneMessage`), without it a first batch too large gives none.
    pub fn read(&self, offset: u64, max_bytes: u64, min_one: bool) -> Vec<LogBatch> {
        let mut out = Vec::new();
        let mut bytes = 0u64;
        let from = self.index_of(offset);
        // `LocalLog.read` reads from one segment: the one holding the first batch to return
        // (an empty floor segment is skipped); a fetch never crosses a segment's end, so
        // followers roll where the leader rolled.
        let segment_end = self.entries.get(from).map_or(u64::MAX, |e| {
            let base = e.batch.base_offset;
            let next = self.segments.partition_point(|s| s.base_offset <= base);
            self.segments.get(next).map_or(u64::MAX, |s| s.base_offset)
        });
        for e in &self.entries[from..] {
            let size = e.batch.data.size_bytes as u64;
            if e.batch.base_offset >= segment_end || ((!out.is_empty() || !min_one) && bytes + size > max_bytes) {
                break;
            }
            bytes += size;
            out.push(e.batch.clone());
        }
        out
    }

    /// When the batch holding byte position `pos` was appended (the log's end: now-ish, as
    /// late as possible).
    pub fn append_us_at(&self, pos: u64) -> Micros {
        let i = self.entries.partition_point(|e| e.end_pos() <= pos);
        self.entries.get(i).map_or(Micros::MAX, |e| e.append_us)
    }

    pub fn bytes_after(&self, offset: u64) -> u64 {
        self.end_pos - self.pos_of(offset)
    }
}

/// A plain (non-idempotent) batch for tests: `n` records with ids `base..`, `size` bytes,
/// stamped with leader epoch `epoch` and max timestamp `ts`.
#[cfg(test)]
pub(crate) fn test_batch(base: u64, n: u32, size: u32, epoch: u32, ts: i64) -> LogBatch {
    use crate::protocol::{BatchData, BatchMeta};
    LogBatch {
        base_offset: base,
        leader_epoch: epoch,
        data: std::rc::Rc::new(BatchData {
            batch_id: 0,
            producer_id: -1,
            producer_epoch: -1,
            base_sequence: -1,
            transactional: false,
            control: None,
            records: (0..n).map(|i| base as u32 + i).collect::<Vec<u32>>().into(),
            size_bytes: size,
            uncompressed_bytes: size,
            meta: BatchMeta { max_timestamp_ms: ts, ..Default::default() },
            cleaned: None,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(base: u64, n: u32, size: u32, epoch: u32) -> LogBatch {
        test_batch(base, n, size, epoch, 0)
    }

    #[test]
    fn leader_epoch_cache_follows_kafka_assign_and_truncate_from_end() {
        let mut log = Log::new();
        log.assign_epoch(0);
        log.append(batch(0, 7, 700, 0), 0, 4096);
        // Elected in epoch 1 at LEO 7, then nothing appended.
        log.assign_epoch(1);
        assert_eq!(log.epochs, vec![(0, 0), (1, 7)]);
        assert_eq!(log.end_offset_for_epoch(0), Some((0, 7)));
        // A truncation to the LEO removes no batch but trims the entry at the LEO.
        assert!(log.truncate_to(7).is_empty());
        assert_eq!(log.epochs, vec![(0, 0)]);
        assert_eq!(log.latest_epoch(), Some(0));
        // Re-assigning the latest epoch later is a no-op; an older epoch after a newer one
        // removes the non-monotonic entries first.
        log.append(batch(7, 3, 300, 0), 1, 4096);
        assert_eq!(log.epochs, vec![(0, 0)]);
        log.assign_epoch(2);
        log.append(batch(10, 1, 100, 1), 2, 4096);
        assert_eq!(log.epochs, vec![(0, 0), (1, 10)]);
    }

    #[test]
    fn power_loss_keeps_flushed_prefix_and_cuts_torn_batch() {
        let mut log = Log::new();
        log.append(batch(0, 10, 1000, 0), 0, 4096);
        log.append(batch(10, 10, 1000, 0), 1, 4096);
        log.flush_to(10, 2);
        log.append(batch(20, 10, 1000, 0), 3, 4096);
        assert_eq!(log.durable_offset(), 10);
        let lost = log.lose_unflushed();
        assert_eq!(lost, Some((10, 30, 0)));
        assert_eq!(log.leo, 10);
    }

    #[test]
    fn writeback_writes_whole_pages_and_tears_the_next_batch() {
        let mut log = Log::new();
        log.append(batch(0, 10, 3000, 0), 0, 4096);
        log.append(batch(10, 10, 3000, 0), 40_000_000, 4096);
        // At 35 s only the first batch has been dirty for 30 s; its page run ends at 4096,
        // which carries 1096 bytes of the second batch.
        assert_eq!(log.writeback(35_000_000, 30_000_000), Some(10));
        assert_eq!(log.durable_pos, 4096);
        assert_eq!(log.lose_unflushed(), Some((10, 20, 1096)));
    }

    #[test]
    fn epoch_end_offsets_follow_kafka() {
        let mut log = Log::new();
        log.append(batch(0, 5, 100, 1), 0, 4096);
        log.append(batch(5, 5, 100, 3), 0, 4096);
        assert_eq!(log.end_offset_for_epoch(3), Some((3, 10)));
        assert_eq!(log.end_offset_for_epoch(2), Some((1, 5)));
        assert_eq!(log.end_offset_for_epoch(0), Some((0, 0)));
        assert_eq!(log.end_offset_for_epoch(4), None);
        log.truncate_to(5);
        assert_eq!(log.latest_epoch(), Some(1));
        assert_eq!(log.leo, 5);
    }

    #[test]
    fn roll_fsyncs_the_old_segment() {
        let mut log = Log::new();
        log.append(batch(0, 10, 600, 0), 0, 4096);
        let cfg = RollConfig { segment_bytes: 1000, ..RollConfig::default() };
        assert_eq!(log.should_roll(&batch(10, 10, 600, 0), &cfg, 1), Some(RollReason::Size));
        log.roll(10, 1, &cfg);
        assert_eq!(log.recovery_point, 10);
        assert_eq!(log.segments.len(), 2);
    }
}
