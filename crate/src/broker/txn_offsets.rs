//! Offsets inside transactions (KIP-98, KIP-447): `sendOffsetsToTransaction`.
//!
//! The producer first sends AddOffsetsToTxn to its transaction coordinator, which adds the
//! group's `__consumer_offsets` partition to the transaction (as AddPartitionsToTxn adds a
//! data partition: `handleAddPartitionsToTransaction`). Then TxnOffsetCommit goes to the
//! group coordinator, carrying the consumer's group metadata: a member of an older
//! generation (a zombie whose partitions moved on) gets ILLEGAL_GENERATION, an unknown
//! member UNKNOWN_MEMBER_ID (`OffsetMetadataManager.validateTransactionalOffsetCommit`; a
//! KIP-848 member's stale epoch is ILLEGAL_GENERATION too); first the transaction must be
//! ongoing with the offsets partition in it (KIP-890's verification: INVALID_PRODUCER_EPOCH
//! for an older epoch, INVALID_TXN_STATE otherwise). Accepted offsets stay pending,
//! invisible to OffsetFetch, until the transaction's marker reaches the offsets partition:
//! COMMIT makes them the group's committed offsets, ABORT drops them. Meanwhile an
//! OffsetFetch with `require_stable` (a read_committed consumer) for such a partition
//! answers UNSTABLE_OFFSET_COMMIT and the consumer retries.
//!
//! As for the rest of `__consumer_offsets`, kplay keeps the pending offsets in the shared
//! [`GroupLog`](super::group::GroupLog) rather than as records: the marker is "written"
//! when the partition's leader (the group coordinator) applies it.

use std::rc::Rc;

use super::group::Waiter;
use super::{BCtx, Broker};
use crate::protocol::Tp;
use crate::protocol::{Error, Marker, Msg, TxnOffsetCommitRequest};
use crate::sim::NodeId;
use crate::trace::Event;

impl Broker {
    /// AddOffsetsToTxn at the transaction coordinator.
    #[allow(clippy::too_many_arguments)]
    pub fn handle_add_offsets_to_txn(
        &mut self,
        ctx: &mut BCtx,
        from: NodeId,
        inc: u32,
        corr: u32,
        tid: Rc<str>,
        pid: i64,
        epoch: i16,
        group: Rc<str>,
    ) {
        let tp = Tp::offsets(self.offsets_partition_of(&group));
        let error = self.add_partitions_to_txn(ctx, &tid, pid, epoch, vec![tp]);
        ctx.send(from, Some(inc), Msg::AddOffsetsToTxnResponse { corr, error });
    }

