//! A group consumer over the network: `KafkaConsumer` with the classic protocol
//! (`ClassicKafkaConsumer`, `ConsumerCoordinator`, `AbstractCoordinator` and its heartbeat
//! thread, `Fetcher`).
//!
//! The application thread runs the scenario's poll loop: `poll(every)` returns at once
//! what fetches have brought (up to `max.poll.records`), else waits up to `every` for a
//! fetch; then each record takes `process`. Inside `poll` the consumer does what Kafka's
//! does there: the auto-commit when `auto.commit.interval.ms` has passed, joining the group
//! when a rebalance asks for it (only a polling consumer rejoins), and sending fetches.
//! Positions advance when `poll` returns records, so an auto-commit commits what earlier
//! polls returned (at-least-once), and a `commit` while records are still being processed
//! commits them before they are processed (at-most-once for those).
//!
//! The heartbeat thread sends a Heartbeat every `heartbeat.interval.ms` once the member
//! has joined; REBALANCE_IN_PROGRESS asks the next poll to rejoin, ILLEGAL_GENERATION /
//! UNKNOWN_MEMBER_ID mean the member was removed (its partitions are lost, nothing is
//! committed for them). When the application has not polled for `max.poll.interval.ms`
//! the heartbeat thread leaves the group (a static member just stops heartbeating). No
//! heartbeat answer for `session.timeout.ms` marks the coordinator unknown.
//!
//! Rebalances: eager assignors (range, roundrobin, sticky) revoke every partition before
//! rejoining (after an auto-commit); cooperative-sticky keeps its partitions, revokes only
//! those the new assignment moves away, and rejoins so a second rebalance can give them
//! to their new owner. A newly assigned partition starts at its group's committed offset,
//! or at `auto.offset.reset` when none is committed.

use std::collections::VecDeque;
use std::rc::Rc;

use super::assignor::{self, MemberSubscription};
use crate::config::{AssignorKind, AutoOffsetReset, ConsumerConfig, IsolationLevel};
use crate::history::ProcessedRec;
use crate::node::Ctx;
use crate::protocol::Tp;
use crate::protocol::{
    ClusterImage, Error, FetchPartition, FetchRequest, FetchResponse, JoinGroupRequest, JoinGroupResponse, Msg,
};
use crate::sim::{later, Micros, NodeId, VecMap, VecSet};
use crate::trace::Event;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ConsumerTimer {
    /// The application thread's next step (token: stale wake-ups are ignored).
    App(u32),
    /// The heartbeat thread's next pass.
    Heartbeat,
    /// A request got no answer within `request.timeout.ms`.
    RequestTimeout(u32),
    /// Try again what failed (finding the coordinator, metadata, a fetch).
    Retry,
    /// The heartbeat thread looks at the poll timer (`pollTimeoutExpired`).
    PollCheck,
}

pub type CCtx<'a, 'b> = Ctx<'a, 'b, ConsumerTimer>;

/// What a request in flight was for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Req {
    Metadata,
    FindCoordinator,
    Join,
    Sync,
    Heartbeat,
    /// KIP-848 ConsumerGroupHeartbeat (join, heartbeat, acknowledgement or leave).
    ConsumerHeartbeat,
    Leave,
    Commit {
        kind: &'static str,
        offsets: Vec<(Tp, u64)>,
        then_join: bool,
    },
    OffsetFetch,
    ListOffsets {
        earliest: bool,
    },
    Fetch,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberState {
    Unjoined,
    Joining,
    Syncing,
    Stable,
}

/// The application thread.
#[derive(Clone, Debug, PartialEq, Eq)]
enum App {
    /// Not running a poll loop.
    Idle,
    /// Inside `poll`, waiting until this time for records.
    Polling { until: Micros },
    /// Handling what the last poll returned.
    Processing,
    /// Waiting for a `commitSync` answer.
    Committing,
    /// A pipeline's thread waits for its producer (a commit, an abort).
    Pipe,
}

#[derive(Clone, Copy, Debug)]
pub struct PollLoop {
    pub every_us: Micros,
    pub process_us: Micros,
    pub until_us: Option<Micros>,
}

/// One buffered record: id, partition, offset.
type Buffered = (u32, Tp, u64);

pub struct Client {
    pub node: NodeId,
    pub index: u16,
    pub inc: u32,
    pub up: bool,
    pub closed: bool,
    /// The application failed with an exception it does not catch (the loop stopped).
    pub failed: Option<String>,
    pub topic_names: Rc<Vec<String>>,
    pub broker_ids: Vec<u16>,
    pub subscription: Vec<u16>,
    pub poll_loop: Option<PollLoop>,
    /// The loop the timeline started last: a restarted process runs it again, even after
    /// a `close` or an exception stopped it.
    program: Option<PollLoop>,
    image: Option<Rc<ClusterImage>>,
    /// The last metadata applied (kept while `image` is dropped for a refresh), so an
    /// older leader epoch is never taken back (KIP-320).
    last_image: Option<Rc<ClusterImage>>,
    metadata_pending: bool,
    /// A metadata refresh waits for the next retry.
    refresh_scheduled: bool,
    coordinator: Option<u16>,
    pub member_id: Rc<str>,
    pub generation: i32,
    pub state: MemberState,
    rejoin_needed: bool,
    join_reason: String,
    pub protocol: Option<AssignorKind>,
    /// Owned partitions, and the generation they were assigned in.
    pub assignment: Vec<Tp>,
    owned_generation: i32,
    /// The eager StickyAssignor's memory (`StickyAssignor.onAssignment`): the last
    /// assignment and its generation, sent as the subscription's userData on every join
    /// (the eager protocol revokes everything before joining, so its ownedPartitions are
    /// empty; stickiness comes from here). Kept across lost partitions, as the assignor
    /// instance keeps it; a new process starts without it.
    sticky_memory: Vec<Tp>,
    sticky_generation: i32,
    /// Consumed positions (the offset after what polls returned) and fetch positions.
    pub positions: VecMap<Tp, u64>,
    fetch_pos: VecMap<Tp, u64>,
    /// Leader epoch of each partition at its last fetch (KIP-320 `currentLeaderEpoch`).
    buffer: VecDeque<Buffered>,
    /// Partitions waiting for a committed offset or a reset.
    awaiting_position: VecSet<Tp>,
    fetching: VecSet<u16>,
    app: App,
    app_token: u32,
    app_wake: Option<Micros>,
    /// Records returned by the last poll, not yet processed.
    processing: VecDeque<Buffered>,
    polled_at: Micros,
    pub last_poll_us: Micros,
    next_auto_commit_us: Micros,
    /// `SubscriptionState.movePartitionToEnd`: a partition that returned data (or an
    /// error) goes to the end of the fetch order, by when it last did (0: never).
    moved_to_end: VecMap<Tp, u64>,
    move_seq: u64,
    last_hb_ok_us: Micros,
    hb_in_flight: bool,
    hb_scheduled: bool,
    /// When the last classic heartbeat went out: the heartbeat thread's waits of
    /// retry.backoff.ms between heartbeats count from there.
    hb_sent_us: Micros,
    /// The pending PollCheck timer's time.
    poll_check_at: Option<Micros>,
    inflight: VecMap<u32, (u16, Req)>,
    next_corr: u32,
    retry_at: Option<Micros>,
    /// Records the resets of `auto.offset.reset` jumped over.
    pub skipped: u64,
    /// How many records this consumer processed.
    pub processed: u64,
    /// Errors of commits (by error name) and poll timeouts, for the report.
    pub commit_failures: u64,
    /// Leaving after `close`, or after the loop's `until`.
    closing: bool,
    /// A stall (`pause for`) keeps the application thread busy until then.
    stalled_until: Micros,
    /// KIP-848: the heartbeat interval the coordinator gave, and an assignment the
    /// application thread has yet to reconcile (its callbacks run inside poll()).
    hb_interval_us: Micros,
    pending_target: Option<Vec<Tp>>,
    /// The pipeline loop around this consumer, if it is a pipeline's (`consumer::pipe`).
    pub pipe: Option<super::pipe::Pipe>,
}

