//! kplay: a deterministic simulator of Kafka's produce path.
//!
//! Map: `budget` (the limits every run ends within), `script` (the scenario language, lowered to the runtime's plan, [`plan::Scenario`]), `config` (typed
//! configs with Kafka's defaults), `sim` (the deterministic kernel: time, events, PRNG,
//! network, the node contract and the trace container; it imports nothing of Kafka),
//! `node` (a Kafka node's context over the kernel), `trace` (Kafka's trace events),
//! `history` (what the applications observed), `protocol` (messages, error codes, topic
//! partitions), `format` (record
//! format sizes, murmur2, payloads, codecs), `producer` (the Java client), `broker`
//! (leader, follower, storage, coordinator), `controller` (KRaft), `consumer`,
//! `world` (the kernel's driver), `checker` (verdicts, expectations, explanations),
//! `report` (the one output type), `dump` (segment files as kafka-dump-log prints them,
//! with CRCs), `run` (wiring), `search` (fault-schedule search,
//! shrinking and the survival card), `sweep` (a scenario over setting values × seeds),
//! `swarm` and `fuzz` (generated schedules and scenarios that test the simulator
//! itself). `wasm` is the browser boundary.
//!
//! # Modelling choices
//! Where kplay models Kafka more simply than Kafka is, it does so on purpose and says so:
//! - The KRaft controller quorum is one node, `controller`, that never fails. Its
//!   traffic crosses the simulated network (heartbeats, metadata pushes), so
//!   `isolate broker-2` fences broker-2 after `broker.session.timeout.ms`.
//! - The transaction coordinator's log is durable and shared (a stand-in for
//!   `__transaction_state`, which is not a simulated topic); a transactional id's
//!   coordinator is the first unfenced broker of its `__transaction_state` partition's
//!   default assignment. A broker that believes it coordinates but has been fenced (it
//!   could not hear the controller) writes nothing: its writes could not commit in Kafka
//!   (`Broker::quorum`); likewise its offset commits time out. The group coordinator's
//!   in-memory state (members, sessions) is one shared copy, so a fenced coordinator
//!   still answers heartbeats and joins from it. Transaction version 2 (KIP-890 part 2) is the 4.0 default:
//!   partition leaders add partitions to transactions, EndTxn bumps the epoch;
//!   `features transaction.version=0` (or any `kafka 3.x`) gives the older protocol,
//!   without KIP-890 part 1's partition verification. Transactional producers do not
//!   bump their own epoch after an abortable error (only idempotent-only producers do,
//!   KIP-360).
//! - A consumer without a group that uses the instant `poll TOPIC` reads the leader's
//!   state directly, without fetch latency, starting at the log start offset (assign and
//!   seek to the beginning). Group consumers (`subscribe`, poll loops) are network nodes
//!   that fetch; `__consumer_offsets` is, like the transaction log, durable state rather
//!   than a simulated topic (its coordinator is the first unfenced broker of its
//!   partition's default assignment), and consumers do not detect log truncation by
//!   leader epoch (KIP-320).
//! - A `pipeline` is Kafka Streams' loop with a plain consumer and producer: one task per
//!   input partition, one output per input (same key, value and timestamp), no state
//!   stores, no repartitioning, and the group's own assignor (not Streams'
//!   `StreamsPartitionAssignor`). A failed send fails the next commit and the thread
//!   drops its tasks and rejoins (Streams' `REPLACE_THREAD`; its default handler stops the
//!   application); a fenced producer is replaced as exactly_once_v2 does. Transactional offsets are pending in the shared
//!   `__consumer_offsets` state until the marker, with OffsetFetch `require_stable`.
//! - Eligible leader replicas (KIP-966) are off, Kafka 4.0's default; `features
//!   eligible.leader.replicas.version=1` turns them on (the ELR, clean election from it,
//!   the last known leader). kplay does not elect a fenced last known leader (4.0.0 did,
//!   KAFKA-19522), nor model the cluster-level min.insync.replicas that ELR brings.
//! - Connections are TCP: a cut or isolation holds data that retransmission delivers
//!   after the link returns (RTO from 200 ms doubling, up to ~15 minutes); a message
//!   lost by `drop` or `loss` on a producer-broker connection is one TCP could not
//!   recover, so nothing more arrives on that connection until the producer gives up on
//!   it (`request.timeout.ms`) and opens a new one.
//! - The log cleaner's offset map holds every key of the dirty range (Kafka's
//!   `log.cleaner.dedupe.buffer.size` can force several passes), cleaning takes no time
//!   and is not throttled (`log.cleaner.io.max.bytes.per.second`), and one cleaner
//!   thread runs per broker. A deleted segment's offsets go at once (as in Kafka); its
//!   file's delayed removal (`file.delete.delay.ms`) is not modelled. Producer-state
//!   snapshots are not: a restarted broker rebuilds producer state from what its log
//!   still holds, so producers whose batches retention or compaction removed are
//!   unknown to it.
//! - zstd is compressed at the pure-Rust encoder's fastest level (close to level 1, not
//!   Kafka's default 3) and lz4 with the fast compressor, so compressed sizes are close
//!   to, not identical with, Kafka's.

pub mod broker;
pub mod budget;
pub mod checker;
pub mod config;
pub mod consumer;
pub mod controller;
pub mod dump;
pub mod format;
pub mod fuzz;
pub mod history;
pub mod node;
pub mod plan;
pub mod producer;
pub mod protocol;
pub mod report;
pub mod run;
pub mod script;
pub mod search;
pub mod sim;
pub mod snapshot;
pub mod swarm;
pub mod sweep;
pub mod trace;
pub mod view;
#[cfg(target_arch = "wasm32")]
pub mod wasm;
pub mod world;

pub use report::Report;
pub use run::{run, RunOptions, Session};

/// The crate version, as the CLI and the wasm API report it.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
