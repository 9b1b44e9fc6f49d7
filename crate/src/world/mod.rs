//! The kernel's driver: owns the clock, the event queue, the network and every node, and
//! runs the scenario's timeline.
//!
//! Node ids: 0 is the controller, 1..=N the brokers (`broker-N`), then the producers in
//! declaration order. Each node has a process incarnation; a message sent on a connection
//! to an earlier incarnation is answered with a TCP reset (if the machine is up) and a
//! timer set by an earlier incarnation never fires.
//!
//! Faults the kernel owns: a broker process crash resets every connection to it (peers
//! hear a reset after one link latency); a power loss resets nothing (peers find out by
//! timeouts); messages to a crashed process are refused with a reset, messages to a
//! powered-off machine vanish; a paused process (`pause`) holds what reaches it and
//! handles it all when it resumes.
//!
//! TCP: a producer's connection to a broker is identified by the producer's connection
//! generation. A message lost on it (drop rule, random loss) stalls the connection in
//! both directions until the producer closes it; messages held by a cut are delivered at
//! TCP's next retransmission after the link is back, unless the producer has closed that
//! connection meanwhile.

//!
//! Map: this file (the state, boot, node contexts, the event loop), [`wire`] (routing,
//! held messages, delivery), [`actions`] (the timeline's actions and faults), [`pause`]
//! (a stalled broker process), [`settle`] (when a run is over, budgets, progress).

mod actions;
mod handle;
mod pause;
mod pipeline;
mod settle;
mod wire;

use std::cell::RefCell;
use std::rc::Rc;

use crate::broker::coordinator::TxnLog;
use crate::broker::{BCtx, Broker, BrokerTimer, ClusterSpec};
use crate::budget::{Budgets, Exceeded};
use crate::consumer::Consumer;
use crate::controller::{CCtx, Controller, ControllerTimer};
use crate::history::History;
use crate::node::{Ids, Outgoing, Sinks};
use crate::plan::{Action, NodeRef, RunUntil, Scenario};
use crate::producer::{PCtx, Producer, ProducerTimer, Workload};
use crate::protocol::{Envelope, Msg};
use crate::sim::{Ctx, Micros, Net, Node, NodeId, Prng, Queue};
use crate::trace::Trace;

/// A node's context at this moment, over the run's sinks: the one place a context is made,
/// for every kind of node. (A macro rather than a method: the node and the context borrow
/// different fields of the world at once.)
macro_rules! node_ctx {
    ($w:ident, $me:expr, $inc:expr, $timers:ident) => {
        Ctx {
            now: $w.now,
            me: $me,
            inc: $inc,
            seed: $w.seed,
            obs: Sinks { trace: &mut $w.trace, history: &mut $w.history, ids: &mut $w.ids, names: &$w.names },
            sends: &mut $w.sends,
            timers: &mut $w.$timers,
        }
    };
}

/// A producer↔broker TCP connection: (producer index, broker id, producer's generation).
type ConnKey = (u16, u16, u32);

/// A message a cut or isolation is holding back (TCP retransmits it).
struct HeldMsg {
    env: Envelope,
    sent_us: Micros,
    conn: Option<ConnKey>,
}

enum Ev {
    /// A message arrives; `late` ones (a `delay` rule) were already on their way and
    /// reach the receiver even if the sender closed that connection meanwhile.
    Deliver(Box<Envelope>, Option<ConnKey>, bool),
    /// A cut or isolation may have ended: release what TCP can now get through.
    LinkCheck,
    Producer(u16, u32, ProducerTimer),
    Broker(u16, u32, BrokerTimer),
    Controller(ControllerTimer),
    /// A consumer's timer (consumer index, incarnation).
    Consumer(u16, u32, crate::consumer::client::ConsumerTimer),
    Action(u32),
    /// A paused broker's pause ends (broker id, pause generation).
    Resume(u16, u32),
    /// A broker's request handler pool may take a waiting request (broker id,
    /// incarnation): a handler is free or a connection unmuted.
    Handlers(u16, u32),
}

/// How long an idle run keeps going after the last change when the cluster cannot settle
/// (a replica cut off for good, an offline partition).
pub const QUIET_US: Micros = 60_000_000;

