//! The KRaft controller quorum, modelled as one node that never fails (`controller`).
//!
//! Its traffic crosses the simulated network: brokers heartbeat to it every
//! `broker.heartbeat.interval.ms`, it publishes every metadata change to every broker, and
//! `isolate broker-2` or `cut broker-2 -> controller` really separates them. A broker
//! without a heartbeat for `broker.session.timeout.ms` is fenced. A broker that registers
//! with a new incarnation (it restarted) is treated as an unclean shutdown: it leaves the
//! ISRs and cannot lead until it is unfenced, which happens once it has caught up with
//! the metadata.
//!
//! Elections follow `PartitionChangeBuilder` (ELR off, as in 4.0): keep the leader if it
//! is still in the ISR and acceptable, else the first ISR replica in assignment order that
//! is registered and unfenced; else, only with `unclean.leader.election.enable=true`, the
//! first acceptable replica outside the ISR, which then becomes the whole ISR; else the
//! partition is offline (leader -1). The last ISR member is never removed, so it can be
//! elected cleanly when it returns. A leader change bumps the leader epoch; every change
//! bumps the partition epoch.

use crate::sim::VecMap;
use std::rc::Rc;

use crate::broker::ClusterSpec;
use crate::node::Ctx;
use crate::protocol::Tp;
use crate::protocol::{BrokerImage, ClusterImage, Error, Msg, PartitionImage};
use crate::sim::{later, Micros, NodeId};
use crate::trace::{ElectionKind, Event};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ControllerTimer {
    /// Check broker `.0`'s session: fence it unless a heartbeat came after `.1`.
    Session(u16, Micros),
    /// `maybeBalancePartitionLeaders`, scheduled `leader.imbalance.check.interval.seconds`
    /// after an imbalance was seen (10 ms after a run that hit its election cap).
    LeaderImbalance,
}

pub type CCtx<'a, 'b> = Ctx<'a, 'b, ControllerTimer>;

/// What a BrokerHeartbeat says.
struct Heartbeat {
    incarnation: u32,
    version: u64,
    want_shutdown: bool,
    clean_restart: bool,
}

#[derive(Clone, Debug)]
struct Registration {
    incarnation: u32,
    last_heartbeat_us: Micros,
    fenced: bool,
    /// Metadata version the broker must reach to be unfenced.
    catch_up_version: u64,
    /// In controlled shutdown (`inControlledShutdown`): not an acceptable leader or ISR member.
    in_controlled_shutdown: bool,
    /// The metadata version its last heartbeat reported (`metadataOffset`).
    heartbeat_version: u64,
    /// `controlledShutdownOffset`: the metadata version that moved its leaderships away.
    shutdown_version: Option<u64>,
}

pub struct Controller {
    spec: Rc<ClusterSpec>,
    pub image: Rc<ClusterImage>,
    regs: VecMap<u16, Registration>,
    /// The image changed since it was last published.
    dirty: bool,
    /// When the pending leader-balancing run is due (`imbalancedScheduled == SCHEDULED`).
    balance_at_us: Option<Micros>,
    /// The last run hit `MAX_ELECTIONS_PER_IMBALANCE`: the next one is 10 ms away
    /// (`IMMEDIATELY`) instead of a whole interval (`DEFERRED`).
    balance_immediately: bool,
}

/// `ReplicationControlManager.MAX_ELECTIONS_PER_IMBALANCE`.
const MAX_ELECTIONS_PER_IMBALANCE: usize = 1_000;
/// The delay of an `IMMEDIATELY` rescheduled balancing run.
const BALANCE_IMMEDIATELY_US: Micros = 10_000;

