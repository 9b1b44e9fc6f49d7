//! The cost model: what sending, handling and storing bytes costs in time.
//!
//! Every figure is an integer (bits per second, bytes per second, nanoseconds), so no
//! float decides an event. Defaults describe a typical modern server; `hardware NAME=VALUE
//! ...` changes them (see [`Hardware::set`]). Each parameter, its unit, its default and the
//! measurement behind it:
//!
//! | parameter | unit | default | source |
//! |---|---|---|---|
//! | `network.bandwidth` | bit/s, per host NIC, full duplex | 10Gbit | 10 GbE, common in current servers (AWS i3en: up to 25 Gbit) |
//! | `disk` | `hdd`, `ssd`, `nvme` | `nvme` | picks the next two |
//! | `disk.bandwidth` | bytes/s sequential write | nvme 1000MB, ssd 500MB, hdd 137MB | NVMe at ~1 GB/s per drive (Vanlightly 2023, Kafka on i3en); SATA SSD near its 600 MB/s link; 7200 rpm SATA: 822 MB/s over six disks (Kreps 2014) |
//! | `disk.fsync` | time per fsync | nvme 30us, ssd 60us, hdd 4ms | enterprise NVMe/SSD with power-loss protection: 12-58 us (smalldatum 2026); 7200 rpm: half a rotation (4.17 ms) |
//! | `disks` | count (JBOD) | 1 | Kreps 2014: six per broker |
//! | `page.cache` | bytes of page cache per broker host for log data | 58GB | a 64 GB broker (Confluent's production sizing) less a 6 GB heap (Kafka's documented `-Xmx6g`) |
//! | `producer.record.cost` | ns per `send()` (serialize, partition, append) | 500ns | single-thread kafka-producer-perf-test: at most 1.0-1.2 us per 100-byte record on 2014-2019 machines, network included |
//! | `producer.byte.cost` | ns per record byte in `send()` | 0.25ns | memcpy ~16 GB/s (lzbench 2.0.1, EPYC 9554), several copies |
//! | `producer.request.cost` | ns per produce request on the sender thread | 10us | no published figure; the sender's drain, request building and `poll` (KAFKA-20917 measures `ready()` growing with partitions) |
//! | `producer.batch.cost` | ns per batch drained (close, CRC) | 1us | as above |
//! | `broker.request.cost` | ns per request on a request handler thread | 20us | no published figure; bounded by Kreps 2014 (NIC-bound at ~3.3k batches/s per broker) |
//! | `broker.batch.cost` | ns per batch (validation, producer state, append) | 2us | as above |
//! | `broker.byte.cost` | ns per byte (CRC32C, copy into the page cache) | 0.5ns | CRC32C at several GB/s, memcpy 16 GB/s |
//! | `compression.{gzip,snappy,lz4,zstd}` | bytes/s compressed per core, Kafka's default level | 25MB, 400MB, 580MB, 250MB | lzbench 2.0.1 on EPYC 9554, Silesia: zlib -6, snappy 1.2.1, lz4 1.10 (fast), zstd -3 |
//! | `decompression.{gzip,snappy,lz4,zstd}` | bytes/s per core | 340MB, 1070MB, 3700MB, 1200MB | same |
//!
//! Where time goes: a producer's application thread pays the record and byte costs in
//! `send()` (compression too: Kafka compresses as records are appended), its sender
//! thread the request and batch costs of every produce request it builds; a host's NIC
//! sends one message at a time, at its bandwidth, in each direction (TCP/IP framing: 1538
//! bytes on the wire per 1448 of payload); a broker's request handler threads
//! (`num.io.threads`) take requests one connection at a time (Kafka mutes a connection
//! until its response is sent), each paying the request, batch and byte costs (and the
//! decompression a compressed batch needs for validation); an fsync waits for the disk.
//!
//! The page cache (per broker host, `page.cache`): appends land in it dirty; the OS writes
//! dirty bytes back when they are `vm.dirty_expire_centisecs` old, and continuously at
//! the disks' bandwidth while more than `vm.dirty_background_ratio` percent of the cache
//! is dirty; an append that takes the dirty bytes past `vm.dirty_ratio` percent waits
//! until the disks have written the excess (`balance_dirty_pages`, simplified to a hard
//! limit). When the cache is full, the oldest clean bytes are evicted; a fetch that reads
//! evicted bytes waits for the disk (its access time, `disk.fsync`, plus the bytes at its
//! bandwidth). Bytes read from disk are not cached again.

