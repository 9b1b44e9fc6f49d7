//! What a plain consumer group's configuration promises for processing (each record of
//! its topics processed at least once, or not), and whether a run kept it.
//!
//! A group promises at-least-once, never more: offsets are committed after processing,
//! so what a member processed since the last commit is processed again by the
//! partition's next owner after a crash, a rebalance or a failed commit (`reprocessed`).
//! It promises at-least-once only when no committed offset can pass a record the group
//! never processed (`skipped`), which takes all of:
//! - commits that follow processing: the auto-commit runs inside `poll()`
//!   (`maybeAutoCommitOffsetsAsync`, and `onJoinPrepare` before a rebalance), committing
//!   the positions of records earlier polls returned, which the loop has processed; an
//!   explicit `commit` (commitSync/commitAsync of the current positions) while records
//!   are still being processed commits past them;
//! - `auto.offset.reset` other than `latest`: a partition with no committed offset (a
//!   member that died before the group's first commit), or a position out of range,
//!   starts at the log end and passes what lies before it;
//! - a log that keeps what consumers read: below the high watermark, offsets are only
//!   reused after an unclean election or a power loss that takes records from every
//!   replica in the ISR, and then a position already past them skips the new records.

use serde::Serialize;

use super::FaultKind::*;
use super::{Faults, Level, Property, Reason};
use crate::config::AutoOffsetReset;
use crate::plan::{Action, Scenario};

/// The report's `guarantee.by_group.NAME`.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct GroupGuarantee {
    pub promised: Level,
    pub reasons: Vec<Reason>,
    pub observed: GroupObserved,
}

#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct GroupObserved {
    /// No record reprocessed or skipped.
    pub clean: bool,
    pub reprocessed: u64,
    pub skipped: u64,
    /// Of `skipped`, records retention deleted before the group read them: skipped by
    /// design (retention deletes whole segments whether or not a group has read them),
    /// so they do not break the promise.
    pub skipped_deleted: u64,
    pub breaks_promise: bool,
    /// The verdicts that broke it: `skipped`.
    #[cfg_attr(test, ts(type = "Array<\"skipped\">"))]
    pub broken_by: Vec<String>,
    pub text: String,
}

/// The groups a guarantee is given for: those with a member that is not a pipeline's
/// consumer (a pipeline's group has the pipeline's promise), in declaration order.
pub fn plain_groups(scenario: &Scenario) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for (i, c) in scenario.consumers.iter().enumerate() {
        let Some(g) = c.config.group_id.as_deref() else { continue };
        let in_pipeline = scenario.pipelines.iter().any(|p| p.consumer == i);
        let subscribes =
            scenario.timeline.iter().any(|t| matches!(t.action, Action::Subscribe { consumer, .. } if consumer == i));
        if !in_pipeline && subscribes && !out.contains(&g) {
            out.push(g);
        }
    }
    out
}

