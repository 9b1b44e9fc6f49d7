//! The runner fuzz (`kplay::fuzz`): generated valid scenarios, each of which must parse
//! and run without a panic (this debug build has overflow checks on, so a wrapped time
//! or size panics) and without a busy loop (the fuzz event budget used up within an hour
//! of virtual time).
//! A failure prints the scenario text (`kplay run FILE` reproduces it).
//!
//! Bounded by default (100 scenarios, a few seconds); `KPLAY_FUZZ_SCENARIOS=N` runs N
//! (`KPLAY_FUZZ_START=S` from seed S). For long runs natively: `cargo build --profile
//! fuzz && target/fuzz/kplay fuzz --scenarios N`.
#![cfg(not(target_arch = "wasm32"))]

use kplay::fuzz::{check, scenario, Outcome};

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

#[test]
fn generated_scenarios_end_by_themselves() {
    let (n, start) = (env("KPLAY_FUZZ_SCENARIOS", 100), env("KPLAY_FUZZ_START", 1));
    let (mut idle, mut timed, mut long) = (0, 0, 0);
    for seed in start..start + n {
        let text = scenario(seed);
        match check(&text) {
            Outcome::Ended { ended_by, .. } if ended_by == "idle" => idle += 1,
            Outcome::Ended { .. } => timed += 1,
            Outcome::Long(_) => long += 1,
            Outcome::Invalid(d) => panic!("fuzz scenario {seed}: the generator wrote an invalid text: {d}\n{text}"),
            Outcome::BusyLoop(why) => panic!("fuzz scenario {seed} is a busy loop: {why}\n{text}"),
        }
    }
    println!("{n} generated scenarios: {idle} ended idle, {timed} at their run until, {long} ran for hours");
    // The generator covers both endings.
    assert!(idle > 0 && timed > 0, "{idle} idle, {timed} timed");
}

/// The generator is a function of the seed, so a failure reproduces from its number.
#[test]
fn the_generator_is_deterministic_and_covers_the_language() {
    assert_eq!(scenario(42), scenario(42));
    let all: String = (1..200).map(scenario).collect();
    for form in [
        "transactional.id=",
        "compression.type=",
        "acks=0",
        "acks=1",
        "mode=power",
        "crash leader",
        "restart broker-",
        "resend=unacked",
        "pause broker-",
        "drop ",
        "api=Produce",
        "cut ",
        "isolate ",
        "heal",
        " poll ",
        " sync",
        "partition=",
        "linger.ms=9223372036854775807",
        "size=4294967295",
        "every=18446744073709s",
        "for 18446744073709551615us",
        "latency=18446744073709551615us",
        "run until",
        "kafka ",
        "loss=",
        "unclean.leader.election.enable=true",
    ] {
        assert!(all.contains(form), "no generated scenario uses {form:?}");
    }
}
