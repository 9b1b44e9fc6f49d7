//! The network: directed links with latency, jitter and loss, and fault rules.
//!
//! Each connection delivers in order (TCP never reorders): a message arrives at `send
//! time + latency + U[0, jitter]`, but never before the previous message on the same
//! connection, a lane of its directed link (the caller numbers a link's connections). Faults are an ordered rule chain checked when a message is sent; the
//! first rule that drops it wins (turmoil's model):
//! - `Drop { count }` loses the next `count` messages on that link, whatever they are;
//!   it survives `heal`.
//! - `Cut` takes a directed link down until a time (or until `heal`).
//! - `Isolate` takes every link to and from a node down until a time (or until `heal`).
//! - `Delay { by, count }` makes the next `count` messages on that link arrive `by` later
//!   than they would. A delayed message does not hold back the ones after it: it stands
//!   for a request that reaches the broker late (a slow path, a request stuck in a
//!   queue, an old connection), which later traffic can overtake (KIP-890's late write).
//!
//! `network link A -> B latency= jitter= loss=` overrides the network's figures for one
//! directed link.
//!
//! Bandwidth (`hardware network.bandwidth=`, see `sim::cost`): every host has one NIC,
//! full duplex. A message of `Msg::wire_bytes` first waits for its sender's NIC to be
//! free and takes the serialization time to leave; it then travels the link's latency;
//! at the receiver it cannot arrive faster than that NIC can take bytes in, so messages
//! from many senders to one host queue there (FIFO on each side). Replication and
//! produce traffic share the same NICs. Held (cut) and delayed messages skip the NICs.
//!
//! After the rules, random loss (`network loss=`) drops a message with the configured
//! probability, drawn from the network's own PRNG stream. What a lost message means to
//! its endpoints (a request that never gets an answer, a timeout) is theirs to find out:
//! nobody is told.
//!
//! TCP semantics: a message sent over a link that is cut (or isolated) is not lost: TCP
//! keeps retransmitting it, so it is [`Route::Held`] and gets through at the first
//! retransmission after the link is back ([`Net::retransmit_arrival`]: RTO from 200 ms,
//! 1 s for a SYN, doubling up to 120 s; after ~15 minutes TCP gives up). A message that a
//! drop rule or random loss takes is gone, and the kernel treats the connection it was
//! on as stalled: TCP cannot deliver later bytes before the lost ones.

use serde::Serialize;

use super::{later, Micros, NodeId, Prng};

#[derive(Clone, Debug)]
enum Rule {
    Drop { from: NodeId, to: NodeId, remaining: u32, api: Option<&'static str> },
    Cut { from: NodeId, to: NodeId, until: Option<Micros> },
    Isolate { node: NodeId, until: Option<Micros> },
    Delay { from: NodeId, to: NodeId, remaining: u32, by_us: Micros, api: Option<&'static str> },
}

/// One directed link's latency, jitter and loss (a `network link` override).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkParams {
    pub latency_us: Micros,
    pub jitter_us: Micros,
    pub loss_ppm: u32,
}

/// Why a message never arrived.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum DropCause {
    /// A `drop A -> B count=N` rule took it.
    DropRule,
    /// The link was `cut`.
    Cut,
    /// One end was `isolate`d.
    Isolated,
    /// Random loss (`network loss=`).
    Loss,
    /// Sent on a connection that already lost a message: TCP cannot deliver it.
    Stalled,
    /// Held by a cut or isolation for longer than TCP retransmits (~15 minutes).
    GaveUp,
    /// Held by a cut or isolation for longer than its client's request timeout: the
    /// client closed the connection and asks again on a new one.
    TimedOut,
}

pub enum Route {
    Deliver(Micros),
    /// A `delay` rule took it: it arrives at this (late) time, out of order.
    Delayed(Micros),
    Dropped(DropCause),
    /// The link is down: TCP keeps retransmitting until it is back.
    Held,
}

/// Linux `TCP_RTO_MIN`.
const RTO_MIN_US: Micros = 200_000;
/// Initial SYN retransmission timeout.
const RTO_SYN_US: Micros = 1_000_000;
/// `TCP_RTO_MAX`.
const RTO_MAX_US: Micros = 120_000_000;
/// About what `net.ipv4.tcp_retries2=15` allows before a connection is given up.
const TCP_GIVE_UP_US: Micros = 924_600_000;

