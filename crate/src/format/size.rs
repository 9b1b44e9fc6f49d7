//! Sizes in the bytes Kafka counts (`DefaultRecord`, `DefaultRecordBatch`,
//! `MemoryRecordsBuilder`).
//!
//! A record is: length (varint), attributes (1), timestampDelta (varlong), offsetDelta
//! (varint), key length (varint, -1 for null) + key, value length (varint) + value,
//! header count (varint) + headers, each a key length (varint) + key and a value length
//! (varint, -1 for null) + value. Varints are zig-zag protobuf varints.
//!
//! Sums saturate at `u32::MAX`: `size=4294967295` is a value no batch can hold, and its
//! upper bound must stay above any `max.request.size` (a Java INT) so `send()` refuses it
//! with `RecordTooLargeException`, as Kafka does, instead of wrapping to a small size.

/// `DefaultRecordBatch.RECORD_BATCH_OVERHEAD`: the v2 batch header.
pub const RECORD_BATCH_OVERHEAD: u32 = 61;
/// `DefaultRecord.MAX_RECORD_OVERHEAD`.
pub const MAX_RECORD_OVERHEAD: u32 = 21;

/// `ByteUtils.sizeOfVarint`: zig-zag encode, then 7 bits per byte.
pub fn varint_size(v: i32) -> u32 {
    let mut z = ((v << 1) ^ (v >> 31)) as u32;
    let mut n = 1;
    while z >= 0x80 {
        z >>= 7;
        n += 1;
    }
    n
}

/// `ByteUtils.sizeOfVarlong`.
pub fn varlong_size(v: i64) -> u32 {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    let mut n = 1;
    while z >= 0x80 {
        z >>= 7;
        n += 1;
    }
    n
}

fn field_size(len: Option<u32>) -> u32 {
    match len {
        None => 1, // varint(-1)
        Some(n) => varint_size(n as i32).saturating_add(n),
    }
}

/// The bytes of a record's headers, their count included (`DefaultRecord.sizeOf`):
/// 1 for none.
pub fn headers_size<K: AsRef<[u8]>, V: AsRef<[u8]>>(headers: &[(K, Option<V>)]) -> u32 {
    let mut n = varint_size(headers.len() as i32);
    for (k, v) in headers {
        n = n
            .saturating_add(field_size(Some(k.as_ref().len() as u32)))
            .saturating_add(field_size(v.as_ref().map(|v| v.as_ref().len() as u32)));
    }
    n
}

/// What a record's size depends on besides its position: key and value lengths (None:
/// null) and the bytes of its headers (`headers_size`, 1 for none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    pub key: Option<u32>,
    pub value: Option<u32>,
    pub headers: u32,
}

impl Shape {
    pub fn new(key: Option<u32>, value: Option<u32>) -> Shape {
        Shape { key, value, headers: 1 }
    }
}

/// `DefaultRecord.sizeInBytes`: the exact size of one record.
pub fn record_size(offset_delta: u32, timestamp_delta_ms: i64, shape: Shape) -> u32 {
    let body = record_body_size(offset_delta, timestamp_delta_ms, shape);
    body.saturating_add(varint_size(body as i32))
}

/// The record body: everything after the leading length varint.
fn record_body_size(offset_delta: u32, timestamp_delta_ms: i64, shape: Shape) -> u32 {
    1u32 // attributes
        .saturating_add(varlong_size(timestamp_delta_ms))
        .saturating_add(varint_size(offset_delta as i32))
        .saturating_add(field_size(shape.key))
        .saturating_add(field_size(shape.value))
        .saturating_add(shape.headers)
}

