//! Kafka properties: their types, validators and Kafka's error wording.
//!
//! A [`PropDef`] describes one property of one role the way Kafka's `ConfigDef` does:
//! its Java type, the unit kplay reads it in, its validator and its default. Parsing a
//! value follows `ConfigDef.parseType` then the validator, with the exact messages of
//! Kafka's `ConfigException(name, value, message)`:
//! `Invalid value -1 for configuration batch.size: Value must be at least 0`.
//!
//! kplay extensions to Kafka's syntax: time properties take units (`linger.ms=2s` is
//! 2000 ms, but `linger.ms=0.5` is refused: Kafka reads a whole number of ms), size
//! properties take `KiB`/`MiB`/`KB`/... Anything a real Kafka would refuse, kplay
//! refuses too. Where Kafka has no validator but a value would make no sense in a
//! simulation (a negative timeout), kplay adds a range and says so in the hint.
//!
//! Map: [`Role`], [`Java`], [`Unit`], [`Ty`], [`PropDef`], [`Val`]; [`parse_value`]
//! (value text → [`Val`] or a [`PropError`]); [`Val::kafka_string`] (how Kafka prints it).
//! The tables themselves live in `props_tables`.

use super::units::{self, UnitError};
use crate::config::KafkaVersion;

/// Which statement a property belongs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Producer,
    /// Cluster-wide broker config, on the `brokers` line.
    Broker,
    Topic,
    Consumer,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Producer => "producer",
            Role::Broker => "broker",
            Role::Topic => "topic",
            Role::Consumer => "consumer",
        }
    }
    /// Where such a property is written, for hints.
    pub fn line(self) -> &'static str {
        match self {
            Role::Producer => "a producer line",
            Role::Broker => "the brokers line",
            Role::Topic => "a topic line",
            Role::Consumer => "a consumer line",
        }
    }
}

/// The Java type Kafka declares (`ConfigDef.Type`); decides the accepted range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Java {
    Int,
    Long,
}

impl Java {
    fn name(self) -> &'static str {
        match self {
            Java::Int => "INT",
            Java::Long => "LONG",
        }
    }
    fn range(self) -> (i128, i128) {
        match self {
            Java::Int => (i128::from(i32::MIN), i128::from(i32::MAX)),
            Java::Long => (i128::from(i64::MIN), i128::from(i64::MAX)),
        }
    }
}

/// What a bare number means and which suffixes are accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A count; no suffix.
    Plain,
    /// Milliseconds (`*.ms`); accepts `us ms s m h` when the result is whole ms.
    Ms,
    /// Seconds (`*.seconds`).
    Seconds,
    /// Hundredths of a second (the Linux `vm.dirty_*_centisecs` sysctls).
    Centisecs,
    /// Bytes; accepts `B KiB MiB GiB KB MB GB`.
    Bytes,
}

/// A property's type and validator.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// A number with Kafka's `Range` validator (`min`/`max` inclusive, `None` = open).
    /// `kplay_min`: the lower bound is kplay's, Kafka has no validator here.
    Num {
        java: Java,
        unit: Unit,
        min: Option<i64>,
        max: Option<i64>,
        kplay_min: bool,
    },
    /// A compression level: `[min, max]` or exactly `or` (gzip's -1 default).
    Level {
        min: i64,
        max: i64,
        or: Option<i64>,
    },
    Bool,
    /// `ValidString.in(...)`: case-sensitive after trimming.
    Enum(&'static [&'static str]),
    /// `CaseInsensitiveValidString.in(...)`: any case; the value is kept lower-cased.
    EnumCi(&'static [&'static str]),
    /// `ValidList.in(...)`: a comma-separated list of these.
    List(&'static [&'static str]),
    /// A string; `non_empty` is Kafka's `NonEmptyString` validator.
    Str {
        non_empty: bool,
    },
    /// A class name, from the classes kplay models: (full name, short name).
    Class(&'static [(&'static str, &'static str)]),
    /// A DOUBLE with Kafka's `Range.between(0, 1)` (`min.cleanable.dirty.ratio`).
    Ratio,
}

/// One property of one role.
#[derive(Clone, Copy, Debug)]
pub struct PropDef {
    pub name: &'static str,
    pub ty: Ty,
    /// Kafka 4.0's default as Kafka prints it (`null` for none); see
    /// `props_tables::default_for` for older versions.
    pub default: &'static str,
    /// First Kafka release (major, minor) that has this property.
    pub since: (u16, u16),
    /// kplay models it; false for properties accepted (Kafka has them) without an effect
    /// yet, whose description starts "Accepted; no effect in kplay yet". A scenario that
    /// sets one gets a note saying so.
    pub modelled: bool,
    /// One-line description; says so when kplay accepts the property without modelling it.
    #[cfg(not(target_arch = "wasm32"))]
    pub doc: &'static str,
}

