//! What a scenario implements: the behaviour of its nodes. The world calls the protocol when a node
//! starts (or restarts after a crash), when a message arrives and when a timer fires; the protocol
//! answers through a [`Ctx`]: send, set or cancel timers, write notes. It never sees the network or
//! the queue, so every fault stays the world's business.

use super::network::{LinkConfig, Network};
use super::node::FaultModel;
use super::rng::SimRng;
use super::time::{Duration, Time};
use super::NodeId;
use std::fmt::Debug;

pub trait Message: Clone + Debug {
    /// A short name for drawing and the trace ("ping", "vote").
    fn label(&self) -> &'static str;
    /// Bytes on the wire.
    fn size(&self) -> u32 {
        64
    }

    /// Damages the content, as an arbitrary link may. Without a checksum the receiver gets this.
    fn corrupt(&mut self, _rng: &mut SimRng) {}

    /// The bytes this message is on the wire, for scenarios that really encode their messages
    /// (its `size` is then their length). The message inspector shows them as hex.
    fn bytes(&self) -> Option<&[u8]> {
        None
    }

    /// The message's fields, decoded, for the message inspector: (name, value).
    fn fields(&self) -> Fields {
        Vec::new()
    }

    /// Whether the inspector has something to show for this message (bytes or fields). Such
    /// messages are kept for a while after delivery, so an arrow clicked on the timeline can still
    /// be opened without the page asking about every message as it flies.
    fn inspectable(&self) -> bool {
        self.bytes().is_some()
    }
}

/// A key/value listing of a node's state for the inspector.
pub type Fields = Vec<(String, String)>;

pub trait Protocol: Clone + 'static {
    type Msg: Message;
    /// Volatile state: lost when the node crashes.
    type State: Clone;
    /// Stable storage: kept across crashes.
    type Stable: Clone + Default;

    /// A node boots, at the start of the run or when it recovers from a crash.
    fn start(&self, ctx: &mut Ctx<Self::Msg>, stable: &mut Self::Stable) -> Self::State;

    fn on_message(
        &self,
        ctx: &mut Ctx<Self::Msg>,
        state: &mut Self::State,
        stable: &mut Self::Stable,
        from: NodeId,
        msg: Self::Msg,
    );

    fn on_timer(
        &self,
        ctx: &mut Ctx<Self::Msg>,
        state: &mut Self::State,
        stable: &mut Self::Stable,
        tag: u64,
    );

    /// One short line for the graph ("heard 4/4"); `state` is None while crashed.
    fn summary(&self, state: Option<&Self::State>, stable: &Self::Stable) -> String;

    /// The inspector's view: (volatile, stable).
    fn inspect(
        &self,
        state: Option<&Self::State>,
        stable: &Self::Stable,
    ) -> (Option<Fields>, Fields);

    /// A node's part in the protocol ("client", "server", "commander"), shown beside its id.
    fn role(&self, _id: NodeId) -> Option<&'static str> {
        None
    }

    /// The lecture's claims as this run bears them out so far, for the page's claims panel.
    /// `states[i]` is None while node i is crashed.
    fn verdicts(
        &self,
        _states: &[Option<Self::State>],
        _stable: &[Self::Stable],
        _now: Time,
    ) -> Vec<Verdict> {
        Vec::new()
    }
}

/// Whether a claim holds in this run, and why.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Verdict {
    pub claim: String,
    /// "holds", "fails", or "pending" (not decided yet).
    pub status: &'static str,
    pub detail: String,
}