/// `DefaultRecordBatch.estimateBatchSizeUpperBound` for a single record: what `send()`
/// checks against `max.request.size` and `buffer.memory`, and what a new batch allocates
/// when the record is bigger than `batch.size`.
pub fn record_upper_bound(shape: Shape) -> u32 {
    (RECORD_BATCH_OVERHEAD + MAX_RECORD_OVERHEAD)
        .saturating_add(field_size(shape.key))
        .saturating_add(field_size(shape.value))
        .saturating_add(shape.headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_match_kafka() {
        assert_eq!(varint_size(0), 1);
        assert_eq!(varint_size(-1), 1);
        assert_eq!(varint_size(63), 1);
        assert_eq!(varint_size(64), 2);
        assert_eq!(varint_size(-65), 2);
        assert_eq!(varint_size(i32::MAX), 5);
        assert_eq!(varlong_size(0), 1);
        assert_eq!(varlong_size(i64::MIN), 10);
    }

    #[test]
    fn record_sizes() {
        // Lengths are zig-zag varints: 100 encodes as 200, two bytes.
        // null key, 100-byte value, first record: body = 1+1+1+1+(2+100)+1 = 107, +2 length bytes.
        assert_eq!(record_size(0, 0, Shape::new(None, Some(100))), 109);
        // key "user-1" (6 bytes), value 10 bytes: body 1+1+1+7+11+1 = 22, +1.
        assert_eq!(record_size(0, 0, Shape::new(Some(6), Some(10))), 23);
        // offset and timestamp deltas grow the record as the batch fills.
        assert_eq!(record_size(64, 0, Shape::new(Some(6), Some(10))), 24);
        assert_eq!(record_size(0, 64, Shape::new(Some(6), Some(10))), 24);
        assert_eq!(record_upper_bound(Shape::new(None, Some(100))), 61 + 21 + 1 + 102 + 1);
        // The largest size= value saturates (it must not wrap below max.request.size).
        assert_eq!(record_upper_bound(Shape::new(None, Some(u32::MAX))), u32::MAX);
        assert_eq!(record_size(0, 0, Shape::new(Some(3), Some(u32::MAX))), u32::MAX);
        // A tombstone's null value is one byte (varint -1).
        // attributes, ts delta, offset delta 1 each; key 1+2; null value 1; no headers 1; length 1.
        assert_eq!(record_size(0, 0, Shape::new(Some(2), None)), 1 + 1 + 1 + 3 + 1 + 1 + 1);
        // Headers trace:abc and region:eu: count 1 + (1+5 + 1+3) + (1+6 + 1+2) = 21 bytes.
        let h = headers_size(&[("trace", Some("abc")), ("region", Some("eu"))]);
        assert_eq!(h, 21);
        assert_eq!(headers_size::<&str, &str>(&[("k", None)]), 1 + 2 + 1);
        let shape = Shape { key: None, value: Some(10), headers: h };
        assert_eq!(record_size(0, 0, shape), record_size(0, 0, Shape::new(None, Some(10))) + 20);
    }
}

fn put_varint(out: &mut Vec<u8>, v: i64) {
    let mut z = ((v << 1) ^ (v >> 63)) as u64;
    while z >= 0x80 {
        out.push((z as u8 & 0x7f) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

/// Encode one record exactly as `DefaultRecord.writeTo` does; the bytes a compressed
/// batch compresses. Returns the number of bytes written.
pub fn write_record(
    out: &mut Vec<u8>,
    offset_delta: u32,
    timestamp_delta_ms: i64,
    key: Option<&[u8]>,
    value: Option<&[u8]>,
    headers: &[(String, Option<String>)],
) -> u32 {
    let start = out.len();
    let shape = Shape {
        key: key.map(|k| k.len() as u32),
        value: value.map(|v| v.len() as u32),
        headers: headers_size(headers),
    };
    let body = record_body_size(offset_delta, timestamp_delta_ms, shape);
    put_varint(out, body as i64);
    out.push(0); // attributes
    put_varint(out, timestamp_delta_ms);
    put_varint(out, offset_delta as i64);
    match key {
        None => put_varint(out, -1),
        Some(k) => {
            put_varint(out, k.len() as i64);
            out.extend_from_slice(k);
        }
    }
    match value {
        None => put_varint(out, -1),
        Some(v) => {
            put_varint(out, v.len() as i64);
            out.extend_from_slice(v);
        }
    }
    put_varint(out, headers.len() as i64);
    for (k, v) in headers {
        put_varint(out, k.len() as i64);
        out.extend_from_slice(k.as_bytes());
        match v {
            None => put_varint(out, -1),
            Some(v) => {
                put_varint(out, v.len() as i64);
                out.extend_from_slice(v.as_bytes());
            }
        }
    }
    (out.len() - start) as u32
}

#[cfg(test)]
mod encode_tests {
    use super::*;

    #[test]
    fn encoded_length_equals_computed_size() {
        let value = vec![b'x'; 300];
        let headers = [("trace".to_string(), Some("abc".to_string())), ("gone".to_string(), None)];
        for (od, td, key) in [(0u32, 0i64, None), (5, 3, Some(&b"user-7"[..])), (200, 70_000, Some(&b"k"[..]))] {
            for hs in [&[][..], &headers[..]] {
                let mut out = Vec::new();
                let n = write_record(&mut out, od, td, key, Some(&value), hs);
                assert_eq!(n as usize, out.len());
                let shape = Shape { key: key.map(|k| k.len() as u32), value: Some(300), headers: headers_size(hs) };
                assert_eq!(n, record_size(od, td, shape));
            }
        }
    }
}
