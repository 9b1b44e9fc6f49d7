//! Controlled shutdown (`shutdown broker-N`), as a KRaft broker does it
//! (`BrokerServer.shutdown`, `BrokerLifecycleManager.beginControlledShutdown`).
//!
//! The broker heartbeats at once with `wantShutDown`; the controller removes it from the
//! ISR of every partition it is in and moves its leaderships to other ISR members
//! (a partition whose only ISR member it is goes offline), and answers `shouldShutDown`
//! once it leads nothing. Meanwhile the broker heartbeats every 50 ms. Then it flushes
//! every log, checkpoints the high watermarks, writes the clean shutdown marker
//! (`.kafka_cleanshutdown`) and stops; peers see their connections closed. Without an
//! answer within 5 minutes it stops anyway. A restart that finds the marker skips log
//! recovery and registers as a clean restart (no unclean-shutdown handling).

use super::{BCtx, Broker, BrokerTimer};
use crate::sim::{later, Micros};
use crate::trace::{Event, FlushReason};

/// How long the broker waits for the controller's approval (`shutdown(Duration.ofMinutes(5))`).
const APPROVAL_TIMEOUT_US: Micros = 300_000_000;
/// Heartbeats while waiting for approval.
const PENDING_HEARTBEAT_US: Micros = 50_000;

impl Broker {
    /// `shutdown broker-N`: ask the controller to move leadership away first.
    pub fn begin_controlled_shutdown(&mut self, ctx: &mut BCtx) {
        if !self.up || self.shutdown_deadline_us.is_some() {
            return;
        }
        ctx.trace(Event::ShutdownStarted { broker: self.node });
        let deadline = later(ctx.now, APPROVAL_TIMEOUT_US);
        self.shutdown_deadline_us = Some(deadline);
        ctx.timer(deadline, BrokerTimer::ShutdownTimeout);
        self.schedule_heartbeat(ctx, ctx.now);
    }

    /// The controller's answer to a heartbeat sent while shutting down.
    pub fn shutdown_answered(&mut self, ctx: &mut BCtx, should_shutdown: bool) {
        if self.shutdown_deadline_us.is_none() {
            return;
        }
        if should_shutdown {
            self.finish_shutdown(ctx, true);
        } else {
            self.schedule_heartbeat(ctx, later(ctx.now, PENDING_HEARTBEAT_US));
        }
    }

    /// No approval within 5 minutes: "Timed out waiting for the controller to approve
    /// controlled shutdown"; the broker shuts down anyway.
    pub fn shutdown_timed_out(&mut self, ctx: &mut BCtx) {
        if self.shutdown_deadline_us.is_some_and(|t| t <= ctx.now) {
            self.finish_shutdown(ctx, false);
        }
    }

    /// `LogManager.shutdown`: flush and close every log, checkpoint, write the marker, stop.
    fn finish_shutdown(&mut self, ctx: &mut BCtx, approved: bool) {
        let (now, node) = (ctx.now, self.node);
        for (tp, r) in self.replicas.iter_mut() {
            let leo = r.log.leo;
            if r.log.durable_offset() < leo {
                r.log.flush_to(leo, now);
                ctx.trace(Event::Flushed { broker: node, tp: *tp, to_offset: leo, reason: FlushReason::Shutdown });
            }
            r.hw_checkpoint = r.hw;
        }
        ctx.trace(Event::ShutDown { broker: node, approved });
        self.shutdown_deadline_us = None;
        self.stop_process(ctx);
        self.clean_shutdown_marker = true;
    }
}
