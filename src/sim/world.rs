//! The world ties the pieces together: it pops events in (time, sequence) order, moves messages
//! across the network, fires timers on each node's own clock, applies the student's actions, and
//! records everything in the trace. Nothing here knows about the browser.

use super::action::{Action, ActionKind};
use super::clock::Clock;
use super::error::SimError;
use super::network::{CutCause, Network};
use super::node::{Deferred, FaultModel, NodeRuntime, Status};
use super::protocol::{Ctx, Message, Protocol, TimerCmd};
use super::queue::EventQueue;
use super::rng::SimRng;
use super::time::{Duration, Time};
use super::trace::{LossReason, Trace, TraceKind};
use super::NodeId;

/// How a node begins the run.
#[derive(Clone, Debug)]
pub struct NodeSetup {
    pub fault: FaultModel,
    pub clock: Clock,
}

/// A message on the wire (or, once arrived, waiting for a paused node).
#[derive(Clone, Debug)]
pub(super) struct Flight<M> {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub msg: M,
    pub sent_at: Time,
    pub arrives_at: Time,
    /// Chosen for random loss at send time: it dies halfway.
    pub doomed: bool,
    /// Arrived at a paused node and waits in its backlog.
    pub waiting: bool,
}

#[derive(Clone, Copy, Debug)]
enum Event {
    Arrive { slot: u32, id: u64 },
    Timer { node: NodeId, id: u64, epoch: u32 },
    PauseEnd { node: NodeId, epoch: u32 },
    Action(u32),
}

/// Trace events are kept in a window of this many; totals and hash cover the whole run.
pub const TRACE_WINDOW: usize = 100_000;

#[derive(Clone)]
pub struct World<P: Protocol> {
    pub(super) protocol: P,
    pub(super) now: Time,
    queue: EventQueue<Event>,
    pub(super) nodes: Vec<NodeRuntime>,
    pub(super) states: Vec<Option<P::State>>,
    pub(super) stable: Vec<P::Stable>,
    pub(super) network: Network,
    pub(super) flights: Vec<Option<Flight<P::Msg>>>,
    free_slots: Vec<u32>,
    next_msg_id: u64,
    net_rng: SimRng,
    proto_rng: SimRng,
    pub(super) trace: Trace,
    pub(super) actions: Vec<Action>,
    // Scratch buffers for handler effects, reused so a handler call allocates nothing.
    sends: Vec<(NodeId, P::Msg)>,
    timer_cmds: Vec<TimerCmd>,
    notes: Vec<String>,
}

impl<P: Protocol> World<P> {
    /// A world whose nodes all boot at time 0, in id order.
    pub fn new(protocol: P, setups: Vec<NodeSetup>, network: Network, seed: u64) -> World<P> {
        let n = setups.len();
        let mut w = World {
            protocol,
            now: Time::ZERO,
            queue: EventQueue::default(),
            nodes: setups
                .into_iter()
                .map(|s| NodeRuntime::new(s.fault, s.clock))
                .collect(),
            states: vec![None; n],
            stable: vec![P::Stable::default(); n],
            network,
            flights: Vec::new(),
            free_slots: Vec::new(),
            next_msg_id: 0,
            net_rng: SimRng::new(seed, 1),
            proto_rng: SimRng::new(seed, 2),
            trace: Trace::new(TRACE_WINDOW),
            actions: Vec::new(),
            sends: Vec::new(),
            timer_cmds: Vec::new(),
            notes: Vec::new(),
        };
        for id in 0..n as NodeId {
            w.boot(id);
        }
        w
    }

    pub fn now(&self) -> Time {
        self.now
    }

    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    pub fn trace(&self) -> &Trace {
        &self.trace
    }

    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    pub fn next_event_at(&self) -> Option<Time> {
        self.queue.peek_time()
    }

    pub fn status(&self, id: NodeId) -> Option<Status> {
        self.nodes.get(id as usize).map(|n| n.status)
    }

    pub fn clock(&self, id: NodeId) -> Option<&Clock> {
        self.nodes.get(id as usize).map(|n| &n.clock)
    }

    pub fn state(&self, id: NodeId) -> Option<&P::State> {
        self.states.get(id as usize)?.as_ref()
    }

    pub fn stable(&self, id: NodeId) -> Option<&P::Stable> {
        self.stable.get(id as usize)
    }

