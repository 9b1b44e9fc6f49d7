//! Kafka's record format v2, as far as sizes and placement depend on it.
//!
//! Map: `size` (varints, exact record size, the 61-byte batch header, the upper-bound
//! estimate Kafka allocates by), `murmur2` (the keyed partitioner's hash, bit-exact),
//! `payload` (deterministic JSON-like values that compress like real data), `compress`
//! (real gzip/snappy/lz4/zstd codecs in pure Rust, so compressed sizes are real).

pub mod compress;
pub mod murmur2;
pub mod payload;
pub mod size;

pub use size::{headers_size, record_size, record_upper_bound, Shape, RECORD_BATCH_OVERHEAD};
