//! Model invariants, checked while a run goes (swarm tests, `kplay swarm`).
//!
//! - HW ≤ LEO on every replica.
//! - A leader's HW never moves back within one leader epoch.
//! - The leader is in the ISR, and the ISR is a subset of the replicas.
//! - Every offset below the leader's HW (committed) holds the same batch on every live
//!   ISR member, where both still hold it as written (not deleted or compacted) (checked by [`Invariants::check_logs`], which costs a log scan).

use crate::sim::VecMap;

use crate::protocol::Tp;
use crate::world::World;

#[derive(Default)]
pub struct Invariants {
    /// (broker, partition) → (leader epoch, HW) last seen while leader.
    leader_hw: VecMap<(u16, Tp), (u32, u64)>,
}

impl Invariants {
    /// The cheap checks, after any event.
    pub fn check(&mut self, w: &World) -> Result<(), String> {
        let image = &w.controller.image;
        for (tp, p) in image.partitions() {
            let tp = tp.name(&w.names);
            if let Some(l) = p.leader {
                if !p.isr.contains(&l) {
                    return Err(format!("{tp}: leader broker-{l} not in ISR {:?}", p.isr));
                }
            }
            if let Some(r) = p.isr.iter().find(|r| !p.replicas.contains(r)) {
                return Err(format!("{tp}: ISR member broker-{r} is not a replica {:?}", p.replicas));
            }
        }
        for b in &w.brokers {
            for (tp, r) in &b.replicas {
                let tp_name = tp.name(&w.names);
                if r.hw > r.log.leo {
                    return Err(format!("{tp_name} on broker-{}: HW {} > LEO {}", b.id, r.hw, r.log.leo));
                }
                if b.up && r.is_leader() {
                    let key = (b.id, *tp);
                    if let Some((epoch, hw)) = self.leader_hw.get(&key) {
                        if *epoch == r.leader_epoch && r.hw < *hw {
                            return Err(format!(
                                "{tp_name} on broker-{}: HW moved back from {hw} to {} in leader epoch {epoch}",
                                b.id, r.hw
                            ));
                        }
                    }
                    self.leader_hw.insert(key, (r.leader_epoch, r.hw));
                }
            }
        }
        Ok(())
    }

    /// Committed data is identical on every live ISR member.
    pub fn check_logs(&self, w: &World) -> Result<(), String> {
        let view = w.view();
        for (tp, _) in view.partitions() {
            let Some(led) = view.readable(tp, crate::config::IsolationLevel::ReadUncommitted) else { continue };
            let lr = led.replica;
            let committed = lr.log.index_of(lr.hw);
            for s in view.replicas(tp) {
                if s.broker == led.broker || !s.up || !s.in_isr {
                    continue;
                }
                let fr = s.replica;
                // Retention and the cleaner work on each replica on their own schedule:
                // compare the batches both hold as written, offset by offset.
                let start = fr.log.log_start_offset.max(lr.log.log_start_offset);
                for le in lr.log.entries[..committed].iter().filter(|e| e.batch.base_offset >= start) {
                    let Some(fe) = fr.log.entries.get(fr.log.index_of(le.batch.base_offset)) else {
                        // A follower may not have fetched the tail yet if the HW was
                        // computed from a stale view; anything it has must match.
                        break;
                    };
                    let compacted_away = fe.batch.base_offset != le.batch.base_offset
                        && fr.log.cleaner_checkpoint > le.batch.base_offset;
                    if le.batch.data.cleaned.is_some() || fe.batch.data.cleaned.is_some() || compacted_away {
                        continue;
                    }
                    if fe.batch.base_offset != le.batch.base_offset
                        || !std::rc::Rc::ptr_eq(&fe.batch.data, &le.batch.data)
                    {
                        return Err(format!(
                            "{}: committed offset {} differs between leader broker-{} and ISR member broker-{}",
                            tp.name(&w.names),
                            le.batch.base_offset,
                            led.broker,
                            s.broker
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}
