//! The deterministic kernel: virtual time, the event queue, PRNG streams, the network
//! with its fault rules, node identities, the node contract ([`Node`], [`Ctx`]) and the
//! trace container. It knows nothing of Kafka: messages, timers, trace events and what
//! nodes observe are type parameters the layer above fills in.
//!
//! Invariants: time is integer microseconds and only moves forward; events run in
//! (time, insertion) order; every random draw comes from a [`Prng`] stream forked from
//! the scenario seed; nothing reads the wall clock or iterates a hash map. Given the same
//! scenario and seed, a run is the same sequence of events, natively and in wasm.

pub mod cost;
pub mod ctx;
pub mod names;
pub mod net;
pub mod node;
pub mod prng;
pub mod queue;
pub mod sort;
pub mod trace;
pub mod vecmap;

pub use ctx::{Ctx, Node, Outgoing};
pub use names::{NameTable, Named};
pub use net::{DropCause, LinkParams, Net, Route};
pub use node::NodeId;
pub use prng::Prng;
pub use queue::Queue;
pub use trace::{Trace, TraceEvent};
pub use vecmap::{VecMap, VecSet};

/// Virtual time in microseconds.
pub type Micros = u64;

/// `t + d`, saturating at the end of time. Kafka-valid durations reach `u64::MAX` µs
/// (`linger.ms=9223372036854775807`, `cut ... for 18446744073709551615us`): a deadline
/// that far away must stay in the future, never wrap into the past. A kernel event at
/// `u64::MAX` never runs, since every run ends within its virtual-time budget.
pub fn later(t: Micros, d: Micros) -> Micros {
    t.saturating_add(d)
}

pub const MS: Micros = 1_000;
pub const SEC: Micros = 1_000_000;

/// `1.5s`, `250ms`, `40us`: a compact human form of a duration or instant (seconds to
/// the millisecond, milliseconds to the microsecond; integer arithmetic only).
pub fn fmt_us(us: Micros) -> String {
    fn with_fraction(whole: u64, thousandths: u64, unit: &str) -> String {
        if thousandths == 0 {
            return format!("{whole}{unit}");
        }
        let frac = format!("{thousandths:03}");
        format!("{whole}.{}{unit}", frac.trim_end_matches('0'))
    }
    if us == 0 {
        "0ms".to_string()
    } else if us >= SEC {
        // Rounded to the millisecond.
        let ms = us.saturating_add(MS / 2) / MS;
        with_fraction(ms / 1000, ms % 1000, "s")
    } else if us >= MS {
        with_fraction(us / MS, us % MS, "ms")
    } else {
        format!("{us}us")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_durations() {
        assert_eq!(fmt_us(0), "0ms");
        assert_eq!(fmt_us(5 * MS), "5ms");
        assert_eq!(fmt_us(1_500 * MS), "1.5s");
        assert_eq!(fmt_us(30_120 * MS), "30.12s");
        assert_eq!(fmt_us(250), "250us");
        assert_eq!(fmt_us(1_250), "1.25ms");
    }

    /// Cargo.toml's dev profile (which `cargo test` uses) keeps overflow checks on, so
    /// every test layer catches an arithmetic wrap as a panic.
    #[test]
    fn tests_run_with_overflow_checks() {
        let wrapped = std::panic::catch_unwind(|| std::hint::black_box(u64::MAX) + std::hint::black_box(1u64));
        assert!(wrapped.is_err(), "overflow checks are off in the test profile");
    }
}
