//! Applying what happens to nodes and links: the student's actions (checked first, so a refused
//! action is never logged) and random crash faults drawn from MTBF and MTTR.

use super::action::ActionKind;
use super::error::SimError;
use super::network::{Latency, LinkConfig};
use super::node::{FaultModel, Status};
use super::protocol::Protocol;
use super::time::Duration;
use super::trace::TraceKind;
use super::world::{Event, World};
use super::NodeId;

impl<P: Protocol> World<P> {
    pub(super) fn check(&self, kind: &ActionKind) -> Result<(), SimError> {
        let not_now = |m: String| Err(SimError::NotNow(m));
        match *kind {
            ActionKind::CrashNode(n) => {
                if self.node(n)?.status == Status::Crashed {
                    return not_now(format!("node {n} has already crashed"));
                }
            }
            ActionKind::RecoverNode(n) => {
                let node = self.node(n)?;
                if node.status != Status::Crashed {
                    return not_now(format!("node {n} has not crashed, so it cannot recover"));
                }
                if node.fault == FaultModel::CrashStop {
                    return not_now(format!("node {n} is crash-stop: it never recovers"));
                }
            }
            ActionKind::PauseNode(n, ns) => {
                if self.node(n)?.status == Status::Crashed {
                    return not_now(format!(
                        "node {n} has crashed; only a running node can pause"
                    ));
                }
                if ns == 0 {
                    return Err(SimError::BadValue(
                        "a pause must last longer than 0 ms".into(),
                    ));
                }
            }
            ActionKind::CutLink { a, b, .. }
            | ActionKind::HealLink { a, b, .. }
            | ActionKind::SetLink { a, b, .. } => {
                self.node(a)?;
                self.node(b)?;
                if a == b {
                    return Err(SimError::BadNode(format!(
                        "a link joins two different nodes, got {a} and {b}"
                    )));
                }
            }
            ActionKind::SkewClock(n, _)
            | ActionKind::SetDrift(n, _)
            | ActionKind::SetFaultModel(n, _) => {
                self.node(n)?;
            }
            ActionKind::Partition(ref groups) => {
                if groups.len() != self.nodes.len() {
                    return Err(SimError::BadValue(format!(
                        "a partition gives a group for each of the {} nodes, got {}",
                        self.nodes.len(),
                        groups.len()
                    )));
                }
            }
            ActionKind::HealPartition => {
                if self.network.partition_groups().is_none() {
                    return not_now("there is no partition to heal".into());
                }
            }
            ActionKind::DropMessage(msg) => {
                if !self.holds_message(msg) {
                    return not_now(format!(
                        "message {msg} is not in flight (it has arrived, been lost, or never existed)"
                    ));
                }
            }
        }
        Ok(())
    }

    pub(super) fn apply(&mut self, kind: ActionKind) {
        match kind {
            ActionKind::CrashNode(n) => self.crash(n, false),
            ActionKind::RecoverNode(n) => self.recover(n, false),
            ActionKind::PauseNode(n, ns) => {
                let rt = &mut self.nodes[n as usize];
                let mut until = self.now + Duration(ns);
                if let Status::Paused { until: old } = rt.status {
                    until = until.max(old);
                }
                rt.status = Status::Paused { until };
                rt.pause_epoch += 1;
                let epoch = rt.pause_epoch;
                self.queue.push(until, Event::PauseEnd { node: n, epoch });
                self.record(n, TraceKind::Pause { until });
            }
            ActionKind::CutLink { a, b, one_way } => {
                self.cut(a, b);
                if !one_way {
                    self.cut(b, a);
                }
                self.record(a, TraceKind::LinkCut { to: b, one_way });
            }
            ActionKind::HealLink { a, b, one_way } => {
                self.network.heal(a, b);
                if !one_way {
                    self.network.heal(b, a);
                }
                self.record(a, TraceKind::LinkHeal { to: b, one_way });
            }
            ActionKind::SkewClock(n, delta_ns) => {
                self.nodes[n as usize].clock.step(delta_ns);
                self.record(n, TraceKind::ClockStep { delta_ns });
            }
            ActionKind::SetDrift(n, ppm) => self.set_drift(n, ppm),
            ActionKind::Partition(groups) => {
                self.network.partition(groups.clone());
                self.partition_in_flight();
                self.record(0, TraceKind::Partition { groups });
            }
            ActionKind::HealPartition => {
                self.network.heal_partition();
                self.record(0, TraceKind::PartitionHeal);
            }
            ActionKind::SetLink {
                a,
                b,
                one_way,
                config,
            } => {
                self.network.set_config(a, b, config);
                if !one_way {
                    self.network.set_config(b, a, config);
                }
                let text = describe(&config);
                self.record(
                    a,
                    TraceKind::LinkSet {
                        to: b,
                        one_way,
                        text,
                    },
                );
            }
            ActionKind::SetFaultModel(n, model) => {
                self.nodes[n as usize].fault = model;
                self.record(n, TraceKind::FaultModel { model });
            }
            ActionKind::DropMessage(msg) => self.drop_message(msg),
        }
    }

