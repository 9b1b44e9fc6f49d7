//! Pipeline verdicts: every input record followed to its outputs in the final log.
//!
//! An input is a record of the pipeline's `from` topic its consumer can read in the final
//! log (read_committed with exactly_once_v2). Its outputs are the records the pipeline's
//! producer made from it (`History::forwards`), counted where a `read_committed` reader
//! finds them in the final log of `to`: an aborted transaction's outputs do not count.
//! - `pipeline_lost`: inputs below the group's final committed offset with no output: the
//!   pipeline committed past them, so nothing will process them again.
//! - `pipeline_duplicated`: inputs with more than one output.
//!
//! Inputs at or past the committed offset without an output are not lost: a consumer of
//! the group resumes there (`pending` in the report).

use crate::config::IsolationLevel;
use crate::history::Outcome;
use crate::plan::ProcessingGuarantee;
use crate::protocol::Tp;
use crate::report::Explanation;
use crate::sim::{fmt_us, Micros, VecMap};
use crate::trace::Event;
use crate::world::World;

use super::Judgement;

/// An input: record id, and the partition and offset it was read at.
type Input = (u32, Tp, u64);

#[derive(Clone, Debug, serde::Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PipelineReport {
    #[cfg_attr(test, ts(type = "\"at_least_once\" | \"exactly_once_v2\""))]
    pub guarantee: &'static str,
    pub group: String,
    pub from: String,
    pub to: String,
    pub transactional_id: Option<String>,
    /// Input records in the final log of `from` the pipeline can read.
    pub inputs: u64,
    /// Outputs a read_committed reader finds in `to`.
    pub outputs: u64,
    /// Inputs the pipeline processed (at least once).
    pub processed: u64,
    /// Inputs past the committed offset without an output yet (a consumer resumes there).
    pub pending: u64,
    pub lost: u64,
    pub duplicated: u64,
    /// Completed commits (transactions with their offsets, or flush + commitSync).
    pub commits: u64,
    /// Transactions aborted after a failed commit (TaskMigratedException).
    pub aborted: u64,
}

pub struct PipelineVerdicts {
    pub pipelines: VecMap<String, PipelineReport>,
    pub lost: u64,
    pub duplicated: u64,
    pub explanations: Vec<Explanation>,
}

/// `j` must be a read_committed judgement of the final logs.
pub fn judge_pipelines(world: &World, j: &Judgement) -> PipelineVerdicts {
    let sc = &world.scenario;
    let mut out = PipelineVerdicts { pipelines: VecMap::new(), lost: 0, duplicated: 0, explanations: Vec::new() };
    let n = world.history.records.len();
    // The pipeline that made each output (by producer index).
    let by_producer = |producer: u16| sc.pipelines.iter().position(|p| p.producer == producer as usize);
    // Pipelines of one group reading one topic share their inputs: judge them together.
    let mut families: Vec<Vec<usize>> = Vec::new();
    for (k, d) in sc.pipelines.iter().enumerate() {
        let key = |d: &crate::plan::PipelineDecl| (sc.consumers[d.consumer].config.group_id.clone(), d.from);
        match families.iter_mut().find(|f| key(&sc.pipelines[f[0]]) == key(d)) {
            Some(f) => f.push(k),
            None => families.push(vec![k]),
        }
    }
    let mut reports: Vec<Option<PipelineReport>> = vec![None; sc.pipelines.len()];
    for family in families {
        let first = &sc.pipelines[family[0]];
        let cfg = &sc.consumers[first.consumer].config;
        let group = cfg.group_id.clone().unwrap_or_default();
        let committed: VecMap<Tp, u64> =
            world.groups.borrow().group(&group).map(|g| g.committed.clone()).unwrap_or_default();
        // Each input's outputs (a copy each) in the final read_committed view, by where
        // the input was read (a record written twice upstream is two inputs).
        let mut outputs: VecMap<Input, Vec<u32>> = VecMap::new();
        for &(o, record, tp, offset) in &world.history.forwards {
            let input = (record, tp, offset);
            let Some(k) = by_producer(world.history.record(o).producer).filter(|k| family.contains(k)) else {
                continue;
            };
            if (o as usize) >= n {
                continue;
            }
            let copies = j.copies[o as usize];
            for _ in 0..copies {
                outputs.entry(input).or_default().push(o);
            }
            let rep = reports[k].get_or_insert_with(|| new_report(world, k));
            rep.outputs += u64::from(copies);
        }
        for &k in &family {
            reports[k].get_or_insert_with(|| new_report(world, k));
        }
        // The pipeline that last processed each input.
        let mut last_by: VecMap<u32, usize> = VecMap::new();
        for p in &world.history.processed {
            if let Some(k) = family.iter().copied().find(|&k| sc.pipelines[k].consumer == p.consumer as usize) {
                last_by.insert(p.record, k);
            }
        }
        let owner = |r: u32| last_by.get(&r).copied().unwrap_or(family[0]);
        let mut lost: Vec<(u32, Tp, u64)> = Vec::new();
        let mut duplicated: Vec<(u32, Tp, u64)> = Vec::new();
        let mut inputs = 0;
        for p in 0..world.controller.image.partition_count(first.from as u16) {
            let tp = Tp::new(first.from as u16, p);
            let Some((replica, end)) = super::final_replica(world, tp, cfg.isolation_level) else { continue };
            let upto = committed.get(&tp).copied().unwrap_or(0);
            for e in &replica.log.entries {
                let b = &e.batch;
                if b.data.control.is_some() || b.last_offset() >= end {
                    continue;
                }
                if cfg.isolation_level == IsolationLevel::ReadCommitted
                    && b.data.transactional
                    && replica.producers.is_aborted(b.data.producer_id, b.base_offset)
                {
                    continue;
                }
                for (r, offset) in b.data.record_offsets(b.base_offset) {
                    inputs += 1;
                    let outs = outputs.get(&(r, tp, offset)).map_or(&[][..], Vec::as_slice);
                    if outs.len() > 1 {
                        duplicated.push((r, tp, offset));
                        let k = by_producer(world.history.record(outs[1]).producer).unwrap_or(family[0]);
                        reports[k].as_mut().expect("made").duplicated += 1;
                    } else if outs.is_empty() && offset < upto {
                        lost.push((r, tp, offset));
                        reports[owner(r)].as_mut().expect("made").lost += 1;
                    } else if outs.is_empty() {
                        reports[owner(r)].as_mut().expect("made").pending += 1;
                    }
                }
            }
        }
        for &k in &family {
            reports[k].as_mut().expect("made").inputs = inputs;
        }
        out.lost += lost.len() as u64;
        out.duplicated += duplicated.len() as u64;
        explain_duplicated(world, &group, &duplicated, &outputs, &mut out.explanations);
        explain_lost(world, &group, &lost, &committed, &owner, &mut out.explanations);
    }
    for (k, rep) in reports.into_iter().enumerate() {
        if let Some(rep) = rep {
            out.pipelines.insert(sc.pipelines[k].name.clone(), rep);
        }
    }
    out
}

