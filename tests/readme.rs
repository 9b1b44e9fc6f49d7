//! The README's sample stays true: its scenario, run by the `kplay` binary, prints every
//! line the README shows, in that order (`  ...` marks lines left out). A change to the
//! simulation that moves the sample's figures or its trace hash fails here until the
//! README says what kplay now prints.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

/// The fenced blocks after `heading`, in order (their lines, fences excluded).
fn blocks_after(readme: &str, heading: &str) -> Vec<Vec<String>> {
    let rest = &readme[readme.find(heading).expect("the README has the section")..];
    let mut out = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in rest.lines().skip(1) {
        if line.starts_with("## ") {
            break;
        }
        if line.starts_with("```") {
            match current.take() {
                Some(b) => out.push(b),
                None => current = Some(Vec::new()),
            }
        } else if let Some(b) = current.as_mut() {
            b.push(line.to_string());
        }
    }
    out
}

#[test]
fn the_readme_sample_is_what_kplay_prints() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let blocks = blocks_after(&readme, "## A scenario");
    let scenario = blocks[0].join("\n") + "\n";
    let transcript = &blocks[1];
    assert_eq!(transcript[0], "$ kplay run acks1.kplay", "the second block is the sample run");
    let path = std::env::temp_dir().join(format!("kplay-readme-{}.kplay", std::process::id()));
    std::fs::write(&path, &scenario).expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_kplay")).arg("run").arg(&path).output().expect("kplay runs");
    let _ = std::fs::remove_file(&path);
    let printed = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(out.status.code(), Some(0), "the sample's expect lines hold:\n{printed}");
    let mut lines = printed.lines();
    for want in transcript[1..].iter().filter(|l| l.trim() != "...") {
        assert!(
            lines.any(|got| got == want),
            "the README shows a line kplay does not print (in this order):\n  {want}\nkplay prints:\n{printed}"
        );
    }
}
