//! Options of a timeline action (`count=5`, `sync`, `for 40s`) and key templates.
//!
//! [`Opts::parse`] reads the words after an action's fixed part: `name=value` options
//! from an allowed list, bare flags (`sync`), and `for D` (written with a space, or
//! `for=D`). Unknown or repeated options are diagnosed at once; typed getters report
//! bad values and return `None` so the caller can drop the action; [`Opts::finish`]
//! reports leftover words. Key templates: `{i}` is the record's index within its send
//! statement and `{i%N}` (N ≥ 1) its remainder; everything else is literal text.

use super::ast::{KeyPart, KeySpec};
use super::cursor::Stmt;
use super::errors::Diagnostic;
use super::settings::Loc;
use super::suggest;
use super::units::{self, duration_hint};

struct Opt {
    name: String,
    value: String,
    quoted: bool,
    at: Loc,
}

pub struct Opts {
    opts: Vec<Opt>,
    flags: Vec<String>,
    ok: bool,
}

impl Opts {
    pub fn parse(st: &Stmt, from: usize, names: &[&str], flags: &[&str], diags: &mut Vec<Diagnostic>) -> Opts {
        let mut out = Opts { opts: vec![], flags: vec![], ok: true };
        let mut i = from;
        while let Some(t) = st.tokens.get(i) {
            i += 1;
            let (name, value, quoted, at, key_at) = if let Some(kv) = &t.kv {
                let at = Loc { line: st.line, col: kv.value_col, end: kv.value_end, word: kv.value.clone() };
                let key_at = Loc { line: st.line, col: kv.key_col, end: kv.key_end, word: kv.key.clone() };
                (kv.key.clone(), kv.value.clone(), kv.value_quoted, at, key_at)
            } else if t.raw == "for" && names.contains(&"for") {
                let Some(v) = st.tokens.get(i) else {
                    diags.push(st.end_loc().diag("for needs a duration", "write for 40s"));
                    out.ok = false;
                    break;
                };
                i += 1;
                ("for".to_string(), v.raw.clone(), false, st.loc(v), st.loc(t))
            } else if flags.contains(&t.raw.as_str()) {
                out.flags.push(t.raw.clone());
                continue;
            } else {
                let mut cands: Vec<&str> = names.to_vec();
                cands.extend(flags);
                let hint = suggest::did_you_mean(&t.raw, cands.iter().copied());
                let hint = if !hint.is_empty() {
                    hint
                } else if cands.is_empty() {
                    "this action takes nothing more".to_string()
                } else {
                    format!("this action takes: {}", cands.join(", "))
                };
                diags.push(st.loc(t).diag(format!("unexpected '{}'", t.raw), hint));
                out.ok = false;
                continue;
            };
            if !names.contains(&name.as_str()) {
                let mut cands: Vec<&str> = names.to_vec();
                cands.extend(flags);
                let h = suggest::did_you_mean(&name, cands.iter().copied());
                let h = if h.is_empty() && cands.is_empty() {
                    "this action takes no options".to_string()
                } else if h.is_empty() {
                    format!("options here: {}", cands.join(", "))
                } else {
                    h
                };
                diags.push(key_at.diag(format!("unknown option '{name}'"), h));
                out.ok = false;
                continue;
            }
            if out.opts.iter().any(|o| o.name == name) {
                diags.push(key_at.diag(format!("{name} is given twice"), "keep one of them"));
                out.ok = false;
                continue;
            }
            out.opts.push(Opt { name, value, quoted, at });
        }
        out
    }

