//! What a node sees while it handles one event, and how it acts.
//!
//! Nodes are sans-IO state machines: a handler reads `now`, updates its own state and
//! pushes commands (`send`, `timer`) into buffers the kernel owns. The kernel routes the
//! sends through the network and queues the timers; only it owns the clock. Trace events
//! and history observations go straight to their sinks.

use super::{History, Micros, NodeId, Trace};
use crate::protocol::Msg;
use crate::sim::trace::Event;

/// A message a node asked to send.
pub struct Outgoing {
    pub to: NodeId,
    /// The receiver incarnation the message is for (a connection's server), if any.
    pub to_inc: Option<u32>,
    pub msg: Msg,
}

/// Counters shared by all nodes of a run (ids must be unique across producers).
#[derive(Default)]
pub struct Ids {
    next_batch: u32,
}

impl Ids {
    /// A fresh producer-batch id (1-based; 0 means "none").
    pub fn batch(&mut self) -> u32 {
        self.next_batch += 1;
        self.next_batch
    }
}

pub struct Ctx<'a, T> {
    pub now: Micros,
    pub me: NodeId,
    /// This node's process incarnation.
    pub inc: u32,
    pub seed: u64,
    pub trace: &'a mut Trace,
    pub history: &'a mut History,
    pub ids: &'a mut Ids,
    pub sends: &'a mut Vec<Outgoing>,
    pub timers: &'a mut Vec<(Micros, T)>,
}

impl<T> Ctx<'_, T> {
    pub fn send(&mut self, to: NodeId, to_inc: Option<u32>, msg: Msg) {
        self.sends.push(Outgoing { to, to_inc, msg });
    }

    /// Wake this node at `at` (never in the past) with `timer`.
    pub fn timer(&mut self, at: Micros, timer: T) {
        self.timers.push((at.max(self.now), timer));
    }

    pub fn trace(&mut self, event: Event) {
        self.trace.push(self.now, event);
    }
}
