//! One role's properties after validation: every known property with its value and
//! where it came from (Kafka default for the scenario's version, set on the line, or
//! derived by a rule), ready for the role's Kafka rules and for the report.
//!
//! Invariant: `entries` holds exactly the role's properties that exist in the chosen
//! Kafka version, each with a value its validator accepts. It is a `VecMap`, so the
//! report lists properties sorted by name without any hash-order dependence.
//!
//! Defaults come from one place, the tables (`props_tables::default_for`): the typed
//! readers ([`Settings::int`], [`Settings::bool`], [`Settings::text`]) take no fallback.
//! A property the version does not have yet reads as the table's default for that
//! version, which is how Kafka behaved before the property could be set.

use crate::sim::VecMap;

use super::errors::Diagnostic;
use super::props::{parse_value, PropDef, Role, Val};
use super::props_tables::{default_for, find, min_for, roles_having, table};
use super::suggest;
use crate::config::{KafkaVersion, RoleConfig, Setting, Source};
use std::borrow::Cow;

/// Where something was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loc {
    pub line: u32,
    pub col: u32,
    pub end: u32,
    pub word: String,
}

impl Loc {
    pub fn diag(&self, message: impl Into<String>, hint: impl Into<String>) -> Diagnostic {
        Diagnostic {
            line: self.line,
            column: self.col,
            end_column: self.end.max(self.col),
            word: self.word.clone(),
            message: message.into(),
            hint: hint.into(),
        }
    }
}

/// A `name=value` as written on a declaration line.
#[derive(Clone, Debug)]
pub struct SetProp {
    pub name: String,
    pub value: String,
    /// The `name` part.
    pub key: Loc,
    /// The value part.
    pub val: Loc,
    /// The whole `name=value` word.
    pub whole: Loc,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub def: &'static PropDef,
    pub val: Val,
    pub source: Source,
    /// The `name=value` word when the scenario set it.
    pub loc: Option<Loc>,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub role: Role,
    /// The Kafka version whose properties and defaults these are.
    pub version: KafkaVersion,
    pub entries: VecMap<&'static str, Entry>,
}

/// The table's default for `def` in version `v`, parsed ("null" defaults stay null).
fn default_val(role: Role, def: &PropDef, v: KafkaVersion) -> Val {
    let text = default_for(role, def, v);
    // "null" defaults (transactional.id, log.flush.interval.ms, group.id) stay null.
    if text == "null" {
        Val::Null
    } else {
        parse_value(def, text, None).unwrap_or(Val::Null)
    }
}

/// Properties that belong to a declaration rather than to a role's config.
fn misplaced_hint(role: Role, name: &str) -> Option<String> {
    let s = match (role, name) {
        (Role::Broker, "replication.factor") => {
            "replication.factor belongs on a topic line; the cluster-wide default is default.replication.factor"
        }
        (Role::Broker, "partitions" | "num.partitions") => {
            "the partition count goes on a topic line: topic NAME partitions=3"
        }
        (Role::Producer | Role::Consumer, "partitions" | "replication.factor" | "replica.assignment") => {
            "that option goes on a topic line: topic NAME partitions=3 replication.factor=3"
        }
        (_, "bootstrap.servers") => "kplay connects every client to every broker: leave bootstrap.servers out",
        _ => return None,
    };
    Some(s.to_string())
}

impl Settings {
    /// Validates `props` against the role's table for version `v`; every problem
    /// becomes a diagnostic and the property keeps its default.
    pub fn build(role: Role, props: &[SetProp], v: KafkaVersion, diags: &mut Vec<Diagnostic>) -> Settings {
        let mut entries = VecMap::new();
        for def in table(role).iter().filter(|d| d.exists_in(v)) {
            let val = default_val(role, def, v);
            entries.insert(def.name, Entry { def, val, source: Source::Default, loc: None });
        }
        let mut s = Settings { role, version: v, entries };
        for prop in props {
            s.set(prop, v, diags);
        }
        s
    }

    /// Validates and sets one property (as [`Settings::build`] does for each of its).
    pub fn set(&mut self, prop: &SetProp, v: KafkaVersion, diags: &mut Vec<Diagnostic>) {
        let role = self.role;
        let Some(entry) = self.entries.get_mut(prop.name.as_str()) else {
            diags.push(unknown(role, prop, v));
            return;
        };
        if let Some(prev) = &entry.loc {
            let msg = format!("{} is set twice (first at column {})", prop.name, prev.col);
            diags.push(prop.key.diag(msg, "keep one of them"));
            return;
        }
        match parse_value(entry.def, &prop.value, min_for(role, entry.def, v)) {
            Ok(val) => {
                entry.val = val;
                entry.source = Source::Set;
                entry.loc = Some(prop.whole.clone());
            }
            Err(e) => diags.push(prop.val.diag(e.message, e.hint)),
        }
    }

