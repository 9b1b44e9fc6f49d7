//! The trace container: what happened, in time order, with a stable hash.
//!
//! The kernel knows nothing of the events themselves: the layer above defines them (any
//! type that serializes, tagged with its kind) and says which ones are progress. Every
//! event feeds a stable 64-bit FNV-1a hash of its JSON form, so "same scenario + same seed
//! = same run" is one number to compare, natively and in wasm. The hash is kept even
//! when the events themselves are not (benchmarks).

use std::rc::Rc;

use serde::Serialize;

use super::{Micros, NameTable, Named};

/// An event the trace can hold.
pub trait TraceEvent: Serialize {
    /// Whether the event changes something that matters to the outcome (an idle run's
    /// end is measured from the last one).
    fn is_progress(&self) -> bool;
}

#[derive(Clone, Debug, Serialize)]
pub struct Entry<E> {
    pub at_us: Micros,
    #[serde(flatten)]
    pub event: E,
}

/// FNV-1a over bytes written to it.
struct Fnv(u64);

impl std::io::Write for Fnv {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        for b in buf {
            self.0 ^= *b as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01B3);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub struct Trace<E> {
    keep: bool,
    /// The run's names: an event is hashed as it prints.
    names: Rc<NameTable>,
    /// Whether events are hashed (a search's many runs skip it: it is a quarter of a
    /// small run's time and nothing there reads the hash).
    hashing: bool,
    /// Reused buffer for an event's JSON (the same serde_json writer reports use, so each
    /// `Serialize` impl is compiled once).
    buf: Vec<u8>,
    entries: Vec<Entry<E>>,
    hash: Fnv,
    count: u64,
    /// JSON bytes of every event so far (the trace-volume budget).
    bytes: u64,
    /// When the last event that [`TraceEvent::is_progress`] happened.
    pub last_progress_us: Micros,
}

impl<E: TraceEvent> Trace<E> {
    /// `keep = false` records only the hash and the count (benchmarks).
    pub fn new(keep: bool, names: Rc<NameTable>) -> Trace<E> {
        Trace {
            keep,
            names,
            hashing: true,
            buf: Vec::new(),
            entries: Vec::new(),
            hash: Fnv(0xcbf2_9ce4_8422_2325),
            count: 0,
            bytes: 0,
            last_progress_us: 0,
        }
    }

    pub fn push(&mut self, at_us: Micros, event: E) {
        if event.is_progress() {
            self.last_progress_us = at_us;
        }
        let entry = Entry { at_us, event };
        if self.hashing {
            // Serializing a trace event cannot fail: no maps with non-string keys, no floats.
            self.buf.clear();
            let _ = serde_json::to_writer(&mut self.buf, &Named::new(&self.names, &entry));
            std::io::Write::write_all(&mut self.hash, &self.buf).ok();
        }
        self.count += 1;
        self.bytes += self.buf.len() as u64;
        if self.keep {
            self.entries.push(entry);
        }
    }

    pub fn entries(&self) -> &[Entry<E>] {
        &self.entries
    }

    pub fn into_entries(self) -> Vec<Entry<E>> {
        self.entries
    }

    /// Stops hashing events (the hash then reads `unhashed`); for runs whose hash no one
    /// reads, such as a search's.
    pub fn stop_hashing(&mut self) {
        self.hashing = false;
    }

    /// The stable hash of every event so far, as 16 hex digits.
    pub fn hash_hex(&self) -> String {
        if !self.hashing {
            return "unhashed".into();
        }
        format!("{:016x}", self.hash.0)
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// The trace's volume: JSON bytes of every event, kept or not.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }
}