impl Client {
    pub fn new(node: NodeId, index: u16, topic_names: Rc<Vec<String>>, broker_ids: Vec<u16>) -> Client {
        Client {
            node,
            index,
            inc: 0,
            up: true,
            closed: false,
            failed: None,
            topic_names,
            broker_ids,
            subscription: Vec::new(),
            poll_loop: None,
            program: None,
            image: None,
            last_image: None,
            metadata_pending: false,
            refresh_scheduled: false,
            coordinator: None,
            member_id: Rc::from(""),
            generation: -1,
            state: MemberState::Unjoined,
            rejoin_needed: true,
            join_reason: String::new(),
            protocol: None,
            assignment: Vec::new(),
            owned_generation: -1,
            sticky_memory: Vec::new(),
            sticky_generation: -1,
            positions: VecMap::new(),
            fetch_pos: VecMap::new(),
            buffer: VecDeque::new(),
            awaiting_position: VecSet::new(),
            fetching: VecSet::new(),
            app: App::Idle,
            app_token: 0,
            app_wake: None,
            processing: VecDeque::new(),
            polled_at: 0,
            last_poll_us: 0,
            next_auto_commit_us: 0,
            moved_to_end: VecMap::new(),
            move_seq: 0,
            last_hb_ok_us: 0,
            hb_in_flight: false,
            hb_scheduled: false,
            hb_sent_us: 0,
            poll_check_at: None,
            inflight: VecMap::new(),
            next_corr: 0,
            retry_at: None,
            skipped: 0,
            processed: 0,
            commit_failures: 0,
            closing: false,
            stalled_until: 0,
            hb_interval_us: 0,
            pending_target: None,
            pipe: None,
        }
    }

    /// Whether there is nothing left for this consumer to do by itself: not looping, or
    /// caught up (nothing buffered or being processed, a stable member, no request
    /// outstanding but heartbeats).
    pub fn quiet(
        &self,
        cfg: &ConsumerConfig,
        ends: impl Fn(Tp) -> Option<u64>,
        committed: impl Fn(Tp) -> Option<u64>,
    ) -> bool {
        if !self.up || self.closed || self.poll_loop.is_none() || self.failed.is_some() {
            return true;
        }
        if self.state != MemberState::Stable
            || self.rejoin_needed
            || !self.processing.is_empty()
            || !self.buffer.is_empty()
        {
            return false;
        }
        if !self.awaiting_position.is_empty() || self.app == App::Committing || self.app == App::Pipe {
            return false;
        }
        if self.pipe.as_ref().is_some_and(|p| p.dirty || p.waiting.is_some() || !p.forward.is_empty()) {
            return false;
        }
        self.assignment.iter().all(|&tp| {
            let pos = self.positions.get(&tp).copied();
            let caught_up = match (pos, ends(tp)) {
                (Some(p), Some(end)) => p >= end,
                (None, _) => false,
                (_, None) => true,
            };
            caught_up && (!cfg.enable_auto_commit || committed(tp) == pos)
        })
    }

    /// No reconciliation waiting for the application thread and no join in progress.
    pub fn settled_membership(&self) -> bool {
        self.pending_target.is_none() && matches!(self.state, MemberState::Stable)
    }

    fn corr(&mut self) -> u32 {
        self.next_corr += 1;
        self.next_corr
    }

    fn request(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, broker: u16, req: Req, msg: Msg) {
        let corr = msg.corr().unwrap_or(0);
        self.inflight.insert(corr, (broker, req));
        ctx.send(NodeId::broker(broker), None, msg);
        ctx.timer(later(ctx.now, cfg.request_timeout_us), ConsumerTimer::RequestTimeout(corr));
    }

    /// `Metadata.update`: a partition whose leader epoch in `new` is older than the one
    /// already known (a broker that has not heard of the last election yet answered) keeps
    /// the known leader (KIP-320).
    fn newer_metadata(&self, new: Rc<ClusterImage>) -> Rc<ClusterImage> {
        let Some(old) = &self.last_image else { return new };
        let stale: Vec<Tp> = new
            .partitions()
            .filter(|(tp, p)| old.partition(*tp).is_some_and(|o| o.leader_epoch > p.leader_epoch))
            .map(|(tp, _)| tp)
            .collect();
        if stale.is_empty() {
            return new;
        }
        let mut merged = (*new).clone();
        for tp in stale {
            if let Some(o) = old.partition(tp) {
                merged.topics[tp.topic as usize][tp.partition as usize] = o.clone();
            }
        }
        Rc::new(merged)
    }

    fn any_broker(&self, ctx: &CCtx) -> u16 {
        let n = self.broker_ids.len().max(1);
        let live: Vec<u16> = match &self.image {
            Some(img) => self.broker_ids.iter().copied().filter(|&b| !img.broker_fenced(b)).collect(),
            None => self.broker_ids.clone(),
        };
        let pool = if live.is_empty() { &self.broker_ids } else { &live };
        pool[(ctx.now as usize / 1000 + self.next_corr as usize) % pool.len().min(n).max(1)]
    }

    fn modern(cfg: &ConsumerConfig) -> bool {
        cfg.group_protocol == crate::config::GroupProtocol::Consumer
    }

    fn group(cfg: &ConsumerConfig) -> Rc<str> {
        Rc::from(cfg.group_id.clone().unwrap_or_default())
    }

    fn instance(cfg: &ConsumerConfig) -> Option<Rc<str>> {
        cfg.group_instance_id.as_deref().map(Rc::from)
    }

    // ---- the timeline's calls ----

    pub fn subscribe(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, topics: &[u16]) {
        let mut topics = topics.to_vec();
        crate::sim::sort::sort(&mut topics);
        topics.dedup();
        if self.subscription != topics {
            self.subscription = topics;
            if self.generation >= 0 {
                self.request_rejoin("subscription changed");
            }
        }
        self.ensure_metadata(ctx, cfg);
    }

    pub fn start_loop(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, l: PollLoop) {
        if self.closed || !self.up {
            return;
        }
        self.poll_loop = Some(l);
        self.program = Some(l);
        self.last_poll_us = ctx.now;
        if self.app == App::Idle {
            self.poll(ctx, cfg);
        }
    }

    /// `pause for D`: the application thread is stuck for D (a long GC, a slow call).
    pub fn stall(&mut self, ctx: &mut CCtx, for_us: Micros) {
        let until = later(ctx.now, for_us);
        self.stalled_until = self.stalled_until.max(until);
        if let Some(w) = self.app_wake {
            self.set_app_wake(ctx, later(w.max(ctx.now), for_us).max(until));
        } else if self.poll_loop.is_some() {
            self.set_app_wake(ctx, until);
        }
    }

    fn set_app_wake(&mut self, ctx: &mut CCtx, at: Micros) {
        self.app_token += 1;
        self.app_wake = Some(at);
        ctx.timer(at, ConsumerTimer::App(self.app_token));
    }

    /// `commitSync()` / `commitAsync()` of the current positions.
    pub fn commit(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, sync: bool) {
        if !self.up || self.closed {
            return;
        }
        let kind = if sync { "sync" } else { "async" };
        self.send_commit(ctx, cfg, kind, false);
        let sent = self.inflight.values().any(|(_, r)| matches!(r, Req::Commit { kind: "sync", .. }));
        if sync && sent && self.app != App::Idle && self.app != App::Committing {
            // commitSync blocks the application thread until it is answered.
            self.app = App::Committing;
            self.app_wake = None;
            self.app_token += 1;
        }
    }

    pub fn close(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        if !self.up || self.closed || self.closing {
            return;
        }
        self.poll_loop = None;
        self.closing = true;
        self.app = App::Idle;
        self.app_wake = None;
        self.processing.clear();
        // `close()`: a final commit with auto-commit (onPartitionsRevoked), then LeaveGroup
        // for a dynamic member.
        if cfg.enable_auto_commit && self.generation >= 0 && !self.positions.is_empty() {
            self.send_commit(ctx, cfg, "auto", false);
        }
        self.leave(ctx, cfg, "the consumer is being closed");
        self.finish_close(ctx);
    }

    fn finish_close(&mut self, ctx: &mut CCtx) {
        if !self.assignment.is_empty() {
            ctx.trace(Event::PartitionsRevoked { consumer: self.node, partitions: self.assignment.clone() });
        }
        self.closed = true;
        self.assignment.clear();
        self.buffer.clear();
        ctx.trace(Event::ConsumerClosed { consumer: self.node });
    }

    /// `unsubscribe()`'s `maybeLeaveGroup`, keeping the partitions for the caller to drop.
    pub(super) fn leave_on_unsubscribe(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        self.leave(ctx, cfg, "the consumer unsubscribed from all topics");
    }

