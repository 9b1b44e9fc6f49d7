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

/// A current Kafka: Confluent, "Benchmarking Apache Kafka, Apache Pulsar, and RabbitMQ:
/// Which is the Fastest?" (2020): three i3en.2xlarge brokers (NVMe), RF 3, acks=all,
/// min.insync.replicas=2, 1 KB messages, the OpenMessaging Benchmark's Kafka throughput
/// driver (linger.ms=1, batch.size=1048576): 605 MB/s at peak. With kplay's default
/// hardware (10 Gbit NICs, NVMe) the same load gives about 746 MB/s (+23%): the default
/// NIC is a little faster than that instance's sustained network.
const OMB_2020: &str = "seed 1
brokers 3 min.insync.replicas=2
topic t partitions=100 replication.factor=3
producer p1 acks=all linger.ms=1 batch.size=1048576 buffer.memory=268435456
producer p2 acks=all linger.ms=1 batch.size=1048576 buffer.memory=268435456
producer p3 acks=all linger.ms=1 batch.size=1048576 buffer.memory=268435456
producer p4 acks=all linger.ms=1 batch.size=1048576 buffer.memory=268435456
at 0ms p1 send t count=150000 size=1KB
at 0ms p2 send t count=150000 size=1KB
at 0ms p3 send t count=150000 size=1KB
at 0ms p4 send t count=150000 size=1KB
";

#[test]
fn defaults_near_the_confluent_2020_benchmark() {
    let report = kplay::run(OMB_2020, &RunOptions::default()).expect("valid");
    let mb = report.perf.total.mb_per_sec;
    let ratio = mb / 605.0;
    println!(
        "Confluent 2020 OMB, RF 3 acks=all 1 KB: kplay {mb:.0} MB/s, published 605 MB/s ({:+.1}%)",
        (ratio - 1.0) * 100.0
    );
    assert_eq!(report.perf.total.records, 600_000);
    assert!((0.75..=1.30).contains(&ratio), "{mb:.0} MB/s against 605 MB/s");
}
