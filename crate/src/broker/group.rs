//! The group coordinator, classic protocol (`GroupMetadataManager`'s classic-group paths and
//! `ClassicGroup`, Kafka 4.0), and committed offsets.
//!
//! The coordinator of a group is the leader of `__consumer_offsets` partition
//! `abs(hashCode(group.id)) % offsets.topic.num.partitions`. As for transactions, kplay
//! does not simulate that topic's records: its content (each group's metadata, members,
//! generation, assignment, and committed offsets) is the shared [`GroupLog`], treated as
//! durable and replicated, and its leader is the first unfenced broker in that partition's
//! default assignment. A coordinator that takes a group over (its broker died or was
//! fenced) loads it: members keep their generation and assignment and get a fresh session
//! timeout; requests the old coordinator had parked are gone with it, and their senders
//! time out or hear a reset and find the new coordinator.
//!
//! Kafka's rules, as in `GroupMetadataManager`:
//! - JoinGroup: a session timeout outside `group.min.session.timeout.ms` ..
//!   `group.max.session.timeout.ms` is INVALID_SESSION_TIMEOUT; a new dynamic member gets a
//!   member id with MEMBER_ID_REQUIRED and joins with it (KIP-394); a known static member
//!   (`group.instance.id`) rejoining gets a new member id and, when the group is stable and
//!   its subscription unchanged, its old assignment without a rebalance (KIP-345); an
//!   unknown member id is UNKNOWN_MEMBER_ID, a static member's old id FENCED_INSTANCE_ID.
//! - A rebalance (`PreparingRebalance`) completes when every member has rejoined, or at
//!   the rebalance timeout (the largest `max.poll.interval.ms` among members), removing
//!   those that did not. The first rebalance of an empty group waits
//!   `group.initial.rebalance.delay.ms`, again for each new member, up to the rebalance
//!   timeout. Completing a join starts the next generation, picks the protocol every
//!   member supports that most members prefer, keeps the leader (or elects the first
//!   member) and sends the leader every member's subscription.
//! - SyncGroup from the leader stores the assignment and the group becomes Stable;
//!   members that do not sync within the rebalance timeout are removed.
//! - A member that sends nothing (heartbeat, join, sync, commit) for its session timeout
//!   is removed and the group rebalances; LeaveGroup removes a member at once.
//! - Heartbeat: REBALANCE_IN_PROGRESS while preparing a rebalance (the member rejoins),
//!   ILLEGAL_GENERATION for an old generation, UNKNOWN_MEMBER_ID for a removed member.
//! - OffsetCommit: from a member of the current generation (while preparing a rebalance
//!   too, so `onPartitionsRevoked` may commit), REBALANCE_IN_PROGRESS while completing
//!   one, ILLEGAL_GENERATION / UNKNOWN_MEMBER_ID otherwise; an empty group accepts commits
//!   without a generation (a consumer using `assign`).

use std::rc::Rc;

use super::{BCtx, Broker, BrokerTimer};
use crate::config::AssignorKind;
use crate::protocol::Tp;
use crate::protocol::{Error, JoinGroupRequest, JoinGroupResponse, JoinedMember, Msg};
use crate::sim::{later, Micros, NodeId, VecMap};
use crate::trace::Event;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
}

/// Where a parked request's answer goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiter {
    pub node: NodeId,
    pub inc: u32,
    pub corr: u32,
}

#[derive(Clone, Debug)]
pub struct Member {
    pub id: Rc<str>,
    pub instance_id: Option<Rc<str>>,
    /// The consumer (for names in the trace and the report).
    pub client: NodeId,
    pub session_timeout_us: Micros,
    pub rebalance_timeout_us: Micros,
    pub protocols: Vec<AssignorKind>,
    pub topics: Vec<u16>,
    pub owned: Vec<Tp>,
    pub owned_generation: i32,
    pub assignment: Vec<Tp>,
    pub awaiting_join: Option<Waiter>,
    pub awaiting_sync: Option<Waiter>,
    /// The session expires at this time unless the member is heard from.
    pub session_deadline_us: Micros,
    /// KIP-848: the member epoch (-2: a static member away for a while), its previous
    /// epoch, the partitions it must give up first, its reconciliation state, since when
    /// it holds partitions it should revoke, and the server assignor it asks for.
    pub member_epoch: i32,
    pub previous_epoch: i32,
    pub pending_revocation: Vec<Tp>,
    pub mstate: MemberState,
    pub unrevoked_since: Option<Micros>,
    pub server_assignor: Option<Rc<str>>,
}

/// KIP-848 member states (`MemberState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberState {
    Stable,
    UnrevokedPartitions,
    UnreleasedPartitions,
}

/// One rebalance as the report shows it.
#[derive(Clone, Debug, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "RebalanceReport"))]
pub struct RebalanceRec {
    pub generation: i32,
    pub started_us: Micros,
    pub ended_us: Option<Micros>,
    pub reason: String,
    /// eager or cooperative (the chosen assignor's protocol).
    #[cfg_attr(test, ts(type = "\"eager\" | \"cooperative\""))]
    pub kind: &'static str,
    pub protocol: Option<&'static str>,
    /// Per member (consumer name): partitions it gave up and partitions it got.
    pub revoked: Vec<(String, Vec<Tp>)>,
    pub assigned: Vec<(String, Vec<Tp>)>,
    /// The assignment after it (member → partitions).
    pub assignment: Vec<(String, Vec<Tp>)>,
}

