//! The plan the runtime owns: a scenario as `world` runs it and `checker` judges it.
//!
//! `script` parses and validates the text and lowers it to this; nothing in the runtime
//! (world, nodes, checker, search) depends on the parser. (Inside `script` the module is
//! still called `ast`.)
//!
//! Everything here is already validated: names resolve to declared nodes and topics,
//! durations are integer microseconds, sizes are bytes, and every Kafka property has
//! been checked against Kafka's own rules and resolved to its effective value
//! (`crate::config`). A `Scenario` can therefore always be run; anything that could not
//! be made into one came back as a `Diagnostic` instead.
//!
//! Map: [`Scenario`] holds the declarations ([`TopicDecl`], [`ProducerDecl`],
//! [`ConsumerDecl`], [`NetworkDecl`]), the timeline ([`Timed`] / [`Action`]), how long to
//! run ([`RunUntil`]) and the [`Expect`] lines.

use crate::config::{BrokerConfig, ConsumerConfig, EffectiveConfig, KafkaVersion, ProducerConfig, TopicConfig};

/// Time in integer microseconds of virtual time.
pub type Micros = u64;

#[derive(Clone, Debug)]
pub struct Scenario {
    /// `seed N`; default 1.
    pub seed: u64,
    /// `seed N epoch=MS`: the wall-clock time of virtual time 0, in ms since 1970; a
    /// record's CreateTime (without `timestamp=`) and LogAppendTime count from it.
    /// Default 1700000000000.
    pub epoch_ms: i64,
    /// `kafka X.Y[.Z]`; default 4.0, the line whose defaults kplay models first.
    pub kafka: KafkaVersion,
    /// `brokers N ...`; default 1 broker with default config when absent.
    pub brokers: u16,
    pub broker_config: BrokerConfig,
    /// `features NAME=LEVEL ...`: the cluster's finalized feature levels.
    pub features: Features,
    /// `hardware NAME=VALUE ...`: the cost model (`sim::cost`), defaults otherwise.
    pub hardware: crate::sim::cost::Hardware,
    pub topics: Vec<TopicDecl>,
    pub producers: Vec<ProducerDecl>,
    pub consumers: Vec<ConsumerDecl>,
    /// `pipeline NAME from=T to=T ...`: consume-transform-produce loops. Each is lowered
    /// to a consumer (named NAME) and a producer (named NAME-producer) declared in its
    /// place; the pipeline's loop drives both.
    pub pipelines: Vec<PipelineDecl>,
    pub network: NetworkDecl,
    /// `network link A -> B latency=... jitter=... loss=...`: per-link overrides (the
    /// figures not given are the `network` line's).
    pub links: Vec<(NodeRef, NodeRef, NetworkDecl)>,
    /// Timeline entries, sorted by time with file order kept for equal times.
    pub timeline: Vec<Timed>,
    pub run_until: RunUntil,
    pub expects: Vec<Expect>,
    /// Every configuration, resolved, with where each value came from; and the notes
    /// Kafka would have logged while resolving it (implicit idempotence disabled, ...).
    pub effective: EffectiveConfig,
}

/// Finalized feature levels (`kafka-features.sh`), kplay extension `features`:
/// `features transaction.version=1 eligible.leader.replicas.version=1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Features {
    /// `transaction.version`: 2 (KIP-890 part 2: an epoch bump per transaction, partitions
    /// added by the leaders) is the default of a new Kafka 4.0 cluster; 0 before 4.0.
    pub transaction_version: u8,
    /// `eligible.leader.replicas.version`: 1 enables KIP-966 ELR (off by default in 4.0).
    pub eligible_leader_replicas_version: u8,
}

impl Features {
    pub fn defaults(v: KafkaVersion) -> Features {
        Features { transaction_version: if v.at_least(4, 0) { 2 } else { 0 }, eligible_leader_replicas_version: 0 }
    }
    pub fn transaction_v2(self) -> bool {
        self.transaction_version >= 2
    }
    pub fn elr(self) -> bool {
        self.eligible_leader_replicas_version >= 1
    }
}

#[derive(Clone, Debug)]
pub struct TopicDecl {
    pub name: String,
    pub partitions: u32,
    pub replication_factor: u16,
    /// Replica list per partition; the first broker is the preferred leader. Always
    /// filled: from `replica.assignment` when given, else spread deterministically the
    /// way Kafka's rack-unaware assignment does.
    pub assignment: Vec<Vec<u16>>,
    pub config: TopicConfig,
}

#[derive(Clone, Debug)]
pub struct ProducerDecl {
    pub name: String,
    pub config: ProducerConfig,
}

#[derive(Clone, Debug)]
pub struct ConsumerDecl {
    pub name: String,
    pub config: ConsumerConfig,
}

/// `processing.guarantee` of a pipeline (Kafka Streams' names).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessingGuarantee {
    AtLeastOnce,
    ExactlyOnceV2,
}

