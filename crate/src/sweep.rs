//! Sweeps: one scenario run for every combination of setting values, times seeds, one
//! row each with the outcome (lost, duplicated, reordered, phantom, failed and their
//! rates), the promise, the producer metrics and the speed figures (`perf`: records/s,
//! MB/s and send()-to-callback latency of all producers together, as the report's
//! `perf.total`); a combination has the mean of its seeds' rates and speed.
//!
//! A setting is a Kafka property name applied to a role's declaration lines:
//! - `NAME` (no prefix) or `producer.NAME`: every `producer` line (`acks`, `linger.ms`);
//! - `broker.NAME`: the `brokers` line (`broker.min.insync.replicas`), added as
//!   `brokers 1 ...` when the file has none; Kafka's own `broker.*` names work as
//!   written (`broker.session.timeout.ms`: NAME is tried without the prefix first, then
//!   whole);
//! - `topic.NAME`: every `topic` line (`topic.replication.factor`, `topic.flush.messages`);
//! - `consumer.NAME`: every `consumer` line (`consumer.isolation.level`).
//!
//! Seeds: the file's seed, then seed+1, ... (`seeds` of them). Rates are per record sent.
//! An unknown property or a value Kafka rejects outright is an error before anything runs
//! ([`Sweep::new`]); a combination that breaks one of Kafka's cross-property rules (an
//! explicit `enable.idempotence=true` with `acks=1`) is a row with that error.
//! [`Sweep`] is stepwise (one run per step unit) for Web Workers.

use serde::Serialize;

use crate::checker::guarantee::Level;
use crate::report::Summary;
use crate::search::edit;
use crate::sim::VecMap;
use crate::RunOptions;

/// One `--set NAME=V1,V2,...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// As given (`acks`, `broker.min.insync.replicas`).
    pub name: String,
    /// The declaration keyword it applies to (`producer`, `brokers`, `topic`, `consumer`).
    pub role: &'static str,
    /// The Kafka property name.
    pub property: String,
    pub values: Vec<String>,
}

impl Setting {
    /// Parses `NAME=V1,V2,...`.
    pub fn parse(arg: &str) -> Result<Setting, String> {
        let (name, values) = arg.split_once('=').ok_or_else(|| format!("--set needs NAME=V1,V2,... (got '{arg}')"))?;
        let values: Vec<String> = values.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
        if name.is_empty() || values.is_empty() {
            return Err(format!("--set needs NAME=V1,V2,... (got '{arg}')"));
        }
        use crate::script::props::Role;
        use crate::script::props_tables::find;
        let (role, kind, property) = match name.split_once('.') {
            Some(("broker", p)) => ("brokers", Role::Broker, p),
            Some(("topic", p)) => ("topic", Role::Topic, p),
            Some(("consumer", p)) => ("consumer", Role::Consumer, p),
            Some(("producer", p)) => ("producer", Role::Producer, p),
            _ => ("producer", Role::Producer, name),
        };
        // Kafka's own names may begin with the role's word (`broker.session.timeout.ms`):
        // the name without the prefix first, then the whole name.
        let property = if find(kind, property).is_none() && find(kind, name).is_some() { name } else { property };
        Ok(Setting { name: name.to_string(), role, property: property.to_string(), values })
    }
}

/// `text` with `property=value` set on every declaration line of `role`.
pub fn apply(text: &str, role: &str, property: &str, value: &str) -> String {
    let mut found = false;
    let mut out: Vec<String> = text
        .split('\n')
        .map(|line| {
            let mut words = edit::words(line);
            if words.first().map(String::as_str) != Some(role) {
                return line.to_string();
            }
            found = true;
            edit::set_option(&mut words, property, value);
            edit::join(&words)
        })
        .collect();
    if !found && role == "brokers" {
        out.insert(0, format!("brokers 1 {property}={}", edit::quote(value)));
    }
    out.join("\n")
}

#[derive(Clone, Debug, Default, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Rates {
    pub lost: f64,
    pub duplicated: f64,
    pub reordered: f64,
    pub phantom: f64,
    pub failed: f64,
}

