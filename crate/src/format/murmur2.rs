//! `Utils.murmur2` and `Utils.toPositive`, bit-exact with Kafka's Java client.
//!
//! The keyed partitioner is `toPositive(murmur2(keyBytes)) % numPartitions`, where
//! `toPositive` masks the sign bit (it is not `abs`).

/// Kafka's 32-bit MurmurHash2 (seed 0x9747b28c), returned as Java's signed int.
pub fn murmur2(data: &[u8]) -> i32 {
    let length = data.len() as u32;
    let seed: u32 = 0x9747_b28c;
    let m: u32 = 0x5bd1_e995;
    let r = 24;
    let mut h: u32 = seed ^ length;
    let length4 = data.len() / 4;
    for i in 0..length4 {
        let i4 = i * 4;
        let mut k = (data[i4] as u32)
            | ((data[i4 + 1] as u32) << 8)
            | ((data[i4 + 2] as u32) << 16)
            | ((data[i4 + 3] as u32) << 24);
        k = k.wrapping_mul(m);
        k ^= k >> r;
        k = k.wrapping_mul(m);
        h = h.wrapping_mul(m);
        h ^= k;
    }
    let tail = data.len() & !3;
    let rem = data.len() % 4;
    if rem == 3 {
        h ^= (data[tail + 2] as u32) << 16;
    }
    if rem >= 2 {
        h ^= (data[tail + 1] as u32) << 8;
    }
    if rem >= 1 {
        h ^= data[tail] as u32;
        h = h.wrapping_mul(m);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(m);
    h ^= h >> 15;
    h as i32
}

/// `Utils.toPositive`: `x & 0x7fffffff`.
pub fn to_positive(x: i32) -> i32 {
    x & 0x7fff_ffff
}

/// The built-in partitioner's keyed choice.
pub fn partition_for_key(key: &[u8], partitions: u32) -> u32 {
    (to_positive(murmur2(key)) as u32) % partitions.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `UtilsTest.testMurmur2` in apache/kafka.
    #[test]
    fn kafka_test_vectors() {
        let cases: [(&[u8], i32); 6] = [
            (b"21", -973932308),
            (b"foobar", -790332482),
            (b"a-little-bit-long-string", -985981536),
            (b"a-little-bit-longer-string", -1486304829),
            (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
            (b"abc", 479470107),
        ];
        for (input, expected) in cases {
            assert_eq!(murmur2(input), expected, "{:?}", String::from_utf8_lossy(input));
        }
    }

    #[test]
    fn placement_matches_kafka() {
        assert_eq!(partition_for_key(b"a-little-bit-longer-string", 6), 5);
        assert_eq!(partition_for_key(b"foobar", 10), 6);
        // KTableKTableForeignKeyInnerJoinMultiIntegrationTest comments, 3 partitions.
        let expected = [2, 0, 2, 2, 1, 0, 1, 0, 0, 2];
        for (i, want) in expected.iter().enumerate() {
            assert_eq!(partition_for_key(i.to_string().as_bytes(), 3), *want, "key {i}");
        }
        assert_eq!(to_positive(i32::MIN), 0);
    }
}
