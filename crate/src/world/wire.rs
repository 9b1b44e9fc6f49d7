//! The kernel's network side: routing what nodes send through the links' fault rules,
//! holding what a cut or isolation stops (TCP retransmits it when the link returns),
//! and delivering messages to the node they are for (a TCP reset when its process is
//! gone, a discard when the producer has closed that connection).

use super::{ConnKey, Ev, HeldMsg, NodeKind, World};
use crate::protocol::{Envelope, Msg};
use crate::sim::{later, Node, NodeId, Route};
use crate::trace::Event;

/// The TCP connection a message travels on, as a lane of its directed link (see
/// `Net::route`): Kafka's clients keep one connection per purpose, each a byte stream of
/// its own, so what one holds back (a retransmission after a cut) does not hold the others.
/// - A producer's connection to a broker: one lane per connection generation, so a new
///   connection does not queue behind the retransmissions of the one it replaces.
/// - A consumer talks to its group coordinator over a connection of its own
///   (`Integer.MAX_VALUE - coordinator id` as the node id, in both consumers), apart from
///   its fetches and metadata.
/// - A broker sends transaction markers (`TransactionMarkerChannelManager`) and TV2's
///   AddPartitionsToTxn (`AddPartitionsToTxnManager`) through channels of their own, apart
///   from its replica fetchers; toward the controller, AlterPartition and the KRaft
///   metadata fetch have channels of their own, apart from the heartbeats.
fn lane(env: &Envelope, conn: Option<ConnKey>, to_broker: bool) -> u32 {
    if let Some((_, _, gen)) = conn {
        return 16u32.saturating_add(gen);
    }
    let msg = &env.msg;
    match msg {
        // A follower's fetcher opens its own connection to the leader, anew in each
        // process incarnation (`BrokerBlockingSender`): its requests and the leader's
        // answers travel there, never behind the other direction's fetcher or a dead
        // incarnation's connection. Consumers' fetches (replica 0) keep lane 0.
        Msg::Fetch(f) if f.replica != 0 => 1024u32.saturating_add(env.from_inc.saturating_mul(2)),
        Msg::FetchResponse(_) if to_broker => 1025u32.saturating_add(env.to_inc.unwrap_or(0).saturating_mul(2)),
        Msg::JoinGroup(_)
        | Msg::JoinGroupResponse(_)
        | Msg::SyncGroup { .. }
        | Msg::SyncGroupResponse { .. }
        | Msg::Heartbeat { .. }
        | Msg::HeartbeatResponse { .. }
        | Msg::LeaveGroup { .. }
        | Msg::LeaveGroupResponse { .. }
        | Msg::ConsumerGroupHeartbeat(_)
        | Msg::ConsumerGroupHeartbeatResponse(_)
        | Msg::OffsetCommit { .. }
        | Msg::OffsetCommitResponse { .. }
        | Msg::OffsetFetch { .. }
        | Msg::OffsetFetchResponse { .. }
        | Msg::WriteTxnMarkers { .. }
        | Msg::WriteTxnMarkersResponse { .. }
        | Msg::AlterPartition { .. }
        | Msg::AlterPartitionResponse { .. } => 1,
        Msg::AddPartitionsToTxn { .. } | Msg::AddPartitionsToTxnResponse { .. } | Msg::MetadataPush { .. } => 2,
        _ => 0,
    }
}

impl World {
    /// The producer connection a message travels on, if any.
    pub(super) fn conn_key(&self, env: &Envelope) -> Option<ConnKey> {
        let (p, b) = match (self.node_kind(env.from), self.node_kind(env.to)) {
            (NodeKind::Producer(p), NodeKind::Broker(b)) | (NodeKind::Broker(b), NodeKind::Producer(p)) => (p, b),
            _ => return None,
        };
        let broker = b as u16 + 1;
        let gen = self.producers[p].conns.get(&broker).map_or(0, |c| c.gen);
        Some((p as u16, broker, gen))
    }

    /// Whether the producer still has this connection open.
    pub(super) fn conn_live(&self, (p, b, gen): ConnKey) -> bool {
        self.producers[p as usize]
            .conns
            .get(&b)
            .is_some_and(|c| c.gen == gen && c.state != crate::producer::network::ConnState::Disconnected)
    }