    fn cut(&mut self, from: NodeId, to: NodeId) {
        self.network.cut(from, to);
        self.cut_in_flight(from, to);
    }

    fn crash(&mut self, n: NodeId, random: bool) {
        let rt = &mut self.nodes[n as usize];
        rt.status = Status::Crashed;
        rt.timers.clear();
        rt.timer_epoch += 1;
        rt.pause_epoch += 1;
        rt.fault_epoch += 1;
        let recovers = rt.fault != FaultModel::CrashStop;
        self.states[n as usize] = None;
        self.wire.crashed(n);
        self.record(n, TraceKind::Crash { random });
        self.drop_backlog(n);
        if random && recovers {
            self.schedule_random_recover(n);
        }
    }

    fn recover(&mut self, n: NodeId, random: bool) {
        let rt = &mut self.nodes[n as usize];
        rt.status = Status::Up;
        rt.fault_epoch += 1;
        self.record(n, TraceKind::Recover { random });
        self.boot(n);
        self.schedule_random_crash(n);
    }

    /// New rate from now on; pending timers are re-aimed, since they wait on this clock.
    fn set_drift(&mut self, n: NodeId, ppm: f64) {
        self.nodes[n as usize].clock.set_drift(self.now, ppm);
        self.reaim_timers(n);
        self.record(n, TraceKind::Drift { ppm });
    }

    /// The node's own rate correction (a slew) from now on; pending timers are re-aimed.
    pub(super) fn set_adjust(&mut self, n: NodeId, ppm: f64) {
        self.nodes[n as usize].clock.set_adjust(self.now, ppm);
        self.reaim_timers(n);
        let ppm = self.nodes[n as usize].clock.adjust_ppm();
        self.record(n, TraceKind::Slew { ppm });
    }

    /// After a rate change: every pending timer's instant in true time is computed afresh.
    fn reaim_timers(&mut self, n: NodeId) {
        let rt = &mut self.nodes[n as usize];
        rt.timer_epoch += 1;
        let epoch = rt.timer_epoch;
        for t in &rt.timers {
            let at = rt.clock.when_mono_reaches(t.deadline, self.now);
            self.queue.push(
                at,
                Event::Timer {
                    node: n,
                    id: t.id,
                    epoch,
                },
            );
        }
    }

    pub(super) fn schedule_random_crash(&mut self, n: NodeId) {
        if !self.nodes[n as usize].random_faults {
            return;
        }
        if let Some(f) = self.random_faults {
            let after = Duration(self.fault_rng.exponential(f.mtbf.0 as f64) as u64);
            let epoch = self.nodes[n as usize].fault_epoch;
            self.queue
                .push(self.now + after, Event::RandomCrash { node: n, epoch });
        }
    }

    fn schedule_random_recover(&mut self, n: NodeId) {
        if let Some(f) = self.random_faults {
            let after = Duration(self.fault_rng.exponential(f.mttr.0 as f64) as u64);
            let epoch = self.nodes[n as usize].fault_epoch;
            self.queue
                .push(self.now + after, Event::RandomRecover { node: n, epoch });
        }
    }

    pub(super) fn random_crash(&mut self, n: NodeId, epoch: u32) {
        let rt = &self.nodes[n as usize];
        if rt.fault_epoch == epoch && rt.status != Status::Crashed {
            self.crash(n, true);
        }
    }

    pub(super) fn random_recover(&mut self, n: NodeId, epoch: u32) {
        let rt = &self.nodes[n as usize];
        if rt.fault_epoch == epoch && rt.status == Status::Crashed {
            self.recover(n, true);
        }
    }
}

/// A link's settings in words, for the trace.
pub fn describe(c: &LinkConfig) -> String {
    let kind = super::network::LinkKind::NAMES[c.kind as usize];
    let latency = match c.latency {
        Latency::Constant(d) => format!("{} ms", d.as_ms_f64()),
        Latency::Uniform { min, max } => format!("{}–{} ms", min.as_ms_f64(), max.as_ms_f64()),
        Latency::Exponential { min, mean_extra } => {
            format!(
                "{} ms + exp(mean {} ms)",
                min.as_ms_f64(),
                mean_extra.as_ms_f64()
            )
        }
    };
    let mut parts = vec![kind.to_string(), latency];
    if c.loss() > 0.0 {
        parts.push(format!("loss {}", c.loss()));
    }
    if c.duplicate() > 0.0 {
        parts.push(format!("duplicate {}", c.duplicate()));
    }
    if c.corrupt() > 0.0 {
        parts.push(format!("corrupt {}", c.corrupt()));
    }
    if let Some(b) = c.bandwidth {
        parts.push(format!("{b} B/s"));
    }
    parts.push(format!("MTU {}", c.mtu));
    if c.fifo {
        parts.push("FIFO".into());
    }
    parts.join(", ")
}