pub struct World {
    pub now: Micros,
    queue: Queue<Ev>,
    pub net: Net,
    pub trace: Trace,
    pub history: History,
    ids: Ids,
    pub seed: u64,
    pub spec: Rc<ClusterSpec>,
    pub controller: Controller,
    pub brokers: Vec<Broker>,
    pub producers: Vec<Producer>,
    pub consumers: Vec<Consumer>,
    pub txn_log: Rc<RefCell<TxnLog>>,
    pub scenario: Rc<Scenario>,
    /// This run's node and topic names (`sim::names`).
    pub names: Rc<crate::sim::NameTable>,
    /// Source text of each timeline line, for the trace.
    lines: Vec<String>,
    actions_done: usize,
    /// Messages on the wire that carry client work (anything to or from a producer, and
    /// transaction markers): a run is not idle while one is in flight.
    client_msgs_in_flight: u64,
    /// Connections that lost a message: nothing more gets through on them.
    dead_conns: crate::sim::VecSet<ConnKey>,
    held: Vec<HeldMsg>,
    /// Paused brokers (by id) and what waits for them.
    paused: crate::sim::VecMap<u16, pause::Paused>,
    pause_gen: u32,
    /// Each broker's request handler pool (`world::handle`).
    handlers: Vec<handle::Handlers>,
    /// The request a broker is handling: (start, cost) in ns; and when it was done.
    handling: Option<(u64, u64)>,
    handled_done_ns: u64,
    /// When what is being sent now leaves (a handler's results leave when it is done).
    depart_us: Option<Micros>,
    /// `run_to`'s moment: nothing may run ahead past it.
    horizon: Micros,
    pub events: u64,
    /// The work the events budget counts: each event, plus the partitions a replica
    /// fetch carries and the records a poll returns (see `crate::budget`).
    pub work: u64,
    pub stopped_by_cap: bool,
    pub budgets: Budgets,
    /// The budget that stopped the run, if one did.
    pub stopped: Option<Exceeded>,
    sends: Vec<Outgoing>,
    ptimers: Vec<(Micros, ProducerTimer)>,
    btimers: Vec<(Micros, BrokerTimer)>,
    ctimers: Vec<(Micros, ControllerTimer)>,
    cotimers: Vec<(Micros, crate::consumer::client::ConsumerTimer)>,
    /// `__consumer_offsets` (shared with every broker).
    pub groups: Rc<RefCell<crate::broker::group::GroupLog>>,
    /// Job order numbers for what pipelines hand their producers (after the timeline's).
    pipe_order: u32,
    /// Per pipeline, how far into `history.forwards` its commits have checked outputs.
    pipe_checked: Vec<usize>,
}