impl PropDef {
    pub fn exists_in(&self, v: KafkaVersion) -> bool {
        v.at_least(self.since.0, self.since.1)
    }
}

/// A parsed value, in Kafka's unit (ms for `*.ms`, bytes for sizes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Val {
    Int(i64),
    Bool(bool),
    Str(String),
    Null,
}

impl Val {
    /// The value as Kafka prints it in its config dump.
    pub fn kafka_string(&self) -> String {
        match self {
            Val::Int(n) => n.to_string(),
            Val::Bool(b) => b.to_string(),
            Val::Str(s) => s.clone(),
            Val::Null => "null".into(),
        }
    }
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Val::Int(n) => Some(*n),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            _ => None,
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A rejected value: Kafka's message and kplay's hint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PropError {
    pub message: String,
    pub hint: String,
}

fn invalid(name: &str, value: &str, why: &str, hint: String) -> PropError {
    PropError { message: format!("Invalid value {value} for configuration {name}: {why}"), hint }
}

/// Parses `raw` (as written after `=`) for `def`, applying `min_override` (a
/// version-dependent lower bound) in place of the table's.
pub fn parse_value(def: &PropDef, raw: &str, min_override: Option<i64>) -> Result<Val, PropError> {
    let name = def.name;
    let text = raw.trim();
    match def.ty {
        Ty::Num { java, unit, min, max, kplay_min } => {
            let n = parse_number(name, text, java, unit)?;
            let min = min_override.or(min);
            if let Some(lo) = min {
                if n < lo {
                    let hint = if kplay_min {
                        format!("kplay requires {name} >= {lo} (Kafka itself does not validate it)")
                    } else {
                        format!("set {name} to {lo} or more")
                    };
                    return Err(invalid(name, &n.to_string(), &format!("Value must be at least {lo}"), hint));
                }
            }
            if let Some(hi) = max {
                if n > hi {
                    let hint = format!("set {name} to {hi} or less");
                    return Err(invalid(name, &n.to_string(), &format!("Value must be no more than {hi}"), hint));
                }
            }
            Ok(Val::Int(n))
        }
        Ty::Level { min, max, or } => {
            let n = parse_number(name, text, Java::Int, Unit::Plain)?;
            if (min..=max).contains(&n) || or == Some(n) {
                return Ok(Val::Int(n));
            }
            let why = match or {
                Some(o) => format!("Value must be between {min} and {max} or equal to {o}"),
                None if n < min => format!("Value must be at least {min}"),
                None => format!("Value must be no more than {max}"),
            };
            Err(invalid(name, &n.to_string(), &why, format!("{name} takes a level from {min} to {max}")))
        }
        // Kafka's `Range.between(0, 1)` on a DOUBLE, with its wording.
        Ty::Ratio => match text.parse::<f64>() {
            Ok(x) if x < 0.0 => {
                Err(invalid(name, raw, "Value must be at least 0", format!("{name} is a ratio from 0 to 1")))
            }
            Ok(x) if x > 1.0 => {
                Err(invalid(name, raw, "Value must be no more than 1", format!("{name} is a ratio from 0 to 1")))
            }
            Ok(_) => Ok(Val::Str(text.to_string())),
            Err(_) => Err(invalid(
                name,
                raw,
                "Not a number of type DOUBLE",
                format!("{name} is a number from 0 to 1, e.g. 0.5"),
            )),
        },
        Ty::Bool => {
            if text.eq_ignore_ascii_case("true") {
                Ok(Val::Bool(true))
            } else if text.eq_ignore_ascii_case("false") {
                Ok(Val::Bool(false))
            } else {
                Err(invalid(
                    name,
                    raw,
                    "Expected value to be either true or false",
                    format!("write {name}=true or {name}=false"),
                ))
            }
        }
        Ty::Enum(options) => {
            if options.contains(&text) {
                return Ok(Val::Str(text.to_string()));
            }
            let hint = match options.iter().find(|o| o.eq_ignore_ascii_case(text)) {
                Some(o) => format!("Kafka compares {name} case-sensitively: write {name}={o}"),
                // A typo of a word (`snapy`) has a closest choice; a one- or two-character
                // value (`acks=2`) is a different value, not a misspelling.
                None => match super::suggest::closest(text, options.iter().copied()).filter(|_| text.len() >= 3) {
                    Some(o) => format!("did you mean {name}={o}?"),
                    None => format!("choose one of: {}", options.join(", ")),
                },
            };
            Err(invalid(name, raw, &format!("String must be one of: {}", options.join(", ")), hint))
        }
        Ty::EnumCi(options) => match options.iter().find(|o| o.eq_ignore_ascii_case(text)) {
            Some(o) => Ok(Val::Str(o.to_string())),
            None => {
                let upper: Vec<String> = options.iter().map(|o| o.to_ascii_uppercase()).collect();
                let hint = match super::suggest::closest(text, options.iter().copied()).filter(|_| text.len() >= 3) {
                    Some(o) => format!("did you mean {name}={o}?"),
                    None => format!("choose one of: {}", options.join(", ")),
                };
                Err(invalid(
                    name,
                    raw,
                    &format!("String must be one of (case insensitive): {}", upper.join(", ")),
                    hint,
                ))
            }
        },
        // `ConfigDef.parseType` LIST: a blank value is the empty list, which `ValidList`
        // accepts (cleanup.policy= is neither delete nor compact in Kafka 4.0).
        Ty::List(_) if text.trim().is_empty() => Ok(Val::Str(String::new())),
        Ty::List(options) => {
            let items: Vec<&str> = text.split(',').map(str::trim).collect();
            for item in &items {
                if !options.contains(item) {
                    let why = format!("String must be one of: {}", options.join(", "));
                    return Err(invalid(
                        name,
                        item,
                        &why,
                        format!("{name} is a comma-separated list of: {}", options.join(", ")),
                    ));
                }
            }
            Ok(Val::Str(items.join(",")))
        }
        Ty::Str { non_empty } => {
            if non_empty && text.is_empty() {
                return Err(invalid(
                    name,
                    raw,
                    "String must be non-empty",
                    format!("give {name} a value, or leave it out"),
                ));
            }
            Ok(Val::Str(text.to_string()))
        }
        Ty::Class(classes) => {
            if text == "null" && def.default == "null" {
                return Ok(Val::Null);
            }
            if let Some((full, _)) =
                classes.iter().find(|(full, short)| *full == text || (!short.is_empty() && *short == text))
            {
                return Ok(Val::Str((*full).to_string()));
            }
            let names: Vec<&str> = classes.iter().map(|(f, _)| *f).collect();
            let last = |s: &'static str| s.rsplit('.').next().unwrap_or(s);
            let wanted = text.rsplit('.').next().unwrap_or(text);
            let hint = match classes.iter().find(|(full, _)| last(full).eq_ignore_ascii_case(wanted)) {
                Some((full, _)) => format!("did you mean {full}?"),
                None if def.default == "null" => format!("kplay models {name} unset (null) or: {}", names.join(", ")),
                None => format!("kplay models: {}", names.join(", ")),
            };
            Err(invalid(name, raw, &format!("Class {text} could not be found."), hint))
        }
    }
}

/// A number in `unit`, checked against the Java type's range (Kafka's
/// `NumberFormatException` → "Not a number of type INT").
fn parse_number(name: &str, text: &str, java: Java, unit: Unit) -> Result<i64, PropError> {
    let parsed = match unit {
        Unit::Plain => parse_plain(text),
        Unit::Ms => units::parse_in_base(text, 1_000, "milliseconds"),
        Unit::Seconds => units::parse_in_base(text, 1_000_000, "seconds"),
        Unit::Centisecs => units::parse_in_base(text, 10_000, "centiseconds"),
        Unit::Bytes => units::parse_size_bytes(text),
    };
    let not_a_number = |hint: String| invalid(name, text, &format!("Not a number of type {}", java.name()), hint);
    let n = parsed.map_err(|e| not_a_number(unit_hint(name, unit, &e)))?;
    let (lo, hi) = java.range();
    if n < lo || n > hi {
        return Err(not_a_number(format!("{name} is a Java {}: it must lie between {lo} and {hi}", java.name())));
    }
    i64::try_from(n).map_err(|_| not_a_number(String::new()))
}

fn parse_plain(text: &str) -> Result<i128, UnitError> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UnitError::Malformed);
    }
    if digits.len() > 30 {
        return Err(UnitError::Overflow);
    }
    text.parse::<i128>().map_err(|_| UnitError::Malformed)
}

