//! A replica's segment files as `kafka-dump-log.sh --files … --deep-iteration` prints
//! them (`DumpLogSegments`), with each batch's CRC computed over the bytes kplay would
//! write for it.
//!
//! A batch is encoded as `DefaultRecordBatch` lays it out (the 61-byte header, then each
//! record as `DefaultRecord.writeTo` writes it, compressed and framed as Kafka frames its
//! codec), and its CRC is CRC-32C from the attributes to the end. Values are kplay's
//! deterministic payloads, so the CRC of an uncompressed batch is what Kafka computes for
//! the same bytes; a compressed batch's CRC is over kplay's codec output (pure-Rust
//! codecs, which frame as Kafka does but do not emit the same compressed bytes as the JVM's).

use crate::broker::replica::Replica;
use crate::config::CompressionType;
use crate::format::checksum::crc32c;
use crate::format::compress::compress;
use crate::format::size::write_record;
use crate::history::History;
use crate::protocol::Tp;
use crate::protocol::{BatchData, Marker};
use crate::world::World;

/// The header fields of one encoded v2 batch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchHeader {
    pub attributes: i16,
    pub last_offset_delta: i32,
    pub base_timestamp: i64,
    pub max_timestamp: i64,
    pub count: i32,
    pub crc: u32,
    /// The whole batch's length in bytes.
    pub size: u32,
}

fn codec_id(c: CompressionType) -> i16 {
    match c {
        CompressionType::None => 0,
        CompressionType::Gzip => 1,
        CompressionType::Snappy => 2,
        CompressionType::Lz4 => 3,
        CompressionType::Zstd => 4,
    }
}

fn codec_name(c: CompressionType) -> &'static str {
    ["none", "gzip", "snappy", "lz4", "zstd"][codec_id(c) as usize]
}

/// `EndTransactionMarker`: the control record's key (version 0, type ABORT=0 / COMMIT=1)
/// and value (version 0, coordinator epoch).
fn marker_record(out: &mut Vec<u8>, m: Marker, coordinator_epoch: i32, timestamp_delta: i64) {
    let kind: i16 = match m {
        Marker::Abort => 0,
        Marker::Commit => 1,
    };
    let mut key = 0i16.to_be_bytes().to_vec();
    key.extend_from_slice(&kind.to_be_bytes());
    let mut value = 0i16.to_be_bytes().to_vec();
    value.extend_from_slice(&coordinator_epoch.to_be_bytes());
    write_record(out, 0, timestamp_delta, Some(&key), Some(&value), &[]);
}

/// The bytes of a transaction marker's control batch: its size in the log.
pub fn marker_batch_size() -> u32 {
    let mut out = Vec::new();
    marker_record(&mut out, Marker::Commit, 0, 0);
    crate::format::RECORD_BATCH_OVERHEAD + out.len() as u32
}

/// Encode `data` at `base_offset` with `leader_epoch` as a v2 batch: its bytes and header.
pub fn encode_batch(w: &World, data: &BatchData, base_offset: u64, leader_epoch: u32) -> (Vec<u8>, BatchHeader) {
    encode(&w.spec.workload, &w.history, data, base_offset, leader_epoch)
}

