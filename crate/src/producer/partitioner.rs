//! Partition choice (`KafkaProducer.partition` and `BuiltInPartitioner`).
//!
//! Order of decision: an explicit partition wins; then a configured partitioner class
//! (kplay knows `RoundRobinPartitioner`); then, for a non-null key without
//! `partitioner.ignore.keys`, `toPositive(murmur2(key)) % numPartitions` over all
//! partitions; otherwise the accumulator's uniform sticky partitioner (KIP-480/794): one
//! sticky partition per topic that switches once `batch.size` bytes were produced to it
//! and its batches are full, or unconditionally after `2 x batch.size`. The next sticky
//! partition is drawn at random among partitions with a known leader, weighted by queue
//! length when adaptive partitioning has load statistics. Kafka draws from
//! `ThreadLocalRandom`; kplay draws from the producer's seeded stream.

use crate::format::murmur2::{partition_for_key, to_positive};
use crate::sim::Prng;

/// Per-topic state of the built-in sticky partitioner.
#[derive(Clone, Debug, Default)]
pub struct Sticky {
    /// The current sticky partition, chosen lazily on the first append.
    pub current: Option<u32>,
    /// Bytes appended to it since it was chosen.
    pub produced_bytes: u64,
    /// Adaptive load statistics: a cumulative frequency table and the partition id of each
    /// entry; both empty when there are none. Refilled in place on every readiness check.
    pub load_cumulative: Vec<u32>,
    pub load_ids: Vec<u32>,
    /// Switches since the caller last took them: (from, to, bytes produced to `from`).
    pub switches: Vec<(u32, u32, u64)>,
}

impl Sticky {
    /// `BuiltInPartitioner.nextPartition`.
    pub fn next_partition(&self, rng: &mut Prng, available: &[u32], partition_count: u32) -> u32 {
        let random = to_positive(rng.next_positive_i32()) as u32;
        let (cumulative, ids) = (&self.load_cumulative, &self.load_ids);
        match cumulative.last() {
            Some(&total) if !ids.is_empty() => {
                let weighted = random % total.max(1);
                // Arrays.binarySearch then abs(result + 1): the first entry > weighted.
                let idx = cumulative.partition_point(|&c| c <= weighted).min(ids.len() - 1);
                ids[idx]
            }
            _ if !available.is_empty() => available[random as usize % available.len()],
            _ => random % partition_count.max(1),
        }
    }

    /// `BuiltInPartitioner.peekCurrentPartitionInfo`: the sticky partition, choosing one if none.
    pub fn current_or_choose(&mut self, rng: &mut Prng, available: &[u32], partition_count: u32) -> u32 {
        if let Some(p) = self.current {
            return p;
        }
        let p = self.next_partition(rng, available, partition_count);
        self.current = Some(p);
        self.produced_bytes = 0;
        p
    }

    /// `BuiltInPartitioner.updatePartitionInfo` after an append of `appended_bytes` (the
    /// growth of the batch's estimated size; a new batch counts its 61-byte header too).
    /// Returns true when it switched to a new sticky partition. Called with 0 bytes and
    /// `enable_switch` before an append when every batch of the partition is full
    /// (`RecordAccumulator.partitionChanged`), which completes a switch held back earlier.
    pub fn update(
        &mut self,
        rng: &mut Prng,
        appended_bytes: u32,
        batch_size: u32,
        enable_switch: bool,
        available: &[u32],
        partition_count: u32,
    ) -> bool {
        self.produced_bytes += appended_bytes as u64;
        let sticky_batch_size = batch_size.max(1) as u64;
        if self.produced_bytes >= sticky_batch_size * 2 || (self.produced_bytes >= sticky_batch_size && enable_switch) {
            let next = self.next_partition(rng, available, partition_count);
            if let Some(from) = self.current {
                self.switches.push((from, next, self.produced_bytes));
            }
            self.current = Some(next);
            self.produced_bytes = 0;
            return true;
        }
        false
    }

    /// Whether adaptive load statistics are in force.
    pub fn has_load_stats(&self) -> bool {
        !self.load_cumulative.is_empty()
    }

    /// `BuiltInPartitioner.updatePartitionLoadStats`: `(queue size, partition id)` of every
    /// partition with a known leader, out of `deques` partitions with a deque. No
    /// statistics with fewer than two deques or no partition with a leader, nor when every
    /// deque has a leader and all queues are equally long.
    pub fn update_load_stats(&mut self, queues: &[(u32, u32)], deques: u32) {
        self.load_cumulative.clear();
        self.load_ids.clear();
        let max = queues.iter().map(|&(q, _)| q).max().unwrap_or(0);
        let all_equal = queues.iter().all(|&(q, _)| q == max);
        if queues.is_empty() || deques < 2 || (all_equal && queues.len() as u32 == deques) {
            return;
        }
        let mut sum = 0u32;
        for &(q, id) in queues {
            sum += max + 1 - q;
            self.load_cumulative.push(sum);
            self.load_ids.push(id);
        }
    }
}

/// A keyed record's partition: `toPositive(murmur2(key)) % numPartitions`.
pub fn keyed(key: &[u8], partition_count: u32) -> u32 {
    partition_for_key(key, partition_count)
}

