//! The broker's side of the control plane: heartbeats to the controller, applying the
//! metadata it publishes (becoming leader or follower), and ISR changes through
//! AlterPartition (`Partition.makeLeader/makeFollower`, `maybeShrinkIsr`, `maybeExpandIsr`).
//!
//! A broker that cannot reach the controller keeps acting on the metadata it last knew:
//! an isolated leader stays leader in its own eyes until it hears otherwise, exactly
//! the window in which acks=1 writes to it can be lost.

use std::rc::Rc;

use super::replica::{FollowerView, LeaderState, Role};
use super::{BCtx, Broker, BrokerTimer};
use crate::protocol::Tp;
use crate::protocol::{ClusterImage, Error, Msg};
use crate::sim::{later, Micros, NodeId};
use crate::trace::Event;

impl Broker {
    pub fn send_heartbeat(&mut self, ctx: &mut BCtx) {
        if !self.up {
            return;
        }
        let version = self.image.as_ref().map_or(0, |i| i.version);
        ctx.send(
            NodeId::CONTROLLER,
            None,
            Msg::BrokerHeartbeat {
                broker: self.id,
                incarnation: self.inc,
                metadata_version: version,
                want_shutdown: self.shutdown_deadline_us.is_some(),
                clean_restart: self.clean_restart,
            },
        );
        let next = later(ctx.now, self.cfg().broker_heartbeat_interval_us);
        self.schedule_heartbeat(ctx, next);
    }

    /// The one pending heartbeat is due at `at` (an earlier schedule is superseded).
    pub fn schedule_heartbeat(&mut self, ctx: &mut BCtx, at: Micros) {
        self.heartbeat_at_us = Some(at);
        ctx.timer(at, BrokerTimer::Heartbeat);
    }

    pub fn handle_heartbeat_response(
        &mut self,
        ctx: &mut BCtx,
        fenced: bool,
        image: Option<Rc<ClusterImage>>,
        error: Error,
    ) {
        if error == Error::DuplicateBrokerRegistration {
            // `BrokerLifecycleManager.scheduleNextCommunicationAfterFailure`:
            // ExponentialBackoff(100 ms, 2, broker.session.timeout.ms, 2% jitter).
            let backoff = self.registration_backoff_us(ctx.seed);
            self.registration_failures += 1;
            self.schedule_heartbeat(ctx, later(ctx.now, backoff));
            return;
        }
        self.registration_failures = 0;
        self.clean_restart = false;
        if let Some(image) = image {
            self.apply_image(ctx, image);
        }
        if !fenced {
            self.starting = false;
        } else if self.starting && self.shutdown_deadline_us.is_none() {
            // `BrokerLifecycleManager`: a STARTING broker heartbeats again after 10 ms until
            // the controller says it has caught up, and once it is ready to unfence it
            // heartbeats at once; the controller unfences it on the first heartbeat that
            // reports the metadata of its registration.
            self.schedule_heartbeat(ctx, later(ctx.now, 10_000));
        }
    }

    /// The wait before registration attempt `registration_failures + 1`.
    fn registration_backoff_us(&self, seed: u64) -> Micros {
        let max = self.cfg().broker_session_timeout_us;
        let base = 100_000u64.saturating_mul(1u64 << self.registration_failures.min(40)).min(max);
        // ±2%, drawn from a stream of its own so no other draw moves.
        let mut rng = crate::sim::Prng::new(seed)
            .fork(&format!("broker-{}/registration/{}/{}", self.id, self.inc, self.registration_failures));
        let factor_ppm = 980_000 + rng.below(40_001);
        (base as u128 * factor_ppm as u128 / 1_000_000).min(max as u128) as Micros
    }

