//! The playground's presets (`www/presets/*.kplay`, listed in `www/presets/index.json`)
//! are scenarios people open to learn a phenomenon, so they must stay true: every file is
//! listed in the index and every index entry has a file; a preset runs and every `expect`
//! line holds, and asserts at least one trace event (the event behind its phenomenon);
//! a preset whose index entry has an `error` is rejected with exactly that located
//! diagnostic (the page shows it underlined). The e2e layer checks the page shows the
//! same verdicts.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;
use std::path::Path;

use kplay::RunOptions;
use serde_json::Value;

fn presets_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("www/presets")
}

fn index() -> Vec<Value> {
    let text = std::fs::read_to_string(presets_dir().join("index.json")).expect("www/presets/index.json");
    let v: Value = serde_json::from_str(&text).expect("index.json is JSON");
    let groups: Vec<&str> = v["groups"].as_array().expect("groups").iter().map(|g| g.as_str().unwrap()).collect();
    let presets = v["presets"].as_array().expect("presets").clone();
    for p in &presets {
        let name = p["name"].as_str().expect("name");
        for field in ["title", "summary", "group"] {
            assert!(p[field].as_str().is_some_and(|s| !s.is_empty()), "{name}: {field} missing");
        }
        assert!(groups.contains(&p["group"].as_str().unwrap()), "{name}: unknown group");
    }
    let default = v["default"].as_str().expect("default");
    assert!(presets.iter().any(|p| p["name"] == default), "default preset {default} not listed");
    presets
}

#[test]
fn index_and_files_agree() {
    let listed: BTreeSet<String> = index().iter().map(|p| p["name"].as_str().unwrap().to_string()).collect();
    let files: BTreeSet<String> = std::fs::read_dir(presets_dir())
        .expect("www/presets")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".kplay").map(str::to_string))
        .collect();
    assert_eq!(listed, files, "www/presets/index.json and the .kplay files differ");
    for p in index() {
        for other in p["see"].as_array().into_iter().flatten() {
            assert!(listed.contains(other.as_str().unwrap()), "{}: see {other} is no preset", p["name"]);
        }
    }
}

#[test]
fn every_preset_holds_its_expectations_or_shows_its_error() {
    let mut failures = Vec::new();
    for p in index() {
        let name = p["name"].as_str().unwrap();
        let text = std::fs::read_to_string(presets_dir().join(format!("{name}.kplay"))).expect("readable");
        assert!(text.starts_with("# "), "{name}: a preset opens with its explanation in comments");
        let result = kplay::run(&text, &RunOptions::default());
        match (&p["error"], result) {
            (Value::Null, Ok(report)) => {
                if !text.contains("\nexpect trace ") {
                    failures.push(format!("{name}: no expect trace line"));
                }
                if report.expectations.is_empty() {
                    failures.push(format!("{name}: no expectations"));
                }
                for e in report.expectations.iter().filter(|e| !e.held) {
                    let got: Vec<String> = e.clauses.iter().map(|c| format!("{}={}", c.name, c.actual)).collect();
                    failures.push(format!("{name}:{}: expect {} (got {})", e.line, e.text, got.join(", ")));
                }
            }
            (Value::Null, Err(d)) => failures.push(format!("{name}: invalid: {d:?}")),
            (want, Ok(_)) => failures.push(format!("{name}: should be rejected with {want}")),
            (want, Err(diags)) => {
                let (line, col) = (want["line"].as_u64().unwrap() as u32, want["column"].as_u64().unwrap() as u32);
                let msg = want["message"].as_str().unwrap();
                if !diags.iter().any(|d| d.line == line && d.column == col && d.message.contains(msg)) {
                    failures.push(format!("{name}: no diagnostic {line}:{col} '{msg}' in {diags:?}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
