//! `pipeline NAME from=IN to=OUT group.id=G [transactional.id=X]
//! [processing.guarantee=exactly_once_v2|at_least_once] [commit.interval.ms=D] [process=D]
//! [poll.ms=D] [consumer or producer property=value ...]`: a consume-transform-produce
//! loop, run the way a Kafka Streams application with one task runs it.
//!
//! A pipeline is lowered to two clients declared in its place: a consumer named NAME (at
//! the pipeline's position among the consumers) and a producer named NAME-producer (at
//! its position among the producers). Both names live in the clients' namespace and both
//! clients count against the producers-and-consumers budget (`dedupe`). Any other
//! `name=value` on the line goes to the consumer when it is a consumer property, to the
//! producer when it is a producer property, and to both when both have it (`client.id`,
//! `request.timeout.ms`, `retry.backoff.ms`, ...); `group.id` is the consumer's, and
//! `transactional.id` the producer's (with exactly_once_v2 only).
//!
//! Kafka Streams' client overrides (`StreamsConfig`'s `CONSUMER_DEFAULT_OVERRIDES`,
//! `PRODUCER_DEFAULT_OVERRIDES` and the exactly-once ones) are the clients' defaults, and
//! a value on the line wins:
//! - consumer: `max.poll.records=1000`, `auto.offset.reset=earliest`,
//!   `enable.auto.commit=false`, `group.protocol=classic` (3.7 and later); with
//!   exactly_once_v2 also `isolation.level=read_committed`;
//! - producer: `linger.ms=100`; with exactly_once_v2 also `enable.idempotence=true`,
//!   `delivery.timeout.ms=2147483647`, `transaction.timeout.ms=10000` and
//!   `transactional.id` (default: NAME).
//!
//! Kafka's client rules see the overrides as set (Streams hands them to the clients'
//! constructors), so `acks=1` on an exactly_once_v2 pipeline is Kafka's idempotence
//! error. The effective configuration shows them with `Source::Derived` (the closest
//! source there is) and a note per client naming them as the pipeline's Streams
//! overrides.
//!
//! The pipeline's own options are Streams': `processing.guarantee` (default
//! `at_least_once`; `exactly_once` and `exactly_once_beta`, deprecated in 3.0 by KIP-732
//! and removed in 4.0, are refused), `commit.interval.ms` (100 ms with exactly_once_v2,
//! else 30000), `poll.ms` (100); and kplay's `process=` (the time each input record
//! takes, default 0). Refused: `enable.auto.commit=true` (the loop commits itself) and,
//! with exactly_once_v2, `isolation.level=read_uncommitted` (Streams reads committed).
//!
//! Pass 1 reads the line ([`declaration`]). `resolve` then calls [`check`] once per
//! pipeline (processing.guarantee, topics, properties no client has), builds its clients'
//! settings with [`producer_settings`] / [`consumer_settings`], runs the clients' rules,
//! calls [`settle`] on each, and [`lower`] for the [`PipelineDecl`].

use super::ast::{Micros, PipelineDecl, ProcessingGuarantee, TopicDecl};
use super::cursor::{set_prop, Stmt};
use super::errors::Diagnostic;
use super::names::{self, NameIndex};
use super::producer_rules::ms_to_us;
use super::props::{parse_value, Java, PropDef, Role, Ty, Unit, Val};
use super::props_tables::{find, roles_having, table};
use super::raw::{Raw, RawClient, RawPipeline};
use super::settings::{Loc, SetProp, Settings};
use super::suggest;
use super::units::{self, duration_hint};
use super::words::name_error;
use crate::config::{KafkaVersion, Source};

/// The pipeline's own options; everything else on the line is a client property.
pub const OPTIONS: &[&str] =
    &["from", "to", "group.id", "transactional.id", "processing.guarantee", "commit.interval.ms", "process", "poll.ms"];

/// `processing.guarantee` values of Kafka 4.0 (`StreamsConfig`).
pub const GUARANTEES: &[&str] = &["at_least_once", "exactly_once_v2"];

/// Streams' `poll.ms` default.
pub const DEFAULT_POLL_US: Micros = 100_000;
/// Streams' `commit.interval.ms` defaults: with exactly_once_v2, and otherwise.
pub const DEFAULT_COMMIT_INTERVAL_EOS_US: Micros = 100_000;
pub const DEFAULT_COMMIT_INTERVAL_US: Micros = 30_000_000;

