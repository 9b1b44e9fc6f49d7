//! A paused broker (`pause broker-N for D`): the broker process stops for a while, as in
//! a long stop-the-world garbage-collection pause or a SIGSTOP, then carries on as if
//! nothing happened.
//!
//! What survives it: everything. The machine keeps running (the OS still writes dirty
//! pages back), its TCP connections stay open (peers hear no reset), and what reaches it
//! waits in its socket buffers. While paused it handles no message and no timer: it
//! sends no heartbeat, answers no fetch and no produce request. When it resumes it
//! handles everything that waited, in order (messages in arrival order, overdue timers
//! in time order), including requests whose sender has since closed the connection
//! (their bytes were already in the buffer).
//!
//! Kafka's defence: the controller fences a broker that sent no heartbeat for
//! `broker.session.timeout.ms` and elects new leaders (a new leader epoch). The resumed
//! broker is a zombie until it reads the metadata that waited for it: it may append the
//! produce requests that waited as if it still led, but with acks=all no follower
//! fetches them (they follow the new leader), so they are never committed; once it
//! learns the new epoch it becomes a follower and truncates its divergent tail
//! (KIP-101/279), and the producer's retries go to the new leader. With acks=1 the
//! zombie acknowledges those appends first, and they are lost when it truncates.

use super::{Ev, NodeKind, World};
use crate::broker::BrokerTimer;
use crate::sim::{later, Micros, NodeId};
use crate::trace::Event;

/// A broker's pause and what waits for it.
pub(super) struct Paused {
    /// Tells this pause's resume event from a stale one (pause, crash, restart, pause).
    pub gen: u32,
    pub waiting: Vec<Ev>,
}

impl World {
    /// Whether broker `id`'s process is paused now.
    pub fn is_paused(&self, id: u16) -> bool {
        self.paused.contains_key(&id)
    }

    /// `pause broker-N for D`; a broker that is down or already paused is left alone.
    pub(super) fn pause_broker(&mut self, id: u16, for_us: Micros) {
        let idx = id as usize - 1;
        if !self.brokers[idx].up || self.paused.contains_key(&id) {
            return;
        }
        self.pause_gen += 1;
        let until_us = later(self.now, for_us);
        self.paused.insert(id, Paused { gen: self.pause_gen, waiting: Vec::new() });
        self.trace.push(self.now, Event::Paused { broker: NodeId::broker(id), until_us });
        self.queue.push(until_us, Ev::Resume(id, self.pause_gen));
    }

    /// Holds `ev` if it is for a paused broker's process (its own timers and messages to
    /// it; not the OS's writeback). Gives it back otherwise.
    pub(super) fn hold_if_paused(&mut self, ev: Ev) -> Option<Ev> {
        if self.paused.is_empty() {
            return Some(ev);
        }
        let broker = match &ev {
            Ev::Deliver(env, ..) => match self.node_kind(env.to) {
                NodeKind::Broker(i) => Some(i as u16 + 1),
                _ => None,
            },
            Ev::Broker(id, _, t) if *t != BrokerTimer::Writeback => Some(*id),
            Ev::Handlers(id, _) => Some(*id),
            _ => None,
        };
        let Some(p) = broker.and_then(|b| self.paused.get_mut(&b)) else { return Some(ev) };
        // Bytes already in its socket buffer are read whatever the sender did since.
        p.waiting.push(match ev {
            Ev::Deliver(env, _, late) => Ev::Deliver(env, None, late),
            other => other,
        });
        None
    }

    /// The pause ends: the broker handles what waited, in order.
    pub(super) fn resume_broker(&mut self, id: u16, gen: u32) {
        if self.paused.get(&id).is_none_or(|p| p.gen != gen) {
            return;
        }
        let p = self.paused.remove(&id).expect("paused");
        let waiting = u32::try_from(p.waiting.len()).unwrap_or(u32::MAX);
        self.trace.push(self.now, Event::Resumed { broker: NodeId::broker(id), waiting });
        for ev in p.waiting {
            self.dispatch(ev);
        }
    }

    /// A paused broker that crashes never resumes: what waited for its process meets a
    /// dead one (a reset or nothing, as for any message to a crashed broker).
    pub(super) fn end_pause_by_crash(&mut self, id: u16) {
        if let Some(p) = self.paused.remove(&id) {
            for ev in p.waiting {
                self.dispatch(ev);
            }
        }
    }
}