    fn leave(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, why: &'static str) {
        if Self::modern(cfg) {
            // KIP-848: epoch -1 leaves; -2 is a static member leaving for a while.
            if let (Some(_), true) = (self.coordinator, self.generation > 0) {
                let epoch = if cfg.group_instance_id.is_some() { -2 } else { -1 };
                self.send_consumer_heartbeat(ctx, cfg, epoch);
            }
            self.reset_generation(cfg, true);
            return;
        }
        if cfg.group_instance_id.is_none() && !self.member_id.is_empty() && self.generation >= 0 {
            if let Some(c) = self.coordinator {
                let corr = self.corr();
                let msg =
                    Msg::LeaveGroup { corr, group: Self::group(cfg), member_id: self.member_id.clone(), reason: why };
                self.request(ctx, cfg, c, Req::Leave, msg);
            }
        }
        self.reset_generation(cfg, true);
    }

    /// The process dies: nothing is committed, nobody is told.
    pub fn crash(&mut self, ctx: &mut CCtx) {
        if !self.up {
            return;
        }
        ctx.trace(Event::ConsumerCrashed { consumer: self.node, processing: self.processing.len() as u32 });
        self.up = false;
    }

    /// A new process: same configuration, subscription and poll loop; all state afresh.
    pub fn restart(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        let (subscription, poll_loop) = (self.subscription.clone(), self.program);
        let fresh = Client::new(self.node, self.index, self.topic_names.clone(), self.broker_ids.clone());
        let (inc, skipped, processed) = (self.inc + 1, self.skipped, self.processed);
        // A pipeline's new process: same loop settings, nothing of the old one's state.
        let pipe = self.pipe.take().map(|p| super::pipe::Pipe {
            exactly_once: p.exactly_once,
            commit_interval_us: p.commit_interval_us,
            commits: p.commits,
            aborts: p.aborts,
            last_commit_us: ctx.now,
            ..Default::default()
        });
        *self = fresh;
        self.pipe = pipe;
        self.inc = inc;
        self.skipped = skipped;
        self.processed = processed;
        ctx.trace(Event::ConsumerRestarted { consumer: self.node });
        ctx.inc = inc;
        if !subscription.is_empty() {
            self.subscribe(ctx, cfg, &subscription);
        }
        if let Some(l) = poll_loop.filter(|l| l.until_us.is_none_or(|u| u > ctx.now)) {
            self.start_loop(ctx, cfg, l);
        }
    }

    // ---- the application thread ----

    pub fn on_timer(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, t: ConsumerTimer) {
        if !self.up || self.closed {
            return;
        }
        match t {
            ConsumerTimer::App(token) => {
                if token == self.app_token {
                    self.app_wake = None;
                    self.app_step(ctx, cfg);
                }
            }
            ConsumerTimer::Heartbeat => {
                self.hb_scheduled = false;
                self.heartbeat_pass(ctx, cfg);
            }
            ConsumerTimer::PollCheck => {
                if self.poll_check_at != Some(ctx.now) {
                    return;
                }
                self.poll_check_at = None;
                if self.generation < 0 || !matches!(self.state, MemberState::Stable | MemberState::Syncing) {
                    return; // armed again by the next heartbeat pass in the group
                }
                if self.poll_expired(ctx, cfg) {
                    self.poll_timed_out(ctx, cfg);
                } else {
                    self.arm_poll_check(ctx, cfg);
                }
            }
            ConsumerTimer::RequestTimeout(corr) => {
                if let Some((broker, req)) = self.inflight.remove(&corr) {
                    self.request_failed(ctx, cfg, broker, req);
                }
            }
            ConsumerTimer::Retry => {
                if self.retry_at.is_some_and(|t| t <= ctx.now) {
                    self.retry_at = None;
                    if std::mem::take(&mut self.refresh_scheduled) {
                        self.ensure_metadata(ctx, cfg);
                    }
                    self.drive(ctx, cfg);
                }
            }
        }
    }

    fn app_step(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        if ctx.now < self.stalled_until {
            self.set_app_wake(ctx, self.stalled_until);
            return;
        }
        match self.app {
            App::Processing => {
                let Some(l) = self.poll_loop else { return };
                if l.process_us == 0 {
                    while let Some(r) = self.processing.pop_front() {
                        self.mark_processed(ctx, r);
                    }
                } else if let Some(r) = self.processing.pop_front() {
                    self.mark_processed(ctx, r);
                }
                if self.processing.is_empty() {
                    self.poll(ctx, cfg);
                } else {
                    self.set_app_wake(ctx, later(ctx.now, l.process_us));
                }
            }
            App::Polling { .. } | App::Idle => self.poll(ctx, cfg),
            App::Committing | App::Pipe => {}
        }
    }

    fn mark_processed(&mut self, ctx: &mut CCtx, (record, tp, offset): Buffered) {
        self.processed += 1;
        self.pipe_processed(record, tp, offset);
        ctx.obs.history.processed.push(ProcessedRec {
            consumer: self.index,
            record,
            tp,
            offset,
            polled_us: self.polled_at,
            at_us: ctx.now,
            generation: self.generation,
        });
    }

    /// `KafkaConsumer.poll(every)`.
    fn poll(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        let Some(l) = self.poll_loop else {
            self.app = App::Idle;
            return;
        };
        if l.until_us.is_some_and(|u| ctx.now >= u) {
            self.close(ctx, cfg);
            return;
        }
        self.last_poll_us = ctx.now;
        // A pipeline commits between polls once `commit.interval.ms` has passed.
        if self.state == MemberState::Stable && self.coordinator.is_some() && self.pipe_maybe_commit(ctx, false) {
            return;
        }
        // `maybeAutoCommitOffsetsAsync`.
        if cfg.enable_auto_commit && self.state == MemberState::Stable && ctx.now >= self.next_auto_commit_us {
            self.next_auto_commit_us = later(ctx.now, cfg.auto_commit_interval_us);
            if !self.positions.is_empty() {
                self.send_commit(ctx, cfg, "auto", false);
            }
        }
        // The classic consumer hands out what it has buffered before it sends a fetch
        // (`ClassicKafkaConsumer.pollForFetches`: collectFetch, then sendFetches), so the
        // next request carries the returned partitions too; KIP-848's background thread
        // fetches on every pass.
        let fetch_first = self.buffer.is_empty() || Self::modern(cfg);
        self.drive_fetching(ctx, cfg, fetch_first);
        if self.app == App::Pipe {
            // A pipeline's commit before the rebalance blocks this poll().
            return;
        }
        if !self.buffer.is_empty() {
            self.return_records(ctx, cfg, l);
            return;
        }
        let until = match self.app {
            App::Polling { until } if until > ctx.now => until,
            _ => later(ctx.now, l.every_us.max(1)),
        };
        self.app = App::Polling { until };
        // A poll(timeout) waits at most until the next auto-commit is due
        // (`coordinator.timeToNextPoll`), commits, and goes on waiting.
        let mut wake = until;
        if cfg.enable_auto_commit && self.state == MemberState::Stable && self.next_auto_commit_us > ctx.now {
            wake = wake.min(self.next_auto_commit_us);
        }
        if let Some(u) = l.until_us {
            wake = wake.min(u);
        }
        self.set_app_wake(ctx, wake);
    }

    /// Hand the buffered records to the application (up to `max.poll.records`).
    fn return_records(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, l: PollLoop) {
        let n = (cfg.max_poll_records as usize).min(self.buffer.len());
        let batch: Vec<Buffered> = self.buffer.drain(..n).collect();
        let mut i = 0;
        while i < batch.len() {
            let tp = batch[i].1;
            let j = batch[i..].iter().position(|b| b.1 != tp).map_or(batch.len(), |k| i + k);
            let (from, to) = (batch[i].2, batch[j - 1].2);
            ctx.trace(Event::RecordsReturned {
                consumer: self.node,
                tp,
                from_offset: from,
                to_offset: to,
                records: (j - i) as u32,
            });
            self.positions.insert(tp, to + 1);
            self.sync_position(tp);
            i = j;
        }
        ctx.obs.history.polls.push(crate::history::PollRec {
            consumer: self.index,
            topic: batch.first().map_or(0, |b| b.1.topic),
            at_us: ctx.now,
            records: batch.iter().map(|b| b.0).collect(),
        });
        self.polled_at = ctx.now;
        self.processing = batch.into();
        self.app = App::Processing;
        self.send_fetches(ctx, cfg);
        if l.process_us == 0 {
            self.set_app_wake(ctx, ctx.now);
        } else {
            self.set_app_wake(ctx, later(ctx.now, l.process_us));
        }
    }

