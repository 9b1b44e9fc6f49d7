//! Real codecs, in pure Rust so they build for wasm32: compressed batch sizes are what
//! these bytes really compress to, framed the way Kafka frames each codec.
//!
//! - gzip: a gzip member (10-byte header, deflate, 8-byte trailer); `GZIPOutputStream`
//!   at level 6 (`compression.gzip.level=-1` is the Deflater default).
//! - snappy: xerial's framing as `SnappyOutputStream` writes it (16-byte header, then
//!   32 KiB blocks each prefixed with a 4-byte length).
//! - lz4: Kafka's `KafkaLZ4BlockOutputStream` frame (7-byte header, 64 KiB blocks with
//!   4-byte sizes, 4-byte end mark); blocks from LZ4's fast compressor (Kafka's default
//!   level 9 uses LZ4HC, a few percent smaller).
//! - zstd: a zstd frame from ruzstd's fastest level (about zstd level 1; Kafka's default
//!   level 3 is a few percent smaller).

use crate::config::CompressionType;

/// Size in bytes of `data` once compressed and framed as Kafka does for `codec`.
pub fn compressed_size(codec: CompressionType, level: i32, data: &[u8]) -> u32 {
    match codec {
        CompressionType::None => data.len() as u32,
        CompressionType::Gzip => {
            let lvl = if level < 0 { 6 } else { level.clamp(1, 9) as u8 };
            10 + miniz_oxide::deflate::compress_to_vec(data, lvl).len() as u32 + 8
        }
        CompressionType::Snappy => {
            let mut enc = snap::raw::Encoder::new();
            let mut total = 16u32;
            for block in data.chunks(32 * 1024) {
                let n = enc.compress_vec(block).map(|v| v.len()).unwrap_or(block.len());
                total += 4 + n as u32;
            }
            total
        }
        CompressionType::Lz4 => {
            let mut total = 7u32 + 4;
            for block in data.chunks(64 * 1024) {
                let n = lz4_flex::block::compress(block).len();
                // An incompressible block is stored raw, as LZ4 frames allow.
                total += 4 + n.min(block.len()) as u32;
            }
            total
        }
        CompressionType::Zstd => {
            ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest).len() as u32
        }
    }
}

/// The framed bytes of `data` compressed as Kafka frames `codec` (the same bytes whose
/// length [`compressed_size`] gives): what a batch's records section holds, so its CRC.
pub fn compress(codec: CompressionType, level: i32, data: &[u8]) -> Vec<u8> {
    match codec {
        CompressionType::None => data.to_vec(),
        CompressionType::Gzip => {
            let lvl = if level < 0 { 6 } else { level.clamp(1, 9) as u8 };
            // `GZIPOutputStream`'s header (no name, no mtime; OS 255 "unknown" since JDK 16),
            // the deflate stream, then CRC-32 and ISIZE.
            let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
            out.extend_from_slice(&miniz_oxide::deflate::compress_to_vec(data, lvl));
            out.extend_from_slice(&super::checksum::crc32(data).to_le_bytes());
            out.extend_from_slice(&(data.len() as u32).to_le_bytes());
            out
        }
        CompressionType::Snappy => {
            // xerial's `SnappyOutputStream`: magic, version 1, compatible version 1, then
            // each block's big-endian length and bytes.
            let mut out = vec![0x82, b'S', b'N', b'A', b'P', b'P', b'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1];
            let mut enc = snap::raw::Encoder::new();
            for block in data.chunks(32 * 1024) {
                let c = enc.compress_vec(block).unwrap_or_else(|_| block.to_vec());
                out.extend_from_slice(&(c.len() as u32).to_be_bytes());
                out.extend_from_slice(&c);
            }
            out
        }
        CompressionType::Lz4 => {
            // `Lz4BlockOutputStream`: magic, FLG (version 1, independent blocks), BD (64 KiB
            // blocks), the descriptor's xxHash32 byte; blocks; a zero end mark.
            let (flg, bd) = (0x60u8, 0x40u8);
            let mut out = 0x184D_2204u32.to_le_bytes().to_vec();
            out.extend_from_slice(&[flg, bd, ((super::checksum::xxh32(&[flg, bd], 0) >> 8) & 0xff) as u8]);
            for block in data.chunks(64 * 1024) {
                let c = lz4_flex::block::compress(block);
                if c.len() < block.len() {
                    out.extend_from_slice(&(c.len() as u32).to_le_bytes());
                    out.extend_from_slice(&c);
                } else {
                    // `LZ4_FRAME_INCOMPRESSIBLE_MASK`: the block is stored raw.
                    out.extend_from_slice(&(block.len() as u32 | 0x8000_0000).to_le_bytes());
                    out.extend_from_slice(block);
                }
            }
            out.extend_from_slice(&[0, 0, 0, 0]);
            out
        }
        CompressionType::Zstd => ruzstd::encoding::compress_to_vec(data, ruzstd::encoding::CompressionLevel::Fastest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::payload::write_value;

    #[test]
    fn json_like_payloads_compress_realistically() {
        let mut data = Vec::new();
        for r in 0..100 {
            write_value(&mut data, 1, r, 200);
        }
        let raw = data.len() as u32;
        for codec in [CompressionType::Gzip, CompressionType::Snappy, CompressionType::Lz4, CompressionType::Zstd] {
            let c = compressed_size(codec, -1, &data);
            // Real JSON events compress 2x-8x; zeros would compress 100x.
            assert!(c < raw / 2 && c > raw / 12, "{codec:?}: {raw} -> {c}");
        }
        assert_eq!(compressed_size(CompressionType::None, -1, &data), raw);
    }

    #[test]
    fn framed_bytes_are_as_long_as_the_sizes_and_framed_as_kafka_does() {
        let mut data = Vec::new();
        for r in 0..400 {
            write_value(&mut data, 3, r, 300);
        }
        assert!(data.len() > 64 * 1024, "several blocks");
        for codec in [
            CompressionType::None,
            CompressionType::Gzip,
            CompressionType::Snappy,
            CompressionType::Lz4,
            CompressionType::Zstd,
        ] {
            let bytes = compress(codec, -1, &data);
            assert_eq!(bytes.len() as u32, compressed_size(codec, -1, &data), "{codec:?}");
        }
        let gz = compress(CompressionType::Gzip, -1, &data);
        assert_eq!(&gz[..4], &[0x1f, 0x8b, 8, 0]);
        let n = gz.len();
        assert_eq!(&gz[n - 4..], &(data.len() as u32).to_le_bytes());
        assert_eq!(miniz_oxide::inflate::decompress_to_vec(&gz[10..n - 8]).unwrap(), data);
        let lz = compress(CompressionType::Lz4, -1, &data);
        // The frame descriptor checksum of FLG 0x60 BD 0x40 that every Kafka LZ4 batch starts with.
        assert_eq!(&lz[..7], &[0x04, 0x22, 0x4d, 0x18, 0x60, 0x40, 0x82]);
        assert_eq!(&lz[lz.len() - 4..], &[0, 0, 0, 0]);
        let sn = compress(CompressionType::Snappy, -1, &data);
        assert_eq!(&sn[..8], b"\x82SNAPPY\0");
    }
}
