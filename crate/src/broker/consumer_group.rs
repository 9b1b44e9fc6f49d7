//! The group coordinator's KIP-848 side (`group.protocol=consumer`, GA in Kafka 4.0):
//! `GroupMetadataManager.consumerGroupHeartbeat` and `CurrentAssignmentBuilder`.
//!
//! There is no join phase and no group-wide barrier. A member joins, heartbeats and
//! leaves with ConsumerGroupHeartbeat (member epoch 0 to join, -1 to leave, -2 for a
//! static member leaving for a while). A join, a leave, a changed subscription or an
//! expired session bumps the group epoch; the next heartbeat computes a new target
//! assignment with the server-side assignor (`uniform` unless the member asks for
//! `group.remote.assignor=range`). Each member is then reconciled on its own heartbeats:
//! partitions it must give up are removed from its assignment first
//! (UNREVOKED_PARTITIONS, it stays in its epoch); once it reports it no longer owns them,
//! it moves to the target epoch and gets the target's partitions that no other member
//! still holds (UNRELEASED_PARTITIONS until they are freed). A member that keeps
//! partitions it should revoke for longer than its rebalance timeout
//! (`max.poll.interval.ms`) is removed, as is one silent for
//! `group.consumer.session.timeout.ms`. Members heartbeat every
//! `group.consumer.heartbeat.interval.ms`.

use std::rc::Rc;

use super::group::{Group, Member, MemberState, RebalanceRec, Waiter};
use super::{BCtx, Broker, BrokerTimer};
use crate::protocol::Tp;
use crate::protocol::{ConsumerGroupHeartbeatRequest, ConsumerGroupHeartbeatResponse, Error, Msg};
use crate::sim::{later, Micros};
use crate::trace::Event;

