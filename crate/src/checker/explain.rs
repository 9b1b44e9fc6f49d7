//! Plain-language explanations: for each anomaly, the chain of events that caused it,
//! read from the trace and grouped by the batch that carried the records.
//!
//! "records 120–131 were acknowledged by broker-1 with acks=1 at offsets 120–131 (2.1s)
//! → broker-1 crashed (process) at 3s → broker-2 was elected leader (epoch 1) at 12s →
//! broker-1 truncated offsets 120–131 when it rejoined at 14s".

use crate::sim::VecMap;

use super::verdicts;
use super::Judgement;
use crate::history::Outcome;
use crate::protocol::ClientError;
use crate::protocol::Tp;
use crate::report::Explanation;
use crate::sim::{fmt_us, Micros, NodeId};
use crate::trace::{CrashKind, ElectionKind, Entry, Event, ExpiredIn};
use crate::world::World;

/// `3–7, 12, 15–16`
pub fn ranges(ids: &[u32]) -> String {
    let mut v: Vec<u32> = ids.to_vec();
    v.sort_unstable();
    v.dedup();
    let mut out = Vec::new();
    let mut i = 0;
    while i < v.len() {
        let start = v[i];
        let mut end = start;
        while i + 1 < v.len() && v[i + 1] == end + 1 {
            i += 1;
            end = v[i];
        }
        out.push(if start == end { start.to_string() } else { format!("{start}–{end}") });
        i += 1;
    }
    out.join(", ")
}

fn records_phrase(ids: &[u32]) -> String {
    if ids.len() == 1 {
        format!("record {}", ranges(ids))
    } else {
        format!("records {}", ranges(ids))
    }
}

/// Templates name their records with placeholders, filled in once groups are merged:
/// `§R` (record 3 / records 3–7), `§was` (was/were), `§them` (it/them).
pub(crate) fn fill(template: &str, ids: &[u32]) -> String {
    let (was, them) = if ids.len() == 1 { ("was", "it") } else { ("were", "them") };
    template.replace("§R", &records_phrase(ids)).replace("§was", was).replace("§them", them)
}

fn cause_name(c: crate::sim::DropCause) -> &'static str {
    use crate::sim::DropCause::*;
    match c {
        DropRule => "drop rule",
        Cut => "cut",
        Isolated => "isolated",
        Loss => "random loss",
        Stalled => "connection stalled after an earlier loss",
        GaveUp => "TCP gave up retransmitting",
        TimedOut => "its request timed out and the client closed the connection",
    }
}

/// What the trace says about one producer batch.
#[derive(Default)]
struct BatchStory {
    tp: Option<Tp>,
    producer: Option<NodeId>,
    /// (time, broker, base offset)
    appends: Vec<(Micros, NodeId, u64)>,
    /// (time, broker, base offset the duplicate answered)
    dedups: Vec<(Micros, NodeId, u64)>,
    /// (time, corr, broker)
    requests: Vec<(Micros, u32, NodeId)>,
    /// (time, error, attempt)
    retries: Vec<(Micros, String, u32)>,
    expired: Option<(Micros, ExpiredIn)>,
    failed: Option<(Micros, String)>,
    acked: Option<(Micros, i64)>,
    rejected: Vec<(Micros, NodeId, String)>,
    /// A request carrying it was delayed: (sent, arrived).
    delayed: Option<(Micros, Micros)>,
}

struct Index<'a> {
    batches: VecMap<u32, BatchStory>,
    /// (producer node, corr) → what happened to the response
    response_fate: VecMap<(NodeId, u32), String>,
    truncations: Vec<&'a Entry>,
    crashes: Vec<&'a Entry>,
    elections: Vec<&'a Entry>,
    /// (broker, paused at, resumes at).
    pauses: Vec<(NodeId, u64, u64)>,
    acks_by_producer: VecMap<NodeId, String>,
    names: &'a crate::sim::NameTable,
}

