//! Consumer-side verdicts, judged per consumer group from what the applications
//! processed (the history) against the group's final committed offsets and the final logs.
//!
//! - `reprocessed`: records a group processed more than once (a member died or lost its
//!   partitions after processing them and before their offsets were committed, and the
//!   next owner resumed from the older committed offset).
//! - `skipped`: records below a partition's final committed offset that the group never
//!   processed (a commit passed them: a commit of positions whose records were still being
//!   processed when the member died, `auto.offset.reset=latest`, an out-of-range reset).
//!
//! Each comes with an explanation naming the processing, the commit state and the
//! rebalance between them.

use crate::broker::group::{Group, RebalanceRec};
use crate::protocol::Tp;
use crate::report::Explanation;
use crate::sim::{fmt_us, Micros, VecMap};
use crate::trace::Event;
use crate::world::World;

#[derive(Clone, Debug, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PartitionOffsets {
    pub tp: Tp,
    /// The group's committed offset (null: none).
    pub committed: Option<u64>,
    /// Where its consumers read up to: the HW, or the LSO for read_committed.
    pub end_offset: u64,
    pub lag: u64,
}

#[derive(Clone, Debug, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct MemberReport {
    pub consumer: String,
    pub member_id: String,
    pub group_instance_id: Option<String>,
    pub assignment: Vec<Tp>,
}

#[derive(Clone, Debug, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct GroupReport {
    /// classic or consumer (KIP-848).
    #[cfg_attr(test, ts(type = "\"classic\" | \"consumer\""))]
    pub protocol: String,
    /// The assignor the last generation chose.
    pub assignor: Option<&'static str>,
    #[cfg_attr(test, ts(type = "\"Empty\" | \"PreparingRebalance\" | \"CompletingRebalance\" | \"Stable\""))]
    pub state: String,
    pub generation: i32,
    pub leader: Option<String>,
    pub members: Vec<MemberReport>,
    /// Consumer → partitions, as the group's final assignment has it.
    pub assignment: VecMap<String, Vec<Tp>>,
    pub rebalances: Vec<RebalanceRec>,
    pub offsets: Vec<PartitionOffsets>,
    /// Total lag over the group's partitions.
    pub lag: u64,
    pub processed: u64,
    pub reprocessed: u64,
    pub skipped: u64,
    /// Of `skipped`, the records retention deleted before the group read them.
    pub skipped_deleted: u64,
}

pub struct GroupVerdicts {
    pub groups: VecMap<String, GroupReport>,
    pub reprocessed: u64,
    pub skipped: u64,
    pub explanations: Vec<Explanation>,
}

