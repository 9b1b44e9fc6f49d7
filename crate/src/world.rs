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
//! powered-off machine vanish.
//!
//! TCP: a producer's connection to a broker is identified by the producer's connection
//! generation. A message lost on it (drop rule, random loss) stalls the connection in
//! both directions until the producer closes it; messages held by a cut are delivered at
//! TCP's next retransmission after the link is back, unless the producer has closed that
//! connection meanwhile.

use std::cell::RefCell;
use std::rc::Rc;

use crate::broker::coordinator::TxnLog;
use crate::broker::{BCtx, Broker, BrokerTimer, ClusterSpec};
use crate::consumer::Consumer;
use crate::controller::{CCtx, Controller, ControllerTimer};
use crate::producer::app::{Job, Op, SendJob};
use crate::producer::{PCtx, Producer, ProducerTimer, Workload};
use crate::protocol::{Envelope, Msg};
use crate::script::ast::{Action, CrashMode, CrashTarget, NodeRef, RunUntil, Scenario};
use crate::sim::trace::Event;
use crate::sim::{later, Ctx, History, Ids, Micros, Net, NodeId, Outgoing, Prng, Queue, Route, Tp, Trace};

/// A producer↔broker TCP connection: (producer index, broker id, producer's generation).
type ConnKey = (u16, u16, u32);

/// A message a cut or isolation is holding back (TCP retransmits it).
struct HeldMsg {
    env: Envelope,
    sent_us: Micros,
    conn: Option<ConnKey>,
}

enum Ev {
    Deliver(Box<Envelope>, Option<ConnKey>),
    /// A cut or isolation may have ended: release what TCP can now get through.
    LinkCheck,
    Producer(u16, u32, ProducerTimer),
    Broker(u16, u32, BrokerTimer),
    Controller(ControllerTimer),
    Action(u32),
}

/// How long an idle run keeps going after the last change when the cluster cannot settle
/// (a replica cut off for good, an offline partition).
pub const QUIET_US: Micros = 60_000_000;
/// The longest `run until idle` may last.
pub const MAX_IDLE_RUN_US: Micros = 24 * 3600 * 1_000_000;

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
    /// Source text of each timeline line, for the trace.
    lines: Vec<String>,
    actions_done: usize,
    /// Messages on the wire that carry client work (anything to or from a producer, and
    /// transaction markers): a run is not idle while one is in flight.
    client_msgs_in_flight: u64,
    /// Connections that lost a message: nothing more gets through on them.
    dead_conns: crate::sim::VecSet<ConnKey>,
    held: Vec<HeldMsg>,
    pub events: u64,
    pub stopped_by_cap: bool,
    sends: Vec<Outgoing>,
    ptimers: Vec<(Micros, ProducerTimer)>,
    btimers: Vec<(Micros, BrokerTimer)>,
    ctimers: Vec<(Micros, ControllerTimer)>,
}