    /// Everything the consumer does between calls: metadata, the coordinator, joining,
    /// positions and fetches.
    fn drive(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        self.drive_fetching(ctx, cfg, true);
    }

    fn drive_fetching(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, fetch: bool) {
        if !self.up || self.closed || self.closing {
            return;
        }
        if self.image.is_none() {
            self.ensure_metadata(ctx, cfg);
            return;
        }
        if self.coordinator.is_none() {
            self.find_coordinator(ctx, cfg);
            return;
        }
        let polling = matches!(self.app, App::Polling { .. }) || self.app == App::Idle;
        if polling && self.pending_target.is_some() {
            self.reconcile(ctx, cfg);
        }
        if (self.rejoin_needed || self.state == MemberState::Unjoined) && self.poll_loop.is_some() && polling {
            if self.state != MemberState::Joining && self.state != MemberState::Syncing {
                self.join(ctx, cfg);
            }
            return;
        }
        self.fetch_positions(ctx, cfg);
        if fetch {
            self.send_fetches(ctx, cfg);
        }
    }

    fn schedule_retry(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        let at = later(ctx.now, cfg.retry_backoff_us);
        if self.retry_at.is_none_or(|t| t > at) {
            self.retry_at = Some(at);
            ctx.timer(at, ConsumerTimer::Retry);
        }
    }

    /// Refresh the metadata `retry.backoff.ms` from now (once at a time).
    fn schedule_metadata_refresh(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        if !self.metadata_pending && !self.refresh_scheduled {
            self.refresh_scheduled = true;
            self.schedule_retry(ctx, cfg);
        }
    }

    fn ensure_metadata(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        if self.metadata_pending {
            return;
        }
        self.metadata_pending = true;
        let b = self.any_broker(ctx);
        let corr = self.corr();
        self.request(ctx, cfg, b, Req::Metadata, Msg::MetadataRequest { corr });
    }

    fn find_coordinator(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        if self.inflight.values().any(|(_, r)| *r == Req::FindCoordinator) {
            return;
        }
        let b = self.any_broker(ctx);
        let corr = self.corr();
        let msg = Msg::FindCoordinator { corr, key: Self::group(cfg), group: true };
        self.request(ctx, cfg, b, Req::FindCoordinator, msg);
    }

    fn mark_coordinator_unknown(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        if self.coordinator.take().is_some() {
            // Requests to the old coordinator are abandoned.
            let stale: Vec<u32> = self
                .inflight
                .iter()
                .filter(|(_, (_, r))| {
                    matches!(r, Req::Join | Req::Sync | Req::Heartbeat | Req::ConsumerHeartbeat | Req::OffsetFetch)
                })
                .map(|(c, _)| *c)
                .collect();
            for c in stale {
                if let Some((_, r)) = self.inflight.remove(&c) {
                    match r {
                        Req::Join | Req::Sync => self.state = MemberState::Unjoined,
                        Req::Heartbeat | Req::ConsumerHeartbeat => {
                            self.hb_in_flight = false;
                            if self.state == MemberState::Joining {
                                self.state = MemberState::Unjoined;
                            }
                        }
                        Req::OffsetFetch => self.awaiting_position.clear(),
                        _ => {}
                    }
                }
            }
            if self.state != MemberState::Stable {
                self.rejoin_needed = true;
            }
        }
        self.schedule_retry(ctx, cfg);
    }

    fn request_rejoin(&mut self, why: &str) {
        if !self.rejoin_needed {
            self.join_reason = why.to_string();
        }
        self.rejoin_needed = true;
    }

    /// The application thread blocks until the pipeline's producer call completes.
    pub(super) fn block_app_on_pipe(&mut self) {
        self.app = App::Pipe;
        self.app_wake = None;
        self.app_token += 1;
    }

    /// The pipeline's call completed: the thread goes on (with the join it was preparing).
    pub(super) fn pipe_resume(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, then_join: bool) {
        self.app = App::Idle;
        if then_join {
            self.after_prepare_commit(ctx, cfg);
        }
        self.set_app_wake(ctx, ctx.now);
    }

    /// at_least_once, after the flush: `commitSync` of what was processed.
    pub(super) fn pipe_commit_sync(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, then_join: bool) {
        self.app = App::Idle;
        self.send_commit(ctx, cfg, "sync", then_join);
        let sent = self.inflight.values().any(|(_, r)| matches!(r, Req::Commit { kind: "sync", .. }));
        if sent && !then_join {
            self.app = App::Committing;
        } else if sent {
            // The thread goes back to its poll(), which waits for the join.
            self.set_app_wake(ctx, ctx.now);
        } else {
            // No coordinator to commit to: poll() looks for one; try again after the backoff.
            self.set_app_wake(ctx, later(ctx.now, cfg.retry_backoff_us));
        }
    }

    pub(super) fn lose_all(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, reason: &str) {
        self.lose_partitions(ctx, cfg, reason);
    }

    /// `resetGenerationOnResponseError` / `resetStateAndRejoin`: the member is out of the
    /// group; what it owned is lost (onPartitionsLost, no commit).
    fn lose_partitions(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, reason: &str) {
        // Heartbeat and SyncGroup keep the member id on ILLEGAL_GENERATION only.
        let reset_member_id = !reason.ends_with(Error::IllegalGeneration.name());
        if !self.assignment.is_empty() {
            ctx.trace(Event::PartitionsLost {
                consumer: self.node,
                partitions: self.assignment.clone(),
                reason: reason.to_string(),
            });
        }
        let dropped = std::mem::take(&mut self.assignment);
        self.forget(&dropped);
        self.pipe_partitions_lost(reason);
        self.reset_generation(cfg, reset_member_id);
        self.request_rejoin(reason);
    }

    /// `resetStateAndGeneration(reason, shouldResetMemberId)`.
    fn reset_generation(&mut self, cfg: &ConsumerConfig, reset_member_id: bool) {
        self.generation = -1;
        // Classic: with shouldResetMemberId the generation becomes Generation.NO_GENERATION,
        // whose member id is empty, static member or not (the coordinator maps the
        // group.instance.id to a new member id on the JoinGroup); ILLEGAL_GENERATION keeps
        // the id, which may still be valid. A KIP-848 static member keeps its id.
        if cfg.group_instance_id.is_none() || (!Self::modern(cfg) && reset_member_id) {
            self.member_id = Rc::from("");
        }
        self.state = MemberState::Unjoined;
        self.rejoin_needed = true;
        self.owned_generation = -1;
    }

    /// Drop positions and buffered records of partitions no longer owned.
    fn forget(&mut self, tps: &[Tp]) {
        for tp in tps {
            self.positions.remove(tp);
            self.fetch_pos.remove(tp);
            self.awaiting_position.remove(tp);
        }
        self.buffer.retain(|b| !tps.contains(&b.1));
    }

    /// `joinGroupIfNeeded`: `onJoinPrepare`, then JoinGroup.
    fn join(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        self.join_with(ctx, cfg, true);
    }