fn encode(
    workload: &crate::producer::Workload,
    history: &History,
    data: &BatchData,
    base_offset: u64,
    leader_epoch: u32,
) -> (Vec<u8>, BatchHeader) {
    let meta = &data.meta;
    let horizon = data.cleaned.as_ref().and_then(|c| c.delete_horizon_ms);
    // A batch the cleaner rebuilt starts its timestamps at the first record kept, or at
    // its deleteHorizonMs (`MemoryRecordsBuilder`).
    let base_ts = match (&data.cleaned, data.records.first()) {
        (Some(_), _) if horizon.is_some() => horizon.unwrap_or(0),
        (Some(_), Some(&r)) => history.record(r).timestamp_ms,
        _ => meta.base_timestamp_ms,
    };
    let mut raw = Vec::new();
    match data.control {
        // Rebuilt with a delete horizon, the marker's delta is its timestamp minus it.
        Some(m) => marker_record(&mut raw, m, 0, meta.max_timestamp_ms - base_ts),
        None => workload.encode_records_at(history, &data.records, |i| data.offset_delta(i) as u32, base_ts, &mut raw),
    }
    let body = if data.control.is_some() { raw } else { compress(meta.codec, meta.level, &raw) };
    let count = if data.control.is_some() { 1 } else { data.records.len() as i32 };
    let mut attributes = if data.control.is_some() { 0 } else { codec_id(meta.codec) };
    if meta.log_append_time {
        attributes |= 1 << 3;
    }
    if data.transactional {
        attributes |= 1 << 4;
    }
    if data.control.is_some() {
        attributes |= 1 << 5;
    }
    if horizon.is_some() {
        attributes |= 1 << 6;
    }
    let last_offset_delta = data.offset_count().saturating_sub(1) as i32;
    let mut out = Vec::with_capacity(61 + body.len());
    out.extend_from_slice(&(base_offset as i64).to_be_bytes());
    let length = (61 - 12 + body.len()) as i32;
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&(leader_epoch as i32).to_be_bytes());
    out.push(2); // magic
    out.extend_from_slice(&[0; 4]); // crc, below
    out.extend_from_slice(&attributes.to_be_bytes());
    out.extend_from_slice(&last_offset_delta.to_be_bytes());
    out.extend_from_slice(&base_ts.to_be_bytes());
    out.extend_from_slice(&meta.max_timestamp_ms.to_be_bytes());
    out.extend_from_slice(&data.producer_id.to_be_bytes());
    out.extend_from_slice(&data.producer_epoch.to_be_bytes());
    out.extend_from_slice(&data.base_sequence.to_be_bytes());
    out.extend_from_slice(&count.to_be_bytes());
    out.extend_from_slice(&body);
    let crc = crc32c(&out[21..]);
    out[17..21].copy_from_slice(&crc.to_be_bytes());
    let size = out.len() as u32;
    let header = BatchHeader {
        attributes,
        last_offset_delta,
        base_timestamp: base_ts,
        max_timestamp: meta.max_timestamp_ms,
        count,
        crc,
        size,
    };
    (out, header)
}

/// The partition named `name` (`orders-0`), if the run has it.
pub fn find_tp(w: &World, name: &str) -> Option<Tp> {
    w.controller.image.partitions().map(|(tp, _)| tp).find(|tp| tp.name(&w.names) == name)
}

fn replica(w: &World, tp: Tp, broker: u16) -> Result<&Replica, String> {
    w.view().replica(broker, tp).ok_or_else(|| format!("broker-{broker} holds no replica of {}", tp.name(&w.names)))
}

fn file_name(base: u64) -> String {
    format!("{base:020}")
}

/// What to print for each record (`--deep-iteration`, `--print-data-log`).
#[derive(Clone, Copy, Debug, Default)]
pub struct DumpOptions {
    pub deep_iteration: bool,
    pub print_data_log: bool,
}

/// `kafka-dump-log.sh --files <segment>.log` for the segment of `tp` on `broker` whose base
/// offset is `base` (every segment when None), then its `.index` and `.timeindex`.
pub fn dump(w: &World, tp: Tp, broker: u16, base: Option<u64>, opts: DumpOptions) -> Result<String, String> {
    let r = replica(w, tp, broker)?;
    let log = &r.log;
    let tp = tp.name(&w.names);
    let dir = format!("/var/lib/kafka/data/{tp}");
    let mut out = String::new();
    let mut any = false;
    for (i, seg) in log.segments.iter().enumerate() {
        if base.is_some_and(|b| b != seg.base_offset) {
            continue;
        }
        any = true;
        let name = file_name(seg.base_offset);
        let end_pos = log.segments.get(i + 1).map_or(log.end_pos, |x| x.start_pos);
        out.push_str(&format!("Dumping {dir}/{name}.log\nLog starting offset: {}\n", seg.base_offset));
        let lo = log.entries.partition_point(|e| e.pos < seg.start_pos);
        let hi = log.entries.partition_point(|e| e.pos < end_pos);
        for e in &log.entries[lo..hi] {
            batch_lines(
                w,
                &mut out,
                &e.batch.data,
                e.batch.base_offset,
                e.batch.leader_epoch,
                e.pos - seg.start_pos,
                opts,
            );
        }
        out.push_str(&format!("Dumping {dir}/{name}.index\n"));
        if seg.offset_index.is_empty() {
            out.push_str(&format!("{dir}/{name}.index is empty.\n"));
        }
        for (offset, position) in &seg.offset_index {
            out.push_str(&format!("offset: {offset} position: {position}\n"));
        }
        out.push_str(&format!("Dumping {dir}/{name}.timeindex\n"));
        for (ts, offset) in &seg.time_index {
            out.push_str(&format!("timestamp: {ts} offset: {offset}\n"));
        }
    }
    if !any {
        let bases: Vec<String> = log.segments.iter().map(|s| s.base_offset.to_string()).collect();
        return Err(format!(
            "{tp} on broker-{broker} has no segment with base offset {}; its segments start at {}",
            base.unwrap_or(0),
            bases.join(", ")
        ));
    }
    Ok(out)
}

