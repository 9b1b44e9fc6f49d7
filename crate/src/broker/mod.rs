//! A Kafka broker as a state machine: partition leader and follower, storage, and (for
//! transactional ids hashed to it) transaction coordinator.
//!
//! Map: `log` (offsets, epochs, segments, durability), `replica` (HW, ISR, follower
//! views), `producer_state` (dedup cache, transactions, LSO), `produce` (ProduceRequest,
//! acks, purgatory), `fetch` (the leader's fetch handling and the follower's fetcher,
//! divergence and truncation), `control` (metadata from the controller: becoming leader
//! or follower, heartbeats, AlterPartition), `storage` (flush policy, OS writeback, HW
//! checkpoint, crash and recovery), `coordinator` (transactions).
//!
//! What survives a crash is what a real broker keeps on disk: each replica's log (all of
//! it after a process crash, the durable part after a power loss), the leader-epoch
//! cache and the HW checkpoint. Everything else (roles, ISR views, parked requests,
//! fetch sessions) starts afresh with a new incarnation.

pub mod cleaner;
pub mod consumer_group;
pub mod control;
pub mod coordinator;
pub mod fetch;
pub mod group;
pub mod log;
pub mod produce;
pub mod producer_state;
pub mod replica;
pub mod retention;
pub mod shutdown;
pub mod storage;
pub mod txn_add;
pub mod txn_offsets;
pub mod validate;

use crate::sim::VecMap;
use std::rc::Rc;

use crate::config::{BrokerConfig, KafkaVersion, TopicConfig};
use crate::node::Ctx;
use crate::protocol::Tp;
use crate::protocol::{ClusterImage, Error, Msg};
use crate::sim::{later, Micros, NodeId};

use coordinator::TxnLog;
use produce::DelayedProduce;
use replica::Replica;

/// What every broker knows of the cluster's static layout.
#[derive(Debug)]
pub struct ClusterSpec {
    pub version: KafkaVersion,
    /// Finalized feature levels (`transaction.version`, `eligible.leader.replicas.version`).
    pub features: crate::plan::Features,
    pub broker_cfg: BrokerConfig,
    pub broker_ids: Vec<u16>,
    pub topic_names: Vec<String>,
    pub topic_cfgs: Vec<Rc<TopicConfig>>,
    /// `assignment[topic][partition]` = replica list, preferred leader first.
    pub assignment: Vec<Vec<Vec<u16>>>,
    /// The records' contents (a leader that recompresses a batch needs its bytes) and
    /// the wall-clock epoch (LogAppendTime, timestamp checks).
    pub workload: Rc<crate::producer::Workload>,
    /// The cost model (the page cache's size, the disks).
    pub hardware: Rc<crate::sim::cost::Hardware>,
}