fn new_report(world: &World, k: usize) -> PipelineReport {
    let sc = &world.scenario;
    let d = &sc.pipelines[k];
    let mut processed: Vec<u32> =
        world.history.processed.iter().filter(|p| p.consumer as usize == d.consumer).map(|p| p.record).collect();
    crate::sim::sort::sort(&mut processed);
    processed.dedup();
    let pipe = world.consumers[d.consumer].client.pipe.as_ref();
    PipelineReport {
        guarantee: d.guarantee.name(),
        group: sc.consumers[d.consumer].config.group_id.clone().unwrap_or_default(),
        from: sc.topics[d.from].name.clone(),
        to: sc.topics[d.to].name.clone(),
        transactional_id: sc.producers[d.producer].config.transactional_id.clone(),
        inputs: 0,
        outputs: 0,
        processed: processed.len() as u64,
        pending: 0,
        lost: 0,
        duplicated: 0,
        commits: pipe.map_or(0, |p| p.commits),
        aborted: pipe.map_or(0, |p| p.aborts),
    }
}

/// What happened to the pipeline process between two moments: crashes, restarts,
/// migrated tasks, lost partitions.
fn between(world: &World, consumer: usize, from: Micros, to: Micros) -> Option<String> {
    let node = world.consumers[consumer].client.node;
    let name = &world.scenario.consumers[consumer].name;
    for e in world.trace.entries() {
        if e.at_us < from || e.at_us > to {
            continue;
        }
        let what = match &e.event {
            Event::ConsumerCrashed { consumer: c, .. } if *c == node => {
                format!("{name} crashed at {}", fmt_us(e.at_us))
            }
            Event::TaskMigrated { consumer: c, reason } if *c == node => {
                format!("{name}'s commit failed at {} ({reason})", fmt_us(e.at_us))
            }
            Event::PartitionsLost { consumer: c, reason, .. } if *c == node => {
                format!("{name} lost its partitions at {} ({reason})", fmt_us(e.at_us))
            }
            Event::PartitionsRevoked { consumer: c, .. } if *c == node => {
                format!("a rebalance took {name}'s partitions at {}", fmt_us(e.at_us))
            }
            _ => continue,
        };
        return Some(what);
    }
    None
}

