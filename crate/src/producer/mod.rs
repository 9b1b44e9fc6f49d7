//! The Java producer client as a state machine: `KafkaProducer.send` on an application
//! thread, the `RecordAccumulator`, the `Sender` with its `NetworkClient`, metadata, and
//! the `TransactionManager` (idempotence and transactions).
//!
//! Map: `app` (the application thread: timeline sends, blocking in `send()`, flush,
//! transactions, restart), `accumulator` + `batch` + `partitioner` (where records wait),
//! `sender` (readiness, drain, requests, responses, retries, timeouts), `network`
//! (connections and in-flight requests), `metadata`, `idempotence` (producer id, epoch,
//! sequences), `txn` (the transactional state machine), `metrics` (Java metric names).
//!
//! A `Producer` is one declared application; `app restart` replaces its process state
//! (a new incarnation) and keeps the workload.

pub mod accumulator;
pub mod app;
pub mod batch;
pub mod close;
pub mod idempotence;
pub mod metadata;
pub mod metrics;
pub mod network;
pub mod partitioner;
pub mod sender;
pub mod txn;

use crate::sim::VecMap;
use std::rc::Rc;

use crate::config::ProducerConfig;
use crate::node::Ctx;
use crate::plan::{KeyPart, KeySpec, ValueSpec};
use crate::protocol::Msg;
use crate::sim::{Micros, NodeId, Prng};

use accumulator::Accumulator;
use app::App;
use batch::ProducerBatch;
use idempotence::Idempotence;
use metadata::ClientMetadata;
use metrics::Metrics;
use network::Conn;
use txn::TxnState;

/// What a send statement's records look like, by statement index.
#[derive(Clone, Debug)]
pub struct SendSpec {
    pub topic: u16,
    pub key: KeySpec,
    pub value: ValueSpec,
    pub headers: Vec<(String, Option<String>)>,
    /// `headers_size(headers)`, computed once.
    pub headers_size: u32,
    /// `timestamp=`: every record's CreateTime.
    pub timestamp_ms: Option<i64>,
}

/// The run's workload, shared by every producer (records are regenerated from it).
#[derive(Debug, Default)]
pub struct Workload {
    pub seed: u64,
    /// Virtual time 0 as wall-clock milliseconds (`seed N epoch=`).
    pub epoch_ms: i64,
    /// By timeline index; None for statements that are not sends.
    pub sends: Vec<Option<SendSpec>>,
    pub topic_names: Vec<String>,
}

impl Workload {
    /// Render the key of record `index` of statement `stmt` into `out`; false for a null key.
    pub fn key_into(&self, stmt: u32, index: u32, out: &mut Vec<u8>) -> bool {
        out.clear();
        let Some(Some(spec)) = self.sends.get(stmt as usize) else { return false };
        match &spec.key {
            KeySpec::Null => false,
            KeySpec::Template(parts) => {
                for part in parts {
                    match part {
                        KeyPart::Lit(s) => out.extend_from_slice(s.as_bytes()),
                        KeyPart::Index => push_decimal(out, index as u64),
                        KeyPart::IndexMod(n) => push_decimal(out, index as u64 % (*n).max(1)),
                    }
                }
                true
            }
        }
    }

    /// The value's length; None for a tombstone (`value=null`).
    pub fn value_len(&self, stmt: u32) -> Option<u32> {
        match self.sends.get(stmt as usize) {
            Some(Some(SendSpec { value: ValueSpec::Literal(s), .. })) => Some(s.len() as u32),
            Some(Some(SendSpec { value: ValueSpec::Size(n), .. })) => Some(*n),
            Some(Some(SendSpec { value: ValueSpec::Null, .. })) => None,
            _ => Some(0),
        }
    }

    /// The size-relevant shape of a record of statement `stmt` with this key length.
    pub fn shape(&self, stmt: u32, key_len: Option<u32>) -> crate::format::Shape {
        let headers = self.sends.get(stmt as usize).and_then(|s| s.as_ref()).map_or(1, |s| s.headers_size);
        crate::format::Shape { key: key_len, value: self.value_len(stmt), headers }
    }

    pub fn headers(&self, stmt: u32) -> &[(String, Option<String>)] {
        self.sends.get(stmt as usize).and_then(|s| s.as_ref()).map_or(&[], |s| s.headers.as_slice())
    }