pub struct Net {
    pub latency_us: Micros,
    pub jitter_us: Micros,
    pub loss_ppm: u32,
    rng: Prng,
    n: usize,
    /// The last arrival on lane 0 of each directed link.
    last_arrival: Vec<Micros>,
    /// The last arrival on each other connection, by (directed link, lane): a connection
    /// is a TCP stream of its own and does not wait behind another's retransmissions.
    lane_last_arrival: super::VecMap<(usize, u32), Micros>,
    rules: Vec<Rule>,
    /// `network link` overrides, by directed link.
    links: Vec<(NodeId, NodeId, LinkParams)>,
    /// Every NIC's bandwidth in bit/s (0: unlimited, messages take no time to send).
    bandwidth_bps: u64,
    /// When each node's NIC finishes sending what it was given (ns).
    egress_free_ns: Vec<u64>,
    /// Each node's NIC receiving: the busy periods (ns, sorted, disjoint) still ahead. A
    /// message takes the receiving NIC when it gets there, not when it was sent: one still
    /// crossing a slow link does not hold back what other senders' faster links deliver.
    ingress_busy_ns: Vec<Vec<(u64, u64)>>,
}

/// Reserve `wire` ns of a receiving NIC from `from` on (or the first gap after it that is
/// long enough), forgetting busy periods over by `now`; returns when the message is in.
fn reserve(busy: &mut Vec<(u64, u64)>, now: u64, from: u64, wire: u64) -> u64 {
    let over = busy.partition_point(|&(_, end)| end <= now);
    busy.drain(..over);
    if wire == 0 {
        return from;
    }
    let mut start = from;
    let mut i = busy.partition_point(|&(_, end)| end <= start);
    while i < busy.len() && busy[i].0 < start.saturating_add(wire) {
        start = start.max(busy[i].1);
        i += 1;
    }
    let end = start.saturating_add(wire);
    // Insert before `i`, merging with the neighbours it touches.
    let joins_prev = i > 0 && busy[i - 1].1 == start;
    let joins_next = i < busy.len() && busy[i].0 == end;
    match (joins_prev, joins_next) {
        (true, true) => {
            busy[i - 1].1 = busy[i].1;
            busy.remove(i);
        }
        (true, false) => busy[i - 1].1 = end,
        (false, true) => busy[i].0 = start,
        (false, false) => busy.insert(i, (start, end)),
    }
    end
}

impl Net {
    pub fn new(nodes: usize, latency_us: Micros, jitter_us: Micros, loss_ppm: u32, rng: Prng) -> Net {
        Net {
            latency_us,
            jitter_us,
            loss_ppm,
            rng,
            n: nodes,
            last_arrival: vec![0; nodes * nodes],
            lane_last_arrival: super::VecMap::new(),
            rules: Vec::new(),
            links: Vec::new(),
            bandwidth_bps: 0,
            egress_free_ns: vec![0; nodes],
            ingress_busy_ns: vec![Vec::new(); nodes],
        }
    }

    /// Every host's NIC bandwidth (bit/s; 0 for none).
    pub fn set_bandwidth(&mut self, bps: u64) {
        self.bandwidth_bps = bps;
    }

    /// `network link FROM -> TO ...`: this directed link's own figures.
    pub fn set_link(&mut self, from: NodeId, to: NodeId, params: LinkParams) {
        self.links.retain(|(f, t, _)| !(*f == from && *t == to));
        self.links.push((from, to, params));
    }

    fn params(&self, from: NodeId, to: NodeId) -> LinkParams {
        self.links.iter().find(|(f, t, _)| *f == from && *t == to).map(|(_, _, p)| *p).unwrap_or(LinkParams {
            latency_us: self.latency_us,
            jitter_us: self.jitter_us,
            loss_ppm: self.loss_ppm,
        })
    }

    /// Decide the fate of a message of Kafka API `api` and `bytes` on the wire sent now
    /// from `from` to `to`, on connection `lane` of that link (each lane is one TCP
    /// connection: in order on its own, whatever the other lanes hold back).
    pub fn route(&mut self, now: Micros, from: NodeId, to: NodeId, lane: u32, api: &str, bytes: u64) -> Route {
        if !self.link_up(now, from, to) {
            return Route::Held;
        }
        if let Some(cause) = self.rule_verdict(from, to, api) {
            return Route::Dropped(cause);
        }
        let params = self.params(from, to);
        if self.rng.chance_ppm(params.loss_ppm) {
            return Route::Dropped(DropCause::Loss);
        }
        if let Some(by) = self.delay_verdict(from, to, api) {
            let jitter = if params.jitter_us > 0 { self.rng.below(params.jitter_us.saturating_add(1)) } else { 0 };
            return Route::Delayed(later(later(later(now, params.latency_us), jitter), by));
        }
        Route::Deliver(self.arrival(now, from, to, lane, bytes))
    }