    fn join_with(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, prepare_commit: bool) {
        let Some(coord) = self.coordinator else { return };
        if Self::modern(cfg) {
            // KIP-848: the member id is the client's own (KIP-1082); epoch 0 joins.
            if self.member_id.is_empty() {
                self.member_id = Rc::from(format!("{}-{}", ctx.obs.names.node(self.node), self.inc));
            }
            self.state = MemberState::Joining;
            self.send_consumer_heartbeat(ctx, cfg, 0);
            return;
        }
        let cooperative = self.protocol.is_some_and(AssignorKind::cooperative);
        if prepare_commit && self.pipe.is_some() && (self.generation >= 0 || !self.assignment.is_empty()) {
            // A pipeline commits what it processed before giving partitions up.
            let state = self.state;
            self.state = MemberState::Joining;
            if self.pipe_maybe_commit(ctx, true) {
                return;
            }
            self.state = state;
        }
        if prepare_commit && (self.generation >= 0 || !self.assignment.is_empty()) {
            // onJoinPrepare: commit (auto-commit) before giving partitions up.
            if cfg.enable_auto_commit && !self.positions.is_empty() {
                if self.inflight.values().any(|(_, r)| matches!(r, Req::Commit { then_join: true, .. })) {
                    return;
                }
                self.state = MemberState::Joining;
                self.send_commit(ctx, cfg, "auto", true);
                return;
            }
        }
        if !cooperative && !self.assignment.is_empty() {
            // Eager: every partition is revoked before rejoining.
            ctx.trace(Event::PartitionsRevoked { consumer: self.node, partitions: self.assignment.clone() });
            let dropped = std::mem::take(&mut self.assignment);
            self.forget(&dropped);
        }
        self.state = MemberState::Joining;
        let corr = self.corr();
        // Eager sticky: the userData's previous assignment and generation
        // (StickyAssignor.memberData reads both from it); cooperative: ownedPartitions.
        let eager_sticky = !cooperative && cfg.assignors.contains(&AssignorKind::Sticky);
        let (mut owned, owned_generation) = if eager_sticky {
            (self.sticky_memory.clone(), self.sticky_generation)
        } else {
            (self.assignment.clone(), self.owned_generation)
        };
        crate::sim::sort::sort(&mut owned);
        let req = JoinGroupRequest {
            corr,
            group: Self::group(cfg),
            member_id: self.member_id.clone(),
            instance_id: Self::instance(cfg),
            session_timeout_us: cfg.session_timeout_us,
            rebalance_timeout_us: cfg.max_poll_interval_us,
            protocols: cfg.assignors.clone(),
            topics: self.subscription.clone(),
            owned,
            owned_generation,
            reason: Rc::from(self.join_reason.as_str()),
        };
        self.request(ctx, cfg, coord, Req::Join, Msg::JoinGroup(Box::new(req)));
        // A join may wait up to the rebalance timeout: its request timeout is longer.
        ctx.timer(
            later(ctx.now, cfg.max_poll_interval_us.saturating_add(5_000_000)),
            ConsumerTimer::RequestTimeout(corr),
        );
    }

    fn send_commit(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, kind: &'static str, then_join: bool) {
        let Some(coord) = self.coordinator else {
            if then_join {
                self.state = MemberState::Unjoined;
            }
            return;
        };
        let offsets: Vec<(Tp, u64)> =
            self.positions.iter().filter(|(tp, _)| self.assignment.contains(tp)).map(|(tp, o)| (*tp, *o)).collect();
        if offsets.is_empty() {
            if then_join {
                self.state = MemberState::Unjoined;
                self.after_prepare_commit(ctx, cfg);
            }
            return;
        }
        let corr = self.corr();
        let msg = Msg::OffsetCommit {
            corr,
            group: Self::group(cfg),
            member_id: self.member_id.clone(),
            generation: self.generation,
            offsets: offsets.clone(),
        };
        self.request(ctx, cfg, coord, Req::Commit { kind, offsets, then_join }, msg);
    }

    /// The commit before a rejoin is done (or failed): go on with the join.
    fn after_prepare_commit(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        self.state = MemberState::Unjoined;
        if self.coordinator.is_some() && self.rejoin_needed {
            self.join_with(ctx, cfg, false);
        }
    }

    // ---- the heartbeat thread ----

    /// `Heartbeat.pollTimeoutExpired`: the application stopped polling for
    /// max.poll.interval.ms (the poll timer's deadline is reached, `Timer.isExpired`).
    fn poll_expired(&self, ctx: &CCtx, cfg: &ConsumerConfig) -> bool {
        let busy = self.poll_loop.is_some() || self.app != App::Idle;
        busy && ctx.now >= self.last_poll_us.saturating_add(cfg.max_poll_interval_us)
    }

    /// When the heartbeat thread would see the poll timer expire if nothing polls before:
    /// classic, at its first look after the deadline (between heartbeats it waits
    /// retry.backoff.ms at a time, `AbstractCoordinator.HeartbeatThread.run`); KIP-848, at
    /// the deadline itself (the network thread sleeps no longer than the poll timer's
    /// remaining time, `HeartbeatRequestManager.maximumTimeToWait`).
    fn poll_check_time(&self, cfg: &ConsumerConfig) -> Micros {
        let deadline = self.last_poll_us.saturating_add(cfg.max_poll_interval_us);
        if Self::modern(cfg) || self.hb_sent_us >= deadline {
            return deadline;
        }
        let step = cfg.retry_backoff_us.max(1);
        self.hb_sent_us + (deadline - self.hb_sent_us).div_ceil(step) * step
    }

    /// Arms the heartbeat thread's next look at the poll timer (one pending at a time: it
    /// comes no later than the deadline of any later poll, and re-arms itself).
    fn arm_poll_check(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        let busy = self.poll_loop.is_some() || self.app != App::Idle;
        if !busy || self.poll_check_at.is_some_and(|t| t >= ctx.now) {
            return;
        }
        let at = self.poll_check_time(cfg).max(ctx.now);
        self.poll_check_at = Some(at);
        ctx.timer(at, ConsumerTimer::PollCheck);
    }

    /// The poll timeout expired: the partitions are lost and the member leaves the group
    /// (a static member only stops heartbeating), to rejoin on its next poll.
    fn poll_timed_out(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        ctx.trace(Event::PollTimeout { consumer: self.node, max_poll_interval_ms: cfg.max_poll_interval_us / 1000 });
        if !self.assignment.is_empty() {
            ctx.trace(Event::PartitionsLost {
                consumer: self.node,
                partitions: self.assignment.clone(),
                reason: "consumer poll timeout has expired".into(),
            });
        }
        let dropped = std::mem::take(&mut self.assignment);
        self.forget(&dropped);
        self.pipe_partitions_lost("consumer poll timeout has expired");
        self.leave(ctx, cfg, "consumer poll timeout has expired.");
        self.request_rejoin("consumer poll timeout has expired");
    }

    fn schedule_heartbeat(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        if !self.hb_scheduled {
            self.hb_scheduled = true;
            let every = if Self::modern(cfg) && self.hb_interval_us > 0 {
                self.hb_interval_us
            } else {
                cfg.heartbeat_interval_us
            };
            ctx.timer(later(ctx.now, every), ConsumerTimer::Heartbeat);
        }
    }

    /// ConsumerGroupHeartbeat with `epoch` (0 joins, -1/-2 leave), the member's owned
    /// partitions, and on a join its subscription, rebalance timeout and server assignor.
    fn send_consumer_heartbeat(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, epoch: i32) {
        let Some(c) = self.coordinator else { return };
        let joining = epoch == 0;
        let corr = self.corr();
        let req = crate::protocol::ConsumerGroupHeartbeatRequest {
            corr,
            group: Self::group(cfg),
            member_id: self.member_id.clone(),
            member_epoch: epoch,
            instance_id: Self::instance(cfg),
            rebalance_timeout_us: cfg.max_poll_interval_us,
            topics: joining.then(|| self.subscription.clone()),
            server_assignor: if joining { cfg.group_remote_assignor.as_deref().map(Rc::from) } else { None },
            owned: Some(self.assignment.clone()),
        };
        self.hb_in_flight = epoch >= 0;
        self.request(ctx, cfg, c, Req::ConsumerHeartbeat, Msg::ConsumerGroupHeartbeat(Box::new(req)));
    }

    fn consumer_heartbeat_answered(
        &mut self,
        ctx: &mut CCtx,
        cfg: &ConsumerConfig,
        resp: crate::protocol::ConsumerGroupHeartbeatResponse,
    ) {
        self.hb_in_flight = false;
        match resp.error {
            Error::None => {}
            Error::FencedMemberEpoch | Error::UnknownMemberId => {
                self.lose_partitions(ctx, cfg, &format!("ConsumerGroupHeartbeat answered {}", resp.error.name()));
                if resp.error == Error::UnknownMemberId {
                    self.member_id = Rc::from("");
                }
                self.wake_to_rejoin(ctx);
                return;
            }
            Error::NotCoordinator | Error::CoordinatorNotAvailable => {
                if self.state == MemberState::Joining {
                    self.state = MemberState::Unjoined;
                }
                self.mark_coordinator_unknown(ctx, cfg);
                return;
            }
            e => {
                // UNRELEASED_INSTANCE_ID (a static member's old instance still holds its
                // place), FENCED_INSTANCE_ID, ...: fatal, poll() throws.
                self.failed = Some(format!("{}: ConsumerGroupHeartbeat failed with {}", e.exception(), e.name()));
                self.poll_loop = None;
                self.app = App::Idle;
                return;
            }
        }
        if resp.member_epoch < 0 || self.closed || self.closing {
            return;
        }
        self.generation = resp.member_epoch;
        self.hb_interval_us = resp.heartbeat_interval_us;
        self.last_hb_ok_us = ctx.now;
        if self.state == MemberState::Joining {
            self.state = MemberState::Stable;
            self.rejoin_needed = false;
        }
        if let Some(a) = resp.assignment {
            let mut a = a;
            crate::sim::sort::sort(&mut a);
            if a != self.assignment {
                self.pending_target = Some(a);
            }
        }
        self.schedule_heartbeat(ctx, cfg);
        if matches!(self.app, App::Polling { .. } | App::Idle) {
            self.reconcile(ctx, cfg);
        }
    }

