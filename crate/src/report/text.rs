//! The CLI's human-readable rendering of a [`Report`].

use std::fmt::Write;

use super::Report;
use crate::config::Source;
use crate::sim::fmt_us;

/// `kafka-producer-perf-test`'s line, per producer (and in total when there are several).
fn render_perf(o: &mut String, r: &Report) {
    if r.perf.total.records == 0 {
        return;
    }
    let _ = writeln!(
        o,
        "
perf:"
    );
    if r.perf.by_producer.len() > 1 {
        let _ = writeln!(o, "  total: {}", r.perf.total.line());
    }
    for (name, f) in &r.perf.by_producer {
        if f.records > 0 {
            let _ = writeln!(o, "  {name}: {}", f.line());
        }
    }
}

/// The promise line, its reasons, and what the run observed against it.
fn render_guarantee(o: &mut String, r: &Report) {
    let g = &r.guarantee;
    let _ = writeln!(o, "\npromise:   {}", g.promised.name());
    if let Some(bp) = &g.by_producer {
        for (name, p) in bp {
            let _ = writeln!(o, "  {name}: {} (observed: {})", p.promised.name(), p.observed.text);
        }
    }
    for reason in &g.reasons {
        let mark = if reason.holds { "holds" } else { "FAILS" };
        let prop = serde_json::to_value(reason.property).ok();
        let prop = prop.as_ref().and_then(|v| v.as_str()).unwrap_or("");
        let fails: Vec<&str> = reason.fails_under.iter().map(|k| k.name()).collect();
        let _ = write!(o, "  {mark:<5} {prop}: {}", reason.text);
        if !fails.is_empty() {
            let _ = write!(o, " [fails under: {}]", fails.join(", "));
        }
        let _ = writeln!(o);
    }
    let _ = writeln!(o, "observed:  {}", g.observed.text);
    if let Some(bp) = &g.by_pipeline {
        for (name, p) in bp {
            let _ = writeln!(o, "pipeline {name}: {} (observed: {})", p.promised.name(), p.observed.text);
            for reason in p.reasons.iter().filter(|r| r.fails_under.is_empty()) {
                let mark = if reason.holds { "holds" } else { "FAILS" };
                let _ = writeln!(o, "  {mark:<5} {}", reason.text);
            }
        }
    }
    if let Some(bg) = &g.by_group {
        for (name, p) in bg {
            let _ = writeln!(o, "group {name}: {} (observed: {})", p.promised.name(), p.observed.text);
            for reason in &p.reasons {
                let mark = if reason.holds { "holds" } else { "FAILS" };
                let fails: Vec<&str> = reason.fails_under.iter().map(|k| k.name()).collect();
                let _ = write!(o, "  {mark:<5} {}", reason.text);
                if !fails.is_empty() {
                    let _ = write!(o, " [fails under: {}]", fails.join(", "));
                }
                let _ = writeln!(o);
            }
        }
    }
}