    /// TxnOffsetCommit at the group coordinator.
    pub fn handle_txn_offset_commit(&mut self, ctx: &mut BCtx, w: Waiter, req: TxnOffsetCommitRequest) {
        let reply = |ctx: &mut BCtx, error: Error| {
            ctx.send(w.node, Some(w.inc), Msg::TxnOffsetCommitResponse { corr: w.corr, error });
        };
        let timed_out = Msg::TxnOffsetCommitResponse { corr: w.corr, error: Error::CoordinatorNotAvailable };
        if self.fenced_group_write(ctx, &req.group, w, timed_out) {
            return;
        }
        let Some(gi) = self.own_group(ctx, &req.group) else { return reply(ctx, Error::NotCoordinator) };
        // KIP-890: the offsets partition must be in the producer's ongoing transaction (the
        // coordinator verifies with the transaction coordinator first), so a TxnOffsetCommit
        // that arrives after its transaction was aborted is refused rather than left pending
        // for the producer's next marker.
        let offsets_tp = Tp::offsets(self.offsets_partition_of(&req.group));
        let verified = {
            let txns = self.txn_log.borrow();
            match txns.txns.get(&*req.transactional_id) {
                Some(m) if m.producer_id == req.producer_id && m.epoch > req.producer_epoch => {
                    Error::InvalidProducerEpoch
                }
                Some(m)
                    if m.producer_id == req.producer_id
                        && m.epoch == req.producer_epoch
                        && m.status == super::coordinator::TxnStatus::Ongoing
                        && m.partitions.contains(&offsets_tp) =>
                {
                    Error::None
                }
                _ => Error::InvalidTxnState,
            }
        };
        if verified != Error::None {
            return reply(ctx, verified);
        }
        let log = self.groups.clone();
        let mut log = log.borrow_mut();
        let epoch_key = (offsets_tp.partition, req.producer_id);
        if log.producer_epochs.get(&epoch_key).is_some_and(|&e| e > req.producer_epoch) {
            drop(log);
            return reply(ctx, Error::InvalidProducerEpoch);
        }
        let g = &mut log.groups[gi];
        let simple = req.generation < 0 && req.member_id.is_empty() && req.instance_id.is_none();
        let empty = g.members.is_empty() && g.pending.is_empty();
        let error = if simple && empty {
            Error::None
        } else if simple && !g.modern {
            // Old TxnOffsetCommit versions carry no member: accepted (the state is not
            // enforced for transactional commits).
            Error::None
        } else {
            match g.member(&req.member_id) {
                None if g.generation == 0 && g.members.is_empty() && !simple => Error::IllegalGeneration,
                None => Error::UnknownMemberId,
                Some(mi) if g.modern && req.generation != g.members[mi].member_epoch => {
                    // `StaleMemberEpochException` is answered as ILLEGAL_GENERATION here.
                    if req.generation > g.members[mi].member_epoch {
                        Error::FencedMemberEpoch
                    } else {
                        Error::IllegalGeneration
                    }
                }
                Some(_) if !g.modern && req.generation != g.generation => Error::IllegalGeneration,
                Some(mi) => match (&req.instance_id, &g.members[mi].instance_id) {
                    (Some(a), Some(b)) if a != b => Error::FencedInstanceId,
                    _ => Error::None,
                },
            }
        };
        if error == Error::None {
            let client = g.member(&req.member_id).map_or(w.node, |mi| g.members[mi].client);
            for &(tp, o) in &req.offsets {
                g.pending_txn.retain(|(pid, t, _, _)| !(*pid == req.producer_id && *t == tp));
                g.pending_txn.push((req.producer_id, tp, o, client));
            }
            log.producer_epochs.insert(epoch_key, req.producer_epoch);
            ctx.trace(Event::TxnOffsetsPending {
                broker: self.node,
                group: req.group.to_string(),
                producer_id: req.producer_id,
                offsets: req.offsets.clone(),
            });
        }
        drop(log);
        reply(ctx, error);
    }

    /// A transaction marker for `__consumer_offsets` partition `tp`: the pending offsets of
    /// `producer_id` in the groups that partition holds become committed (COMMIT) or are
    /// dropped (ABORT). NOT_LEADER_OR_FOLLOWER when this broker does not lead it;
    /// INVALID_PRODUCER_EPOCH for a marker older than what the producer last wrote there
    /// (a late marker of an earlier transaction must not end the current one).
    pub fn write_offsets_marker(
        &mut self,
        ctx: &mut BCtx,
        tp: Tp,
        producer_id: i64,
        epoch: i16,
        marker: Marker,
    ) -> Error {
        if self.offsets_partition_leader(tp.partition) != Some(self.id) {
            return Error::NotLeaderOrFollower;
        }
        let log = self.groups.clone();
        let mut log = log.borrow_mut();
        let seen = log.producer_epochs.entry((tp.partition, producer_id)).or_insert(epoch);
        if *seen > epoch {
            return Error::InvalidProducerEpoch;
        }
        *seen = epoch;
        for g in log.groups.iter_mut() {
            if self.offsets_partition_of(&g.id) != tp.partition {
                continue;
            }
            let mut mine = Vec::new();
            g.pending_txn.retain(|e| {
                let m = e.0 == producer_id;
                if m {
                    mine.push(*e);
                }
                !m
            });
            if mine.is_empty() {
                continue;
            }
            let commit = marker == Marker::Commit;
            let offsets: Vec<(Tp, u64)> = mine.iter().map(|e| (e.1, e.2)).collect();
            if commit {
                for &(t, o) in &offsets {
                    g.committed.insert(t, o);
                }
                ctx.trace(Event::OffsetsCommitted {
                    consumer: mine[0].3,
                    group: g.id.to_string(),
                    kind: "transaction",
                    offsets: offsets.clone(),
                });
            }
            ctx.trace(Event::TxnOffsetsCompleted {
                broker: self.node,
                group: g.id.to_string(),
                producer_id,
                commit,
                offsets,
            });
        }
        Error::None
    }

    /// Whether `group` has transactional offsets for `tp` still waiting for a marker.
    pub fn has_pending_txn_offsets(&self, gi: usize, tp: Tp) -> bool {
        self.groups.borrow().groups[gi].pending_txn.iter().any(|e| e.1 == tp)
    }
}