fn index<'a>(world: &'a World, trace: &'a [Entry]) -> Index<'a> {
    let mut ix = Index {
        batches: VecMap::new(),
        response_fate: VecMap::new(),
        truncations: Vec::new(),
        crashes: Vec::new(),
        elections: Vec::new(),
        pauses: Vec::new(),
        acks_by_producer: VecMap::new(),
        names: &world.names,
    };
    for p in &world.producers {
        ix.acks_by_producer.insert(p.node, format!("acks={}", p.cfg.acks.name()));
    }
    for e in trace {
        let t = e.at_us;
        match &e.event {
            Event::Appended { broker, tp, batch, base_offset, .. } => {
                let s = ix.batches.entry(*batch).or_default();
                s.tp = Some(*tp);
                s.appends.push((t, *broker, *base_offset));
            }
            Event::DuplicateBatch { broker, batch, base_offset, .. } => {
                ix.batches.entry(*batch).or_default().dedups.push((t, *broker, *base_offset))
            }
            Event::RequestSent { from, to, api: "Produce", corr, batches } => {
                for b in batches {
                    let s = ix.batches.entry(*b).or_default();
                    s.producer = Some(*from);
                    s.requests.push((t, *corr, *to));
                }
            }
            Event::BatchRetried { batch, error, attempt, .. } => {
                ix.batches.entry(*batch).or_default().retries.push((t, error.name().to_string(), *attempt))
            }
            Event::BatchExpired { batch, r#in, .. } => ix.batches.entry(*batch).or_default().expired = Some((t, *r#in)),
            Event::BatchFailed { batch, error, .. } => {
                ix.batches.entry(*batch).or_default().failed = Some((t, error.0.exception().to_string()))
            }
            Event::BatchAcked { batch, base_offset, .. } => {
                ix.batches.entry(*batch).or_default().acked = Some((t, *base_offset))
            }
            Event::ProduceRejected { broker, batch, error, .. } => {
                ix.batches.entry(*batch).or_default().rejected.push((t, *broker, error.name().to_string()))
            }
            Event::MessageDelayed { from, api: "Produce", corr: Some(c), arrives_us, .. } => {
                let carried: Vec<u32> = ix
                    .batches
                    .iter()
                    .filter(|(_, s)| s.producer == Some(*from) && s.requests.iter().any(|r| r.1 == *c))
                    .map(|(b, _)| *b)
                    .collect();
                for b in carried {
                    ix.batches.entry(b).or_default().delayed = Some((t, *arrives_us));
                }
            }
            Event::MessageDropped { from, to, api: "Produce", corr: Some(c), cause } => {
                // A dropped response (broker → producer) or request (producer → broker).
                let key = if from.0 as usize <= world.brokers.len() { (*to, *c) } else { (*from, *c) };
                let what = if from.0 as usize <= world.brokers.len() { "the response" } else { "the request" };
                let (from, to) = (world.names.node(*from), world.names.node(*to));
                ix.response_fate
                    .insert(key, format!("{what} was lost ({from} → {to}, {}) at {}", cause_name(*cause), fmt_us(t)));
            }
            Event::RequestTimedOut { from, corr, to } => {
                ix.response_fate
                    .entry((*from, *corr))
                    .or_insert_with(|| format!("no answer from {}", world.names.node(*to)));
                let v = ix.response_fate.get_mut(&(*from, *corr)).expect("inserted");
                v.push_str(&format!("; the request timed out at {} (request.timeout.ms)", fmt_us(t)));
            }
            Event::Truncated { .. } => ix.truncations.push(e),
            Event::Paused { broker, until_us } => ix.pauses.push((*broker, t, *until_us)),
            Event::Crashed { .. } => ix.crashes.push(e),
            Event::LeaderElected { .. } | Event::PartitionOffline { .. } => ix.elections.push(e),
            _ => {}
        }
    }
    ix
}

#[cfg(test)]
fn offsets(base: u64, n: usize) -> String {
    if n <= 1 {
        format!("offset {base}")
    } else {
        format!("offsets {base}–{}", base + n as u64 - 1)
    }
}

/// Every batch in the final logs (read-uncommitted) that holds `record`:
/// (producer batch id, producer id, offset).
fn copies_of(world: &World, record: u32) -> Vec<(u32, i64, u64)> {
    let mut out = Vec::new();
    for (tp, _) in world.controller.image.partitions() {
        let Some((replica, _)) = super::final_replica(world, tp, crate::config::IsolationLevel::ReadUncommitted) else {
            continue;
        };
        for e in &replica.log.entries {
            if let Some(i) = e.batch.data.records.iter().position(|&r| r == record) {
                out.push((e.batch.data.batch_id, e.batch.data.producer_id, e.batch.base_offset + i as u64));
            }
        }
    }
    out
}

/// Every explanation for the run, anomalies first.
pub fn explain(world: &World, j: &Judgement) -> Vec<Explanation> {
    let trace = world.trace.entries();
    let ix = index(world, trace);
    let h = &world.history;
    // Group anomalous records by (kind, batch), failed ones by their error too (sends that
    // failed in send() itself have no batch).
    let mut groups: VecMap<(&'static str, u32, Option<ClientError>), Vec<u32>> = VecMap::new();
    for (id, rec) in h.records.iter().enumerate() {
        let kind = if verdicts::is_lost(h, j, id) {
            Some("lost")
        } else if verdicts::is_phantom(h, j, id) {
            Some("phantom")
        } else if j.copies[id] > 1 {
            Some("duplicated")
        } else if j.reordered[id] {
            Some("reordered")
        } else if j.aborted[id] && j.copies[id] == 0 {
            Some("aborted")
        } else if j.deleted[id] && j.copies[id] == 0 {
            Some("deleted")
        } else if j.compacted[id] && j.copies[id] == 0 {
            Some("compacted")
        } else if matches!(rec.outcome, Outcome::Failed(_)) {
            Some("failed")
        } else if rec.outcome == Outcome::Pending && j.copies[id] == 0 {
            Some("pending")
        } else {
            None
        };
        if let Some(k) = kind {
            let err = match rec.outcome {
                Outcome::Failed(e) if k == "failed" => Some(e),
                _ => None,
            };
            groups.entry((k, rec.batch, err)).or_default().push(id as u32);
        }
    }
    let mut out = Vec::new();
    let mut spans: Vec<Option<Span>> = Vec::new();
    let mut gone: Option<GoneIndex> = None;
    for ((kind, batch, _), ids) in groups {
        let story = ix.batches.get(&batch);
        let append =
            if kind == "lost" { story.and_then(|s| s.appends.first()) } else { story.and_then(|s| s.appends.last()) };
        spans.push(append.map(|(t, _, off)| Span {
            first_offset: *off,
            last_offset: *off + ids.len() as u64 - 1,
            first_us: *t,
            last_us: *t,
        }));
        let text = match kind {
            "lost" => explain_lost(world, &ix, &ids, batch, story),
            "duplicated" => explain_duplicated(world, &ix, &ids, batch, story),
            "reordered" => {
                let producer = world.history.records[ids[0] as usize].producer as usize;
                let idempotent = world.scenario.producers.get(producer).is_some_and(|p| p.config.enable_idempotence);
                explain_reordered(&world.names, story, idempotent)
            }
            "phantom" => explain_phantom(&world.names, batch, story),
            "aborted" => explain_aborted(world, &ids),
            "deleted" => explain_deleted(world, gone.get_or_insert_with(|| GoneIndex::build(world)), &ids),
            "compacted" => explain_compacted(world, gone.get_or_insert_with(|| GoneIndex::build(world)), &ids),
            "failed" => explain_failed(world, &ids, batch, story),
            _ => format!("§R had no result when the run ended at {}.", fmt_us(world.now)),
        };
        out.push(Explanation { kind: kind.to_string(), records: ids, text });
    }
    let mut out = merge_alike(out, spans);
    out.extend(explain_dedups(&ix, world));
    out
}

/// Why a leader appended after it had been replaced: it was paused (a GC pause) and did
/// not know of the election that happened meanwhile.
fn zombie_append(ix: &Index, leader: Option<NodeId>, tp: Option<Tp>, at: u64) -> Option<String> {
    let &(broker, from, until) = ix.pauses.iter().find(|p| Some(p.0) == leader && p.1 <= at && at <= p.2)?;
    let elected = ix.elections.iter().filter(|e| (from..=at).contains(&e.at_us)).find_map(|e| match &e.event {
        Event::LeaderElected { tp: etp, leader, leader_epoch, .. } if Some(*etp) == tp => Some(format!(
            " and broker-{leader} had been elected in its place (epoch {leader_epoch}) at {}",
            fmt_us(e.at_us)
        )),
        _ => None,
    })?;
    let broker = ix.names.node(broker);
    Some(format!(
        "{broker} had been paused from {} to {} (a GC pause){elected}: it appended §them as a zombie leader",
        fmt_us(from),
        fmt_us(until)
    ))
}

fn first_append_phrase(ix: &Index, story: &BatchStory) -> String {
    let acks = story.producer.and_then(|p| ix.acks_by_producer.get(&p)).cloned().unwrap_or_default();
    match story.appends.first() {
        Some((_, b, _)) => {
            format!("{} appended §them §AT and the producer was told success ({acks})", ix.names.node(*b))
        }
        None => format!("acknowledged with {acks} but never appended by a broker (the request was lost on the way)"),
    }
}

fn explain_lost(world: &World, ix: &Index, ids: &[u32], batch: u32, story: Option<&BatchStory>) -> String {
    let Some(s) = story else {
        return "§R: acknowledged but not in the final log.".to_string();
    };
    let mut chain = vec![format!("§R: {}", first_append_phrase(ix, s))];
    let after = s.appends.first().map_or(0, |a| a.0);
    let leader = s.appends.first().map(|a| a.1);
    let tp = s.tp;
    chain.extend(zombie_append(ix, leader, tp, after));
    for e in ix.crashes.iter().filter(|e| e.at_us >= after) {
        if let Event::Crashed { broker, mode, lost } = &e.event {
            if Some(*broker) == leader {
                let kind = match mode {
                    CrashKind::Process => "crashed (process; its page cache survived)".to_string(),
                    CrashKind::Power => {
                        let gone = lost
                            .iter()
                            .find(|l| Some(l.0) == tp)
                            .map(|l| format!(", losing unflushed offsets {}–{}", l.1, l.2.saturating_sub(1)));
                        format!("lost power{}", gone.unwrap_or_default())
                    }
                };
                chain.push(format!("{} {kind} at {}", ix.names.node(*broker), fmt_us(e.at_us)));
                break;
            }
        }
    }
    for e in ix.elections.iter().filter(|e| e.at_us >= after) {
        match &e.event {
            Event::LeaderElected { tp: etp, leader: l, leader_epoch, kind, .. } if Some(*etp) == tp => {
                let t = fmt_us(e.at_us);
                chain.push(match kind {
                    ElectionKind::Unclean => format!(
                        "broker-{l}, which did not have §them, was elected leader (epoch {leader_epoch}) at {t} by an unclean election (unclean.leader.election.enable=true)"
                    ),
                    ElectionKind::Preferred => {
                        format!("broker-{l} became leader again as preferred replica (epoch {leader_epoch}) at {t}")
                    }
                    ElectionKind::Clean => format!("broker-{l} was elected leader from the ISR (epoch {leader_epoch}) at {t}"),
                    ElectionKind::Elr => format!(
                        "broker-{l} was elected leader from the eligible leader replicas (the ISR was empty; KIP-966) (epoch {leader_epoch}) at {t}"
                    ),
                    ElectionKind::LastKnownLeader => format!(
                        "broker-{l}, the last known leader, was elected with the ISR and ELR empty (KIP-966) (epoch {leader_epoch}) at {t}"
                    ),
                });
            }
            Event::PartitionOffline { tp: etp, .. } if Some(*etp) == tp => {
                chain.push(format!("the partition went offline at {}", fmt_us(e.at_us)))
            }
            _ => {}
        }
    }
    for e in &ix.truncations {
        if let Event::Truncated { broker, from_offset, to_offset, records, .. } = &e.event {
            if ids.iter().any(|r| records.contains(r)) {
                chain.push(format!(
                    "{} truncated offsets {}–{} at {} to match the new leader",
                    ix.names.node(*broker),
                    from_offset,
                    to_offset.saturating_sub(1),
                    fmt_us(e.at_us)
                ));
            }
        }
    }
    if chain.len() == 1 && !s.appends.is_empty() {
        chain.push(format!("not in the final log of {}", final_leader_name(world, tp)));
    }
    let _ = batch;
    chain.join(" → ")
}

fn final_leader_name(world: &World, tp: Option<Tp>) -> String {
    tp.and_then(|tp| world.controller.image.leader(tp)).map_or("the partition".into(), |l| format!("broker-{l}"))
}

fn attempt_fates(ix: &Index, s: &BatchStory) -> Vec<String> {
    let mut out = Vec::new();
    for (i, (t, corr, broker)) in s.requests.iter().enumerate() {
        let next_t = s.requests.get(i + 1).map_or(Micros::MAX, |r| r.0);
        let written = s.appends.iter().find(|a| a.0 >= *t && a.0 < next_t && a.1 == *broker);
        let mut line = format!("attempt {} (request {corr} to {} at {})", i + 1, ix.names.node(*broker), fmt_us(*t));
        match written {
            Some((_, _, off)) => line.push_str(&format!(" was written at offset {off}")),
            None => line.push_str(" was not written"),
        }
        if let Some(p) = s.producer {
            if let Some(fate) = ix.response_fate.get(&(p, *corr)) {
                line.push_str(&format!(", but {fate}"));
            }
        }
        if let Some((_, err, _)) = s.retries.iter().find(|r| r.0 >= *t && r.0 < next_t) {
            line.push_str(&format!("; retried after {err}"));
        }
        out.push(line);
    }
    out
}

fn explain_duplicated(world: &World, ix: &Index, ids: &[u32], batch: u32, story: Option<&BatchStory>) -> String {
    let copies = copies_of(world, ids[0]);
    let pids: crate::sim::VecSet<i64> = copies.iter().map(|c| c.1).collect();
    if pids.len() > 1 || copies.iter().any(|c| c.0 != batch) {
        // Written by different batches: a resend by a new producer session.
        let restarts = world.trace.entries().iter().filter(|e| matches!(e.event, Event::AppRestarted { .. })).count();
        let list: Vec<String> = copies
            .iter()
            .map(|(b, pid, off)| {
                if *pid >= 0 {
                    format!("offset {off} (batch {b}, producer id {pid})")
                } else {
                    format!("offset {off} (batch {b})")
                }
            })
            .collect();
        let why = if restarts > 0 && pids.len() > 1 {
            "the application restarted and sent §them again: a new process has a new producer id and sequences \
             starting at 0, so the broker cannot recognise the resend; idempotence only deduplicates within one \
             producer session"
        } else {
            "the application sent §them again"
        };
        return format!("§R §was written {} times, at {}: {why}.", copies.len(), list.join(" and "));
    }
    let Some(s) = story else { return "§R appear more than once in the final log.".to_string() };
    let n = s.appends.len();
    let mut text = format!("§R (batch {batch}) §was written {n} times: ");
    text.push_str(&attempt_fates(ix, s).join(" → "));
    let producer = world.history.records[ids[0] as usize].producer as usize;
    let idempotent = world.scenario.producers.get(producer).is_some_and(|p| p.config.enable_idempotence);
    // An idempotent producer's retry is a duplicate only if it went out under another
    // epoch: the producer bumped it between the attempts and numbered its batches anew.
    let first = s.requests.first().map_or(0, |r| r.0);
    let last = s.requests.last().map_or(0, |r| r.0);
    let bump = s.producer.and_then(|node| {
        world.trace.entries().iter().find_map(|e| match &e.event {
            Event::EpochBumped { producer, producer_epoch, reason, .. }
                if *producer == node && e.at_us >= first && e.at_us <= last =>
            {
                Some((e.at_us, *producer_epoch, reason.clone()))
            }
            _ => None,
        })
    });
    match (idempotent, bump) {
        (true, Some((t, epoch, reason))) => text.push_str(&format!(
            ". Between the attempts the producer bumped its epoch to {epoch} at {} ({reason}) and numbered its \
             batches from sequence 0 again, so the broker took the retry for a new batch: idempotence \
             recognises a retry only under the same epoch and sequence.",
            fmt_us(t)
        )),
        (true, None) => text.push_str(
            ". The broker did not recognise the retry as one: idempotence recognises a retry only under the same \
             epoch and sequence, among the last five batches it wrote for the producer.",
        ),
        (false, _) => text.push_str(". Without idempotence the broker cannot tell a retry from a new batch."),
    }
    text
}

/// Why a transaction was aborted: by the application, its timeout, or a new instance.
fn explain_aborted(world: &World, ids: &[u32]) -> String {
    let pid = copies_of(world, ids[0]).first().map(|c| c.1);
    let mut cause = "the application called abortTransaction()".to_string();
    for e in world.trace.entries() {
        match &e.event {
            Event::TxnTimedOut { producer_id, transactional_id } if Some(*producer_id) == pid => {
                cause = format!(
                    "the coordinator aborted it at {} because it stayed open longer than transaction.timeout.ms \
                     (transactional.id {transactional_id}), and bumped the epoch, fencing the producer",
                    fmt_us(e.at_us)
                );
                break;
            }
            Event::TxnAbortedByCoordinator { producer_id, reason, .. } if Some(*producer_id) == pid => {
                cause = format!("the coordinator aborted it at {}: {reason}", fmt_us(e.at_us));
                break;
            }
            _ => {}
        }
    }
    format!("§R §was written inside a transaction that was aborted ({cause}); read_committed consumers skip §them.")
}

/// Where a removed record sat: (topic-partition, offset), from a replica's log.
/// What the explanations of deleted and compacted records look up, built once per run:
/// where each removed record sat, the retention and cleaner events, and each key's
/// highest acknowledged offset per partition.
struct GoneIndex {
    at: Vec<Option<(Tp, u64)>>,
    deletions: Vec<(u64, NodeId, Tp, crate::trace::DeletionReason, u64, u64)>,
    cleanings: Vec<(u64, NodeId, Tp, u64, u32)>,
    /// ((topic, partition, key), highest acknowledged offset), sorted.
    key_max: Vec<((u16, u32, u64), i64)>,
}

impl GoneIndex {
    fn build(world: &World) -> GoneIndex {
        let mut at = vec![None; world.history.records.len()];
        for (_, tp, r) in world.view().all_replicas() {
            for g in &r.log.gone {
                if let Some(slot) = at.get_mut(g.0 as usize) {
                    slot.get_or_insert((tp, g.1));
                }
            }
        }
        let mut deletions = Vec::new();
        let mut cleanings = Vec::new();
        for e in world.trace.entries() {
            match &e.event {
                Event::SegmentsDeleted { broker, tp, reason, from_offset, log_start_offset, .. } => {
                    deletions.push((e.at_us, *broker, *tp, *reason, *from_offset, *log_start_offset));
                }
                Event::LogCleaned { broker, tp, end_offset, tombstones_removed, .. } => {
                    cleanings.push((e.at_us, *broker, *tp, *end_offset, *tombstones_removed));
                }
                _ => {}
            }
        }
        let mut key_max: Vec<((u16, u32, u64), i64)> = world
            .history
            .records
            .iter()
            .filter_map(|r| match (r.key, r.outcome) {
                (Some(k), Outcome::Acked { offset }) => Some(((r.topic, r.partition, k), offset)),
                _ => None,
            })
            .collect();
        key_max.sort_unstable();
        key_max.dedup_by(|later, kept| {
            if later.0 == kept.0 {
                kept.1 = kept.1.max(later.1);
                true
            } else {
                false
            }
        });
        GoneIndex { at, deletions, cleanings, key_max }
    }

    fn key_max(&self, topic: u16, partition: u32, key: u64) -> Option<i64> {
        let k = (topic, partition, key);
        self.key_max.binary_search_by_key(&k, |e| e.0).ok().map(|i| self.key_max[i].1)
    }
}

fn explain_deleted(world: &World, gi: &GoneIndex, ids: &[u32]) -> String {
    let Some((tp, offset)) = gi.at.get(ids[0] as usize).copied().flatten() else {
        return "§R §was deleted by retention (below the log start offset).".to_string();
    };
    let cfg = &world.spec.topic_cfgs[tp.topic as usize];
    let first = gi.deletions.iter().find(|d| d.2 == tp && d.4 <= offset && offset < d.5).map(|d| (d.0, d.1, d.3, d.5));
    let Some((at, broker, reason, start)) = first else {
        let tp = world.names.partition(tp.topic, tp.partition);
        return format!("§R §was below the log start offset of {tp} (retention deleted its segment); not lost.");
    };
    let why = match reason {
        crate::trace::DeletionReason::RetentionMs => {
            format!("its newest record was older than retention.ms={}", cfg.retention_ms)
        }
        crate::trace::DeletionReason::RetentionBytes => {
            format!("the log was larger than retention.bytes={}", cfg.retention_bytes)
        }
        crate::trace::DeletionReason::LogStartOffset => "it lay below the leader's log start offset".to_string(),
    };
    let tp = world.names.partition(tp.topic, tp.partition);
    format!(
        "§R: the retention task on {} deleted {tp}'s oldest segments at {} ({why}); the log start offset moved to {start}. Deleted by design, not lost: a consumer that had not read §them by then never will.",
        world.names.node(broker),
        fmt_us(at)
    )
}

fn explain_compacted(world: &World, gi: &GoneIndex, ids: &[u32]) -> String {
    let Some((tp, offset)) = gi.at.get(ids[0] as usize).copied().flatten() else {
        return "§R §was removed by the log cleaner.".to_string();
    };
    let rec = &world.history.records[ids[0] as usize];
    let tombstone = rec.shape.value.is_none();
    let mut covering =
        gi.cleanings.iter().filter(|c| c.2 == tp && offset < c.3 && (!tombstone || c.4 > 0)).map(|c| (c.0, c.1));
    // A superseded value went at the first cleaning past it; a tombstone at the last.
    let cleaned = if tombstone { covering.next_back() } else { covering.next() };
    let when = cleaned.map_or(String::new(), |(at, b)| format!(" on {} at {}", world.names.node(b), fmt_us(at)));
    let later = rec.key.and_then(|k| gi.key_max(rec.topic, tp.partition, k)).filter(|&o| o > offset as i64);
    let cfg = &world.spec.topic_cfgs[tp.topic as usize];
    let tp = world.names.partition(tp.topic, tp.partition);
    match (tombstone, later) {
        (true, None) => format!(
            "§R: a tombstone; the log cleaner kept it for delete.retention.ms={} after it first saw it, then removed it{when}. Removed by design, not lost.",
            cfg.delete_retention_ms
        ),
        (_, Some(_)) => format!(
            "§R: the log cleaner{when} compacted {tp}: later records with the same key supersede §them, and compaction keeps only the latest value per key. Removed by design, not lost."
        ),
        (false, None) => format!(
            "§R: the log cleaner{when} compacted {tp} and removed §them (a later tombstone for the key deleted it). Removed by design, not lost."
        ),
    }
}

fn explain_reordered(names: &crate::sim::NameTable, story: Option<&BatchStory>, idempotent: bool) -> String {
    let Some(s) = story else { return "§R landed after records the producer sent later.".to_string() };
    if let Some((sent, arrived)) = s.delayed.filter(|_| s.retries.is_empty()) {
        return format!(
            "§R landed after records the producer sent later: its request, sent at {}, was delayed on the way and reached the broker at {}, after requests sent later, and was written §AT. Without idempotence the broker appends whatever arrives; with it, the later batches would have been refused (OUT_OF_ORDER_SEQUENCE_NUMBER) and retried in sequence order.",
            fmt_us(sent),
            fmt_us(arrived)
        );
    }
    let why = s.retries.first().map_or("failed".to_string(), |(_, e, _)| format!("failed with {e}"));
    let to = s.requests.last().map_or(String::new(), |r| format!(" to {}", names.node(r.2)));
    if let (true, Some((sent, arrived))) = (idempotent, s.delayed) {
        let refused = s.retries.first().map_or("OUT_OF_ORDER_SEQUENCE_NUMBER".to_string(), |(_, e, _)| e.to_string());
        // The delayed request was the producer's first to this partition's leader: the
        // leader had no entry for the producer, and `checkSequence` takes any first
        // sequence from a producer it does not know.
        return format!(
            "§R landed after records the producer sent later: its request, sent at {}, was delayed on the way and \
             reached the broker at {}, after a request sent later had already been written. The leader had no state \
             for this producer yet, and ProducerAppendInfo.checkSequence accepts any first sequence from a producer \
             it has no entry for, so the later batch was written first; the delayed one, now behind its successor's \
             sequence, was refused ({refused}) and the retry{to} was written §AT. Idempotence keeps order only once the \
             leader knows the producer's last sequence.",
            fmt_us(sent),
            fmt_us(arrived)
        );
    }
    if idempotent {
        // The idempotent producer resends in sequence order; the leader that wrote the later
        // batches first had no sequence to check them against.
        return format!(
            "§R landed after records the producer sent later: the first attempt {why}, the retry{to} was written §AT, \
             after batches sent later had already been written. Idempotence keeps order only while the leader knows \
             the producer's last sequence: a leader whose log (and with it the producer state) had lost the \
             producer's earlier batches, after a power loss or an unclean election, accepted the later batches \
             without a gap check."
        );
    }
    format!(
        "§R landed after records the producer sent later: the first attempt {why}, the retry{to} was written §AT, \
         after batches sent later had already been written. Without idempotence a retried batch goes back to the head \
         of its queue (batches failing together are re-queued one by one, the last failed first), and with \
         max.in.flight.requests.per.connection > 1 later batches are not held back."
    )
}

fn explain_phantom(names: &crate::sim::NameTable, batch: u32, story: Option<&BatchStory>) -> String {
    let Some(s) = story else { return "§R failed but §was written anyway.".to_string() };
    let failure = match (&s.expired, &s.failed) {
        (Some((t, ExpiredIn::InFlight)), _) => {
            format!("expired in flight at {} (delivery.timeout.ms) and the callback got TimeoutException", fmt_us(*t))
        }
        (Some((t, ExpiredIn::Accumulator)), _) => format!("expired in the accumulator at {}", fmt_us(*t)),
        (None, Some((t, e))) => format!("failed with {e} at {}", fmt_us(*t)),
        _ => "failed".into(),
    };
    let written = s.appends.first().map_or(String::new(), |(t, b, off)| {
        format!("; yet {} had written §them at offset {off} ({})", names.node(*b), fmt_us(*t))
    });
    format!(
        "§R (batch {batch}) {failure}{written}: the application was told the send failed, but the data is in the log."
    )
}

fn explain_failed(world: &World, ids: &[u32], batch: u32, story: Option<&BatchStory>) -> String {
    let rec = &world.history.records[ids[0] as usize];
    let Outcome::Failed(err) = rec.outcome else { return String::new() };
    let class = err.exception();
    let cause = rec.cause.map(|c| format!(" (last broker answer: {})", c.name())).unwrap_or_default();
    let why = match err {
        ClientError::Timeout => match story.and_then(|s| s.expired) {
            Some((t, ExpiredIn::InFlight)) => {
                format!("delivery.timeout.ms passed at {} while the request was in flight", fmt_us(t))
            }
            Some((t, ExpiredIn::Accumulator)) => match story.map_or(0, |s| s.retries.len()) {
                0 => format!("delivery.timeout.ms passed at {} before the batch could be sent again", fmt_us(t)),
                n => format!(
                    "delivery.timeout.ms passed at {} while the batch waited to be sent again, after {n} retr{}",
                    fmt_us(t),
                    if n == 1 { "y" } else { "ies" }
                ),
            },
            None => "send() waited max.block.ms for metadata".into(),
        },
        ClientError::BufferExhausted => "send() waited max.block.ms for buffer.memory to free up".into(),
        ClientError::RecordTooLarge => "the record is larger than max.request.size or buffer.memory".into(),
        // No batch: send() itself failed, the transaction already in an abortable error
        // whose cause `maybeFailWithError` throws again as such.
        ClientError::Broker(e @ crate::protocol::Error::InvalidProducerEpoch) if batch == 0 => format!(
            "send() failed at once: an earlier batch of the transaction was refused {}, and until the transaction \
             is aborted every send() throws that error again (maybeFailWithError)",
            e.name()
        ),
        ClientError::Broker(e) => match story.map(|s| s.retries.len()).unwrap_or(0) {
            0 => format!("the broker answered {} and the error is not retriable", e.name()),
            n => format!("the broker answered {} after {n} retries", e.name()),
        },
        ClientError::TransactionAborted => "the transaction was aborted before the batch was sent".into(),
        ClientError::ProducerFenced => "a newer producer with the same transactional.id fenced this one".into(),
        ClientError::IllegalState => "send() was called outside a transaction on a transactional producer".into(),
        ClientError::Kafka => {
            let node = world.producers[rec.producer as usize].node;
            let forced = world.trace.entries().iter().any(|e| {
                e.at_us == rec.result_us && matches!(&e.event, Event::Closed { producer, forced: true, .. } if *producer == node)
            });
            if forced {
                "close() ran out of its timeout and forced the close (\"Producer is closed forcefully.\")".into()
            } else {
                "the producer was already in an error state: an earlier failure in the transaction (a send() or a \
                 batch that failed) left it able only to abort"
                    .into()
            }
        }
        ClientError::CommitFailed => {
            "the transaction's consumer offsets were refused: the group had moved to a newer generation".into()
        }
        ClientError::IllegalArgument => {
            "send() threw it: a new batch needs max(batch.size, the record's size) bytes, more than all of buffer.memory"
                .into()
        }
    };
    let b = if batch > 0 { format!(" (batch {batch})") } else { String::new() };
    format!("§R{b} failed with {class}{cause}: {why}.")
}

/// Where and when a group's records were appended, for `§AT`.
#[derive(Clone, Copy)]
struct Span {
    first_offset: u64,
    last_offset: u64,
    first_us: Micros,
    last_us: Micros,
}

impl Span {
    fn join(self, o: Span) -> Span {
        Span {
            first_offset: self.first_offset.min(o.first_offset),
            last_offset: self.last_offset.max(o.last_offset),
            first_us: self.first_us.min(o.first_us),
            last_us: self.last_us.max(o.last_us),
        }
    }

    fn phrase(self) -> String {
        let offsets = if self.first_offset == self.last_offset {
            format!("at offset {}", self.first_offset)
        } else {
            format!("at offsets {}–{}", self.first_offset, self.last_offset)
        };
        if self.first_us == self.last_us {
            format!("{offsets} ({})", fmt_us(self.first_us))
        } else {
            format!("{offsets} (between {} and {})", fmt_us(self.first_us), fmt_us(self.last_us))
        }
    }
}

/// Explanations whose templates are equal become one, naming all their records.
fn merge_alike(list: Vec<Explanation>, spans: Vec<Option<Span>>) -> Vec<Explanation> {
    let mut merged: Vec<(Explanation, Option<Span>)> = Vec::new();
    for (e, span) in list.into_iter().zip(spans) {
        match merged.iter_mut().find(|(m, _)| m.kind == e.kind && m.text == e.text) {
            Some((m, s)) => {
                m.records.extend(e.records);
                *s = match (*s, span) {
                    (Some(a), Some(b)) => Some(a.join(b)),
                    (a, b) => a.or(b),
                };
            }
            None => merged.push((e, span)),
        }
    }
    merged
        .into_iter()
        .map(|(mut m, span)| {
            let at = span.map_or(String::new(), Span::phrase);
            m.text = fill(&m.text, &m.records).replace("§AT", &at);
            m
        })
        .collect()
}

/// Positive explanations: retries the broker recognised as duplicates.
fn explain_dedups(ix: &Index, world: &World) -> Vec<Explanation> {
    let mut out = Vec::new();
    for (batch, s) in &ix.batches {
        for (t, broker, off) in &s.dedups {
            let ids: Vec<u32> = world
                .history
                .records
                .iter()
                .enumerate()
                .filter(|(_, r)| r.batch == *batch)
                .map(|(i, _)| i as u32)
                .collect();
            if ids.is_empty() {
                continue;
            }
            let why = s.retries.last().map_or(String::new(), |(_, e, _)| format!(" after {e}"));
            out.push(Explanation {
                kind: "deduplicated".into(),
                text: fill(
                    &format!(
                        "§R (batch {batch}) §was retried{why}; {} found the batch in its producer-state cache at {} and answered with the original offsets from {off}: no duplicate.",
                        world.names.node(*broker),
                        fmt_us(*t)
                    ),
                    &ids,
                ),
                records: ids,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_ranges() {
        assert_eq!(ranges(&[7, 3, 4, 5, 12, 15, 16]), "3–5, 7, 12, 15–16");
        assert_eq!(ranges(&[]), "");
        assert_eq!(offsets(5, 3), "offsets 5–7");
    }
}
