//! The layering the code's design rests on, checked on the source itself.
//!
//! `sim/` is the deterministic kernel: time, the event queue, PRNG streams, the network,
//! the node contract and the trace container. It must know nothing of Kafka, so no path
//! in it may reach into the rest of the crate (`crate::protocol`, `crate::broker`, ...).

#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

/// Every `.rs` file under `dir`, with its text.
fn sources(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable source directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            out.extend(sources(&path));
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
    let files = sources(&dir);
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
        for (file, text) in sources(&root.join(part)) {
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
