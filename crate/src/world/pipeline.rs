//! Pipelines: the kernel carries a pipeline's thread between its two clients.
//!
//! A pipeline is one application process with a consumer and a producer (Kafka Streams'
//! `StreamThread` with its `StreamsProducer`). The consumer's application thread
//! (`consumer::pipe`) decides; what it asks of the producer (outputs to send, a commit, an
//! abort) is run here on the producer's application thread, and when the producer's
//! thread is free again the consumer's thread hears how the call ended. Both clients
//! crash and restart together.

use super::World;
use crate::consumer::client::PollLoop;
use crate::consumer::pipe::{Pipe, PipeCall, PipeResult};
use crate::plan::ProcessingGuarantee;
use crate::producer::app::{Job, Op};
use crate::producer::txn::{OffsetsToSend, Phase};
use std::rc::Rc;

impl World {
    /// Time 0: each pipeline's consumer subscribes and starts its loop.
    pub(super) fn boot_pipelines(&mut self) {
        let pipelines = self.scenario.pipelines.clone();
        for d in pipelines {
            let exactly_once = d.guarantee == ProcessingGuarantee::ExactlyOnceV2;
            let topics = [d.from as u16];
            let l = PollLoop { every_us: d.poll_us, process_us: d.process_us, until_us: None };
            self.producers[d.producer].in_pipeline = true;
            self.with_consumer(d.consumer, |c, ctx, cfg| {
                c.pipe = Some(Pipe { exactly_once, commit_interval_us: d.commit_interval_us, ..Pipe::default() });
                c.subscribe(ctx, cfg, &topics);
                c.start_loop(ctx, cfg, l);
            });
        }
    }

    /// The pipeline whose consumer is consumer `c`, if any.
    pub(super) fn pipeline_of_consumer(&self, c: usize) -> Option<usize> {
        self.scenario.pipelines.iter().position(|p| p.consumer == c)
    }

    /// Carry every pipeline's requests and results across (after each event).
    pub(super) fn pipelines_sync(&mut self) {
        for k in 0..self.scenario.pipelines.len() {
            // Each pass moves something on; a handful settles any one event.
            for _ in 0..64 {
                if !self.pipeline_step(k) {
                    break;
                }
            }
        }
    }