    /// A new metadata image: act on every partition this broker holds.
    pub fn apply_image(&mut self, ctx: &mut BCtx, image: Rc<ClusterImage>) {
        if !self.up || self.image.as_ref().is_some_and(|i| i.version >= image.version) {
            return;
        }
        self.image = Some(image.clone());
        let me = self.id;
        let tps: Vec<Tp> = self.replicas.keys().copied().collect();
        let mut leaders_to_fetch = crate::sim::VecSet::new();
        for tp in tps {
            let Some(p) = image.partition(tp) else { continue };
            let r = self.replicas.get_mut(&tp).expect("listed");
            r.in_isr = p.isr.contains(&me);
            match p.leader {
                Some(l) if l == me => {
                    if !r.is_leader() || r.leader_epoch != p.leader_epoch {
                        self.make_leader(ctx, tp, p.leader_epoch, p.isr.clone());
                    } else if r.partition_epoch != p.partition_epoch {
                        self.isr_committed(ctx, tp, p.isr.clone());
                    }
                }
                Some(l) => {
                    if r.role != (Role::Follower { leader: l }) || r.leader_epoch != p.leader_epoch {
                        r.role = Role::Follower { leader: l };
                        r.leader_epoch = p.leader_epoch;
                        ctx.trace(Event::BecameFollower {
                            broker: self.node,
                            tp,
                            leader: l,
                            leader_epoch: p.leader_epoch,
                        });
                    }
                    leaders_to_fetch.insert(l);
                }
                None => {
                    r.role = Role::None;
                    r.leader_epoch = p.leader_epoch;
                }
            }
            if let Some(r) = self.replicas.get_mut(&tp) {
                r.partition_epoch = p.partition_epoch;
            }
        }
        self.complete_delayed_produce(ctx, None);
        self.complete_delayed_fetches(ctx, None);
        for leader in leaders_to_fetch {
            self.maybe_fetch(ctx, leader);
        }
        self.load_groups(ctx);
    }

    fn make_leader(&mut self, ctx: &mut BCtx, tp: Tp, epoch: u32, isr: Vec<u16>) {
        let now = ctx.now;
        let me = self.id;
        let r = self.replicas.get_mut(&tp).expect("held");
        r.leader_epoch = epoch;
        r.log.assign_epoch(epoch);
        // resetReplicaState: followers in the ISR count as caught up now, others not at all.
        let followers = r
            .replicas
            .iter()
            .filter(|&&id| id != me)
            .map(|&id| {
                let caught = if isr.contains(&id) { now } else { 0 };
                (id, FollowerView { leo: 0, last_caught_up_us: caught, last_fetch_leader_leo: 0, last_fetch_us: 0 })
            })
            .collect();
        let leo = r.log.leo;
        r.role = Role::Leader(LeaderState { isr, pending: None, followers, epoch_start_offset: leo });
        ctx.trace(Event::BecameLeader { broker: self.node, tp, leader_epoch: epoch, log_end_offset: leo });
        self.maybe_increment_hw(ctx, tp);
    }

    /// The controller committed an ISR for a partition this broker leads.
    fn isr_committed(&mut self, ctx: &mut BCtx, tp: Tp, isr: Vec<u16>) {
        let node = self.node;
        let Some(l) = self.replicas.get_mut(&tp).and_then(|r| r.leader_state_mut()) else { return };
        let old = std::mem::replace(&mut l.isr, isr.clone());
        if l.pending.as_ref().is_some_and(|p| p.1 == isr) {
            l.pending = None;
        }
        let removed: Vec<u16> = old.iter().copied().filter(|id| !isr.contains(id)).collect();
        let added: Vec<u16> = isr.iter().copied().filter(|id| !old.contains(id)).collect();
        if !removed.is_empty() {
            ctx.trace(Event::IsrShrink { broker: node, tp, removed, isr: isr.clone() });
        }
        if !added.is_empty() {
            ctx.trace(Event::IsrExpand { broker: node, tp, added, isr });
        }
        self.maybe_increment_hw(ctx, tp);
        self.complete_delayed_produce(ctx, Some(tp));
    }