impl Broker {
    pub fn handle_consumer_group_heartbeat(&mut self, ctx: &mut BCtx, w: Waiter, req: ConsumerGroupHeartbeatRequest) {
        let interval = self.cfg().group_consumer_heartbeat_interval_us;
        let reply = |ctx: &mut BCtx, error: Error, member_epoch: i32, assignment: Option<Vec<Tp>>| {
            let resp = ConsumerGroupHeartbeatResponse {
                corr: w.corr,
                error,
                member_id: req.member_id.clone(),
                member_epoch,
                heartbeat_interval_us: interval,
                assignment,
            };
            ctx.send(w.node, Some(w.inc), Msg::ConsumerGroupHeartbeatResponse(Box::new(resp)));
        };
        let Some(gi) = self.own_group(ctx, &req.group) else { return reply(ctx, Error::NotCoordinator, -1, None) };
        let log = self.groups.clone();
        let mut log = log.borrow_mut();
        let g = &mut log.groups[gi];
        if !g.modern && !g.members.is_empty() {
            return reply(ctx, Error::InconsistentGroupProtocol, -1, None);
        }
        g.modern = true;
        let session_us = self.cfg().group_consumer_session_timeout_us;
        let now = ctx.now;
        let mut mi = g.member(&req.member_id);
        match req.member_epoch {
            0 => {
                if mi.is_none() {
                    // A static member coming back takes over its old place (and partitions).
                    let old = req
                        .instance_id
                        .as_ref()
                        .and_then(|i| g.members.iter().position(|m| m.instance_id.as_ref() == Some(i)));
                    match old {
                        Some(o) if g.members[o].member_epoch != -2 => {
                            return reply(ctx, Error::UnreleasedInstanceId, -1, None);
                        }
                        Some(o) => {
                            let m = &mut g.members[o];
                            m.id = req.member_id.clone();
                            m.client = w.node;
                            // The new member takes the old one's place and partitions at epoch 0.
                            m.member_epoch = 0;
                            m.previous_epoch = 0;
                            ctx.trace(Event::StaticMemberRejoined {
                                group: g.id.to_string(),
                                consumer: w.node,
                                generation: g.generation,
                            });
                            mi = Some(o);
                        }
                        None => {
                            g.members.push(new_member(&req, w, session_us, now));
                            ctx.trace(Event::MemberJoined {
                                group: g.id.to_string(),
                                consumer: w.node,
                                member_id: req.member_id.to_string(),
                            });
                            bump(ctx, self.node, g, format!("member {} joined", req.member_id));
                            mi = Some(g.members.len() - 1);
                        }
                    }
                } else if let Some(i) = mi {
                    // A known member joining again (after being fenced): it starts over.
                    let m = &mut g.members[i];
                    m.member_epoch = 0;
                    m.assignment.clear();
                    m.pending_revocation.clear();
                    bump(ctx, self.node, g, format!("member {} rejoined", req.member_id));
                }
            }
            -1 | -2 => {
                let Some(i) = mi else { return reply(ctx, Error::UnknownMemberId, req.member_epoch, None) };
                if req.member_epoch == -2 && g.members[i].instance_id.is_some() {
                    // A static member away for a while: it keeps its place until its session expires.
                    let m = &mut g.members[i];
                    m.previous_epoch = m.member_epoch;
                    m.member_epoch = -2;
                    m.session_deadline_us = later(now, session_us);
                    ctx.timer(m.session_deadline_us, BrokerTimer::GroupCheck(gi as u32));
                } else {
                    let m = g.members.remove(i);
                    ctx.trace(Event::MemberRemoved {
                        group: g.id.to_string(),
                        consumer: m.client,
                        member_id: m.id.to_string(),
                        reason: "the member left the group (ConsumerGroupHeartbeat with epoch -1)".into(),
                    });
                    bump(ctx, self.node, g, format!("member {} left", m.id));
                }
                drop(log);
                return reply(ctx, Error::None, req.member_epoch, None);
            }
            epoch => {
                let Some(i) = mi else { return reply(ctx, Error::UnknownMemberId, -1, None) };
                let m = &g.members[i];
                let owned_ok = req.owned.as_ref().is_none_or(|o| o.iter().all(|t| m.assignment.contains(t)));
                if epoch != m.member_epoch && !(epoch == m.previous_epoch && owned_ok) {
                    return reply(ctx, Error::FencedMemberEpoch, -1, None);
                }
            }
        }
        let i = mi.expect("a member by now");
        {
            let m = &mut g.members[i];
            m.client = w.node;
            m.session_deadline_us = later(now, session_us);
            m.rebalance_timeout_us = req.rebalance_timeout_us;
            if req.server_assignor.is_some() {
                m.server_assignor = req.server_assignor.clone();
            }
            ctx.timer(m.session_deadline_us, BrokerTimer::GroupCheck(gi as u32));
        }
        if let Some(topics) = &req.topics {
            if g.members[i].topics != *topics {
                g.members[i].topics = topics.clone();
                let reason = format!("member {} changed its subscription", req.member_id);
                bump(ctx, self.node, g, reason);
            }
        }
        if g.generation > g.target_epoch {
            self.compute_target(ctx, g);
        }
        reconcile(g, i, req.owned.as_deref(), now);
        let m = &g.members[i];
        if m.mstate == MemberState::UnrevokedPartitions {
            if let Some(since) = m.unrevoked_since {
                ctx.timer(later(since, m.rebalance_timeout_us), BrokerTimer::GroupCheck(gi as u32));
            }
        }
        let (epoch, assignment) = (m.member_epoch, m.assignment.clone());
        close_rebalance(g, now);
        drop(log);
        reply(ctx, Error::None, epoch, Some(assignment));
    }

