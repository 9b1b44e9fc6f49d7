//! Wiring: scenario text → [`World`] → checker → [`Report`].
//!
//! [`run`] does it in one call; [`Session`] steps a run in slices of kernel events so the
//! browser can show progress and cancel. Every run is held to its [`Budgets`]: the parse
//! checks what it can up front, the kernel stops a run that uses one up, and the report's
//! `notes` say so (and list timeline lines that never ran because the run ended first).

use crate::sim::VecMap;
use std::rc::Rc;

use crate::budget::Budgets;
use crate::checker::{self, expect, explain, guarantee, verdicts};
use crate::config::IsolationLevel;
use crate::history::Outcome;
use crate::plan::{RunUntil, Scenario};
use crate::protocol::Tp;
use crate::report::{ConsumerReport, PartitionReport, ProducerStateReport, RecordReport, ReplicaReport, Report};
use crate::script::errors::Diagnostic;
use crate::world::World;

#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// Override the scenario's `seed`.
    pub seed: Option<u64>,
    /// Include `records` in the report.
    pub records: bool,
    /// Include the trace in the report.
    pub trace: bool,
    /// Benchmark mode: keep only the trace hash (no events, no explanations).
    pub lean: bool,
    /// Search mode: lean, and not even the trace hash (`trace_hash` reads `unhashed`);
    /// the trace is kept only when an expect line counts its events.
    pub unhashed: bool,
    /// The limits the run is held to (default: the documented budgets).
    pub budgets: Budgets,
}

pub struct Session {
    pub world: World,
    opts: RunOptions,
    done: bool,
}

impl Session {
    pub fn new(text: &str, opts: RunOptions) -> Result<Session, Vec<Diagnostic>> {
        let mut scenario = crate::script::parse_with(text, &opts.budgets)?;
        if let Some(seed) = opts.seed {
            scenario.seed = seed;
        }
        Ok(Session::from_scenario(scenario, text, opts))
    }

    pub fn from_scenario(scenario: Scenario, text: &str, opts: RunOptions) -> Session {
        // An unhashed run (a search's, a sweep's) still keeps the trace when an expect
        // line counts trace events: it is checked on every candidate.
        let trace_expects = scenario.expects.iter().any(|e| e.trace.is_some());
        let keep = !opts.lean && (!opts.unhashed || trace_expects);
        let mut world = World::new(Rc::new(scenario), text, keep, opts.budgets);
        if opts.unhashed {
            world.trace.stop_hashing();
        }
        Session { world, opts, done: false }
    }

    /// Run up to `max_events` kernel events; true once the run has ended.
    pub fn step(&mut self, max_events: u64) -> bool {
        if !self.done {
            self.done = self.world.run(max_events);
        }
        self.done
    }

    /// Run up to virtual time `t` (inclusive) in slices of `max_events`; true once the
    /// whole run has ended (so `t` may lie beyond its end).
    pub fn run_until(&mut self, t: crate::sim::Micros, max_events: u64) -> Option<bool> {
        if self.done {
            return Some(true);
        }
        let r = self.world.run_to(t, max_events);
        if r == Some(true) {
            self.done = true;
        }
        r
    }

    /// The cluster and producer state now.
    pub fn snapshot(&self) -> crate::snapshot::Snapshot {
        crate::snapshot::take(&self.world)
    }

    /// A replica's segment files now, as `kafka-dump-log.sh` prints them: `tp` is a
    /// partition's name (`orders-0`), `base` one segment's base offset (every one when None).
    pub fn dump(
        &self,
        tp: &str,
        broker: u16,
        base: Option<u64>,
        opts: crate::dump::DumpOptions,
    ) -> Result<String, String> {
        let t = crate::dump::find_tp(&self.world, tp).ok_or_else(|| format!("the run has no partition {tp}"))?;
        crate::dump::dump(&self.world, t, broker, base, opts)
    }

    /// The partition's leader now, else its first replica.
    pub fn leader_or_first_replica(&self, tp: &str) -> Option<u16> {
        let t = crate::dump::find_tp(&self.world, tp)?;
        let p = self.world.controller.image.partition(t)?;
        p.leader.or_else(|| p.replicas.first().copied())
    }

    pub fn run_to_end(&mut self) {
        while !self.step(1 << 20) {}
    }

    pub fn done(&self) -> bool {
        self.done
    }

    /// Progress in parts per thousand.
    pub fn progress_permille(&self) -> u32 {
        if self.done {
            1000
        } else {
            self.world.progress_permille()
        }
    }

    pub fn report(&self) -> Report {
        build_report(&self.world, &self.opts)
    }
}

