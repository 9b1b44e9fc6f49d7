//! The scenario's timeline actions as the kernel carries them out: sends and other
//! application calls go to producers, faults (crash, restart, shutdown, pause, drop,
//! delay, cut, isolate, heal) to the brokers and the network, polls to consumers.

use super::{Ev, World};
use crate::plan::{Action, CrashMode, CrashTarget, NodeRef};
use crate::producer::app::{Job, Op, SendJob};
use crate::protocol::Tp;
use crate::sim::{later, NodeId};
use crate::trace::Event;

impl World {
    pub(super) fn node_of(&self, r: NodeRef) -> NodeId {
        match r {
            NodeRef::Broker(b) => NodeId::broker(b),
            NodeRef::Producer(p) => self.producers[p].node,
            NodeRef::Consumer(c) => self.consumer_node(c),
            NodeRef::Controller => NodeId::CONTROLLER,
        }
    }

    pub(super) fn run_action(&mut self, i: usize) {
        let timed = self.scenario.timeline[i].clone();
        self.trace.push(self.now, Event::Action { line: timed.line, text: self.lines[i].clone() });
        let now = self.now;
        match timed.action {
            Action::Send { producer, topic, count, every_us, partition, sync, .. } => {
                let job = Job::Send(SendJob {
                    stmt: i as u32,
                    topic: topic as u16,
                    count,
                    every_us,
                    start_us: now,
                    next: 0,
                    partition,
                    sync,
                });
                self.with_producer(producer, |p, ctx| p.add_job(ctx, i as u32, job));
            }
            Action::Flush { producer } => self.app_op(producer, i, Op::Flush),
            Action::Close { producer, timeout_us } => self.app_op(producer, i, Op::Close(timeout_us)),
            Action::Init { producer } => self.app_op(producer, i, Op::Init),
            Action::Begin { producer } => self.app_op(producer, i, Op::Begin),
            Action::Commit { producer } => self.app_op(producer, i, Op::Commit),
            Action::Abort { producer } => self.app_op(producer, i, Op::Abort),
            Action::RestartApp { producer, resend_unacked } => {
                self.with_producer(producer, |p, ctx| p.restart(ctx, resend_unacked));
            }
            Action::Crash { target, mode } => {
                let id = match target {
                    CrashTarget::Broker(b) => Some(b),
                    CrashTarget::LeaderOf { topic, partition } => {
                        self.controller.image.leader(Tp::new(topic as u16, partition))
                    }
                };
                if let Some(id) = id {
                    self.crash_broker(id, mode);
                }
            }
            Action::Shutdown { broker } => {
                self.with_broker(broker as usize - 1, |b, ctx| b.begin_controlled_shutdown(ctx));
            }
            Action::RestartBroker { broker } => {
                let idx = broker as usize - 1;
                if !self.brokers[idx].up {
                    self.with_broker(idx, |b, ctx| b.restart(ctx));
                }
            }
            Action::Drop { from, to, count, api } => {
                let (f, t) = (self.node_of(from), self.node_of(to));
                self.net.add_drop(f, t, count, api);
            }
            Action::Delay { from, to, by_us, count, api } => {
                let (f, t) = (self.node_of(from), self.node_of(to));
                self.net.add_delay(f, t, by_us, count, api);
            }
            Action::Cut { from, to, for_us } => {
                let (f, t) = (self.node_of(from), self.node_of(to));
                self.net.add_cut(f, t, for_us.map(|d| later(now, d)));
                if let Some(d) = for_us {
                    self.queue.push(later(now, d), Ev::LinkCheck);
                }
            }
            Action::Isolate { node, for_us } => {
                let n = self.node_of(node);
                self.net.add_isolate(n, for_us.map(|d| later(now, d)));
                if let Some(d) = for_us {
                    self.queue.push(later(now, d), Ev::LinkCheck);
                }
            }
            Action::Pause { broker, for_us } => self.pause_broker(broker, for_us),
            Action::Heal => {
                self.net.heal();
                self.release_held();
            }
            Action::Subscribe { consumer, ref topics } => {
                let topics: Vec<u16> = topics.iter().map(|&t| t as u16).collect();
                self.with_consumer(consumer, |c, ctx, cfg| c.subscribe(ctx, cfg, &topics));
            }
            Action::PollLoop { consumer, every_us, process_us, until_us } => {
                let l = crate::consumer::client::PollLoop { every_us, process_us, until_us };
                self.with_consumer(consumer, |c, ctx, cfg| c.start_loop(ctx, cfg, l));
            }
            Action::CommitOffsets { consumer, sync } => {
                self.with_consumer(consumer, |c, ctx, cfg| c.commit(ctx, cfg, sync));
            }
            Action::Stall { consumer, for_us } => {
                self.with_consumer(consumer, |c, ctx, _| c.stall(ctx, for_us));
            }
            Action::CloseConsumer { consumer } => {
                self.with_consumer(consumer, |c, ctx, cfg| c.close(ctx, cfg));
            }
            Action::CrashConsumer { consumer } => {
                self.with_consumer(consumer, |c, ctx, _| c.crash(ctx));
                self.crash_pipeline_producer(consumer);
            }
            Action::RestartConsumer { consumer } => {
                self.with_consumer(consumer, |c, ctx, _| c.crash(ctx));
                self.restart_pipeline_producer(consumer);
                self.with_consumer(consumer, |c, ctx, cfg| c.restart(ctx, cfg));
            }
            Action::Poll { consumer, topic } => {
                let view = crate::view::ClusterView::new(&self.controller.image, &self.brokers);
                let (polled, resets) = self.consumers[consumer].poll(&view, topic as u16);
                let name = self.consumers[consumer].name.clone();
                let topic_name = self.spec.topic_names[topic].clone();
                for r in resets {
                    self.trace.push(
                        now,
                        Event::OffsetOutOfRange {
                            consumer: name.clone(),
                            tp: r.tp,
                            position: r.position,
                            log_start_offset: r.log_start_offset,
                            reset_to: r.reset_to,
                            skipped: r.skipped,
                        },
                    );
                }
                self.trace.push(now, Event::Polled { consumer: name, topic: topic_name, records: polled.len() as u32 });
                // Each record a poll returns is kept in the history: the events budget pays for it.
                self.work += polled.len() as u64;
                self.history.polls.push(crate::history::PollRec {
                    consumer: consumer as u16,
                    topic: topic as u16,
                    at_us: now,
                    records: polled,
                });
            }
        }
    }

    pub(super) fn app_op(&mut self, producer: usize, i: usize, op: Op) {
        let at_us = self.now;
        self.with_producer(producer, |p, ctx| p.add_job(ctx, i as u32, Job::Op { at_us, op }));
    }

    pub(super) fn crash_broker(&mut self, id: u16, mode: CrashMode) {
        let idx = id as usize - 1;
        let power = mode == CrashMode::Power;
        // A process already down can still lose its machine's power (and page cache).
        let b = &self.brokers[idx];
        if !(b.up || power && b.powered) {
            return;
        }
        // A process crash closes its sockets (`with_broker` sends the resets).
        self.with_broker(idx, |b, ctx| b.crash(ctx, power));
        self.end_pause_by_crash(id);
    }
}
