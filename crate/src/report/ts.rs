//! The report's TypeScript types, generated from the Rust types the wasm API serializes
//! (the report, the snapshot, the search, survival-card and sweep reports, diagnostics),
//! between two marker lines of `crate/src/report.d.ts`, after the trace events' region.
//! The test fails when the file is not what the Rust types say; `KPLAY_BLESS=1 cargo test
//! --lib ts::` rewrites it. Strings with a closed set of values are typed as that set by
//! `ts(type = ...)` on their fields.

use ts_rs::{TypeVisitor, TS};

use crate::trace::ts::{check_region, Decls};

const BEGIN: &str =
    "// BEGIN generated from the report types (crate/src/report, snapshot.rs, search/, sweep.rs, diagnostics):";
const END: &str = "// END generated";

/// Every named type the roots use that the trace region does not declare: (name, doc, decl).
struct Types {
    skip: Vec<String>,
    found: Vec<(String, Option<String>, String)>,
}

impl TypeVisitor for Types {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() {
            return;
        }
        let name = T::name();
        if self.skip.contains(&name) || self.found.iter().any(|(n, _, _)| *n == name) {
            return;
        }
        self.found.push((name, T::docs(), T::decl()));
        T::visit_dependencies(self);
    }
}

/// `s` split at top-level commas (outside brackets, comments and string literals).
fn split_top(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth) = (Vec::new(), String::new(), 0i32);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'*') => {
                cur.push(c);
                let mut prev = ' ';
                for d in chars.by_ref() {
                    cur.push(d);
                    if prev == '*' && d == '/' {
                        break;
                    }
                    prev = d;
                }
                continue;
            }
            '"' => {
                cur.push(c);
                for d in chars.by_ref() {
                    cur.push(d);
                    if d == '"' {
                        break;
                    }
                }
                continue;
            }
            '{' | '[' | '(' | '<' => depth += 1,
            '}' | ']' | ')' | '>' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    out.push(cur);
    out.into_iter().map(|m| m.trim().to_string()).filter(|m| !m.is_empty()).collect()
}

/// A doc comment as JSDoc lines at `indent`.
fn jsdoc(doc: &str, indent: &str) -> String {
    let lines: Vec<&str> = doc.lines().map(str::trim_end).collect();
    if lines.len() == 1 {
        return format!("{indent}/** {} */\n", lines[0]);
    }
    let mut out = format!("{indent}/**\n");
    for l in lines {
        out.push_str(&format!("{indent} *{}{l}\n", if l.is_empty() { "" } else { " " }));
    }
    out.push_str(&format!("{indent} */\n"));
    out
}

/// The text of a JSDoc comment (`/**`, `*/` and each line's ` * ` removed).
fn doc_text(raw: &str) -> String {
    let body = raw.trim().trim_start_matches("/**").trim_end_matches("*/");
    let lines: Vec<&str> = body.lines().map(|l| l.trim().trim_start_matches('*').trim()).collect();
    lines.join("\n").trim_matches('\n').to_string()
}

/// `type X = ...;` as an exported declaration: 64-bit integers as JSON's numbers, an
/// object's fields one per line with their docs.
fn export(name: &str, doc: Option<&str>, decl: &str) -> String {
    let decl = decl.replace("bigint", "number");
    let body = decl.split_once(" = ").map_or(decl.as_str(), |(_, b)| b).trim_end_matches(';');
    let mut out = doc.map(|d| jsdoc(&doc_text(d), "")).unwrap_or_default();
    let Some(inner) = body.strip_prefix("{ ").and_then(|b| b.strip_suffix('}')) else {
        out.push_str(&format!("export type {name} = {body};"));
        return out;
    };
    out.push_str(&format!("export type {name} = {{\n"));
    for member in split_top(inner) {
        let (doc, field) = match member.strip_prefix("/**") {
            Some(rest) => {
                let (doc, field) = rest.split_once("*/").unwrap_or((rest, ""));
                (Some(doc_text(doc)), field.trim().to_string())
            }
            None => (None, member),
        };
        if let Some(d) = doc {
            out.push_str(&jsdoc(&d, "  "));
        }
        out.push_str(&format!("  {field};\n"));
    }
    out.push_str("};");
    out
}

fn generated() -> String {
    let mut trace = Decls(Vec::new());
    trace.visit::<crate::trace::Event>();
    let mut t = Types { skip: trace.0.into_iter().map(|(n, _)| n).collect(), found: Vec::new() };
    t.visit::<super::Report>();
    t.visit::<crate::snapshot::Snapshot>();
    t.visit::<crate::search::SearchReport>();
    t.visit::<crate::search::card::Card>();
    t.visit::<crate::sweep::SweepReport>();
    t.visit::<crate::script::errors::Diagnostic>();
    // By name: ts-rs visits dependencies in an order that differs between builds.
    t.found.sort_by(|a, b| a.0.cmp(&b.0));
    let mut out = vec![BEGIN.to_string()];
    for (name, doc, decl) in &t.found {
        out.push(export(name, doc.as_deref(), decl));
    }
    out.push(END.to_string());
    out.join("\n\n")
}

#[test]
fn report_d_ts_has_the_generated_report_types() {
    let want = generated();
    check_region(BEGIN, &want, "report types");
    for name in ["Report", "Snapshot", "SearchReport", "SurvivalCard", "SweepReport", "Diagnostic", "Summary"] {
        assert!(want.contains(&format!("export type {name} = {{")), "{name} is not generated");
    }
    // JSON carries every integer as a number.
    assert!(!want.contains("bigint"));
}

#[test]
fn fields_split_at_top_level_commas_only() {
    let f = split_top(r#"a: number, /** x, y */ b: Array<[string, number]>, c: { d: "p, q" | null, }, "#);
    assert_eq!(f, vec!["a: number", "/** x, y */ b: Array<[string, number]>", r#"c: { d: "p, q" | null, }"#]);
}
