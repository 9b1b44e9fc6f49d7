//! Connections to brokers and requests in flight (`NetworkClient`, `InFlightRequests`,
//! `ClusterConnectionStates`).
//!
//! A connection is opened with a round trip (SYN / SYN-ACK) and can be refused or reset
//! by a dead or restarted broker (RST). If nothing answers, `socket.connection.setup.timeout.ms`
//! gives up; failed attempts back off exponentially from `reconnect.backoff.ms` to
//! `reconnect.backoff.max.ms` with ±20% jitter. A node can take another request while
//! fewer than `max.in.flight.requests.per.connection` are outstanding; the oldest
//! request's `request.timeout.ms` closes the connection and fails everything on it.

use std::collections::VecDeque;

use crate::config::ProducerConfig;
use crate::protocol::Corr;
use crate::sim::{later, Micros, Prng};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnState {
    Disconnected,
    Connecting { corr: Corr, deadline_us: Micros },
    Ready,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReqKind {
    Produce { batches: Vec<u32> },
    Metadata,
    InitProducerId,
    FindCoordinator,
    AddPartitionsToTxn,
    AddOffsetsToTxn,
    TxnOffsetCommit,
    EndTxn { commit: bool },
}

#[derive(Clone, Debug)]
pub struct InFlight {
    pub corr: Corr,
    pub kind: ReqKind,
    pub sent_us: Micros,
    /// acks=0: when its last byte enters the socket's send buffer (`handleCompletedSends`
    /// completes it then, with no response to wait for).
    pub written_us: Option<Micros>,
}

#[derive(Debug)]
pub struct Conn {
    pub broker: u16,
    pub state: ConnState,
    /// Incarnation of the broker process this connection was opened to.
    pub server_inc: u32,
    /// Connection generation: every connection attempt opens a new TCP connection.
    pub gen: u32,
    pub in_flight: VecDeque<InFlight>,
    /// Disconnects since the last successful connection (`failedAttempts`, for the
    /// reconnect backoff).
    pub failures: u32,
    /// Connection attempts that timed out since the last success (`failedConnectAttempts`,
    /// for the setup timeout).
    pub setup_failures: u32,
    pub backoff_until_us: Micros,
}

impl Conn {
    pub fn new(broker: u16) -> Conn {
        Conn {
            broker,
            state: ConnState::Disconnected,
            server_inc: 0,
            gen: 0,
            in_flight: VecDeque::new(),
            failures: 0,
            setup_failures: 0,
            backoff_until_us: 0,
        }
    }

    pub fn is_ready(&self) -> bool {
        self.state == ConnState::Ready
    }

    /// `InFlightRequests.canSendMore`.
    pub fn can_send_more(&self, cfg: &ProducerConfig) -> bool {
        self.is_ready() && (self.in_flight.len() as u32) < cfg.max_in_flight
    }

    /// Whether a new connection attempt may start now.
    pub fn can_connect(&self, now: Micros) -> bool {
        self.state == ConnState::Disconnected && now >= self.backoff_until_us
    }

    /// The request whose `request.timeout.ms` ends first.
    pub fn next_request_deadline(&self, cfg: &ProducerConfig) -> Option<Micros> {
        self.in_flight.iter().map(|r| r.written_us.unwrap_or(later(r.sent_us, cfg.request_timeout_us))).min()
    }

    /// Take the in-flight request with this correlation id.
    pub fn take(&mut self, corr: Corr) -> Option<InFlight> {
        let pos = self.in_flight.iter().position(|r| r.corr == corr)?;
        self.in_flight.remove(pos)
    }

    /// The connection failed or closed (`ClusterConnectionStates.disconnected`): the
    /// reconnect backoff grows with each failure; a setup timeout also grows the next
    /// attempt's setup timeout. Everything in flight is returned to the caller.
    pub fn close(&mut self, now: Micros, cfg: &ProducerConfig, rng: &mut Prng, setup_timed_out: bool) -> Vec<InFlight> {
        if setup_timed_out {
            self.setup_failures += 1;
        }
        self.backoff_until_us =
            later(now, exp_backoff(cfg.reconnect_backoff_us, cfg.reconnect_backoff_max_us, self.failures, rng));
        self.failures += 1;
        self.state = ConnState::Disconnected;
        self.in_flight.drain(..).collect()
    }

    /// The connection is up: both backoffs start over.
    pub fn connected(&mut self, server_inc: u32) {
        self.state = ConnState::Ready;
        self.server_inc = server_inc;
        self.failures = 0;
        self.setup_failures = 0;
    }

    /// `socket.connection.setup.timeout.ms` for this attempt: exponential per timed-out attempt.
    pub fn setup_timeout(&self, cfg: &ProducerConfig, rng: &mut Prng) -> Micros {
        exp_backoff(cfg.connection_setup_timeout_us, cfg.connection_setup_timeout_max_us, self.setup_failures, rng)
    }
}

/// `ExponentialBackoff(initial, 2, max, 0.2).backoff(attempts)`: `initial * 2^attempts`
/// with ±20% jitter, never above `max`. When `initial >= max` the value is constant.
pub fn exp_backoff(initial_us: Micros, max_us: Micros, attempts: u32, rng: &mut Prng) -> Micros {
    if initial_us >= max_us {
        return max_us;
    }
    let term = if attempts >= 63 { max_us } else { initial_us.saturating_mul(1u64 << attempts.min(62)).min(max_us) };
    let factor_ppm = 800_000 + rng.below(400_000);
    let value = (term as u128 * factor_ppm as u128 / 1_000_000) as u64;
    value.min(max_us)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_backoff_doubles_with_jitter_and_caps() {
        let mut rng = Prng::new(1);
        for (attempt, base) in [(0u32, 100_000u64), (1, 200_000), (2, 400_000), (3, 800_000)] {
            for _ in 0..50 {
                let b = exp_backoff(100_000, 1_000_000, attempt, &mut rng);
                assert!(b >= base * 8 / 10 && b < base * 12 / 10, "attempt {attempt}: {b}");
            }
        }
        for _ in 0..50 {
            let b = exp_backoff(100_000, 1_000_000, 4, &mut rng);
            assert!((800_000..=1_000_000).contains(&b));
            assert!(exp_backoff(100_000, 1_000_000, 40, &mut rng) <= 1_000_000);
        }
        // retry.backoff.ms > retry.backoff.max.ms: constant max.
        assert_eq!(exp_backoff(2_000_000, 1_000_000, 3, &mut rng), 1_000_000);
    }
}