    /// The property's value; `None` when this Kafka version does not have it.
    pub fn get(&self, name: &str) -> Option<&Val> {
        self.entries.get(name).map(|e| &e.val)
    }
    /// The role's table entry for `name`. Panics when there is none: property names in
    /// code are the tables' (the tests resolve every role in every version).
    fn def(&self, name: &str) -> &'static PropDef {
        find(self.role, name).unwrap_or_else(|| panic!("{name} is not in the {} table", self.role.name()))
    }
    /// The value, or for a property this version does not have yet the table's default
    /// for the version (Kafka's behaviour before the property could be set).
    fn value(&self, name: &str) -> Cow<'_, Val> {
        match self.get(name) {
            Some(v) => Cow::Borrowed(v),
            None => Cow::Owned(default_val(self.role, self.def(name), self.version)),
        }
    }
    /// An integer property; for one this version lacks, the table's default for the
    /// version. Panics when `name` is no integer property with a non-null default: every
    /// value in `entries` passed the property's validator, so only a wrong name in code
    /// gets here.
    pub fn int(&self, name: &str) -> i64 {
        let v = self.value(name);
        v.as_int().unwrap_or_else(|| panic!("{name} is an integer property with a value, not {v:?}"))
    }
    /// A boolean property; panics as [`Settings::int`] does.
    pub fn bool(&self, name: &str) -> bool {
        let v = self.value(name);
        v.as_bool().unwrap_or_else(|| panic!("{name} is a boolean property with a value, not {v:?}"))
    }
    /// A text (string, enum, list, ratio) property with a non-null value, e.g. `acks`;
    /// panics as [`Settings::int`] does. Nullable ones are read with [`Settings::str`].
    pub fn text(&self, name: &str) -> &str {
        let v = match self.get(name) {
            Some(v) => v.as_str(),
            None => Some(default_for(self.role, self.def(name), self.version)).filter(|t| *t != "null"),
        };
        v.unwrap_or_else(|| panic!("{name} is a text property with a non-null value"))
    }
    /// A text property that may be null (`transactional.id`, `group.id`) or missing in
    /// this version: `None` then.
    pub fn str(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Val::as_str)
    }
    /// Whether the scenario set this property (Kafka's `originals().containsKey`).
    pub fn is_set(&self, name: &str) -> bool {
        self.entries.get(name).is_some_and(|e| e.source == Source::Set)
    }
    pub fn loc(&self, name: &str) -> Option<&Loc> {
        self.entries.get(name).and_then(|e| e.loc.as_ref())
    }
    /// A rule changed the value.
    pub fn derive(&mut self, name: &str, val: Val) {
        if let Some(e) = self.entries.get_mut(name) {
            e.val = val;
            e.source = Source::Derived;
        }
    }

    /// The report's view: every property, sorted by name, as Kafka prints it.
    /// `print` may override how a value is shown (e.g. `acks` as `all`/`1`/`0`).
    pub fn role_config(&self, name: &str, print: impl Fn(&str, &Val) -> Option<String>) -> RoleConfig {
        let settings = self
            .entries
            .iter()
            .map(|(k, e)| Setting {
                name: (*k).to_string(),
                value: print(k, &e.val).unwrap_or_else(|| e.val.kafka_string()),
                source: e.source,
            })
            .collect();
        RoleConfig { role: self.role.name().to_string(), name: name.to_string(), settings }
    }
}

/// A few of the role's properties, for hints that have nothing closer to offer.
fn examples(role: Role) -> &'static str {
    match role {
        Role::Producer => "acks, linger.ms, batch.size, enable.idempotence, retries, transactional.id",
        Role::Broker => "min.insync.replicas, unclean.leader.election.enable, log.flush.interval.messages",
        Role::Topic => "min.insync.replicas, unclean.leader.election.enable, flush.messages, segment.bytes",
        Role::Consumer => "isolation.level",
    }
}

/// Where a word that is no Kafka property belongs, when it is one of kplay's own.
fn kplay_word_hint(role: Role, name: &str) -> Option<String> {
    let s = match name {
        "count" | "every" | "key" | "value" | "size" | "partition" | "sync" | "resend" | "mode" | "api" | "for" => {
            format!("{name}= is an option of a timeline action (at 0ms app send TOPIC count=10 every=1ms ...), not a {} property", role.name())
        }
        "latency" | "jitter" | "loss" => format!("{name}= goes on the network line: network {name}=..."),
        "lost" | "duplicated" | "reordered" | "failed" | "acked" | "sent" | "delivered" | "pending" => {
            format!("{name} is a report field: check it with expect {name}=0")
        }
        _ => return None,
    };
    Some(s)
}