impl Controller {
    /// The cluster as it stands at time 0: every broker registered and unfenced, each
    /// partition led by its preferred replica with the full replica set in sync.
    pub fn new(spec: Rc<ClusterSpec>) -> Controller {
        let brokers = spec.broker_ids.iter().map(|&id| BrokerImage { id, fenced: false, incarnation: 0 }).collect();
        let topics = spec
            .assignment
            .iter()
            .map(|parts| {
                parts
                    .iter()
                    .map(|reps| PartitionImage {
                        leader: reps.first().copied(),
                        leader_epoch: 0,
                        partition_epoch: 0,
                        replicas: reps.clone(),
                        isr: reps.clone(),
                        elr: Vec::new(),
                        last_known_elr: Vec::new(),
                    })
                    .collect()
            })
            .collect();
        let regs = spec
            .broker_ids
            .iter()
            .map(|&id| {
                let reg = Registration {
                    incarnation: 0,
                    last_heartbeat_us: 0,
                    fenced: false,
                    catch_up_version: 0,
                    in_controlled_shutdown: false,
                    heartbeat_version: 0,
                    shutdown_version: None,
                };
                (id, reg)
            })
            .collect();
        Controller {
            image: Rc::new(ClusterImage { version: 1, brokers, topics }),
            regs,
            spec,
            dirty: false,
            balance_at_us: None,
            balance_immediately: false,
        }
    }

    pub fn start(&mut self, ctx: &mut CCtx) {
        let cfg = &self.spec.broker_cfg;
        for &id in &self.spec.broker_ids {
            ctx.timer(later(ctx.now, cfg.broker_session_timeout_us), ControllerTimer::Session(id, 0));
        }
    }

    pub fn on_message(&mut self, ctx: &mut CCtx, from: NodeId, from_inc: u32, msg: Msg) {
        match msg {
            Msg::BrokerHeartbeat { broker, incarnation, metadata_version, want_shutdown, clean_restart } => {
                let hb = Heartbeat { incarnation, version: metadata_version, want_shutdown, clean_restart };
                self.heartbeat(ctx, from, from_inc, broker, hb)
            }
            Msg::AlterPartition { corr, tp, leader, leader_epoch, partition_epoch, new_isr } => {
                let error = self.alter_partition(ctx, tp, leader, leader_epoch, partition_epoch, new_isr);
                ctx.send(from, Some(from_inc), Msg::AlterPartitionResponse { corr, tp, error });
            }
            _ => {}
        }
        self.maybe_schedule_balance(ctx);
    }

    pub fn on_timer(&mut self, ctx: &mut CCtx, timer: ControllerTimer) {
        match timer {
            ControllerTimer::Session(id, since) => {
                let expired = self.regs.get(&id).is_some_and(|r| !r.fenced && r.last_heartbeat_us == since);
                if expired {
                    let reason = format!(
                        "no heartbeat for broker.session.timeout.ms ({} ms)",
                        self.spec.broker_cfg.broker_session_timeout_us / 1000
                    );
                    self.fence(ctx, id, &reason, false);
                }
            }
            ControllerTimer::LeaderImbalance => {
                if self.balance_at_us == Some(ctx.now) {
                    self.balance_at_us = None;
                    let elections = self.balance_partition_leaders(ctx);
                    self.balance_immediately = elections >= MAX_ELECTIONS_PER_IMBALANCE;
                }
            }
        }
        self.maybe_schedule_balance(ctx);
    }

    /// `QuorumController.maybeScheduleNextBalancePartitionLeaders`, after every event: with
    /// `auto.leader.rebalance.enable`, a partition whose leader is not its preferred
    /// replica (leaderless ones included) schedules one balancing run, an interval from
    /// now. KRaft has no per-broker threshold: one such partition is enough
    /// (`leader.imbalance.per.broker.percentage` is read only by the ZooKeeper controller).
    fn maybe_schedule_balance(&mut self, ctx: &mut CCtx) {
        let cfg = &self.spec.broker_cfg;
        if self.balance_at_us.is_some() || !cfg.auto_leader_rebalance_enable {
            return;
        }
        let imbalanced = self.image.partitions().any(|(_, p)| p.leader != p.replicas.first().copied());
        if !imbalanced {
            return;
        }
        let delay =
            if self.balance_immediately { BALANCE_IMMEDIATELY_US } else { cfg.leader_imbalance_check_interval_us };
        let at = ctx.now.saturating_add(delay);
        self.balance_at_us = Some(at);
        ctx.timer(at, ControllerTimer::LeaderImbalance);
    }

