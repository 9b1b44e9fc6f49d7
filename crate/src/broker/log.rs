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

#[derive(Clone, Debug, Default)]
pub struct Log {
    pub entries: Vec<Entry>,
    /// Log end offset.
    pub leo: u64,
    pub end_pos: u64,
    /// Leader-epoch cache: (epoch, start offset), ascending.
    pub epochs: Vec<(u32, u64)>,
    /// Segments: (base offset, start position); the last is the active segment.
    pub segments: Vec<(u64, u64)>,
    /// Offset below which Kafka has fsynced the log.
    pub recovery_point: u64,
    /// Byte position below which the data is on disk (fsync or OS writeback).
    pub durable_pos: u64,
    /// Byte position below which the page cache no longer holds the log (evicted; only
    /// durable bytes are evicted, so never above `durable_pos`).
    pub cache_pos: u64,
    pub last_flush_us: Micros,
}

impl Log {
    pub fn new() -> Log {
        Log { segments: vec![(0, 0)], ..Log::default() }
    }

    /// Index of the first entry whose last offset is >= `offset`.
    pub fn index_of(&self, offset: u64) -> usize {
        self.entries.partition_point(|e| e.batch.last_offset() < offset)
    }

    /// Position of `offset`'s batch start (or the end of the log).
    pub fn pos_of(&self, offset: u64) -> u64 {
        self.entries.get(self.index_of(offset)).map_or(self.end_pos, |e| e.pos)
    }

    pub fn active_segment_bytes(&self) -> u64 {
        self.end_pos - self.segments.last().map_or(0, |s| s.1)
    }

    /// Whether appending `bytes` must roll the segment first (`LogSegment.shouldRoll`).
    pub fn should_roll(&self, bytes: u64, segment_bytes: u64) -> bool {
        let active = self.active_segment_bytes();
        active > 0 && active > segment_bytes.saturating_sub(bytes)
    }

    /// Roll: a new active segment at the LEO. Kafka then fsyncs the old segment, so the
    /// recovery point moves to the new base offset.
    pub fn roll(&mut self, now: Micros) {
        self.segments.push((self.leo, self.end_pos));
        self.flush_to(self.leo, now);
    }

    /// Append a batch whose offsets and epoch are already set.
    pub fn append(&mut self, batch: LogBatch, now: Micros) {
        self.assign(batch.leader_epoch, batch.base_offset);
        let size = batch.data.size_bytes as u64;
        self.leo = batch.next_offset();
        self.entries.push(Entry { batch, pos: self.end_pos, append_us: now });
        self.end_pos += size;
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
        self.leo = self.entries.last().map_or(self.segments.first().map_or(0, |s| s.0), |e| e.batch.next_offset());
        self.end_pos = self.entries.last().map_or(0, |e| e.end_pos());
        self.truncate_epochs_from_end();
        self.segments.retain(|s| s.1 < self.end_pos || s.1 == 0);
        if self.segments.is_empty() {
            self.segments.push((0, 0));
        }
        self.recovery_point = self.recovery_point.min(self.leo);
        self.durable_pos = self.durable_pos.min(self.end_pos);
        self.cache_pos = self.cache_pos.min(self.durable_pos);
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
    pub fn read(&self, offset: u64, max_bytes: u64) -> Vec<LogBatch> {
        let mut out = Vec::new();
        let mut bytes = 0u64;
        for e in &self.entries[self.index_of(offset)..] {
            let size = e.batch.data.size_bytes as u64;
            if !out.is_empty() && bytes + size > max_bytes {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::BatchData;
    use std::rc::Rc;

    fn batch(base: u64, n: u32, size: u32, epoch: u32) -> LogBatch {
        LogBatch {
            base_offset: base,
            leader_epoch: epoch,
            data: Rc::new(BatchData {
                batch_id: 0,
                producer_id: -1,
                producer_epoch: -1,
                base_sequence: -1,
                transactional: false,
                control: None,
                records: (0..n).collect::<Vec<u32>>().into(),
                size_bytes: size,
                uncompressed_bytes: size,
                meta: Default::default(),
            }),
        }
    }

    #[test]
    fn leader_epoch_cache_follows_kafka_assign_and_truncate_from_end() {
        let mut log = Log::new();
        log.assign_epoch(0);
        log.append(batch(0, 7, 700, 0), 0);
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
        log.append(batch(7, 3, 300, 0), 1);
        assert_eq!(log.epochs, vec![(0, 0)]);
        log.assign_epoch(2);
        log.append(batch(10, 1, 100, 1), 2);
        assert_eq!(log.epochs, vec![(0, 0), (1, 10)]);
    }

    #[test]
    fn power_loss_keeps_flushed_prefix_and_cuts_torn_batch() {
        let mut log = Log::new();
        log.append(batch(0, 10, 1000, 0), 0);
        log.append(batch(10, 10, 1000, 0), 1);
        log.flush_to(10, 2);
        log.append(batch(20, 10, 1000, 0), 3);
        assert_eq!(log.durable_offset(), 10);
        let lost = log.lose_unflushed();
        assert_eq!(lost, Some((10, 30, 0)));
        assert_eq!(log.leo, 10);
    }

    #[test]
    fn writeback_writes_whole_pages_and_tears_the_next_batch() {
        let mut log = Log::new();
        log.append(batch(0, 10, 3000, 0), 0);
        log.append(batch(10, 10, 3000, 0), 40_000_000);
        // At 35 s only the first batch has been dirty for 30 s; its page run ends at 4096,
        // which carries 1096 bytes of the second batch.
        assert_eq!(log.writeback(35_000_000, 30_000_000), Some(10));
        assert_eq!(log.durable_pos, 4096);
        assert_eq!(log.lose_unflushed(), Some((10, 20, 1096)));
    }

    #[test]
    fn epoch_end_offsets_follow_kafka() {
        let mut log = Log::new();
        log.append(batch(0, 5, 100, 1), 0);
        log.append(batch(5, 5, 100, 3), 0);
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
        log.append(batch(0, 10, 600, 0), 0);
        assert!(log.should_roll(600, 1000));
        log.roll(1);
        assert_eq!(log.recovery_point, 10);
        assert_eq!(log.segments.len(), 2);
    }
}