    /// Propose a new ISR to the controller (one change in flight per partition).
    fn alter_partition(&mut self, ctx: &mut BCtx, tp: Tp, new_isr: Vec<u16>) {
        let corr = self.corr();
        let me = self.id;
        let Some(r) = self.replicas.get_mut(&tp) else { return };
        let (epoch, pepoch) = (r.leader_epoch, r.partition_epoch);
        let Some(l) = r.leader_state_mut() else { return };
        if l.pending.is_some() {
            return;
        }
        l.pending = Some((corr, new_isr.clone()));
        self.alter_in_flight.insert(corr, tp);
        ctx.send(
            NodeId::CONTROLLER,
            None,
            Msg::AlterPartition { corr, tp, leader: me, leader_epoch: epoch, partition_epoch: pepoch, new_isr },
        );
    }

    pub fn handle_alter_partition_response(&mut self, ctx: &mut BCtx, corr: u32, tp: Tp, error: Error) {
        if self.alter_in_flight.remove(&corr).is_none() {
            return;
        }
        if error != Error::None {
            if let Some(l) = self.replicas.get_mut(&tp).and_then(|r| r.leader_state_mut()) {
                if l.pending.as_ref().is_some_and(|p| p.0 == corr) {
                    l.pending = None;
                }
            }
            self.maybe_increment_hw(ctx, tp);
        }
    }

    /// `isr-expiration`: drop followers that have not caught up for `replica.lag.time.max.ms`.
    pub fn isr_expiration(&mut self, ctx: &mut BCtx) {
        let lag = self.cfg().replica_lag_time_max_us;
        let now = ctx.now;
        let tps: Vec<Tp> = self.replicas.keys().copied().collect();
        for tp in tps {
            let r = &self.replicas[&tp];
            let Some(l) = r.leader_state() else { continue };
            // A change the controller never answered (unreachable) is abandoned after a while.
            if let Some((corr, _)) = &l.pending {
                let stale = !self.alter_in_flight.contains_key(corr);
                if !stale {
                    continue;
                }
            }
            let out = r.out_of_sync(now, lag);
            if !out.is_empty() {
                let new_isr: Vec<u16> = l.isr.iter().copied().filter(|id| !out.contains(id)).collect();
                if !new_isr.is_empty() {
                    self.alter_partition(ctx, tp, new_isr);
                }
            }
        }
        // AlterPartition requests older than one check interval are given up on.
        let abandoned: Vec<(u32, Tp)> = self.alter_in_flight.iter().map(|(c, t)| (*c, *t)).collect();
        for (corr, tp) in abandoned {
            if let Some(l) = self.replicas.get_mut(&tp).and_then(|r| r.leader_state_mut()) {
                if l.pending.as_ref().is_some_and(|p| p.0 == corr) && self.alter_seen.contains(&corr) {
                    l.pending = None;
                    self.alter_in_flight.remove(&corr);
                }
            }
        }
        self.alter_seen = self.alter_in_flight.keys().copied().collect();
        ctx.timer(later(now, lag / 2), BrokerTimer::IsrExpiration);
    }

    /// `maybeExpandIsr` after a follower's fetch.
    pub fn maybe_expand_isr(&mut self, ctx: &mut BCtx, tp: Tp, follower: u16) {
        if !self.broker_alive(follower) {
            return;
        }
        let Some(r) = self.replicas.get(&tp) else { return };
        if r.may_join_isr(follower) {
            let mut isr = r.leader_state().map(|l| l.isr.clone()).unwrap_or_default();
            isr.push(follower);
            self.alter_partition(ctx, tp, isr);
        }
    }

    /// Move the leader's HW if it can, and act on it.
    pub fn maybe_increment_hw(&mut self, ctx: &mut BCtx, tp: Tp) {
        let lag = self.cfg().replica_lag_time_max_us;
        let rule = self.spec.min_isr_rule();
        let image = self.image.clone();
        let alive = move |id: u16| image.as_ref().is_some_and(|i| !i.broker_fenced(id));
        let Some(r) = self.replicas.get_mut(&tp) else { return };
        if let Some(hw) = r.maybe_increment_hw(ctx.now, lag, rule, &alive) {
            ctx.trace(Event::HighWatermark { broker: self.node, tp, high_watermark: hw });
            self.complete_delayed_produce(ctx, Some(tp));
            self.complete_delayed_fetches(ctx, Some(tp));
        }
    }
}