pub fn judge_groups(world: &World) -> GroupVerdicts {
    let sc = &world.scenario;
    let log = world.groups.borrow();
    let mut out = GroupVerdicts { groups: VecMap::new(), reprocessed: 0, skipped: 0, explanations: Vec::new() };
    let mut names: Vec<&str> = sc.consumers.iter().filter_map(|c| c.config.group_id.as_deref()).collect();
    crate::sim::sort::sort(&mut names);
    names.dedup();
    for gname in names {
        let members: Vec<usize> =
            (0..sc.consumers.len()).filter(|&i| sc.consumers[i].config.group_id.as_deref() == Some(gname)).collect();
        let Some(g) = log.group(gname) else { continue };
        let iso = sc.consumers[members[0]].config.isolation_level;
        let processed: Vec<&crate::history::ProcessedRec> =
            world.history.processed.iter().filter(|p| members.contains(&(p.consumer as usize))).collect();
        // Reprocessed: records processed more than once.
        let mut by_record: VecMap<u32, Vec<usize>> = VecMap::new();
        for (k, p) in processed.iter().enumerate() {
            by_record.entry(p.record).or_default().push(k);
        }
        let mut reprocessed = 0u64;
        let mut reprocessed_ids = Vec::new();
        for (rid, ks) in by_record.iter() {
            if ks.len() > 1 {
                reprocessed += 1;
                reprocessed_ids.push((*rid, ks.clone()));
            }
        }
        // Skipped: below the committed offset, never processed.
        let mut skipped_ids: Vec<(u32, Tp, u64)> = Vec::new();
        let mut deleted_ids: Vec<u32> = Vec::new();
        let mut offsets = Vec::new();
        let mut tps: Vec<Tp> = g.committed.keys().copied().collect();
        for c in &members {
            for tp in &world.consumers[*c].client.assignment {
                if !tps.contains(tp) {
                    tps.push(*tp);
                }
            }
        }
        crate::sim::sort::sort(&mut tps);
        for &tp in &tps {
            let committed = g.committed.get(&tp).copied();
            let Some((r, end)) = world.view().final_log(tp, iso) else { continue };
            offsets.push(PartitionOffsets {
                tp,
                committed,
                end_offset: end,
                lag: end.saturating_sub(committed.unwrap_or(0)),
            });
            let Some(c) = committed else { continue };
            let mut below: Vec<(u32, u64)> = Vec::new();
            for b in crate::consumer::visible(r, r.log.log_start_offset, iso) {
                for (rid, off) in b.data.record_offsets(b.base_offset) {
                    if off < c {
                        below.push((rid, off));
                    }
                }
            }
            for gone in &r.log.gone {
                if gone.2 == crate::broker::log::GoneBy::Retention && gone.1 < c {
                    below.push((gone.0, gone.1));
                    if !by_record.contains_key(&gone.0) {
                        deleted_ids.push(gone.0);
                    }
                }
            }
            for (rid, off) in below {
                if !by_record.contains_key(&rid) {
                    skipped_ids.push((rid, tp, off));
                }
            }
        }
        crate::sim::sort::sort(&mut skipped_ids);
        skipped_ids.dedup_by_key(|s| s.0);
        crate::sim::sort::sort(&mut deleted_ids);
        deleted_ids.dedup();
        explain_reprocessed(world, g, &processed, &reprocessed_ids, &mut out.explanations);
        explain_skipped(world, gname, &skipped_ids, &deleted_ids, &mut out.explanations);
        let name_of = |n: crate::sim::NodeId| world.names.node(n);
        let report = GroupReport {
            protocol: if g.modern { "consumer" } else { "classic" }.into(),
            assignor: if g.modern {
                g.rebalances.iter().rev().find_map(|r| r.protocol)
            } else {
                g.protocol.map(crate::config::AssignorKind::name)
            },
            state: format!("{:?}", g.state),
            generation: g.generation,
            leader: g.leader.as_ref().and_then(|l| g.members.iter().find(|m| m.id == *l)).map(|m| name_of(m.client)),
            members: g
                .members
                .iter()
                .map(|m| MemberReport {
                    consumer: name_of(m.client),
                    member_id: m.id.to_string(),
                    group_instance_id: m.instance_id.as_deref().map(str::to_string),
                    assignment: m.assignment.clone(),
                })
                .collect(),
            assignment: g.members.iter().map(|m| (name_of(m.client), m.assignment.clone())).collect(),
            rebalances: g.rebalances.clone(),
            lag: offsets.iter().map(|o| o.lag).sum(),
            offsets,
            processed: processed.len() as u64,
            reprocessed,
            skipped: skipped_ids.len() as u64,
            skipped_deleted: deleted_ids.len() as u64,
        };
        out.reprocessed += reprocessed;
        out.skipped += skipped_ids.len() as u64;
        out.groups.insert(gname.to_string(), report);
    }
    out
}

/// The last commit of `tp` by the group at or before `t` (from the trace): the offset and
/// when it was committed (with `first_time`, when that same offset was first committed).
pub(super) fn committed_at(world: &World, group: &str, tp: Tp, t: Micros, first_time: bool) -> Option<(u64, Micros)> {
    let mut last: Option<(u64, Micros)> = None;
    for e in world.trace.entries() {
        if e.at_us > t {
            break;
        }
        if let Event::OffsetsCommitted { group: g, offsets, .. } = &e.event {
            if g == group {
                if let Some((_, o)) = offsets.iter().find(|(x, _)| *x == tp) {
                    if !first_time || last.is_none_or(|(l, _)| l != *o) {
                        last = Some((*o, e.at_us));
                    }
                }
            }
        }
    }
    last
}

fn explain_reprocessed(
    world: &World,
    g: &Group,
    processed: &[&crate::history::ProcessedRec],
    ids: &[(u32, Vec<usize>)],
    out: &mut Vec<Explanation>,
) {
    // One explanation per (first processor, second processor, partition, rebalance).
    // (first processor, second processor, partition, generation) → records, text.
    type Key = (u16, u16, Tp, i32);
    let mut groups: Vec<(Key, Vec<u32>, String)> = Vec::new();
    for (rid, ks) in ids {
        let (a, b) = (processed[ks[0]], processed[ks[1]]);
        let key = (a.consumer, b.consumer, a.tp, b.generation);
        if let Some(e) = groups.iter_mut().find(|e| e.0 == key) {
            e.1.push(*rid);
            continue;
        }
        let who = |c: u16| world.scenario.consumers[c as usize].name.clone();
        let commit = match committed_at(world, &g.id, a.tp, b.polled_us, false) {
            Some((o, t)) if o > a.offset => format!("committed past it at {}", fmt_us(t)),
            Some((o, t)) => format!(
                "committed? no: the last commit of {} before {} was offset {o} at {}",
                a.tp.name(&world.names),
                fmt_us(b.polled_us),
                fmt_us(t)
            ),
            None => {
                format!(
                    "committed? no: nothing of {} was committed before {}",
                    a.tp.name(&world.names),
                    fmt_us(b.polled_us)
                )
            }
        };
        let cause =
            rebalance_between(world, a.consumer, a.at_us, b.polled_us).map(|r| format!("; {r}")).unwrap_or_default();
        let resumed = resumed_from(world, b.consumer, a.tp, b.polled_us)
            .map(|(o, from)| format!(", which resumed {} from offset {o} ({from})", a.tp.name(&world.names)))
            .unwrap_or_default();
        let text = format!(
            "§R §was processed by {} at {} (generation {}), {commit}{cause}; {} got the partition{resumed} and processed §them again at {}.",
            who(a.consumer),
            fmt_us(a.at_us),
            a.generation,
            who(b.consumer),
            fmt_us(b.at_us),
        );
        groups.push((key, vec![*rid], text));
    }
    for (_, records, text) in groups {
        let text = super::explain::fill(&text, &records);
        out.push(Explanation { kind: "reprocessed".into(), records, text });
    }
}