    fn arrival(&mut self, now: Micros, from: NodeId, to: NodeId, lane: u32, bytes: u64) -> Micros {
        let params = self.params(from, to);
        let jitter = if params.jitter_us > 0 { self.rng.below(params.jitter_us.saturating_add(1)) } else { 0 };
        let link = from.index() * self.n + to.index();
        let travel = later(params.latency_us, jitter);
        let at = if self.bandwidth_bps == 0 || bytes == 0 {
            later(now, travel)
        } else {
            let wire = super::cost::nic_ns(self.bandwidth_bps, bytes);
            let (f, t) = (from.index(), to.index());
            let sent = now.saturating_mul(1000).max(self.egress_free_ns[f]).saturating_add(wire);
            self.egress_free_ns[f] = sent;
            let first_bit = sent.saturating_add(travel.saturating_mul(1000)).saturating_sub(wire);
            let arrived = reserve(&mut self.ingress_busy_ns[t], now.saturating_mul(1000), first_bit, wire);
            arrived.div_ceil(1000)
        };
        let last = if lane == 0 {
            &mut self.last_arrival[link]
        } else {
            self.lane_last_arrival.entry((link, lane)).or_insert(0)
        };
        let at = at.max(*last);
        *last = at;
        at
    }

    /// A `delay` rule matching this message, which it then uses up.
    fn delay_verdict(&mut self, from: NodeId, to: NodeId, msg_api: &str) -> Option<Micros> {
        for rule in self.rules.iter_mut() {
            if let Rule::Delay { from: f, to: t, remaining, by_us, api } = rule {
                if *f == from && *t == to && *remaining > 0 && api.is_none_or(|a| a == msg_api) {
                    *remaining -= 1;
                    return Some(*by_us);
                }
            }
        }
        None
    }

    pub fn add_delay(&mut self, from: NodeId, to: NodeId, by_us: Micros, count: u32, api: Option<&'static str>) {
        self.rules.push(Rule::Delay { from, to, remaining: count, by_us, api });
    }

    /// A held message sent at `sent_us`, with the link up again at `now`: when does TCP's
    /// next retransmission get it through? None when TCP has given up by now.
    pub fn retransmit_arrival(
        &mut self,
        sent_us: Micros,
        now: Micros,
        from: NodeId,
        to: NodeId,
        syn: bool,
    ) -> Option<Micros> {
        let t = Self::next_retransmission(sent_us, now, syn)?;
        Some(self.arrival(t, from, to, 0, 0))
    }

    /// When TCP next retransmits a segment first sent at `sent_us`, at or after `now` (RTO
    /// from 200 ms, 1 s for a SYN, doubling up to 120 s); None when it has given up by then.
    pub fn next_retransmission(sent_us: Micros, now: Micros, syn: bool) -> Option<Micros> {
        let mut rto = if syn { RTO_SYN_US } else { RTO_MIN_US };
        let mut t = later(sent_us, rto);
        while t < now {
            rto = (rto * 2).min(RTO_MAX_US);
            t = later(t, rto);
        }
        (t - sent_us <= TCP_GIVE_UP_US).then_some(t)
    }

    /// A retransmitted segment sent at `t` arrives (in order on its connection).
    pub fn retransmitted_arrival(&mut self, t: Micros, from: NodeId, to: NodeId, lane: u32) -> Micros {
        self.arrival(t, from, to, lane, 0)
    }

    fn rule_verdict(&mut self, from: NodeId, to: NodeId, msg_api: &str) -> Option<DropCause> {
        for rule in self.rules.iter_mut() {
            if let Rule::Drop { from: f, to: t, remaining, api } = rule {
                if *f == from && *t == to && *remaining > 0 && api.is_none_or(|a| a == msg_api) {
                    *remaining -= 1;
                    return Some(DropCause::DropRule);
                }
            }
        }
        None
    }

    /// The earliest future moment an active cut or isolation ends.
    pub fn next_rule_end(&self, now: Micros) -> Option<Micros> {
        self.rules
            .iter()
            .filter_map(|r| match r {
                Rule::Cut { until: Some(u), .. } | Rule::Isolate { until: Some(u), .. } if *u > now => Some(*u),
                _ => None,
            })
            .min()
    }

    /// Whether cuts and isolations let a message through right now (ignores drop counts
    /// and random loss). Used to decide whether a peer would see a TCP reset. A node's
    /// messages to itself (a coordinator writing markers to a partition it leads) go over
    /// loopback, which no partition takes down.
    pub fn link_up(&self, now: Micros, from: NodeId, to: NodeId) -> bool {
        from == to
            || !self.rules.iter().any(|r| match r {
                Rule::Cut { from: f, to: t, until } => *f == from && *t == to && active(*until, now),
                Rule::Isolate { node, until } => (*node == from || *node == to) && active(*until, now),
                Rule::Drop { .. } | Rule::Delay { .. } => false,
            })
    }

