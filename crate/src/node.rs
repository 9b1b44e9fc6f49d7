//! What a Kafka node (controller, broker, producer, consumer) sees while it handles one
//! event: the kernel's [`sim::Ctx`](crate::sim::Ctx) carrying Kafka's messages, with the
//! trace, the ghost history and the run's id counters as its observers.

use crate::history::History;
use crate::protocol::Msg;
use crate::sim::{Node, NodeId};
use crate::trace::{Event, Trace};

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

/// What a node records into while it handles an event.
pub struct Sinks<'a> {
    pub trace: &'a mut Trace,
    pub history: &'a mut History,
    pub ids: &'a mut Ids,
    /// The run's names (a consumer's member id starts with its `client.id`).
    pub names: &'a crate::sim::NameTable,
}

/// A Kafka node's context, for its timer type `T`.
pub type Ctx<'a, 'b, T> = crate::sim::Ctx<'a, Msg, T, Sinks<'b>>;

/// A message a Kafka node asked to send.
pub type Outgoing = crate::sim::Outgoing<Msg>;

impl<T> crate::sim::Ctx<'_, Msg, T, Sinks<'_>> {
    /// Records `event` at this moment.
    pub fn trace(&mut self, event: Event) {
        self.obs.trace.push(self.now, event);
    }
}

// The kernel's node contract, for each of Kafka's nodes.

/// `$node` implements the contract with its own `on_message` and `on_timer`.
macro_rules! kafka_node {
    ($node:ty, $timer:ty) => {
        impl<'s> Node<Msg, Sinks<'s>> for $node {
            type Timer = $timer;
            fn on_message(&mut self, ctx: &mut Ctx<'_, 's, Self::Timer>, from: NodeId, from_inc: u32, msg: Msg) {
                <$node>::on_message(self, ctx, from, from_inc, msg)
            }
            fn on_timer(&mut self, ctx: &mut Ctx<'_, 's, Self::Timer>, timer: Self::Timer) {
                <$node>::on_timer(self, ctx, timer)
            }
        }
    };
}

kafka_node!(crate::controller::Controller, crate::controller::ControllerTimer);
kafka_node!(crate::broker::Broker, crate::broker::BrokerTimer);
kafka_node!(crate::producer::Producer, crate::producer::ProducerTimer);

/// A consumer's network client acts with its configuration.
impl<'s> Node<Msg, Sinks<'s>> for crate::consumer::Consumer {
    type Timer = crate::consumer::client::ConsumerTimer;
    fn on_message(&mut self, ctx: &mut Ctx<'_, 's, Self::Timer>, from: NodeId, _from_inc: u32, msg: Msg) {
        self.client.on_message(ctx, &self.config, from, msg)
    }
    fn on_timer(&mut self, ctx: &mut Ctx<'_, 's, Self::Timer>, timer: Self::Timer) {
        self.client.on_timer(ctx, &self.config, timer)
    }
}