#[derive(Clone, Debug)]
pub struct Group {
    pub id: Rc<str>,
    pub state: GroupState,
    pub generation: i32,
    pub protocol: Option<AssignorKind>,
    pub leader: Option<Rc<str>>,
    pub members: Vec<Member>,
    /// Member ids handed out with MEMBER_ID_REQUIRED, not yet joined (id, deadline).
    pub pending: Vec<(Rc<str>, Micros)>,
    pub committed: VecMap<Tp, u64>,
    /// The coordinator (broker, incarnation) holding this group's timers.
    pub loaded_by: Option<(u16, u32)>,
    /// When the join phase ends (rebalance timeout, or the initial delay).
    pub join_deadline_us: Option<Micros>,
    /// Initial rebalance: the delay still available to extend by, and whether a member
    /// joined during the current delay.
    pub initial_remaining_us: Option<Micros>,
    pub new_member_added: bool,
    /// When the members' SyncGroup must have arrived.
    pub sync_deadline_us: Option<Micros>,
    pub next_member: u32,
    pub rebalances: Vec<RebalanceRec>,
    pub rebalance_reason: String,
    /// A KIP-848 group (`group.protocol=consumer`): `generation` is the group epoch.
    pub modern: bool,
    /// KIP-848: the epoch of the target assignment, and the target (member → partitions).
    pub target_epoch: i32,
    pub target: Vec<(Rc<str>, Vec<Tp>)>,
    /// Transactional offsets (TxnOffsetCommit) waiting for their transaction's marker:
    /// (producer id, partition, offset, the committing member's client).
    pub pending_txn: Vec<(i64, Tp, u64, NodeId)>,
}

impl Group {
    fn new(id: Rc<str>) -> Group {
        Group {
            id,
            state: GroupState::Empty,
            generation: 0,
            protocol: None,
            leader: None,
            members: Vec::new(),
            pending: Vec::new(),
            committed: VecMap::new(),
            loaded_by: None,
            join_deadline_us: None,
            initial_remaining_us: None,
            new_member_added: false,
            sync_deadline_us: None,
            next_member: 0,
            rebalances: Vec::new(),
            rebalance_reason: String::new(),
            modern: false,
            target_epoch: 0,
            target: Vec::new(),
            pending_txn: Vec::new(),
        }
    }
    pub(super) fn member(&self, id: &str) -> Option<usize> {
        self.members.iter().position(|m| &*m.id == id)
    }
    fn rebalance_timeout_us(&self) -> Micros {
        self.members.iter().map(|m| m.rebalance_timeout_us).max().unwrap_or(0)
    }
    fn all_joined(&self) -> bool {
        self.pending.is_empty() && self.members.iter().all(|m| m.awaiting_join.is_some())
    }
}

/// `__consumer_offsets`, as durable replicated state.
#[derive(Debug, Default)]
pub struct GroupLog {
    pub groups: Vec<Group>,
    /// The producer state of each `__consumer_offsets` partition: the last epoch a
    /// transactional producer wrote there with (a TxnOffsetCommit or a marker), by
    /// (partition, producer id). A marker with an older epoch is refused
    /// (`ProducerAppendInfo.checkProducerEpoch`: INVALID_PRODUCER_EPOCH).
    pub producer_epochs: VecMap<(u32, i64), i16>,
}

impl GroupLog {
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| &*g.id == id)
    }
    pub(super) fn index(&mut self, id: &Rc<str>) -> usize {
        match self.groups.iter().position(|g| g.id == *id) {
            Some(i) => i,
            None => {
                self.groups.push(Group::new(id.clone()));
                self.groups.len() - 1
            }
        }
    }
}

/// What the coordinator sends after a step (collected while the log is borrowed).
type Out = Vec<(Waiter, Msg)>;

pub(super) fn send_all(ctx: &mut BCtx, out: Out) {
    for (w, msg) in out {
        ctx.send(w.node, Some(w.inc), msg);
    }
}

impl Broker {
    /// The coordinator of `group` as this broker's metadata sees it.
    pub fn group_coordinator_for(&self, group: &str) -> Option<u16> {
        self.offsets_partition_leader(self.offsets_partition_of(group))
    }

    /// The `__consumer_offsets` partition that holds `group`.
    pub fn offsets_partition_of(&self, group: &str) -> u32 {
        let parts = self.cfg().offsets_topic_num_partitions.max(1) as i32;
        super::coordinator::partition_for(group, parts) as u32
    }

    /// The leader of `__consumer_offsets` partition `p` as this broker's metadata sees it.
    pub fn offsets_partition_leader(&self, p: u32) -> Option<u16> {
        super::coordinator::internal_leader_in(self.image.as_deref()?, &self.spec.broker_ids, p as usize)
    }

    fn is_group_coordinator(&self, group: &str) -> bool {
        self.group_coordinator_for(group) == Some(self.id)
    }