impl Verdict {
    pub fn new(
        claim: impl Into<String>,
        status: &'static str,
        detail: impl Into<String>,
    ) -> Verdict {
        Verdict {
            claim: claim.into(),
            status,
            detail: detail.into(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum TimerCmd {
    Set { id: u64, tag: u64, after: Duration },
    Cancel { id: u64 },
}

/// A node's own change to its clock (what NTP does through `settimeofday` and `adjtime`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum ClockCmd {
    /// Step the time-of-day clock by this many ns.
    Step(i64),
    /// Set the rate correction, ppm, on top of the drift.
    Rate(f64),
}

/// What a handler asked for, applied by the world when it returns.
#[derive(Clone, Debug)]
pub(crate) struct Effects<M> {
    pub sends: Vec<(NodeId, M)>,
    pub timers: Vec<TimerCmd>,
    pub notes: Vec<String>,
    pub metrics: Vec<(&'static str, f64)>,
    pub clock: Vec<ClockCmd>,
}

impl<M> Effects<M> {
    pub(crate) fn is_empty(&self) -> bool {
        self.sends.is_empty()
            && self.timers.is_empty()
            && self.notes.is_empty()
            && self.metrics.is_empty()
            && self.clock.is_empty()
    }
}

impl<M> Default for Effects<M> {
    fn default() -> Self {
        Effects {
            sends: Vec::new(),
            timers: Vec::new(),
            notes: Vec::new(),
            metrics: Vec::new(),
            clock: Vec::new(),
        }
    }
}

/// A handler's window on the world: who and when it is, and the effects it asks for. Effects are
/// collected and applied by the world after the handler returns, in the order asked.
pub struct Ctx<'a, M> {
    pub(crate) node: NodeId,
    pub(crate) node_count: usize,
    pub(crate) fault: FaultModel,
    pub(crate) now: Time,
    pub(crate) mono: i64,
    pub(crate) tod: i64,
    pub(crate) rng: &'a mut SimRng,
    pub(crate) next_timer_id: &'a mut u64,
    pub(crate) effects: &'a mut Effects<M>,
    pub(crate) network: &'a Network,
}

impl<M> Ctx<'_, M> {
    pub fn id(&self) -> NodeId {
        self.node
    }

    pub fn node_count(&self) -> usize {
        self.node_count
    }

    /// This node's fault model: a Byzantine node's protocol decides how it misbehaves.
    pub fn fault(&self) -> FaultModel {
        self.fault
    }

    pub fn is_byzantine(&self) -> bool {
        self.fault == FaultModel::Byzantine
    }

    /// True time. Protocols should prefer their own clocks; this is for scenarios that measure.
    pub fn true_time(&self) -> Time {
        self.now
    }

    /// The node's monotonic clock (ns): what timers and durations should use.
    pub fn mono(&self) -> i64 {
        self.mono
    }

    /// The node's time-of-day clock (ns): what a timestamp would carry.
    pub fn time_of_day(&self) -> i64 {
        self.tod
    }

    /// The current settings of this node's outgoing link to `to` (as the student may have changed
    /// them): what a node knows of its own network interface.
    pub fn link(&self, to: NodeId) -> &LinkConfig {
        self.network.config(self.node, to)
    }

    /// How long a packet sent to `to` now would wait in this node's send queue before going onto
    /// the wire (zero on an idle or unlimited link). Sends asked for in this same handler are not
    /// counted yet: they are applied when it returns.
    pub fn send_queue(&self, to: NodeId) -> Duration {
        self.network.backlog(self.node, to, self.now)
    }

    pub fn rng(&mut self) -> &mut SimRng {
        self.rng
    }

    pub fn send(&mut self, to: NodeId, msg: M) {
        self.effects.sends.push((to, msg));
    }

    /// Fires `tag` after `after` has passed on this node's monotonic clock (so a drifting clock
    /// fires it early or late in true time). Returns an id for [`Ctx::cancel_timer`].
    pub fn set_timer(&mut self, after: Duration, tag: u64) -> u64 {
        let id = *self.next_timer_id;
        *self.next_timer_id += 1;
        self.effects.timers.push(TimerCmd::Set { id, tag, after });
        id
    }

    pub fn cancel_timer(&mut self, id: u64) {
        self.effects.timers.push(TimerCmd::Cancel { id });
    }

    /// A line in the trace explaining what the protocol just did.
    pub fn note(&mut self, text: impl Into<String>) {
        self.effects.notes.push(text.into());
    }

    /// Steps this node's time-of-day clock by `delta_ns` (negative: back), as a clock-sync daemon
    /// does; the monotonic clock and timers are untouched. [`Ctx::time_of_day`] reads the stepped
    /// clock at once; the world applies it (traced as a clock step) when the handler returns.
    pub fn step_clock(&mut self, delta_ns: i64) {
        self.tod = self.tod.saturating_add(delta_ns);
        self.effects.clock.push(ClockCmd::Step(delta_ns));
    }

    /// Sets this node's rate correction to `ppm` on top of its drift, from now on: how a daemon
    /// slews its clock (0 ends the slew). Both clocks and pending timers follow the new rate;
    /// bounded like the drift. Applied (and traced as a slew) when the handler returns.
    pub fn set_rate(&mut self, ppm: f64) {
        self.effects.clock.push(ClockCmd::Rate(ppm));
    }

    /// A measurement for the scenario's plots (declared in its spec), e.g. a request's latency.
    pub fn metric(&mut self, name: &'static str, value: f64) {
        self.effects.metrics.push((name, value));
    }
}
