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
use crate::protocol::{BrokerImage, ClusterImage, Error, Msg, PartitionImage};
use crate::sim::trace::{ElectionKind, Event};
use crate::sim::{later, Ctx, Micros, NodeId, Tp};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ControllerTimer {
    /// Check broker `.0`'s session: fence it unless a heartbeat came after `.1`.
    Session(u16, Micros),
    /// `leader.imbalance.check.interval.seconds`.
    LeaderImbalance,
}

pub type CCtx<'a> = Ctx<'a, ControllerTimer>;

#[derive(Clone, Debug)]
struct Registration {
    incarnation: u32,
    last_heartbeat_us: Micros,
    fenced: bool,
    /// Metadata version the broker must reach to be unfenced.
    catch_up_version: u64,
}

pub struct Controller {
    spec: Rc<ClusterSpec>,
    pub image: Rc<ClusterImage>,
    regs: VecMap<u16, Registration>,
    /// The image changed since it was last published.
    dirty: bool,
}

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
                    })
                    .collect()
            })
            .collect();
        let regs = spec
            .broker_ids
            .iter()
            .map(|&id| (id, Registration { incarnation: 0, last_heartbeat_us: 0, fenced: false, catch_up_version: 0 }))
            .collect();
        Controller { image: Rc::new(ClusterImage { version: 1, brokers, topics }), regs, spec, dirty: false }
    }

    pub fn start(&mut self, ctx: &mut CCtx) {
        let cfg = &self.spec.broker_cfg;
        if cfg.auto_leader_rebalance_enable {
            ctx.timer(later(ctx.now, cfg.leader_imbalance_check_interval_us), ControllerTimer::LeaderImbalance);
        }
        for &id in &self.spec.broker_ids {
            ctx.timer(later(ctx.now, cfg.broker_session_timeout_us), ControllerTimer::Session(id, 0));
        }
    }

    pub fn on_message(&mut self, ctx: &mut CCtx, from: NodeId, from_inc: u32, msg: Msg) {
        match msg {
            Msg::BrokerHeartbeat { broker, incarnation, metadata_version } => {
                self.heartbeat(ctx, from, from_inc, broker, incarnation, metadata_version)
            }
            Msg::AlterPartition { corr, tp, leader, leader_epoch, partition_epoch, new_isr } => {
                let error = self.alter_partition(ctx, tp, leader, leader_epoch, partition_epoch, new_isr);
                ctx.send(from, Some(from_inc), Msg::AlterPartitionResponse { corr, tp, error });
            }
            _ => {}
        }
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
                self.preferred_leader_election(ctx);
                let cfg = &self.spec.broker_cfg;
                ctx.timer(later(ctx.now, cfg.leader_imbalance_check_interval_us), ControllerTimer::LeaderImbalance);
            }
        }
    }

    fn heartbeat(&mut self, ctx: &mut CCtx, from: NodeId, from_inc: u32, broker: u16, incarnation: u32, version: u64) {
        let now = ctx.now;
        let session = self.spec.broker_cfg.broker_session_timeout_us;
        let Some(reg) = self.regs.get(&broker) else { return };
        if reg.incarnation != incarnation {
            // A new process: the previous one shut down uncleanly.
            self.fence(ctx, broker, "it restarted (unclean shutdown): a new incarnation registered", true);
            let reg = self.regs.get_mut(&broker).expect("registered");
            reg.incarnation = incarnation;
            self.set_broker(broker, |b| b.incarnation = incarnation);
            self.publish(ctx);
            let reg = self.regs.get_mut(&broker).expect("registered");
            reg.catch_up_version = self.image.version;
        }
        let reg = self.regs.get_mut(&broker).expect("registered");
        reg.last_heartbeat_us = now;
        ctx.timer(later(now, session), ControllerTimer::Session(broker, now));
        if reg.fenced && version >= reg.catch_up_version {
            self.unfence(ctx, broker);
        }
        let fenced = self.regs[&broker].fenced;
        let image = (version < self.image.version).then(|| self.image.clone());
        ctx.send(from, Some(from_inc), Msg::BrokerHeartbeatResponse { fenced, image });
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
        Some(r) != exclude && (Some(r) == add || self.regs.get(&r).is_some_and(|g| !g.fenced))
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
        let valid = |r: u16| target_isr.contains(&r) && self.acceptable(r, exclude, add);
        let mut kind = ElectionKind::Clean;
        let leader = if preferred && p.replicas.first().is_some_and(|&r| valid(r)) {
            kind = ElectionKind::Preferred;
            p.replicas.first().copied()
        } else if p.leader.is_some_and(valid) {
            p.leader
        } else if let Some(r) = p.replicas.iter().copied().find(|&r| valid(r)) {
            Some(r)
        } else if unclean_allowed {
            kind = ElectionKind::Unclean;
            p.replicas.iter().copied().find(|&r| self.acceptable(r, exclude, add))
        } else {
            None
        };
        let mut next = p.clone();
        let new_unclean_leader = leader.filter(|_| kind == ElectionKind::Unclean && leader != p.leader);
        if let Some(l) = new_unclean_leader {
            next.isr = vec![l];
        } else if !target_isr.is_empty() {
            next.isr = target_isr;
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
        if new_isr.iter().any(|&r| !p.isr.contains(&r) && self.regs.get(&r).is_none_or(|g| g.fenced)) {
            return Error::IneligibleReplica;
        }
        let mut next = p;
        next.isr = new_isr;
        next.partition_epoch += 1;
        ctx.trace(Event::IsrChanged { tp, isr: next.isr.clone(), partition_epoch: next.partition_epoch });
        let img = Rc::make_mut(&mut self.image);
        img.topics[tp.topic as usize][tp.partition as usize] = next;
        self.dirty = true;
        self.publish(ctx);
        Error::None
    }

    /// `auto.leader.rebalance.enable`: move leadership back to preferred replicas on
    /// brokers whose share of non-preferred leaders exceeds the allowed percentage.
    fn preferred_leader_election(&mut self, ctx: &mut CCtx) {
        let pct = self.spec.broker_cfg.leader_imbalance_per_broker_percentage as usize;
        let mut by_broker: VecMap<u16, (usize, Vec<Tp>)> = VecMap::new();
        for (tp, p) in self.image.partitions() {
            if let Some(&pref) = p.replicas.first() {
                let e = by_broker.entry(pref).or_default();
                e.0 += 1;
                if p.leader != Some(pref) {
                    e.1.push(tp);
                }
            }
        }
        for (_, (total, off)) in by_broker {
            if total > 0 && off.len() * 100 > pct * total {
                for tp in off {
                    let isr = self.image.partition(tp).map(|p| p.isr.clone()).unwrap_or_default();
                    self.change_partition(ctx, tp, isr, None, None, true);
                }
            }
        }
        self.publish(ctx);
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