    pub(super) fn trace_drop(&mut self, env: &Envelope, cause: crate::sim::DropCause) {
        self.trace.push(
            self.now,
            Event::MessageDropped { from: env.from, to: env.to, api: env.msg.api(), corr: env.msg.corr(), cause },
        );
    }

    pub(super) fn route(&mut self, env: Envelope) {
        let conn = self.conn_key(&env);
        let depart = self.depart_us.unwrap_or(self.now);
        if matches!(self.node_kind(env.to), NodeKind::Producer(_)) {
            self.note_response(&env, conn, depart);
        }
        if conn.is_some_and(|c| self.dead_conns.contains(&c)) {
            self.trace_drop(&env, crate::sim::DropCause::Stalled);
            return;
        }
        match self.net.route(
            depart,
            env.from,
            env.to,
            lane(&env, conn, matches!(self.node_kind(env.to), NodeKind::Broker(_))),
            env.msg.api(),
            env.msg.wire_bytes(),
        ) {
            Route::Deliver(at) => {
                if self.is_client_traffic(&env) {
                    self.client_msgs_in_flight += 1;
                }
                self.queue.push(at, Ev::Deliver(Box::new(env), conn, false))
            }
            Route::Delayed(at) => {
                self.trace.push(
                    self.now,
                    Event::MessageDelayed {
                        from: env.from,
                        to: env.to,
                        api: env.msg.api(),
                        corr: env.msg.corr(),
                        arrives_us: at,
                    },
                );
                if self.is_client_traffic(&env) {
                    self.client_msgs_in_flight += 1;
                }
                self.queue.push(at, Ev::Deliver(Box::new(env), conn, true))
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
    /// message gets through, unless its client stopped waiting for it first (a request
    /// timeout, [`World::abandoned_after`]): Kafka's NetworkClient then closed that
    /// connection, so the message is gone and the client asks again on a new one, which
    /// does not wait behind the old connection's retransmission backoff.
    pub(super) fn release_held(&mut self) {
        let now = self.now;
        let held = std::mem::take(&mut self.held);
        for h in held {
            if !self.net.link_up(now, h.env.from, h.env.to) {
                self.held.push(h);
                continue;
            }
            let syn = matches!(h.env.msg, Msg::Connect { .. });
            let resent = crate::sim::Net::next_retransmission(h.sent_us, now, syn);
            // Its client closes the connection before TCP's retransmission gets through.
            let abandoned =
                self.abandoned_after(&h.env).is_some_and(|limit| later(h.sent_us, limit) <= resent.unwrap_or(now));
            if abandoned {
                self.trace_drop(&h.env, crate::sim::DropCause::TimedOut);
                continue;
            }
            match resent.map(|t| {
                self.net.retransmitted_arrival(
                    t,
                    h.env.from,
                    h.env.to,
                    lane(&h.env, h.conn, matches!(self.node_kind(h.env.to), NodeKind::Broker(_))),
                )
            }) {
                Some(at) => {
                    if self.is_client_traffic(&h.env) {
                        self.client_msgs_in_flight += 1;
                    }
                    self.queue.push(at, Ev::Deliver(Box::new(h.env), h.conn, false));
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

    /// How long the client of a held message waits for it before closing the connection
    /// (NetworkClient's request timeout), for the messages whose resending kplay models:
    /// BrokerHeartbeat, min(controller.socket.timeout.ms 30 s, broker.session.timeout.ms / 2)
    /// (the heartbeat channel's retry timeout, KAFKA-14392); the metadata the controller
    /// publishes, which a broker's KRaft client fetches with
    /// controller.quorum.request.timeout.ms (2 s); AlterPartition,
    /// controller.socket.timeout.ms (30 s); a follower's Fetch, replica.socket.timeout.ms;
    /// WriteTxnMarkers, the coordinator's request.timeout.ms; and whatever a consumer sends
    /// or is answered, its request.timeout.ms. Each is asked again on its own schedule (the
    /// next heartbeat, whose response carries the metadata a broker lacks; the next ISR
    /// check; the fetcher's retry after its timeout; the marker retry; the consumer's next
    /// poll or heartbeat, on a new connection). A producer's own connections are closed by
    /// the producer itself (see `conn_live`).
    fn abandoned_after(&self, env: &Envelope) -> Option<crate::sim::Micros> {
        const CONTROLLER_SOCKET_TIMEOUT_US: crate::sim::Micros = 30_000_000;
        const QUORUM_REQUEST_TIMEOUT_US: crate::sim::Micros = 2_000_000;
        let kinds = (self.node_kind(env.from), self.node_kind(env.to));
        match (&env.msg, kinds) {
            (_, (NodeKind::Consumer(c), _) | (_, NodeKind::Consumer(c))) => {
                Some(self.consumers[c].config.request_timeout_us)
            }
            (Msg::BrokerHeartbeat { .. } | Msg::BrokerHeartbeatResponse { .. }, _) => {
                Some(CONTROLLER_SOCKET_TIMEOUT_US.min(self.spec.broker_cfg.broker_session_timeout_us / 2))
            }
            (Msg::MetadataPush { .. }, _) => Some(QUORUM_REQUEST_TIMEOUT_US),
            (Msg::AlterPartition { .. } | Msg::AlterPartitionResponse { .. }, _) => Some(CONTROLLER_SOCKET_TIMEOUT_US),
            (Msg::WriteTxnMarkers { .. } | Msg::WriteTxnMarkersResponse { .. }, _) => {
                Some(crate::broker::coordinator::MARKER_REQUEST_TIMEOUT_US)
            }
            (Msg::Fetch(_), (NodeKind::Broker(follower), NodeKind::Broker(_)))
            | (Msg::FetchResponse(_), (NodeKind::Broker(_), NodeKind::Broker(follower))) => {
                Some(self.brokers[follower].cfg().replica_socket_timeout_us)
            }
            _ => None,
        }
    }

    pub(super) fn is_client_traffic(&self, env: &Envelope) -> bool {
        matches!(self.node_kind(env.from), NodeKind::Producer(_))
            || matches!(self.node_kind(env.to), NodeKind::Producer(_))
            || matches!(env.msg, Msg::WriteTxnMarkers { .. } | Msg::WriteTxnMarkersResponse { .. })
    }

    pub(super) fn node_kind(&self, id: NodeId) -> NodeKind {
        let b = self.brokers.len() as u16;
        let p = self.producers.len() as u16;
        match id.0 {
            0 => NodeKind::Controller,
            n if n <= b => NodeKind::Broker(n as usize - 1),
            n if n <= b + p => NodeKind::Producer((n - b - 1) as usize),
            n => NodeKind::Consumer((n - b - p - 1) as usize),
        }
    }

    /// A TCP reset from `from` (whose machine is up) back to the sender of `env`.
    pub(super) fn reset_back(&mut self, env: &Envelope) {
        if matches!(env.msg, Msg::Reset) {
            return;
        }
        self.trace.push(self.now, Event::ConnectionReset { from: env.to, to: env.from });
        self.route(Envelope { from: env.to, to: env.from, from_inc: 0, to_inc: Some(env.from_inc), msg: Msg::Reset });
    }

    pub(super) fn deliver(&mut self, env: Envelope, conn: Option<ConnKey>, late: bool) {
        if self.is_client_traffic(&env) {
            self.client_msgs_in_flight -= 1;
        }
        // A request on a connection the producer has since closed never reaches the
        // broker: the producer's TCP stack discarded it (unless it was already on its way
        // and only late).
        if let (Some(c), NodeKind::Producer(_), false) = (conn, self.node_kind(env.from), late) {
            if !self.conn_live(c) {
                return;
            }
        }
        match self.node_kind(env.to) {
            NodeKind::Controller => {
                let (from, inc) = (env.from, env.from_inc);
                self.with_controller(|c, ctx| Node::on_message(c, ctx, from, inc, env.msg));
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
                // A late request stands for one on an old connection or a slow path: the
                // broker reads it whatever the producer's connection does now.
                self.broker_receives(i, env, if late { None } else { conn });
            }
            NodeKind::Producer(i) => {
                if env.to_inc.is_some_and(|inc| inc != self.producers[i].inc()) {
                    return;
                }
                let (from, inc) = (env.from, env.from_inc);
                self.with_producer(i, |p, ctx| Node::on_message(p, ctx, from, inc, env.msg));
            }
            NodeKind::Consumer(i) => {
                let c = &self.consumers[i].client;
                if !c.up || env.to_inc.is_some_and(|inc| inc != c.inc) {
                    return;
                }
                let (from, inc) = (env.from, env.from_inc);
                self.with_consumer_node(i, |c, ctx| Node::on_message(c, ctx, from, inc, env.msg));
            }
        }
    }
}
