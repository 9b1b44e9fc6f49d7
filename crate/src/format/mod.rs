//! Kafka's record format v2, as far as sizes and placement depend on it.
//!
//! Map: `size` (varints, exact record size, the 61-byte batch header, the upper-bound
//! estimate Kafka allocates by), `murmur2` (the keyed partitioner's hash, bit-exact),
//! `payload` (deterministic JSON-like values that compress like real data), `compress`
//! (real gzip/snappy/lz4/zstd codecs in pure Rust, so compressed sizes are real).

pub mod checksum;
pub mod compress;
pub mod murmur2;
pub mod payload;
pub mod size;

pub use size::{headers_size, record_size, record_upper_bound, Shape, RECORD_BATCH_OVERHEAD};

/// A key's identity for the log cleaner's offset map: 64-bit FNV-1a over the serialized
/// key (Kafka's `SkimpyOffsetMap` keys by an MD5 digest; a collision is as unlikely here).
pub fn key_hash(key: &[u8]) -> u64 {
    key.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}