/// What took the first consumer's partitions away between `from` and `to`.
fn rebalance_between(world: &World, consumer: u16, from: Micros, to: Micros) -> Option<String> {
    let node = world.consumers[consumer as usize].client.node;
    let name = &world.scenario.consumers[consumer as usize].name;
    for e in world.trace.entries() {
        if e.at_us < from || e.at_us > to {
            continue;
        }
        let at = fmt_us(e.at_us);
        match &e.event {
            Event::ConsumerCrashed { consumer: c, .. } if *c == node => return Some(format!("{name} crashed at {at}")),
            Event::PollTimeout { consumer: c, max_poll_interval_ms } if *c == node => {
                return Some(format!(
                    "{name} did not poll within max.poll.interval.ms={max_poll_interval_ms} and left the group at {at}"
                ))
            }
            Event::MemberRemoved { consumer: c, reason, .. } if *c == node => {
                return Some(format!("the coordinator removed {name} at {at} ({reason})"))
            }
            Event::PartitionsRevoked { consumer: c, .. } if *c == node => {
                return Some(format!("a rebalance revoked {name}'s partitions at {at}"))
            }
            Event::PartitionsLost { consumer: c, reason, .. } if *c == node => {
                return Some(format!("{name} lost its partitions at {at} ({reason})"))
            }
            _ => {}
        }
    }
    None
}

/// Where `consumer` set its position of `tp` last before `t`.
fn resumed_from(world: &World, consumer: u16, tp: Tp, t: Micros) -> Option<(u64, &'static str)> {
    let node = world.consumers[consumer as usize].client.node;
    let mut last = None;
    for e in world.trace.entries() {
        if e.at_us > t {
            break;
        }
        if let Event::PositionSet { consumer: c, tp: x, offset, from } = &e.event {
            if *c == node && *x == tp {
                last = Some((*offset, *from));
            }
        }
    }
    last
}

fn explain_skipped(world: &World, group: &str, ids: &[(u32, Tp, u64)], deleted: &[u32], out: &mut Vec<Explanation>) {
    // Records retention deleted unread, and the rest, explained apart.
    let mut by_tp: VecMap<(Tp, bool), Vec<u32>> = VecMap::new();
    for (rid, tp, _) in ids {
        by_tp.entry((*tp, deleted.binary_search(rid).is_ok())).or_default().push(*rid);
    }
    for ((tp, by_retention), records) in by_tp {
        let tp_name = tp.name(&world.names);
        if by_retention {
            let cfg = &world.spec.topic_cfgs[tp.topic as usize];
            let text = format!(
                "§R §was never processed by group {group}: retention deleted §them from {tp_name} (retention.ms={}, retention.bytes={}) before the group's position reached §them; its next fetch got OFFSET_OUT_OF_RANGE and auto.offset.reset moved it on. Skipped by design, as for any reader that falls that far behind.",
                cfg.retention_ms, cfg.retention_bytes
            );
            let text = super::explain::fill(&text, &records);
            out.push(Explanation { kind: "skipped".into(), records, text });
            continue;
        }
        let reset = world.trace.entries().iter().find_map(|e| match &e.event {
            Event::PositionSet { tp: x, offset, from: "latest", .. } if *x == tp => {
                Some(format!("a member with no committed offset started {tp_name} at the latest offset {offset} (auto.offset.reset=latest)"))
            }
            _ => None,
        });
        let why = reset.unwrap_or_else(|| {
            format!("group {group} committed a position past §them while no member had processed §them (a commit of records still being processed, or a reset)")
        });
        let text = format!(
            "§R §was never processed by group {group}, yet its committed offset of {tp_name} passed §them: {why}."
        );
        let text = super::explain::fill(&text, &records);
        out.push(Explanation { kind: "skipped".into(), records, text });
    }
}