impl Rates {
    fn of(s: &Summary) -> Rates {
        let per = |n: u64| if s.sent == 0 { 0.0 } else { n as f64 / s.sent as f64 };
        Rates {
            lost: per(s.lost),
            duplicated: per(s.duplicated),
            reordered: per(s.reordered),
            phantom: per(s.phantom),
            failed: per(s.failed),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SweepRow {
    /// Setting name → value for this row.
    pub values: VecMap<String, String>,
    pub seed: u64,
    /// The configuration error, when Kafka's rules reject this combination.
    pub error: Option<String>,
    pub summary: Option<Summary>,
    pub rates: Option<Rates>,
    pub promised: Option<Level>,
    pub breaks_promise: bool,
    pub end_time_us: u64,
    /// Producer metrics under their Java names, per producer.
    pub metrics: VecMap<String, VecMap<String, f64>>,
    /// The run's speed figures (the report's `perf.total`); null when the row is invalid.
    pub perf: Option<crate::report::perf::Figures>,
}

/// Per combination: the mean rates over its seeds.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Combination {
    pub values: VecMap<String, String>,
    pub runs: u64,
    pub errors: u64,
    pub rates: Rates,
    pub promised: Option<Level>,
    pub broke_promise: u64,
    /// The mean speed over its valid runs; null when none was valid or none acked a record.
    pub speed: Option<Speed>,
}

/// A combination's mean speed figures over its seeds (runs that acknowledged records).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "SweepSpeed"))]
pub struct Speed {
    pub records_per_sec: f64,
    pub mb_per_sec: f64,
    pub latency_avg_ms: f64,
    pub latency_p99_ms: f64,
}

impl Speed {
    fn mean(rows: &[SweepRow]) -> Option<Speed> {
        let ok: Vec<&crate::report::perf::Figures> =
            rows.iter().filter_map(|r| r.perf.as_ref()).filter(|f| f.records > 0).collect();
        if ok.is_empty() {
            return None;
        }
        let mean =
            |f: &dyn Fn(&crate::report::perf::Figures) -> f64| ok.iter().map(|p| f(p)).sum::<f64>() / ok.len() as f64;
        Some(Speed {
            records_per_sec: mean(&|p| p.records_per_sec),
            mb_per_sec: mean(&|p| p.mb_per_sec),
            latency_avg_ms: mean(&|p| p.latency_ms.avg),
            latency_p99_ms: mean(&|p| p.latency_ms.p99),
        })
    }
}

#[derive(Clone, Debug, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct SweepReport {
    pub settings: Vec<String>,
    pub seeds: Vec<u64>,
    pub rows: Vec<SweepRow>,
    pub combinations: Vec<Combination>,
}

pub struct Sweep {
    text: String,
    settings: Vec<Setting>,
    seeds: Vec<u64>,
    combos: Vec<Vec<usize>>,
    next: usize,
    pub rows: Vec<SweepRow>,
}

fn combinations(settings: &[Setting]) -> Vec<Vec<usize>> {
    let mut out = vec![Vec::new()];
    for s in settings {
        out = out.into_iter().flat_map(|c| (0..s.values.len()).map(move |i| [c.clone(), vec![i]].concat())).collect();
    }
    out
}

impl Sweep {
    /// Checks every setting and value against the file before anything runs.
    pub fn new(text: &str, settings: Vec<Setting>, seeds: u64) -> Result<Sweep, String> {
        let base = crate::script::parse(text).map_err(|d| format!("the scenario is invalid: {}", d[0].message))?;
        if settings.is_empty() {
            return Err("sweep needs at least one --set NAME=V1,V2,...".into());
        }
        for s in &settings {
            // Only a missing `brokers` line is added; any other role must have a line.
            let has_line = text.lines().any(|l| l.split_whitespace().next() == Some(s.role));
            if !has_line && s.role != "brokers" {
                return Err(format!(
                    "--set {}: the scenario has no {} line to set {} on (declare one, e.g. `{} NAME {}=...`)",
                    s.name, s.role, s.property, s.role, s.property
                ));
            }
            for v in &s.values {
                if let Err(diags) = crate::script::parse(&apply(text, s.role, &s.property, v)) {
                    let direct = diags
                        .iter()
                        .find(|d| d.message.starts_with("Unknown") || d.message.starts_with("Invalid value"));
                    if let Some(d) = direct {
                        let hint = if d.hint.is_empty() { String::new() } else { format!(" ({})", d.hint) };
                        // A role prefix: say that the whole name was tried too.
                        let tried = if s.property != s.name && d.message.starts_with("Unknown") {
                            format!(
                                "; neither {} nor {} is a {} property",
                                s.property,
                                s.name,
                                s.role.trim_end_matches('s')
                            )
                        } else {
                            String::new()
                        };
                        return Err(format!("--set {}={v}: {}{hint}{tried}", s.name, d.message));
                    }
                }
            }
        }
        let seeds = (0..seeds.max(1)).map(|k| base.seed.wrapping_add(k)).collect();
        Ok(Sweep {
            text: text.to_string(),
            combos: combinations(&settings),
            settings,
            seeds,
            next: 0,
            rows: Vec::new(),
        })
    }