impl ClusterSpec {
    /// KAFKA-15583 (3.7): the HW does not advance under min ISR, and min ISR is capped at RF.
    pub fn min_isr_rule(&self) -> bool {
        self.version.at_least(3, 7)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BrokerTimer {
    /// Send the next BrokerHeartbeat to the controller.
    Heartbeat,
    /// `isr-expiration`, every `replica.lag.time.max.ms / 2`.
    IsrExpiration,
    /// The OS flusher (`vm.dirty_writeback_centisecs`).
    Writeback,
    /// `replication-offset-checkpoint` (HW), every 5 s.
    HwCheckpoint,
    /// `kafka-log-flusher`: first at `log.initial.task.delay.ms`, then every
    /// `log.flush.scheduler.interval.ms`.
    LogFlusher,
    /// `kafka-log-retention`: first at `log.initial.task.delay.ms`, then every
    /// `log.retention.check.interval.ms`.
    LogRetention,
    /// The log cleaner thread wakes.
    LogCleaner,
    /// A parked acks=all produce reached its timeout.
    ProduceTimeout(u64),
    /// A parked fetch reached `replica.fetch.wait.max.ms`.
    FetchWait(u64),
    /// The follower's fetcher toward this leader may fetch again.
    Fetcher(u16),
    /// The fetcher's request to this leader got no answer within `replica.socket.timeout.ms`.
    FetchTimeout(u16, u32),
    /// Coordinator: look for timed-out transactions.
    TxnAbortCheck,
    /// Coordinator: resend markers that could not be written.
    MarkerRetry,
    /// TV2: a produce waiting for the coordinator to add its partitions timed out.
    TxnAddTimeout(u32),
    /// TV2: ask the coordinator again after CONCURRENT_TRANSACTIONS.
    TxnAddRetry(u32),
    /// A controlled shutdown got no approval in time.
    ShutdownTimeout,
    /// Coordinator: the WriteTxnMarkers request with this correlation id got no answer
    /// within the broker's `request.timeout.ms`.
    MarkerTimeout(u32),
    /// Group coordinator: a deadline of the group with this index (sessions, join, sync).
    GroupCheck(u32),
    /// A reply held back until a write the broker could not commit timed out
    /// (`Broker::delayed_replies`).
    DelayedReply(u32),
}

pub type BCtx<'a, 'b> = Ctx<'a, 'b, BrokerTimer>;

/// A follower's fetch session toward one leader.
#[derive(Clone, Debug, Default)]
pub struct Fetcher {
    pub in_flight: Option<u32>,
    pub backoff_until_us: Micros,
    /// Partitions answered with an error, left out until then (`delayPartitions`), by the
    /// leader epoch they were fetched at: a new epoch starts them afresh.
    pub delayed: VecMap<Tp, (u32, Micros)>,
}

pub struct Broker {
    pub id: u16,
    pub node: NodeId,
    pub spec: Rc<ClusterSpec>,
    /// Process incarnation (changes at every restart).
    pub inc: u32,
    /// The process runs.
    pub up: bool,
    /// The machine has power (false after `crash mode=power` until restart).
    pub powered: bool,
    pub image: Option<Rc<ClusterImage>>,
    pub replicas: VecMap<Tp, Replica>,
    pub fetchers: VecMap<u16, Fetcher>,
    pub delayed_produce: VecMap<u64, DelayedProduce>,
    /// TV2: produce requests waiting for AddPartitionsToTxn answers, by correlation id.
    pub parked_produce: VecMap<u32, txn_add::ParkedProduce>,
    pub delayed_fetch: VecMap<u64, fetch::DelayedFetch>,
    pub txn_log: Rc<std::cell::RefCell<TxnLog>>,
    /// The metadata the controller quorum has committed, shared by every broker (the
    /// kernel keeps it current; None before it does): whether a write this broker makes
    /// to an internal topic it believes it leads would be replicated. A broker fenced
    /// while it could not hear still believes it leads, but its followers follow the new
    /// leader, so its writes never commit.
    pub quorum: Rc<std::cell::RefCell<Option<Rc<ClusterImage>>>>,
    /// Replies sent when a write that cannot commit times out, by id: (to, incarnation,
    /// message).
    pub delayed_replies: VecMap<u32, (NodeId, u32, Msg)>,
    /// `__consumer_offsets` (shared by every broker, see `group`).
    pub groups: Rc<std::cell::RefCell<group::GroupLog>>,
    /// Producer ids this broker hands out (a block of 1000 per incarnation).
    pub next_producer_id: i64,
    pub next_corr: u32,
    next_delayed: u64,
    /// (corr, tp) of AlterPartition requests in flight.
    pub alter_in_flight: VecMap<u32, Tp>,
    /// AlterPartition correlation ids already outstanding at the previous ISR check.
    pub alter_seen: crate::sim::VecSet<u32>,
    /// fsyncs made by what the broker is handling now, and the dirty bytes they wrote
    /// (the world turns them into the handler's time, see `world::handle`).
    pub fsync_work: (u32, u64),
    /// Time what the broker is handling now waits for its disks besides fsyncs: reads of
    /// bytes evicted from the page cache, an append throttled at `vm.dirty_ratio`.
    pub disk_wait_ns: u64,
    /// Up to when the OS's background writeback has been accounted (see `storage`).
    pub disk_at_us: Micros,
    /// Bytes ever appended on this host (an upper bound of what is dirty or cached: below
    /// the thresholds the page cache model has nothing to do).
    pub written_bytes: u64,
    /// Produce results this broker answered, by error (for the report's `responses`).
    pub responses: VecMap<crate::protocol::Error, u64>,
    /// WriteTxnMarkers in flight: corr → transactional id.
    pub markers_in_flight: VecMap<u32, String>,
    /// The partition leader each marker request in flight went to.
    pub marker_targets: VecMap<u32, u16>,
    /// When the one pending marker retry runs (markers for partitions without a leader,
    /// or answered with an error, are retried together: Kafka's marker channel keeps them
    /// queued and drains the queue on its send thread's next pass).
    pub marker_retry_at_us: Option<Micros>,
    /// When the next heartbeat (a registration, for a new incarnation) goes out.
    pub heartbeat_at_us: Option<Micros>,
    /// Registrations of this incarnation the controller refused in a row.
    pub registration_failures: u32,
    /// In controlled shutdown until this deadline.
    pub shutdown_deadline_us: Option<Micros>,
    /// `.kafka_cleanshutdown` is on disk (the last stop was a controlled shutdown).
    pub clean_shutdown_marker: bool,
    /// This incarnation started from a clean shutdown and has not registered yet.
    pub clean_restart: bool,
    /// This incarnation has not been unfenced yet (`BrokerLifecycleManager`'s STARTING and
    /// RECOVERY states): it heartbeats every 10 ms until it is.
    pub starting: bool,
    pub started_us: Micros,
    /// The OS flusher has a wake-up queued (it runs while the machine has power, even
    /// when the Kafka process is down).
    pub writeback_pending: bool,
}

impl Broker {
    pub fn new(id: u16, spec: Rc<ClusterSpec>, txn_log: Rc<std::cell::RefCell<TxnLog>>) -> Broker {
        let mut replicas = VecMap::new();
        for (t, parts) in spec.assignment.iter().enumerate() {
            for (p, reps) in parts.iter().enumerate() {
                if reps.contains(&id) {
                    let tp = Tp::new(t as u16, p as u32);
                    replicas.insert(tp, Replica::new(tp, reps.clone(), spec.topic_cfgs[t].clone()));
                }
            }
        }
        Broker {
            id,
            node: NodeId::broker(id),
            spec,
            inc: 0,
            up: true,
            powered: true,
            image: None,
            replicas,
            fetchers: VecMap::new(),
            delayed_produce: VecMap::new(),
            parked_produce: VecMap::new(),
            delayed_fetch: VecMap::new(),
            txn_log,
            quorum: Rc::default(),
            delayed_replies: VecMap::new(),
            groups: Rc::default(),
            next_producer_id: id as i64 * 1000,
            next_corr: 0,
            next_delayed: 0,
            alter_in_flight: VecMap::new(),
            alter_seen: crate::sim::VecSet::new(),
            markers_in_flight: VecMap::new(),
            marker_targets: VecMap::new(),
            marker_retry_at_us: None,
            heartbeat_at_us: None,
            registration_failures: 0,
            shutdown_deadline_us: None,
            clean_shutdown_marker: false,
            clean_restart: false,
            starting: false,
            fsync_work: (0, 0),
            disk_wait_ns: 0,
            disk_at_us: 0,
            written_bytes: 0,
            responses: VecMap::new(),
            started_us: 0,
            writeback_pending: false,
        }
    }

    pub fn cfg(&self) -> &BrokerConfig {
        &self.spec.broker_cfg
    }

    pub fn corr(&mut self) -> u32 {
        self.next_corr += 1;
        self.next_corr
    }

    pub fn delayed_id(&mut self) -> u64 {
        self.next_delayed += 1;
        self.next_delayed
    }

    /// The process starts (at time 0, or on restart): schedule periodic tasks and register.
    pub fn start(&mut self, ctx: &mut BCtx) {
        self.started_us = ctx.now;
        let cfg = self.cfg().clone();
        self.registration_failures = 0;
        self.starting = true;
        self.schedule_heartbeat(ctx, ctx.now);
        ctx.timer(later(ctx.now, cfg.replica_lag_time_max_us / 2), BrokerTimer::IsrExpiration);
        ctx.timer(later(ctx.now, cfg.hw_checkpoint_interval_us), BrokerTimer::HwCheckpoint);
        ctx.timer(later(ctx.now, cfg.log_initial_task_delay_us), BrokerTimer::LogFlusher);
        ctx.timer(later(ctx.now, cfg.log_initial_task_delay_us), BrokerTimer::LogRetention);
        if self.spec.topic_cfgs.iter().any(|t| t.cleanup_compact) {
            ctx.timer(ctx.now, BrokerTimer::LogCleaner);
        }
        ctx.timer(later(ctx.now, cfg.transaction_abort_cleanup_interval_us), BrokerTimer::TxnAbortCheck);
        if !self.writeback_pending {
            self.schedule_writeback(ctx);
        }
    }

    pub fn on_message(&mut self, ctx: &mut BCtx, from: NodeId, from_inc: u32, msg: Msg) {
        match msg {
            Msg::Connect { corr } => ctx.send(from, Some(from_inc), Msg::ConnectOk { corr }),
            Msg::MetadataRequest { corr } => {
                if let Some(image) = self.image.clone() {
                    ctx.send(from, Some(from_inc), Msg::MetadataResponse { corr, image });
                }
            }
            Msg::Produce(req) => self.handle_produce(ctx, from, from_inc, req),
            Msg::Fetch(req) => self.handle_fetch(ctx, from, from_inc, req),
            Msg::FetchResponse(resp) => self.handle_fetch_response(ctx, from, resp),
            Msg::Reset => self.handle_reset(ctx, from),
            Msg::MetadataPush { image } => self.apply_image(ctx, image),
            Msg::BrokerHeartbeatResponse { fenced, image, error, should_shutdown } => {
                self.handle_heartbeat_response(ctx, fenced, image, error);
                self.shutdown_answered(ctx, should_shutdown);
            }
            Msg::AlterPartitionResponse { corr, tp, error } => {
                self.handle_alter_partition_response(ctx, corr, tp, error)
            }
            Msg::InitProducerId { corr, transactional_id, transaction_timeout_us, current } => self
                .handle_init_producer_id(ctx, from, from_inc, corr, transactional_id, transaction_timeout_us, current),
            Msg::FindCoordinator { corr, key, group } => {
                self.handle_find_coordinator(ctx, from, from_inc, corr, key, group)
            }
            Msg::AddPartitionsToTxn { corr, transactional_id, producer_id, producer_epoch, partitions } => self
                .handle_add_partitions(
                    ctx,
                    from,
                    from_inc,
                    corr,
                    transactional_id,
                    producer_id,
                    producer_epoch,
                    partitions,
                ),
            Msg::EndTxn { corr, transactional_id, producer_id, producer_epoch, commit } => {
                self.handle_end_txn(ctx, from, from_inc, corr, transactional_id, producer_id, producer_epoch, commit)
            }
            Msg::WriteTxnMarkers { corr, markers } => self.handle_write_markers(ctx, from, from_inc, corr, markers),
            Msg::WriteTxnMarkersResponse { corr, results } => self.handle_write_markers_response(ctx, corr, results),
            Msg::AddPartitionsToTxnResponse { corr, error } => self.txn_add_answered(ctx, corr, error),
            Msg::JoinGroup(req) => self.handle_join_group(ctx, from, from_inc, *req),
            Msg::SyncGroup { corr, group, member_id, generation, assignments } => {
                let w = group::Waiter { node: from, inc: from_inc, corr };
                self.handle_sync_group(ctx, w, group, member_id, generation, assignments)
            }
            Msg::Heartbeat { corr, group, member_id, instance_id, generation } => {
                let w = group::Waiter { node: from, inc: from_inc, corr };
                self.handle_heartbeat(ctx, w, group, member_id, instance_id, generation)
            }
            Msg::LeaveGroup { corr, group, member_id, reason } => {
                let w = group::Waiter { node: from, inc: from_inc, corr };
                self.handle_leave_group(ctx, w, group, member_id, reason)
            }
            Msg::OffsetCommit { corr, group, member_id, generation, offsets } => {
                let w = group::Waiter { node: from, inc: from_inc, corr };
                self.handle_offset_commit(ctx, w, group, member_id, generation, offsets)
            }
            Msg::ConsumerGroupHeartbeat(req) => {
                let w = group::Waiter { node: from, inc: from_inc, corr: req.corr };
                self.handle_consumer_group_heartbeat(ctx, w, *req)
            }
            Msg::OffsetFetch { corr, group, partitions, require_stable } => {
                let w = group::Waiter { node: from, inc: from_inc, corr };
                self.handle_offset_fetch(ctx, w, group, partitions, require_stable)
            }
            Msg::AddOffsetsToTxn { corr, transactional_id, producer_id, producer_epoch, group } => self
                .handle_add_offsets_to_txn(
                    ctx,
                    from,
                    from_inc,
                    corr,
                    transactional_id,
                    producer_id,
                    producer_epoch,
                    group,
                ),
            Msg::TxnOffsetCommit(req) => {
                let w = group::Waiter { node: from, inc: from_inc, corr: req.corr };
                self.handle_txn_offset_commit(ctx, w, *req)
            }
            Msg::ListOffsets { corr, tp, earliest, read_committed } => {
                let w = group::Waiter { node: from, inc: from_inc, corr };
                self.handle_list_offsets(ctx, w, tp, earliest, read_committed)
            }
            _ => {}
        }
    }

    pub fn on_timer(&mut self, ctx: &mut BCtx, timer: BrokerTimer) {
        match timer {
            BrokerTimer::Heartbeat => {
                // `<=`: a paused broker handles its overdue timers late (`world::pause`).
                if self.heartbeat_at_us.is_some_and(|t| t <= ctx.now) {
                    self.heartbeat_at_us = None;
                    self.send_heartbeat(ctx);
                }
            }
            BrokerTimer::IsrExpiration => self.isr_expiration(ctx),
            BrokerTimer::Writeback => self.writeback(ctx),
            BrokerTimer::HwCheckpoint => self.hw_checkpoint(ctx),
            BrokerTimer::LogFlusher => self.log_flusher(ctx),
            BrokerTimer::LogRetention => self.retention_task(ctx),
            BrokerTimer::LogCleaner => self.log_cleaner(ctx),
            BrokerTimer::ProduceTimeout(id) => self.produce_timeout(ctx, id),
            BrokerTimer::FetchWait(id) => self.fetch_wait_expired(ctx, id),
            BrokerTimer::Fetcher(leader) => self.maybe_fetch(ctx, leader),
            BrokerTimer::FetchTimeout(leader, corr) => self.fetch_timed_out(ctx, leader, corr),
            BrokerTimer::TxnAbortCheck => self.txn_abort_check(ctx),
            BrokerTimer::TxnAddTimeout(corr) => self.txn_add_answered(ctx, corr, Error::RequestTimedOut),
            BrokerTimer::TxnAddRetry(corr) => self.txn_add_retry(ctx, corr),
            BrokerTimer::ShutdownTimeout => self.shutdown_timed_out(ctx),
            BrokerTimer::MarkerTimeout(corr) => self.marker_request_timed_out(ctx, corr),
            BrokerTimer::GroupCheck(g) => self.group_check(ctx, g),
            BrokerTimer::DelayedReply(id) => {
                if let Some((to, inc, msg)) = self.delayed_replies.remove(&id) {
                    ctx.send(to, Some(inc), msg);
                }
            }
            BrokerTimer::MarkerRetry => {
                if self.marker_retry_at_us.is_some_and(|t| t <= ctx.now) {
                    self.marker_retry_at_us = None;
                    self.retry_markers(ctx);
                }
            }
        }
    }

    /// Whether, by this broker's metadata, broker `id` is alive and unfenced.
    pub fn broker_alive(&self, id: u16) -> bool {
        self.image.as_ref().is_some_and(|i| !i.broker_fenced(id))
    }

    pub fn incarnation_of(&self, id: u16) -> Option<u32> {
        self.image.as_ref().and_then(|i| i.brokers.iter().find(|b| b.id == id)).map(|b| b.incarnation)
    }
}
