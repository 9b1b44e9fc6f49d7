//! Budgets: every scenario that passes `check` ends, within a documented amount of work
//! and memory, with a report or with a located error that names the limit it hit.
//!
//! | Budget | Default | Checked up front (located error) | Enforced while running |
//! |---|---|---|---|
//! | virtual time | 24 h | `run until T`, `at T` | an idle run that has not settled ends at 24 h (`ended_by: "cap"`) |
//! | records | 1,000,000 | the `send` line whose `count=` takes the total over | records created (a guard) |
//! | kernel events | 10,000,000 | | each event counts 1; a replica fetch request or response one more per partition it carries; a consumer poll one more per record it returns |
//! | trace volume | 256 MiB | | the trace's JSON bytes (what its hash reads) |
//! | bytes compressed | 1 GiB | | record bytes producers compress (`compression.type`), checked before a batch is built |
//! | brokers | 99 | `brokers N` | |
//! | partitions per topic | 10,000 | `partitions=` | |
//! | replicas | 10,000 | the `topic` line whose partitions × replication factor takes the total over | |
//! | producers and consumers | 1,000 | the declaration past the limit | |
//!
//! A run that uses up a budget while running stops there: the report says
//! `ended_by: "budget"`, a note names the budget with its numbers, the trace ends with a
//! `run_stopped` event, and everything else covers what happened until then. Budgets are
//! the same natively and in wasm, whatever the run options, so a stopped run is still the
//! same run everywhere. `kplay bench` raises them explicitly ([`Budgets::for_bench`]).
//!
//! Map: [`Budgets`] (the limits), [`Budget`] (which one), [`Exceeded`] (what a stopped
//! run reports), [`group`] and [`duration_text`] (numbers in messages).

use crate::sim::Micros;

/// The limits of one run. `Default` is the documented table above.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budgets {
    /// Longest `run until` and latest `at`; an idle run ends here. Default 24 h.
    pub virtual_time_us: Micros,
    /// Records the scenario may send (sum of `count=` over send lines). Default 1,000,000.
    pub records: u64,
    /// Kernel events, weighted (see the module table). Default 10,000,000.
    pub events: u64,
    /// Trace volume in JSON bytes. Default 256 MiB.
    pub trace_bytes: u64,
    /// Record bytes producers may compress. Default 1 GiB.
    pub compressed_bytes: u64,
    /// Brokers in the cluster. Default 99 (node ids fit in two decimal digits).
    pub brokers: u16,
    /// Partitions of one topic. Default 10,000.
    pub partitions_per_topic: u32,
    /// Replicas across all topics (partitions × replication factor, summed). Default 10,000.
    pub replicas: u64,
    /// Producers and consumers together. Default 1,000.
    pub clients: u64,
}

impl Default for Budgets {
    fn default() -> Self {
        Budgets {
            virtual_time_us: 24 * 3_600 * 1_000_000,
            records: 1_000_000,
            events: 10_000_000,
            trace_bytes: 256 << 20,
            compressed_bytes: 1 << 30,
            brokers: 99,
            partitions_per_topic: 10_000,
            replicas: 10_000,
            clients: 1_000,
        }
    }
}

impl Budgets {
    /// The benchmark's budgets: room for `records` records at about 20 kernel events
    /// and 200 trace bytes each (the bench runs 1M records natively by default).
    pub fn for_bench(records: u64) -> Budgets {
        let d = Budgets::default();
        Budgets {
            records: d.records.max(records),
            events: d.events.max(records.saturating_mul(20)),
            trace_bytes: d.trace_bytes.max(records.saturating_mul(200)),
            compressed_bytes: d.compressed_bytes.max(records.saturating_mul(1_024)),
            ..d
        }
    }
}

/// A budget that is enforced while a run goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Budget {
    Records,
    Events,
    TraceBytes,
    CompressedBytes,
}

impl Budget {
    /// The name the `run_stopped` trace event and the note use.
    pub fn name(self) -> &'static str {
        match self {
            Budget::Records => "records",
            Budget::Events => "kernel events",
            Budget::TraceBytes => "trace volume",
            Budget::CompressedBytes => "bytes compressed",
        }
    }

    fn amount(self, n: u64) -> String {
        match self {
            Budget::Records => format!("{} records", group(n)),
            Budget::Events => format!("{} kernel events", group(n)),
            Budget::TraceBytes | Budget::CompressedBytes => format!("{} bytes", group(n)),
        }
    }

    fn why(self) -> &'static str {
        match self {
            Budget::Records => "send fewer records",
            Budget::Events => {
                "a replica fetch counts once per partition it carries and a poll once per record it returns; \
                 run for less time (run until), or use fewer brokers, partitions or records"
            }
            Budget::TraceBytes => "run for less time (run until), or with fewer records, faults or partitions",
            Budget::CompressedBytes => "send fewer or smaller records, or use compression.type=none",
        }
    }
}

/// A budget a run used up, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Exceeded {
    pub budget: Budget,
    pub limit: u64,
    pub used: u64,
    pub at_us: Micros,
}

impl Exceeded {
    /// The report's note: which budget, the numbers, and what to change.
    pub fn note(&self) -> String {
        format!(
            "The run stopped at {}: it used up the {} budget ({} used, the limit is {}); the report covers what happened until then. To finish it: {}.",
            crate::sim::fmt_us(self.at_us),
            self.budget.name(),
            self.budget.amount(self.used),
            self.budget.amount(self.limit),
            self.budget.why()
        )
    }
}

/// A budget duration as people write it: `24h`, `90m`, else `fmt_us`'s form.
pub fn duration_text(us: Micros) -> String {
    const HOUR: Micros = 3_600_000_000;
    const MINUTE: Micros = 60_000_000;
    if us > 0 && us.is_multiple_of(HOUR) {
        format!("{}h", us / HOUR)
    } else if us > 0 && us.is_multiple_of(MINUTE) {
        format!("{}m", us / MINUTE)
    } else {
        crate::sim::fmt_us(us)
    }
}

/// `1234567` → `1,234,567`.
pub fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(group(0), "0");
        assert_eq!(group(999), "999");
        assert_eq!(group(1_000), "1,000");
        assert_eq!(group(4_000_000_000), "4,000,000,000");
        assert_eq!(group(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(duration_text(Budgets::default().virtual_time_us), "24h");
        assert_eq!(duration_text(90 * 60_000_000), "90m");
        assert_eq!(duration_text(1_500_000), "1.5s");
    }

    #[test]
    fn bench_budgets_only_grow() {
        let d = Budgets::default();
        assert_eq!(Budgets::for_bench(10), d);
        let b = Budgets::for_bench(5_000_000);
        assert_eq!(b.records, 5_000_000);
        assert!(b.events >= 100_000_000 && b.virtual_time_us == d.virtual_time_us);
    }

    #[test]
    fn the_note_names_the_budget_and_the_numbers() {
        let e = Exceeded { budget: Budget::Events, limit: 20_000_000, used: 20_000_003, at_us: 3_500_000 };
        let n = e.note();
        assert!(n.starts_with("The run stopped at 3.5s: it used up the kernel events budget"), "{n}");
        assert!(n.contains("20,000,003 kernel events used, the limit is 20,000,000 kernel events"), "{n}");
    }
}