    /// A write of `group`'s coordinator that can never commit: this broker believes it
    /// leads the group's `__consumer_offsets` partition, but the controller has fenced it
    /// and moved that partition on (it could not hear), so its followers follow the new
    /// leader. The coordinator runtime's write waits `offsets.commit.timeout.ms` (5 s) and
    /// fails with REQUEST_TIMED_OUT, answered COORDINATOR_NOT_AVAILABLE
    /// (`CoordinatorOperationExceptionHelper`); nothing is written. Returns whether the
    /// reply `msg` (carrying that error) was scheduled.
    pub(super) fn fenced_group_write(&mut self, ctx: &mut BCtx, group: &str, w: Waiter, msg: Msg) -> bool {
        const OFFSETS_COMMIT_TIMEOUT_US: Micros = 5_000_000;
        if !self.is_group_coordinator(group) {
            return false;
        }
        let p = self.offsets_partition_of(group) as usize;
        let fenced = self
            .quorum
            .borrow()
            .as_deref()
            .is_some_and(|q| super::coordinator::internal_leader_in(q, &self.spec.broker_ids, p) != Some(self.id));
        if !fenced {
            return false;
        }
        let id = self.corr();
        self.delayed_replies.insert(id, (w.node, w.inc, msg));
        ctx.timer(later(ctx.now, OFFSETS_COMMIT_TIMEOUT_US), BrokerTimer::DelayedReply(id));
        true
    }

    /// Takes over the groups this broker now coordinates (`onElection`: load the group,
    /// every member gets a fresh session timeout; what the old coordinator parked is gone).
    pub fn load_groups(&mut self, ctx: &mut BCtx) {
        let log = self.groups.clone();
        let ids: Vec<Rc<str>> = log.borrow().groups.iter().map(|g| g.id.clone()).collect();
        for id in ids {
            if !self.is_group_coordinator(&id) {
                continue;
            }
            let mut log = log.borrow_mut();
            let i = log.index(&id);
            let g = &mut log.groups[i];
            if g.loaded_by == Some((self.id, self.inc)) {
                continue;
            }
            g.loaded_by = Some((self.id, self.inc));
            for m in &mut g.members {
                m.awaiting_join = None;
                m.awaiting_sync = None;
                m.session_deadline_us = later(ctx.now, m.session_timeout_us);
                ctx.timer(m.session_deadline_us, BrokerTimer::GroupCheck(i as u32));
            }
            g.pending.clear();
            match g.state {
                GroupState::PreparingRebalance => {
                    let t = later(ctx.now, g.rebalance_timeout_us());
                    g.join_deadline_us = Some(t);
                    g.initial_remaining_us = None;
                    ctx.timer(t, BrokerTimer::GroupCheck(i as u32));
                }
                GroupState::CompletingRebalance => {
                    let t = later(ctx.now, g.rebalance_timeout_us());
                    g.sync_deadline_us = Some(t);
                    ctx.timer(t, BrokerTimer::GroupCheck(i as u32));
                }
                _ => {}
            }
        }
    }

    /// The group's index in the log, loading it on first use; None when this broker is
    /// not its coordinator.
    pub(super) fn own_group(&mut self, ctx: &mut BCtx, group: &Rc<str>) -> Option<usize> {
        if !self.is_group_coordinator(group) {
            return None;
        }
        let i = self.groups.borrow_mut().index(group);
        if self.groups.borrow().groups[i].loaded_by != Some((self.id, self.inc)) {
            self.load_groups(ctx);
            self.groups.borrow_mut().groups[i].loaded_by = Some((self.id, self.inc));
        }
        Some(i)
    }

