//! The parse is near-linear in the number of lines (the page re-checks on every
//! keystroke): declarations, timeline lines and misspelt names at scale, each within a
//! bound a quadratic parse misses by far (160,000 producer lines took 44 s in release).

use std::time::{Duration, Instant};

use super::parse;

fn timed(text: &str) -> (Duration, usize) {
    let t0 = Instant::now();
    let diags = parse(text).err().map_or(0, |d| d.len());
    (t0.elapsed(), diags)
}

/// Generous for a debug build on a busy 2-core machine; a quadratic parse takes minutes.
const BOUND: Duration = Duration::from_secs(10);

#[test]
fn many_declarations() {
    let mut text = String::from("topic t\n");
    for i in 0..160_000 {
        text.push_str(&format!("producer p{i} acks=all\n"));
    }
    let (took, diags) = timed(&text);
    assert_eq!(diags, 1, "one diagnostic: the producers-and-consumers budget");
    assert!(took < BOUND, "160,000 producer lines took {took:?}");
}

#[test]
fn many_timeline_lines() {
    let mut text = String::from("topic t\n");
    for i in 0..1_000 {
        text.push_str(&format!("producer p{i}\n"));
    }
    for i in 0..160_000 {
        text.push_str(&format!("at {i}us p{} send t\n", i % 1_000));
    }
    let (took, diags) = timed(&text);
    assert_eq!(diags, 0);
    assert!(took < BOUND, "160,000 timeline lines took {took:?}");
}

#[test]
fn many_topics_and_misspelt_names() {
    let mut text = String::new();
    for i in 0..10_000 {
        text.push_str(&format!("topic t{i}\n"));
    }
    for i in 0..1_000 {
        text.push_str(&format!("producer p{i}\n"));
    }
    for i in 0..10_000 {
        text.push_str(&format!("at 0ms q{i} send t{i}\nat 0ms p1 send u{i}\nat 0ms drop n{i} -> broker-1\n"));
    }
    let (took, diags) = timed(&text);
    assert_eq!(diags, 30_000);
    assert!(took < BOUND, "30,000 misspelt names among 11,000 declarations took {took:?}");
}
