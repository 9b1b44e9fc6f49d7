//! A topic partition, as Kafka's `TopicPartition`.
//!
//! Topics are indexes (declaration order) so partitions are small and `Copy`; a topic's
//! name comes from its run's name table, passed explicitly (`sim::names`).

use serde::{Serialize, Serializer};

/// A topic partition: topic index (declaration order) and partition number. Printed the
/// way Kafka's `TopicPartition.toString` does: `orders-0` (`NameTable::partition`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(test, derive(ts_rs::TS), ts(type = "string"))]
pub struct Tp {
    pub topic: u16,
    pub partition: u32,
}

impl Tp {
    /// The topic index that stands for `__consumer_offsets` (never a declared topic): a
    /// transaction's offsets partition, as markers and the trace name it.
    pub const OFFSETS_TOPIC: u16 = u16::MAX;

    pub fn new(topic: u16, partition: u32) -> Tp {
        Tp { topic, partition }
    }
    /// `__consumer_offsets` partition `partition`.
    pub fn offsets(partition: u32) -> Tp {
        Tp { topic: Tp::OFFSETS_TOPIC, partition }
    }
    pub fn is_offsets(self) -> bool {
        self.topic == Tp::OFFSETS_TOPIC
    }
    /// `orders-0`, with the run's names.
    pub fn name(self, names: &crate::sim::NameTable) -> String {
        names.partition(self.topic, self.partition)
    }
}

impl Serialize for Tp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(
            crate::sim::names::PARTITION,
            &((u64::from(self.topic) << 32) | u64::from(self.partition)),
        )
    }
}
