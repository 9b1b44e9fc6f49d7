//! The shape of the code, checked: rules about which module may use which, read from the
//! sources themselves so a change that breaks one fails here, naming what broke it.
//!
//! `script_modules_import_no_circle`: the modules of `crate/src/script/` (their test
//! files `tests_*.rs` and anything after a `#[cfg(test)]` line left out) import one
//! another without a circle, so each can be read knowing only the modules below it and
//! the top-level dispatch (`parser`) sits on top. A reference is `super::NAME`,
//! `crate::script::NAME` or an item of a group, `super::{a, b::c}`, where NAME is
//! another file of the directory; comments and string literals are not read.
//!
//! `the_kernel_imports_nothing_of_kafka`: `sim/` is the deterministic kernel (time, the
//! event queue, PRNG streams, the network, the node contract, the trace container) and
//! knows nothing of Kafka: no path in it reaches into the rest of the crate.
//!
//! `the_runtime_runs_its_plan_not_the_parser_s_tree`: the runtime (kernel, world, nodes,
//! checker, protocol, formats, configs) reads the scenario as `crate::plan`, never
//! through `crate::script`.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::path::Path;

/// The code of a file up to its first `#[cfg(test)]` line, without comments, string
/// and character literals (each replaced by a space, so words stay apart).
fn code_of(text: &str) -> String {
    let code: String = text.lines().take_while(|l| l.trim() != "#[cfg(test)]").collect::<Vec<_>>().join("\n");
    let b = code.as_bytes();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &code[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |e| e + 2);
            out.push(' ');
        } else if rest.starts_with("r#\"") || rest.starts_with("r\"") {
            let hashes = rest[1..].bytes().take_while(|&c| c == b'#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let body = 2 + hashes;
            i += body + rest[body..].find(&close).map_or(rest.len() - body, |e| e + close.len());
            out.push(' ');
        } else if b[i] == b'"' {
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i += 1;
            out.push(' ');
        } else if b[i] == b'\'' {
            // A character literal ('x', '\n', '\''), not a lifetime ('a).
            let lit = rest.char_indices().skip(1).find(|&(_, c)| c == '\'').map(|(e, _)| e);
            match lit {
                Some(e) if e <= 3 || rest[1..].starts_with('\\') && e <= 12 => {
                    i += e + 1;
                    out.push(' ');
                }
                _ => {
                    out.push('\'');
                    i += 1;
                }
            }
        } else {
            let c = rest.chars().next().expect("not at the end");
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

fn ident_len(s: &str) -> usize {
    s.bytes().take_while(|c| c.is_ascii_alphanumeric() || *c == b'_').count()
}

/// The first path segment of each item of a `{...}` group that starts `s`.
fn group_heads(s: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0usize;
    let mut at_item_start = true;
    let mut i = 1; // past the `{`
    let b = s.as_bytes();
    while i < b.len() {
        match b[i] {
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => break,
            b'}' => {
                depth -= 1;
                i += 1;
            }
            b',' if depth == 0 => {
                at_item_start = true;
                i += 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let n = ident_len(&s[i..]).max(1);
                if at_item_start && depth == 0 {
                    heads.push(s[i..i + n].to_string());
                    at_item_start = false;
                }
                i += n;
            }
        }
    }
    heads
}

/// The sibling modules that `code` names.
fn references(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for prefix in ["super::", "crate::script::"] {
        let mut from = 0;
        while let Some(p) = code[from..].find(prefix) {
            let start = from + p;
            from = start + prefix.len();
            // `super::` inside a longer path (`a::super::`, `crate::script::super::`) is
            // not a sibling reference; neither is `super::super::`.
            if code[..start].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let rest = &code[from..];
            let heads =
                if rest.starts_with('{') { group_heads(rest) } else { vec![rest[..ident_len(rest)].to_string()] };
            out.extend(heads.into_iter().filter(|h| modules.contains(h)));
        }
    }
    out
}

/// A circle of `graph`, as the modules along it (the first repeated at the end).
fn find_circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    // 0 = not seen, 1 = on the current path, 2 = done.
    fn visit(
        m: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(m.to_string(), 1);
        path.push(m.to_string());
        for n in graph.get(m).into_iter().flatten() {
            match state.get(n.as_str()).copied().unwrap_or(0) {
                1 => {
                    let i = path.iter().position(|p| p == n).expect("on the path");
                    let mut circle = path[i..].to_vec();
                    circle.push(n.clone());
                    return Some(circle);
                }
                0 => {
                    if let Some(c) = visit(n, graph, state, path) {
                        return Some(c);
                    }
                }
                _ => {}
            }
        }
        path.pop();
        state.insert(m.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    let mut path = Vec::new();
    for m in graph.keys() {
        if state.get(m.as_str()).copied().unwrap_or(0) == 0 {
            if let Some(c) = visit(m, graph, &mut state, &mut path) {
                return Some(c);
            }
        }
    }
    None
}

/// The import graph of the non-test modules of `dir`: module → the siblings it names.
fn import_graph(dir: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(dir).expect("the script directory") {
        let path = entry.expect("a directory entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        if path.extension().and_then(|e| e.to_str()) != Some("rs") || stem.starts_with("tests_") {
            continue;
        }
        files.insert(stem.to_string(), std::fs::read_to_string(&path).expect("a readable source file"));
    }
    let modules: BTreeSet<String> = files.keys().filter(|m| m.as_str() != "mod").cloned().collect();
    files
        .iter()
        .map(|(m, text)| {
            let mut refs = references(&code_of(text), &modules);
            refs.remove(m);
            (m.clone(), refs)
        })
        .collect()
}

#[test]
fn script_modules_import_no_circle() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crate/src/script");
    let graph = import_graph(&dir);
    assert!(graph.len() > 10, "read the modules of {}", dir.display());
    if let Some(circle) = find_circle(&graph) {
        let edges: Vec<String> = graph
            .iter()
            .filter(|(_, r)| !r.is_empty())
            .map(|(m, r)| format!("  {m} -> {}", r.iter().cloned().collect::<Vec<_>>().join(", ")))
            .collect();
        panic!(
            "the modules of crate/src/script import one another in a circle: {}\n\
             (move what both sides need into a module below them)\nthe import graph:\n{}",
            circle.join(" -> "),
            edges.join("\n")
        );
    }
}

/// The reader itself: groups, nested groups, comments, strings and `super::super::`.
#[test]
fn script_import_reader_reads_references() {
    let modules: BTreeSet<String> = ["a", "b", "c", "d", "e", "f"].iter().map(|s| s.to_string()).collect();
    let code = code_of(
        "use super::a::X;\nuse super::{b, c::{Y, Z}};\n// super::d\nlet s = \"super::d\";\n\
         let r = crate::script::e::f();\nlet t = super::super::f::G;\nlet c = '\"'; let l: &'static str = x;\n\
         #[cfg(test)]\nuse super::f;\n",
    );
    let refs: Vec<String> = references(&code, &modules).into_iter().collect();
    assert_eq!(refs, ["a", "b", "c", "e"]);
    let circle: BTreeMap<String, BTreeSet<String>> = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")]
        .iter()
        .map(|(m, n)| (m.to_string(), BTreeSet::from([n.to_string()])))
        .collect();
    assert_eq!(find_circle(&circle), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
}

/// Every `.rs` file under `dir`, with its text.
fn rust_files(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).expect("readable source file");
            out.push((path.display().to_string(), text));
        }
    }
    out
}

