//! A broker's request handling (the cost model's broker side, see `sim::cost`).
//!
//! Kafka's network threads read a request from a connection, then **mute** that connection:
//! nothing more is read from it until the request's response has been sent (for a produce
//! request with acks=0, which has no response, until it has been handled). A client's
//! `max.in.flight.requests.per.connection` therefore overlaps requests on the network,
//! never in the broker: the broker handles one request per connection at a time, and an
//! acks=all produce request keeps its connection muted while it waits in purgatory for
//! the followers (`SocketServer.Processor`, `RequestChannel`).
//!
//! Requests then wait in the request queue for one of `num.io.threads` request handler
//! threads (`KafkaRequestHandlerPool`); a handler pays the request's cost (per request,
//! per batch, per byte, and the decompression a compressed batch needs for validation)
//! plus any fsync the append makes (`log.flush.interval.messages`, a segment roll), and
//! what the request produces (its response, the completion of a purgatory wait it
//! unblocks) leaves when the handler is done. A follower's replica fetcher thread pays the
//! same costs for the batches a fetch response brings before it sends its next fetch.
//!
//! kplay applies the request's effects when its handler takes it (state is never seen
//! half-applied), and holds back what it sends until the handler has finished.

use std::collections::VecDeque;

use super::{ConnKey, Ev, NodeKind, World};
use crate::protocol::{Corr, Envelope, Msg};
use crate::sim::cost::ns_to_us;
use crate::sim::{Micros, Node};

/// Why a producer connection is muted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mute {
    /// Until the response to this request is sent.
    Response(Corr),
    /// Until this time (the response is on its way out, or an acks=0 request was handled).
    Until(Micros),
}

/// One broker's request handler pool and request queue.
#[derive(Default)]
pub(super) struct Handlers {
    /// When each request handler thread is next free, in nanoseconds.
    free_ns: Vec<u64>,
    /// Requests read but not yet handled (their connection was muted, or every handler
    /// was busy), in arrival order.
    waiting: VecDeque<(Box<Envelope>, Option<ConnKey>)>,
    muted: Vec<(ConnKey, Mute)>,
    /// Requests that reached a broker still starting up: it does not read its sockets
    /// before it has caught up with the cluster metadata (`BrokerServer.startup` enables
    /// request processing last), so they wait in the socket buffers until it has.
    starting: Vec<(Box<Envelope>, Option<ConnKey>)>,
    /// The earliest pending wake-up of this pool.
    wake_at: Option<Micros>,
}

impl Handlers {
    pub(super) fn new(threads: u32) -> Handlers {
        Handlers { free_ns: vec![0; threads.max(1) as usize], ..Handlers::default() }
    }

    /// The broker process stopped: what it was reading and handling is gone.
    pub(super) fn reset(&mut self) {
        self.waiting.clear();
        self.starting.clear();
        self.muted.clear();
        self.free_ns.iter_mut().for_each(|t| *t = 0);
    }

    fn is_muted(&self, conn: Option<ConnKey>, now: Micros) -> bool {
        conn.is_some_and(|c| {
            self.muted.iter().any(|(k, m)| {
                *k == c
                    && match m {
                        Mute::Response(_) => true,
                        Mute::Until(t) => *t > now,
                    }
            })
        })
    }

    fn mute(&mut self, conn: ConnKey, m: Mute) {
        self.muted.retain(|(k, _)| *k != conn);
        self.muted.push((conn, m));
    }

    /// The thread free first, and when.
    fn first_free(&self) -> (usize, u64) {
        let mut best = (0, u64::MAX);
        for (i, &t) in self.free_ns.iter().enumerate() {
            if t < best.1 {
                best = (i, t);
            }
        }
        best
    }
}