/// Parse, run to the end and report.
pub fn run(text: &str, opts: &RunOptions) -> Result<Report, Vec<Diagnostic>> {
    let mut s = Session::new(text, opts.clone())?;
    s.run_to_end();
    Ok(s.report())
}

/// `read_committed` unless the scenario's consumers all explicitly ask for
/// `read_uncommitted`.
pub fn final_isolation(scenario: &Scenario) -> IsolationLevel {
    let explicit: Vec<IsolationLevel> = scenario
        .consumers
        .iter()
        .filter(|c| c.config.isolation_level_explicit)
        .map(|c| c.config.isolation_level)
        .collect();
    if !explicit.is_empty() && explicit.iter().all(|&i| i == IsolationLevel::ReadUncommitted) {
        IsolationLevel::ReadUncommitted
    } else {
        IsolationLevel::ReadCommitted
    }
}

fn build_report(world: &World, opts: &RunOptions) -> Report {
    let sc = &world.scenario;
    let isolation = final_isolation(sc);
    let j = checker::judge(world, isolation, opts.records);
    let produce_requests = world.producers.iter().map(|p| p.metrics.produce_requests).sum();
    let batches = world.producers.iter().map(|p| p.metrics.batches_first_sent).sum();
    let mut summary = verdicts::summarize(&world.history, &j, produce_requests, batches);
    let gv = crate::checker::groups::judge_groups(world);
    summary.reprocessed = gv.reprocessed;
    summary.skipped = gv.skipped;
    let pv = if sc.pipelines.is_empty() {
        None
    } else if isolation == IsolationLevel::ReadCommitted {
        Some(crate::checker::pipelines::judge_pipelines(world, &j))
    } else {
        let jr = checker::judge(world, IsolationLevel::ReadCommitted, false);
        Some(crate::checker::pipelines::judge_pipelines(world, &jr))
    };
    if let Some(pv) = &pv {
        summary.pipeline_lost = pv.lost;
        summary.pipeline_duplicated = pv.duplicated;
    }
    let mut errors: VecMap<String, u64> = VecMap::new();
    let mut causes: VecMap<String, u64> = VecMap::new();
    for r in &world.history.records {
        if let Outcome::Failed(e) = r.outcome {
            *errors.entry(e.exception().to_string()).or_default() += 1;
            if let Some(c) = r.cause {
                *causes.entry(c.name().to_string()).or_default() += 1;
            }
        }
    }
    let mut responses: VecMap<String, u64> = VecMap::new();
    for b in &world.brokers {
        for (e, n) in &b.responses {
            if !e.is_none() {
                *responses.entry(e.name().to_string()).or_default() += n;
            }
        }
    }
    let mut consumers = VecMap::new();
    for (i, c) in sc.consumers.iter().enumerate() {
        let ids: Vec<u32> = world
            .history
            .polls
            .iter()
            .filter(|p| p.consumer as usize == i)
            .flat_map(|p| p.records.iter().copied())
            .collect();
        consumers.insert(
            c.name.clone(),
            ConsumerReport {
                isolation_level: c.config.isolation_level.name().to_string(),
                records: ids.len() as u64,
                skipped: world.consumers.get(i).map_or(0, |x| x.skipped + x.client.skipped),
                ids,
                group: c.config.group_id.clone(),
                processed: world.consumers.get(i).map_or(0, |x| x.client.processed),
                assignment: world.consumers.get(i).map_or_else(Vec::new, |x| x.client.assignment.clone()),
                error: world.consumers.get(i).and_then(|x| x.client.failed.clone()),
            },
        );
    }
    let undecided =
        (0..world.history.records.len()).filter(|&i| j.copies[i] == 0 && j.undecided[i] && !j.aborted[i]).count();
    let mut report = Report {
        names: world.names.clone(),
        kplay_version: crate::version().to_string(),
        seed: world.seed,
        kafka_version: sc.kafka.to_string(),
        end_time_us: world.now,
        ended_by: ended_by(world).to_string(),
        notes: notes(world),
        trace_hash: world.trace.hash_hex(),
        trace_events: world.trace.count(),
        kernel_events: world.events,
        final_view: isolation.name().to_string(),
        summary,
        guarantee: {
            let mut g = guarantee::guarantee(sc, guarantee::observe(&world.history, &j, sc.producers.len()));
            if let Some(pv) = &pv {
                let per: Vec<(u64, u64)> = sc
                    .pipelines
                    .iter()
                    .map(|d| pv.pipelines.get(&d.name).map_or((0, 0), |p| (p.lost, p.duplicated)))
                    .collect();
                g.with_pipelines(sc, &per);
            }
            g.with_groups(sc, |name| {
                gv.groups.get(name).map_or((0, 0, 0), |r| (r.reprocessed, r.skipped, r.skipped_deleted))
            });
            g
        },
        perf: {
            let (total, each) = crate::report::perf::figures_all(&world.history, sc.producers.len());
            crate::report::Perf {
                total,
                by_producer: sc.producers.iter().zip(each).map(|(p, f)| (p.name.clone(), f)).collect(),
            }
        },
        records_undecided: undecided as u64,
        errors,
        error_causes: causes,
        responses,
        consumers,
        groups: gv.groups,
        pipelines: pv.as_ref().map(|p| p.pipelines.clone()).unwrap_or_default(),
        records: opts.records.then(|| record_reports(world, &j)),
        partitions: partition_reports(world),
        expectations: Vec::new(),
        metrics: world
            .producers
            .iter()
            .map(|p| (p.name.clone(), p.metrics.named().into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
            .collect(),
        explanations: if opts.lean || opts.unhashed {
            Vec::new()
        } else {
            let mut e = explain::explain(world, &j);
            e.extend(gv.explanations);
            if let Some(pv) = pv {
                e.extend(pv.explanations);
            }
            e
        },
        config: sc.effective.clone(),
        nodes: (0..(1 + world.brokers.len() + world.producers.len() + world.consumers.len()))
            .map(|i| world.names.node(crate::sim::NodeId(i as u16)))
            .collect(),
        trace: opts.trace.then(|| world.trace.entries().to_vec()),
    };
    report.expectations = expect::evaluate(&report, &sc.expects, world.trace.entries());
    report
}

fn ended_by(world: &World) -> &'static str {
    match (world.stopped.is_some(), world.stopped_by_cap, world.scenario.run_until) {
        (true, _, _) => "budget",
        (false, true, _) => "cap",
        (false, false, RunUntil::Time(_)) => "time",
        (false, false, RunUntil::Idle) => "idle",
    }
}

/// What the report should say about how the run ended: a budget it used up, the
/// virtual-time cap of an idle run, and timeline lines it never reached.
fn notes(world: &World) -> Vec<String> {
    let mut notes = Vec::new();
    let end = crate::sim::fmt_us(world.now);
    let why = if let Some(e) = &world.stopped {
        notes.push(e.note());
        format!("the run stopped at {end} (the {} budget)", e.budget.name())
    } else if world.stopped_by_cap {
        let cap = crate::budget::duration_text(world.budgets.virtual_time_us);
        notes.push(format!(
            "The run stopped at {cap}, kplay's virtual-time budget: an idle run that has not settled by then ends there."
        ));
        format!("the run stopped at {cap}")
    } else {
        match world.scenario.run_until {
            RunUntil::Time(t) => format!("the run ended at {end} (run until {})", crate::sim::fmt_us(t)),
            RunUntil::Idle => format!("the run ended at {end}"),
        }
    };
    let unrun = world.unrun_actions();
    if !unrun.is_empty() {
        const SHOWN: usize = 5;
        let list: Vec<String> = unrun
            .clone()
            .take(SHOWN)
            .map(|i| format!("line {} ({})", world.scenario.timeline[i].line, world.action_text(i)))
            .collect();
        let more = if unrun.len() > SHOWN { format!(", and {} more", unrun.len() - SHOWN) } else { String::new() };
        let (what, they) = match unrun.len() {
            1 => ("1 timeline line".to_string(), "it was"),
            n => (format!("{n} timeline lines"), "they were"),
        };
        notes.push(format!("{what} never ran: {why} before {they} due: {}{more}.", list.join(", ")));
    }
    notes
}

fn record_reports(world: &World, j: &checker::Judgement) -> Vec<RecordReport> {
    let mut key = Vec::new();
    // LogAppendTime stamps, from the batches of the final logs.
    let mut appended_at: Vec<Option<i64>> = vec![None; world.history.records.len()];
    for (tp, _) in world.controller.image.partitions() {
        let Some((replica, _)) = checker::final_replica(world, tp, IsolationLevel::ReadUncommitted) else { continue };
        for e in replica.log.entries.iter().filter(|e| e.batch.data.meta.log_append_time) {
            for &r in e.batch.data.records.iter() {
                if let Some(slot) = appended_at.get_mut(r as usize) {
                    *slot = Some(e.batch.data.meta.max_timestamp_ms);
                }
            }
        }
    }
    world
        .history
        .records
        .iter()
        .enumerate()
        .map(|(id, r)| {
            let p = &world.producers[r.producer as usize];
            let has_key = p.workload.key_into(r.stmt, r.index, &mut key);
            let (result, offset, error) = match r.outcome {
                Outcome::Acked { offset } => ("acked", offset, None),
                Outcome::Failed(e) => ("failed", -1, Some(e.exception().to_string())),
                Outcome::Pending => ("pending", -1, None),
            };
            RecordReport {
                id: id as u32,
                producer: p.name.clone(),
                key: has_key.then(|| String::from_utf8_lossy(&key).into_owned()),
                partition: (r.partition != crate::history::NO_PARTITION).then_some(r.partition),
                offset,
                result: result.to_string(),
                error,
                outcome: verdicts::outcome(&world.history, j, id).to_string(),
                reordered: j.reordered[id],
                copies: j.offsets.as_ref().map(|o| o[id].clone()).unwrap_or_default(),
                sent_us: r.sent_us,
                result_us: (r.outcome != Outcome::Pending).then_some(r.result_us),
                batch: (r.batch != 0).then_some(r.batch),
                timestamp: appended_at[id].unwrap_or(r.timestamp_ms),
                timestamp_type: if appended_at[id].is_some() { "LogAppendTime" } else { "CreateTime" },
            }
        })
        .collect()
}

fn partition_reports(world: &World) -> Vec<PartitionReport> {
    let view = world.view();
    view.partitions()
        .map(|(tp, p): (Tp, _)| {
            let leader_replica = view.leader_replica(tp).map(|(_, r)| r);
            let replica_states = view
                .replicas(tp)
                .map(|s| {
                    let r = s.replica;
                    ReplicaReport {
                        broker: s.broker,
                        log_start_offset: r.log.log_start_offset,
                        log_end_offset: r.log.leo,
                        flushed_offset: r.log.durable_offset(),
                        recovery_point: r.log.recovery_point,
                        high_watermark: r.hw,
                        role: match &r.role {
                            crate::broker::replica::Role::Leader(_) => "leader".into(),
                            crate::broker::replica::Role::Follower { leader } => format!("follower of broker-{leader}"),
                            crate::broker::replica::Role::None => "none".into(),
                        },
                        down: !s.up,
                        segments: crate::report::segments(&r.log),
                    }
                })
                .collect();
            let producers = leader_replica
                .map(|r| {
                    r.producers
                        .producers
                        .values()
                        .map(|e| ProducerStateReport {
                            producer_id: e.producer_id,
                            producer_epoch: e.epoch,
                            last_sequence: e.batches.back().map_or(-1, |b| b.last_seq),
                            cached_batches: e
                                .batches
                                .iter()
                                .map(|b| (b.first_seq, b.last_seq, b.first_offset, b.last_offset))
                                .collect(),
                            open_transaction_first_offset: e.txn_first_offset,
                        })
                        .collect()
                })
                .unwrap_or_default();
            PartitionReport {
                topic: world.names.topic(tp.topic),
                partition: tp.partition,
                leader: p.leader,
                leader_epoch: p.leader_epoch,
                isr: p.isr.clone(),
                elr: p.elr.clone(),
                replicas: p.replicas.clone(),
                high_watermark: leader_replica.map_or(0, |r| r.hw),
                last_stable_offset: leader_replica.map_or(0, |r| r.last_stable_offset()),
                offline: p.leader.is_none(),
                replica_states,
                producers,
            }
        })
        .collect()
}

/// Runs a benchmark scenario in lean mode (trace hash only, no explanations), with the
/// budgets raised for the records it sends ([`Budgets::for_bench`]).
pub fn run_bench(text: &str) -> Result<Report, Vec<Diagnostic>> {
    let unbounded = Budgets { records: u64::MAX, ..Budgets::default() };
    let scenario = crate::script::parse_with(text, &unbounded)?;
    let records = scenario
        .timeline
        .iter()
        .map(|t| if let crate::plan::Action::Send { count, .. } = t.action { count } else { 0 })
        .fold(0u64, u64::saturating_add);
    let opts = RunOptions { lean: true, budgets: Budgets::for_bench(records), ..RunOptions::default() };
    let mut session = Session::from_scenario(scenario, text, opts);
    session.run_to_end();
    Ok(session.report())
}

/// The benchmark scenario: `records` records as fast as `send()` returns, 3 partitions by
/// default, 1 KiB-free 100-byte values, keys spread over partitions, linger.ms=5.
pub fn bench_scenario(records: u64, acks: &str, rf: u32, partitions: u32) -> String {
    let idem = if acks == "all" { "" } else { " enable.idempotence=false" };
    format!(
        "brokers {rf}\n\
         topic bench partitions={partitions} replication.factor={rf}\n\
         producer app acks={acks} linger.ms=5{idem}\n\
         at 0ms app send bench count={records} every=1us key=k{{i%1000}} size=100B\n"
    )
}
