//! `hardware NAME=VALUE ...`: the cost model's parameters (`sim::cost`), each with its
//! unit: bandwidths in bit/s (`network.bandwidth=1Gbit`), rates in bytes per second
//! (`disk.bandwidth=137MB`, `compression.gzip=25MB`), times (`disk.fsync=4ms`,
//! `broker.request.cost=20us`, `producer.record.cost=500ns`), `disk=hdd|ssd|nvme` (which
//! also sets the disk's bandwidth and fsync time unless they are given), `disks=N` and
//! `page.cache=SIZE` (bytes of page cache per broker host).

use super::errors::Diagnostic;
use super::settings::SetProp;
use super::suggest;
use super::units;
use crate::sim::cost::{Disk, Hardware, HARDWARE_NAMES};

pub fn resolve(props: &[SetProp], diags: &mut Vec<Diagnostic>) -> Hardware {
    let mut hw = Hardware::default();
    // `disk=` first: it sets the defaults the other disk figures override.
    if let Some(p) = props.iter().find(|p| p.name == "disk") {
        match p.value.as_str() {
            "hdd" => hw.set_disk(Disk::Hdd),
            "ssd" => hw.set_disk(Disk::Ssd),
            "nvme" => hw.set_disk(Disk::Nvme),
            v => diags.push(p.val.diag(format!("unknown disk '{v}'"), "disk=hdd, disk=ssd or disk=nvme")),
        }
    }
    let mut seen: Vec<&str> = Vec::new();
    for p in props {
        if seen.contains(&p.name.as_str()) {
            diags.push(p.key.diag(format!("{} is given twice", p.name), "keep one of them"));
            continue;
        }
        seen.push(&p.name);
        let bytes_per_sec = |diags: &mut Vec<Diagnostic>| match units::parse_size_bytes(p.value.trim_end_matches("/s"))
        {
            Ok(v) if v > 0 => u64::try_from(v).ok(),
            _ => {
                diags.push(p.val.diag(
                    format!("invalid rate '{}' for {}", p.value, p.name),
                    "a rate in bytes per second, e.g. 137MB or 1GB",
                ));
                None
            }
        };
        let ns = |diags: &mut Vec<Diagnostic>| match units::parse_duration_ns(&p.value) {
            Ok(v) => Some(v),
            Err(_) => {
                diags.push(p.val.diag(
                    format!("invalid time '{}' for {}", p.value, p.name),
                    "a time with a unit, e.g. 500ns, 20us, 4ms",
                ));
                None
            }
        };
        let codec = |name: &str| ["gzip", "snappy", "lz4", "zstd"].iter().position(|c| *c == name).map(|i| i + 1);
        match p.name.as_str() {
            "disk" => {}
            "network.bandwidth" => {
                match units::parse_bandwidth_bps(&p.value) {
                    Ok(v) if v > 0 => hw.network_bandwidth_bps = v,
                    _ => diags.push(p.val.diag(
                        format!("invalid bandwidth '{}'", p.value),
                        "a bandwidth in bit/s: 100Mbit, 1Gbit, 10Gbit",
                    )),
                }
            }
            "disk.bandwidth" => {
                if let Some(v) = bytes_per_sec(diags) {
                    hw.disk_bandwidth_bytes_per_sec = v;
                }
            }
            "disk.fsync" => {
                if let Some(v) = ns(diags) {
                    hw.disk_fsync_ns = v;
                }
            }
            "disks" => match p.value.parse::<u32>() {
                Ok(n) if (1..=64).contains(&n) => hw.disks = n,
                _ => diags.push(p.val.diag(format!("invalid disks '{}'", p.value), "disks is a count from 1 to 64")),
            },
            "page.cache" => {
                match units::parse_size_bytes(&p.value) {
                    Ok(v) if v >= 1_000_000 => hw.page_cache_bytes = u64::try_from(v).unwrap_or(u64::MAX),
                    _ => diags.push(p.val.diag(
                        format!("invalid page.cache '{}'", p.value),
                        "a size of at least 1MB, e.g. 512MB or 58GB",
                    )),
                }
            }
            "producer.record.cost" => {
                if let Some(v) = ns(diags) {
                    hw.producer_record_ns = v;
                }
            }
            "producer.byte.cost" => {
                if let Some(v) = ns_per_kb(p, diags) {
                    hw.producer_ns_per_kb = v;
                }
            }
            "producer.request.cost" => {
                if let Some(v) = ns(diags) {
                    hw.producer_request_ns = v;
                }
            }
            "producer.batch.cost" => {
                if let Some(v) = ns(diags) {
                    hw.producer_batch_ns = v;
                }
            }
            "broker.request.cost" => {
                if let Some(v) = ns(diags) {
                    hw.broker_request_ns = v;
                }
            }
            "broker.batch.cost" => {
                if let Some(v) = ns(diags) {
                    hw.broker_batch_ns = v;
                }
            }
            "broker.byte.cost" => {
                if let Some(v) = ns_per_kb(p, diags) {
                    hw.broker_ns_per_kb = v;
                }
            }
            name => {
                let target = name
                    .strip_prefix("compression.")
                    .and_then(codec)
                    .map(|i| (true, i))
                    .or_else(|| name.strip_prefix("decompression.").and_then(codec).map(|i| (false, i)));
                match target {
                    Some((compress, i)) => {
                        if let Some(v) = bytes_per_sec(diags) {
                            if compress {
                                hw.compress_bytes_per_sec[i] = v;
                            } else {
                                hw.decompress_bytes_per_sec[i] = v;
                            }
                        }
                    }
                    None => {
                        let hint = suggest::did_you_mean(name, HARDWARE_NAMES.iter().copied());
                        let hint = if hint.is_empty() {
                            format!("hardware takes: {}", HARDWARE_NAMES.join(", "))
                        } else {
                            hint
                        };
                        diags.push(p.key.diag(format!("unknown hardware parameter '{name}'"), hint));
                    }
                }
            }
        }
    }
    hw
}

/// A per-byte cost (`0.25ns`, `1ns`) in nanoseconds per 1000 bytes.
fn ns_per_kb(p: &SetProp, diags: &mut Vec<Diagnostic>) -> Option<u64> {
    let text = p.value.trim_end_matches("/B");
    match text.strip_suffix("ns").map(|n| units::parse_size_bytes(&format!("{n}KB"))) {
        Some(Ok(v)) if v >= 0 => u64::try_from(v).ok(),
        _ => {
            diags.push(p.val.diag(
                format!("invalid per-byte cost '{}' for {}", p.value, p.name),
                "nanoseconds per byte, up to three decimals: 0.25ns",
            ));
            None
        }
    }
}