/// The promise of group `group` and its reasons.
pub fn group_promise(scenario: &Scenario, group: &str) -> (Level, Vec<Reason>) {
    let members: Vec<usize> = (0..scenario.consumers.len())
        .filter(|&i| scenario.consumers[i].config.group_id.as_deref() == Some(group))
        .filter(|&i| !scenario.pipelines.iter().any(|p| p.consumer == i))
        .collect();
    let mine = |c: usize| members.contains(&c);
    let mut reasons = Vec::new();

    // Commits after processing, or explicit commits that may pass records in processing.
    let explicit =
        scenario.timeline.iter().any(|t| matches!(t.action, Action::CommitOffsets { consumer, .. } if mine(consumer)));
    let processing = scenario
        .timeline
        .iter()
        .any(|t| matches!(t.action, Action::PollLoop { consumer, process_us, .. } if mine(consumer) && process_us > 0));
    let auto: Vec<String> = members
        .iter()
        .map(|&i| &scenario.consumers[i])
        .filter(|c| c.config.enable_auto_commit)
        .map(|c| format!("{}: enable.auto.commit=true", c.name))
        .collect();
    if explicit && processing {
        reasons.push(Reason::fixed(
            Property::Durability,
            vec!["commit".into(), "process".into()],
            false,
            "an explicit commit (commitSync/commitAsync of the current positions) while the records the last \
             poll returned are still being processed commits past them; if the member then dies or loses the \
             partition, its next owner starts after them and they are skipped",
        ));
    } else if explicit {
        reasons.push(Reason::fixed(
            Property::Durability,
            vec!["commit".into()],
            true,
            "explicit commits with no processing time (process=0): the records a poll returns are processed \
             before anything else runs, so a commit of the current positions never passes an unprocessed one",
        ));
    } else if !auto.is_empty() {
        reasons.push(Reason::fixed(
            Property::Durability,
            vec!["enable.auto.commit=true".into()],
            true,
            "the auto-commit runs inside poll() every auto.commit.interval.ms (and before a rebalance gives \
             partitions up, and on close), committing the positions of records earlier polls returned, which \
             the poll loop has processed: a commit never passes an unprocessed record",
        ));
    } else {
        reasons.push(Reason::fixed(
            Property::Durability,
            vec!["enable.auto.commit=false".into()],
            true,
            "enable.auto.commit=false and no commit: the group never commits, so every new owner of a \
             partition starts from auto.offset.reset and nothing is committed past",
        ));
    }

    // Where a partition without a committed offset starts.
    let latest: Vec<String> = members
        .iter()
        .map(|&i| &scenario.consumers[i])
        .filter(|c| c.config.auto_offset_reset == AutoOffsetReset::Latest)
        .map(|c| format!("{}: auto.offset.reset=latest", c.name))
        .collect();
    if latest.is_empty() {
        reasons.push(Reason::fixed(
            Property::Durability,
            vec![match members.first().map(|&i| scenario.consumers[i].config.auto_offset_reset) {
                Some(AutoOffsetReset::None) => "auto.offset.reset=none".to_string(),
                _ => "auto.offset.reset=earliest".to_string(),
            }],
            true,
            "auto.offset.reset is not latest: a partition with no committed offset, or a position out of range, \
             starts at the log start (earliest) or fails (none), never past records",
        ));
    } else {
        reasons.push(Reason::fixed(
            Property::Durability,
            latest,
            false,
            "auto.offset.reset=latest (the default): a partition with no committed offset (a member that died \
             before the group's first commit, a group that joins after records were written) or a position \
             out of range starts at the log end, and the records before it are never processed",
        ));
    }

    // The log keeps what consumers read.
    let topics: Vec<usize> = {
        let mut t: Vec<usize> = scenario
            .timeline
            .iter()
            .filter_map(|x| match &x.action {
                Action::Subscribe { consumer, topics } if mine(*consumer) => Some(topics.clone()),
                _ => None,
            })
            .flatten()
            .collect();
        crate::sim::sort::sort(&mut t);
        t.dedup();
        t
    };
    let mut fails: Faults = 0;
    let mut settings = Vec::new();
    for &t in &topics {
        let d = &scenario.topics[t];
        let tc = &d.config;
        let flush_each = tc.flush_messages <= 1;
        if tc.unclean_leader_election_enable {
            fails |= UncleanElection.bit();
            settings.push(format!("{}: unclean.leader.election.enable=true", d.name));
        }
        if !flush_each {
            fails |= PowerLossAll.bit();
            if d.replication_factor <= 1 {
                fails |= PowerLossOne.bit() | LoneLeaderPowerLoss.bit();
                settings.push(format!("{}: replication.factor=1", d.name));
            } else if tc.min_insync_replicas.min(d.replication_factor) <= 1 {
                fails |= LoneLeaderPowerLoss.bit();
                settings.push(format!("{}: min.insync.replicas={}", d.name, tc.min_insync_replicas));
            }
        }
    }
    if settings.is_empty() {
        settings.push("unclean.leader.election.enable=false".into());
    }
    reasons.push(Reason::new(
        Property::Durability,
        settings,
        "consumers read below the high watermark, which only an unclean election or a power loss taking records \
         from every in-sync replica (a leader alone in the ISR, or all at once, before the OS wrote them back) \
         rewinds; the offsets are then written again with other records, and a position already past them skips \
         those",
        fails,
    ));

    reasons.push(Reason::fixed(
        Property::Durability,
        vec!["retention.ms".into(), "retention.bytes".into()],
        true,
        "retention deletes whole segments whether or not a group has read them: records deleted before the group \
         reached them are skipped by design (counted as deleted, as for any reader), not a broken promise",
    ));
    reasons.push(Reason::fixed(
        Property::NoDuplicates,
        vec![],
        false,
        "offsets are committed after processing (every auto.commit.interval.ms, or by explicit commits): what a \
         member processed since the last commit is processed again by the partition's next owner after a crash, \
         a rebalance or a failed commit",
    ));
    let durable = reasons.iter().filter(|r| r.property == Property::Durability).all(|r| r.holds);
    (if durable { Level::AtLeastOnce } else { Level::None }, reasons)
}

/// Judges a run's group verdicts against the promise.
pub fn observed(level: Level, reprocessed: u64, skipped: u64, skipped_deleted: u64) -> GroupObserved {
    let breaks = skipped > skipped_deleted && level >= Level::AtLeastOnce;
    let mut parts = Vec::new();
    if reprocessed > 0 {
        parts.push(format!("{reprocessed} record(s) processed more than once"));
    }
    if skipped > skipped_deleted {
        parts.push(format!("{} record(s) committed past without being processed", skipped - skipped_deleted));
    }
    if skipped_deleted > 0 {
        parts.push(format!("{skipped_deleted} record(s) deleted by retention before the group read them"));
    }
    let mut text = if parts.is_empty() { "clean: every record processed once".to_string() } else { parts.join(", ") };
    if breaks {
        text += &format!(": breaks the promise ({})", level.name());
    }
    GroupObserved {
        clean: reprocessed == 0 && skipped == 0,
        reprocessed,
        skipped,
        skipped_deleted,
        breaks_promise: breaks,
        broken_by: if breaks { vec!["skipped".to_string()] } else { Vec::new() },
        text,
    }
}