    /// A record's CreateTime: the statement's `timestamp=`, else the send time.
    pub fn create_time_ms(&self, stmt: u32, sent_us: Micros) -> i64 {
        match self.sends.get(stmt as usize).and_then(|s| s.as_ref()).and_then(|s| s.timestamp_ms) {
            Some(ms) => ms,
            None => self.epoch_ms.saturating_add((sent_us / 1000) as i64),
        }
    }

    /// Append the value bytes of a record to `out`.
    pub fn value_into(&self, stmt: u32, record: u32, out: &mut Vec<u8>) {
        match self.sends.get(stmt as usize) {
            Some(Some(SendSpec { value: ValueSpec::Literal(s), .. })) => out.extend_from_slice(s.as_bytes()),
            Some(Some(SendSpec { value: ValueSpec::Size(n), .. })) => {
                crate::format::payload::write_value(out, self.seed, record, *n)
            }
            _ => {}
        }
    }
}

impl Workload {
    /// Encode `records` as a batch holds them (`DefaultRecord.writeTo`, offset deltas from
    /// 0, timestamp deltas from `base_ts_ms`): the bytes a codec compresses.
    pub fn encode_records(
        &self,
        history: &crate::history::History,
        records: &[u32],
        base_ts_ms: i64,
        out: &mut Vec<u8>,
    ) {
        self.encode_records_at(history, records, |i| i as u32, base_ts_ms, out);
    }

    /// [`Workload::encode_records`] with each record's offset delta from `delta` (a batch
    /// the log cleaner rewrote keeps its records' offsets).
    pub fn encode_records_at(
        &self,
        history: &crate::history::History,
        records: &[u32],
        delta: impl Fn(usize) -> u32,
        base_ts_ms: i64,
        out: &mut Vec<u8>,
    ) {
        let mut key = Vec::new();
        let mut value = Vec::new();
        for (i, &r) in records.iter().enumerate() {
            let rec = history.record(r);
            let has_key = self.key_into(rec.stmt, rec.index, &mut key);
            value.clear();
            self.value_into(rec.stmt, r, &mut value);
            let is_value = self.value_len(rec.stmt).is_some();
            let ts_delta = rec.timestamp_ms.saturating_sub(base_ts_ms);
            let (k, v) = (has_key.then_some(&key[..]), is_value.then_some(&value[..]));
            crate::format::size::write_record(out, delta(i), ts_delta, k, v, self.headers(rec.stmt));
        }
    }
}