    pub fn handle_join_group(&mut self, ctx: &mut BCtx, from: NodeId, inc: u32, req: JoinGroupRequest) {
        let w = Waiter { node: from, inc, corr: req.corr };
        let fail = |ctx: &mut BCtx, error: Error, member_id: Rc<str>| {
            let resp = JoinGroupResponse {
                corr: req.corr,
                error,
                generation: -1,
                protocol: None,
                leader: Rc::from(""),
                member_id,
                members: Vec::new(),
            };
            ctx.send(from, Some(inc), Msg::JoinGroupResponse(Box::new(resp)));
        };
        let Some(gi) = self.own_group(ctx, &req.group) else {
            return fail(ctx, Error::NotCoordinator, req.member_id.clone());
        };
        let cfg = self.cfg().clone();
        if req.session_timeout_us < cfg.group_min_session_timeout_us
            || req.session_timeout_us > cfg.group_max_session_timeout_us
        {
            return fail(ctx, Error::InvalidSessionTimeout, req.member_id.clone());
        }
        let log = self.groups.clone();
        let mut log = log.borrow_mut();
        let g = &mut log.groups[gi];
        let now = ctx.now;
        let mut out: Out = Vec::new();
        let new_member = |g: &mut Group, id: Rc<str>| Member {
            id,
            instance_id: req.instance_id.clone(),
            client: from,
            session_timeout_us: req.session_timeout_us,
            rebalance_timeout_us: req.rebalance_timeout_us,
            protocols: req.protocols.clone(),
            topics: req.topics.clone(),
            owned: req.owned.clone(),
            owned_generation: req.owned_generation,
            assignment: Vec::new(),
            awaiting_join: Some(w),
            awaiting_sync: None,
            session_deadline_us: later(now, req.session_timeout_us).max(g.join_deadline_us.unwrap_or(0)),
            member_epoch: 0,
            previous_epoch: 0,
            pending_revocation: Vec::new(),
            mstate: MemberState::Stable,
            unrevoked_since: None,
            server_assignor: None,
        };
        // Every member must share a protocol with the group.
        let others = g.members.iter().filter(|m| {
            m.id != req.member_id && m.instance_id.as_ref().is_none_or(|i| Some(i) != req.instance_id.as_ref())
        });
        if !req.protocols.iter().any(|p| others.clone().all(|m| m.protocols.contains(p))) {
            drop(log);
            return fail(ctx, Error::InconsistentGroupProtocol, req.member_id.clone());
        }
        if req.member_id.is_empty() {
            let id: Rc<str> = Rc::from(format!("{}-{}", ctx.obs.names.node(from), g.next_member));
            g.next_member += 1;
            if let Some(instance) = &req.instance_id {
                if let Some(mi) = g.members.iter().position(|m| m.instance_id.as_ref() == Some(instance)) {
                    // KIP-345: a known static member comes back under a new member id.
                    let old = std::mem::replace(&mut g.members[mi].id, id.clone());
                    if g.leader.as_ref() == Some(&old) {
                        g.leader = Some(id.clone());
                    }
                    let m = &mut g.members[mi];
                    m.client = from;
                    m.session_timeout_us = req.session_timeout_us;
                    m.rebalance_timeout_us = req.rebalance_timeout_us;
                    m.session_deadline_us = later(now, req.session_timeout_us);
                    ctx.timer(m.session_deadline_us, BrokerTimer::GroupCheck(gi as u32));
                    m.topics = req.topics.clone();
                    m.protocols = req.protocols.clone();
                    // Kafka rebalances for a static member joining a stable group only
                    // when the group's selected protocol would change.
                    let unchanged = select_protocol(&g.members) == g.protocol;
                    match g.state {
                        GroupState::Stable if unchanged => {
                            // The current assignment stands: answer the join at once; the
                            // member syncs and gets it back (no rebalance).
                            let resp = join_response(g, req.corr, &id, false);
                            out.push((w, Msg::JoinGroupResponse(Box::new(resp))));
                            ctx.trace(Event::StaticMemberRejoined {
                                group: g.id.to_string(),
                                consumer: from,
                                generation: g.generation,
                            });
                            ctx.timer(m_deadline(g, &id), BrokerTimer::GroupCheck(gi as u32));
                        }
                        _ => {
                            let m = &mut g.members[mi];
                            m.awaiting_join = Some(w);
                            let reason = if g.state == GroupState::Stable {
                                format!("group's selected protocol will change because static member {id} with instance id {instance} joined with change of protocol")
                            } else {
                                format!("updating metadata for static member {id} with instance id {instance}")
                            };
                            self.prepare_or_complete(ctx, g, gi, reason, &mut out);
                        }
                    }
                    drop(log);
                    send_all(ctx, out);
                    return;
                }
                // A new static member: no MEMBER_ID_REQUIRED round trip.
                let m = new_member(g, id.clone());
                ctx.timer(m.session_deadline_us, BrokerTimer::GroupCheck(gi as u32));
                g.members.push(m);
                ctx.trace(Event::MemberJoined { group: g.id.to_string(), consumer: from, member_id: id.to_string() });
                if g.state == GroupState::PreparingRebalance && g.generation == 0 {
                    g.new_member_added = true;
                }
                let reason = format!("adding new member {id} with group instance id {instance}");
                self.prepare_or_complete(ctx, g, gi, reason, &mut out);
                drop(log);
                send_all(ctx, out);
                return;
            }
            let deadline = later(now, req.session_timeout_us);
            g.pending.push((id.clone(), deadline));
            ctx.timer(deadline, BrokerTimer::GroupCheck(gi as u32));
            drop(log);
            return fail(ctx, Error::MemberIdRequired, id);
        }
        if let Some(pi) = g.pending.iter().position(|(p, _)| *p == req.member_id) {
            g.pending.remove(pi);
            let m = new_member(g, req.member_id.clone());
            ctx.timer(m.session_deadline_us, BrokerTimer::GroupCheck(gi as u32));
            g.members.push(m);
            ctx.trace(Event::MemberJoined {
                group: g.id.to_string(),
                consumer: from,
                member_id: req.member_id.to_string(),
            });
            if g.state == GroupState::PreparingRebalance && g.generation == 0 {
                g.new_member_added = true;
            }
            let reason = format!("adding new member {} with group instance id null", req.member_id);
            self.prepare_or_complete(ctx, g, gi, reason, &mut out);
            drop(log);
            send_all(ctx, out);
            return;
        }
        let Some(mi) = g.member(&req.member_id) else {
            drop(log);
            return fail(ctx, Error::UnknownMemberId, req.member_id.clone());
        };
        if req.instance_id.is_some() && g.members[mi].instance_id != req.instance_id {
            drop(log);
            return fail(ctx, Error::FencedInstanceId, req.member_id.clone());
        }
        let m = &mut g.members[mi];
        m.client = from;
        m.session_deadline_us = later(now, m.session_timeout_us);
        ctx.timer(m.session_deadline_us, BrokerTimer::GroupCheck(gi as u32));
        let unchanged = m.topics == req.topics && m.protocols == req.protocols;
        m.owned = req.owned.clone();
        m.owned_generation = req.owned_generation;
        let is_leader = g.leader.as_deref() == Some(&*req.member_id);
        match g.state {
            GroupState::CompletingRebalance if unchanged => {
                // A retransmitted join: the same answer again.
                let resp = join_response(g, req.corr, &req.member_id, is_leader);
                out.push((w, Msg::JoinGroupResponse(Box::new(resp))));
            }
            GroupState::Stable if unchanged && !is_leader => {
                let resp = join_response(g, req.corr, &req.member_id, false);
                out.push((w, Msg::JoinGroupResponse(Box::new(resp))));
            }
            _ => {
                let m = &mut g.members[mi];
                m.topics = req.topics.clone();
                m.protocols = req.protocols.clone();
                m.rebalance_timeout_us = req.rebalance_timeout_us;
                m.awaiting_join = Some(w);
                let reason = format!("updating metadata for member {} during {}", req.member_id, state_name(g.state));
                let reason = if req.reason.is_empty() { reason } else { format!("{reason} ({})", req.reason) };
                self.prepare_or_complete(ctx, g, gi, reason, &mut out);
            }
        }
        drop(log);
        send_all(ctx, out);
    }