/// `StickyPartitionCache.nextPartition(topic, cluster, prevPartition)` (KIP-480): when the
/// cached partition is `prev` (or none is cached), move to a random available partition
/// other than the old one (if there are two or more); otherwise keep the cache.
pub fn sticky_cache_next(
    cache: &mut Option<u32>,
    prev: Option<u32>,
    rng: &mut Prng,
    available: &[u32],
    count: u32,
) -> u32 {
    let old = *cache;
    if old.is_none() || old == prev {
        let next = match available.len() {
            0 => to_positive(rng.next_positive_i32()) as u32 % count.max(1),
            1 => available[0],
            n => loop {
                let p = available[to_positive(rng.next_positive_i32()) as usize % n];
                if Some(p) != old {
                    break p;
                }
            },
        };
        *cache = Some(next);
    }
    cache.unwrap_or(0)
}

/// The 2.0–2.3 `DefaultPartitioner` for null keys: a per-topic counter that starts at a
/// random int, over available partitions (all if none).
pub fn legacy_round_robin(counter: &mut Option<i32>, rng: &mut Prng, available: &[u32], count: u32) -> u32 {
    let c = counter.get_or_insert_with(|| rng.next_u64() as i32);
    let next = to_positive(*c) as u32;
    *c = c.wrapping_add(1);
    if !available.is_empty() {
        available[next as usize % available.len()]
    } else {
        next % count.max(1)
    }
}

/// `RoundRobinPartitioner`: a per-topic counter over available partitions (all if none).
pub fn round_robin(counter: &mut u32, available: &[u32], partition_count: u32) -> u32 {
    let next = to_positive(*counter as i32) as u32;
    *counter = counter.wrapping_add(1);
    if !available.is_empty() {
        available[next as usize % available.len()]
    } else {
        next % partition_count.max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sticky_switches_after_batch_size_when_full_or_twice_regardless() {
        let mut rng = Prng::new(1);
        let mut s = Sticky::default();
        let parts = [0, 1, 2];
        let first = s.current_or_choose(&mut rng, &parts, 3);
        s.update(&mut rng, 10_000, 16_384, false, &parts, 3);
        assert_eq!(s.current, Some(first));
        s.update(&mut rng, 10_000, 16_384, false, &parts, 3);
        assert_eq!(s.current, Some(first), "20000 < 2 x batch.size and batches not full");
        s.update(&mut rng, 13_000, 16_384, false, &parts, 3);
        assert_eq!(s.produced_bytes, 0, "33000 >= 2 x batch.size: switch regardless");
        s.update(&mut rng, 17_000, 16_384, true, &parts, 3);
        assert_eq!(s.produced_bytes, 0, "batch.size reached with all batches full");
    }

    #[test]
    fn adaptive_weights_favour_short_queues() {
        let mut rng = Prng::new(5);
        let mut s = Sticky::default();
        s.update_load_stats(&[(5, 0), (0, 1), (5, 2)], 3);
        let picks: Vec<u32> = (0..1000).map(|_| s.next_partition(&mut rng, &[0, 1, 2], 3)).collect();
        let ones = picks.iter().filter(|&&p| p == 1).count();
        // weights 1, 6, 1
        assert!(ones > 650 && ones < 850, "{ones}");
        s.update_load_stats(&[(2, 0), (2, 1), (2, 2)], 3);
        assert!(!s.has_load_stats());
        // Equal queues, but partition 2 has no leader: Kafka keeps weighting the others.
        s.update_load_stats(&[(2, 0), (2, 1)], 3);
        assert!(s.has_load_stats());
        assert!((0..100).all(|_| s.next_partition(&mut rng, &[0, 1], 3) < 2));
    }

    #[test]
    fn sticky_cache_moves_to_another_partition_on_a_new_batch() {
        let mut rng = Prng::new(9);
        let mut cache = None;
        let first = sticky_cache_next(&mut cache, None, &mut rng, &[0, 1, 2], 3);
        assert_eq!(cache, Some(first));
        // Another partition's new batch does not move it.
        assert_eq!(sticky_cache_next(&mut cache, Some((first + 1) % 3), &mut rng, &[0, 1, 2], 3), first);
        for _ in 0..50 {
            let prev = cache.unwrap();
            let next = sticky_cache_next(&mut cache, Some(prev), &mut rng, &[0, 1, 2], 3);
            assert_ne!(next, prev, "never the same partition again with two or more available");
        }
        let mut one = Some(4);
        assert_eq!(sticky_cache_next(&mut one, Some(4), &mut rng, &[4], 6), 4);
    }

    #[test]
    fn legacy_round_robin_starts_at_random_then_cycles() {
        let mut rng = Prng::new(3);
        let mut counter = None;
        let got: Vec<u32> = (0..6).map(|_| legacy_round_robin(&mut counter, &mut rng, &[0, 1, 2], 3)).collect();
        for w in got.windows(2) {
            assert_eq!(w[1], (w[0] + 1) % 3);
        }
    }

    #[test]
    fn round_robin_cycles() {
        let mut c = 0;
        let got: Vec<u32> = (0..6).map(|_| round_robin(&mut c, &[0, 1, 2], 3)).collect();
        assert_eq!(got, vec![0, 1, 2, 0, 1, 2]);
    }
}
