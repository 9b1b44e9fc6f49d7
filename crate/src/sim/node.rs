//! Node identities.
//!
//! A `NodeId` is a small integer: 0 is the KRaft controller quorum, 1..=N are
//! `broker-1`..`broker-N` (so a broker's id is its Kafka `broker.id`), and producers follow.
//! A node prints as its name (`"broker-2"`, `"app"`) from its run's table, passed
//! explicitly (`sim::names`).

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(test, derive(ts_rs::TS), ts(type = "string"))]
pub struct NodeId(pub u16);

impl NodeId {
    pub const CONTROLLER: NodeId = NodeId(0);

    pub fn broker(id: u16) -> NodeId {
        NodeId(id)
    }
    pub fn index(self) -> usize {
        self.0 as usize
    }
}
