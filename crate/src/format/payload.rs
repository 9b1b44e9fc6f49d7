//! Deterministic record values that look and compress like real JSON events.
//!
//! `size=N` in a send statement means "a value of exactly N bytes". Compression ratios
//! only mean something if those bytes resemble what producers really send, so a value is
//! a JSON-ish event: repeated field names, small vocabularies, ids and numbers that vary
//! record to record. It depends only on (seed, record id, size), so it never has to be
//! stored: the producer regenerates it when it compresses a batch.

use crate::sim::Prng;

const EVENTS: [&str; 8] = ["page_view", "add_to_cart", "checkout", "login", "search", "click", "purchase", "logout"];
const WORDS: [&str; 24] = [
    "order",
    "shipped",
    "warehouse",
    "customer",
    "priority",
    "standard",
    "express",
    "return",
    "invoice",
    "paid",
    "pending",
    "berlin",
    "paris",
    "madrid",
    "london",
    "lisbon",
    "blue",
    "green",
    "large",
    "small",
    "gift",
    "promo",
    "mobile",
    "desktop",
];
const CURRENCIES: [&str; 4] = ["EUR", "USD", "GBP", "CHF"];

/// Append a value of exactly `size` bytes for `record` to `out`.
pub fn write_value(out: &mut Vec<u8>, seed: u64, record: u32, size: u32) {
    let start = out.len();
    let target = size as usize;
    let mut rng = Prng::new(seed ^ (record as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    let mut s = String::with_capacity(target + 64);
    s.push_str(&format!(
        "{{\"id\":{},\"user\":\"user-{}\",\"event\":\"{}\",\"ts\":{},\"amount\":{}.{:02},\"currency\":\"{}\",\"note\":\"",
        record,
        rng.below(5000),
        EVENTS[rng.below(EVENTS.len() as u64) as usize],
        1_700_000_000_000u64 + record as u64 * 37 + rng.below(1000),
        rng.below(500),
        rng.below(100),
        CURRENCIES[rng.below(CURRENCIES.len() as u64) as usize],
    ));
    while s.len() + 2 < target {
        s.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
        s.push(' ');
    }
    s.push_str("\"}");
    let bytes = s.as_bytes();
    out.extend_from_slice(&bytes[..target.min(bytes.len())]);
    out.resize(start + target, b' ');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_size_and_deterministic() {
        for size in [0u32, 1, 10, 100, 1000, 5000] {
            let mut a = Vec::new();
            let mut b = Vec::new();
            write_value(&mut a, 7, 42, size);
            write_value(&mut b, 7, 42, size);
            assert_eq!(a.len(), size as usize);
            assert_eq!(a, b);
        }
        let mut c = Vec::new();
        write_value(&mut c, 7, 43, 200);
        let mut a = Vec::new();
        write_value(&mut a, 7, 42, 200);
        assert_ne!(a, c);
    }
}