impl ProcessingGuarantee {
    pub fn name(self) -> &'static str {
        match self {
            ProcessingGuarantee::AtLeastOnce => "at_least_once",
            ProcessingGuarantee::ExactlyOnceV2 => "exactly_once_v2",
        }
    }
}

/// `pipeline NAME from=IN to=OUT group.id=G [transactional.id=X]
/// [processing.guarantee=exactly_once_v2|at_least_once] [commit.interval.ms=D] [process=D]
/// [poll.ms=D] [client properties]`.
#[derive(Clone, Debug)]
pub struct PipelineDecl {
    pub name: String,
    /// Topic indexes.
    pub from: usize,
    pub to: usize,
    pub guarantee: ProcessingGuarantee,
    /// `commit.interval.ms`: default 100 ms with exactly_once_v2, else 30 s (Streams).
    pub commit_interval_us: Micros,
    /// `process=`: the time each input record takes; default 0.
    pub process_us: Micros,
    /// `poll.ms`: how long one poll waits for records; default 100 ms (Streams).
    pub poll_us: Micros,
    /// Index into `Scenario::consumers` of its consumer (named NAME).
    pub consumer: usize,
    /// Index into `Scenario::producers` of its producer (named NAME-producer).
    pub producer: usize,
    /// Declaration line.
    pub line: u32,
}

/// `network latency=1ms jitter=0ms loss=0.0`: every directed link between two nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NetworkDecl {
    /// One-way latency; default 1 ms.
    pub latency_us: Micros,
    /// Uniform extra delay in `[0, jitter]`; default 0. TCP order is kept per link.
    pub jitter_us: Micros,
    /// Probability that a message is lost, in parts per million; default 0.
    pub loss_ppm: u32,
}

impl Default for NetworkDecl {
    fn default() -> Self {
        NetworkDecl { latency_us: 1_000, jitter_us: 0, loss_ppm: 0 }
    }
}

#[derive(Clone, Debug)]
pub struct Timed {
    pub at_us: Micros,
    /// 1-based line of the statement, so the trace and explanations can point at it.
    pub line: u32,
    pub action: Action,
}

