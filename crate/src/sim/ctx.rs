//! What a node sees while it handles one event, and how it acts.
//!
//! Nodes are sans-IO state machines: a handler reads `now`, updates its own state and
//! pushes commands (`send`, `timer`) into buffers the kernel owns. The kernel routes the
//! sends through the network and queues the timers; only it owns the clock. What a node
//! records for the observers (the layer above decides what: a trace, a ghost history)
//! goes straight to `obs`.
//!
//! The kernel is generic over the message type `M`, the node's timer type `T` and the
//! observers `O`; it never looks inside any of them.

use super::{Micros, NodeId};

/// A message a node asked to send.
pub struct Outgoing<M> {
    pub to: NodeId,
    /// The receiver incarnation the message is for (a connection's server), if any.
    pub to_inc: Option<u32>,
    pub msg: M,
}

pub struct Ctx<'a, M, T, O> {
    pub now: Micros,
    pub me: NodeId,
    /// This node's process incarnation.
    pub inc: u32,
    pub seed: u64,
    /// Where the node records what observers may read (never read back by the kernel).
    pub obs: O,
    pub sends: &'a mut Vec<Outgoing<M>>,
    pub timers: &'a mut Vec<(Micros, T)>,
}

impl<M, T, O> Ctx<'_, M, T, O> {
    pub fn send(&mut self, to: NodeId, to_inc: Option<u32>, msg: M) {
        self.sends.push(Outgoing { to, to_inc, msg });
    }

    /// Wake this node at `at` (never in the past) with `timer`.
    pub fn timer(&mut self, at: Micros, timer: T) {
        self.timers.push((at.max(self.now), timer));
    }
}

/// A state machine the kernel drives: it handles a message or one of its own timers,
/// acting only through its [`Ctx`].
pub trait Node<M, O> {
    type Timer;

    /// A message from `from` (process incarnation `from_inc`) arrived.
    fn on_message(&mut self, ctx: &mut Ctx<'_, M, Self::Timer, O>, from: NodeId, from_inc: u32, msg: M);

    /// A timer this node set is due.
    fn on_timer(&mut self, ctx: &mut Ctx<'_, M, Self::Timer, O>, timer: Self::Timer);
}