/// The places in `text` where a path leaves the kernel: `crate::X` with X not `sim`, or
/// `super::super` (above `sim/`).
fn escapes(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let leaves = code.match_indices("crate::").any(|(i, _)| !code[i..].starts_with("crate::sim"));
        if leaves || code.contains("super::super") {
            found.push((n + 1, line.trim().to_string()));
        }
    }
    found
}

#[test]
fn the_kernel_imports_nothing_of_kafka() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("crate/src/sim");
    let files = rust_files(&dir);
    assert!(files.len() >= 8, "the kernel's files were not found under {}", dir.display());
    let mut bad = Vec::new();
    for (file, text) in &files {
        for (line, code) in escapes(text) {
            bad.push(format!("{file}:{line}: {code}"));
        }
    }
    assert!(bad.is_empty(), "sim/ reaches into Kafka code:\n{}", bad.join("\n"));
}

#[test]
fn the_check_finds_an_import_from_above() {
    assert_eq!(escapes("use crate::protocol::Msg;").len(), 1);
    assert_eq!(escapes("    let x: crate::sim::Micros = 0; // crate::broker in a comment").len(), 0);
    assert_eq!(escapes("use super::super::trace::Event;").len(), 1);
}

/// The lines of `text` (before its `#[cfg(test)]` part) that name the parser.
fn parser_uses(text: &str) -> Vec<(usize, String)> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    code.lines()
        .enumerate()
        .filter(|(_, l)| l.split("//").next().unwrap_or("").contains("crate::script"))
        .map(|(n, l)| (n + 1, l.trim().to_string()))
        .collect()
}