    pub fn add_drop(&mut self, from: NodeId, to: NodeId, count: u32, api: Option<&'static str>) {
        self.rules.push(Rule::Drop { from, to, remaining: count, api });
    }

    pub fn add_cut(&mut self, from: NodeId, to: NodeId, until: Option<Micros>) {
        self.rules.push(Rule::Cut { from, to, until });
    }

    pub fn add_isolate(&mut self, node: NodeId, until: Option<Micros>) {
        self.rules.push(Rule::Isolate { node, until });
    }

    /// `heal`: every cut and isolation ends now; pending drop and delay counts stay.
    pub fn heal(&mut self) {
        self.rules.retain(|r| matches!(r, Rule::Drop { .. } | Rule::Delay { .. }));
    }

    /// Forget rules that can no longer fire.
    pub fn expire(&mut self, now: Micros) {
        self.rules.retain(|r| match r {
            Rule::Drop { remaining, .. } | Rule::Delay { remaining, .. } => *remaining > 0,
            Rule::Cut { until, .. } | Rule::Isolate { until, .. } => active(*until, now),
        });
    }

    /// True when some cut or isolation is in force now.
    pub fn partitioned(&self, now: Micros) -> bool {
        self.rules.iter().any(|r| match r {
            Rule::Cut { until, .. } | Rule::Isolate { until, .. } => active(*until, now),
            Rule::Drop { .. } | Rule::Delay { .. } => false,
        })
    }
}