    fn wake_to_rejoin(&mut self, ctx: &mut CCtx) {
        if matches!(self.app, App::Polling { .. }) {
            self.set_app_wake(ctx, ctx.now);
        }
    }

    /// KIP-848 reconciliation, on the application thread: commit (auto-commit) and revoke
    /// what the new assignment drops, take what it adds, and acknowledge at once.
    fn reconcile(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        let Some(target) = self.pending_target.take() else { return };
        let revoked: Vec<Tp> = self.assignment.iter().filter(|t| !target.contains(t)).copied().collect();
        let added: Vec<Tp> = target.iter().filter(|t| !self.assignment.contains(t)).copied().collect();
        if !revoked.is_empty() {
            // `maybeAutoCommitSyncBeforeRevocation`: every consumed position, not only the
            // revoked partitions' (`subscriptions.allConsumed()`).
            if cfg.enable_auto_commit {
                self.send_commit(ctx, cfg, "auto", false);
            }
            ctx.trace(Event::PartitionsRevoked { consumer: self.node, partitions: revoked.clone() });
            self.forget(&revoked);
        }
        self.assignment = target;
        if !added.is_empty() || revoked.is_empty() {
            ctx.trace(Event::PartitionsAssigned {
                consumer: self.node,
                generation: self.generation,
                partitions: added,
            });
        }
        self.owned_generation = self.generation;
        // `signalReconciliationCompleting`: the auto-commit timer starts again from now
        // that the member has a new assignment.
        if cfg.enable_auto_commit {
            self.next_auto_commit_us = later(ctx.now, cfg.auto_commit_interval_us);
        }
        // Acknowledge the new ownership without waiting for the next interval.
        if !self.hb_in_flight {
            let epoch = self.generation;
            self.send_consumer_heartbeat(ctx, cfg, epoch);
        }
        self.fetch_positions(ctx, cfg);
        self.send_fetches(ctx, cfg);
    }

    fn heartbeat_pass(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        if self.generation < 0 || !matches!(self.state, MemberState::Stable | MemberState::Syncing) {
            return;
        }
        let modern = Self::modern(cfg);
        // `pollTimeoutExpired`: the application stopped polling.
        if self.poll_expired(ctx, cfg) {
            self.poll_timed_out(ctx, cfg);
            return;
        }
        self.arm_poll_check(ctx, cfg);
        if !modern && ctx.now.saturating_sub(self.last_hb_ok_us) > cfg.session_timeout_us {
            self.last_hb_ok_us = ctx.now;
            self.mark_coordinator_unknown(ctx, cfg);
            return;
        }
        if modern {
            if !self.hb_in_flight {
                let epoch = self.generation;
                self.send_consumer_heartbeat(ctx, cfg, epoch);
            }
            self.schedule_heartbeat(ctx, cfg);
            return;
        }
        if let (false, Some(c)) = (self.hb_in_flight, self.coordinator) {
            self.hb_in_flight = true;
            self.hb_sent_us = ctx.now;
            let corr = self.corr();
            let msg = Msg::Heartbeat {
                corr,
                group: Self::group(cfg),
                member_id: self.member_id.clone(),
                instance_id: Self::instance(cfg),
                generation: self.generation,
            };
            self.request(ctx, cfg, c, Req::Heartbeat, msg);
        }
        self.schedule_heartbeat(ctx, cfg);
    }

    // ---- responses ----

    pub fn on_message(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, from: NodeId, msg: Msg) {
        if !self.up || self.closed {
            return;
        }
        if matches!(msg, Msg::Reset) {
            let broken: Vec<u32> = self.inflight.iter().filter(|(_, (b, _))| *b == from.0).map(|(c, _)| *c).collect();
            for c in broken {
                if let Some((b, r)) = self.inflight.remove(&c) {
                    self.request_failed(ctx, cfg, b, r);
                }
            }
            return;
        }
        let Some(corr) = msg.corr() else { return };
        let Some((_, req)) = self.inflight.remove(&corr) else { return };
        match (req, msg) {
            (Req::Metadata, Msg::MetadataResponse { image, .. }) => {
                self.metadata_pending = false;
                let image = self.newer_metadata(image);
                self.last_image = Some(image.clone());
                self.image = Some(image);
                self.drive(ctx, cfg);
            }
            (Req::FindCoordinator, Msg::FindCoordinatorResponse { error, coordinator, .. }) => match coordinator {
                Some(c) if error == Error::None => {
                    self.coordinator = Some(c);
                    self.last_hb_ok_us = ctx.now;
                    self.drive(ctx, cfg);
                }
                _ => self.schedule_retry(ctx, cfg),
            },
            (Req::Join, Msg::JoinGroupResponse(resp)) => self.join_answered(ctx, cfg, *resp),
            (Req::Sync, Msg::SyncGroupResponse { error, assignment, .. }) => {
                self.sync_answered(ctx, cfg, error, assignment)
            }
            (Req::Heartbeat, Msg::HeartbeatResponse { error, .. }) => {
                self.hb_in_flight = false;
                self.heartbeat_answered(ctx, cfg, error)
            }
            (Req::ConsumerHeartbeat, Msg::ConsumerGroupHeartbeatResponse(resp)) => {
                self.consumer_heartbeat_answered(ctx, cfg, *resp)
            }
            (Req::Leave, _) => {}
            (Req::Commit { kind, offsets, then_join }, Msg::OffsetCommitResponse { error, .. }) => {
                self.commit_answered(ctx, cfg, kind, offsets, error);
                if then_join {
                    self.after_prepare_commit(ctx, cfg);
                }
            }
            (Req::OffsetFetch, Msg::OffsetFetchResponse { error, offsets, .. }) => {
                self.offsets_fetched(ctx, cfg, error, offsets)
            }
            (Req::ListOffsets { earliest }, Msg::ListOffsetsResponse { tp, error, offset, .. }) => {
                // `SubscriptionState.maybeSeekUnvalidated`: a reset applies only to a
                // partition still assigned and still awaiting it; a late answer (a request
                // of an earlier generation, held by the network) must not move a position
                // the consumer has found since.
                let awaiting = self.awaiting_position.remove(&tp);
                if error == Error::None {
                    if awaiting && self.assignment.contains(&tp) && !self.positions.contains_key(&tp) {
                        self.set_position(ctx, tp, offset, if earliest { "earliest" } else { "latest" });
                    }
                } else {
                    self.image = None;
                    self.schedule_retry(ctx, cfg);
                }
                self.drive(ctx, cfg);
            }
            (Req::Fetch, Msg::FetchResponse(resp)) => {
                self.fetching.remove(&from.0);
                self.fetch_answered(ctx, cfg, resp);
            }
            _ => {}
        }
    }

    fn request_failed(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, broker: u16, req: Req) {
        match req {
            Req::Metadata => {
                self.metadata_pending = false;
                self.schedule_retry(ctx, cfg);
            }
            Req::FindCoordinator => self.schedule_retry(ctx, cfg),
            Req::Join | Req::Sync => {
                self.state = MemberState::Unjoined;
                self.mark_coordinator_unknown(ctx, cfg);
            }
            Req::Heartbeat | Req::ConsumerHeartbeat => {
                self.hb_in_flight = false;
                if self.state == MemberState::Joining {
                    self.state = MemberState::Unjoined;
                }
                self.mark_coordinator_unknown(ctx, cfg);
            }
            Req::Leave => {}
            Req::Commit { kind, then_join, .. } => {
                self.commit_failed(ctx, kind, Error::CoordinatorNotAvailable);
                self.mark_coordinator_unknown(ctx, cfg);
                if then_join {
                    self.state = MemberState::Unjoined;
                }
            }
            Req::OffsetFetch => {
                self.awaiting_position.clear();
                self.mark_coordinator_unknown(ctx, cfg);
            }
            Req::ListOffsets { .. } => {
                self.awaiting_position.clear();
                self.image = None;
                self.schedule_retry(ctx, cfg);
            }
            Req::Fetch => {
                self.fetching.remove(&broker);
                self.image = None;
                self.schedule_retry(ctx, cfg);
            }
        }
    }