fn unknown(role: Role, prop: &SetProp, v: KafkaVersion) -> Diagnostic {
    let name = prop.name.as_str();
    let message = if name.is_empty() {
        format!("missing {} property name before '='", role.name())
    } else {
        format!("Unknown {} property '{}'", role.name(), name)
    };
    let hint = if name.is_empty() {
        format!("write name=value without spaces around '=': {} properties include {}", role.name(), examples(role))
    } else if let Some(h) = kplay_word_hint(role, name) {
        h
    } else if let Some(def) = table(role).iter().find(|d| d.name == name) {
        format!("{name} does not exist in Kafka {v}: it was added in {}.{}", def.since.0, def.since.1)
    } else if let Some(h) = misplaced_hint(role, name) {
        h
    } else {
        let others: Vec<Role> = roles_having(name).into_iter().filter(|r| *r != role).collect();
        if others.is_empty() {
            match suggest::closest(name, table(role).iter().filter(|d| d.exists_in(v)).map(|d| d.name)) {
                Some(c) => format!("did you mean {c}?"),
                None => format!(
                    "not a Kafka {} property (kplay knows Kafka {v}'s); {} properties include {}",
                    role.name(),
                    role.name(),
                    examples(role)
                ),
            }
        } else {
            let kinds: Vec<&str> = others.iter().map(|r| r.name()).collect();
            let lines: Vec<&str> = others.iter().map(|r| r.line()).collect();
            format!("{name} is a {} setting: put it on {}", kinds.join(" or "), lines.join(" or "))
        }
    };
    prop.key.diag(message, hint)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn loc(col: u32) -> Loc {
        Loc { line: 1, col, end: col + 1, word: String::new() }
    }
    fn prop(name: &str, value: &str) -> SetProp {
        SetProp { name: name.into(), value: value.into(), key: loc(1), val: loc(2), whole: loc(1) }
    }

    #[test]
    fn defaults_sets_and_sources() {
        let mut d = vec![];
        let s = Settings::build(Role::Producer, &[prop("linger.ms", "20")], KafkaVersion::DEFAULT, &mut d);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(s.int("linger.ms"), 20);
        assert!(s.is_set("linger.ms"));
        assert_eq!(s.int("batch.size"), 16_384);
        assert_eq!(s.get("transactional.id"), Some(&Val::Null));
        let rc = s.role_config("app", |_, _| None);
        assert_eq!(rc.settings.iter().find(|x| x.name == "linger.ms").unwrap().source, Source::Set);
    }

    #[test]
    fn unknown_names_get_suggestions_and_role_hints() {
        let mut d = vec![];
        Settings::build(
            Role::Producer,
            &[prop("linger.m", "1"), prop("min.insync.replicas", "2")],
            KafkaVersion::DEFAULT,
            &mut d,
        );
        assert_eq!(d[0].message, "Unknown producer property 'linger.m'");
        assert_eq!(d[0].hint, "did you mean linger.ms?");
        assert_eq!(
            d[1].hint,
            "min.insync.replicas is a broker or topic setting: put it on the brokers line or a topic line"
        );
    }

    #[test]
    fn properties_newer_than_the_version_are_unknown() {
        let mut d = vec![];
        let v = KafkaVersion::new(3, 6, 0);
        let s = Settings::build(Role::Producer, &[prop("retry.backoff.max.ms", "5")], v, &mut d);
        assert_eq!(d[0].hint, "retry.backoff.max.ms does not exist in Kafka 3.6.0: it was added in 3.7");
        assert!(s.get("retry.backoff.max.ms").is_none());
        assert_eq!(s.int("linger.ms"), 0);
    }

    /// Every Kafka release kplay models, by (major, minor), with the patch releases whose
    /// rules differ (3.0.0 / 3.0.1, 3.1.0 / 3.1.1).
    pub(crate) fn versions() -> Vec<KafkaVersion> {
        let minors = [(2, 0..=8), (3, 0..=9), (4, 0..=2)];
        let mut out = vec![];
        for (major, range) in minors {
            for minor in range {
                out.push(KafkaVersion::new(major, minor, 0));
                if major == 3 && minor <= 1 {
                    out.push(KafkaVersion::new(major, minor, 1));
                }
            }
        }
        out
    }

    /// With nothing set, the typed readers give the table's default for the version,
    /// also for properties the version does not have yet (no fallback literal anywhere).
    #[test]
    fn typed_reads_are_the_tables_defaults_in_every_version() {
        for v in versions() {
            for role in [Role::Producer, Role::Broker, Role::Topic, Role::Consumer] {
                let s = Settings::build(role, &[], v, &mut vec![]);
                for def in table(role) {
                    let text = default_for(role, def, v);
                    let name = def.name;
                    match (&def.ty, text) {
                        (_, "null") => assert_eq!(s.str(name), None, "{name} {v}"),
                        (crate::script::props::Ty::Num { .. } | crate::script::props::Ty::Level { .. }, _) => {
                            assert_eq!(s.int(name).to_string(), text, "{name} {v}")
                        }
                        (crate::script::props::Ty::Bool, _) => assert_eq!(s.bool(name).to_string(), text, "{name} {v}"),
                        _ => assert_eq!(s.text(name), text, "{name} {v}"),
                    }
                    assert_eq!(s.get(name).is_some(), def.exists_in(v), "{name} {v}");
                }
            }
        }
    }

    #[test]
    fn duplicates_and_bad_values() {
        let mut d = vec![];
        Settings::build(
            Role::Producer,
            &[prop("acks", "1"), prop("acks", "0"), prop("batch.size", "x")],
            KafkaVersion::DEFAULT,
            &mut d,
        );
        assert_eq!(d.len(), 2);
        assert!(d[0].message.contains("set twice"));
        assert_eq!(d[1].message, "Invalid value x for configuration batch.size: Not a number of type INT");
    }
}