fn unit_hint(name: &str, unit: Unit, e: &UnitError) -> String {
    let what = match unit {
        Unit::Plain => return format!("{name} takes a whole number"),
        Unit::Ms => "a whole number of milliseconds: e.g. 500, 500ms or 2s",
        Unit::Seconds => "a whole number of seconds: e.g. 300 or 5m",
        Unit::Centisecs => "a whole number of centiseconds: e.g. 500 or 5s",
        Unit::Bytes => "a whole number of bytes: e.g. 16384, 16KiB or 1MiB (KB/MB/GB are 1000-based)",
    };
    match e {
        UnitError::NotWhole { unit } => format!("{name} takes {what} (that value is not a whole number of {unit})"),
        UnitError::UnknownUnit(u) => format!("{name} takes {what} ('{u}' is not a unit here)"),
        _ => format!("{name} takes {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn num(java: Java, unit: Unit, min: Option<i64>) -> Ty {
        Ty::Num { java, unit, min, max: None, kplay_min: false }
    }
    fn def(name: &'static str, ty: Ty) -> PropDef {
        PropDef {
            name,
            ty,
            default: "0",
            since: (2, 0),
            modelled: true,
            #[cfg(not(target_arch = "wasm32"))]
            doc: "",
        }
    }

    #[test]
    fn numbers_with_units_and_kafka_wording() {
        let d = def("batch.size", num(Java::Int, Unit::Bytes, Some(0)));
        assert_eq!(parse_value(&d, "16KiB", None), Ok(Val::Int(16_384)));
        let e = parse_value(&d, "-1", None).unwrap_err();
        assert_eq!(e.message, "Invalid value -1 for configuration batch.size: Value must be at least 0");
        let e = parse_value(&d, "3000000000", None).unwrap_err();
        assert_eq!(e.message, "Invalid value 3000000000 for configuration batch.size: Not a number of type INT");
        let d = def("linger.ms", num(Java::Long, Unit::Ms, Some(0)));
        assert_eq!(parse_value(&d, "2s", None), Ok(Val::Int(2_000)));
        assert_eq!(parse_value(&d, "5", None), Ok(Val::Int(5)));
        let e = parse_value(&d, "0.5", None).unwrap_err();
        assert_eq!(e.message, "Invalid value 0.5 for configuration linger.ms: Not a number of type LONG");
        assert!(e.hint.contains("milliseconds"), "{}", e.hint);
    }

    #[test]
    fn enums_are_case_sensitive_like_valid_string() {
        let d = def("acks", Ty::Enum(&["all", "-1", "0", "1"]));
        assert_eq!(parse_value(&d, " all ", None), Ok(Val::Str("all".into())));
        let e = parse_value(&d, "2", None).unwrap_err();
        assert_eq!(e.message, "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1");
        let e = parse_value(&d, "ALL", None).unwrap_err();
        assert!(e.hint.contains("acks=all"));
    }

    #[test]
    fn booleans_strings_levels_and_classes() {
        let d = def("enable.idempotence", Ty::Bool);
        assert_eq!(parse_value(&d, "TRUE", None), Ok(Val::Bool(true)));
        assert_eq!(
            parse_value(&d, "yes", None).unwrap_err().message,
            "Invalid value yes for configuration enable.idempotence: Expected value to be either true or false"
        );
        let d = def("transactional.id", Ty::Str { non_empty: true });
        assert!(parse_value(&d, "", None).unwrap_err().message.ends_with("String must be non-empty"));
        let d = def("compression.gzip.level", Ty::Level { min: 1, max: 9, or: Some(-1) });
        assert_eq!(parse_value(&d, "-1", None), Ok(Val::Int(-1)));
        assert!(parse_value(&d, "0", None)
            .unwrap_err()
            .message
            .ends_with("Value must be between 1 and 9 or equal to -1"));
        let mut d = def("partitioner.class", Ty::Class(&[("org.x.RoundRobinPartitioner", "RoundRobinPartitioner")]));
        d.default = "null";
        assert_eq!(parse_value(&d, "RoundRobinPartitioner", None), Ok(Val::Str("org.x.RoundRobinPartitioner".into())));
        let e =
            parse_value(&def("p", Ty::Class(&[("org.x.RoundRobinPartitioner", "")])), "RoundRobinPartitioner", None);
        assert_eq!(e.unwrap_err().hint, "did you mean org.x.RoundRobinPartitioner?");
        assert_eq!(parse_value(&d, "null", None), Ok(Val::Null));
        assert!(parse_value(&d, "com.Foo", None).unwrap_err().message.ends_with("Class com.Foo could not be found."));
    }
}