/// Requests a broker's request handler threads take (the others are responses it reads
/// on its own threads: the controller's answers, a follower's fetch responses).
fn is_pool_request(msg: &Msg) -> bool {
    matches!(
        msg,
        Msg::Produce(_)
            | Msg::MetadataRequest { .. }
            | Msg::InitProducerId { .. }
            | Msg::FindCoordinator { .. }
            | Msg::AddPartitionsToTxn { .. }
            | Msg::AddOffsetsToTxn { .. }
            | Msg::EndTxn { .. }
            | Msg::Fetch(_)
            | Msg::WriteTxnMarkers { .. }
    )
}

impl World {
    /// A request has reached broker `i` (up, the right incarnation): queue it for a
    /// handler, or handle it now.
    pub(super) fn broker_receives(&mut self, i: usize, env: Envelope, conn: Option<ConnKey>) {
        let request = !env.msg.is_response() && !matches!(env.msg, Msg::Connect { .. } | Msg::Reset);
        if request && env.from != crate::sim::NodeId::CONTROLLER && self.brokers[i].image.is_none() {
            const SOCKET_BACKLOG: usize = 4096;
            if self.handlers[i].starting.len() < SOCKET_BACKLOG {
                self.handlers[i].starting.push((Box::new(env), conn));
            }
            return;
        }
        if !is_pool_request(&env.msg) {
            if !matches!(env.msg, Msg::FetchResponse(_)) {
                // The controller's answers, read on the broker's own threads at no cost
                // the model counts.
                self.with_broker(i, |b, ctx| Node::on_message(b, ctx, env.from, env.from_inc, env.msg));
                if self.brokers[i].image.is_some() && !self.handlers[i].starting.is_empty() {
                    // Caught up: it reads what waited, in arrival order.
                    for (env, conn) in std::mem::take(&mut self.handlers[i].starting) {
                        self.broker_receives(i, *env, conn);
                    }
                }
                return;
            }
            // A fetch response on the replica fetcher thread: it pays for what it appends
            // before it sends anything (its next fetch).
            let cost = self.request_cost_ns(&env.msg);
            let start = self.now.saturating_mul(1000);
            self.handle_on_broker(i, env, start, cost);
            return;
        }
        self.handlers[i].waiting.push_back((Box::new(env), conn));
        self.drain_handlers(i);
    }

    /// Start every waiting request a free handler can take; schedule a wake-up for the
    /// next time one could.
    pub(super) fn drain_handlers(&mut self, i: usize) {
        let now = self.now;
        let now_ns = now.saturating_mul(1000);
        if self.handlers[i].muted.len() > 16 {
            // Connections the producers have closed since (each reconnect is a new one).
            let mut muted = std::mem::take(&mut self.handlers[i].muted);
            muted.retain(|(c, _)| self.conn_live(*c));
            self.handlers[i].muted = muted;
        }
        loop {
            let h = &mut self.handlers[i];
            if h.waiting.is_empty() {
                break;
            }
            let (thread, free_ns) = h.first_free();
            if free_ns > now_ns {
                self.wake_handlers(i, ns_to_us(free_ns));
                break;
            }
            let Some(pos) = h.waiting.iter().position(|(_, c)| !h.is_muted(*c, now)) else {
                // Every waiting request's connection is muted: an unmute wakes the pool.
                break;
            };
            let (env, conn) = h.waiting.remove(pos).expect("position");
            // A request still in the socket buffer of a connection the producer has
            // since closed is never read.
            if conn.is_some_and(|c| !self.conn_live(c)) {
                continue;
            }
            let expects_response = !matches!(&env.msg, Msg::Produce(r) if r.acks == 0);
            let corr = env.msg.corr();
            let cost = self.request_cost_ns(&env.msg);
            if let Some(c) = conn {
                if let (true, Some(corr)) = (expects_response, corr) {
                    self.handlers[i].mute(c, Mute::Response(corr));
                }
            }
            let done_ns = self.handle_on_broker(i, *env, now_ns.max(free_ns), cost);
            let h = &mut self.handlers[i];
            h.free_ns[thread] = done_ns;
            if let (Some(c), false) = (conn, expects_response) {
                // acks=0: the handler's no-op response unmutes the connection.
                let until = ns_to_us(done_ns);
                h.mute(c, Mute::Until(until));
                self.wake_handlers(i, until);
            }
            if !self.brokers[i].up {
                break;
            }
        }
    }

