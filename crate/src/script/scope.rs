//! What pass 2 may refer to: [`Names`], the declared producers, consumers, topics,
//! groups, pipelines and brokers, with their lookups (by bisection in `names`' indexes)
//! and the consumer-group bookkeeping the timeline's lines share (`subscribe` before a
//! poll loop, a `group.id` for `subscribe` and `commit`). Built once per parse from the
//! resolved scenario and the raw declarations; read by `timeline`, `timeline_faults`,
//! `expect` and the driver's `network link` lines.

use super::ast::{NodeRef, Scenario};
use super::cursor::Stmt;
use super::errors::Diagnostic;
use super::names::NameIndex;
use super::raw::Raw;
use super::settings::Loc;
use super::suggest;
use std::cell::{Cell, RefCell};

/// `InvalidGroupIdException`'s message (`KafkaConsumer.maybeThrowInvalidGroupIdException`).
pub const INVALID_GROUP_ID: &str =
    "To use the group management or offset commit APIs, you must provide a valid group.id in the consumer configuration.";
/// The `IllegalStateException` poll() throws without a subscription or an assignment.
pub const NOT_SUBSCRIBED: &str = "Consumer is not subscribed to any topics or assigned any partitions";

/// What pass 2 may refer to. Lookups by name bisect sorted indexes, so checking N
/// timeline lines against M declarations costs O(N log M).
pub struct Names {
    /// Producer name and whether it has a transactional.id.
    pub producers: Vec<(String, bool)>,
    pub consumers: Vec<String>,
    /// Each consumer's `group.id` (`None` without one), by consumer index.
    pub consumer_groups: Vec<Option<String>>,
    /// Whether the consumer's line sets `group.id` at all (an empty one is diagnosed on
    /// the declaration; its actions are then not diagnosed again).
    group_set: Vec<bool>,
    /// The distinct `group.id`s of the declared consumers, sorted.
    pub groups: Vec<String>,
    /// The declared pipelines' names, sorted.
    pub pipelines: Vec<String>,
    /// Per producer and per consumer: whether a pipeline declared it.
    pipeline_producers: Vec<bool>,
    pipeline_consumers: Vec<bool>,
    /// Topic name and partition count.
    pub topics: Vec<(String, u32)>,
    pub brokers: u16,
    pub budgets: crate::budget::Budgets,
    producer_index: NameIndex,
    consumer_index: NameIndex,
    topic_index: NameIndex,
    /// "Did you mean" searches among declared names so far (see [`Names::closest`]).
    searches: Cell<u32>,
    /// Consumers with a `subscribe` line read so far.
    subscribed: RefCell<Vec<bool>>,
    /// Per consumer, the lines of its poll loops diagnosed for want of a `subscribe`
    /// line (in file order): their diagnostics are withdrawn when one comes.
    unsubscribed_polls: RefCell<Vec<Vec<u32>>>,
}

/// Searches for a close declared name cost O(declarations) each; after this many in one
/// parse, hints stop offering names, so a file full of misspelt names still parses in
/// near-linear time.
const NAME_SEARCHES: u32 = 64;

