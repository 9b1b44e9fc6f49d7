//! Producer metrics under the Java producer's names (`Sender.SenderMetrics`,
//! `KafkaProducer`, `BufferPool`). Counters are integers during the run; averages are
//! computed once, when the report is built.

use crate::sim::VecMap;

use crate::format::size::RECORD_BATCH_OVERHEAD;
use crate::sim::Micros;

/// The metric names [`Metrics::named`] gives, in its order.
pub const NAMES: &[&str] = &[
    "batch-size-avg",
    "batch-size-max",
    "batch-split-total",
    "buffer-exhausted-total",
    "bufferpool-wait-time-ns-total",
    "compression-rate-avg",
    "outgoing-byte-total",
    "record-error-total",
    "record-queue-time-avg",
    "record-queue-time-max",
    "record-retry-total",
    "record-send-total",
    "record-size-avg",
    "record-size-max",
    "records-per-request-avg",
    "request-latency-avg",
    "request-latency-max",
    "request-total",
    "response-total",
];

#[derive(Clone, Debug, Default)]
pub struct Metrics {
    /// Records in batches put into produce requests (retries count again): `record-send-total`.
    pub record_send_total: u64,
    /// Records re-enqueued for a retry: `record-retry-total`.
    pub record_retry_total: u64,
    /// Records whose send failed: `record-error-total`.
    pub record_error_total: u64,
    /// Batches sent for the first time (distinct batches).
    pub batches_first_sent: u64,
    pub batch_count: u64,
    pub batch_bytes_total: u64,
    pub batch_bytes_max: u64,
    pub batch_uncompressed_total: u64,
    /// Sum over batches sent of `MemoryRecordsBuilder.actualCompressionRatio`: the
    /// compressed records' bytes over their uncompressed bytes, batch header excluded
    /// (`compression-rate-avg` averages one sample per batch).
    pub compression_rate_sum: f64,
    pub request_total: u64,
    pub response_total: u64,
    /// Produce responses: the count behind `request-latency-avg`.
    pub produce_responses: u64,
    pub request_latency_total_us: u64,
    pub request_latency_max_us: u64,
    pub records_in_requests: u64,
    pub produce_requests: u64,
    pub queue_time_total_us: u64,
    pub queue_time_max_us: u64,
    /// Sum and max over batches sent of `ProducerBatch.maxRecordSize` (the largest record
    /// upper-bound estimate in the batch): `record-size-avg` and `-max` take one sample per
    /// batch per send (`Sender.updateProduceRequestMetrics`).
    pub record_size_total: u64,
    pub record_size_max: u64,
    pub buffer_exhausted_total: u64,
    pub bufferpool_wait_time_total_us: u64,
    pub batch_split_total: u64,
    pub outgoing_byte_total: u64,
    /// Per second of virtual time: records acknowledged, for the throughput chart.
    pub acked_per_second: VecMap<u64, u64>,
}

impl Metrics {
    pub fn batch_sent(&mut self, bytes: u32, uncompressed: u32, records: u32, max_record: u32, queue_time_us: Micros) {
        self.batch_count += 1;
        self.record_size_total += max_record as u64;
        self.record_size_max = self.record_size_max.max(max_record as u64);
        self.batch_bytes_total += bytes as u64;
        self.batch_bytes_max = self.batch_bytes_max.max(bytes as u64);
        self.batch_uncompressed_total += uncompressed as u64;
        let records_bytes = uncompressed.saturating_sub(RECORD_BATCH_OVERHEAD);
        self.compression_rate_sum += if records_bytes == 0 {
            1.0
        } else {
            // Java computes it in float.
            (bytes.saturating_sub(RECORD_BATCH_OVERHEAD) as f32 / records_bytes as f32) as f64
        };
        self.record_send_total += records as u64;
        self.queue_time_total_us += queue_time_us;
        self.queue_time_max_us = self.queue_time_max_us.max(queue_time_us);
    }

    /// A produce response: `request-latency-*` are produce round trips only (Java's
    /// `Sender.handleProduceResponse`); `response-total` counts every response.
    pub fn produce_latency(&mut self, us: Micros) {
        self.response_total += 1;
        self.produce_responses += 1;
        self.request_latency_total_us += us;
        self.request_latency_max_us = self.request_latency_max_us.max(us);
    }

    /// The figures under Java's metric names, with averages in Java's units (ms, bytes).
    pub fn named(&self) -> Vec<(&'static str, f64)> {
        let avg = |total: u64, n: u64| if n == 0 { 0.0 } else { total as f64 / n as f64 };
        vec![
            ("batch-size-avg", avg(self.batch_bytes_total, self.batch_count)),
            ("batch-size-max", self.batch_bytes_max as f64),
            ("batch-split-total", self.batch_split_total as f64),
            ("buffer-exhausted-total", self.buffer_exhausted_total as f64),
            ("bufferpool-wait-time-ns-total", self.bufferpool_wait_time_total_us as f64 * 1000.0),
            (
                "compression-rate-avg",
                if self.batch_count == 0 { 1.0 } else { self.compression_rate_sum / self.batch_count as f64 },
            ),
            ("outgoing-byte-total", self.outgoing_byte_total as f64),
            ("record-error-total", self.record_error_total as f64),
            ("record-queue-time-avg", avg(self.queue_time_total_us, self.batch_count) / 1000.0),
            ("record-queue-time-max", self.queue_time_max_us as f64 / 1000.0),
            ("record-retry-total", self.record_retry_total as f64),
            ("record-send-total", self.record_send_total as f64),
            ("record-size-avg", avg(self.record_size_total, self.batch_count)),
            ("record-size-max", self.record_size_max as f64),
            ("records-per-request-avg", avg(self.records_in_requests, self.produce_requests)),
            ("request-latency-avg", avg(self.request_latency_total_us, self.produce_responses) / 1000.0),
            ("request-latency-max", self.request_latency_max_us as f64 / 1000.0),
            ("request-total", self.request_total as f64),
            ("response-total", self.response_total as f64),
        ]
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_list_every_named_metric() {
        let named: Vec<&str> = super::Metrics::default().named().into_iter().map(|(n, _)| n).collect();
        assert_eq!(named, super::NAMES);
    }
}