    fn heartbeat(&mut self, ctx: &mut CCtx, from: NodeId, from_inc: u32, broker: u16, hb: Heartbeat) {
        let Heartbeat { incarnation, version, want_shutdown, clean_restart } = hb;
        let now = ctx.now;
        let session = self.spec.broker_cfg.broker_session_timeout_us;
        let Some(reg) = self.regs.get(&broker) else { return };
        if reg.incarnation != incarnation && !reg.fenced && reg.last_heartbeat_us.saturating_add(session) >= now {
            // `registerBroker`: the old incarnation's session is still valid
            // (`BrokerHeartbeatManager.hasValidSession`), so the new one is refused until it
            // expires, broker.session.timeout.ms after the last heartbeat.
            let error = Error::DuplicateBrokerRegistration;
            ctx.trace(Event::RegistrationRejected {
                broker,
                error,
                message: "Another broker is registered with that broker id.".into(),
            });
            let resp = Msg::BrokerHeartbeatResponse { fenced: true, image: None, error, should_shutdown: false };
            ctx.send(from, Some(from_inc), resp);
            return;
        }
        if reg.incarnation != incarnation {
            // A new process. After a clean shutdown it was fenced then and registers as
            // is; otherwise the previous process shut down uncleanly.
            let reason = if clean_restart {
                "it restarted after a controlled shutdown"
            } else {
                "it restarted (unclean shutdown): a new incarnation registered"
            };
            self.fence(ctx, broker, reason, !clean_restart);
            if !clean_restart {
                self.drop_from_elr(broker);
            }
            if let Some(r) = self.regs.get_mut(&broker) {
                r.in_controlled_shutdown = false;
                r.shutdown_version = None;
            }
            let reg = self.regs.get_mut(&broker).expect("registered");
            reg.incarnation = incarnation;
            self.set_broker(broker, |b| b.incarnation = incarnation);
            self.publish(ctx);
            let reg = self.regs.get_mut(&broker).expect("registered");
            reg.catch_up_version = self.image.version;
        }
        let reg = self.regs.get_mut(&broker).expect("registered");
        reg.last_heartbeat_us = now;
        reg.heartbeat_version = version;
        ctx.timer(later(now, session), ControllerTimer::Session(broker, now));
        if reg.fenced && version >= reg.catch_up_version {
            self.unfence(ctx, broker);
        }
        let should_shutdown = want_shutdown && self.controlled_shutdown(ctx, broker);
        let fenced = self.regs[&broker].fenced;
        let image = (version < self.image.version).then(|| self.image.clone());
        let resp = Msg::BrokerHeartbeatResponse { fenced, image, error: Error::None, should_shutdown };
        ctx.send(from, Some(from_inc), resp);
    }

    /// `BrokerHeartbeatManager.calculateNextBrokerState` with `wantShutDown`: the first
    /// such heartbeat puts the broker in controlled shutdown, taking it out of every ISR
    /// and moving its leaderships (`handleBrokerInControlledShutdown`); the shutdown is
    /// approved (and the broker fenced) at once if it led nothing; otherwise once it leads
    /// nothing and every active broker (unfenced, not shutting down) has reported in a
    /// heartbeat a metadata version at least the one that moved its leaderships
    /// (`controlledShutdownOffset <= lowestActiveOffset()`), so the new leaders know.
    fn controlled_shutdown(&mut self, ctx: &mut CCtx, broker: u16) -> bool {
        let Some(reg) = self.regs.get(&broker) else { return true };
        if reg.fenced {
            return true;
        }
        let leads = |c: &Controller| c.image.partitions().any(|(_, p)| p.leader == Some(broker));
        if !reg.in_controlled_shutdown {
            let had_leaderships = leads(self);
            if let Some(r) = self.regs.get_mut(&broker) {
                r.in_controlled_shutdown = true;
            }
            let tps: Vec<Tp> =
                self.image.partitions().filter(|(_, p)| p.isr.contains(&broker)).map(|(tp, _)| tp).collect();
            for tp in tps {
                let isr: Vec<u16> = self
                    .image
                    .partition(tp)
                    .map(|p| p.isr.iter().copied().filter(|&r| r != broker).collect())
                    .unwrap_or_default();
                self.change_partition(ctx, tp, isr, Some(broker), None, false);
            }
            self.publish(ctx);
            if had_leaderships {
                let version = self.image.version;
                if let Some(r) = self.regs.get_mut(&broker) {
                    r.shutdown_version = Some(version);
                }
                return false;
            }
        }
        if leads(self) {
            return false;
        }
        if let Some(needed) = self.regs.get(&broker).and_then(|r| r.shutdown_version) {
            let lowest_active = self
                .regs
                .iter()
                .filter(|(&id, g)| id != broker && !g.fenced && !g.in_controlled_shutdown)
                .map(|(_, g)| g.heartbeat_version)
                .min()
                .unwrap_or(u64::MAX);
            if needed > lowest_active {
                return false;
            }
        }
        self.fence(ctx, broker, "controlled shutdown", false);
        true
    }