fn active(until: Option<Micros>, now: Micros) -> bool {
    until.is_none_or(|u| now < u)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn net() -> Net {
        Net::new(4, 1_000, 0, 0, Prng::new(1))
    }

    #[test]
    fn a_slow_link_does_not_hold_back_other_senders() {
        // broker-3 -> broker-1 takes 300 ms; every other link 1 ms. `w`: one message's time
        // on a 1 Gbit/s wire (about 1 ms for 125 kB with the framing).
        let mut n = Net::new(4, 1_000, 0, 0, Prng::new(1));
        n.set_bandwidth(1_000_000_000);
        n.set_link(NodeId(3), NodeId(1), LinkParams { latency_us: 300_000, jitter_us: 0, loss_ppm: 0 });
        let w = crate::sim::cost::nic_ns(1_000_000_000, 125_000);
        let us = |ns: u64| ns.div_ceil(1000);
        let Route::Deliver(slow) = n.route(0, NodeId(3), NodeId(1), 0, "Fetch", 125_000) else { panic!() };
        assert_eq!(slow, us(w + 300_000_000));
        let Route::Deliver(fast) = n.route(10, NodeId(2), NodeId(1), 0, "Produce", 125_000) else { panic!() };
        assert_eq!(fast, us(10_000 + w + 1_000_000), "no queueing behind a message still in flight");
        // Two messages reaching the same NIC together are received one after the other.
        let Route::Deliver(a) = n.route(100_000, NodeId(0), NodeId(2), 0, "Produce", 125_000) else { panic!() };
        let Route::Deliver(b) = n.route(100_000, NodeId(1), NodeId(2), 0, "Produce", 125_000) else { panic!() };
        assert_eq!((a, b), (us(100_000_000 + w + 1_000_000), us(100_000_000 + 2 * w + 1_000_000)));
        // One whose reception would overlap the slow message's waits for it to be in.
        let at = 300_000 - 1_000 - w / 1000 / 2;
        let Route::Deliver(c) = n.route(at, NodeId(2), NodeId(1), 0, "Produce", 125_000) else { panic!() };
        assert_eq!(c, us(w + 300_000_000 + w));
    }

    #[test]
    fn latency_and_fifo_per_link() {
        let mut n = Net::new(3, 1_000, 500, 0, Prng::new(9));
        let mut last = 0;
        for t in 0..200 {
            match n.route(t, NodeId(1), NodeId(2), 0, "Produce", 100) {
                Route::Deliver(at) => {
                    assert!(at >= t + 1_000 && at >= last);
                    last = at;
                }
                _ => panic!("no loss or cut configured"),
            }
        }
    }

    #[test]
    fn cut_holds_messages_until_a_retransmission_after_it_ends() {
        let mut n = net();
        n.add_cut(NodeId(1), NodeId(2), Some(7_000_000));
        assert!(matches!(n.route(0, NodeId(1), NodeId(2), 0, "Produce", 100), Route::Held));
        // Retransmissions at 0.2, 0.6, 1.4, 3.0, 6.2, 12.6 s: the first after 7 s is 12.6 s.
        assert_eq!(n.retransmit_arrival(0, 7_000_000, NodeId(1), NodeId(2), false), Some(12_600_000 + 1_000));
        // A SYN retransmits at 1, 3, 7 s.
        assert_eq!(n.retransmit_arrival(0, 7_000_000, NodeId(1), NodeId(3), true), Some(7_000_000 + 1_000));
        // After about 15 minutes TCP gives up.
        assert_eq!(n.retransmit_arrival(0, 1_000_000_000, NodeId(1), NodeId(2), false), None);
        assert_eq!(n.next_rule_end(0), Some(7_000_000));
    }

    #[test]
    fn drop_rule_counts_and_is_directed() {
        let mut n = net();
        n.add_drop(NodeId(1), NodeId(3), 2, None);
        assert!(matches!(n.route(0, NodeId(3), NodeId(1), 0, "Produce", 100), Route::Deliver(_)));
        assert!(matches!(n.route(0, NodeId(1), NodeId(3), 0, "Produce", 100), Route::Dropped(DropCause::DropRule)));
        assert!(matches!(n.route(0, NodeId(1), NodeId(3), 0, "Produce", 100), Route::Dropped(DropCause::DropRule)));
        assert!(matches!(n.route(0, NodeId(1), NodeId(3), 0, "Produce", 100), Route::Deliver(_)));
    }

    #[test]
    fn delayed_messages_arrive_late_and_are_overtaken() {
        let mut n = net();
        n.add_delay(NodeId(1), NodeId(2), 50_000, 1, None);
        let Route::Delayed(late) = n.route(0, NodeId(1), NodeId(2), 0, "Produce", 100) else { panic!("delayed") };
        assert_eq!(late, 51_000);
        let Route::Deliver(next) = n.route(10, NodeId(1), NodeId(2), 0, "Produce", 100) else { panic!("on time") };
        assert!(next < late, "the next message overtakes the delayed one");
    }

    #[test]
    fn link_overrides_apply_to_one_direction() {
        let mut n = net();
        n.set_link(NodeId(2), NodeId(1), LinkParams { latency_us: 40_000, jitter_us: 0, loss_ppm: 0 });
        assert!(matches!(n.route(0, NodeId(2), NodeId(1), 0, "Fetch", 100), Route::Deliver(40_000)));
        assert!(matches!(n.route(0, NodeId(1), NodeId(2), 0, "Fetch", 100), Route::Deliver(1_000)));
    }

    #[test]
    fn cut_and_isolate_expire_and_heal() {
        let mut n = net();
        n.add_cut(NodeId(1), NodeId(2), Some(100));
        n.add_isolate(NodeId(3), None);
        assert!(!n.link_up(50, NodeId(1), NodeId(2)));
        assert!(n.link_up(50, NodeId(2), NodeId(1)));
        assert!(n.link_up(100, NodeId(1), NodeId(2)));
        assert!(!n.link_up(500, NodeId(0), NodeId(3)));
        n.heal();
        assert!(n.link_up(500, NodeId(0), NodeId(3)));
    }

    #[test]
    fn bandwidth_serializes_on_the_sender_and_queues_at_the_receiver() {
        // 1 Gbit/s, 1 ms latency: 1 MiB takes 8.89 ms on the wire (framing included).
        let mut n = net();
        n.set_bandwidth(1_000_000_000);
        let wire_us = crate::sim::cost::nic_ns(1_000_000_000, 1 << 20).div_ceil(1000);
        let Route::Deliver(a) = n.route(0, NodeId(1), NodeId(2), 0, "Produce", 1 << 20) else { panic!("deliver") };
        assert_eq!(a, wire_us + 1_000);
        // A second message from the same host waits for the NIC: it leaves after the first.
        let Route::Deliver(b) = n.route(0, NodeId(1), NodeId(3), 0, "Produce", 1 << 20) else { panic!("deliver") };
        assert_eq!(b, 2 * wire_us + 1_000);
        // From another host to node 2: its own NIC is free, node 2's is busy until `a`.
        let Route::Deliver(c) = n.route(0, NodeId(3), NodeId(2), 0, "Produce", 1 << 20) else { panic!("deliver") };
        assert!(c >= a + wire_us - 1, "queued behind the first at the receiver: {c} vs {a}");
        // Without bandwidth, size is free.
        let mut free = net();
        assert!(matches!(free.route(0, NodeId(1), NodeId(2), 0, "Produce", 1 << 20), Route::Deliver(1_000)));
    }
}