    /// `prepareRebalance` if the group is not already preparing one, then
    /// `maybeCompleteJoin`.
    fn prepare_or_complete(&self, ctx: &mut BCtx, g: &mut Group, gi: usize, reason: String, out: &mut Out) {
        match g.state {
            GroupState::PreparingRebalance => {}
            _ => self.prepare_rebalance(ctx, g, gi, reason),
        }
        if g.initial_remaining_us.is_none() && g.all_joined() {
            self.complete_join(ctx, g, gi, out);
        }
    }

    fn prepare_rebalance(&self, ctx: &mut BCtx, g: &mut Group, gi: usize, reason: String) {
        let initial = g.state == GroupState::Empty;
        if g.state == GroupState::CompletingRebalance {
            // Members waiting for SyncGroup learn of the new rebalance.
            for m in &mut g.members {
                if let Some(w) = m.awaiting_sync.take() {
                    let msg =
                        Msg::SyncGroupResponse { corr: w.corr, error: Error::RebalanceInProgress, assignment: vec![] };
                    ctx.send(w.node, Some(w.inc), msg);
                }
            }
        }
        g.state = GroupState::PreparingRebalance;
        g.sync_deadline_us = None;
        let delay = self.cfg().group_initial_rebalance_delay_us;
        let deadline = if initial {
            g.initial_remaining_us = Some(g.rebalance_timeout_us().saturating_sub(delay));
            g.new_member_added = false;
            later(ctx.now, delay)
        } else {
            g.initial_remaining_us = None;
            later(ctx.now, g.rebalance_timeout_us())
        };
        g.join_deadline_us = Some(deadline);
        ctx.timer(deadline, BrokerTimer::GroupCheck(gi as u32));
        g.rebalance_reason = reason.clone();
        ctx.trace(Event::RebalanceStarted {
            broker: self.node,
            group: g.id.to_string(),
            generation: g.generation,
            reason: reason.clone(),
        });
        let kind = g.protocol.map_or("eager", |p| if p.cooperative() { "cooperative" } else { "eager" });
        g.rebalances.push(RebalanceRec {
            generation: g.generation + 1,
            started_us: ctx.now,
            ended_us: None,
            reason,
            kind,
            protocol: None,
            revoked: Vec::new(),
            assigned: Vec::new(),
            assignment: Vec::new(),
        });
    }

    /// `completeClassicGroupJoin`.
    fn complete_join(&self, ctx: &mut BCtx, g: &mut Group, gi: usize, out: &mut Out) {
        // Members that did not rejoin in time leave the group.
        let gone: Vec<Member> = {
            let (stay, gone): (Vec<Member>, Vec<Member>) =
                std::mem::take(&mut g.members).into_iter().partition(|m| m.awaiting_join.is_some());
            g.members = stay;
            gone
        };
        for m in &gone {
            ctx.trace(Event::MemberRemoved {
                group: g.id.to_string(),
                consumer: m.client,
                member_id: m.id.to_string(),
                reason: "did not rejoin before the rebalance timeout".into(),
            });
        }
        g.pending.clear();
        g.join_deadline_us = None;
        g.initial_remaining_us = None;
        g.generation += 1;
        if g.members.is_empty() {
            g.state = GroupState::Empty;
            g.protocol = None;
            g.leader = None;
            if let Some(r) = g.rebalances.last_mut().filter(|r| r.ended_us.is_none()) {
                r.ended_us = Some(ctx.now);
            }
            ctx.trace(Event::GroupEmpty { group: g.id.to_string(), generation: g.generation });
            return;
        }
        g.protocol = select_protocol(&g.members);
        if g.leader.as_ref().is_none_or(|l| g.member(l).is_none()) {
            g.leader = Some(g.members[0].id.clone());
        }
        g.state = GroupState::CompletingRebalance;
        let deadline = later(ctx.now, g.rebalance_timeout_us());
        g.sync_deadline_us = Some(deadline);
        ctx.timer(deadline, BrokerTimer::GroupCheck(gi as u32));
        let leader = g.leader.clone().expect("set");
        ctx.trace(Event::GroupJoined {
            broker: self.node,
            group: g.id.to_string(),
            generation: g.generation,
            protocol: g.protocol.map_or("", AssignorKind::name),
            leader: g.members.iter().find(|m| m.id == leader).map_or(g.members[0].client, |m| m.client),
            members: g.members.iter().map(|m| m.client).collect(),
        });
        for mi in 0..g.members.len() {
            let id = g.members[mi].id.clone();
            let resp = join_response(g, 0, &id, *id == *leader);
            let m = &mut g.members[mi];
            m.session_deadline_us = later(ctx.now, m.session_timeout_us);
            ctx.timer(m.session_deadline_us, BrokerTimer::GroupCheck(gi as u32));
            if let Some(w) = m.awaiting_join.take() {
                let resp = JoinGroupResponse { corr: w.corr, ..resp };
                out.push((w, Msg::JoinGroupResponse(Box::new(resp))));
            }
        }
    }