    fn set_broker(&mut self, id: u16, f: impl FnOnce(&mut BrokerImage)) {
        let img = Rc::make_mut(&mut self.image);
        if let Some(b) = img.brokers.iter_mut().find(|b| b.id == id) {
            let before = b.clone();
            f(b);
            self.dirty |= *b != before;
        }
    }

    fn acceptable(&self, r: u16, exclude: Option<u16>, add: Option<u16>) -> bool {
        Some(r) != exclude
            && (Some(r) == add || self.regs.get(&r).is_some_and(|g| !g.fenced && !g.in_controlled_shutdown))
    }

    /// `handleBrokerFenced` (and `handleBrokerUncleanShutdown`).
    fn fence(&mut self, ctx: &mut CCtx, broker: u16, reason: &str, unclean: bool) {
        let was_fenced = self.regs.get(&broker).is_some_and(|r| r.fenced);
        if let Some(r) = self.regs.get_mut(&broker) {
            r.fenced = true;
        }
        self.set_broker(broker, |b| b.fenced = true);
        if !was_fenced || unclean {
            ctx.trace(Event::BrokerFenced { broker, reason: reason.to_string() });
        }
        let tps: Vec<Tp> = self.image.partitions().filter(|(_, p)| p.isr.contains(&broker)).map(|(tp, _)| tp).collect();
        for tp in tps {
            let isr: Vec<u16> = self
                .image
                .partition(tp)
                .map(|p| p.isr.iter().copied().filter(|&r| r != broker).collect())
                .unwrap_or_default();
            self.change_partition(ctx, tp, isr, Some(broker), None, false);
        }
        self.publish(ctx);
    }

    /// `handleBrokerUnfenced`: elect leaders for leaderless partitions it can lead.
    fn unfence(&mut self, ctx: &mut CCtx, broker: u16) {
        let tps: Vec<Tp> = self.image.partitions().filter(|(_, p)| p.leader.is_none()).map(|(tp, _)| tp).collect();
        for tp in tps {
            let isr = self.image.partition(tp).map(|p| p.isr.clone()).unwrap_or_default();
            self.change_partition(ctx, tp, isr, None, Some(broker), false);
        }
        if let Some(r) = self.regs.get_mut(&broker) {
            r.fenced = false;
        }
        self.set_broker(broker, |b| b.fenced = false);
        ctx.trace(Event::BrokerUnfenced { broker });
        self.publish(ctx);
    }

