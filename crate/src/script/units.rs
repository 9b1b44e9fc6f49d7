//! Durations, sizes and probabilities, parsed exactly with integer arithmetic.
//!
//! - Durations: `250us`, `5ms`, `1.5s`, `2m`, `1h` → microseconds. A bare number is
//!   accepted only where the caller says what it means (`*.ms` properties: ms).
//! - Sizes: `512B`, `16KiB`, `1MiB`, `1GiB` (1024-based), `1KB`, `1MB`, `1GB`
//!   (1000-based) → bytes. A bare number means bytes.
//! - Probabilities: `0.01` or `1%` → parts per million.
//!
//! Decimals (`1.5s`) are split into integer and fraction digits and scaled with checked
//! integer arithmetic: no float ever decides a value, and a value that is not a whole
//! number of the target unit (`1.0000001s` in µs, `1.5B`) is an error, never rounded.
//! [`duration_hint`] is the hint every statement gives for a duration that did not read.

/// Why a number could not be read. `Display` gives a short sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnitError {
    /// Not a number with a known unit at all.
    Malformed,
    /// A unit this kind of value does not take (`5ms` where a size is expected).
    UnknownUnit(String),
    /// Too large for 64 bits.
    Overflow,
    /// Has more precision than the target unit (`0.5ms` for a whole-ms property).
    NotWhole { unit: &'static str },
    /// A negative value where none is allowed.
    Negative,
}

impl std::fmt::Display for UnitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UnitError::Malformed => write!(f, "not a number"),
            UnitError::UnknownUnit(u) => write!(f, "unknown unit '{u}'"),
            UnitError::Overflow => write!(f, "too large"),
            UnitError::NotWhole { unit } => write!(f, "not a whole number of {unit}"),
            UnitError::Negative => write!(f, "must not be negative"),
        }
    }
}

/// The hint for a duration that did not read (`e`), written `text`.
pub fn duration_hint(text: &str, e: &UnitError) -> String {
    if text.bytes().any(|b| b.is_ascii_digit()) && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return format!("a time needs a unit: write {text}ms (or {text}s, {text}us, ...)");
    }
    format!("{e}: write a duration with a unit, e.g. 250us, 5ms, 1.5s, 2m, 1h")
}

/// A non-negative decimal split at its point: `1.25` → (1, "25").
struct Decimal<'a> {
    int: u64,
    frac: &'a str,
}

/// Splits `text` into its leading number and its unit suffix (`"1.5s"` → `"1.5"`, `"s"`).
fn split_number(text: &str) -> (&str, &str) {
    let idx = text.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(text.len());
    (&text[..idx], &text[idx..])
}

fn parse_decimal(num: &str) -> Result<Decimal<'_>, UnitError> {
    let (int_s, frac) = match num.split_once('.') {
        Some((i, f)) => (i, f),
        None => (num, ""),
    };
    if int_s.is_empty() && frac.is_empty() {
        return Err(UnitError::Malformed);
    }
    if !int_s.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(UnitError::Malformed);
    }
    if num.ends_with('.') || num.starts_with('.') {
        return Err(UnitError::Malformed);
    }
    let mut int = 0u64;
    for b in int_s.bytes() {
        int = int.checked_mul(10).and_then(|v| v.checked_add(u64::from(b - b'0'))).ok_or(UnitError::Overflow)?;
    }
    Ok(Decimal { int, frac })
}

/// `d × mult`, exactly; `NotWhole` when the fraction does not scale to an integer.
fn scale(d: &Decimal<'_>, mult: u64, unit: &'static str) -> Result<u64, UnitError> {
    let whole = d.int.checked_mul(mult).ok_or(UnitError::Overflow)?;
    let frac = d.frac.trim_end_matches('0');
    if frac.is_empty() {
        return Ok(whole);
    }
    if frac.len() > 18 {
        return Err(UnitError::NotWhole { unit });
    }
    let mut num = 0u128;
    let mut den = 1u128;
    for b in frac.bytes() {
        num = num * 10 + u128::from(b - b'0');
        den *= 10;
    }
    let scaled = num * u128::from(mult);
    if !scaled.is_multiple_of(den) {
        return Err(UnitError::NotWhole { unit });
    }
    let part = u64::try_from(scaled / den).map_err(|_| UnitError::Overflow)?;
    whole.checked_add(part).ok_or(UnitError::Overflow)
}

/// Microseconds per duration unit.
fn duration_unit(u: &str) -> Option<u64> {
    Some(match u {
        "us" | "µs" => 1,
        "ms" => 1_000,
        "s" => 1_000_000,
        "m" | "min" => 60_000_000,
        "h" => 3_600_000_000,
        _ => return None,
    })
}