    pub fn network_mut(&mut self) -> &mut Network {
        &mut self.network
    }

    /// Processes exactly the next event; false when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        match self.queue.pop() {
            Some((t, ev)) => {
                self.now = t;
                self.handle(ev);
                true
            }
            None => false,
        }
    }

    /// Processes every event due at or before `until`, then stands at `until`.
    pub fn run_until(&mut self, until: Time) {
        while let Some((t, ev)) = self.queue.pop_due(until) {
            self.now = t;
            self.handle(ev);
        }
        self.now = self.now.max(until);
    }

    /// Applies an action now: checks it, finishes the current instant (so a replay, which applies
    /// it after everything due at this instant, does the same), logs it and runs it through the queue.
    pub fn act(&mut self, kind: ActionKind) -> Result<(), SimError> {
        self.check(kind)?;
        self.run_until(self.now);
        self.actions.push(Action { at: self.now, kind });
        self.queue
            .push(self.now, Event::Action(self.actions.len() as u32 - 1));
        self.run_until(self.now);
        Ok(())
    }

    fn node(&self, id: NodeId) -> Result<&NodeRuntime, SimError> {
        self.nodes.get(id as usize).ok_or_else(|| {
            SimError::BadNode(format!(
                "there is no node {id} (nodes are 0 to {})",
                self.nodes.len().saturating_sub(1)
            ))
        })
    }

    fn check(&self, kind: ActionKind) -> Result<(), SimError> {
        let not_now = |m: String| Err(SimError::NotNow(m));
        match kind {
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
            ActionKind::CutLink { a, b, .. } | ActionKind::HealLink { a, b, .. } => {
                self.node(a)?;
                self.node(b)?;
                if a == b {
                    return Err(SimError::BadNode(format!(
                        "a link joins two different nodes, got {a} and {b}"
                    )));
                }
            }
            ActionKind::SkewClock(n, _) | ActionKind::SetDrift(n, _) => {
                self.node(n)?;
            }
        }
        Ok(())
    }

    fn tod(&self, id: NodeId) -> i64 {
        self.nodes[id as usize].clock.tod_at(self.now)
    }

    fn record(&mut self, node: NodeId, kind: TraceKind) {
        let clock = self.tod(node);
        self.trace.record(self.now, node, clock, kind);
    }

    fn handle(&mut self, ev: Event) {
        match ev {
            Event::Arrive { slot, id } => self.arrive(slot, id),
            Event::Timer { node, id, epoch } => self.timer_fired(node, id, epoch),
            Event::PauseEnd { node, epoch } => self.pause_ended(node, epoch),
            Event::Action(i) => self.apply(self.actions[i as usize].kind),
        }
    }

    fn take_flight(&mut self, slot: u32, id: u64) -> Option<Flight<P::Msg>> {
        let cell = self.flights.get_mut(slot as usize)?;
        if cell.as_ref().is_some_and(|f| f.id == id) {
            self.free_slots.push(slot);
            cell.take()
        } else {
            None
        }
    }

    fn lose(&mut self, f: &Flight<P::Msg>, reason: LossReason, progress: f64) {
        self.record(
            f.to,
            TraceKind::Lost {
                msg: f.id,
                from: f.from,
                to: f.to,
                label: f.msg.label(),
                sent_at: f.sent_at,
                reason,
                progress,
            },
        );
    }

    fn arrive(&mut self, slot: u32, id: u64) {
        let Some(cell) = self.flights.get_mut(slot as usize) else {
            return;
        };
        let Some(f) = cell.as_mut().filter(|f| f.id == id && !f.waiting) else {
            return; // already lost to a cut
        };
        let (to, doomed) = (f.to, f.doomed);
        if !doomed {
            if let Status::Paused { .. } = self.nodes[to as usize].status {
                f.waiting = true;
                self.nodes[to as usize]
                    .backlog
                    .push(Deferred::Message { slot, id });
                return;
            }
        }
        let Some(f) = self.take_flight(slot, id) else {
            return;
        };
        if doomed {
            self.lose(&f, LossReason::Random, 0.5);
        } else if self.nodes[to as usize].status == Status::Crashed {
            self.lose(&f, LossReason::DestCrashed, 1.0);
        } else {
            self.deliver(f);
        }
    }

    fn deliver(&mut self, f: Flight<P::Msg>) {
        let label = f.msg.label();
        self.record(
            f.to,
            TraceKind::Deliver {
                msg: f.id,
                from: f.from,
                label,
                sent_at: f.sent_at,
            },
        );
        let (from, msg) = (f.from, f.msg);
        self.invoke(f.to, |p, ctx, state, stable| {
            p.on_message(ctx, state, stable, from, msg)
        });
    }

    fn timer_fired(&mut self, node: NodeId, id: u64, epoch: u32) {
        let rt = &mut self.nodes[node as usize];
        if rt.timer_epoch != epoch {
            return;
        }
        let Some(timer) = rt.take_timer(id) else {
            return; // cancelled
        };
        if let Status::Paused { .. } = rt.status {
            rt.backlog.push(Deferred::Timer { tag: timer.tag });
            return;
        }
        self.run_timer(node, timer.tag);
    }

    fn run_timer(&mut self, node: NodeId, tag: u64) {
        self.record(node, TraceKind::Timer { tag });
        self.invoke(node, |p, ctx, state, stable| {
            p.on_timer(ctx, state, stable, tag)
        });
    }

    fn pause_ended(&mut self, node: NodeId, epoch: u32) {
        let rt = &mut self.nodes[node as usize];
        if rt.pause_epoch != epoch || !matches!(rt.status, Status::Paused { .. }) {
            return;
        }
        rt.status = Status::Up;
        let backlog = std::mem::take(&mut rt.backlog);
        self.record(node, TraceKind::Resume);
        // Everything that waited is handled now, at once, in the order it arrived.
        for d in backlog {
            match d {
                Deferred::Message { slot, id } => {
                    if let Some(f) = self.take_flight(slot, id) {
                        self.deliver(f);
                    }
                }
                Deferred::Timer { tag } => self.run_timer(node, tag),
            }
        }
    }

    /// Boots (or reboots) a node's protocol from its stable storage.
    fn boot(&mut self, id: NodeId) {
        let mut state = None;
        self.with_ctx(id, |p, ctx, stable| state = Some(p.start(ctx, stable)));
        self.states[id as usize] = state;
        self.flush_effects(id);
    }

    fn invoke(
        &mut self,
        id: NodeId,
        f: impl FnOnce(&P, &mut Ctx<P::Msg>, &mut P::State, &mut P::Stable),
    ) {
        let Some(mut state) = self.states[id as usize].take() else {
            return;
        };
        self.with_ctx(id, |p, ctx, stable| f(p, ctx, &mut state, stable));
        self.states[id as usize] = Some(state);
        self.flush_effects(id);
    }

    fn with_ctx(&mut self, id: NodeId, f: impl FnOnce(&P, &mut Ctx<P::Msg>, &mut P::Stable)) {
        let i = id as usize;
        let rt = &mut self.nodes[i];
        let mut ctx = Ctx {
            node: id,
            node_count: self.states.len(),
            now: self.now,
            mono: rt.clock.mono_at(self.now),
            tod: rt.clock.tod_at(self.now),
            rng: &mut self.proto_rng,
            next_timer_id: &mut rt.next_timer_id,
            sends: &mut self.sends,
            timers: &mut self.timer_cmds,
            notes: &mut self.notes,
        };
        f(&self.protocol, &mut ctx, &mut self.stable[i]);
    }

    /// Applies what a handler asked for: notes, then timers, then sends.
    fn flush_effects(&mut self, id: NodeId) {
        let notes = std::mem::take(&mut self.notes);
        for text in notes {
            self.record(id, TraceKind::Note { text });
        }
        let mut cmds = std::mem::take(&mut self.timer_cmds);
        for cmd in cmds.drain(..) {
            let rt = &mut self.nodes[id as usize];
            match cmd {
                TimerCmd::Set {
                    id: tid,
                    tag,
                    after,
                } => {
                    let deadline = rt.clock.mono_at(self.now).saturating_add(after.0 as i64);
                    rt.timers.push(super::node::PendingTimer {
                        id: tid,
                        tag,
                        deadline,
                    });
                    let at = rt.clock.when_mono_reaches(deadline, self.now);
                    let epoch = rt.timer_epoch;
                    self.queue.push(
                        at,
                        Event::Timer {
                            node: id,
                            id: tid,
                            epoch,
                        },
                    );
                }
                TimerCmd::Cancel { id: tid } => {
                    rt.take_timer(tid);
                }
            }
        }
        self.timer_cmds = cmds;
        let mut sends = std::mem::take(&mut self.sends);
        for (to, msg) in sends.drain(..) {
            self.send(id, to, msg);
        }
        self.sends = sends;
    }

    fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        if to as usize >= self.nodes.len() {
            debug_assert!(false, "protocol sent to a node that does not exist");
            return;
        }
        let id = self.next_msg_id;
        self.next_msg_id += 1;
        let label = msg.label();
        self.record(
            from,
            TraceKind::Send {
                msg: id,
                to,
                label,
                size: msg.size(),
            },
        );
        let flight = Flight {
            id,
            from,
            to,
            msg,
            sent_at: self.now,
            arrives_at: self.now,
            doomed: false,
            waiting: false,
        };
        if !self.network.is_up(from, to) {
            self.lose(&flight, LossReason::LinkCut, 0.0);
            return;
        }
        let cfg = *self.network.config(from, to);
        let latency = cfg.latency.sample(&mut self.net_rng);
        let doomed = self.net_rng.chance(cfg.loss);
        let flight = Flight {
            arrives_at: self.now + latency,
            doomed,
            ..flight
        };
        let fires = if doomed {
            self.now + Duration(latency.0 / 2)
        } else {
            flight.arrives_at
        };
        let slot = match self.free_slots.pop() {
            Some(s) => {
                self.flights[s as usize] = Some(flight);
                s
            }
            None => {
                self.flights.push(Some(flight));
                self.flights.len() as u32 - 1
            }
        };
        self.queue.push(fires, Event::Arrive { slot, id });
    }

    fn apply(&mut self, kind: ActionKind) {
        match kind {
            ActionKind::CrashNode(n) => self.crash(n),
            ActionKind::RecoverNode(n) => {
                self.nodes[n as usize].status = Status::Up;
                self.record(n, TraceKind::Recover);
                self.boot(n);
            }
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
                self.network.heal(a, b, CutCause::Hand);
                if !one_way {
                    self.network.heal(b, a, CutCause::Hand);
                }
                self.record(a, TraceKind::LinkHeal { to: b, one_way });
            }
            ActionKind::SkewClock(n, delta_ns) => {
                self.nodes[n as usize].clock.step(delta_ns);
                self.record(n, TraceKind::ClockStep { delta_ns });
            }
            ActionKind::SetDrift(n, ppm) => self.set_drift(n, ppm),
        }
    }

    fn crash(&mut self, n: NodeId) {
        let rt = &mut self.nodes[n as usize];
        rt.status = Status::Crashed;
        rt.timers.clear();
        rt.timer_epoch += 1;
        rt.pause_epoch += 1;
        let backlog = std::mem::take(&mut rt.backlog);
        self.states[n as usize] = None;
        self.record(n, TraceKind::Crash);
        for d in backlog {
            if let Deferred::Message { slot, id } = d {
                if let Some(f) = self.take_flight(slot, id) {
                    self.lose(&f, LossReason::DestCrashed, 1.0);
                }
            }
        }
    }

    /// Cuts from→to and drops what is on the wire there, where it is.
    fn cut(&mut self, from: NodeId, to: NodeId) {
        self.network.cut(from, to, CutCause::Hand);
        for slot in 0..self.flights.len() {
            let hit = self.flights[slot]
                .as_ref()
                .filter(|f| f.from == from && f.to == to && !f.waiting)
                .map(|f| f.id);
            if let Some(id) = hit {
                if let Some(f) = self.take_flight(slot as u32, id) {
                    let span = f.arrives_at.0.saturating_sub(f.sent_at.0).max(1);
                    let progress = (self.now.0 - f.sent_at.0) as f64 / span as f64;
                    self.lose(&f, LossReason::LinkCut, progress.min(1.0));
                }
            }
        }
    }

    /// New rate from now on; pending timers are re-aimed, since they wait on this clock.
    fn set_drift(&mut self, n: NodeId, ppm: f64) {
        let rt = &mut self.nodes[n as usize];
        rt.clock.set_drift(self.now, ppm);
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
        self.record(n, TraceKind::Drift { ppm });
    }
}