    /// `PartitionChangeBuilder.build`: new ISR target, election, epochs.
    fn change_partition(
        &mut self,
        ctx: &mut CCtx,
        tp: Tp,
        target_isr: Vec<u16>,
        exclude: Option<u16>,
        add: Option<u16>,
        preferred: bool,
    ) {
        let Some(p) = self.image.partition(tp).cloned() else { return };
        let unclean_allowed = self.spec.topic_cfgs[tp.topic as usize].unclean_leader_election_enable;
        let elr_on = self.spec.features.elr();
        let (elr, last_known) = self.target_elr(tp, &p, &target_isr);
        // `isValidNewLeader`: in the target ISR, or (ISR empty, ELR on) in the target ELR.
        let in_elr = |r: u16| elr_on && target_isr.is_empty() && elr.contains(&r);
        let valid = |r: u16| (target_isr.contains(&r) || in_elr(r)) && self.acceptable(r, exclude, add);
        let mut kind = ElectionKind::Clean;
        let leader = if preferred && p.replicas.first().is_some_and(|&r| valid(r)) {
            kind = ElectionKind::Preferred;
            p.replicas.first().copied()
        } else if p.leader.is_some_and(valid) {
            p.leader
        } else if let Some(r) = p.replicas.iter().copied().find(|&r| valid(r)) {
            if in_elr(r) {
                kind = ElectionKind::Elr;
            }
            Some(r)
        } else if let Some(&r) = last_known
            .first()
            .filter(|_| elr_on && target_isr.is_empty() && elr.is_empty() && last_known.len() == 1)
            .filter(|&&r| self.acceptable(r, exclude, add))
        {
            // `canElectLastKnownLeader` (kplay requires it to be unfenced, as fixed by
            // KAFKA-19522; 4.0.0 did not check).
            kind = ElectionKind::LastKnownLeader;
            Some(r)
        } else if unclean_allowed {
            kind = ElectionKind::Unclean;
            p.replicas.iter().copied().find(|&r| self.acceptable(r, exclude, add))
        } else {
            None
        };
        let mut next = p.clone();
        next.elr = elr;
        next.last_known_elr = last_known;
        let new_unclean_leader = leader
            .filter(|_| matches!(kind, ElectionKind::Unclean | ElectionKind::LastKnownLeader) && leader != p.leader);
        if let Some(l) = new_unclean_leader {
            next.isr = vec![l];
            next.elr.clear();
            next.last_known_elr.clear();
        } else if let Some(l) = leader.filter(|_| kind == ElectionKind::Elr) {
            // An ELR member leads: the ISR is it alone, and it leaves the ELR.
            next.isr = vec![l];
            next.elr.retain(|&r| r != l);
        } else if !target_isr.is_empty() || elr_on {
            // Without ELR the last ISR member is never removed; with it the ISR may empty.
            next.isr = target_isr;
        }
        // `maybeUpdateLastKnownLeader`: the leader before the ISR first became empty,
        // forgotten once the partition has a leader again.
        if elr_on && next.isr.is_empty() && p.last_known_elr.is_empty() {
            next.last_known_elr = p.leader.into_iter().collect();
        }
        if leader.is_some() {
            next.last_known_elr.clear();
        }
        next.leader = leader;
        if next.leader != p.leader {
            next.leader_epoch += 1;
        }
        if next == p {
            return;
        }
        next.partition_epoch += 1;
        if next.leader != p.leader {
            match next.leader {
                Some(l) => ctx.trace(Event::LeaderElected {
                    tp,
                    leader: l,
                    leader_epoch: next.leader_epoch,
                    isr: next.isr.clone(),
                    kind,
                }),
                None => {
                    ctx.trace(Event::PartitionOffline { tp, leader_epoch: next.leader_epoch, isr: next.isr.clone() })
                }
            }
        } else {
            ctx.trace(Event::IsrChanged { tp, isr: next.isr.clone(), partition_epoch: next.partition_epoch });
        }
        let img = Rc::make_mut(&mut self.image);
        img.topics[tp.topic as usize][tp.partition as usize] = next;
        self.dirty = true;
    }

    /// `PartitionChangeBuilder.maybePopulateTargetElr`: with ELR on, replicas leaving an
    /// ISR that is (or becomes) smaller than min.insync.replicas join the ELR; an ISR of at
    /// least min.insync.replicas clears it. Returns (ELR, last known ELR).
    fn target_elr(&self, tp: Tp, p: &PartitionImage, target_isr: &[u16]) -> (Vec<u16>, Vec<u16>) {
        if !self.spec.features.elr() {
            return (Vec::new(), Vec::new());
        }
        let min_isr = (self.spec.topic_cfgs[tp.topic as usize].min_insync_replicas as usize).min(p.replicas.len());
        if target_isr.len() >= min_isr {
            return (Vec::new(), Vec::new());
        }
        let mut elr: Vec<u16> = Vec::new();
        for &r in p.elr.iter().chain(p.isr.iter()) {
            if !target_isr.contains(&r) && !elr.contains(&r) {
                elr.push(r);
            }
        }
        elr.sort_unstable_by_key(|r| p.replicas.iter().position(|x| x == r));
        (elr, p.last_known_elr.clone())
    }