    /// The target assignment for the current group epoch (the server-side assignor).
    fn compute_target(&self, ctx: &mut BCtx, g: &mut Group) {
        let names = &self.spec.topic_names;
        let mut counts = crate::sim::VecMap::new();
        for m in &g.members {
            for &t in &m.topics {
                let n = self.image.as_ref().map_or(0, |i| i.partition_count(t));
                counts.insert(names[t as usize].clone(), n);
            }
        }
        let assignor: Rc<str> =
            g.members.iter().find_map(|m| m.server_assignor.clone()).unwrap_or_else(|| Rc::from("uniform"));
        let members: Vec<crate::consumer::server_assignor::ServerMember> = g
            .members
            .iter()
            .map(|m| crate::consumer::server_assignor::ServerMember {
                member_id: m.id.to_string(),
                instance_id: m.instance_id.as_deref().map(str::to_string),
                topics: m.topics.iter().map(|&t| names[t as usize].clone()).collect(),
                current: target_of(g, &m.id)
                    .iter()
                    .map(|tp| (names[tp.topic as usize].clone(), tp.partition))
                    .collect(),
            })
            .collect();
        let out = crate::consumer::server_assignor::assign(&assignor, &counts, &members);
        let index = |name: &str| names.iter().position(|n| n == name).unwrap_or(0) as u16;
        let before: Vec<(String, Vec<Tp>)> =
            g.members.iter().map(|m| (ctx.obs.names.node(m.client), target_of(g, &m.id))).collect();
        g.target = g
            .members
            .iter()
            .map(|m| {
                let mut parts: Vec<Tp> =
                    out.get(&*m.id).map(|v| v.iter().map(|(t, p)| Tp::new(index(t), *p)).collect()).unwrap_or_default();
                crate::sim::sort::sort(&mut parts);
                (m.id.clone(), parts)
            })
            .collect();
        g.target_epoch = g.generation;
        let after: Vec<(String, Vec<Tp>)> =
            g.members.iter().map(|m| (ctx.obs.names.node(m.client), target_of(g, &m.id))).collect();
        let diff = |a: &[(String, Vec<Tp>)], b: &[(String, Vec<Tp>)]| -> Vec<(String, Vec<Tp>)> {
            a.iter()
                .filter_map(|(who, parts)| {
                    let other = b.iter().find(|(n, _)| n == who).map(|(_, p)| p.clone()).unwrap_or_default();
                    let d: Vec<Tp> = parts.iter().filter(|t| !other.contains(t)).copied().collect();
                    (!d.is_empty()).then(|| (who.clone(), d))
                })
                .collect()
        };
        let (assigned, revoked) = (diff(&after, &before), diff(&before, &after));
        if let Some(r) = g.rebalances.last_mut().filter(|r| r.ended_us.is_none()) {
            r.generation = g.target_epoch;
            r.protocol = Some(if &*assignor == "range" { "range" } else { "uniform" });
            r.assigned = assigned;
            r.revoked = revoked;
            r.assignment = after;
        }
        ctx.trace(Event::TargetAssignment {
            broker: self.node,
            group: g.id.to_string(),
            group_epoch: g.target_epoch,
            assignor: if &*assignor == "range" { "range" } else { "uniform" },
            assignment: g.members.iter().map(|m| (m.client, target_of(g, &m.id))).collect(),
        });
    }

    /// Session and rebalance timeouts of a KIP-848 group.
    pub(super) fn modern_group_check(&mut self, ctx: &mut BCtx, g: &mut Group) {
        let now = ctx.now;
        while let Some(i) = g.members.iter().position(|m| {
            m.session_deadline_us <= now
                || m.mstate == MemberState::UnrevokedPartitions
                    && m.unrevoked_since.is_some_and(|s| later(s, m.rebalance_timeout_us) <= now)
        }) {
            let m = g.members.remove(i);
            let reason = if m.session_deadline_us <= now {
                format!(
                    "session timeout: no heartbeat within group.consumer.session.timeout.ms={}",
                    self.cfg().group_consumer_session_timeout_us / 1000
                )
            } else {
                format!(
                    "did not revoke its partitions within the rebalance timeout ({} ms)",
                    m.rebalance_timeout_us / 1000
                )
            };
            ctx.trace(Event::MemberRemoved {
                group: g.id.to_string(),
                consumer: m.client,
                member_id: m.id.to_string(),
                reason: reason.clone(),
            });
            bump(ctx, self.node, g, format!("member {} removed: {reason}", m.id));
        }
    }
}

fn new_member(req: &ConsumerGroupHeartbeatRequest, w: Waiter, session_us: Micros, now: Micros) -> Member {
    Member {
        id: req.member_id.clone(),
        instance_id: req.instance_id.clone(),
        client: w.node,
        session_timeout_us: session_us,
        rebalance_timeout_us: req.rebalance_timeout_us,
        protocols: Vec::new(),
        topics: req.topics.clone().unwrap_or_default(),
        owned: Vec::new(),
        owned_generation: -1,
        assignment: Vec::new(),
        awaiting_join: None,
        awaiting_sync: None,
        session_deadline_us: later(now, session_us),
        member_epoch: 0,
        previous_epoch: 0,
        pending_revocation: Vec::new(),
        mstate: MemberState::Stable,
        unrevoked_since: None,
        server_assignor: req.server_assignor.clone(),
    }
}