/// Streams' `commit.interval.ms`: a LONG with `atLeast(0)`.
const COMMIT_INTERVAL: PropDef = option(
    "commit.interval.ms",
    Ty::Num { java: Java::Long, unit: Unit::Ms, min: Some(0), max: None, kplay_min: false },
);
/// Streams' `poll.ms`: a LONG without a validator; kplay needs at least 1 ms, or an idle
/// loop would spin without virtual time passing.
const POLL: PropDef =
    option("poll.ms", Ty::Num { java: Java::Long, unit: Unit::Ms, min: Some(1), max: None, kplay_min: true });

const fn option(name: &'static str, ty: Ty) -> PropDef {
    PropDef {
        name,
        ty,
        default: "100",
        since: (2, 0),
        modelled: true,
        #[cfg(not(target_arch = "wasm32"))]
        doc: "",
    }
}

/// The name of pipeline `name`'s producer.
pub fn producer_name(name: &str) -> String {
    format!("{name}-producer")
}

fn consumer_prop(name: &str) -> bool {
    find(Role::Consumer, name).is_some()
}

fn producer_prop(name: &str) -> bool {
    find(Role::Producer, name).is_some()
}

/// Pass 1: reads a `pipeline` line into `raw` (the pipeline, its consumer, its producer).
pub fn declaration(raw: &mut Raw, st: &Stmt, diags: &mut Vec<Diagnostic>) {
    let example = "write pipeline NAME from=IN to=OUT group.id=GROUP [processing.guarantee=exactly_once_v2]";
    let Some(nt) = st.tokens.get(1).filter(|t| t.kv.is_none()) else {
        diags.push(st.loc_at(1).diag("pipeline needs a name", example));
        return;
    };
    let at = st.loc(nt);
    if let Some(d) = name_error("pipeline", nt, &at) {
        diags.push(d);
        return;
    }
    let name = nt.raw.clone();
    let mut p = RawPipeline {
        name: name.clone(),
        at,
        from: None,
        to: None,
        guarantee: None,
        transactional_id: None,
        commit_interval_us: None,
        process_us: 0,
        poll_us: DEFAULT_POLL_US,
        props: vec![],
    };
    let mut props = vec![];
    for t in &st.tokens[2..] {
        match set_prop(st, t) {
            Some(prop) => props.push(prop),
            None => diags.push(st.loc(t).diag(
                format!("expected name=value, found '{}'", t.raw),
                format!("pipeline options and client properties are written name=value, without spaces around '=': pipeline {name} from=orders to=invoices group.id={name}"),
            )),
        }
    }
    let columns: Vec<u32> = props.iter().map(|x| x.whole.col).collect();
    let repeated = names::repeats(props.iter().map(|x| x.name.as_str()));
    for (prop, first) in props.into_iter().zip(repeated) {
        if let Some(f) = first {
            let msg = format!("{} is set twice (first at column {})", prop.name, columns[f]);
            diags.push(prop.key.diag(msg, "keep one of them"));
            continue;
        }
        match prop.name.as_str() {
            "from" | "to" => {
                if prop.value.is_empty() {
                    diags.push(prop.whole.diag(
                        format!("{} needs a topic name", prop.name),
                        format!("from= names the topic pipeline {name} reads, to= the one it writes: from=orders to=invoices"),
                    ));
                }
                let topic = Some((prop.value.clone(), prop.val.clone()));
                if prop.name == "from" {
                    p.from = topic;
                } else {
                    p.to = topic;
                }
            }
            "processing.guarantee" => p.guarantee = Some(prop),
            "transactional.id" => p.transactional_id = Some(prop),
            "commit.interval.ms" | "poll.ms" => {
                let def = if prop.name == "poll.ms" { &POLL } else { &COMMIT_INTERVAL };
                match parse_value(def, &prop.value, None) {
                    Ok(Val::Int(ms)) if prop.name == "poll.ms" => p.poll_us = ms_to_us(ms),
                    Ok(Val::Int(ms)) => p.commit_interval_us = Some(ms_to_us(ms)),
                    Ok(_) => {}
                    Err(e) => diags.push(prop.val.diag(e.message, e.hint)),
                }
            }
            "process" => match units::parse_duration_us(&prop.value) {
                Ok(us) => p.process_us = us,
                Err(e) => diags
                    .push(prop.val.diag(format!("invalid process '{}'", prop.value), duration_hint(&prop.value, &e))),
            },
            _ => p.props.push(prop),
        }
    }
    let has_group = p.props.iter().any(|x| x.name == "group.id");
    let required = [
        (p.from.is_none(), "from=TOPIC", "from= names the topic it reads"),
        (p.to.is_none(), "to=TOPIC", "to= names the topic it writes"),
        (!has_group, "group.id=GROUP", "group.id= names its consumer group (Kafka Streams' application.id)"),
    ];
    for (_, what, why) in required.iter().filter(|(missing, _, _)| *missing) {
        diags.push(st.end_loc().diag(
            format!("pipeline {name} needs {what}"),
            format!("{why}: pipeline {name} from=orders to=invoices group.id={name}"),
        ));
    }
    if let (Some((from, _)), Some((to, loc))) = (&p.from, &p.to) {
        if from == to && !from.is_empty() {
            diags.push(loc.diag(
                format!("pipeline {name} reads and writes the same topic '{to}'"),
                "from= and to= name two different topics: a pipeline writing its own input would read its outputs back forever",
            ));
        }
    }
    let k = raw.pipelines.len();
    let (at, producer) = (p.at.clone(), producer_name(&name));
    raw.consumers.push(RawClient { name, at: at.clone(), props: vec![], pipeline: Some(k) });
    raw.producers.push(RawClient { name: producer, at, props: vec![], pipeline: Some(k) });
    raw.pipelines.push(p);
}