    /// `handleBrokerUncleanShutdown` with ELR: a broker that restarted after an unclean
    /// shutdown may miss data, so it leaves every ELR.
    fn drop_from_elr(&mut self, broker: u16) {
        let tps: Vec<Tp> = self.image.partitions().filter(|(_, p)| p.elr.contains(&broker)).map(|(tp, _)| tp).collect();
        for tp in tps {
            let img = Rc::make_mut(&mut self.image);
            let p = &mut img.topics[tp.topic as usize][tp.partition as usize];
            p.elr.retain(|&r| r != broker);
            p.partition_epoch += 1;
            self.dirty = true;
        }
    }

    fn alter_partition(
        &mut self,
        ctx: &mut CCtx,
        tp: Tp,
        leader: u16,
        leader_epoch: u32,
        partition_epoch: u32,
        new_isr: Vec<u16>,
    ) -> Error {
        let Some(p) = self.image.partition(tp).cloned() else { return Error::UnknownTopicOrPartition };
        if p.leader != Some(leader) || leader_epoch != p.leader_epoch {
            return Error::FencedLeaderEpoch;
        }
        if partition_epoch != p.partition_epoch {
            return Error::InvalidUpdateVersion;
        }
        let ineligible = |g: &Registration| g.fenced || g.in_controlled_shutdown;
        if new_isr.iter().any(|&r| !p.isr.contains(&r) && self.regs.get(&r).is_none_or(ineligible)) {
            return Error::IneligibleReplica;
        }
        let (elr, last_known) = self.target_elr(tp, &p, &new_isr);
        let mut next = p;
        next.isr = new_isr;
        next.elr = elr;
        next.last_known_elr = last_known;
        next.partition_epoch += 1;
        ctx.trace(Event::IsrChanged { tp, isr: next.isr.clone(), partition_epoch: next.partition_epoch });
        let img = Rc::make_mut(&mut self.image);
        img.topics[tp.topic as usize][tp.partition as usize] = next;
        self.dirty = true;
        self.publish(ctx);
        Error::None
    }

    /// `ReplicationControlManager.maybeBalancePartitionLeaders`: a preferred election
    /// (`PartitionChangeBuilder` with `Election.PREFERRED`) for each imbalanced partition,
    /// at most `MAX_ELECTIONS_PER_IMBALANCE` changes per run. Returns the changes made.
    fn balance_partition_leaders(&mut self, ctx: &mut CCtx) -> usize {
        let imbalanced: Vec<Tp> = self
            .image
            .partitions()
            .filter(|(_, p)| p.leader != p.replicas.first().copied())
            .map(|(tp, _)| tp)
            .collect();
        let mut changes = 0;
        for tp in imbalanced {
            if changes >= MAX_ELECTIONS_PER_IMBALANCE {
                break;
            }
            let before = self.image.partition(tp).map(|p| p.partition_epoch);
            let isr = self.image.partition(tp).map(|p| p.isr.clone()).unwrap_or_default();
            self.change_partition(ctx, tp, isr, None, None, true);
            if self.image.partition(tp).map(|p| p.partition_epoch) != before {
                changes += 1;
            }
        }
        self.publish(ctx);
        changes
    }

    /// A new image version, pushed to every broker (when anything changed).
    fn publish(&mut self, ctx: &mut CCtx) {
        if !std::mem::take(&mut self.dirty) {
            return;
        }
        let img = Rc::make_mut(&mut self.image);
        img.version += 1;
        // Fenced brokers catch up through their heartbeat responses instead.
        for &id in &self.spec.broker_ids {
            let Some(reg) = self.regs.get(&id).filter(|r| !r.fenced) else { continue };
            ctx.send(NodeId::broker(id), Some(reg.incarnation), Msg::MetadataPush { image: self.image.clone() });
        }
    }

    pub fn broker_fenced(&self, id: u16) -> bool {
        self.regs.get(&id).is_none_or(|r| r.fenced)
    }
}