fn batch_lines(w: &World, out: &mut String, data: &BatchData, base: u64, epoch: u32, position: u64, opts: DumpOptions) {
    use std::fmt::Write;
    let (bytes, h) = encode_batch(w, data, base, epoch);
    let ts_type = if data.meta.log_append_time { "LogAppendTime" } else { "CreateTime" };
    let horizon = match data.cleaned.as_ref().and_then(|c| c.delete_horizon_ms) {
        Some(ms) => format!("OptionalLong[{ms}]"),
        None => "OptionalLong.empty".to_string(),
    };
    let codec = if data.control.is_some() { CompressionType::None } else { data.meta.codec };
    let _ = writeln!(
        out,
        "baseOffset: {base} lastOffset: {} count: {} baseSequence: {} lastSequence: {} producerId: {} producerEpoch: {} \
         partitionLeaderEpoch: {epoch} isTransactional: {} isControl: {} deleteHorizonMs: {horizon} position: {position} \
         {ts_type}: {} size: {} magic: 2 compresscodec: {} crc: {} isvalid: true",
        base + h.last_offset_delta as u64,
        h.count,
        data.base_sequence,
        data.last_sequence(),
        data.producer_id,
        data.producer_epoch,
        data.transactional,
        data.control.is_some(),
        h.max_timestamp,
        bytes.len(),
        codec_name(codec),
        h.crc,
    );
    if !opts.deep_iteration && !opts.print_data_log {
        return;
    }
    let sequence = |delta: u64| -> i64 {
        if data.base_sequence < 0 {
            -1
        } else {
            (i64::from(data.base_sequence) + delta as i64) % (i64::from(i32::MAX) + 1)
        }
    };
    if let Some(m) = data.control {
        let kind = match m {
            Marker::Abort => "ABORT",
            Marker::Commit => "COMMIT",
        };
        let _ = writeln!(
            out,
            "| offset: {base} {ts_type}: {} keySize: 4 valueSize: 6 sequence: -1 headerKeys: [] endTxnMarker: {kind} coordinatorEpoch: 0",
            h.max_timestamp
        );
        return;
    }
    let workload = &w.spec.workload;
    let mut key = Vec::new();
    let mut value = Vec::new();
    for (i, &r) in data.records.iter().enumerate() {
        let rec = w.history.record(r);
        let delta = data.offset_delta(i);
        let ts = if data.meta.log_append_time { h.max_timestamp } else { rec.timestamp_ms };
        let has_key = workload.key_into(rec.stmt, rec.index, &mut key);
        value.clear();
        workload.value_into(rec.stmt, r, &mut value);
        let has_value = workload.value_len(rec.stmt).is_some();
        let headers: Vec<&str> = workload.headers(rec.stmt).iter().map(|(k, _)| k.as_str()).collect();
        let _ = write!(
            out,
            "| offset: {} {ts_type}: {ts} keySize: {} valueSize: {} sequence: {} headerKeys: [{}]",
            base + delta,
            if has_key { key.len() as i64 } else { -1 },
            if has_value { value.len() as i64 } else { -1 },
            sequence(delta),
            headers.join(","),
        );
        if opts.print_data_log {
            if has_key {
                let _ = write!(out, " key: {}", String::from_utf8_lossy(&key));
            }
            if has_value {
                let _ = write!(out, " payload: {}", String::from_utf8_lossy(&value));
            }
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::{RunOptions, Session};

    fn session(text: &str) -> Session {
        let mut s = Session::new(text, RunOptions::default()).unwrap_or_else(|d| panic!("{d:?}"));
        s.run_to_end();
        s
    }

    /// Every batch in every replica, re-encoded: the bytes are as long as the log says
    /// the batch is, and the CRC is CRC-32C of what follows it.
    fn check_every_batch(s: &Session) -> usize {
        let w = &s.world;
        let mut n = 0;
        for b in &w.brokers {
            for (tp, r) in b.replicas.iter() {
                for e in &r.log.entries {
                    let (bytes, h) = encode_batch(w, &e.batch.data, e.batch.base_offset, e.batch.leader_epoch);
                    if e.batch.data.cleaned.is_none() {
                        assert_eq!(bytes.len() as u32, e.batch.data.size_bytes, "{tp:?} @{}", e.batch.base_offset);
                    }
                    assert_eq!(u32::from_be_bytes([bytes[17], bytes[18], bytes[19], bytes[20]]), h.crc);
                    assert_eq!(crc32c(&bytes[21..]), h.crc);
                    assert_eq!(bytes[16], 2, "magic");
                    assert_eq!(
                        i32::from_be_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize,
                        bytes.len() - 12
                    );
                    n += 1;
                }
            }
        }
        n
    }

    #[test]
    fn encoded_batches_are_as_long_as_the_log_says_for_every_codec_and_shape() {
        for codec in ["none", "gzip", "snappy", "lz4", "zstd"] {
            let text = format!(
                "seed 4\nbrokers 2\ntopic t partitions=1 replication.factor=2\ntopic re partitions=1 compression.type=lz4\n\
                 producer app linger.ms=20 compression.type={codec} compression.gzip.level=3\n\
                 at 100ms app send t count=40 every=1ms size=300B headers=trace:abc,region:eu\n\
                 at 200ms app send t count=5 every=1ms key=user-{{i}} value=null\n\
                 at 300ms app send t count=30 every=1ms key=k{{i}} value=v{{i}}\n\
                 at 400ms app send re count=20 every=1ms size=1KiB\n"
            );
            let s = session(&text);
            assert!(check_every_batch(&s) > 6, "{codec}");
        }
    }

    #[test]
    fn markers_and_transactions_encode_and_dump_as_kafka_dump_log_does() {
        let s = session(
            "seed 1\nbrokers 1\ntopic orders partitions=1\nproducer app transactional.id=tx\n\
             at 100ms app begin\nat 100ms app send orders count=3 every=10ms key=k{i}\nat 500ms app commit\n",
        );
        assert_eq!(check_every_batch(&s), 4);
        let out = s.dump("orders-0", 1, None, DumpOptions { deep_iteration: true, print_data_log: true }).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines[0], "Dumping /var/lib/kafka/data/orders-0/00000000000000000000.log");
        assert_eq!(lines[1], "Log starting offset: 0");
        assert!(
            lines[2].starts_with("baseOffset: 0 lastOffset: 0 count: 1 baseSequence: 0 lastSequence: 0 producerId: "),
            "{}",
            lines[2]
        );
        assert!(lines[2].contains(
            " isTransactional: true isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: "
        ));
        assert!(lines[2].contains(" magic: 2 compresscodec: none crc: ") && lines[2].ends_with(" isvalid: true"));
        assert!(
            lines[3].starts_with("| offset: 0 CreateTime: ")
                && lines[3].contains(" keySize: 2 valueSize: 100 sequence: 0 headerKeys: [] key: k0 payload: {"),
            "{}",
            lines[3]
        );
        let marker = lines.iter().position(|l| l.contains("isControl: true")).unwrap();
        assert!(lines[marker].contains(" size: 78 "), "{}", lines[marker]);
        assert!(lines[marker + 1].ends_with("endTxnMarker: COMMIT coordinatorEpoch: 0"), "{}", lines[marker + 1]);
        // Positions add up the sizes before them.
        let pos =
            |l: &str| -> u64 { l.split(" position: ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap() };
        let size = |l: &str| -> u64 { l.split(" size: ").nth(1).unwrap().split(' ').next().unwrap().parse().unwrap() };
        let batches: Vec<&str> = lines.iter().copied().filter(|l| l.starts_with("baseOffset: ")).collect();
        for w in batches.windows(2) {
            assert_eq!(pos(w[1]), pos(w[0]) + size(w[0]));
        }
        assert!(s
            .dump("orders-0", 1, Some(7), DumpOptions::default())
            .unwrap_err()
            .contains("no segment with base offset 7"));
        assert!(s.dump("orders-0", 2, None, DumpOptions::default()).unwrap_err().contains("broker-2 holds no replica"));
        assert!(s.dump("nope-0", 1, None, DumpOptions::default()).unwrap_err().contains("no partition nope-0"));
    }

    #[test]
    fn a_marker_batch_is_78_bytes() {
        // 61-byte header + a 17-byte control record (length 1, attributes 1, deltas 1+1,
        // key length 1 + 4, value length 1 + 6, header count 1): kafka-dump-log's "size: 78".
        assert_eq!(marker_batch_size(), 78);
    }
}