/// What `resolve` learns of a pipeline before building its clients.
#[derive(Clone, Debug)]
pub struct Checked {
    pub guarantee: ProcessingGuarantee,
    /// Topic indexes (`None`: unknown, already diagnosed).
    pub from: Option<usize>,
    pub to: Option<usize>,
}

/// Checks what belongs to the pipeline itself, once: `processing.guarantee` against the
/// Kafka version, the topics, and the properties neither client has.
pub fn check(
    p: &RawPipeline,
    v: KafkaVersion,
    topics: &[TopicDecl],
    index: &NameIndex,
    notes: &mut Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> Checked {
    let guarantee = guarantee(p.guarantee.as_ref(), v, diags);
    let topic = |t: &Option<(String, Loc)>, diags: &mut Vec<Diagnostic>| {
        let (name, at) = t.as_ref().filter(|(n, _)| !n.is_empty())?;
        let found = index.get(name);
        if found.is_none() {
            let hint = match suggest::closest(name, topics.iter().map(|t| t.name.as_str())) {
                Some(c) => format!("did you mean {c}?"),
                None => format!("declare it first: topic {name} partitions=1"),
            };
            diags.push(at.diag(format!("unknown topic '{name}'"), hint));
        }
        found
    };
    let from = topic(&p.from, diags);
    // from == to is diagnosed on the line already; an unknown topic, once.
    let to = if p.to.as_ref().map(|t| &t.0) == p.from.as_ref().map(|t| &t.0) { from } else { topic(&p.to, diags) };
    for prop in p.props.iter().filter(|x| !consumer_prop(&x.name) && !producer_prop(&x.name)) {
        diags.push(unknown(prop, v));
    }
    if let (ProcessingGuarantee::AtLeastOnce, Some(t)) = (guarantee, &p.transactional_id) {
        notes.push(format!(
            "pipeline {}: transactional.id={} is ignored: with processing.guarantee=at_least_once the pipeline runs no transactions",
            p.name, t.value
        ));
    }
    Checked { guarantee, from, to }
}

/// `processing.guarantee`: Kafka Streams' values for release `v` (`StreamsConfig`'s
/// validator: `exactly_once_beta` from 2.6 (KIP-447), `exactly_once_v2` from 3.0
/// (KIP-732), `exactly_once` and `exactly_once_beta` removed in 4.0). kplay runs
/// `at_least_once` and `exactly_once_v2`.
fn guarantee(prop: Option<&SetProp>, v: KafkaVersion, diags: &mut Vec<Diagnostic>) -> ProcessingGuarantee {
    let Some(prop) = prop else { return ProcessingGuarantee::AtLeastOnce };
    let value = prop.value.trim();
    let valid: &[&str] = if v.at_least(4, 0) {
        GUARANTEES
    } else if v.at_least(3, 0) {
        &["at_least_once", "exactly_once", "exactly_once_beta", "exactly_once_v2"]
    } else if v.at_least(2, 6) {
        &["at_least_once", "exactly_once", "exactly_once_beta"]
    } else {
        &["at_least_once", "exactly_once"]
    };
    let invalid = format!(
        "Invalid value {} for configuration processing.guarantee: String must be one of: {}",
        prop.value,
        valid.join(", ")
    );
    match value {
        "at_least_once" => return ProcessingGuarantee::AtLeastOnce,
        "exactly_once_v2" if valid.contains(&value) => return ProcessingGuarantee::ExactlyOnceV2,
        "exactly_once_v2" => diags.push(prop.val.diag(
            invalid,
            format!("exactly_once_v2 arrived in Kafka 3.0 (KIP-732), and kplay runs exactly-once pipelines as exactly_once_v2: write kafka 3.0 or later (Kafka {v} is declared)"),
        )),
        "exactly_once" | "exactly_once_beta" => {
            let message = if v.at_least(4, 0) {
                invalid
            } else {
                format!("processing.guarantee={value} is deprecated since Kafka 3.0 (KIP-732) and was removed in Kafka 4.0; kplay does not run it")
            };
            diags.push(prop.val.diag(
                message,
                "exactly_once and exactly_once_beta were removed in Kafka 4.0: use processing.guarantee=exactly_once_v2",
            ));
        }
        _ => {
            let hint = match GUARANTEES.iter().find(|g| g.eq_ignore_ascii_case(value)) {
                Some(g) => format!("Kafka compares processing.guarantee case-sensitively: write processing.guarantee={g}"),
                None => match suggest::closest(value, GUARANTEES.iter().copied()) {
                    Some(g) => format!("did you mean processing.guarantee={g}?"),
                    None => format!("kplay runs processing.guarantee={}", GUARANTEES.join(" or ")),
                },
            };
            diags.push(prop.val.diag(invalid, hint));
        }
    }
    ProcessingGuarantee::ExactlyOnceV2
}

/// A property on a pipeline line that neither client has.
fn unknown(prop: &SetProp, v: KafkaVersion) -> Diagnostic {
    let name = prop.name.as_str();
    if name.is_empty() {
        return prop.key.diag(
            "missing pipeline property name before '='",
            "write name=value without spaces around '=': pipeline etl from=orders to=invoices group.id=etl",
        );
    }
    let others = roles_having(name);
    let hint = if !others.is_empty() {
        let kinds: Vec<&str> = others.iter().map(|r| r.name()).collect();
        let lines: Vec<&str> = others.iter().map(|r| r.line()).collect();
        format!("{name} is a {} setting: put it on {}", kinds.join(" or "), lines.join(" or "))
    } else {
        let known = |role: Role| table(role).iter().filter(move |d| d.exists_in(v)).map(|d| d.name);
        let cands = OPTIONS.iter().copied().chain(known(Role::Consumer)).chain(known(Role::Producer));
        match suggest::closest(name, cands) {
            Some(c) => format!("did you mean {c}?"),
            None => format!(
                "a pipeline takes {}= and its consumer's and producer's properties (kplay knows Kafka {v}'s)",
                OPTIONS.join("=, ")
            ),
        }
    };
    prop.key.diag(format!("Unknown pipeline property '{name}'"), hint)
}

/// Sets the defaults a pipeline gives its client, where the line does not set them
/// (and the release has them). They are `Set` while Kafka's rules run: Streams passes
/// them to the client's constructor, so for the client they are explicit. Returns the
/// names applied, for [`settle`].
fn streams_defaults(s: &mut Settings, defaults: &[(&'static str, String)]) -> Vec<&'static str> {
    let mut applied = vec![];
    for (name, text) in defaults {
        let Some(e) = s.entries.get_mut(name) else { continue };
        if e.source == Source::Set {
            continue;
        }
        if let Ok(val) = parse_value(e.def, text, None) {
            e.val = val;
            e.source = Source::Set;
            applied.push(*name);
        }
    }
    applied
}

/// The settings of pipeline `p`'s producer: its producer properties, `transactional.id`
/// with exactly_once_v2, then Streams' producer overrides.
pub fn producer_settings(
    p: &RawPipeline,
    g: ProcessingGuarantee,
    v: KafkaVersion,
    diags: &mut Vec<Diagnostic>,
) -> (Settings, Vec<&'static str>) {
    let eos = g == ProcessingGuarantee::ExactlyOnceV2;
    let mut props: Vec<SetProp> = p.props.iter().filter(|x| producer_prop(&x.name)).cloned().collect();
    if let Some(t) = p.transactional_id.as_ref().filter(|_| eos) {
        props.push(t.clone());
    }
    let mut s = Settings::build(Role::Producer, &props, v, diags);
    let mut defaults = vec![("linger.ms", "100".to_string())];
    if eos {
        defaults.extend([
            ("enable.idempotence", "true".to_string()),
            ("delivery.timeout.ms", "2147483647".to_string()),
            ("transaction.timeout.ms", "10000".to_string()),
            ("transactional.id", p.name.clone()),
        ]);
    }
    let applied = streams_defaults(&mut s, &defaults);
    (s, applied)
}

/// The settings of pipeline `p`'s consumer: its consumer properties, the two refusals,
/// then Streams' consumer overrides. The problems of the properties the producer shares
/// are reported here only when the producer's settings were not built (`shared_reported`
/// false: its name was taken).
pub fn consumer_settings(
    p: &RawPipeline,
    g: ProcessingGuarantee,
    v: KafkaVersion,
    shared_reported: bool,
    diags: &mut Vec<Diagnostic>,
) -> (Settings, Vec<&'static str>) {
    let eos = g == ProcessingGuarantee::ExactlyOnceV2;
    let (shared, own): (Vec<SetProp>, Vec<SetProp>) =
        p.props.iter().filter(|x| consumer_prop(&x.name)).cloned().partition(|x| producer_prop(&x.name));
    let mut s = Settings::build(Role::Consumer, &own, v, diags);
    let mut reported = vec![];
    for prop in &shared {
        s.set(prop, v, if shared_reported { &mut reported } else { &mut *diags });
    }
    let name = &p.name;
    if let (true, Some(loc)) = (s.bool("enable.auto.commit"), s.loc("enable.auto.commit")) {
        diags.push(loc.diag(
            format!("pipeline {name} commits its own offsets: enable.auto.commit cannot be true"),
            "Kafka Streams always turns auto commit off (\"User setting (true) will be ignored and the Streams default setting (false) will be used\"): drop enable.auto.commit",
        ));
        unset(&mut s, "enable.auto.commit");
    }
    if let (true, Some(loc)) = (eos && s.str("isolation.level") == Some("read_uncommitted"), s.loc("isolation.level")) {
        diags.push(loc.diag(
            format!("pipeline {name} reads with isolation.level=read_committed: processing.guarantee is exactly_once_v2"),
            "Kafka Streams forces read_committed under exactly_once_v2 (\"User setting (read_uncommitted) will be ignored and the Streams default setting (read_committed) will be used\"): drop isolation.level, or use processing.guarantee=at_least_once",
        ));
        unset(&mut s, "isolation.level");
    }
    let mut defaults = vec![
        ("max.poll.records", "1000".to_string()),
        ("auto.offset.reset", "earliest".to_string()),
        ("enable.auto.commit", "false".to_string()),
        ("group.protocol", "classic".to_string()),
    ];
    if eos {
        defaults.push(("isolation.level", "read_committed".to_string()));
    }
    let applied = streams_defaults(&mut s, &defaults);
    (s, applied)
}

/// Forgets a refused value (already diagnosed), so that no rule reports it again and
/// Streams' default takes its place.
fn unset(s: &mut Settings, name: &str) {
    if let Some(e) = s.entries.get_mut(name) {
        e.source = Source::Default;
        e.loc = None;
    }
}

/// After the client's rules: the Streams defaults in `applied` (unless a rule changed
/// them) become `Derived` for the report; returns the note naming them.
pub fn settle(p: &RawPipeline, role: Role, client: &str, s: &mut Settings, applied: &[&'static str]) -> Option<String> {
    let mut shown = vec![];
    for name in applied {
        let Some(e) = s.entries.get_mut(name) else { continue };
        if e.source == Source::Set && e.loc.is_none() {
            e.source = Source::Derived;
            shown.push(format!("{name}={}", e.val.kafka_string()));
        }
    }
    (!shown.is_empty()).then(|| {
        format!(
            "pipeline {}: {} {client} takes Kafka Streams' overrides {} (a value on the pipeline line wins)",
            p.name,
            role.name(),
            shown.join(", ")
        )
    })
}

/// The pipeline as the run sees it, when its topics and both clients resolved.
pub fn lower(p: &RawPipeline, c: &Checked, consumer: usize, producer: usize) -> Option<PipelineDecl> {
    let default_commit = match c.guarantee {
        ProcessingGuarantee::ExactlyOnceV2 => DEFAULT_COMMIT_INTERVAL_EOS_US,
        ProcessingGuarantee::AtLeastOnce => DEFAULT_COMMIT_INTERVAL_US,
    };
    Some(PipelineDecl {
        name: p.name.clone(),
        from: c.from?,
        to: c.to?,
        guarantee: c.guarantee,
        commit_interval_us: p.commit_interval_us.unwrap_or(default_commit),
        process_us: p.process_us,
        poll_us: p.poll_us,
        consumer,
        producer,
        line: p.at.line,
    })
}