impl Names {
    pub fn new(s: &Scenario, raw: &Raw) -> Names {
        // Every declared producer, in declaration order (the scenario's indexes), also
        // those whose config failed, so their actions are still checked.
        let producers: Vec<(String, bool)> = raw
            .producers
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let txn = match s.producers.get(i) {
                    Some(d) => d.config.transactional_id.is_some(),
                    None => p.props.iter().any(|x| x.name == "transactional.id"),
                };
                (p.name.clone(), txn)
            })
            .collect();
        let consumers: Vec<String> = s.consumers.iter().map(|c| c.name.clone()).collect();
        let consumer_groups: Vec<Option<String>> = s.consumers.iter().map(|c| c.config.group_id.clone()).collect();
        let group_set: Vec<bool> = raw
            .consumers
            .iter()
            .zip(&consumer_groups)
            .map(|(c, g)| g.is_some() || c.props.iter().any(|x| x.name == "group.id"))
            .collect();
        let mut groups: Vec<String> = consumer_groups.iter().flatten().cloned().collect();
        groups.sort_unstable();
        groups.dedup();
        let topics: Vec<(String, u32)> = s.topics.iter().map(|t| (t.name.clone(), t.partitions)).collect();
        let mut pipelines: Vec<String> = raw.pipelines.iter().map(|p| p.name.clone()).collect();
        pipelines.sort_unstable();
        pipelines.dedup();
        Names {
            pipelines,
            pipeline_producers: raw.producers.iter().map(|p| p.pipeline.is_some()).collect(),
            pipeline_consumers: raw.consumers.iter().map(|c| c.pipeline.is_some()).collect(),
            subscribed: RefCell::new(vec![false; consumers.len()]),
            unsubscribed_polls: RefCell::new(vec![Vec::new(); consumers.len()]),
            consumer_groups,
            group_set,
            groups,
            producer_index: NameIndex::new(producers.iter().map(|(n, _)| n.as_str())),
            consumer_index: NameIndex::new(consumers.iter().map(String::as_str)),
            topic_index: NameIndex::new(topics.iter().map(|(n, _)| n.as_str())),
            producers,
            consumers,
            topics,
            brokers: s.brokers,
            budgets: raw.budgets,
            searches: Cell::new(0),
        }
    }

    /// The declared name closest to `word` among `cands()`, while searches remain.
    pub fn closest<'a, I: IntoIterator<Item = &'a str>>(
        &self,
        word: &str,
        cands: impl FnOnce() -> I,
    ) -> Option<&'a str> {
        let n = self.searches.get();
        if n >= NAME_SEARCHES {
            return None;
        }
        self.searches.set(n + 1);
        suggest::closest(word, cands())
    }
    pub(super) fn producer(&self, name: &str) -> Option<usize> {
        self.producer_index.get(name)
    }
    pub(super) fn consumer(&self, name: &str) -> Option<usize> {
        self.consumer_index.get(name)
    }
    /// The pipeline whose producer `p` is, if a pipeline declared it.
    pub fn producer_pipeline(&self, p: usize) -> Option<&str> {
        let name = &self.producers.get(p)?.0;
        self.pipeline_producers.get(p).copied().unwrap_or(false).then(|| name.strip_suffix("-producer").unwrap_or(name))
    }
    /// Whether consumer `c` is a pipeline's (the pipeline has its name).
    pub fn is_pipeline(&self, c: usize) -> bool {
        self.pipeline_consumers.get(c).copied().unwrap_or(false)
    }
    pub fn topic_named(&self, name: &str) -> Option<usize> {
        self.topic_index.get(name)
    }
    pub fn topic(&self, st: &Stmt, i: usize, diags: &mut Vec<Diagnostic>) -> Option<usize> {
        let Some(t) = st.tokens.get(i) else {
            diags.push(st.end_loc().diag("missing topic name", "name a declared topic"));
            return None;
        };
        self.topic_at(&t.text, &st.loc(t), diags)
    }
    /// A declared topic named `name`, written at `at`.
    pub(super) fn topic_at(&self, name: &str, at: &Loc, diags: &mut Vec<Diagnostic>) -> Option<usize> {
        let found = self.topic_named(name);
        if found.is_none() {
            let hint = match self.closest(name, || self.topics.iter().map(|(n, _)| n.as_str())) {
                Some(c) => format!("did you mean {c}?"),
                None => format!("declare it first: topic {name} partitions=1"),
            };
            diags.push(at.diag(format!("unknown topic '{name}'"), hint));
        }
        found
    }

    /// `subscribe` and `commit` need a group.id (Kafka's `InvalidGroupIdException`).
    pub(super) fn require_group(&self, st: &Stmt, c: usize, diags: &mut Vec<Diagnostic>) -> Option<()> {
        if self.consumer_groups[c].is_some() {
            return Some(());
        }
        if !self.group_set.get(c).copied().unwrap_or(false) {
            let name = &self.consumers[c];
            diags.push(st.loc_at(3).diag(
                INVALID_GROUP_ID,
                format!("give the consumer a group on its declaration: consumer {name} group.id=NAME"),
            ));
        }
        None
    }

    /// A poll loop needs its consumer subscribed somewhere in the file: diagnosed now,
    /// withdrawn by a later `subscribe` line of the same consumer.
    pub(super) fn needs_subscription(&self, st: &Stmt, c: usize, diags: &mut Vec<Diagnostic>) {
        if self.subscribed.borrow()[c] {
            return;
        }
        let name = &self.consumers[c];
        diags.push(st.loc_at(3).diag(
            NOT_SUBSCRIBED,
            format!("subscribe the consumer before its poll loop: at 0ms {name} subscribe TOPIC"),
        ));
        self.unsubscribed_polls.borrow_mut()[c].push(st.line);
    }

    /// A `subscribe` line of consumer `c`: withdraws the poll-loop diagnostics waiting for it.
    pub(super) fn mark_subscribed(&self, c: usize, diags: &mut Vec<Diagnostic>) {
        self.subscribed.borrow_mut()[c] = true;
        let lines = std::mem::take(&mut self.unsubscribed_polls.borrow_mut()[c]);
        if lines.is_empty() {
            return;
        }
        // One pass, once per consumer (later poll loops find it subscribed); a line holds
        // one action, so (message, line) names the diagnostic.
        diags.retain(|d| !(d.message == NOT_SUBSCRIBED && lines.binary_search(&d.line).is_ok()));
    }

    fn broker_names(&self) -> Vec<String> {
        if self.searches.get() >= NAME_SEARCHES {
            return Vec::new();
        }
        (1..=self.brokers).map(|i| format!("broker-{i}")).collect()
    }

    /// A network node: `broker-N`, a producer, a consumer, or `controller`.
    pub(super) fn node(&self, st: &Stmt, i: usize, diags: &mut Vec<Diagnostic>) -> Option<NodeRef> {
        let Some(t) = st.tokens.get(i) else {
            diags.push(st.end_loc().diag("missing node name", "name broker-N, a producer, a consumer, or controller"));
            return None;
        };
        let w = t.raw.as_str();
        if w == "controller" {
            return Some(NodeRef::Controller);
        }
        if let Some(n) = w.strip_prefix("broker-") {
            return match n.parse::<u16>() {
                Ok(id) if id >= 1 && id <= self.brokers => Some(NodeRef::Broker(id)),
                _ => {
                    diags.push(st.loc(t).diag(
                        format!("{w} does not exist"),
                        format!("the cluster has broker-1 to broker-{}", self.brokers),
                    ));
                    None
                }
            };
        }
        if let Some(p) = self.producer(w) {
            return Some(NodeRef::Producer(p));
        }
        if let Some(c) = self.consumer(w) {
            return Some(NodeRef::Consumer(c));
        }
        let brokers = self.broker_names();
        let cands = || {
            brokers
                .iter()
                .map(String::as_str)
                .chain(self.producers.iter().map(|(n, _)| n.as_str()))
                .chain(self.consumers.iter().map(String::as_str))
                .chain(["controller"])
        };
        let hint = match self.closest(w, cands) {
            Some(c) => format!("did you mean {c}?"),
            None => "name broker-N, a declared producer or consumer, or controller".into(),
        };
        diags.push(st.loc(t).diag(format!("unknown node '{w}'"), hint));
        None
    }
}
