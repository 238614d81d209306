//! A world of any protocol behind one object-safe interface, so the facade and the headless runner
//! hold "a running scenario" without knowing which protocol it runs.

use super::action::{Action, ActionKind};
use super::error::SimError;
use super::frame::{FrameView, Inspection, MessageDetail};
use super::network::Network;
use super::protocol::Protocol;
use super::time::Time;
use super::trace::Trace;
use super::world::World;
use super::NodeId;

pub trait Runner {
    fn now(&self) -> Time;
    fn node_count(&self) -> usize;
    fn step(&mut self) -> bool;
    fn run_until(&mut self, until: Time);
    fn act(&mut self, kind: ActionKind) -> Result<(), SimError>;
    fn actions(&self) -> &[Action];
    fn next_event_at(&self) -> Option<Time>;
    fn trace(&self) -> &Trace;
    fn frame(&self, since: u64, max_events: usize) -> FrameView<'_>;
    fn inspect(&self, id: NodeId) -> Result<Inspection, SimError>;
    /// A message still in flight (by its frame/trace id): header, bytes as hex, decoded fields.
    fn inspect_message(&self, msg: u64) -> Result<MessageDetail, SimError>;
    fn network(&self) -> &Network;
    fn processed(&self) -> u64;
    /// A restorable copy without the trace window (see [`World::snapshot`]).
    fn snapshot(&mut self) -> Box<dyn Runner>;
    fn trace_mut(&mut self) -> &mut Trace;
    fn clone_box(&self) -> Box<dyn Runner>;
}

impl<P: Protocol> Runner for World<P> {
    fn now(&self) -> Time {
        World::now(self)
    }
    fn node_count(&self) -> usize {
        World::node_count(self)
    }
    fn step(&mut self) -> bool {
        World::step(self)
    }
    fn run_until(&mut self, until: Time) {
        World::run_until(self, until)
    }
    fn act(&mut self, kind: ActionKind) -> Result<(), SimError> {
        World::act(self, kind)
    }
    fn actions(&self) -> &[Action] {
        World::actions(self)
    }
    fn next_event_at(&self) -> Option<Time> {
        World::next_event_at(self)
    }
    fn trace(&self) -> &Trace {
        World::trace(self)
    }
    fn frame(&self, since: u64, max_events: usize) -> FrameView<'_> {
        World::frame(self, since, max_events)
    }
    fn inspect(&self, id: NodeId) -> Result<Inspection, SimError> {
        World::inspect(self, id)
    }
    fn inspect_message(&self, msg: u64) -> Result<MessageDetail, SimError> {
        World::inspect_message(self, msg)
    }
    fn network(&self) -> &Network {
        World::network(self)
    }
    fn processed(&self) -> u64 {
        World::processed(self)
    }
    fn snapshot(&mut self) -> Box<dyn Runner> {
        Box::new(World::snapshot(self))
    }
    fn trace_mut(&mut self) -> &mut Trace {
        World::trace_mut(self)
    }
    fn clone_box(&self) -> Box<dyn Runner> {
        Box::new(self.clone())
    }
}

impl Clone for Box<dyn Runner> {
    fn clone(&self) -> Self {
        self.clone_box()
    }
}