/// Bytes per size unit.
fn size_unit(u: &str) -> Option<u64> {
    Some(match u {
        "B" | "b" => 1,
        "KiB" => 1 << 10,
        "MiB" => 1 << 20,
        "GiB" => 1 << 30,
        "KB" | "kB" => 1_000,
        "MB" => 1_000_000,
        "GB" => 1_000_000_000,
        _ => return None,
    })
}

/// Whether `text` ends in a duration unit (so a caller can tell `5ms` from `5`).
pub fn has_unit(text: &str) -> bool {
    !split_number(text).1.is_empty()
}

/// A duration with a unit (`250us`, `5ms`, `1.5s`, `2m`, `1h`) in microseconds.
/// A bare `0` is accepted (zero needs no unit); any other bare number is `Malformed`.
pub fn parse_duration_us(text: &str) -> Result<u64, UnitError> {
    if text.starts_with('-') {
        return Err(UnitError::Negative);
    }
    let (num, unit) = split_number(text);
    let d = parse_decimal(num)?;
    if unit.is_empty() {
        return if d.int == 0 && d.frac.bytes().all(|b| b == b'0') { Ok(0) } else { Err(UnitError::Malformed) };
    }
    let mult = duration_unit(unit).ok_or_else(|| UnitError::UnknownUnit(unit.to_string()))?;
    scale(&d, mult, "microseconds")
}

/// A duration expressed in whole `base_us` units: a bare number counts `base_us` units
/// (`5` in a `*.ms` property is 5 ms); a number with a unit must convert exactly.
/// Returns the count of base units. Negative bare integers are returned as such so the
/// caller can apply Kafka's range check with Kafka's wording.
pub fn parse_in_base(text: &str, base_us: u64, base_name: &'static str) -> Result<i128, UnitError> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (num, unit) = split_number(body);
    let d = parse_decimal(num)?;
    let count = if unit.is_empty() {
        if !d.frac.bytes().all(|b| b == b'0') {
            return Err(UnitError::NotWhole { unit: base_name });
        }
        d.int
    } else {
        let mult = duration_unit(unit).ok_or_else(|| UnitError::UnknownUnit(unit.to_string()))?;
        let us = scale(&d, mult, "microseconds")?;
        if base_us == 0 || us % base_us != 0 {
            return Err(UnitError::NotWhole { unit: base_name });
        }
        us / base_us
    };
    let v = i128::from(count);
    Ok(if neg { -v } else { v })
}

/// A size in bytes (`512B`, `16KiB`, `1.5MiB`, `2MB`, or a bare number of bytes).
/// A leading `-` is kept (as a negative result) for the caller's range check.
pub fn parse_size_bytes(text: &str) -> Result<i128, UnitError> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (num, unit) = split_number(body);
    let d = parse_decimal(num)?;
    let mult =
        if unit.is_empty() { 1 } else { size_unit(unit).ok_or_else(|| UnitError::UnknownUnit(unit.to_string()))? };
    let v = i128::from(scale(&d, mult, "bytes")?);
    Ok(if neg { -v } else { v })
}

/// A probability `0..=1` (`0.01`) or a percentage (`1%`, `0.5%`) in parts per million.
pub fn parse_ppm(text: &str) -> Result<u32, UnitError> {
    if text.starts_with('-') {
        return Err(UnitError::Negative);
    }
    let (num, mult) = match text.strip_suffix('%') {
        Some(n) => (n, 10_000u64),
        None => (text, 1_000_000u64),
    };
    let d = parse_decimal(num)?;
    let v = scale(&d, mult, "parts per million")?;
    u32::try_from(v).map_err(|_| UnitError::Overflow)
}

/// A duration in nanoseconds (`500ns`, `1.5us`, `4ms`, `1s`), for the cost model's
/// per-record and per-request figures; a bare `0` is accepted.
pub fn parse_duration_ns(text: &str) -> Result<u64, UnitError> {
    if text.starts_with('-') {
        return Err(UnitError::Negative);
    }
    let (num, unit) = split_number(text);
    let d = parse_decimal(num)?;
    if unit.is_empty() {
        return if d.int == 0 && d.frac.bytes().all(|b| b == b'0') { Ok(0) } else { Err(UnitError::Malformed) };
    }
    let mult = match unit {
        "ns" => 1,
        "us" | "µs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        _ => return Err(UnitError::UnknownUnit(unit.to_string())),
    };
    scale(&d, mult, "nanoseconds")
}