#[test]
fn the_runtime_runs_its_plan_not_the_parser_s_tree() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("crate/src");
    let mut bad = Vec::new();
    for part in ["sim", "world", "producer", "broker", "consumer", "checker", "protocol", "format"] {
        for (file, text) in rust_files(&root.join(part)) {
            if file.ends_with("tests.rs") {
                continue;
            }
            bad.extend(parser_uses(&text).into_iter().map(|(n, l)| format!("{file}:{n}: {l}")));
        }
    }
    for file in ["controller.rs", "node.rs", "plan.rs", "trace.rs", "history.rs", "config.rs"] {
        let text = std::fs::read_to_string(root.join(file)).expect("readable source file");
        bad.extend(parser_uses(&text).into_iter().map(|(n, l)| format!("{file}:{n}: {l}")));
    }
    assert!(bad.is_empty(), "the runtime depends on the parser:\n{}", bad.join("\n"));
    assert_eq!(parser_uses("use crate::script::ast::Action;\n#[cfg(test)]\nuse crate::script::parse;").len(), 1);
}

/// Lines of `text` (before its `#[cfg(test)]` part) holding mutable global state: a
/// `thread_local!`, a `static mut`, or a static cell that is not a constant table.
fn mutable_globals(text: &str) -> Vec<(usize, String)> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    code.lines()
        .enumerate()
        .filter(|(_, l)| {
            let c = l.split("//").next().unwrap_or("");
            c.contains("thread_local!")
                || c.contains("static mut ")
                || (c.trim_start().starts_with("static ") || c.contains(" static "))
                    && ["RefCell", "Cell<", "Mutex", "RwLock", "Atomic"].iter().any(|t| c.contains(t))
        })
        .map(|(n, l)| (n + 1, l.trim().to_string()))
        .collect()
}

#[test]
fn no_hidden_global_state() {
    // What a run prints depends only on the run: names and everything else pass explicitly
    // (a thread-local name table once let one session change another's report). The only
    // statics are constant tables computed once (`OnceLock` CRC tables).
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("crate/src");
    let mut bad = Vec::new();
    for (file, text) in rust_files(&root) {
        for (line, code) in mutable_globals(&text) {
            bad.push(format!("{file}:{line}: {code}"));
        }
    }
    assert!(bad.is_empty(), "mutable global state:\n{}", bad.join("\n"));
}

#[test]
fn the_global_state_check_finds_a_thread_local() {
    assert_eq!(mutable_globals("thread_local! {\n    static CURRENT: RefCell<u8> = RefCell::new(0);\n}").len(), 2);
    assert_eq!(mutable_globals("static mut N: u32 = 0;").len(), 1);
    assert_eq!(mutable_globals("static CRC: std::sync::OnceLock<[u32; 256]> = OnceLock::new();").len(), 0);
    assert_eq!(mutable_globals("// thread_local! in a comment").len(), 0);
}
