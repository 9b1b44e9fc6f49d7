//! Node identities and the name table used when a trace or report is printed.
//!
//! A `NodeId` is a small integer: 0 is the KRaft controller quorum, 1..=N are
//! `broker-1`..`broker-N` (so a broker's id is its Kafka `broker.id`), and producers follow.
//! Serialized, a node is its name (`"broker-2"`, `"app"`), looked up in the table the
//! current run installed with [`set_names`]; that keeps trace JSON readable without
//! threading the table through every event.

use std::cell::RefCell;

use serde::{Serialize, Serializer};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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

thread_local! {
    static NAMES: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static TOPICS: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Install the name tables of the current run (index = `NodeId.0`, index = topic).
pub fn set_names(names: Vec<String>, topics: Vec<String>) {
    NAMES.with(|n| *n.borrow_mut() = names);
    TOPICS.with(|t| *t.borrow_mut() = topics);
}

/// A topic partition: topic index (declaration order) and partition number. Printed the
/// way Kafka's `TopicPartition.toString` does: `orders-0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tp {
    pub topic: u16,
    pub partition: u32,
}

impl Tp {
    pub fn new(topic: u16, partition: u32) -> Tp {
        Tp { topic, partition }
    }
    pub fn topic_name(self) -> String {
        TOPICS.with(|t| t.borrow().get(self.topic as usize).cloned().unwrap_or_else(|| format!("topic{}", self.topic)))
    }
}

impl std::fmt::Display for Tp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}", self.topic_name(), self.partition)
    }
}

impl Serialize for Tp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

/// The printable name of a node under the current table.
pub fn name_of(id: NodeId) -> String {
    NAMES.with(|n| n.borrow().get(id.index()).cloned().unwrap_or_else(|| format!("node-{}", id.0)))
}

impl Serialize for NodeId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        NAMES.with(|n| match n.borrow().get(self.index()) {
            Some(name) => s.serialize_str(name),
            None => s.serialize_str(&format!("node-{}", self.0)),
        })
    }
}

impl std::fmt::Display for NodeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&name_of(*self))
    }
}