fn explain_duplicated(
    world: &World,
    group: &str,
    dups: &[(u32, Tp, u64)],
    outputs: &VecMap<Input, Vec<u32>>,
    out: &mut Vec<Explanation>,
) {
    let sc = &world.scenario;
    let pipeline_of = |o: u32| {
        let producer = world.history.record(o).producer as usize;
        sc.pipelines.iter().position(|p| p.producer == producer).unwrap_or(0)
    };
    // One explanation per input partition and story (who made each output, what came
    // between them, the commit the second resumed from): records, and the time spans of
    // the first and second outputs.
    struct Story {
        key: (Tp, usize, usize, String, String),
        records: Vec<u32>,
        first: (Micros, Micros),
        second: (Micros, Micros),
    }
    let mut stories: Vec<Story> = Vec::new();
    for &(r, tp, offset) in dups {
        let outs = &outputs[&(r, tp, offset)];
        let (a, b) = (outs[0], outs[1]);
        let (ta, tb) = (world.history.record(a).sent_us, world.history.record(b).sent_us);
        let (pa, pb) = (pipeline_of(a), pipeline_of(b));
        let tp_name = tp.name(&world.names);
        let commit = match super::groups::committed_at(world, group, tp, tb, true) {
            Some((o, t)) => format!("the last commit of {tp_name} before then was offset {o} at {}", fmt_us(t)),
            None => format!("nothing of {tp_name} had been committed"),
        };
        let cause = between(world, sc.pipelines[pa].consumer, ta, tb).unwrap_or_default();
        let key = (tp, pa, pb, cause, commit);
        match stories.iter_mut().find(|s| s.key == key) {
            Some(s) => {
                s.records.push(r);
                s.first = (s.first.0.min(ta), s.first.1.max(ta));
                s.second = (s.second.0.min(tb), s.second.1.max(tb));
            }
            None => stories.push(Story { key, records: vec![r], first: (ta, ta), second: (tb, tb) }),
        }
    }
    let span = |(a, b): (Micros, Micros)| {
        if a == b {
            format!("at {}", fmt_us(a))
        } else {
            format!("between {} and {}", fmt_us(a), fmt_us(b))
        }
    };
    for s in stories {
        let (tp, pa, pb, cause, commit) = &s.key;
        let tp = tp.name(&world.names);
        let (a, b) = (&sc.pipelines[*pa], &sc.pipelines[*pb]);
        let why = match (a.guarantee, b.guarantee) {
            (ProcessingGuarantee::ExactlyOnceV2, ProcessingGuarantee::ExactlyOnceV2) => {
                "both outputs were committed in transactions, but the offsets of the first did not commit with it"
            }
            _ => {
                "with at_least_once the outputs are plain sends, readable at once, while the offsets are committed apart from them (every commit.interval.ms), so resuming from the committed offset sent them again"
            }
        };
        let cause = if cause.is_empty() { String::new() } else { format!("; {cause}") };
        let again = if pa == pb {
            format!("{} processed §them again", a.name)
        } else {
            format!("{} processed §them again", b.name)
        };
        let text = format!(
            "§R of {tp} §was processed by {} {} with an output to {} each{cause}; {commit}, so {again} {} and wrote second outputs: {why}.",
            a.name,
            span(s.first),
            sc.topics[a.to].name,
            span(s.second),
        );
        let text = super::explain::fill(&text, &s.records);
        out.push(Explanation { kind: "pipeline_duplicated".into(), records: s.records, text });
    }
}

fn explain_lost(
    world: &World,
    group: &str,
    lost: &[(u32, Tp, u64)],
    committed: &VecMap<Tp, u64>,
    owner: &dyn Fn(u32) -> usize,
    out: &mut Vec<Explanation>,
) {
    let sc = &world.scenario;
    // (partition, pipeline, what became of the output) → records, text.
    type Key = (Tp, usize, &'static str);
    let mut groups: Vec<(Key, Vec<u32>, String)> = Vec::new();
    for &(r, tp, offset) in lost {
        let tp_name = tp.name(&world.names);
        let k = owner(r);
        let producer = sc.pipelines[k].producer;
        let last = world
            .history
            .forwards
            .iter()
            .rev()
            .find(|f| (f.1, f.2, f.3) == (r, tp, offset) && world.history.record(f.0).producer as usize == producer)
            .map(|f| f.0);
        let (state, what) = match last.map(|o| world.history.record(o)) {
            None => ("unprocessed", format!("{} never produced an output for it", sc.pipelines[k].name)),
            Some(rec) => match rec.outcome {
                Outcome::Failed(e) => ("failed", format!("its output failed with {}", e.exception())),
                Outcome::Pending => ("pending", "its output was never acknowledged".to_string()),
                Outcome::Acked { .. } => (
                    "aborted",
                    "its output was written but is not readable (aborted, or gone from the log)".to_string(),
                ),
            },
        };
        let key = (tp, k, state);
        if let Some(g) = groups.iter_mut().find(|g| g.0 == key) {
            g.1.push(r);
            continue;
        }
        let upto = committed.get(&tp).copied().unwrap_or(0);
        let text = format!(
            "§R of {tp_name} §was committed past ({group}'s committed offset is {upto}), but {what}: nothing will process §them again.",
        );
        groups.push((key, vec![r], text));
    }
    for (_, records, text) in groups {
        let text = super::explain::fill(&text, &records);
        out.push(Explanation { kind: "pipeline_lost".into(), records, text });
    }
}