/// A bandwidth in bits per second (`100Mbit`, `1Gbit`, `2.5Gbit`, `10Gbit`, `800kbit`).
pub fn parse_bandwidth_bps(text: &str) -> Result<u64, UnitError> {
    if text.starts_with('-') {
        return Err(UnitError::Negative);
    }
    let (num, unit) = split_number(text);
    let d = parse_decimal(num)?;
    let mult = match unit {
        "bit" | "bps" => 1,
        "kbit" | "Kbit" => 1_000,
        "Mbit" => 1_000_000,
        "Gbit" => 1_000_000_000,
        "" => return Err(UnitError::Malformed),
        _ => return Err(UnitError::UnknownUnit(unit.to_string())),
    };
    scale(&d, mult, "bits per second")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_us("250us"), Ok(250));
        assert_eq!(parse_duration_us("5ms"), Ok(5_000));
        assert_eq!(parse_duration_us("1.5s"), Ok(1_500_000));
        assert_eq!(parse_duration_us("2m"), Ok(120_000_000));
        assert_eq!(parse_duration_us("1h"), Ok(3_600_000_000));
        assert_eq!(parse_duration_us("0"), Ok(0));
        assert_eq!(parse_duration_us("0.25ms"), Ok(250));
        assert_eq!(parse_duration_us("5"), Err(UnitError::Malformed));
        assert_eq!(parse_duration_us("5x"), Err(UnitError::UnknownUnit("x".into())));
        assert_eq!(parse_duration_us("0.0001ms"), Err(UnitError::NotWhole { unit: "microseconds" }));
        assert_eq!(parse_duration_us("-5ms"), Err(UnitError::Negative));
        assert_eq!(parse_duration_us("99999999999999999999s"), Err(UnitError::Overflow));
        assert_eq!(parse_duration_us("9999999999999999h"), Err(UnitError::Overflow));
        assert_eq!(parse_duration_us("."), Err(UnitError::Malformed));
        assert_eq!(parse_duration_us("1.s"), Err(UnitError::Malformed));
        assert_eq!(parse_duration_us(""), Err(UnitError::Malformed));
        assert_eq!(parse_duration_us("1.2.3s"), Err(UnitError::Malformed));
    }

    #[test]
    fn ms_properties() {
        assert_eq!(parse_in_base("5", 1_000, "milliseconds"), Ok(5));
        assert_eq!(parse_in_base("5ms", 1_000, "milliseconds"), Ok(5));
        assert_eq!(parse_in_base("2s", 1_000, "milliseconds"), Ok(2_000));
        assert_eq!(parse_in_base("-1", 1_000, "milliseconds"), Ok(-1));
        assert_eq!(parse_in_base("0.5", 1_000, "milliseconds"), Err(UnitError::NotWhole { unit: "milliseconds" }));
        assert_eq!(parse_in_base("500us", 1_000, "milliseconds"), Err(UnitError::NotWhole { unit: "milliseconds" }));
        assert_eq!(parse_in_base("1.5s", 1_000, "milliseconds"), Ok(1_500));
        assert_eq!(parse_in_base("5m", 1_000_000, "seconds"), Ok(300));
        assert_eq!(parse_in_base("abc", 1_000, "milliseconds"), Err(UnitError::Malformed));
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size_bytes("512B"), Ok(512));
        assert_eq!(parse_size_bytes("16KiB"), Ok(16_384));
        assert_eq!(parse_size_bytes("1MiB"), Ok(1_048_576));
        assert_eq!(parse_size_bytes("1GiB"), Ok(1_073_741_824));
        assert_eq!(parse_size_bytes("1KB"), Ok(1_000));
        assert_eq!(parse_size_bytes("2MB"), Ok(2_000_000));
        assert_eq!(parse_size_bytes("1GB"), Ok(1_000_000_000));
        assert_eq!(parse_size_bytes("1.5KiB"), Ok(1_536));
        assert_eq!(parse_size_bytes("100"), Ok(100));
        assert_eq!(parse_size_bytes("-1"), Ok(-1));
        assert_eq!(parse_size_bytes("1.5B"), Err(UnitError::NotWhole { unit: "bytes" }));
        assert_eq!(parse_size_bytes("5ms"), Err(UnitError::UnknownUnit("ms".into())));
    }

    #[test]
    fn probabilities() {
        assert_eq!(parse_ppm("0.0"), Ok(0));
        assert_eq!(parse_ppm("0.01"), Ok(10_000));
        assert_eq!(parse_ppm("1%"), Ok(10_000));
        assert_eq!(parse_ppm("0.5%"), Ok(5_000));
        assert_eq!(parse_ppm("1"), Ok(1_000_000));
        assert_eq!(parse_ppm("0.0000001"), Err(UnitError::NotWhole { unit: "parts per million" }));
        assert_eq!(parse_ppm("-0.1"), Err(UnitError::Negative));
    }
}
