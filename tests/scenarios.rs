//! Self-checking scenario fixtures: every `tests/scenarios/*.kplay` runs, every `expect`
//! line in it must hold, and each fixture must assert at least one trace event (a test
//! named after a phenomenon shows the event that causes it). Files under
//! `tests/scenarios/invalid/` must be rejected with the located diagnostic their
//! `# expect-error LINE:COLUMN text` header names (and `# expect-hint text`). A
//! `# expect-note text` header requires a note containing the text: one of the
//! configuration notes or one of the run's notes (budgets, lines that never ran). The
//! default budgets must leave every fixture room: none may end by a budget or the cap.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

use kplay::RunOptions;

fn fixtures(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "kplay"))
        .collect();
    files.sort();
    files
}

fn headers<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    text.lines().filter_map(|l| l.strip_prefix("# ")?.strip_prefix(key)).map(str::trim).collect()
}

#[test]
fn every_fixture_holds_its_expectations() {
    let files = fixtures("tests/scenarios");
    assert!(files.len() >= 15, "fixtures missing: {}", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).expect("readable");
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        assert!(text.contains("expect trace "), "{name}: a fixture must assert the trace event behind its phenomenon");
        let report = match kplay::run(&text, &RunOptions::default()) {
            Ok(r) => r,
            Err(d) => {
                failures.push(format!("{name}: invalid: {:?}", d));
                continue;
            }
        };
        for e in report.expectations.iter().filter(|e| !e.held) {
            let got: Vec<String> = e.clauses.iter().map(|c| format!("{}={}", c.name, c.actual)).collect();
            failures.push(format!("{name}:{}: expect {} (got {})", e.line, e.text, got.join(", ")));
        }
        if report.ended_by == "cap" || report.ended_by == "budget" {
            failures.push(format!("{name}: ended by {}: {:?}", report.ended_by, report.notes));
        }
        for note in headers(&text, "expect-note") {
            if !report.config.notes.iter().chain(&report.notes).any(|n| n.contains(note)) {
                failures
                    .push(format!("{name}: no note mentions '{note}': {:?} {:?}", report.config.notes, report.notes));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn same_seed_same_report() {
    for f in fixtures("tests/scenarios") {
        let text = std::fs::read_to_string(&f).expect("readable");
        let opts = RunOptions { records: true, ..RunOptions::default() };
        let a = kplay::run(&text, &opts).expect("valid").to_json();
        let b = kplay::run(&text, &opts).expect("valid").to_json();
        assert_eq!(a, b, "{}: two runs differ", f.display());
    }
}

#[test]
fn invalid_fixtures_report_located_errors() {
    let files = fixtures("tests/scenarios/invalid");
    assert!(!files.is_empty());
    for f in files {
        let text = std::fs::read_to_string(&f).expect("readable");
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let diags = match kplay::script::parse(&text) {
            Ok(_) => panic!("{name}: should be rejected"),
            Err(d) => d,
        };
        for want in headers(&text, "expect-error") {
            let (pos, msg) = want.split_once(' ').unwrap_or((want, ""));
            let (line, col) = pos.split_once(':').expect("LINE:COLUMN");
            let (line, col): (u32, u32) = (line.parse().unwrap(), col.parse().unwrap());
            assert!(
                diags.iter().any(|d| d.line == line && d.column == col && d.message.contains(msg)),
                "{name}: no diagnostic at {line}:{col} containing '{msg}'; got {:#?}",
                diags
            );
        }
        for hint in headers(&text, "expect-hint") {
            assert!(diags.iter().any(|d| d.hint.contains(hint)), "{name}: no hint '{hint}' in {:#?}", diags);
        }
    }
}