    fn wake_handlers(&mut self, i: usize, at: Micros) {
        let h = &mut self.handlers[i];
        if h.wake_at.is_some_and(|w| w <= at && w > self.now) {
            return;
        }
        h.wake_at = Some(at);
        let b = &self.brokers[i];
        self.queue.push(at, Ev::Handlers(b.id, b.inc));
    }

    /// `Ev::Handlers`: a handler thread is free, or a connection unmuted.
    pub(super) fn handlers_wake(&mut self, id: u16, inc: u32) {
        let i = id as usize - 1;
        let b = &self.brokers[i];
        if !b.up || b.inc != inc {
            return;
        }
        if self.handlers[i].wake_at.is_some_and(|w| w <= self.now) {
            self.handlers[i].wake_at = None;
        }
        self.drain_handlers(i);
    }

    /// Broker `i` handles `env` from `start_ns` for `cost_ns` plus the fsyncs it makes;
    /// what it sends leaves when it is done. Returns when that is.
    fn handle_on_broker(&mut self, i: usize, env: Envelope, start_ns: u64, cost_ns: u64) -> u64 {
        self.handling = Some((start_ns, cost_ns));
        self.with_broker(i, |b, ctx| Node::on_message(b, ctx, env.from, env.from_inc, env.msg));
        self.handled_done_ns
    }

    /// What broker `i` sends to a producer: the response that unmutes its connection
    /// (whichever connection generation the request came on).
    pub(super) fn note_response(&mut self, env: &Envelope, conn: Option<ConnKey>, depart: Micros) {
        let (Some((p, b, _)), NodeKind::Broker(i), Some(corr)) = (conn, self.node_kind(env.from), env.msg.corr())
        else {
            return;
        };
        let h = &mut self.handlers[i];
        let hit = h.muted.iter().find(|(k, m)| k.0 == p && k.1 == b && *m == Mute::Response(corr)).map(|(k, _)| *k);
        if let Some(k) = hit {
            h.mute(k, Mute::Until(depart));
            self.wake_handlers(i, depart);
        }
    }

    /// Whether a broker still has requests to handle from connections that are open (the
    /// others are dropped: their bytes are never read).
    pub(super) fn handlers_busy(&mut self) -> bool {
        let mut busy = false;
        for i in 0..self.handlers.len() {
            if self.handlers[i].waiting.is_empty() {
                continue;
            }
            let mut waiting = std::mem::take(&mut self.handlers[i].waiting);
            waiting.retain(|(_, c)| c.is_none_or(|c| self.conn_live(c)));
            busy |= !waiting.is_empty();
            self.handlers[i].waiting = waiting;
        }
        busy
    }

    /// A request handler's cost for `msg` (see `sim::cost`).
    fn request_cost_ns(&self, msg: &Msg) -> u64 {
        let hw = &self.scenario.hardware;
        let mut batches = 0u64;
        let mut bytes = 0u64;
        let mut decompressed: Vec<(usize, u64)> = Vec::new();
        // The leader validates what it appends (decompressing a compressed batch); a
        // follower appends what the leader validated as it is.
        let mut add = |data: &crate::protocol::BatchData, validate: bool| {
            batches += 1;
            bytes += u64::from(data.size_bytes);
            let codec = data.meta.codec.attribute_bits() as usize;
            if codec > 0 && validate {
                decompressed.push((codec, u64::from(data.uncompressed_bytes)));
            }
        };
        match msg {
            Msg::Produce(r) => r.batches.iter().for_each(|(_, b)| add(b, true)),
            Msg::FetchResponse(r) => {
                r.partitions.iter().flat_map(|p| p.batches.iter()).for_each(|b| add(&b.data, false))
            }
            Msg::WriteTxnMarkers { markers, .. } => batches = markers.len() as u64,
            _ => {}
        }
        hw.broker_request_ns(batches, bytes, &decompressed)
    }
}