impl World {
    pub fn new(scenario: Rc<Scenario>, source: &str, keep_trace: bool, budgets: Budgets) -> World {
        let sc = &scenario;
        let root = Prng::new(sc.seed);
        let broker_ids: Vec<u16> = (1..=sc.brokers).collect();
        let hardware = Rc::new(sc.hardware.clone());
        let workload = Rc::new(workload_of(sc));
        let spec = Rc::new(ClusterSpec {
            version: sc.kafka,
            features: sc.features,
            broker_cfg: sc.broker_config.clone(),
            broker_ids: broker_ids.clone(),
            topic_names: sc.topics.iter().map(|t| t.name.clone()).collect(),
            topic_cfgs: sc.topics.iter().map(|t| Rc::new(t.config.clone())).collect(),
            assignment: sc.topics.iter().map(|t| t.assignment.clone()).collect(),
            workload: workload.clone(),
            hardware: hardware.clone(),
        });
        let mut names = vec!["controller".to_string()];
        names.extend(broker_ids.iter().map(|b| format!("broker-{b}")));
        names.extend(sc.producers.iter().map(|p| p.name.clone()));
        names.extend(sc.consumers.iter().map(|c| c.name.clone()));
        let name_table = Rc::new(crate::sim::NameTable {
            nodes: names.clone(),
            topics: spec.topic_names.clone(),
            reserved_topics: vec![(crate::protocol::Tp::OFFSETS_TOPIC, "__consumer_offsets".to_string())],
        });
        let txn_log = Rc::new(RefCell::new(TxnLog::default()));
        let groups = Rc::new(RefCell::new(crate::broker::group::GroupLog::default()));
        let quorum = Rc::new(RefCell::new(None));
        let brokers = broker_ids
            .iter()
            .map(|&id| {
                let mut b = Broker::new(id, spec.clone(), txn_log.clone());
                b.groups = groups.clone();
                b.quorum = quorum.clone();
                b
            })
            .collect();
        let producers = sc
            .producers
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let node = NodeId(1 + sc.brokers + i as u16);
                let mut producer = Producer::new(
                    i as u16,
                    node,
                    p.name.clone(),
                    Rc::new(p.config.clone()),
                    broker_ids.clone(),
                    workload.clone(),
                    root.fork(&format!("producer/{}", p.name)),
                );
                producer.txn.v2 = sc.features.transaction_v2();
                producer.hw = hardware.clone();
                producer
            })
            .collect();
        let topic_names = Rc::new(spec.topic_names.clone());
        let consumers = sc
            .consumers
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let node = NodeId(1 + sc.brokers + sc.producers.len() as u16 + i as u16);
                let mut consumer = Consumer::new(c.name.clone(), c.config.clone());
                consumer.client =
                    crate::consumer::client::Client::new(node, i as u16, topic_names.clone(), broker_ids.clone());
                consumer
            })
            .collect();
        let mut net = Net::new(
            names.len(),
            sc.network.latency_us,
            sc.network.jitter_us,
            sc.network.loss_ppm,
            root.fork("network"),
        );
        net.set_bandwidth(sc.hardware.network_bandwidth_bps);
        for &(from, to, n) in &sc.links {
            let id = |r: NodeRef| match r {
                NodeRef::Broker(b) => NodeId::broker(b),
                NodeRef::Producer(p) => NodeId(1 + sc.brokers + p as u16),
                NodeRef::Consumer(c) => NodeId(1 + sc.brokers + sc.producers.len() as u16 + c as u16),
                NodeRef::Controller => NodeId::CONTROLLER,
            };
            let params =
                crate::sim::LinkParams { latency_us: n.latency_us, jitter_us: n.jitter_us, loss_ppm: n.loss_ppm };
            net.set_link(id(from), id(to), params);
        }
        let src_lines: Vec<&str> = source.lines().collect();
        let lines = sc
            .timeline
            .iter()
            .map(|t| {
                src_lines
                    .get(t.line as usize - 1)
                    .map_or(String::new(), |l| l.split('#').next().unwrap_or("").trim().to_string())
            })
            .collect();
        let mut w = World {
            now: 0,
            queue: Queue::default(),
            net,
            trace: Trace::new(keep_trace, name_table.clone()),
            history: History::default(),
            ids: Ids::default(),
            seed: sc.seed,
            controller: Controller::new(spec.clone()),
            spec,
            brokers,
            producers,
            consumers,
            txn_log,
            scenario: scenario.clone(),
            names: name_table,
            lines,
            actions_done: 0,
            client_msgs_in_flight: 0,
            dead_conns: crate::sim::VecSet::new(),
            held: Vec::new(),
            paused: crate::sim::VecMap::new(),
            pause_gen: 0,
            handlers: (0..sc.brokers).map(|_| handle::Handlers::new(sc.broker_config.num_io_threads)).collect(),
            handling: None,
            handled_done_ns: 0,
            depart_us: None,
            horizon: Micros::MAX,
            events: 0,
            work: 0,
            stopped_by_cap: false,
            budgets,
            stopped: None,
            sends: Vec::new(),
            ptimers: Vec::new(),
            btimers: Vec::new(),
            ctimers: Vec::new(),
            cotimers: Vec::new(),
            groups,
            pipe_order: sc.timeline.len() as u32,
            pipe_checked: Vec::new(),
        };
        w.history.compressed_limit = budgets.compressed_bytes;
        w.boot();
        w
    }

    /// Time 0: the cluster is up with its initial metadata; producers start.
    fn boot(&mut self) {
        let image = self.controller.image.clone();
        self.with_controller(|c, ctx| c.start(ctx));
        for i in 0..self.brokers.len() {
            let img = image.clone();
            self.with_broker(i, |b, ctx| {
                b.start(ctx);
                b.apply_image(ctx, img);
            });
        }
        let mut explicit_init = vec![false; self.producers.len()];
        for t in &self.scenario.timeline {
            if let Action::Init { producer } = t.action {
                explicit_init[producer] = true;
            }
        }
        for (i, explicit) in explicit_init.into_iter().enumerate() {
            self.with_producer(i, |p, ctx| {
                if !explicit {
                    p.init_transactions(ctx);
                }
                p.wake_sender(ctx, 0);
            });
        }
        self.boot_pipelines();
        for (i, t) in self.scenario.timeline.iter().enumerate() {
            self.queue.push(t.at_us, Ev::Action(i as u32));
        }
    }

    fn with_producer(&mut self, i: usize, f: impl FnOnce(&mut Producer, &mut PCtx)) {
        self.producer_step(i, f);
        let (node, inc) = (self.producers[i].node, self.producers[i].inc());
        for (at, t) in self.ptimers.drain(..) {
            self.queue.push(at, Ev::Producer(i as u16, inc, t));
        }
        self.flush_sends(node, inc);
    }

    /// Runs `f` on producer `i`; what it sends and the timers it sets stay in
    /// `self.sends` and `self.ptimers`.
    fn producer_step(&mut self, i: usize, f: impl FnOnce(&mut Producer, &mut PCtx)) {
        let p = &mut self.producers[i];
        let mut ctx = node_ctx!(self, p.node, p.inc(), ptimers);
        f(p, &mut ctx);
    }

    fn with_broker(&mut self, i: usize, f: impl FnOnce(&mut Broker, &mut BCtx)) {
        let was_up = self.brokers[i].up;
        let b = &mut self.brokers[i];
        let mut ctx = node_ctx!(self, b.node, b.inc, btimers);
        f(b, &mut ctx);
        let (node, inc, id, powered, up) = (b.node, b.inc, b.id, b.powered, b.up);
        let (fsyncs, dirty) = std::mem::take(&mut b.fsync_work);
        let disk_wait_ns = std::mem::take(&mut b.disk_wait_ns);
        for (at, t) in self.btimers.drain(..) {
            self.queue.push(at, Ev::Broker(id, inc, t));
        }
        if let Some((start_ns, cost_ns)) = self.handling.take() {
            let hw = &self.scenario.hardware;
            let fsync_ns = hw.fsyncs_ns(fsyncs, dirty).saturating_add(disk_wait_ns);
            let done = start_ns.saturating_add(cost_ns).saturating_add(fsync_ns);
            self.handled_done_ns = done;
            self.depart_us = Some(crate::sim::cost::ns_to_us(done).max(self.now));
        }
        self.flush_sends(node, inc);
        self.depart_us = None;
        if was_up && !up {
            self.handlers[i].reset();
        }
        if was_up && !up && powered {
            self.close_sockets_of(id);
        }
    }

    /// A broker process stopped on a machine that still runs (a process crash, the end of
    /// a controlled shutdown): the OS closes its sockets and every peer hears a reset.
    fn close_sockets_of(&mut self, id: u16) {
        let from = NodeId::broker(id);
        let peers: Vec<(NodeId, u32)> = self
            .brokers
            .iter()
            .filter(|b| b.id != id && b.up)
            .map(|b| (b.node, b.inc))
            .chain(self.producers.iter().map(|p| (p.node, p.inc())))
            .chain(
                self.consumers
                    .iter()
                    .filter(|c| c.client.up && !c.client.subscription.is_empty())
                    .map(|c| (c.client.node, c.client.inc)),
            )
            .collect();
        for (to, inc) in peers {
            self.route(Envelope { from, to, from_inc: 0, to_inc: Some(inc), msg: Msg::Reset });
        }
    }

    /// The cluster, read-only, as everything outside the nodes reads it.
    pub fn view(&self) -> crate::view::ClusterView<'_> {
        crate::view::ClusterView::new(&self.controller.image, &self.brokers)
    }

    pub(super) fn consumer_node(&self, c: usize) -> NodeId {
        self.consumers[c].client.node
    }

    /// Runs `f` on consumer `i`'s network client (with its configuration).
    fn with_consumer(
        &mut self,
        i: usize,
        f: impl FnOnce(
            &mut crate::consumer::client::Client,
            &mut crate::consumer::client::CCtx,
            &crate::config::ConsumerConfig,
        ),
    ) {
        self.with_consumer_node(i, |c, ctx| f(&mut c.client, ctx, &c.config));
    }

    /// Runs `f` on consumer `i`.
    fn with_consumer_node(&mut self, i: usize, f: impl FnOnce(&mut Consumer, &mut crate::consumer::client::CCtx)) {
        let c = &mut self.consumers[i];
        let mut ctx = node_ctx!(self, c.client.node, c.client.inc, cotimers);
        f(c, &mut ctx);
        let (node, inc) = (c.client.node, c.client.inc);
        for (at, t) in self.cotimers.drain(..) {
            self.queue.push(at, Ev::Consumer(i as u16, inc, t));
        }
        self.flush_sends(node, inc);
    }

    fn with_controller(&mut self, f: impl FnOnce(&mut Controller, &mut CCtx)) {
        let mut ctx = node_ctx!(self, NodeId::CONTROLLER, 0, ctimers);
        f(&mut self.controller, &mut ctx);
        self.publish_quorum();
        for (at, t) in self.ctimers.drain(..) {
            self.queue.push(at, Ev::Controller(t));
        }
        self.flush_sends(NodeId::CONTROLLER, 0);
    }

    /// Share the controller's committed metadata with the brokers (`Broker::quorum`).
    fn publish_quorum(&mut self) {
        let Some(b) = self.brokers.first() else { return };
        let mut q = b.quorum.borrow_mut();
        if !q.as_ref().is_some_and(|i| Rc::ptr_eq(i, &self.controller.image)) {
            *q = Some(self.controller.image.clone());
        }
    }

    /// Route what a node sent through the network.
    fn flush_sends(&mut self, from: NodeId, from_inc: u32) {
        // Drained out of a taken buffer whose capacity is given back: no allocation per event.
        let mut sends = std::mem::take(&mut self.sends);
        for out in sends.drain(..) {
            self.route(Envelope { from, to: out.to, from_inc, to_inc: out.to_inc, msg: out.msg });
        }
        if self.sends.is_empty() {
            self.sends = sends;
        }
    }

    /// Run until the scenario's end condition. Returns false if stopped by `max_events`
    /// (call again to continue: the playground steps a run in slices).
    /// A run that used up a budget stops before its next event (see `crate::budget`).
    pub fn run(&mut self, max_events: u64) -> bool {
        if self.stopped.is_some() {
            return true;
        }
        let until = self.scenario.run_until;
        let mut budget = max_events;
        while budget > 0 {
            let Some(t) = self.queue.peek_time() else {
                self.settle_time(until);
                return true;
            };
            if let RunUntil::Time(end) = until {
                if t > end {
                    self.now = end;
                    return true;
                }
            } else if self.idle_at(t) {
                return true;
            }
            if self.over_budget() {
                return true;
            }
            let (t, ev) = self.queue.pop().expect("peeked");
            self.now = t;
            self.events += 1;
            self.work += 1 + weight(&ev);
            budget -= 1;
            self.dispatch(ev);
        }
        false
    }

    /// The application thread's turn (`ProducerTimer::App`). Its next step runs at once
    /// when it is the run's very next event: a producer sending a burst pays `send()`'s
    /// cost per record, so it wakes every microsecond or two, and when nothing else
    /// happens meanwhile the queue would only hand the same wake-up straight back. Each
    /// step still counts as a kernel event (reports stay byte-identical); it stops at
    /// anything else due first (ties included), at the run's end or a `run_to` moment,
    /// at a budget, and whenever the step sent something or set another timer.
    fn producer_app(&mut self, i: usize) {
        loop {
            self.producer_step(i, |p, ctx| Node::on_timer(p, ctx, ProducerTimer::App));
            let ahead = match (&self.ptimers[..], self.sends.is_empty()) {
                ([(at, ProducerTimer::App)], true) => Some(*at),
                _ => None,
            };
            let Some(at) = ahead.filter(|&at| self.may_run_ahead(i, at)) else { break };
            self.ptimers.clear();
            self.now = at;
            self.events += 1;
            self.work += 1;
        }
        let (node, inc) = (self.producers[i].node, self.producers[i].inc());
        for (at, t) in self.ptimers.drain(..) {
            self.queue.push(at, Ev::Producer(i as u16, inc, t));
        }
        self.flush_sends(node, inc);
    }

    fn may_run_ahead(&mut self, i: usize, at: Micros) -> bool {
        let end = match self.scenario.run_until {
            RunUntil::Time(end) => end,
            RunUntil::Idle => self.budgets.virtual_time_us.saturating_sub(1),
        };
        let next = self.queue.peek_time().unwrap_or(Micros::MAX);
        // The run loop checks the budgets before each event: so does this (last, since
        // a budget found used up stops the run as it would there).
        at < next && at <= end && at <= self.horizon && self.producers[i].busy() && !self.over_budget()
    }

    /// Run the events up to virtual time `t` (for the state at a moment). Returns
    /// `Some(true)` when the run has ended, `Some(false)` when `t` was reached, `None`
    /// when `max_events` ran out first (call again).
    pub fn run_to(&mut self, t: Micros, max_events: u64) -> Option<bool> {
        let mut budget = max_events;
        loop {
            match self.queue.peek_time() {
                Some(next) if next <= t => {}
                _ => {
                    self.now = self.now.max(t.min(self.end_bound()));
                    return Some(false);
                }
            }
            if budget == 0 {
                return None;
            }
            budget -= 1;
            self.horizon = t;
            let ended = self.run(1);
            self.horizon = Micros::MAX;
            if ended {
                return Some(true);
            }
        }
    }

    /// The latest time this run can reach.
    fn end_bound(&self) -> Micros {
        match self.scenario.run_until {
            RunUntil::Time(end) => end,
            RunUntil::Idle => self.budgets.virtual_time_us,
        }
    }

    fn settle_time(&mut self, until: RunUntil) {
        if let RunUntil::Time(end) = until {
            self.now = self.now.max(end);
        }
    }

    fn dispatch(&mut self, ev: Ev) {
        let Some(ev) = self.hold_if_paused(ev) else { return };
        match ev {
            Ev::Deliver(env, conn, late) => self.deliver(*env, conn, late),
            Ev::LinkCheck => self.release_held(),
            Ev::Producer(i, inc, t) => {
                if self.producers[i as usize].inc() == inc {
                    if t == ProducerTimer::App {
                        self.producer_app(i as usize);
                    } else {
                        self.with_producer(i as usize, |p, ctx| Node::on_timer(p, ctx, t));
                    }
                }
            }
            Ev::Broker(id, inc, t) => {
                let b = &self.brokers[id as usize - 1];
                let live = if t == BrokerTimer::Writeback { true } else { b.up && b.inc == inc };
                if live {
                    self.with_broker(id as usize - 1, |b, ctx| Node::on_timer(b, ctx, t));
                }
            }
            Ev::Controller(t) => self.with_controller(|c, ctx| Node::on_timer(c, ctx, t)),
            Ev::Consumer(i, inc, t) => {
                if self.consumers[i as usize].client.inc == inc {
                    self.with_consumer_node(i as usize, |c, ctx| Node::on_timer(c, ctx, t));
                }
            }
            Ev::Action(i) => {
                self.actions_done += 1;
                self.run_action(i as usize);
            }
            Ev::Resume(id, gen) => self.resume_broker(id, gen),
            Ev::Handlers(id, inc) => self.handlers_wake(id, inc),
        }
        if !self.scenario.pipelines.is_empty() {
            self.pipelines_sync();
        }
    }
}