use super::Micros;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Disk {
    Hdd,
    Ssd,
    Nvme,
}

impl Disk {
    pub fn name(self) -> &'static str {
        match self {
            Disk::Hdd => "hdd",
            Disk::Ssd => "ssd",
            Disk::Nvme => "nvme",
        }
    }
}

/// The cost model's parameters (see the module table).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hardware {
    pub network_bandwidth_bps: u64,
    pub disk: Disk,
    pub disk_bandwidth_bytes_per_sec: u64,
    pub disk_fsync_ns: u64,
    pub disks: u32,
    pub page_cache_bytes: u64,
    pub producer_record_ns: u64,
    /// Nanoseconds per 1000 bytes (so fractions of a nanosecond per byte stay integers).
    pub producer_ns_per_kb: u64,
    pub producer_request_ns: u64,
    pub producer_batch_ns: u64,
    pub broker_request_ns: u64,
    pub broker_batch_ns: u64,
    pub broker_ns_per_kb: u64,
    /// Bytes per second, indexed by `CompressionType::attribute_bits` (0: none, unused).
    pub compress_bytes_per_sec: [u64; 5],
    pub decompress_bytes_per_sec: [u64; 5],
}

const MB: u64 = 1_000_000;

impl Default for Hardware {
    fn default() -> Hardware {
        let disk = Disk::Nvme;
        Hardware {
            network_bandwidth_bps: 10_000_000_000,
            disk,
            disk_bandwidth_bytes_per_sec: Hardware::disk_bandwidth(disk),
            disk_fsync_ns: Hardware::disk_fsync(disk),
            disks: 1,
            page_cache_bytes: 58 * 1000 * MB,
            producer_record_ns: 500,
            producer_ns_per_kb: 250,
            producer_request_ns: 10_000,
            producer_batch_ns: 1_000,
            broker_request_ns: 20_000,
            broker_batch_ns: 2_000,
            broker_ns_per_kb: 500,
            compress_bytes_per_sec: [0, 25 * MB, 400 * MB, 580 * MB, 250 * MB],
            decompress_bytes_per_sec: [0, 340 * MB, 1070 * MB, 3700 * MB, 1200 * MB],
        }
    }
}

/// Names `hardware` takes, for diagnostics and completion.
pub const HARDWARE_NAMES: &[&str] = &[
    "network.bandwidth",
    "disk",
    "disk.bandwidth",
    "disk.fsync",
    "disks",
    "page.cache",
    "producer.record.cost",
    "producer.byte.cost",
    "producer.request.cost",
    "producer.batch.cost",
    "broker.request.cost",
    "broker.batch.cost",
    "broker.byte.cost",
    "compression.gzip",
    "compression.snappy",
    "compression.lz4",
    "compression.zstd",
    "decompression.gzip",
    "decompression.snappy",
    "decompression.lz4",
    "decompression.zstd",
];

impl Hardware {
    /// `disk=`: the disk kind and its default bandwidth and fsync time.
    pub fn set_disk(&mut self, d: Disk) {
        self.disk = d;
        self.disk_bandwidth_bytes_per_sec = Hardware::disk_bandwidth(d);
        self.disk_fsync_ns = Hardware::disk_fsync(d);
    }

    fn disk_bandwidth(d: Disk) -> u64 {
        match d {
            Disk::Hdd => 137 * MB,
            Disk::Ssd => 500 * MB,
            Disk::Nvme => 1000 * MB,
        }
    }
    fn disk_fsync(d: Disk) -> u64 {
        match d {
            Disk::Hdd => 4_000_000,
            Disk::Ssd => 60_000,
            Disk::Nvme => 30_000,
        }
    }

    /// Time a NIC needs to put `bytes` of payload on the wire, TCP/IP framing included.
    pub fn nic_ns(&self, bytes: u64) -> u64 {
        nic_ns(self.network_bandwidth_bps, bytes)
    }

    /// `send()` of one record of `bytes` (uncompressed), compressing with `codec` bits.
    pub fn producer_send_ns(&self, bytes: u64, codec: usize) -> u64 {
        let mut ns = self.producer_record_ns + bytes * self.producer_ns_per_kb / 1000;
        if let Some(&speed) = self.compress_bytes_per_sec.get(codec).filter(|_| codec > 0) {
            ns += div_ceil_u128(bytes as u128 * 1_000_000_000, speed.max(1) as u128);
        }
        ns
    }

