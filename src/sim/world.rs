//! The world ties the pieces together: it pops events in (time, sequence) order, fires timers on
//! each node's own clock, runs handlers, applies the student's actions and records everything in the
//! trace. Moving messages is in `wire.rs`; applying actions and random faults in `faults.rs`.

use super::action::{Action, ActionKind};
use super::clock::Clock;
use super::error::SimError;
use super::network::Network;
use super::node::{FaultModel, NodeRuntime, PendingTimer, Status};
use super::protocol::{ClockCmd, Ctx, Effects, Protocol, TimerCmd};
use super::queue::EventQueue;
use super::rng::SimRng;
use super::time::{Duration, Time};
use super::timing::TimingModel;
use super::trace::{Trace, TraceKind};
use super::wire::{Complete, Wire};
use super::NodeId;

/// How a node begins the run.
#[derive(Clone, Debug)]
pub struct NodeSetup {
    pub fault: FaultModel,
    pub clock: Clock,
}

impl NodeSetup {
    pub fn new(fault: FaultModel) -> NodeSetup {
        NodeSetup {
            fault,
            clock: Clock::new(0, 0.0),
        }
    }
}

/// Random crash faults: each node fails after an exponentially distributed time with mean `mtbf`
/// and (if crash-recovery) comes back after one with mean `mttr`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RandomFaults {
    pub mtbf: Duration,
    pub mttr: Duration,
}

#[derive(Clone, Copy, Debug)]
pub(super) enum Event {
    Arrive { slot: u32, id: u64 },
    Retransmit { from: NodeId, to: NodeId, seq: u64 },
    Timer { node: NodeId, id: u64, epoch: u32 },
    PauseEnd { node: NodeId, epoch: u32 },
    RandomCrash { node: NodeId, epoch: u32 },
    RandomRecover { node: NodeId, epoch: u32 },
    Sample,
    Action(u32),
    Scheduled(u32),
}

/// Something that reached a paused node, handled when the pause ends, in arrival order.
#[derive(Clone, Debug)]
pub(super) enum Deferred<M> {
    Message(Complete<M>),
    Timer { tag: u64 },
}

/// Trace events are kept in a window of this many; totals and hash cover the whole run.
pub const TRACE_WINDOW: usize = 100_000;

/// Periodic measurement of the bytes arriving at one node, recorded as a "throughput" metric.
/// A packet's bytes count as they come in over its reception time, not all at once when its last
/// bit lands, so a sample never shows more than the link can carry.
#[derive(Clone, Copy, Debug)]
pub(super) struct Sampler {
    pub every: Duration,
    pub node: NodeId,
    /// Bytes received by the previous sample, counting packets partly in.
    pub last_bytes: f64,
}