    pub fn total(&self) -> usize {
        self.combos.len() * self.seeds.len()
    }

    pub fn done(&self) -> bool {
        self.next >= self.total()
    }

    /// Runs up to `max` rows; true once every row ran.
    pub fn step(&mut self, max: u64) -> bool {
        for _ in 0..max {
            if self.done() {
                break;
            }
            let (c, k) = (self.next / self.seeds.len(), self.next % self.seeds.len());
            self.next += 1;
            let mut text = self.text.clone();
            let mut values = VecMap::new();
            for (s, &i) in self.settings.iter().zip(&self.combos[c]) {
                text = apply(&text, s.role, &s.property, &s.values[i]);
                values.insert(s.name.clone(), s.values[i].clone());
            }
            let seed = self.seeds[k];
            let opts = RunOptions { seed: Some(seed), unhashed: true, ..RunOptions::default() };
            let mut row = SweepRow {
                values,
                seed,
                error: None,
                summary: None,
                rates: None,
                promised: None,
                breaks_promise: false,
                end_time_us: 0,
                metrics: VecMap::new(),
                perf: None,
            };
            match crate::run(&text, &opts) {
                Ok(r) => {
                    row.rates = Some(Rates::of(&r.summary));
                    row.promised = Some(r.guarantee.promised);
                    row.breaks_promise = r.guarantee.broken();
                    row.end_time_us = r.end_time_us;
                    row.metrics = r.metrics;
                    row.perf = Some(r.perf.total);
                    row.summary = Some(r.summary);
                }
                Err(d) => {
                    row.error =
                        d.first().map(|d| format!("line {}: {} {}", d.line, d.message, d.hint).trim().to_string())
                }
            }
            self.rows.push(row);
        }
        self.done()
    }