/// What an event costs beyond itself, for the events budget: a replica fetch request or
/// response touches every partition it carries.
fn weight(ev: &Ev) -> u64 {
    match ev {
        Ev::Deliver(env, ..) => match &env.msg {
            Msg::Fetch(req) => req.partitions.len() as u64,
            Msg::FetchResponse(resp) => resp.partitions.len() as u64,
            _ => 0,
        },
        _ => 0,
    }
}

enum NodeKind {
    Controller,
    Broker(usize),
    Producer(usize),
    Consumer(usize),
}

/// The run's workload: each send statement's records, as the producers regenerate them.
fn workload_of(sc: &Scenario) -> Workload {
    let mut workload = Workload {
        seed: sc.seed,
        epoch_ms: sc.epoch_ms,
        sends: vec![None; sc.timeline.len()],
        topic_names: sc.topics.iter().map(|t| t.name.clone()).collect(),
    };
    for (i, t) in sc.timeline.iter().enumerate() {
        if let Action::Send { topic, key, value, headers, timestamp_ms, .. } = &t.action {
            workload.sends[i] = Some(crate::producer::SendSpec {
                topic: *topic as u16,
                key: key.clone(),
                value: value.clone(),
                headers: headers.clone(),
                headers_size: crate::format::headers_size(headers),
                timestamp_ms: *timestamp_ms,
            });
        }
    }
    workload
}