    pub fn handle_sync_group(
        &mut self,
        ctx: &mut BCtx,
        w: Waiter,
        group: Rc<str>,
        member_id: Rc<str>,
        generation: i32,
        assignments: Vec<(Rc<str>, Vec<Tp>)>,
    ) {
        let reply = |ctx: &mut BCtx, error: Error, assignment: Vec<Tp>| {
            ctx.send(w.node, Some(w.inc), Msg::SyncGroupResponse { corr: w.corr, error, assignment });
        };
        let Some(gi) = self.own_group(ctx, &group) else { return reply(ctx, Error::NotCoordinator, vec![]) };
        let log = self.groups.clone();
        let mut log = log.borrow_mut();
        let g = &mut log.groups[gi];
        let Some(mi) = g.member(&member_id) else { return reply(ctx, Error::UnknownMemberId, vec![]) };
        if generation != g.generation {
            return reply(ctx, Error::IllegalGeneration, vec![]);
        }
        g.members[mi].session_deadline_us = later(ctx.now, g.members[mi].session_timeout_us);
        ctx.timer(g.members[mi].session_deadline_us, BrokerTimer::GroupCheck(gi as u32));
        match g.state {
            GroupState::Empty => reply(ctx, Error::UnknownMemberId, vec![]),
            GroupState::PreparingRebalance => reply(ctx, Error::RebalanceInProgress, vec![]),
            GroupState::Stable => {
                let a = g.members[mi].assignment.clone();
                reply(ctx, Error::None, a)
            }
            GroupState::CompletingRebalance => {
                g.members[mi].awaiting_sync = Some(w);
                if g.leader.as_deref() != Some(&*member_id) {
                    return;
                }
                // The leader's assignment: store it, answer everyone, become Stable.
                let before: Vec<(String, Vec<Tp>)> =
                    g.members.iter().map(|m| (ctx.obs.names.node(m.client), m.assignment.clone())).collect();
                for m in &mut g.members {
                    m.assignment =
                        assignments.iter().find(|(id, _)| *id == m.id).map(|(_, a)| a.clone()).unwrap_or_default();
                    crate::sim::sort::sort(&mut m.assignment);
                }
                g.state = GroupState::Stable;
                g.sync_deadline_us = None;
                let mut out: Out = Vec::new();
                for m in &mut g.members {
                    if let Some(w) = m.awaiting_sync.take() {
                        out.push((
                            w,
                            Msg::SyncGroupResponse {
                                corr: w.corr,
                                error: Error::None,
                                assignment: m.assignment.clone(),
                            },
                        ));
                    }
                }
                let after: Vec<(String, Vec<Tp>)> =
                    g.members.iter().map(|m| (ctx.obs.names.node(m.client), m.assignment.clone())).collect();
                let protocol = g.protocol;
                let generation = g.generation;
                if let Some(r) = g.rebalances.last_mut().filter(|r| r.ended_us.is_none()) {
                    r.ended_us = Some(ctx.now);
                    r.generation = generation;
                    r.protocol = protocol.map(AssignorKind::name);
                    r.kind = if protocol.is_some_and(AssignorKind::cooperative) { "cooperative" } else { "eager" };
                    r.assignment = after.clone();
                    for (who, now_has) in &after {
                        let had = before.iter().find(|(n, _)| n == who).map(|(_, a)| a.clone()).unwrap_or_default();
                        let got: Vec<Tp> = now_has.iter().filter(|t| !had.contains(t)).copied().collect();
                        if !got.is_empty() {
                            r.assigned.push((who.clone(), got));
                        }
                    }
                    for (who, had) in &before {
                        let keeps = after.iter().find(|(n, _)| n == who).map(|(_, a)| a.clone()).unwrap_or_default();
                        let lost: Vec<Tp> = had.iter().filter(|t| !keeps.contains(t)).copied().collect();
                        if !lost.is_empty() {
                            r.revoked.push((who.clone(), lost));
                        }
                    }
                }
                ctx.trace(Event::GroupStable {
                    broker: self.node,
                    group: g.id.to_string(),
                    generation,
                    assignment: g.members.iter().map(|m| (m.client, m.assignment.clone())).collect(),
                });
                drop(log);
                send_all(ctx, out);
            }
        }
    }

    pub fn handle_heartbeat(
        &mut self,
        ctx: &mut BCtx,
        w: Waiter,
        group: Rc<str>,
        member_id: Rc<str>,
        instance_id: Option<Rc<str>>,
        generation: i32,
    ) {
        let reply = |ctx: &mut BCtx, error: Error| {
            ctx.send(w.node, Some(w.inc), Msg::HeartbeatResponse { corr: w.corr, error });
        };
        let Some(gi) = self.own_group(ctx, &group) else { return reply(ctx, Error::NotCoordinator) };
        let log = self.groups.clone();
        let mut log = log.borrow_mut();
        let g = &mut log.groups[gi];
        let Some(mi) = g.member(&member_id) else { return reply(ctx, Error::UnknownMemberId) };
        if instance_id.is_some() && g.members[mi].instance_id != instance_id {
            return reply(ctx, Error::FencedInstanceId);
        }
        if generation != g.generation {
            return reply(ctx, Error::IllegalGeneration);
        }
        let m = &mut g.members[mi];
        m.session_deadline_us = later(ctx.now, m.session_timeout_us);
        ctx.timer(m.session_deadline_us, BrokerTimer::GroupCheck(gi as u32));
        match g.state {
            GroupState::Empty => reply(ctx, Error::UnknownMemberId),
            GroupState::PreparingRebalance => reply(ctx, Error::RebalanceInProgress),
            _ => reply(ctx, Error::None),
        }
    }

