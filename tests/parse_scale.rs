//! The parse is near-linear in the number of lines (the page re-checks on every
//! keystroke): declarations, timeline lines and misspelt names at scale. Each shape is
//! parsed at N and at N/8 lines, back to back, and the big one must take less than 24
//! times the small one: a linear parse takes about 8 (plus a log factor), a quadratic
//! one 64. Times are this thread's CPU time where Linux tells it
//! (`/proc/thread-self/schedstat`), else wall time; comparing two runs keeps the test
//! honest on a loaded machine, where absolute times are not (160,000 producer lines used to take 44 s in release; `kplay check` on
//! them takes 0.7 s now).
#![allow(clippy::disallowed_methods)] // measures real time on purpose (clippy.toml keeps it out of the core)
#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

use kplay::script::parse;

/// This thread's CPU time so far, if the OS says.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    Some(Duration::from_nanos(stat.split_whitespace().next()?.parse().ok()?))
}

fn timed(text: &str) -> (Duration, usize) {
    let (t0, c0) = (Instant::now(), cpu_time());
    let diags = parse(text).err().map_or(0, |d| d.len());
    let took = match (c0, cpu_time()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => t0.elapsed(),
    };
    (took, diags)
}

/// Parses `make(n)` and `make(n / 8)`, interleaved, the best of two each (so a busy
/// moment of the machine does not decide); returns the diagnostics of the big one.
fn scales_linearly(what: &str, n: usize, make: impl Fn(usize) -> String) -> usize {
    let (small, big) = (make(n / 8), make(n));
    let (mut t_small, mut t_big, mut diags) = (Duration::MAX, Duration::MAX, 0);
    for _ in 0..2 {
        t_small = t_small.min(timed(&small).0);
        let (t, d) = timed(&big);
        (t_big, diags) = (t_big.min(t), d);
    }
    let limit = t_small * 24 + Duration::from_millis(200);
    assert!(t_big < limit, "{what}: {n} lines took {t_big:?}, {} lines {t_small:?}: not linear", n / 8);
    diags
}

/// One test, the shapes one after another: tests running beside each other in this
/// process would make the timings noisier.
#[test]
fn the_parse_scales_linearly() {
    many_declarations();
    many_repeated_declarations();
    many_timeline_lines();
    many_topics_and_misspelt_names();
}

fn many_declarations() {
    let diags = scales_linearly("producer lines", 24_000, |n| {
        let mut text = String::from("topic t\n");
        for i in 0..n {
            text.push_str(&format!("producer p{i} acks=all\n"));
        }
        text
    });
    assert_eq!(diags, 1, "one diagnostic: the producers-and-consumers budget");
}

fn many_repeated_declarations() {
    let diags = scales_linearly("repeated topics and producers", 16_000, |n| {
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&format!("topic t{}\nproducer p{}\n", i % 7, i % 5));
        }
        text
    });
    assert_eq!(diags, 16_000 * 2 - 7 - 5);
}

fn many_timeline_lines() {
    let diags = scales_linearly("timeline lines", 24_000, |n| {
        let mut text = String::from("topic t\n");
        for i in 0..1_000 {
            text.push_str(&format!("producer p{i}\n"));
        }
        for i in 0..n {
            text.push_str(&format!("at {i}us p{} send t\n", i % 1_000));
        }
        text
    });
    assert_eq!(diags, 0);
}

fn many_topics_and_misspelt_names() {
    let diags = scales_linearly("misspelt names", 12_000, |n| {
        let mut text = String::new();
        for i in 0..4_000 {
            text.push_str(&format!("topic t{i}\n"));
        }
        for i in 0..1_000 {
            text.push_str(&format!("producer p{i}\n"));
        }
        for i in 0..n / 3 {
            text.push_str(&format!("at 0ms q{i} send t{i}\nat 0ms p1 send u{i}\nat 0ms drop n{i} -> broker-1\n"));
        }
        text
    });
    assert_eq!(diags, 12_000 / 3 * 3);
}