impl World {
    pub fn new(scenario: Rc<Scenario>, source: &str, keep_trace: bool) -> World {
        let sc = &scenario;
        let root = Prng::new(sc.seed);
        let broker_ids: Vec<u16> = (1..=sc.brokers).collect();
        let spec = Rc::new(ClusterSpec {
            version: sc.kafka,
            broker_cfg: sc.broker_config.clone(),
            broker_ids: broker_ids.clone(),
            topic_names: sc.topics.iter().map(|t| t.name.clone()).collect(),
            topic_cfgs: sc.topics.iter().map(|t| Rc::new(t.config.clone())).collect(),
            assignment: sc.topics.iter().map(|t| t.assignment.clone()).collect(),
        });
        let mut names = vec!["controller".to_string()];
        names.extend(broker_ids.iter().map(|b| format!("broker-{b}")));
        names.extend(sc.producers.iter().map(|p| p.name.clone()));
        crate::sim::set_names(names.clone(), spec.topic_names.clone());
        let txn_log = Rc::new(RefCell::new(TxnLog::default()));
        let brokers = broker_ids.iter().map(|&id| Broker::new(id, spec.clone(), txn_log.clone())).collect();
        let mut workload =
            Workload { seed: sc.seed, sends: vec![None; sc.timeline.len()], topic_names: spec.topic_names.clone() };
        for (i, t) in sc.timeline.iter().enumerate() {
            if let Action::Send { topic, key, value, .. } = &t.action {
                workload.sends[i] =
                    Some(crate::producer::SendSpec { topic: *topic as u16, key: key.clone(), value: value.clone() });
            }
        }
        let workload = Rc::new(workload);
        let producers = sc
            .producers
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let node = NodeId(1 + sc.brokers + i as u16);
                Producer::new(
                    i as u16,
                    node,
                    p.name.clone(),
                    Rc::new(p.config.clone()),
                    broker_ids.clone(),
                    workload.clone(),
                    root.fork(&format!("producer/{}", p.name)),
                )
            })
            .collect();
        let consumers = sc.consumers.iter().map(|c| Consumer::new(c.name.clone(), c.config.clone())).collect();
        let net = Net::new(
            names.len(),
            sc.network.latency_us,
            sc.network.jitter_us,
            sc.network.loss_ppm,
            root.fork("network"),
        );
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
            trace: Trace::new(keep_trace),
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
            lines,
            actions_done: 0,
            client_msgs_in_flight: 0,
            dead_conns: crate::sim::VecSet::new(),
            held: Vec::new(),
            events: 0,
            stopped_by_cap: false,
            sends: Vec::new(),
            ptimers: Vec::new(),
            btimers: Vec::new(),
            ctimers: Vec::new(),
        };
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
        for i in 0..self.producers.len() {
            let explicit_init =
                self.scenario.timeline.iter().any(|t| matches!(t.action, Action::Init { producer } if producer == i));
            self.with_producer(i, |p, ctx| {
                if !explicit_init {
                    p.init_transactions(ctx);
                }
                p.wake_sender(ctx, 0);
            });
        }
        for (i, t) in self.scenario.timeline.iter().enumerate() {
            self.queue.push(t.at_us, Ev::Action(i as u32));
        }
    }

    fn with_producer(&mut self, i: usize, f: impl FnOnce(&mut Producer, &mut PCtx)) {
        let p = &mut self.producers[i];
        let mut ctx = Ctx {
            now: self.now,
            me: p.node,
            inc: p.inc(),
            seed: self.seed,
            trace: &mut self.trace,
            history: &mut self.history,
            ids: &mut self.ids,
            sends: &mut self.sends,
            timers: &mut self.ptimers,
        };
        f(p, &mut ctx);
        let (node, inc) = (p.node, p.inc());
        for (at, t) in self.ptimers.drain(..) {
            self.queue.push(at, Ev::Producer(i as u16, inc, t));
        }
        self.flush_sends(node, inc);
    }

    fn with_broker(&mut self, i: usize, f: impl FnOnce(&mut Broker, &mut BCtx)) {
        let b = &mut self.brokers[i];
        let mut ctx = Ctx {
            now: self.now,
            me: b.node,
            inc: b.inc,
            seed: self.seed,
            trace: &mut self.trace,
            history: &mut self.history,
            ids: &mut self.ids,
            sends: &mut self.sends,
            timers: &mut self.btimers,
        };
        f(b, &mut ctx);
        let (node, inc, id) = (b.node, b.inc, b.id);
        for (at, t) in self.btimers.drain(..) {
            self.queue.push(at, Ev::Broker(id, inc, t));
        }
        self.flush_sends(node, inc);
    }

    fn with_controller(&mut self, f: impl FnOnce(&mut Controller, &mut CCtx)) {
        let mut ctx = Ctx {
            now: self.now,
            me: NodeId::CONTROLLER,
            inc: 0,
            seed: self.seed,
            trace: &mut self.trace,
            history: &mut self.history,
            ids: &mut self.ids,
            sends: &mut self.sends,
            timers: &mut self.ctimers,
        };
        f(&mut self.controller, &mut ctx);
        for (at, t) in self.ctimers.drain(..) {
            self.queue.push(at, Ev::Controller(t));
        }
        self.flush_sends(NodeId::CONTROLLER, 0);
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

    /// The producer connection a message travels on, if any.
    fn conn_key(&self, env: &Envelope) -> Option<ConnKey> {
        let (p, b) = match (self.node_kind(env.from), self.node_kind(env.to)) {
            (NodeKind::Producer(p), NodeKind::Broker(b)) | (NodeKind::Broker(b), NodeKind::Producer(p)) => (p, b),
            _ => return None,
        };
        let broker = b as u16 + 1;
        let gen = self.producers[p].conns.get(&broker).map_or(0, |c| c.gen);
        Some((p as u16, broker, gen))
    }

    fn trace_drop(&mut self, env: &Envelope, cause: crate::sim::DropCause) {
        self.trace.push(
            self.now,
            Event::MessageDropped { from: env.from, to: env.to, api: env.msg.api(), corr: env.msg.corr(), cause },
        );
    }

    fn route(&mut self, env: Envelope) {
        let conn = self.conn_key(&env);
        if conn.is_some_and(|c| self.dead_conns.contains(&c)) {
            self.trace_drop(&env, crate::sim::DropCause::Stalled);
            return;
        }
        match self.net.route(self.now, env.from, env.to, env.msg.api()) {
            Route::Deliver(at) => {
                if self.is_client_traffic(&env) {
                    self.client_msgs_in_flight += 1;
                }
                self.queue.push(at, Ev::Deliver(Box::new(env), conn))
            }
            Route::Dropped(cause) => {
                if let Some(c) = conn {
                    self.dead_conns.insert(c);
                }
                self.trace_drop(&env, cause);
            }
            Route::Held => {
                self.trace.push(
                    self.now,
                    Event::MessageHeld { from: env.from, to: env.to, api: env.msg.api(), corr: env.msg.corr() },
                );
                self.held.push(HeldMsg { env, sent_us: self.now, conn });
                if let Some(t) = self.net.next_rule_end(self.now) {
                    self.queue.push(t, Ev::LinkCheck);
                }
            }
        }
    }

    /// Links came back (a cut ended, or `heal`): TCP's next retransmission of each held
    /// message gets through.
    fn release_held(&mut self) {
        let now = self.now;
        let held = std::mem::take(&mut self.held);
        for h in held {
            if !self.net.link_up(now, h.env.from, h.env.to) {
                self.held.push(h);
                continue;
            }
            let syn = matches!(h.env.msg, Msg::Connect { .. });
            match self.net.retransmit_arrival(h.sent_us, now, h.env.from, h.env.to, syn) {
                Some(at) => {
                    if self.is_client_traffic(&h.env) {
                        self.client_msgs_in_flight += 1;
                    }
                    self.queue.push(at, Ev::Deliver(Box::new(h.env), h.conn));
                }
                None => self.trace_drop(&h.env, crate::sim::DropCause::GaveUp),
            }
        }
        if !self.held.is_empty() {
            if let Some(t) = self.net.next_rule_end(now) {
                self.queue.push(t, Ev::LinkCheck);
            }
        }
    }

    fn is_client_traffic(&self, env: &Envelope) -> bool {
        matches!(self.node_kind(env.from), NodeKind::Producer(_))
            || matches!(self.node_kind(env.to), NodeKind::Producer(_))
            || matches!(env.msg, Msg::WriteTxnMarkers { .. } | Msg::WriteTxnMarkersResponse { .. })
    }

    fn node_kind(&self, id: NodeId) -> NodeKind {
        let b = self.brokers.len() as u16;
        match id.0 {
            0 => NodeKind::Controller,
            n if n <= b => NodeKind::Broker(n as usize - 1),
            n => NodeKind::Producer((n - b - 1) as usize),
        }
    }

    /// A TCP reset from `from` (whose machine is up) back to the sender of `env`.
    fn reset_back(&mut self, env: &Envelope) {
        if matches!(env.msg, Msg::Reset) {
            return;
        }
        self.trace.push(self.now, Event::ConnectionReset { from: env.to, to: env.from });
        self.route(Envelope { from: env.to, to: env.from, from_inc: 0, to_inc: Some(env.from_inc), msg: Msg::Reset });
    }

    fn deliver(&mut self, env: Envelope, conn: Option<ConnKey>) {
        if self.is_client_traffic(&env) {
            self.client_msgs_in_flight -= 1;
        }
        // A request on a connection the producer has since closed never reaches the
        // broker: the producer's TCP stack discarded it.
        if let (Some((p, b, gen)), NodeKind::Producer(_)) = (conn, self.node_kind(env.from)) {
            let live = self.producers[p as usize]
                .conns
                .get(&b)
                .is_some_and(|c| c.gen == gen && c.state != crate::producer::network::ConnState::Disconnected);
            if !live {
                return;
            }
        }
        match self.node_kind(env.to) {
            NodeKind::Controller => {
                let (from, inc) = (env.from, env.from_inc);
                self.with_controller(|c, ctx| c.on_message(ctx, from, inc, env.msg));
            }
            NodeKind::Broker(i) => {
                let b = &self.brokers[i];
                if !b.up {
                    if b.powered {
                        self.reset_back(&env);
                    }
                    return;
                }
                if env.to_inc.is_some_and(|inc| inc != b.inc) {
                    self.reset_back(&env);
                    return;
                }
                self.with_broker(i, |b, ctx| b.on_message(ctx, env));
            }
            NodeKind::Producer(i) => {
                if env.to_inc.is_some_and(|inc| inc != self.producers[i].inc()) {
                    return;
                }
                self.with_producer(i, |p, ctx| p.on_message(ctx, env));
            }
        }
    }

    /// Run until the scenario's end condition. Returns false if stopped by `max_events`
    /// (call again to continue: the playground steps a run in slices).
    pub fn run(&mut self, max_events: u64) -> bool {
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
            let (t, ev) = self.queue.pop().expect("peeked");
            self.now = t;
            self.events += 1;
            budget -= 1;
            self.dispatch(ev);
        }
        false
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
            if self.run(1) {
                return Some(true);
            }
        }
    }

    /// The latest time this run can reach.
    fn end_bound(&self) -> Micros {
        match self.scenario.run_until {
            RunUntil::Time(end) => end,
            RunUntil::Idle => MAX_IDLE_RUN_US,
        }
    }

    fn settle_time(&mut self, until: RunUntil) {
        if let RunUntil::Time(end) = until {
            self.now = self.now.max(end);
        }
    }

    fn dispatch(&mut self, ev: Ev) {
        match ev {
            Ev::Deliver(env, conn) => self.deliver(*env, conn),
            Ev::LinkCheck => self.release_held(),
            Ev::Producer(i, inc, t) => {
                if self.producers[i as usize].inc() == inc {
                    self.with_producer(i as usize, |p, ctx| p.on_timer(ctx, t));
                }
            }
            Ev::Broker(id, inc, t) => {
                let b = &self.brokers[id as usize - 1];
                let live = if t == BrokerTimer::Writeback { true } else { b.up && b.inc == inc };
                if live {
                    self.with_broker(id as usize - 1, |b, ctx| b.on_timer(ctx, t));
                }
            }
            Ev::Controller(t) => self.with_controller(|c, ctx| c.on_timer(ctx, t)),
            Ev::Action(i) => {
                self.actions_done += 1;
                self.run_action(i as usize);
            }
        }
    }

    fn node_of(&self, r: NodeRef) -> NodeId {
        match r {
            NodeRef::Broker(b) => NodeId::broker(b),
            NodeRef::Producer(p) => self.producers[p].node,
            NodeRef::Controller => NodeId::CONTROLLER,
        }
    }

    fn run_action(&mut self, i: usize) {
        let timed = self.scenario.timeline[i].clone();
        self.trace.push(self.now, Event::Action { line: timed.line, text: self.lines[i].clone() });
        let now = self.now;
        match timed.action {
            Action::Send { producer, topic, count, every_us, partition, sync, .. } => {
                let job = Job::Send(SendJob {
                    stmt: i as u32,
                    topic: topic as u16,
                    count,
                    every_us,
                    start_us: now,
                    next: 0,
                    partition,
                    sync,
                });
                self.with_producer(producer, |p, ctx| p.add_job(ctx, i as u32, job));
            }
            Action::Flush { producer } => self.app_op(producer, i, Op::Flush),
            Action::Init { producer } => self.app_op(producer, i, Op::Init),
            Action::Begin { producer } => self.app_op(producer, i, Op::Begin),
            Action::Commit { producer } => self.app_op(producer, i, Op::Commit),
            Action::Abort { producer } => self.app_op(producer, i, Op::Abort),
            Action::RestartApp { producer, resend_unacked } => {
                self.with_producer(producer, |p, ctx| p.restart(ctx, resend_unacked));
            }
            Action::Crash { target, mode } => {
                let id = match target {
                    CrashTarget::Broker(b) => Some(b),
                    CrashTarget::LeaderOf { topic, partition } => {
                        self.controller.image.leader(Tp::new(topic as u16, partition))
                    }
                };
                if let Some(id) = id {
                    self.crash_broker(id, mode);
                }
            }
            Action::RestartBroker { broker } => {
                let idx = broker as usize - 1;
                if !self.brokers[idx].up {
                    self.with_broker(idx, |b, ctx| b.restart(ctx));
                }
            }
            Action::Drop { from, to, count, api } => {
                let (f, t) = (self.node_of(from), self.node_of(to));
                self.net.add_drop(f, t, count, api);
            }
            Action::Cut { from, to, for_us } => {
                let (f, t) = (self.node_of(from), self.node_of(to));
                self.net.add_cut(f, t, for_us.map(|d| later(now, d)));
                if let Some(d) = for_us {
                    self.queue.push(later(now, d), Ev::LinkCheck);
                }
            }
            Action::Isolate { node, for_us } => {
                let n = self.node_of(node);
                self.net.add_isolate(n, for_us.map(|d| later(now, d)));
                if let Some(d) = for_us {
                    self.queue.push(later(now, d), Ev::LinkCheck);
                }
            }
            Action::Heal => {
                self.net.heal();
                self.release_held();
            }
            Action::Poll { consumer, topic } => {
                let polled = self.consumers[consumer].poll(&self.brokers, &self.controller.image, topic as u16);
                let name = self.consumers[consumer].name.clone();
                let topic_name = self.spec.topic_names[topic].clone();
                self.trace.push(now, Event::Polled { consumer: name, topic: topic_name, records: polled.len() as u32 });
                self.history.polls.push(crate::sim::history::PollRec {
                    consumer: consumer as u16,
                    topic: topic as u16,
                    at_us: now,
                    records: polled,
                });
            }
        }
    }

    fn app_op(&mut self, producer: usize, i: usize, op: Op) {
        let at_us = self.now;
        self.with_producer(producer, |p, ctx| p.add_job(ctx, i as u32, Job::Op { at_us, op }));
    }

    fn crash_broker(&mut self, id: u16, mode: CrashMode) {
        let idx = id as usize - 1;
        if !self.brokers[idx].up {
            return;
        }
        let power = mode == CrashMode::Power;
        self.with_broker(idx, |b, ctx| b.crash(ctx, power));
        if !power {
            // The OS closes the dead process's sockets: every peer hears a reset.
            let from = NodeId::broker(id);
            let peers: Vec<(NodeId, u32)> = self
                .brokers
                .iter()
                .filter(|b| b.id != id && b.up)
                .map(|b| (b.node, b.inc))
                .chain(self.producers.iter().map(|p| (p.node, p.inc())))
                .collect();
            for (to, inc) in peers {
                self.route(Envelope { from, to, from_inc: 0, to_inc: Some(inc), msg: Msg::Reset });
            }
        }
    }

    /// Whether `run until idle` is done before the event at `next`.
    fn idle_at(&mut self, next: Micros) -> bool {
        if next >= MAX_IDLE_RUN_US {
            self.stopped_by_cap = true;
            self.now = self.now.max(MAX_IDLE_RUN_US);
            return true;
        }
        if self.actions_done < self.scenario.timeline.len()
            || self.client_msgs_in_flight > 0
            || self.producers.iter().any(|p| p.busy())
        {
            return false;
        }
        if self.cluster_settled() {
            return true;
        }
        let quiet_end = later(self.trace.last_progress_us, QUIET_US);
        if next > quiet_end {
            self.now = self.now.max(quiet_end);
            return true;
        }
        false
    }

    /// Every partition has a live leader, every live unfenced replica is in the ISR with
    /// the leader's LEO and HW, and no transaction markers are pending.
    pub fn cluster_settled(&self) -> bool {
        // Markers still to write, or a transaction still open (its timeout will abort it).
        if self.txn_log.borrow().txns.values().any(|m| !m.pending_markers.is_empty() || m.is_open()) {
            return false;
        }
        // A broker that runs but is fenced has not rejoined yet.
        if self.brokers.iter().any(|b| b.up && self.controller.broker_fenced(b.id)) {
            return false;
        }
        let image = &self.controller.image;
        for (tp, p) in image.partitions() {
            let Some(l) = p.leader else { return false };
            let leader = &self.brokers[l as usize - 1];
            let Some(lr) = leader.replicas.get(&tp) else { return false };
            if !leader.up
                || !lr.is_leader()
                || lr.hw != lr.log.leo
                || lr.leader_state().is_some_and(|s| s.isr.len() != p.isr.len())
            {
                return false;
            }
            for &r in &p.replicas {
                let b = &self.brokers[r as usize - 1];
                if !b.up || r == l {
                    continue;
                }
                let Some(rr) = b.replicas.get(&tp) else { continue };
                if !p.isr.contains(&r) || rr.log.leo != lr.log.leo || rr.hw != lr.hw {
                    return false;
                }
            }
        }
        true
    }

    /// Progress for a stepped run, in parts per thousand (by virtual time when bounded).
    pub fn progress_permille(&self) -> u32 {
        match self.scenario.run_until {
            RunUntil::Time(end) if end > 0 => ((self.now.min(end) as u128 * 1000) / end as u128) as u32,
            _ => {
                // Up to 90% while the timeline plays out and the records sent so far get
                // their callbacks (whichever is further behind); settling takes the rest.
                let last = self.scenario.timeline.last().map_or(1, |t| t.at_us.max(1));
                let by_time = (self.now.min(last) as u128 * 900) / last as u128;
                let planned: u64 = self
                    .scenario
                    .timeline
                    .iter()
                    .map(|t| if let Action::Send { count, .. } = t.action { count } else { 0 })
                    .sum();
                let by_records = match planned {
                    0 => 900,
                    n => (self.history.completed.min(n) as u128 * 900) / n as u128,
                };
                by_time.min(by_records) as u32
            }
        }
    }
}

enum NodeKind {
    Controller,
    Broker(usize),
    Producer(usize),
}