    pub fn handle_leave_group(&mut self, ctx: &mut BCtx, w: Waiter, group: Rc<str>, member_id: Rc<str>, why: &str) {
        let reply = |ctx: &mut BCtx, error: Error| {
            ctx.send(w.node, Some(w.inc), Msg::LeaveGroupResponse { corr: w.corr, error });
        };
        let Some(gi) = self.own_group(ctx, &group) else { return reply(ctx, Error::NotCoordinator) };
        let log = self.groups.clone();
        let mut log = log.borrow_mut();
        let g = &mut log.groups[gi];
        if let Some(pi) = g.pending.iter().position(|(p, _)| *p == member_id) {
            g.pending.remove(pi);
            return reply(ctx, Error::None);
        }
        let Some(mi) = g.member(&member_id) else { return reply(ctx, Error::UnknownMemberId) };
        let mut out = Vec::new();
        self.remove_member(ctx, g, gi, mi, format!("the consumer left the group ({why})"), &mut out);
        drop(log);
        reply(ctx, Error::None);
        send_all(ctx, out);
    }

    /// `removeMemberAndUpdateClassicGroup`.
    fn remove_member(&self, ctx: &mut BCtx, g: &mut Group, gi: usize, mi: usize, reason: String, out: &mut Out) {
        let m = g.members.remove(mi);
        ctx.trace(Event::MemberRemoved {
            group: g.id.to_string(),
            consumer: m.client,
            member_id: m.id.to_string(),
            reason: reason.clone(),
        });
        match g.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                let why = format!("removing member {} on {reason}", m.id);
                self.prepare_rebalance(ctx, g, gi, why);
                if g.all_joined() && g.initial_remaining_us.is_none() {
                    self.complete_join(ctx, g, gi, out);
                }
            }
            GroupState::PreparingRebalance => {
                if g.all_joined() && g.initial_remaining_us.is_none() {
                    self.complete_join(ctx, g, gi, out);
                }
            }
            GroupState::Empty => {}
        }
    }

    /// A group's deadlines: expired sessions, the end of the join phase, missing syncs.
    pub fn group_check(&mut self, ctx: &mut BCtx, gi: u32) {
        let gi = gi as usize;
        let log = self.groups.clone();
        let mut log = log.borrow_mut();
        let Some(g) = log.groups.get_mut(gi) else { return };
        if g.loaded_by != Some((self.id, self.inc)) || !self.is_group_coordinator(&g.id) {
            return;
        }
        if g.modern {
            self.modern_group_check(ctx, g);
            return;
        }
        let now = ctx.now;
        let mut out: Out = Vec::new();
        g.pending.retain(|(_, d)| *d > now);
        // Session timeouts (a member parked in a join or a sync is alive).
        while let Some(mi) = g
            .members
            .iter()
            .position(|m| m.session_deadline_us <= now && m.awaiting_join.is_none() && m.awaiting_sync.is_none())
        {
            let reason = format!(
                "session timeout: no heartbeat within session.timeout.ms={}",
                g.members[mi].session_timeout_us / 1000
            );
            self.remove_member(ctx, g, gi, mi, reason, &mut out);
        }
        if g.state == GroupState::PreparingRebalance && g.join_deadline_us.is_some_and(|t| t <= now) {
            match g.initial_remaining_us {
                Some(remaining) if g.new_member_added && remaining > 0 => {
                    // `tryCompleteInitialRebalanceElseSchedule`: a member joined meanwhile.
                    let delay = self.cfg().group_initial_rebalance_delay_us.min(remaining);
                    g.new_member_added = false;
                    g.initial_remaining_us = Some(remaining.saturating_sub(delay));
                    let t = later(now, delay);
                    g.join_deadline_us = Some(t);
                    ctx.timer(t, BrokerTimer::GroupCheck(gi as u32));
                }
                _ => {
                    g.initial_remaining_us = None;
                    self.complete_join(ctx, g, gi, &mut out);
                }
            }
        }
        if g.state == GroupState::CompletingRebalance && g.sync_deadline_us.is_some_and(|t| t <= now) {
            // Members that did not send SyncGroup in time are removed.
            while let Some(mi) = g.members.iter().position(|m| m.awaiting_sync.is_none()) {
                let reason = "no SyncGroup before the rebalance timeout".to_string();
                self.remove_member(ctx, g, gi, mi, reason, &mut out);
                if g.state != GroupState::CompletingRebalance {
                    break;
                }
            }
        }
        drop(log);
        send_all(ctx, out);
    }

    pub fn handle_offset_commit(
        &mut self,
        ctx: &mut BCtx,
        w: Waiter,
        group: Rc<str>,
        member_id: Rc<str>,
        generation: i32,
        offsets: Vec<(Tp, u64)>,
    ) {
        let reply = |ctx: &mut BCtx, error: Error| {
            ctx.send(w.node, Some(w.inc), Msg::OffsetCommitResponse { corr: w.corr, error });
        };
        let timed_out = Msg::OffsetCommitResponse { corr: w.corr, error: Error::CoordinatorNotAvailable };
        if self.fenced_group_write(ctx, &group, w, timed_out) {
            return;
        }
        let Some(gi) = self.own_group(ctx, &group) else { return reply(ctx, Error::NotCoordinator) };
        let log = self.groups.clone();
        let mut log = log.borrow_mut();
        let g = &mut log.groups[gi];
        let error = if g.modern && !(generation < 0 && member_id.is_empty()) {
            // KIP-848: the member epoch must be the member's current one.
            match g.member(&member_id) {
                None => Error::UnknownMemberId,
                Some(mi) if generation > g.members[mi].member_epoch => Error::FencedMemberEpoch,
                Some(mi) if generation < g.members[mi].member_epoch => Error::StaleMemberEpoch,
                Some(_) => Error::None,
            }
        } else if generation < 0 && member_id.is_empty() {
            // A commit outside group management: only into an empty group.
            if g.state == GroupState::Empty {
                Error::None
            } else {
                Error::UnknownMemberId
            }
        } else {
            match g.member(&member_id) {
                None => Error::UnknownMemberId,
                Some(_) if generation != g.generation => Error::IllegalGeneration,
                Some(_) if g.state == GroupState::CompletingRebalance => Error::RebalanceInProgress,
                Some(mi) => {
                    let m = &mut g.members[mi];
                    m.session_deadline_us = later(ctx.now, m.session_timeout_us);
                    ctx.timer(m.session_deadline_us, BrokerTimer::GroupCheck(gi as u32));
                    Error::None
                }
            }
        };
        if error == Error::None {
            for (tp, o) in offsets {
                g.committed.insert(tp, o);
            }
        }
        drop(log);
        reply(ctx, error);
    }

    pub fn handle_offset_fetch(
        &mut self,
        ctx: &mut BCtx,
        w: Waiter,
        group: Rc<str>,
        partitions: Vec<Tp>,
        require_stable: bool,
    ) {
        let Some(gi) = self.own_group(ctx, &group) else {
            let msg = Msg::OffsetFetchResponse { corr: w.corr, error: Error::NotCoordinator, offsets: vec![] };
            return ctx.send(w.node, Some(w.inc), msg);
        };
        if require_stable && partitions.iter().any(|&tp| self.has_pending_txn_offsets(gi, tp)) {
            let msg = Msg::OffsetFetchResponse { corr: w.corr, error: Error::UnstableOffsetCommit, offsets: vec![] };
            return ctx.send(w.node, Some(w.inc), msg);
        }
        let log = self.groups.borrow();
        let g = &log.groups[gi];
        let offsets = partitions.into_iter().map(|tp| (tp, g.committed.get(&tp).copied())).collect();
        let msg = Msg::OffsetFetchResponse { corr: w.corr, error: Error::None, offsets };
        drop(log);
        ctx.send(w.node, Some(w.inc), msg);
    }

    /// ListOffsets (earliest or latest) for a consumer's reset.
    pub fn handle_list_offsets(&mut self, ctx: &mut BCtx, w: Waiter, tp: Tp, earliest: bool, read_committed: bool) {
        let (error, offset) = match self.replicas.get(&tp) {
            Some(r) if r.is_leader() => {
                let offset = if earliest {
                    r.log.log_start_offset
                } else if read_committed {
                    r.last_stable_offset()
                } else {
                    r.hw
                };
                (Error::None, offset)
            }
            _ => (Error::NotLeaderOrFollower, 0),
        };
        ctx.send(w.node, Some(w.inc), Msg::ListOffsetsResponse { corr: w.corr, tp, error, offset });
    }
}