    pub fn report(&self) -> SweepReport {
        let combinations = self
            .rows
            .chunks(self.seeds.len())
            .map(|rows| {
                let ok: Vec<&Rates> = rows.iter().filter_map(|r| r.rates.as_ref()).collect();
                let mean = |f: fn(&Rates) -> f64| {
                    if ok.is_empty() {
                        0.0
                    } else {
                        ok.iter().map(|r| f(r)).sum::<f64>() / ok.len() as f64
                    }
                };
                Combination {
                    values: rows[0].values.clone(),
                    runs: rows.len() as u64,
                    errors: rows.iter().filter(|r| r.error.is_some()).count() as u64,
                    rates: Rates {
                        lost: mean(|r| r.lost),
                        duplicated: mean(|r| r.duplicated),
                        reordered: mean(|r| r.reordered),
                        phantom: mean(|r| r.phantom),
                        failed: mean(|r| r.failed),
                    },
                    promised: rows.iter().find_map(|r| r.promised),
                    broke_promise: rows.iter().filter(|r| r.breaks_promise).count() as u64,
                    speed: Speed::mean(rows),
                }
            })
            .collect();
        SweepReport {
            settings: self.settings.iter().map(|s| s.name.clone()).collect(),
            seeds: self.seeds.clone(),
            rows: self.rows.clone(),
            combinations,
        }
    }
}

/// A whole sweep in one call.
pub fn sweep(text: &str, settings: Vec<Setting>, seeds: u64) -> Result<SweepReport, String> {
    let mut s = Sweep::new(text, settings, seeds)?;
    while !s.step(16) {}
    Ok(s.report())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_for_a_role_the_scenario_lacks_is_an_error() {
        let text = "topic t partitions=1\nproducer app\nat 0ms app send t\n";
        let s = Setting::parse("consumer.isolation.level=read_committed,read_uncommitted").expect("valid");
        let err = Sweep::new(text, vec![s], 1).err().expect("no consumer line");
        assert!(err.contains("no consumer line") && err.contains("consumer.isolation.level"), "{err}");
        // A missing brokers line is added instead.
        assert!(Sweep::new(text, vec![Setting::parse("broker.min.insync.replicas=1,2").expect("valid")], 1).is_ok());
    }

    #[test]
    fn settings_name_their_role() {
        let s = Setting::parse("broker.min.insync.replicas=1,2").expect("valid");
        assert_eq!((s.role, s.property.as_str(), s.values.len()), ("brokers", "min.insync.replicas", 2));
        assert_eq!(Setting::parse("acks=0,1,all").expect("valid").role, "producer");
        assert_eq!(Setting::parse("topic.flush.messages=1").expect("valid").role, "topic");
        assert!(Setting::parse("acks").is_err() && Setting::parse("acks=").is_err());
    }

    #[test]
    fn kafka_broker_properties_named_broker_dot_work_with_or_without_the_role_prefix() {
        // `broker.session.timeout.ms` is a broker property of its own (KRaftConfigs): the
        // name without the prefix is not one, so the whole name is.
        for name in ["broker.session.timeout.ms", "broker.broker.session.timeout.ms"] {
            let s = Setting::parse(&format!("{name}=9000,18000")).expect("valid");
            assert_eq!((s.role, s.property.as_str()), ("brokers", "broker.session.timeout.ms"), "{name}");
        }
        let s = Setting::parse("broker.heartbeat.interval.ms=1000").expect("valid");
        assert_eq!((s.role, s.property.as_str()), ("brokers", "broker.heartbeat.interval.ms"));
        // The prefix still names the role of an ordinary property.
        let s = Setting::parse("broker.min.insync.replicas=2").expect("valid");
        assert_eq!(s.property, "min.insync.replicas");
        let text = "brokers 3\ntopic t partitions=1 replication.factor=3\nproducer app\nat 0ms app send t\n";
        let sw = Sweep::new(text, vec![Setting::parse("broker.session.timeout.ms=9000,18000").expect("valid")], 1);
        assert!(sw.is_ok(), "{:?}", sw.err());
        // Neither name a broker property: a clear error naming both.
        let err = Sweep::new(text, vec![Setting::parse("broker.sesion.timeout.ms=1").expect("valid")], 1)
            .err()
            .expect("unknown");
        assert!(err.contains("Unknown broker property 'sesion.timeout.ms'"), "{err}");
        assert!(err.contains("neither sesion.timeout.ms nor broker.sesion.timeout.ms is a broker property"), "{err}");
    }

    #[test]
    fn apply_sets_every_line_of_the_role() {
        let text = "topic a partitions=1\ntopic b partitions=2 flush.messages=9\nproducer p acks=1 # x\n";
        let out = apply(text, "topic", "flush.messages", "1");
        assert_eq!(
            out,
            "topic a partitions=1 flush.messages=1\ntopic b partitions=2 flush.messages=1\nproducer p acks=1 # x\n"
        );
        assert!(apply(text, "brokers", "min.insync.replicas", "2").starts_with("brokers 1 min.insync.replicas=2\n"));
    }
}
