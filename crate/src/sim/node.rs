//! Node identities and the name table used when a trace or report is printed.
//!
//! A `NodeId` is a small integer: 0 is the KRaft controller quorum, 1..=N are
//! `broker-1`..`broker-N` (so a broker's id is its Kafka `broker.id`), and producers follow.
//! Serialized, a node is its name (`"broker-2"`, `"app"`), looked up in the table of the
//! run being stepped or printed; that keeps trace JSON readable without threading the
//! table through every event. Each run owns its [`NameTable`] and installs it whenever it
//! steps ([`install`]); a report carries its run's table and installs it while it is
//! serialized or rendered ([`NameScope`], [`with_names`]), so another run in the same
//! thread in between never changes what an earlier report prints.

use std::cell::RefCell;
use std::rc::Rc;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

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

/// One run's names: nodes by `NodeId.0`, topics by index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NameTable {
    pub nodes: Vec<String>,
    pub topics: Vec<String>,
}

thread_local! {
    static CURRENT: RefCell<Rc<NameTable>> = RefCell::new(Rc::new(NameTable::default()));
    /// Tables set aside by [`NameScope`] while a report serializes.
    static SAVED: RefCell<Vec<Rc<NameTable>>> = const { RefCell::new(Vec::new()) };
}

/// Makes `table` the one names print from (a run about to step installs its own).
pub fn install(table: &Rc<NameTable>) {
    CURRENT.with(|c| *c.borrow_mut() = table.clone());
}

/// Runs `f` with `table` installed, then puts the previous table back.
pub fn with_names<R>(table: &Rc<NameTable>, f: impl FnOnce() -> R) -> R {
    let prev = CURRENT.with(|c| std::mem::replace(&mut *c.borrow_mut(), table.clone()));
    let out = f();
    CURRENT.with(|c| *c.borrow_mut() = prev);
    out
}

fn lookup<R>(f: impl FnOnce(&NameTable) -> R) -> R {
    CURRENT.with(|c| f(&c.borrow()))
}

/// A report's first field, flattened (it adds no key): serializing it installs the
/// report's names for the fields that follow; [`NameScopeEnd`], the last field, puts the
/// previous table back.
#[derive(Clone, Debug, Default)]
pub struct NameScope(pub Rc<NameTable>);

impl Serialize for NameScope {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let prev = CURRENT.with(|c| std::mem::replace(&mut *c.borrow_mut(), self.0.clone()));
        SAVED.with(|v| v.borrow_mut().push(prev));
        s.serialize_map(Some(0))?.end()
    }
}

/// See [`NameScope`].
#[derive(Clone, Debug, Default)]
pub struct NameScopeEnd;

impl Serialize for NameScopeEnd {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if let Some(prev) = SAVED.with(|v| v.borrow_mut().pop()) {
            CURRENT.with(|c| *c.borrow_mut() = prev);
        }
        s.serialize_map(Some(0))?.end()
    }
}

/// The name of topic `index` under the current table, if it has one.
pub fn topic_name(index: usize) -> Option<String> {
    lookup(|t| t.topics.get(index).cloned())
}

/// The printable name of a node under the current table.
pub fn name_of(id: NodeId) -> String {
    lookup(|t| t.nodes.get(id.index()).cloned().unwrap_or_else(|| format!("node-{}", id.0)))
}

impl Serialize for NodeId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        lookup(|t| match t.nodes.get(self.index()) {
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
