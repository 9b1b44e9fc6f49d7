//! Golden reports: every fixture's JSON report (`kplay run FILE --json`: the summary,
//! partitions, guarantee, explanations, metrics, perf, configuration and the trace hash
//! that stands for the trace) is snapshotted in `tests/golden/reports/NAME.json`, one test
//! per fixture. A change in behaviour shows as a diff of what users see, not only as a
//! changed hash. After a change made on purpose, rewrite the snapshots and read the diff:
//!
//!   KPLAY_BLESS=1 cargo test --test golden_reports
//!
//! A custom harness (Cargo.toml: `harness = false`) so each fixture is its own test:
//! `cargo test --test golden_reports NAME` runs the fixtures whose name contains NAME.

#[cfg(target_arch = "wasm32")]
fn main() {
    // The snapshots are compared natively; tests/web.rs checks wasm gives the same hash.
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use kplay::RunOptions;
    use std::path::Path;
    use std::process::ExitCode;

    let args: Vec<String> = std::env::args().skip(1).collect();
    let filter = args.iter().find(|a| !a.starts_with('-')).cloned().unwrap_or_default();
    let list = args.iter().any(|a| a == "--list");
    let bless = std::env::var_os("KPLAY_BLESS").is_some();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let snapshots = root.join("tests/golden/reports");
    let mut fixtures: Vec<_> = std::fs::read_dir(root.join("tests/scenarios"))
        .expect("tests/scenarios")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "kplay"))
        .collect();
    fixtures.sort();
    let names: Vec<String> =
        fixtures.iter().map(|p| p.file_stem().expect("name").to_string_lossy().to_string()).collect();
    if list {
        for n in names.iter().filter(|n| n.contains(&filter)) {
            println!("{n}: test");
        }
        return ExitCode::SUCCESS;
    }
    let mut failed = Vec::new();
    let mut ran = 0;
    for (path, name) in fixtures.iter().zip(&names) {
        if !name.contains(&filter) {
            continue;
        }
        ran += 1;
        let text = std::fs::read_to_string(path).expect("fixture");
        let json = match kplay::run(&text, &RunOptions::default()) {
            Ok(r) => serde_json::to_string_pretty(&r).expect("json") + "\n",
            Err(d) => format!("{d:#?}\n"),
        };
        let file = snapshots.join(format!("{name}.json"));
        let outcome = if bless {
            std::fs::create_dir_all(&snapshots).expect("mkdir");
            std::fs::write(&file, &json).expect("write snapshot");
            Ok(())
        } else {
            match std::fs::read_to_string(&file) {
                Err(_) => {
                    Err(format!("no snapshot {}: run KPLAY_BLESS=1 cargo test --test golden_reports", file.display()))
                }
                Ok(want) if want == json => Ok(()),
                Ok(want) => Err(first_difference(&want, &json)),
            }
        };
        match outcome {
            Ok(()) => println!("test {name} ... ok"),
            Err(why) => {
                println!("test {name} ... FAILED\n  {why}");
                failed.push(name.clone());
            }
        }
    }
    // A snapshot without its fixture is stale.
    if filter.is_empty() && !bless {
        for e in std::fs::read_dir(&snapshots).into_iter().flatten().flatten() {
            let stem = e.path().file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            if !names.contains(&stem) {
                println!("test {stem} ... FAILED\n  a snapshot without a fixture: delete {}", e.path().display());
                failed.push(stem);
            }
        }
    }
    println!(
        "\ntest result: {}. {} passed; {} failed{}",
        if failed.is_empty() { "ok" } else { "FAILED" },
        ran - failed.len().min(ran),
        failed.len(),
        if bless { " (snapshots rewritten)" } else { "" }
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Where two reports part, with the line on each side.
#[cfg(not(target_arch = "wasm32"))]
fn first_difference(want: &str, got: &str) -> String {
    for (i, (a, b)) in want.lines().zip(got.lines()).enumerate() {
        if a != b {
            return format!(
                "the report differs from its snapshot at line {}:\n    snapshot: {}\n    now:      {}\n  \
                 if on purpose: KPLAY_BLESS=1 cargo test --test golden_reports, and read the diff",
                i + 1,
                a.trim(),
                b.trim()
            );
        }
    }
    format!("the report has {} lines, its snapshot {}", got.lines().count(), want.lines().count())
}
