//! The leader's `LogValidator` on a client batch, after the size checks: keys,
//! timestamps and the topic's `compression.type`.
//!
//! - A compacted topic (`cleanup.policy` with `compact`) refuses a record without a key:
//!   INVALID_RECORD ("Compacted topic cannot accept message without key") for the batch.
//! - CreateTime topics refuse a batch with a record whose timestamp is more than
//!   `message.timestamp.before.max.ms` in the past or `message.timestamp.after.max.ms`
//!   in the future of the broker's clock: INVALID_TIMESTAMP for the whole batch.
//! - LogAppendTime topics stamp the batch: its `maxTimestamp` becomes the broker's clock
//!   and the timestamp type bit says so; producers' timestamps are not checked.
//! - A topic codec other than `producer` that differs from the batch's makes the leader
//!   rebuild the batch in it (`buildRecordsAndAssignOffsets`): producer id, epoch,
//!   sequence and the records are kept, the size is that of the new compressed bytes
//!   (compressed for real, at the codec's default level), and the new size is checked
//!   against `max.message.bytes` again (MESSAGE_TOO_LARGE).
//!
//! The broker's clock is the scenario's epoch plus virtual time.

use std::rc::Rc;

use super::ClusterSpec;
use crate::config::{CompressionType, TopicConfig};
use crate::format::size::RECORD_BATCH_OVERHEAD;
use crate::history::History;
use crate::protocol::{BatchData, Error};
use crate::sim::Micros;

/// The broker's wall clock in ms.
pub fn now_ms(spec: &ClusterSpec, now: Micros) -> i64 {
    spec.workload.epoch_ms.saturating_add((now / 1000) as i64)
}

/// The batch as it will be written, or the error that refuses it.
pub fn validate_batch(
    spec: &ClusterSpec,
    cfg: &TopicConfig,
    history: &History,
    now: Micros,
    data: Rc<BatchData>,
) -> Result<Rc<BatchData>, Error> {
    if data.control.is_some() || data.records.is_empty() {
        return Ok(data);
    }
    let clock = now_ms(spec, now);
    // Record errors (`LogValidator.validateRecord`): a record without a key on a compacted
    // topic is INVALID_RECORD and its timestamp is not looked at; otherwise a CreateTime
    // outside message.timestamp.before/after.max.ms is INVALID_TIMESTAMP. Across the batch
    // INVALID_TIMESTAMP wins (`processRecordErrors`).
    let ts_checked = !cfg.log_append_time;
    if ts_checked || cfg.cleanup_compact {
        let mut keyless = false;
        for &r in data.records.iter() {
            let rec = history.record(r);
            if cfg.cleanup_compact && rec.key.is_none() {
                keyless = true;
                continue;
            }
            if ts_checked {
                let ts = rec.timestamp_ms;
                if clock.saturating_sub(ts) > cfg.timestamp_before_max_ms
                    || ts.saturating_sub(clock) > cfg.timestamp_after_max_ms
                {
                    return Err(Error::InvalidTimestamp);
                }
            }
        }
        if keyless {
            return Err(Error::InvalidRecord);
        }
    }
    let recompress = cfg.compression.filter(|&c| c != data.meta.codec);
    if !cfg.log_append_time && recompress.is_none() {
        return Ok(data);
    }
    let mut out = (*data).clone();
    if cfg.log_append_time {
        out.meta.max_timestamp_ms = clock;
        out.meta.log_append_time = true;
    }
    if let Some(codec) = recompress {
        let mut raw = Vec::new();
        spec.workload.encode_records(history, &data.records, data.meta.base_timestamp_ms, &mut raw);
        let level = match codec {
            CompressionType::Lz4 => 9,
            CompressionType::Zstd => 3,
            _ => -1,
        };
        let compressed = crate::format::compress::compressed_size(codec, level, &raw);
        out.meta.codec = codec;
        out.meta.level = level;
        out.size_bytes = RECORD_BATCH_OVERHEAD.saturating_add(compressed);
        out.uncompressed_bytes = RECORD_BATCH_OVERHEAD.saturating_add(raw.len() as u32);
        if out.size_bytes > cfg.max_message_bytes {
            return Err(Error::MessageTooLarge);
        }
    }
    Ok(Rc::new(out))
}