/// The group epoch goes up: a new target assignment will be computed.
fn bump(ctx: &mut BCtx, broker: crate::sim::NodeId, g: &mut Group, reason: String) {
    g.generation += 1;
    g.state = super::group::GroupState::Stable;
    ctx.trace(Event::RebalanceStarted {
        broker,
        group: g.id.to_string(),
        generation: g.generation - 1,
        reason: reason.clone(),
    });
    match g.rebalances.last_mut().filter(|r| r.ended_us.is_none()) {
        Some(r) => r.reason = format!("{}; {reason}", r.reason),
        None => g.rebalances.push(RebalanceRec {
            generation: g.generation,
            started_us: ctx.now,
            ended_us: None,
            reason,
            kind: "incremental",
            protocol: None,
            revoked: Vec::new(),
            assigned: Vec::new(),
            assignment: Vec::new(),
        }),
    }
    if g.members.is_empty() {
        g.state = super::group::GroupState::Empty;
    }
}

fn target_of(g: &Group, id: &Rc<str>) -> Vec<Tp> {
    g.target.iter().find(|(m, _)| m == id).map(|(_, p)| p.clone()).unwrap_or_default()
}

/// `CurrentAssignmentBuilder.build`: moves member `i` toward the target assignment.
fn reconcile(g: &mut Group, i: usize, owned: Option<&[Tp]>, now: Micros) {
    let owns_any = |set: &[Tp]| owned.is_none_or(|o| o.iter().any(|t| set.contains(t)));
    let m = &g.members[i];
    let (epoch, assigned) = match m.mstate {
        MemberState::Stable if m.member_epoch == g.target_epoch => return,
        MemberState::Stable | MemberState::UnreleasedPartitions => (m.member_epoch, m.assignment.clone()),
        MemberState::UnrevokedPartitions => {
            if owns_any(&m.pending_revocation) {
                return;
            }
            (m.member_epoch + 1, m.assignment.clone())
        }
    };
    let target = target_of(g, &m.id);
    // Partitions another member still holds (assigned or not yet revoked).
    let held_by_other = |tp: &Tp| {
        g.members
            .iter()
            .enumerate()
            .any(|(j, o)| j != i && (o.assignment.contains(tp) || o.pending_revocation.contains(tp)))
    };
    let kept: Vec<Tp> = assigned.iter().filter(|t| target.contains(t)).copied().collect();
    let revoke: Vec<Tp> = assigned.iter().filter(|t| !kept.contains(t)).copied().collect();
    let mut pending: Vec<Tp> = target.iter().filter(|t| !kept.contains(t)).copied().collect();
    let before = pending.len();
    pending.retain(|t| !held_by_other(t));
    let unreleased = pending.len() != before;
    let target_epoch = g.target_epoch;
    let m = &mut g.members[i];
    m.previous_epoch = m.member_epoch;
    if !revoke.is_empty() && owns_any(&revoke) {
        m.mstate = MemberState::UnrevokedPartitions;
        m.member_epoch = epoch;
        m.assignment = kept;
        m.pending_revocation = revoke;
        m.unrevoked_since.get_or_insert(now);
        return;
    }
    let mut next = kept;
    next.extend(pending);
    crate::sim::sort::sort(&mut next);
    m.assignment = next;
    m.pending_revocation.clear();
    m.unrevoked_since = None;
    m.member_epoch = target_epoch;
    m.mstate = if unreleased { MemberState::UnreleasedPartitions } else { MemberState::Stable };
}

/// The rebalance in progress ends once every member is stable at the target epoch.
fn close_rebalance(g: &mut Group, now: Micros) {
    let done = g.target_epoch == g.generation
        && g.members.iter().all(|m| m.mstate == MemberState::Stable && m.member_epoch == g.target_epoch);
    if done {
        if let Some(r) = g.rebalances.last_mut().filter(|r| r.ended_us.is_none()) {
            r.ended_us = Some(now);
        }
    }
}