/// Summary, what happened and why, partitions, expectations, configuration changes.
pub fn render(r: &Report, with_trace: bool) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "kplay {} · seed {} · Kafka {} · ended at {} ({}) · trace {}",
        r.kplay_version,
        r.seed,
        r.kafka_version,
        fmt_us(r.end_time_us),
        r.ended_by,
        r.trace_hash
    );
    for note in &r.notes {
        let _ = writeln!(o, "note: {note}");
    }
    let s = &r.summary;
    let _ = writeln!(o);
    let _ = writeln!(o, "  sent {}   acked {}   failed {}   pending {}", s.sent, s.acked, s.failed, s.pending);
    let _ = writeln!(
        o,
        "  delivered {}   lost {}   duplicated {}   reordered {}   phantom {}   aborted {}",
        s.delivered, s.lost, s.duplicated, s.reordered, s.phantom, s.aborted
    );
    if s.deleted > 0 || s.compacted > 0 {
        let _ = writeln!(o, "  deleted by retention {}   removed by compaction {}", s.deleted, s.compacted);
    }
    if !r.groups.is_empty() {
        let _ = writeln!(o, "  consumer groups: reprocessed {}   skipped {}", s.reprocessed, s.skipped);
    }
    if !r.pipelines.is_empty() {
        let _ = writeln!(o, "  pipelines: lost {}   duplicated {}", s.pipeline_lost, s.pipeline_duplicated);
    }
    let _ = writeln!(
        o,
        "  produce requests {}   batches {}   (final view: {})",
        s.produce_requests, s.batches, r.final_view
    );
    render_perf(&mut o, r);
    render_guarantee(&mut o, r);
    if r.records_undecided > 0 {
        let _ = writeln!(
            o,
            "  undecided {} (in the leader's log, not yet readable when the run ended)",
            r.records_undecided
        );
    }
    if !r.errors.is_empty() {
        let list: Vec<String> = r.errors.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let causes: Vec<String> = r.error_causes.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = write!(o, "\nerrors:     {}", list.join(", "));
        if !causes.is_empty() {
            let _ = write!(o, "   (last broker answer: {})", causes.join(", "));
        }
        let _ = writeln!(o);
    }
    if !r.responses.is_empty() {
        let list: Vec<String> = r.responses.iter().map(|(k, v)| format!("{k} {v}")).collect();
        let _ = writeln!(o, "responses:  {}", list.join(", "));
    }
    if !r.explanations.is_empty() {
        let _ = writeln!(o, "\nwhat happened:");
        for e in r.explanations.iter().take(40) {
            let _ = writeln!(o, "  {:<12} {}", e.kind.to_uppercase(), e.text);
        }
        if r.explanations.len() > 40 {
            let _ = writeln!(o, "  ... {} more (see --json)", r.explanations.len() - 40);
        }
    }
    if !r.consumers.is_empty() {
        let _ = writeln!(o, "\nconsumers:");
        for (name, c) in &r.consumers {
            let skipped = if c.skipped > 0 {
                format!(", skipped {} (OFFSET_OUT_OF_RANGE, auto.offset.reset)", c.skipped)
            } else {
                String::new()
            };
            let group = match &c.group {
                Some(g) => format!(" group {g}, processed {},", c.processed),
                None => String::new(),
            };
            let _ = writeln!(o, "  {name} ({}):{group} {} records{skipped}", c.isolation_level, c.records);
            if let Some(e) = &c.error {
                let _ = writeln!(o, "    stopped by {e}");
            }
        }
    }
    if !r.groups.is_empty() {
        let _ = writeln!(o, "\ngroups:");
        for (name, g) in &r.groups {
            let _ = writeln!(
                o,
                "  {name} ({} protocol, {}): {}, generation {}, {} rebalance(s), lag {}, reprocessed {}, skipped {}",
                g.protocol,
                g.assignor.unwrap_or("no assignor"),
                g.state,
                g.generation,
                g.rebalances.len(),
                g.lag,
                g.reprocessed,
                g.skipped
            );
            for (member, parts) in &g.assignment {
                let list: Vec<String> = parts.iter().map(|t| t.name(&r.names)).collect();
                let _ = writeln!(o, "      {member}: [{}]", list.join(", "));
            }
            for p in &g.offsets {
                let committed = p.committed.map_or("none".to_string(), |c| c.to_string());
                let _ = writeln!(
                    o,
                    "      {}  committed {committed}  end {}  lag {}",
                    p.tp.name(&r.names),
                    p.end_offset,
                    p.lag
                );
            }
        }
    }
    if !r.pipelines.is_empty() {
        let _ = writeln!(o, "\npipelines:");
        for (name, p) in &r.pipelines {
            let tid = p.transactional_id.as_deref().map(|t| format!(", transactional.id {t}")).unwrap_or_default();
            let _ = writeln!(
                o,
                "  {name} ({}, group {}{tid}): {} -> {}: inputs {}, outputs {}, pending {}, lost {}, duplicated {}, commits {}, aborted {}",
                p.guarantee, p.group, p.from, p.to, p.inputs, p.outputs, p.pending, p.lost, p.duplicated, p.commits, p.aborted
            );
        }
    }
    let _ = writeln!(o, "\npartitions:");
    for p in &r.partitions {
        let leader = p.leader.map_or("none (offline)".to_string(), |l| format!("broker-{l}"));
        let _ = writeln!(
            o,
            "  {}-{}  leader {}  epoch {}  ISR {:?}  HW {}  LSO {}",
            p.topic, p.partition, leader, p.leader_epoch, p.isr, p.high_watermark, p.last_stable_offset
        );
        for rs in &p.replica_states {
            let _ = writeln!(
                o,
                "      broker-{}  LEO {}  flushed {}  HW {}  {}{}",
                rs.broker,
                rs.log_end_offset,
                rs.flushed_offset,
                rs.high_watermark,
                rs.role,
                if rs.down { "  (down)" } else { "" }
            );
        }
    }
    if !r.expectations.is_empty() {
        let _ = writeln!(o, "\nexpectations:");
        for e in &r.expectations {
            let mark = if e.held { "ok  " } else { "FAIL" };
            let _ = write!(o, "  {mark} line {}: expect {}", e.line, e.text);
            if !e.held {
                let actual: Vec<String> = e
                    .clauses
                    .iter()
                    .filter(|c| !c.held)
                    .map(|c| format!("{} is {}", c.name, c.show(c.actual)))
                    .collect();
                let _ = write!(o, "   ({})", actual.join(", "));
            }
            let _ = writeln!(o);
        }
    }
    let changed: Vec<String> = r
        .config
        .roles
        .iter()
        .flat_map(|role| {
            role.settings.iter().filter(|s| s.source != Source::Default).map(move |s| {
                format!(
                    "  {} {}: {}={}{}",
                    role.role,
                    role.name,
                    s.name,
                    s.value,
                    if s.source == Source::Derived { " (derived)" } else { "" }
                )
            })
        })
        .collect();
    if !changed.is_empty() {
        let _ = writeln!(o, "\nconfiguration (differences from Kafka {} defaults):", r.kafka_version);
        for c in changed.iter().take(60) {
            let _ = writeln!(o, "{c}");
        }
    }
    if !r.config.notes.is_empty() {
        let _ = writeln!(o, "\nnotes:");
        for n in &r.config.notes {
            let _ = writeln!(o, "  {n}");
        }
    }
    if with_trace {
        if let Some(trace) = &r.trace {
            let _ = writeln!(o, "\ntrace ({} events):", trace.len());
            for e in trace {
                let json = crate::sim::names::to_json(&r.names, &e.event).unwrap_or_default();
                let _ = writeln!(o, "  {:>10}  {}", fmt_us(e.at_us), json);
            }
        }
    }
    o
}
