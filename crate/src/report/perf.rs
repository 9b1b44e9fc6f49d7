//! The figures `kafka-producer-perf-test` prints, per producer and in total.
//!
//! As `ProducerPerformance` measures them (tools/.../ProducerPerformance.java): a record's
//! latency runs from the `send()` call to its callback; only successful sends count;
//! throughput is records (and payload bytes: values only, MiB) over the busy window, from
//! the first `send()` to the last successful callback (the idle tail after it is not in
//! the window); percentiles are the sorted sample at index `(int)(p × n)`, without
//! interpolation. Where the tool truncates latencies to whole milliseconds, kplay keeps
//! its microsecond resolution (ms with three decimals), since simulated clusters are
//! often faster than a millisecond.

use serde::Serialize;

use crate::history::History;
use crate::history::Outcome;
use crate::sim::Micros;

/// Latency figures in milliseconds.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Latency {
    pub avg: f64,
    pub max: f64,
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
    pub p999: f64,
}

/// One producer's (or all producers') figures.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "PerfFigures"))]
pub struct Figures {
    /// Records whose send succeeded.
    pub records: u64,
    pub records_per_sec: f64,
    pub mb_per_sec: f64,
    pub latency_ms: Latency,
    /// The busy window, from the first send() to the last successful callback.
    pub window_us: Micros,
}

impl Figures {
    /// `kafka-producer-perf-test`'s final line.
    pub fn line(&self) -> String {
        let l = &self.latency_ms;
        format!(
            "{} records sent, {:.1} records/sec ({:.2} MB/sec), {:.2} ms avg latency, {:.2} ms max latency, \
             {} ms 50th, {} ms 95th, {} ms 99th, {} ms 99.9th.",
            self.records,
            self.records_per_sec,
            self.mb_per_sec,
            l.avg,
            l.max,
            trim(l.p50),
            trim(l.p95),
            trim(l.p99),
            trim(l.p999)
        )
    }
}

