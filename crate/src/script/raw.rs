//! What pass 1 reads, before anything is checked against the whole scenario: [`Raw`]
//! and its declarations ([`RawBrokers`], [`RawTopic`], [`RawClient`], [`RawPipeline`]).
//! `decls` and `pipeline` fill it, `dedupe` prunes it and indexes its clients, and
//! `resolve` and the timeline's `scope` read it.

use super::ast::{Micros, NetworkDecl, RunUntil};
use super::cursor::Stmt;
use super::names::NameIndex;
use super::settings::{Loc, SetProp};
use crate::budget::Budgets;
use crate::config::KafkaVersion;

#[derive(Clone, Debug)]
pub struct RawBrokers {
    pub count: u16,
    pub props: Vec<SetProp>,
}

#[derive(Clone, Debug)]
pub struct RawTopic {
    pub name: String,
    pub at: Loc,
    pub partitions: Option<(u32, Loc)>,
    pub replication_factor: Option<(u16, Loc)>,
    /// Parsed lists (not yet checked against brokers) and where they were written.
    pub assignment: Option<(Vec<Vec<u16>>, Loc)>,
    pub props: Vec<SetProp>,
}

/// A producer or consumer declaration.
#[derive(Clone, Debug)]
pub struct RawClient {
    pub name: String,
    pub at: Loc,
    pub props: Vec<SetProp>,
    /// For the consumer and the producer of a `pipeline` line: that line's index in
    /// [`Raw::pipelines`] (their properties are the pipeline's, routed in `resolve`).
    pub pipeline: Option<usize>,
}

#[derive(Clone, Debug, Default)]
pub struct Raw {
    /// The limits the scenario is checked against.
    pub budgets: Budgets,
    pub seed: Option<(u64, Loc)>,
    /// `seed N epoch=MS`: the wall-clock time (ms since 1970) of virtual time 0.
    pub epoch_ms: Option<i64>,
    pub kafka: Option<(KafkaVersion, Loc)>,
    pub brokers: Option<(RawBrokers, Loc)>,
    pub topics: Vec<RawTopic>,
    pub producers: Vec<RawClient>,
    pub consumers: Vec<RawClient>,
    /// `pipeline` lines, in file order; each also added a consumer and a producer above.
    pub pipelines: Vec<RawPipeline>,
    pub network: Option<(NetworkDecl, Loc)>,
    pub features: Option<(Vec<SetProp>, Loc)>,
    /// `hardware NAME=VALUE ...`: the cost model's parameters.
    pub hardware: Option<(Vec<SetProp>, Loc)>,
    /// `network link A -> B ...` lines, resolved once node names are known.
    pub links: Vec<Stmt>,
    pub run: Option<(RunUntil, Loc)>,
    /// Producer and consumer names (filled by `dedupe::dedupe` after this pass).
    pub clients: NameIndex,
}

impl Raw {
    pub fn is_client(&self, name: &str) -> bool {
        self.clients.get(name).is_some()
    }
}

/// A `pipeline` line as written.
#[derive(Clone, Debug)]
pub struct RawPipeline {
    pub name: String,
    /// The name word (where the pipeline's clients are declared).
    pub at: Loc,
    /// Topic names as written, with their value words; empty when the value was.
    pub from: Option<(String, Loc)>,
    pub to: Option<(String, Loc)>,
    pub guarantee: Option<SetProp>,
    pub transactional_id: Option<SetProp>,
    /// `commit.interval.ms`, when given.
    pub commit_interval_us: Option<Micros>,
    pub process_us: Micros,
    pub poll_us: Micros,
    /// The client properties, `group.id` among them.
    pub props: Vec<SetProp>,
}