    fn join_answered(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, resp: JoinGroupResponse) {
        self.state = MemberState::Unjoined;
        match resp.error {
            Error::None => {}
            Error::MemberIdRequired => {
                self.member_id = resp.member_id;
                self.join(ctx, cfg);
                return;
            }
            Error::UnknownMemberId | Error::IllegalGeneration => {
                self.lose_partitions(ctx, cfg, &format!("JoinGroup failed with {}", resp.error.name()));
                self.join(ctx, cfg);
                return;
            }
            Error::NotCoordinator | Error::CoordinatorNotAvailable => {
                self.mark_coordinator_unknown(ctx, cfg);
                return;
            }
            Error::RebalanceInProgress => {
                self.join(ctx, cfg);
                return;
            }
            e => {
                // INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT, FENCED_INSTANCE_ID:
                // poll() throws and the application stops.
                self.failed = Some(format!("{}: JoinGroup failed with {}", e.exception(), e.name()));
                self.poll_loop = None;
                self.app = App::Idle;
                return;
            }
        }
        self.member_id = resp.member_id.clone();
        self.generation = resp.generation;
        self.protocol = resp.protocol;
        self.state = MemberState::Syncing;
        self.last_hb_ok_us = ctx.now;
        let assignments = if !resp.members.is_empty() { self.assign(&resp) } else { Vec::new() };
        let Some(c) = self.coordinator else { return };
        let corr = self.corr();
        let msg = Msg::SyncGroup {
            corr,
            group: Self::group(cfg),
            member_id: self.member_id.clone(),
            generation: self.generation,
            assignments,
        };
        self.request(ctx, cfg, c, Req::Sync, msg);
        self.schedule_heartbeat(ctx, cfg);
    }

    /// The group leader runs the chosen assignor over every member's subscription.
    fn assign(&self, resp: &JoinGroupResponse) -> Vec<(Rc<str>, Vec<Tp>)> {
        let Some(kind) = resp.protocol else { return Vec::new() };
        let names = &self.topic_names;
        let mut counts = VecMap::new();
        for m in &resp.members {
            for &t in &m.topics {
                let n = self.image.as_ref().map_or(0, |i| i.partition_count(t));
                counts.insert(names[t as usize].clone(), n);
            }
        }
        let members: Vec<MemberSubscription> = resp
            .members
            .iter()
            .map(|m| MemberSubscription {
                member_id: m.member_id.to_string(),
                group_instance_id: m.instance_id.as_deref().map(str::to_string),
                topics: m.topics.iter().map(|&t| names[t as usize].clone()).collect(),
                owned: m.owned.iter().map(|tp| (names[tp.topic as usize].clone(), tp.partition)).collect(),
                generation: m.owned_generation,
            })
            .collect();
        let out = assignor::assign(kind, &counts, &members);
        let topic_index = |name: &str| names.iter().position(|n| n == name).unwrap_or(0) as u16;
        resp.members
            .iter()
            .map(|m| {
                let parts = out
                    .get(&*m.member_id)
                    .map(|v| v.iter().map(|(t, p)| Tp::new(topic_index(t), *p)).collect())
                    .unwrap_or_default();
                (m.member_id.clone(), parts)
            })
            .collect()
    }

    fn sync_answered(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, error: Error, mut assignment: Vec<Tp>) {
        match error {
            Error::None => {}
            Error::RebalanceInProgress => {
                self.state = MemberState::Unjoined;
                self.request_rejoin("SyncGroup answered REBALANCE_IN_PROGRESS");
                return;
            }
            Error::NotCoordinator | Error::CoordinatorNotAvailable => {
                self.state = MemberState::Unjoined;
                self.mark_coordinator_unknown(ctx, cfg);
                return;
            }
            e => {
                self.lose_partitions(ctx, cfg, &format!("SyncGroup failed with {}", e.name()));
                return;
            }
        }
        crate::sim::sort::sort(&mut assignment);
        self.state = MemberState::Stable;
        self.rejoin_needed = false;
        self.join_reason.clear();
        let cooperative = self.protocol.is_some_and(AssignorKind::cooperative);
        let revoked: Vec<Tp> = self.assignment.iter().filter(|t| !assignment.contains(t)).copied().collect();
        let added: Vec<Tp> = assignment.iter().filter(|t| !self.assignment.contains(t)).copied().collect();
        if !revoked.is_empty() {
            ctx.trace(Event::PartitionsRevoked { consumer: self.node, partitions: revoked.clone() });
            self.forget(&revoked);
        }
        self.sticky_memory.clone_from(&assignment);
        self.sticky_generation = self.generation;
        self.assignment = assignment;
        self.owned_generation = self.generation;
        ctx.trace(Event::PartitionsAssigned { consumer: self.node, generation: self.generation, partitions: added });
        if cooperative && !revoked.is_empty() {
            // The revoked partitions go to their new owner in a follow-up rebalance.
            self.request_rejoin("need to revoke partitions and re-join");
        }
        // `onJoinComplete`: the auto-commit timer starts again from now.
        if cfg.enable_auto_commit {
            self.next_auto_commit_us = later(ctx.now, cfg.auto_commit_interval_us);
        }
        self.schedule_heartbeat(ctx, cfg);
        self.drive(ctx, cfg);
        if matches!(self.app, App::Polling { .. }) && (self.rejoin_needed || !self.buffer.is_empty()) {
            self.set_app_wake(ctx, ctx.now);
        }
    }

    fn heartbeat_answered(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, error: Error) {
        match error {
            Error::None => self.last_hb_ok_us = ctx.now,
            Error::RebalanceInProgress => {
                self.last_hb_ok_us = ctx.now;
                if self.state == MemberState::Stable {
                    self.request_rejoin("group is rebalancing (Heartbeat answered REBALANCE_IN_PROGRESS)");
                    if matches!(self.app, App::Polling { .. }) {
                        self.set_app_wake(ctx, ctx.now);
                    }
                }
            }
            Error::IllegalGeneration | Error::UnknownMemberId | Error::FencedInstanceId => {
                self.lose_partitions(ctx, cfg, &format!("Heartbeat answered {}", error.name()));
            }
            _ => self.mark_coordinator_unknown(ctx, cfg),
        }
    }

    fn commit_answered(
        &mut self,
        ctx: &mut CCtx,
        cfg: &ConsumerConfig,
        kind: &'static str,
        offsets: Vec<(Tp, u64)>,
        error: Error,
    ) {
        if error == Error::None {
            ctx.trace(Event::OffsetsCommitted {
                consumer: self.node,
                group: Self::group(cfg).to_string(),
                kind,
                offsets,
            });
            if kind == "sync" {
                self.pipe_committed(ctx);
            }
        } else {
            self.commit_failed(ctx, kind, error);
            if kind == "auto" && error.retriable() && cfg.enable_auto_commit {
                // `autoCommitOffsetsAsync`: a RetriableCommitFailedException tries again
                // after retry.backoff.ms, not a whole auto.commit.interval.ms later.
                self.next_auto_commit_us = later(ctx.now, cfg.retry_backoff_us);
                if let App::Polling { until } = self.app {
                    self.set_app_wake(ctx, until.min(self.next_auto_commit_us));
                }
            }
            match error {
                Error::NotCoordinator | Error::CoordinatorNotAvailable => self.mark_coordinator_unknown(ctx, cfg),
                Error::RebalanceInProgress => self.request_rejoin("OffsetCommit answered REBALANCE_IN_PROGRESS"),
                Error::IllegalGeneration | Error::UnknownMemberId => {
                    self.lose_partitions(ctx, cfg, &format!("OffsetCommit answered {}", error.name()))
                }
                _ => {}
            }
        }
        if self.app == App::Committing && kind == "sync" {
            // The application thread goes on: the record it was handling starts over.
            if self.processing.is_empty() {
                self.app = App::Idle;
                self.set_app_wake(ctx, ctx.now);
            } else {
                self.app = App::Processing;
                let step = self.poll_loop.map_or(0, |l| l.process_us);
                self.set_app_wake(ctx, later(ctx.now, step));
            }
        }
    }