fn trim(ms: f64) -> String {
    let s = format!("{ms:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// What one producer's (or all producers') successful sends add up to.
#[derive(Default)]
struct Sample {
    lat: Vec<Micros>,
    bytes: u64,
    first_send: Option<Micros>,
    last_ack: Micros,
}

impl Sample {
    fn merge(&mut self, o: &Sample) {
        self.lat.extend_from_slice(&o.lat);
        self.bytes += o.bytes;
        self.first_send = match (self.first_send, o.first_send) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_ack = self.last_ack.max(o.last_ack);
    }

    fn figures(mut self) -> Figures {
        let (n, Some(first_send)) = (self.lat.len(), self.first_send) else { return Figures::default() };
        if n == 0 {
            return Figures::default();
        }
        // A window of zero (everything at one instant) counts as one microsecond.
        let window_us = self.last_ack.saturating_sub(first_send).max(1);
        let secs = window_us as f64 / 1e6;
        let total: u128 = self.lat.iter().map(|&l| l as u128).sum();
        let ms = |us: Micros| us as f64 / 1000.0;
        // The sorted sample's entries at (int)(p × n), without sorting it all: select the
        // largest index first, then each smaller one within what lies below it.
        let idx = |p_permille: usize| (p_permille * n / 1000).min(n - 1);
        let mut picks = [0 as Micros; 4];
        let mut end = n;
        for (k, p) in [999, 990, 950, 500].into_iter().enumerate() {
            let i = idx(p);
            if i < end {
                let (_, v, _) = self.lat[..end].select_nth_unstable(i);
                picks[k] = *v;
                end = i;
            } else {
                picks[k] = self.lat[i];
            }
        }
        let max = self.lat.iter().copied().max().unwrap_or(0);
        Figures {
            records: n as u64,
            records_per_sec: n as f64 / secs,
            mb_per_sec: self.bytes as f64 / (1024.0 * 1024.0) / secs,
            latency_ms: Latency {
                avg: total as f64 / n as f64 / 1000.0,
                max: ms(max),
                p50: ms(picks[3]),
                p95: ms(picks[2]),
                p99: ms(picks[1]),
                p999: ms(picks[0]),
            },
            window_us,
        }
    }
}

/// The figures in total and for each of `producers` producers (by index), in one pass.
pub fn figures_all(history: &History, producers: usize) -> (Figures, Vec<Figures>) {
    let mut each: Vec<Sample> = (0..producers).map(|_| Sample::default()).collect();
    for r in &history.records {
        let Some(s) = each.get_mut(r.producer as usize) else { continue };
        s.first_send = Some(s.first_send.map_or(r.sent_us, |f| f.min(r.sent_us)));
        if let Outcome::Acked { .. } = r.outcome {
            s.lat.push(r.result_us.saturating_sub(r.sent_us));
            s.bytes += r.value_bytes as u64;
            s.last_ack = s.last_ack.max(r.result_us);
        }
    }
    if producers == 1 {
        let one = each.pop().expect("one").figures();
        return (one.clone(), vec![one]);
    }
    let mut total = Sample::default();
    for s in &each {
        total.merge(s);
    }
    (total.figures(), each.into_iter().map(Sample::figures).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{RecordRec, NO_PARTITION, NO_TXN};

    /// The figures of the records `keep` selects, the plain way (a full sort).
    fn figures(history: &History, keep: impl Fn(u16) -> bool) -> Figures {
        let recs: Vec<&RecordRec> = history.records.iter().filter(|r| keep(r.producer)).collect();
        let acked: Vec<&&RecordRec> = recs.iter().filter(|r| matches!(r.outcome, Outcome::Acked { .. })).collect();
        if acked.is_empty() {
            return Figures::default();
        }
        let mut lat: Vec<Micros> = acked.iter().map(|r| r.result_us - r.sent_us).collect();
        lat.sort_unstable();
        let n = lat.len();
        let first = recs.iter().map(|r| r.sent_us).min().unwrap_or(0);
        let last = acked.iter().map(|r| r.result_us).max().unwrap_or(0);
        let window_us = (last - first).max(1);
        let secs = window_us as f64 / 1e6;
        let bytes: u64 = acked.iter().map(|r| r.value_bytes as u64).sum();
        let ms = |us: Micros| us as f64 / 1000.0;
        let at = |p: usize| ms(lat[(p * n / 1000).min(n - 1)]);
        Figures {
            records: n as u64,
            records_per_sec: n as f64 / secs,
            mb_per_sec: bytes as f64 / (1024.0 * 1024.0) / secs,
            latency_ms: Latency {
                avg: lat.iter().map(|&l| l as u128).sum::<u128>() as f64 / n as f64 / 1000.0,
                max: ms(lat[n - 1]),
                p50: at(500),
                p95: at(950),
                p99: at(990),
                p999: at(999),
            },
            window_us,
        }
    }

    fn rec(producer: u16, sent_us: Micros, result_us: Micros, acked: bool) -> RecordRec {
        RecordRec {
            producer,
            topic: 0,
            partition: NO_PARTITION,
            stmt: 0,
            index: 0,
            app_seq: 0,
            sent_us,
            timestamp_ms: 0,
            result_us,
            outcome: if acked { Outcome::Acked { offset: 0 } } else { Outcome::Pending },
            txn: NO_TXN,
            batch: 0,
            sends: 1,
            value_bytes: 1024 * 1024,
            key: None,
            shape: crate::format::Shape::new(None, Some(1024 * 1024)),
            cause: None,
        }
    }

    #[test]
    fn throughput_over_the_busy_window_and_percentiles_without_interpolation() {
        let mut h = History::default();
        // 10 records sent 0..9 ms, each acked 1..10 ms later: latencies 1..10 ms.
        for i in 0..10u64 {
            h.records.push(rec(0, i * 1000, i * 1000 + (i + 1) * 1000, true));
        }
        h.records.push(rec(1, 0, 0, false));
        let f = figures_all(&h, 2).1[0].clone();
        assert_eq!(f, figures(&h, |p| p == 0));
        assert_eq!(f.records, 10);
        assert_eq!(f.window_us, 19_000, "first send 0 ms, last callback 19 ms");
        assert!((f.records_per_sec - 10.0 / 0.019).abs() < 1e-6);
        assert!((f.mb_per_sec - 10.0 / 0.019).abs() < 1e-6, "1 MiB payload each");
        assert_eq!(f.latency_ms.p50, 6.0, "index (int)(0.5 × 10) = 5 → the 6th value");
        assert_eq!(f.latency_ms.max, 10.0);
        assert_eq!(f.latency_ms.avg, 5.5);
        assert_eq!(figures_all(&h, 2).1[1], Figures::default(), "no successful send, no figures");
        assert!(f.line().starts_with("10 records sent, 526.3 records/sec (526.32 MB/sec), 5.50 ms avg latency"));
    }

    #[test]
    fn one_pass_figures_match_per_producer_figures() {
        let mut h = History::default();
        for i in 0..1000u64 {
            let p = (i % 3) as u16;
            h.records.push(rec(p, i * 7, i * 7 + (i * 7919) % 5000 + 1, i % 11 != 0));
        }
        let (total, each) = figures_all(&h, 3);
        assert_eq!(total, figures(&h, |_| true));
        for (p, f) in each.iter().enumerate() {
            assert_eq!(*f, figures(&h, |x| x as usize == p));
        }
        // The percentiles are those of the fully sorted sample.
        let mut lat: Vec<u64> = h
            .records
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Acked { .. }))
            .map(|r| r.result_us - r.sent_us)
            .collect();
        lat.sort_unstable();
        let n = lat.len();
        assert_eq!(total.latency_ms.p95, lat[950 * n / 1000] as f64 / 1000.0);
        assert_eq!(total.latency_ms.p50, lat[500 * n / 1000] as f64 / 1000.0);
        assert_eq!(total.latency_ms.p999, lat[999 * n / 1000] as f64 / 1000.0);
    }
}
