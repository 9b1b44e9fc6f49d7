//! The producer metrics the report shows under the Java producer's names, checked against
//! what Kafka's own code would record for the same run.
#![cfg(not(target_arch = "wasm32"))]

use kplay::RunOptions;

fn metrics(text: &str) -> serde_json::Value {
    let report = kplay::run(text, &RunOptions::default()).expect("valid scenario");
    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    json["metrics"]["p"].clone()
}

/// `record-size-max` is `ProducerBatch.maxRecordSize`: Kafka's upper-bound estimate,
/// 61 (batch header) + 21 (`MAX_RECORD_OVERHEAD`) + varint(key length) + key +
/// varint(value length) + value + varint(header count), with zig-zag varints.
#[test]
fn record_size_max_is_kafkas_upper_bound_estimate() {
    // Key "k-9999" (6 bytes, varint 1 byte); value 300 bytes (zig-zag 600: 2 bytes).
    let m = metrics(
        "brokers 1\ntopic t partitions=1\nproducer p\nat 0ms p send t count=10000 every=10us key=k-{i} size=300B\n",
    );
    assert_eq!(m["record-size-max"], 61.0 + 21.0 + 1.0 + 6.0 + 2.0 + 300.0 + 1.0);
    assert!(m["batch-size-max"].as_f64().unwrap() <= 16384.0, "batch.size bounds a batch of small records: {m}");
}

/// `request-latency-avg` covers produce round trips only (`Sender.handleProduceResponse`),
/// while `request-total`/`response-total` count every request and response, metadata and
/// InitProducerId included.
#[test]
fn request_latency_is_the_produce_round_trip() {
    // One-way latency 7 ms and no jitter: every produce round trip takes 14 ms plus the
    // broker's handling; a metadata or InitProducerId round trip must not dilute it.
    let m = metrics(
        "brokers 1\ntopic t partitions=1\nproducer p acks=1 linger.ms=0\nnetwork latency=7ms\n\
         at 0ms p send t count=5 every=100ms\n",
    );
    let avg = m["request-latency-avg"].as_f64().unwrap();
    assert!((14.0..15.0).contains(&avg), "request-latency-avg {avg}");
    assert_eq!(m["request-total"], m["response-total"], "{m}");
    // 5 produce requests + 1 metadata (acks=1 disables idempotence: no InitProducerId).
    assert_eq!(m["request-total"], 6.0, "{m}");
}