    /// A request handler's work for a request of `batches` batches and `bytes`, of which
    /// `compressed_bytes[codec]` were compressed with that codec (decompressed to validate).
    pub fn broker_request_ns(&self, batches: u64, bytes: u64, decompressed: &[(usize, u64)]) -> u64 {
        let mut ns = self.broker_request_ns + batches * self.broker_batch_ns + bytes * self.broker_ns_per_kb / 1000;
        for &(codec, raw) in decompressed {
            if let Some(&speed) = self.decompress_bytes_per_sec.get(codec).filter(|_| codec > 0) {
                ns += div_ceil_u128(raw as u128 * 1_000_000_000, speed.max(1) as u128);
            }
        }
        ns
    }

    /// Bytes per second all of a broker's disks write or read together (JBOD: logs spread
    /// over them).
    pub fn disks_bytes_per_sec(&self) -> u64 {
        self.disk_bandwidth_bytes_per_sec.saturating_mul(u64::from(self.disks.max(1))).max(1)
    }

    /// Time the disks need to write (or read) `bytes` at their combined bandwidth.
    pub fn disks_ns(&self, bytes: u64) -> u64 {
        div_ceil_u128(bytes as u128 * 1_000_000_000, self.disks_bytes_per_sec() as u128)
    }

    /// A read of `bytes` that are no longer in the page cache.
    pub fn disk_read_ns(&self, bytes: u64) -> u64 {
        self.disk_fsync_ns
            + div_ceil_u128(bytes as u128 * 1_000_000_000, self.disk_bandwidth_bytes_per_sec.max(1) as u128)
    }

    /// `count` fsyncs that wrote `dirty` bytes in all.
    pub fn fsyncs_ns(&self, count: u32, dirty: u64) -> u64 {
        if count == 0 {
            return 0;
        }
        (u64::from(count) - 1).saturating_mul(self.disk_fsync_ns).saturating_add(self.fsync_ns(dirty))
    }

    /// An fsync of `dirty` bytes on one of the broker's disks.
    pub fn fsync_ns(&self, dirty: u64) -> u64 {
        self.disk_fsync_ns
            + div_ceil_u128(dirty as u128 * 1_000_000_000, self.disk_bandwidth_bytes_per_sec.max(1) as u128)
    }
}

/// Time a NIC of `bandwidth_bps` needs to put `bytes` of payload on the wire: TCP/IP
/// framing included (MTU 1500 with TCP timestamps: 1448 bytes of payload per segment,
/// 1538 bytes on the wire with Ethernet's preamble, header, FCS and gap).
pub fn nic_ns(bandwidth_bps: u64, bytes: u64) -> u64 {
    let segments = bytes.div_ceil(1448).max(1);
    let wire_bits = (u128::from(bytes) + u128::from(segments) * 90) * 8;
    div_ceil_u128(wire_bits * 1_000_000_000, u128::from(bandwidth_bps.max(1)))
}

fn div_ceil_u128(a: u128, b: u128) -> u64 {
    u64::try_from(a.div_ceil(b.max(1))).unwrap_or(u64::MAX)
}

/// Nanoseconds to the kernel's microseconds, rounding up (work takes at least what it
/// costs).
pub fn ns_to_us(ns: u64) -> Micros {
    ns.div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nic_time_includes_framing() {
        let hw = Hardware { network_bandwidth_bps: 1_000_000_000, ..Hardware::default() };
        // 1448 bytes of payload are 1538 bytes on the wire: 12.304 us at 1 Gbit/s.
        assert_eq!(hw.nic_ns(1448), 12_304);
        // 1 MB of payload takes ~8.5 ms at 1 Gbit/s: at most ~117.7 MB/s of payload on 1 GbE.
        let per_mb = hw.nic_ns(1_000_000);
        assert!(per_mb > 8_400_000 && per_mb < 8_600_000, "{per_mb}");
    }

    #[test]
    fn producer_and_broker_costs() {
        let hw = Hardware::default();
        assert_eq!(hw.producer_send_ns(100, 0), 525);
        // gzip at 25 MB/s: 100 bytes take 4 us more.
        assert_eq!(hw.producer_send_ns(100, 1), 525 + 4_000);
        assert_eq!(hw.broker_request_ns(2, 32_000, &[]), 20_000 + 4_000 + 16_000);
        assert_eq!(ns_to_us(1), 1);
        assert_eq!(ns_to_us(1000), 1);
        assert_eq!(ns_to_us(1001), 2);
        let hdd = Hardware { disk_fsync_ns: Hardware::disk_fsync(Disk::Hdd), ..hw };
        assert_eq!(hdd.fsync_ns(0), 4_000_000);
    }
}
