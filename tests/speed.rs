//! The cost model against a published benchmark: Jay Kreps, "Benchmarking Apache Kafka: 2
//! Million Writes Per Second (On Three Cheap Machines)", LinkedIn Engineering, 2014. The
//! preset `www/presets/speed-kreps-2014.kplay` describes that cluster (three brokers, six
//! 7200 rpm SATA drives each, 1 Gb Ethernet, six partitions, 100-byte records, the
//! article's producer settings); each of its three producers is one row of the article.
//! kplay must land within 25% of each published figure, with the same ranking.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use kplay::RunOptions;

/// (producer in the preset, the article's row, its records/s).
const ROWS: [(&str, &str, f64); 3] = [
    ("single", "one producer thread, no replication", 821_557.0),
    ("async3", "one producer thread, 3x asynchronous replication (acks=1)", 786_980.0),
    ("sync3", "one producer thread, 3x synchronous replication (acks=all)", 421_823.0),
];

#[test]
fn kreps_2014_rows_within_25_percent() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/presets/speed-kreps-2014.kplay");
    let text = std::fs::read_to_string(path).expect("preset");
    let report = kplay::run(&text, &RunOptions::default()).expect("valid");
    assert_eq!(report.summary.lost, 0);
    let mut measured = Vec::new();
    for (producer, row, published) in ROWS {
        let f = report.perf.by_producer.get(producer).expect("a producer of the preset");
        let ratio = f.records_per_sec / published;
        println!(
            "{row}: kplay {:.0} records/s, Kreps 2014 {published:.0} ({:+.1}%)",
            f.records_per_sec,
            (ratio - 1.0) * 100.0
        );
        assert!(
            (0.75..=1.25).contains(&ratio),
            "{row}: {:.0} records/s is not within 25% of {published}",
            f.records_per_sec
        );
        assert_eq!(f.records, 100_000, "{row}: every record acknowledged");
        measured.push(f.records_per_sec);
    }
    assert!(measured[0] > measured[2] && measured[1] > measured[2], "acks=all is the slowest row, as in the article");
}

#[test]
fn the_calibration_holds_for_other_seeds() {
    // Other seeds (other jitter-free schedules of the same load) stay within the bounds.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("www/presets/speed-kreps-2014.kplay");
    let text = std::fs::read_to_string(path).expect("preset");
    for seed in [2u64, 3] {
        let report = kplay::run(&text, &RunOptions { seed: Some(seed), ..RunOptions::default() }).expect("valid");
        for (producer, row, published) in ROWS {
            let r = report.perf.by_producer.get(producer).expect("producer").records_per_sec / published;
            assert!((0.75..=1.25).contains(&r), "seed {seed}: {row}: ratio {r:.2}");
        }
    }
}