    pub fn get(&self, name: &str) -> Option<(&String, &Loc)> {
        self.opts.iter().find(|o| o.name == name).map(|o| (&o.value, &o.at))
    }
    /// Whether the option's value was written in double quotes.
    pub fn quoted(&self, name: &str) -> bool {
        self.opts.iter().any(|o| o.name == name && o.quoted)
    }
    pub fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }
    /// `Some(())` when everything parsed cleanly.
    pub fn finish(self, _diags: &mut [Diagnostic]) -> Option<()> {
        self.ok.then_some(())
    }

    /// A count option ≥ 1 (`count=1000`), or `default`.
    pub fn count_u64(&self, name: &str, default: u64, diags: &mut Vec<Diagnostic>) -> Option<u64> {
        let Some((v, at)) = self.get(name) else { return Some(default) };
        match v.parse::<u64>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                diags.push(at.diag(format!("invalid {name} '{v}'"), format!("{name} is a whole number, at least 1")));
                None
            }
        }
    }
    pub fn count_u32(&self, name: &str, default: u32, diags: &mut Vec<Diagnostic>) -> Option<u32> {
        let n = self.count_u64(name, u64::from(default), diags)?;
        match u32::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => {
                if let Some((v, at)) = self.get(name) {
                    diags
                        .push(at.diag(format!("invalid {name} '{v}'"), format!("{name} must be at most {}", u32::MAX)));
                }
                None
            }
        }
    }

    /// A duration option: `Some(None)` when absent.
    pub fn duration_opt(&self, name: &str, diags: &mut Vec<Diagnostic>) -> Option<Option<u64>> {
        let Some((v, at)) = self.get(name) else { return Some(None) };
        match units::parse_duration_us(v) {
            Ok(us) => Some(Some(us)),
            Err(e) => {
                diags.push(at.diag(format!("invalid {name} '{v}'"), duration_hint(v, &e)));
                None
            }
        }
    }

    /// `size=N` in bytes (default 100).
    pub fn size(&self, diags: &mut Vec<Diagnostic>) -> Option<u32> {
        let Some((v, at)) = self.get("size") else { return Some(100) };
        match units::parse_size_bytes(v).ok().and_then(|n| u32::try_from(n).ok()) {
            Some(n) => Some(n),
            None => {
                diags.push(at.diag(
                    format!("invalid size '{v}'"),
                    "size is a byte count from 0 to 4294967295: 200, 200B, 16KiB, 1MiB",
                ));
                None
            }
        }
    }

    /// `key=null` (default), or a template.
    pub fn key(&self, diags: &mut Vec<Diagnostic>) -> Option<KeySpec> {
        let Some(o) = self.opts.iter().find(|o| o.name == "key") else { return Some(KeySpec::Null) };
        if o.value == "null" && !o.quoted {
            return Some(KeySpec::Null);
        }
        match key_template(&o.value) {
            Ok(parts) => Some(KeySpec::Template(parts)),
            Err((msg, hint)) => {
                diags.push(o.at.diag(msg, hint));
                None
            }
        }
    }
}

/// Splits a key into literal text, `{i}` and `{i%N}`.
pub fn key_template(text: &str) -> Result<Vec<KeyPart>, (String, String)> {
    let hint = || "keys may use {i} (the record's index in this send) and {i%N} (its remainder, N >= 1)".to_string();
    let mut parts = vec![];
    let mut lit = String::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        lit.push_str(&rest[..open]);
        if rest[open..].starts_with('}') {
            return Err(("unmatched '}' in key".into(), hint()));
        }
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err(("unclosed '{' in key".into(), hint()));
        };
        let inner = after[..close].trim();
        let part = if inner == "i" {
            KeyPart::Index
        } else if let Some(m) = inner.strip_prefix("i%") {
            match m.trim().parse::<u64>() {
                Ok(n) if n >= 1 => KeyPart::IndexMod(n),
                _ => return Err((format!("invalid modulus in {{{inner}}}"), hint())),
            }
        } else {
            return Err((format!("unknown placeholder {{{inner}}} in key"), hint()));
        };
        if !lit.is_empty() {
            parts.push(KeyPart::Lit(std::mem::take(&mut lit)));
        }
        parts.push(part);
        rest = &after[close + 1..];
    }
    lit.push_str(rest);
    if !lit.is_empty() || parts.is_empty() {
        parts.push(KeyPart::Lit(lit));
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates() {
        assert_eq!(key_template("user-{i%10}"), Ok(vec![KeyPart::Lit("user-".into()), KeyPart::IndexMod(10)]));
        assert_eq!(key_template("{i}"), Ok(vec![KeyPart::Index]));
        assert_eq!(key_template("k"), Ok(vec![KeyPart::Lit("k".into())]));
        assert_eq!(key_template(""), Ok(vec![KeyPart::Lit(String::new())]));
        assert_eq!(
            key_template("a{i}b{i%3}c"),
            Ok(vec![
                KeyPart::Lit("a".into()),
                KeyPart::Index,
                KeyPart::Lit("b".into()),
                KeyPart::IndexMod(3),
                KeyPart::Lit("c".into())
            ])
        );
        assert!(key_template("{i%0}").is_err());
        assert!(key_template("{j}").is_err());
        assert!(key_template("{i").is_err());
        assert!(key_template("i}").is_err());
        assert!(key_template("é{i}ü").is_ok());
    }
}