    fn pipeline_step(&mut self, k: usize) -> bool {
        let d = &self.scenario.pipelines[k];
        let (ci, pi, to) = (d.consumer, d.producer, d.to as u16);
        let c = &mut self.consumers[ci].client;
        if !c.up {
            return false;
        }
        let Some(pipe) = c.pipe.as_mut() else { return false };
        let eos = pipe.exactly_once;
        let forward = std::mem::take(&mut pipe.forward);
        let calls = std::mem::take(&mut pipe.calls);
        let mut moved = false;
        if !forward.is_empty() {
            moved = true;
            let order = self.next_pipe_order();
            self.with_producer(pi, |p, ctx| p.add_job(ctx, order, Job::Forward { topic: to, inputs: forward.into() }));
        }
        for call in calls {
            moved = true;
            let now = self.now;
            match call {
                PipeCall::Commit { offsets, .. } if eos => {
                    let cfg = &self.consumers[ci].config;
                    let c = &self.consumers[ci].client;
                    let o = OffsetsToSend {
                        group: Rc::from(cfg.group_id.as_deref().unwrap_or("")),
                        member_id: c.member_id.clone(),
                        generation: c.generation,
                        instance_id: cfg.group_instance_id.as_deref().map(Rc::from),
                        offsets,
                    };
                    // Streams flushes the producer before it sends the offsets
                    // (StreamTask.prepareCommit -> RecordCollectorImpl.flush, then
                    // StreamsProducer.commitTransaction: sendOffsetsToTransaction, commit).
                    let (o0, o1, o2) = (self.next_pipe_order(), self.next_pipe_order(), self.next_pipe_order());
                    self.with_producer(pi, |p, ctx| {
                        p.txn.offsets_to_send = Some(o);
                        p.add_job(ctx, o0, Job::Op { at_us: now, op: Op::Flush });
                        p.add_job(ctx, o1, Job::Op { at_us: now, op: Op::SendOffsets });
                        p.add_job(ctx, o2, Job::Op { at_us: now, op: Op::Commit });
                    });
                }
                PipeCall::Commit { .. } => {
                    let o = self.next_pipe_order();
                    self.with_producer(pi, |p, ctx| p.add_job(ctx, o, Job::Op { at_us: now, op: Op::Flush }));
                }
                PipeCall::Abort { .. } => {
                    let o = self.next_pipe_order();
                    self.with_producer(pi, |p, ctx| p.add_job(ctx, o, Job::Op { at_us: now, op: Op::Abort }));
                }
            }
        }
        let waiting = self.consumers[ci].client.pipe.as_ref().is_some_and(|p| p.waiting.is_some());
        let p = &self.producers[pi];
        if waiting && p.app.jobs.is_empty() && p.app.blocked.is_none() && p.app.in_send.is_none() {
            let result = if !eos {
                // at_least_once: an output whose send failed fails the commit (Streams'
                // RecordCollector rethrows it at flush), so nothing is committed past it.
                let from = self.pipe_checked.get(k).copied().unwrap_or(0);
                let forwards = &self.history.forwards[from.min(self.history.forwards.len())..];
                let failed = forwards.iter().find_map(|f| match self.history.record(f.0) {
                    r if r.producer as usize == pi => match r.outcome {
                        crate::history::Outcome::Failed(e) => Some(e),
                        _ => None,
                    },
                    _ => None,
                });
                if self.pipe_checked.len() <= k {
                    self.pipe_checked.resize(k + 1, 0);
                }
                self.pipe_checked[k] = self.history.forwards.len();
                match failed {
                    Some(e) => {
                        PipeResult::Failed { error: format!("StreamsException ({})", e.exception()), fatal: false }
                    }
                    None => PipeResult::Ok,
                }
            } else {
                match p.txn.phase {
                    Phase::Ready => PipeResult::Ok,
                    Phase::Fatal(e) => PipeResult::Failed { error: e.exception().to_string(), fatal: true },
                    Phase::AbortableError(e) => PipeResult::Failed { error: e.exception().to_string(), fatal: false },
                    _ => PipeResult::Failed { error: "TimeoutException".into(), fatal: false },
                }
            };
            let was_abort = self.consumers[ci]
                .client
                .pipe
                .as_ref()
                .is_some_and(|p| matches!(p.waiting, Some(PipeCall::Abort { .. })));
            if matches!(result, PipeResult::Failed { fatal: true, .. }) || (eos && was_abort) {
                // EOS v2 replaces a fenced producer, and the producer of tasks closed as
                // lost or migrated (`TaskManager.handleLostAll` ->
                // `reInitializeProducer`, `StreamsProducer.resetProducer`): a new instance
                // with the same transactional.id initializes again.
                self.with_producer(pi, |p, ctx| {
                    p.app.jobs.clear();
                    p.restart(ctx, false)
                });
            }
            self.with_consumer(ci, |c, ctx, cfg| c.pipe_done(ctx, cfg, result));
            moved = true;
        }
        moved
    }

    fn next_pipe_order(&mut self) -> u32 {
        self.pipe_order += 1;
        self.pipe_order
    }

    /// `crash NAME` of a pipeline: its producer dies with it.
    pub(super) fn crash_pipeline_producer(&mut self, c: usize) {
        if let Some(k) = self.pipeline_of_consumer(c) {
            let pi = self.scenario.pipelines[k].producer;
            self.with_producer(pi, |p, ctx| p.halt(ctx));
        }
    }

    /// `restart NAME` of a pipeline: a new producer process too (it initializes its
    /// transactions again, which aborts what the old one left open). Nothing the old
    /// process was asked to do survives it: the new consumer decides again.
    pub(super) fn restart_pipeline_producer(&mut self, c: usize) {
        if let Some(k) = self.pipeline_of_consumer(c) {
            let pi = self.scenario.pipelines[k].producer;
            self.with_producer(pi, |p, ctx| {
                p.app.jobs.clear();
                p.restart(ctx, false)
            });
        }
    }
}