fn m_deadline(g: &Group, id: &str) -> Micros {
    g.member(id).map_or(0, |i| g.members[i].session_deadline_us)
}

fn state_name(s: GroupState) -> &'static str {
    match s {
        GroupState::Empty => "Empty",
        GroupState::PreparingRebalance => "PreparingRebalance",
        GroupState::CompletingRebalance => "CompletingRebalance",
        GroupState::Stable => "Stable",
    }
}

/// `ClassicGroup.selectProtocol`: among the protocols every member supports, each member
/// votes for the first it prefers; the most votes win (ties: the earliest in the first
/// member's preference order).
fn select_protocol(members: &[Member]) -> Option<AssignorKind> {
    let first = members.first()?;
    let candidates: Vec<AssignorKind> =
        first.protocols.iter().copied().filter(|p| members.iter().all(|m| m.protocols.contains(p))).collect();
    let mut best: Option<(AssignorKind, usize)> = None;
    for &c in &candidates {
        let votes = members.iter().filter(|m| m.protocols.iter().find(|p| candidates.contains(p)) == Some(&c)).count();
        if best.is_none_or(|(_, v)| votes > v) {
            best = Some((c, votes));
        }
    }
    best.map(|(c, _)| c)
}

/// The JoinGroup answer for `member_id` in the group's current generation.
fn join_response(g: &Group, corr: u32, member_id: &Rc<str>, leader: bool) -> JoinGroupResponse {
    let members = if leader {
        g.members
            .iter()
            .map(|m| JoinedMember {
                member_id: m.id.clone(),
                instance_id: m.instance_id.clone(),
                topics: m.topics.clone(),
                owned: m.owned.clone(),
                owned_generation: m.owned_generation,
            })
            .collect()
    } else {
        Vec::new()
    };
    JoinGroupResponse {
        corr,
        error: Error::None,
        generation: g.generation,
        protocol: g.protocol,
        leader: g.leader.clone().unwrap_or_else(|| Rc::from("")),
        member_id: member_id.clone(),
        members,
    }
}