    fn commit_failed(&mut self, ctx: &mut CCtx, kind: &'static str, error: Error) {
        self.commit_failures += 1;
        ctx.trace(Event::OffsetCommitFailed { consumer: self.node, kind, error });
    }

    // ---- positions and fetching ----

    fn fetch_positions(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        let missing: Vec<Tp> = self
            .assignment
            .iter()
            .filter(|tp| !self.positions.contains_key(tp) && !self.awaiting_position.contains(tp))
            .copied()
            .collect();
        if missing.is_empty() {
            return;
        }
        let Some(c) = self.coordinator else { return };
        for tp in &missing {
            self.awaiting_position.insert(*tp);
        }
        let corr = self.corr();
        // KIP-447: a read_committed consumer asks for stable offsets only.
        let require_stable = cfg.isolation_level == IsolationLevel::ReadCommitted;
        let msg = Msg::OffsetFetch { corr, group: Self::group(cfg), partitions: missing, require_stable };
        self.request(ctx, cfg, c, Req::OffsetFetch, msg);
    }

    fn offsets_fetched(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, error: Error, offsets: Vec<(Tp, Option<u64>)>) {
        if error == Error::UnstableOffsetCommit {
            // A transaction holding offsets for these partitions has not completed:
            // `UnstableOffsetCommitException` is retriable; fetch again after the backoff.
            self.awaiting_position.clear();
            self.schedule_retry(ctx, cfg);
            return;
        }
        if error != Error::None {
            self.awaiting_position.clear();
            self.mark_coordinator_unknown(ctx, cfg);
            return;
        }
        for (tp, committed) in offsets {
            if !self.assignment.contains(&tp) {
                self.awaiting_position.remove(&tp);
                continue;
            }
            match committed {
                Some(o) => {
                    self.awaiting_position.remove(&tp);
                    self.set_position(ctx, tp, o, "committed");
                }
                None => self.reset_position(ctx, cfg, tp),
            }
        }
        self.drive(ctx, cfg);
    }

    /// `auto.offset.reset` for a partition without a usable position.
    fn reset_position(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, tp: Tp) {
        let tp_name = tp.name(ctx.obs.names);
        let earliest = match cfg.auto_offset_reset {
            AutoOffsetReset::Earliest => true,
            AutoOffsetReset::Latest => false,
            AutoOffsetReset::None => {
                self.failed = Some(format!(
                    "NoOffsetForPartitionException: Undefined offset with no reset policy for partitions: [{tp_name}]"
                ));
                self.poll_loop = None;
                self.awaiting_position.remove(&tp);
                return;
            }
        };
        let Some(leader) = self.image.as_ref().and_then(|i| i.leader(tp)) else {
            self.awaiting_position.remove(&tp);
            self.image = None;
            self.schedule_retry(ctx, cfg);
            return;
        };
        self.awaiting_position.insert(tp);
        let corr = self.corr();
        let read_committed = cfg.isolation_level == IsolationLevel::ReadCommitted;
        let msg = Msg::ListOffsets { corr, tp, earliest, read_committed };
        self.request(ctx, cfg, leader, Req::ListOffsets { earliest }, msg);
    }

    /// With nothing of `tp` left buffered, the position is the fetch position: past
    /// control records and aborted batches, as Kafka's `nextFetchOffset`.
    fn sync_position(&mut self, tp: Tp) {
        if self.buffer.iter().any(|b| b.1 == tp) {
            return;
        }
        if let (Some(&f), Some(p)) = (self.fetch_pos.get(&tp), self.positions.get_mut(&tp)) {
            *p = (*p).max(f);
        }
    }

    fn set_position(&mut self, ctx: &mut CCtx, tp: Tp, offset: u64, from: &'static str) {
        self.positions.insert(tp, offset);
        self.fetch_pos.insert(tp, offset);
        ctx.trace(Event::PositionSet { consumer: self.node, tp, offset, from });
    }

    /// `Fetcher.sendFetches`: one request per leader for the owned partitions that have a
    /// position and nothing buffered or in flight.
    fn send_fetches(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig) {
        let Some(image) = self.image.clone() else { return };
        let mut by_leader: VecMap<u16, Vec<FetchPartition>> = VecMap::new();
        let mut leaderless = false;
        let mut order = self.assignment.clone();
        order.sort_by_key(|tp| self.moved_to_end.get(tp).copied().unwrap_or(0));
        for &tp in &order {
            let Some(&pos) = self.fetch_pos.get(&tp) else { continue };
            if self.buffer.iter().any(|b| b.1 == tp) {
                continue;
            }
            let Some(p) = image.partition(tp) else { continue };
            let Some(leader) = p.leader else {
                leaderless = true;
                continue;
            };
            if self.fetching.contains(&leader) {
                continue;
            }
            by_leader.entry(leader).or_default().push(FetchPartition {
                tp,
                fetch_offset: pos,
                last_fetched_epoch: None,
                current_leader_epoch: p.leader_epoch,
            });
        }
        if leaderless {
            // A partition without a leader: ask for metadata again (after the backoff).
            self.schedule_metadata_refresh(ctx, cfg);
        }
        for (leader, partitions) in by_leader {
            self.fetching.insert(leader);
            let corr = self.corr();
            let req = FetchRequest {
                corr,
                replica: 0,
                isolation: Some(cfg.isolation_level),
                partitions,
                max_wait_us: cfg.fetch_max_wait_us,
                min_bytes: cfg.fetch_min_bytes,
                max_bytes: cfg.fetch_max_bytes,
                partition_max_bytes: cfg.max_partition_fetch_bytes,
            };
            self.request(ctx, cfg, leader, Req::Fetch, Msg::Fetch(req));
        }
    }

    fn fetch_answered(&mut self, ctx: &mut CCtx, cfg: &ConsumerConfig, resp: FetchResponse) {
        let mut refresh = false;
        for part in resp.partitions {
            let tp = part.tp;
            let Some(&pos) = self.fetch_pos.get(&tp) else { continue };
            if !self.assignment.contains(&tp) {
                continue;
            }
            if part.error != Error::None || !part.batches.is_empty() {
                self.move_seq += 1;
                self.moved_to_end.insert(tp, self.move_seq);
            }
            match part.error {
                Error::None => {}
                Error::OffsetOutOfRange => {
                    // The position is outside the log: `auto.offset.reset`.
                    let reset_to = match cfg.auto_offset_reset {
                        AutoOffsetReset::Earliest => Some(part.log_start_offset),
                        // ListOffsets(LATEST) with the consumer's isolation level: the
                        // LSO for read_committed (`lastFetchableOffset`).
                        AutoOffsetReset::Latest if cfg.isolation_level == IsolationLevel::ReadCommitted => {
                            Some(part.last_stable_offset)
                        }
                        AutoOffsetReset::Latest => Some(part.high_watermark),
                        AutoOffsetReset::None => None,
                    };
                    let skipped = match reset_to {
                        Some(to) if pos < to => (to - pos) as u32,
                        _ => 0,
                    };
                    self.skipped += u64::from(skipped);
                    ctx.trace(Event::OffsetOutOfRange {
                        consumer: ctx.obs.names.node(self.node),
                        tp,
                        position: pos,
                        log_start_offset: part.log_start_offset,
                        reset_to,
                        skipped,
                    });
                    match reset_to {
                        Some(to) => self.set_position(ctx, tp, to, "reset"),
                        None => {
                            self.failed = Some(format!("OffsetOutOfRangeException: Fetch position FetchPosition{{offset={pos}}} is out of range for partition {}", tp.name(ctx.obs.names)));
                            self.poll_loop = None;
                        }
                    }
                    continue;
                }
                _ => {
                    refresh = true;
                    continue;
                }
            }
            let mut next = pos;
            for b in &part.batches {
                if b.next_offset() <= next {
                    continue;
                }
                let skip = b.data.control.is_some() || part.aborted.contains(&b.base_offset);
                if !skip {
                    for (rid, off) in b.data.record_offsets(b.base_offset) {
                        if off >= next {
                            self.buffer.push_back((rid, tp, off));
                        }
                    }
                }
                next = b.next_offset();
            }
            self.fetch_pos.insert(tp, next);
            self.sync_position(tp);
        }
        if refresh {
            self.image = None;
            self.schedule_retry(ctx, cfg);
        }
        match self.app {
            App::Polling { .. } if !self.buffer.is_empty() => self.set_app_wake(ctx, ctx.now),
            App::Polling { .. } => self.send_fetches(ctx, cfg),
            _ => {}
        }
    }
}