/// A node named in a fault statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NodeRef {
    /// `broker-N` (N as written, 1-based).
    Broker(u16),
    /// A declared producer, by index into `Scenario::producers`.
    Producer(usize),
    /// A declared consumer, by index into `Scenario::consumers`.
    Consumer(usize),
    /// The KRaft controller quorum (`controller`).
    Controller,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CrashMode {
    /// The broker process dies (kill -9); the OS and its page cache survive.
    Process,
    /// The machine loses power: only bytes flushed (fsync) or written back by the OS survive.
    Power,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CrashTarget {
    Broker(u16),
    /// `crash leader TOPIC/P`: the broker leading that partition when the action runs.
    LeaderOf {
        topic: usize,
        partition: u32,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeySpec {
    /// `key=null` (the default): the built-in sticky partitioner chooses.
    Null,
    /// A template: literal text with `{i}` / `{i%N}` holes (a plain literal is one part).
    Template(Vec<KeyPart>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyPart {
    Lit(String),
    /// `{i}`: the record's index within its send statement.
    Index,
    /// `{i%N}`.
    IndexMod(u64),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueSpec {
    /// `value=null`: a tombstone (null value).
    Null,
    /// `value="..."`: these bytes (UTF-8).
    Literal(String),
    /// `size=N`: a deterministic JSON-like payload of exactly N bytes (default 100).
    Size(u32),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `P send TOPIC [count=N] [every=D] [key=K] [value=".."|size=N] [partition=N] [sync]`
    Send {
        producer: usize,
        topic: usize,
        count: u64,
        every_us: Micros,
        key: KeySpec,
        value: ValueSpec,
        partition: Option<u32>,
        sync: bool,
        /// `headers=k1:v1,k2:v2` (`k` alone: a null value).
        headers: Vec<(String, Option<String>)>,
        /// `timestamp=MS`: the records' CreateTime (else the send time).
        timestamp_ms: Option<i64>,
    },
    /// `P flush`: producer.flush().
    Flush { producer: usize },
    /// `P close [timeout=D]`: producer.close(timeout); without timeout, close() waits
    /// for everything to be sent and answered.
    Close { producer: usize, timeout_us: Option<Micros> },
    /// `P init`: initTransactions() (kplay extension). A transactional producer whose
    /// timeline has no `init` calls it when it starts.
    Init { producer: usize },
    /// `P begin`: beginTransaction().
    Begin { producer: usize },
    /// `P commit`: commitTransaction().
    Commit { producer: usize },
    /// `P abort`: abortTransaction().
    Abort { producer: usize },
    /// `P restart [resend=unacked]`: the process dies and starts again at once.
    RestartApp { producer: usize, resend_unacked: bool },
    /// `crash broker-N|leader T/P [mode=process|power]` (default process).
    Crash { target: CrashTarget, mode: CrashMode },
    /// `shutdown broker-N`: a controlled shutdown (leadership moves away first, logs are
    /// flushed, a clean-shutdown marker lets the restart skip recovery).
    Shutdown { broker: u16 },
    /// `restart broker-N`.
    RestartBroker { broker: u16 },
    /// `drop A -> B [count=N] [api=Produce]`: lose the next N messages on that directed
    /// link (with `api=`, kplay extension: the next N messages of that Kafka API).
    Drop { from: NodeRef, to: NodeRef, count: u32, api: Option<&'static str> },
    /// `delay A -> B by=D [count=N] [api=X]`: the next N messages (default 1) on that
    /// directed link arrive D late, overtaken by later ones.
    Delay { from: NodeRef, to: NodeRef, by_us: Micros, count: u32, api: Option<&'static str> },
    /// `cut A -> B [for D]`: the directed link is down (for D, or until `heal`).
    Cut { from: NodeRef, to: NodeRef, for_us: Option<Micros> },
    /// `isolate NODE [for D]`: every link to and from the node is down.
    Isolate { node: NodeRef, for_us: Option<Micros> },
    /// `heal`: every cut and isolation ends now.
    Heal,
    /// `pause broker-N for D`: the broker process stops handling anything for D (a long
    /// GC pause); what reaches it waits, then it carries on (kplay extension).
    Pause { broker: u16, for_us: Micros },
    /// `C poll TOPIC`: the consumer reads what it may see now.
    Poll { consumer: usize, topic: usize },
    /// `C subscribe T1,T2`: KafkaConsumer.subscribe (needs group.id).
    Subscribe { consumer: usize, topics: Vec<usize> },
    /// `C poll every=D [process=D] [until=T]`: a poll loop: `poll(Duration.ofMillis(every))`,
    /// then each returned record takes `process` to handle; the loop ends (and the
    /// consumer closes) at `until`.
    PollLoop { consumer: usize, every_us: Micros, process_us: Micros, until_us: Option<Micros> },
    /// `C commit [sync|async]`: commitSync() (default) or commitAsync() of the positions.
    CommitOffsets { consumer: usize, sync: bool },
    /// `C pause for D`: the application thread stalls for D (no poll meanwhile).
    Stall { consumer: usize, for_us: Micros },
    /// `C close`: KafkaConsumer.close().
    CloseConsumer { consumer: usize },
    /// `crash C`: the consumer process dies (no LeaveGroup, no commit).
    CrashConsumer { consumer: usize },
    /// `restart C`: the consumer process starts again (a crashed one comes back, a running
    /// one is killed first) and resumes its subscription and poll loop.
    RestartConsumer { consumer: usize },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunUntil {
    /// `run until idle` (the default): every action done, every record has a result,
    /// and the cluster has settled (or stopped changing).
    Idle,
    /// `run until 10s`.
    Time(Micros),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
    pub fn holds(self, actual: i64, expected: i64) -> bool {
        match self {
            CmpOp::Eq => actual == expected,
            CmpOp::Ne => actual != expected,
            CmpOp::Lt => actual < expected,
            CmpOp::Le => actual <= expected,
            CmpOp::Gt => actual > expected,
            CmpOp::Ge => actual >= expected,
        }
    }
}

/// One `name OP value` clause of an `expect` line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clause {
    /// `lost`, `errors.NOT_ENOUGH_REPLICAS`, `responses.REQUEST_TIMED_OUT`, ...
    pub name: String,
    pub op: CmpOp,
    /// The value, in `unit`'s integer scale.
    pub value: i64,
    pub unit: ClauseUnit,
    /// Column (1-based) where the clause starts, for the report and the editor.
    pub column: u32,
}

/// How a clause's value is written and kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClauseUnit {
    /// A whole number (`lost=0`, `records_per_sec>=50000`).
    Count,
    /// A duration with a unit, kept in microseconds (`latency_p99<=20ms`).
    Micros,
    /// A decimal number, kept in thousandths (`mb_per_sec>=4.5`, `metrics.app.batch-size-avg>1000`).
    Milli,
}

impl ClauseUnit {
    /// The name the report gives the scale (`""`, `"us"`, `"milli"`).
    pub fn name(self) -> &'static str {
        match self {
            ClauseUnit::Count => "",
            ClauseUnit::Micros => "us",
            ClauseUnit::Milli => "milli",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expect {
    pub line: u32,
    /// The clauses as written (without the `expect` word).
    pub text: String,
    pub clauses: Vec<Clause>,
    /// `expect trace EVENT [field=value ...] [count OP N]` (kplay extension).
    pub trace: Option<TraceExpect>,
}

/// Count the trace events of one type whose fields match, and compare the count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceExpect {
    /// Event type, as serialized (`batch_retried`, `truncated`, ...).
    pub event: String,
    /// Field name, comparison, and value (its JSON form, strings unquoted; `<`, `>`
    /// and friends compare numbers).
    pub fields: Vec<(String, CmpOp, String)>,
    pub op: CmpOp,
    /// Default `>= 1`.
    pub count: i64,
}