/// Append `n` in decimal without allocating.
fn push_decimal(out: &mut Vec<u8>, mut n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProducerTimer {
    /// The application thread has something due (a scheduled send, a blocking deadline).
    App,
    /// The sender thread's poll timeout.
    Sender,
}

pub type PCtx<'a, 'b> = Ctx<'a, 'b, ProducerTimer>;

pub struct Producer {
    /// Index of the declared producer.
    pub index: u16,
    pub node: NodeId,
    pub name: String,
    pub cfg: Rc<ProducerConfig>,
    /// Bootstrap servers: every broker id.
    pub bootstrap: Vec<u16>,
    pub workload: Rc<Workload>,
    /// The cost model (`hardware` line).
    pub hw: Rc<crate::sim::cost::Hardware>,
    pub rng: Prng,
    pub app: App,
    pub meta: ClientMetadata,
    pub acc: Accumulator,
    pub conns: VecMap<u16, Conn>,
    /// Drained batches whose request is outstanding or whose result is awaited.
    pub sent: VecMap<u32, ProducerBatch>,
    pub idem: Option<Idempotence>,
    pub txn: TxnState,
    pub metrics: Metrics,
    /// A pipeline's producer (Kafka Streams' `StreamsProducer`): its application thread
    /// is the pipeline's, which calls `commitTransaction` only after
    /// `sendOffsetsToTransaction` returned.
    pub in_pipeline: bool,
    next_corr: u32,
    /// Process incarnation: `app restart` starts a new one.
    inc: u32,
    sender_wake_us: Option<Micros>,
    app_wake_us: Option<Micros>,
    /// `close()` completed: nothing more is sent; `send()` throws.
    pub closed: bool,
    /// The sender thread builds requests until then (ns of virtual time, `sim::cost`).
    pub sender_busy_until_ns: u64,
    /// When the producer host's NIC has sent every request queued so far (ns).
    pub nic_free_ns: u64,
    key_buf: Vec<u8>,
}

impl Producer {
    pub fn new(
        index: u16,
        node: NodeId,
        name: String,
        cfg: Rc<ProducerConfig>,
        bootstrap: Vec<u16>,
        workload: Rc<Workload>,
        rng: Prng,
    ) -> Producer {
        let topics = workload.topic_names.len();
        let idem = cfg.enable_idempotence.then(|| Idempotence::new(cfg.transactional_id.is_some()));
        let conns = bootstrap.iter().map(|&b| (b, Conn::new(b))).collect();
        Producer {
            index,
            node,
            name,
            acc: Accumulator::new(&cfg, topics),
            txn: TxnState::new(cfg.transactional_id.clone()),
            cfg,
            bootstrap,
            workload,
            hw: Rc::new(crate::sim::cost::Hardware::default()),
            rng,
            app: App::default(),
            meta: ClientMetadata::default(),
            conns,
            sent: VecMap::new(),
            idem,
            metrics: Metrics::default(),
            in_pipeline: false,
            next_corr: 0,
            inc: 0,
            sender_wake_us: None,
            app_wake_us: None,
            closed: false,
            sender_busy_until_ns: 0,
            nic_free_ns: 0,
            key_buf: Vec::new(),
        }
    }

    pub fn next_corr(&mut self) -> u32 {
        self.next_corr += 1;
        self.next_corr
    }

    /// Ask for the sender loop to run at `at` (keeps the earliest pending wake-up).
    pub fn wake_sender(&mut self, ctx: &mut PCtx, at: Micros) {
        let at = at.max(ctx.now);
        if self.sender_wake_us.is_none_or(|t| at < t || t < ctx.now) {
            self.sender_wake_us = Some(at);
            ctx.timer(at, ProducerTimer::Sender);
        }
    }

    /// Ask for the application thread to run at `at`.
    pub fn wake_app(&mut self, ctx: &mut PCtx, at: Micros) {
        let at = at.max(ctx.now);
        if self.app_wake_us.is_none_or(|t| at < t || t < ctx.now) {
            self.app_wake_us = Some(at);
            ctx.timer(at, ProducerTimer::App);
        }
    }

    pub fn on_timer(&mut self, ctx: &mut PCtx, timer: ProducerTimer) {
        match timer {
            ProducerTimer::Sender => {
                // One poll deadline at a time, as the sender thread has: a timer that an
                // earlier wake-up superseded is stale (that pass scheduled its own next
                // wake-up), and running it would add a pass Kafka never makes.
                if self.sender_wake_us != Some(ctx.now) {
                    return;
                }
                self.sender_wake_us = None;
                let completed = ctx.obs.history.completed;
                self.run_sender(ctx);
                // A pass can complete what the application thread waits for without any
                // response arriving (acks=0 sends complete once written; batches expire):
                // `send().get()`, `flush()` and a `send()` waiting for memory return then.
                if self.app.blocked.is_some() && ctx.obs.history.completed != completed {
                    self.run_app(ctx);
                }
            }
            ProducerTimer::App => {
                if self.app_wake_us == Some(ctx.now) {
                    self.app_wake_us = None;
                }
                self.run_app(ctx);
            }
        }
    }

    pub fn on_message(&mut self, ctx: &mut PCtx, from: NodeId, from_inc: u32, msg: Msg) {
        if self.closed {
            return;
        }
        let broker = from.0;
        if !self.conns.contains_key(&broker) {
            return;
        }
        match msg {
            Msg::ConnectOk { corr } => self.on_connected(ctx, broker, corr, from_inc),
            Msg::Reset => self.on_reset(ctx, broker),
            Msg::MetadataResponse { corr, image } => self.on_metadata(ctx, broker, corr, image),
            Msg::ProduceResponse(resp) => self.on_produce_response(ctx, broker, resp),
            Msg::InitProducerIdResponse { corr, error, producer_id, producer_epoch } => {
                self.on_init_pid(ctx, broker, corr, error, producer_id, producer_epoch)
            }
            Msg::FindCoordinatorResponse { corr, error, coordinator } => {
                self.on_find_coordinator(ctx, broker, corr, error, coordinator)
            }
            Msg::AddPartitionsToTxnResponse { corr, error } => self.on_add_partitions(ctx, broker, corr, error),
            Msg::AddOffsetsToTxnResponse { corr, error } => self.on_add_offsets(ctx, broker, corr, error),
            Msg::TxnOffsetCommitResponse { corr, error } => self.on_txn_offset_commit(ctx, broker, corr, error),
            Msg::EndTxnResponse { corr, error, producer_id, producer_epoch } => {
                self.on_end_txn(ctx, broker, corr, error, producer_id, producer_epoch)
            }
            _ => {}
        }
        self.run_sender(ctx);
        self.run_app(ctx);
    }

    pub fn inc(&self) -> u32 {
        self.inc
    }

    /// `app restart`: the process dies and a new one starts at once. Everything the old
    /// process held in memory is gone (queued batches, requests in flight, producer id,
    /// sequences); callbacks it never ran stay unrun. The application's timeline goes on
    /// in the new process, which gets a new producer id (a transactional one bumps the
    /// epoch, fencing the old instance). With `resend_unacked`, every record whose result
    /// the old process never saw is sent again first.
    pub fn restart(&mut self, ctx: &mut PCtx, resend_unacked: bool) {
        self.drop_process_state();
        self.idem = self.cfg.enable_idempotence.then(|| Idempotence::new(self.cfg.transactional_id.is_some()));
        let v2 = self.txn.v2;
        self.txn = TxnState::new(self.cfg.transactional_id.clone());
        self.txn.v2 = v2;
        self.closed = false;
        let mut resent = Vec::new();
        if resend_unacked {
            resent = ctx
                .obs
                .history
                .records
                .iter()
                .enumerate()
                .filter(|(_, r)| r.producer == self.index && r.outcome == crate::history::Outcome::Pending)
                .map(|(id, _)| id as u32)
                .collect();
        }
        ctx.trace(crate::trace::Event::AppRestarted { producer: self.node, resent: resent.len() as u32 });
        if !resent.is_empty() {
            self.app.jobs.insert(0, (0, app::Job::Resend(resent.into())));
        }
        self.init_transactions(ctx);
        self.wake_sender(ctx, ctx.now);
        self.run_app(ctx);
    }

    /// The process dies (a pipeline's crash): what it held in memory is gone, nothing more
    /// is sent, and the results of what it had sent never reach anyone. A transaction it
    /// left open stays open until its timeout or until a new instance initializes.
    pub fn halt(&mut self, ctx: &mut PCtx) {
        self.drop_process_state();
        self.app.jobs.clear();
        self.txn.queue.clear();
        self.txn.in_flight = None;
        self.txn.offsets_pending = false;
        self.closed = true;
        ctx.inc = self.inc;
    }

    /// The process dies: a new incarnation, and nothing the old one held in memory
    /// (queued batches, requests in flight, metadata, a blocked call, pending wake-ups).
    fn drop_process_state(&mut self) {
        self.inc += 1;
        let topics = self.workload.topic_names.len();
        self.acc = Accumulator::new(&self.cfg, topics);
        self.meta = ClientMetadata::default();
        self.conns = self.fresh_conns();
        self.sent.clear();
        self.app.blocked = None;
        self.app.in_send = None;
        self.sender_wake_us = None;
        self.app_wake_us = None;
    }

    /// A new process's connections. Their generations continue the old process's: a TCP
    /// connection the network gave up on (a lost message stalls it) belongs to the old
    /// process and must never be taken for one of the new process's.
    fn fresh_conns(&self) -> VecMap<u16, Conn> {
        self.bootstrap
            .iter()
            .map(|&b| {
                let mut c = Conn::new(b);
                c.gen = self.conns.get(&b).map_or(0, |o| o.gen);
                (b, c)
            })
            .collect()
    }

    /// Whether the producer still has work: records to send or waiting for results,
    /// or a transaction operation under way.
    pub fn busy(&self) -> bool {
        if self.closed {
            return self.app.busy();
        }
        self.app.busy() || !self.acc.is_empty() || !self.sent.is_empty() || self.txn.busy()
    }
}