#[derive(Clone)]
pub struct World<P: Protocol> {
    pub(super) protocol: P,
    pub(super) now: Time,
    pub(super) queue: EventQueue<Event>,
    pub(super) nodes: Vec<NodeRuntime>,
    pub(super) states: Vec<Option<P::State>>,
    pub(super) stable: Vec<P::Stable>,
    pub(super) backlogs: Vec<Vec<Deferred<P::Msg>>>,
    pub(super) network: Network,
    pub(super) wire: Wire<P::Msg>,
    pub(super) timing: Option<TimingModel>,
    pub(super) random_faults: Option<RandomFaults>,
    pub(super) sampler: Option<Sampler>,
    pub(super) bytes_in: Vec<u64>,
    pub(super) net_rng: SimRng,
    proto_rng: SimRng,
    pub(super) fault_rng: SimRng,
    pub(super) trace: Trace,
    pub(super) actions: Vec<Action>,
    /// Events handled so far (step back goes to one fewer).
    processed: u64,
    /// Actions the scenario set up to happen at given times; not in the action log, since a
    /// rebuild from the same parameters schedules them again.
    scheduled: Vec<ActionKind>,
    /// Handler effects, reused so a handler call allocates nothing.
    effects: Effects<P::Msg>,
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
            backlogs: vec![Vec::new(); n],
            network,
            wire: Wire::default(),
            timing: None,
            random_faults: None,
            sampler: None,
            bytes_in: vec![0; n],
            net_rng: SimRng::new(seed, 1),
            proto_rng: SimRng::new(seed, 2),
            fault_rng: SimRng::new(seed, 3),
            trace: Trace::new(TRACE_WINDOW),
            actions: Vec::new(),
            processed: 0,
            scheduled: Vec::new(),
            effects: Effects::default(),
        };
        for id in 0..n as NodeId {
            w.boot(id);
        }
        w
    }

    /// Shapes network delays by a timing model (none: links' latencies as they are).
    pub fn with_timing(mut self, model: TimingModel) -> Self {
        self.timing = Some(model);
        self
    }

    /// Switches on the retransmission layer: retry every `rto` until acknowledged, deduplicate.
    pub fn with_retransmission(mut self, rto: Duration) -> Self {
        self.wire.retransmit = Some(rto);
        self
    }

    /// Switches on checksums: a damaged message is dropped at the receiver instead of handed over.
    pub fn with_checksum(mut self) -> Self {
        self.wire.checksum = true;
        self
    }

    pub fn with_random_faults(mut self, faults: RandomFaults) -> Self {
        self.random_faults = Some(faults);
        for id in 0..self.nodes.len() as NodeId {
            self.schedule_random_crash(id);
        }
        self
    }

    /// Keeps these nodes out of random faults (before or after [`World::with_random_faults`]):
    /// a crash already drawn for one of them is voided. Unknown ids are ignored.
    pub fn without_random_faults(mut self, nodes: &[NodeId]) -> Self {
        for &n in nodes {
            if let Some(rt) = self.nodes.get_mut(n as usize) {
                rt.random_faults = false;
                rt.fault_epoch += 1;
            }
        }
        self
    }

    /// Records the bytes per second arriving at `node` every `every`, as metric "throughput".
    pub fn with_throughput_sampling(mut self, node: NodeId, every: Duration) -> Self {
        self.sampler = Some(Sampler {
            every,
            node,
            last_bytes: 0.0,
        });
        self.queue.push(self.now + every, Event::Sample);
        self
    }

    /// Applies `kind` at `at` as part of the scenario itself (a GC pause its parameters ask for),
    /// exactly as if the student had done it then, but without entering the action log. If it
    /// cannot be applied when its time comes (the node has crashed), a note says so instead.
    pub fn with_scheduled(mut self, at: Time, kind: ActionKind) -> Self {
        self.scheduled.push(kind);
        let i = self.scheduled.len() as u32 - 1;
        self.queue.push(at.max(self.now), Event::Scheduled(i));
        self
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

    pub fn fault_model(&self, id: NodeId) -> Option<FaultModel> {
        self.nodes.get(id as usize).map(|n| n.fault)
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

    pub fn protocol(&self) -> &P {
        &self.protocol
    }

    pub fn network(&self) -> &Network {
        &self.network
    }

    pub fn network_mut(&mut self) -> &mut Network {
        &mut self.network
    }

    pub fn timing(&self) -> Option<&TimingModel> {
        self.timing.as_ref()
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
        self.check(&kind)?;
        self.run_until(self.now);
        self.actions.push(Action { at: self.now, kind });
        self.queue
            .push(self.now, Event::Action(self.actions.len() as u32 - 1));
        self.run_until(self.now);
        Ok(())
    }

    pub(super) fn node(&self, id: NodeId) -> Result<&NodeRuntime, SimError> {
        self.nodes.get(id as usize).ok_or_else(|| {
            SimError::BadNode(format!(
                "there is no node {id} (nodes are 0 to {})",
                self.nodes.len().saturating_sub(1)
            ))
        })
    }

    pub(super) fn record(&mut self, node: NodeId, kind: TraceKind) {
        let clock = self.nodes[node as usize].clock.tod_at(self.now);
        self.trace.record(self.now, node, clock, kind);
    }

    pub fn processed(&self) -> u64 {
        self.processed
    }

    /// A copy to restore later, without the trace window (the cheap part of a world is all but
    /// its recorded history; the history before a snapshot can be taken from the live trace).
    pub fn snapshot(&mut self) -> World<P> {
        let window = self.trace.take_window();
        let copy = self.clone();
        self.trace.put_window(window);
        copy
    }

    pub fn trace_mut(&mut self) -> &mut Trace {
        &mut self.trace
    }

    fn handle(&mut self, ev: Event) {
        self.processed += 1;
        match ev {
            Event::Arrive { slot, id } => self.arrive(slot, id),
            Event::Retransmit { from, to, seq } => self.retransmit(from, to, seq),
            Event::Timer { node, id, epoch } => self.timer_fired(node, id, epoch),
            Event::PauseEnd { node, epoch } => self.pause_ended(node, epoch),
            Event::RandomCrash { node, epoch } => self.random_crash(node, epoch),
            Event::RandomRecover { node, epoch } => self.random_recover(node, epoch),
            Event::Sample => self.sample(),
            Event::Action(i) => self.apply(self.actions[i as usize].kind.clone()),
            Event::Scheduled(i) => self.run_scheduled(i),
        }
    }

    fn run_scheduled(&mut self, i: u32) {
        let Some(kind) = self.scheduled.get(i as usize).cloned() else {
            return;
        };
        match self.check(&kind) {
            Ok(()) => self.apply(kind),
            Err(e) if !self.nodes.is_empty() => {
                let text = format!(
                    "the scenario's scheduled {} did not happen: {e}",
                    kind.name()
                );
                self.record(0, TraceKind::Note { text });
            }
            Err(_) => {}
        }
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
            self.backlogs[node as usize].push(Deferred::Timer { tag: timer.tag });
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
        let backlog = std::mem::take(&mut self.backlogs[node as usize]);
        self.record(node, TraceKind::Resume);
        // Everything that waited is handled now, at once, in the order it arrived.
        for d in backlog {
            match d {
                Deferred::Message(c) => self.receive(c),
                Deferred::Timer { tag } => self.run_timer(node, tag),
            }
        }
    }

    fn sample(&mut self) {
        let Some(s) = self.sampler.as_mut() else {
            return;
        };
        let bytes =
            self.bytes_in[s.node as usize] as f64 + self.wire.partly_received(s.node, self.now);
        // A packet cut off mid-reception takes back what it had counted: never below zero.
        let per_sec = (bytes - s.last_bytes).max(0.0) * 1e9 / s.every.0.max(1) as f64;
        s.last_bytes = bytes;
        let (node, every) = (s.node, s.every);
        self.record(
            node,
            TraceKind::Metric {
                name: "throughput",
                value: per_sec,
            },
        );
        self.queue.push(self.now + every, Event::Sample);
    }

    /// Boots (or reboots) a node's protocol from its stable storage.
    pub(super) fn boot(&mut self, id: NodeId) {
        self.with_ctx(id, |p, ctx, state, stable| {
            *state = Some(p.start(ctx, stable))
        });
        self.flush_effects(id);
    }

    pub(super) fn invoke(
        &mut self,
        id: NodeId,
        f: impl FnOnce(&P, &mut Ctx<P::Msg>, &mut P::State, &mut P::Stable),
    ) {
        if self.states[id as usize].is_none() {
            return;
        }
        self.with_ctx(id, |p, ctx, state, stable| {
            if let Some(state) = state {
                f(p, ctx, state, stable);
            }
        });
        self.flush_effects(id);
    }

    /// Runs `f` with node `id`'s context, volatile state (where it lies: moving it out and back
    /// in cost two copies an event) and stable storage.
    fn with_ctx(
        &mut self,
        id: NodeId,
        f: impl FnOnce(&P, &mut Ctx<P::Msg>, &mut Option<P::State>, &mut P::Stable),
    ) {
        let i = id as usize;
        let rt = &mut self.nodes[i];
        let mut ctx = Ctx {
            node: id,
            node_count: self.stable.len(),
            fault: rt.fault,
            now: self.now,
            mono: rt.clock.mono_at(self.now),
            tod: rt.clock.tod_at(self.now),
            rng: &mut self.proto_rng,
            next_timer_id: &mut rt.next_timer_id,
            effects: &mut self.effects,
            network: &self.network,
        };
        f(
            &self.protocol,
            &mut ctx,
            &mut self.states[i],
            &mut self.stable[i],
        );
    }

    /// Applies what a handler asked for: notes and metrics, then clock changes, then timers, then
    /// sends.
    fn flush_effects(&mut self, id: NodeId) {
        if self.effects.is_empty() {
            return; // a handler that only changed its own state (most replies received)
        }
        let mut fx = std::mem::take(&mut self.effects);
        for text in fx.notes.drain(..) {
            self.record(id, TraceKind::Note { text });
        }
        for (name, value) in fx.metrics.drain(..) {
            self.record(id, TraceKind::Metric { name, value });
        }
        for cmd in fx.clock.drain(..) {
            match cmd {
                ClockCmd::Step(delta_ns) => {
                    self.nodes[id as usize].clock.step(delta_ns);
                    self.record(id, TraceKind::ClockStep { delta_ns });
                }
                ClockCmd::Rate(ppm) => self.set_adjust(id, ppm),
            }
        }
        for cmd in fx.timers.drain(..) {
            let rt = &mut self.nodes[id as usize];
            match cmd {
                TimerCmd::Set {
                    id: tid,
                    tag,
                    after,
                } => {
                    let deadline = rt.clock.mono_at(self.now).saturating_add(after.0 as i64);
                    rt.timers.push(PendingTimer {
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
        for (to, msg) in fx.sends.drain(..) {
            self.send(id, to, msg);
        }
        self.effects = fx;
    }
}
