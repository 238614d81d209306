//! A node's lifecycle and fault model, apart from its protocol: up, crashed or paused; its clock;
//! its pending timers; and, while paused, the backlog of what arrived meanwhile.

use super::clock::Clock;
use super::time::Time;
use serde::Serialize;

/// How a node may fail, named as the course names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[repr(u8)]
pub enum FaultModel {
    /// A crashed node never comes back.
    CrashStop,
    /// A crashed node may recover: volatile state lost, stable storage kept.
    CrashRecovery,
    /// The node may deviate arbitrarily from the protocol (the scenario says how).
    Byzantine,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Up,
    Crashed,
    /// Frozen (a GC pause, a page fault): arrivals and timers wait until `until`.
    Paused {
        until: Time,
    },
}

impl FaultModel {
    pub const NAMES: &'static [&'static str] = &["crash-stop", "crash-recovery", "byzantine"];

    pub fn from_index(i: usize) -> Option<FaultModel> {
        [
            FaultModel::CrashStop,
            FaultModel::CrashRecovery,
            FaultModel::Byzantine,
        ]
        .get(i)
        .copied()
    }

    pub fn name(&self) -> &'static str {
        Self::NAMES[*self as usize]
    }
}

impl Status {
    pub fn name(&self) -> &'static str {
        match self {
            Status::Up => "up",
            Status::Crashed => "crashed",
            Status::Paused { .. } => "paused",
        }
    }
}

/// A timer waiting for the node's monotonic clock to reach `deadline`.
#[derive(Clone, Copy, Debug)]
pub struct PendingTimer {
    pub id: u64,
    pub tag: u64,
    /// Monotonic clock reading (ns) at which it fires.
    pub deadline: i64,
}

#[derive(Clone, Debug)]
pub struct NodeRuntime {
    pub status: Status,
    pub fault: FaultModel,
    pub clock: Clock,
    /// Bumped when timer instants are recomputed (drift change) or the node crashes: queued timer
    /// events of an older epoch are stale.
    pub timer_epoch: u32,
    /// Bumped by every pause and crash: only the latest pause's end counts.
    pub pause_epoch: u32,
    /// Bumped by every crash and recovery: only the latest random fault scheduled counts.
    pub fault_epoch: u32,
    pub timers: Vec<PendingTimer>,
    pub next_timer_id: u64,
    /// False for a node the scenario keeps out of random (MTBF/MTTR) faults, such as a client
    /// that measures the service; the student's hand can still crash it.
    pub random_faults: bool,
}

impl NodeRuntime {
    pub fn new(fault: FaultModel, clock: Clock) -> NodeRuntime {
        NodeRuntime {
            status: Status::Up,
            fault,
            clock,
            timer_epoch: 0,
            pause_epoch: 0,
            fault_epoch: 0,
            timers: Vec::new(),
            next_timer_id: 0,
            random_faults: true,
        }
    }

    pub fn take_timer(&mut self, id: u64) -> Option<PendingTimer> {
        let i = self.timers.iter().position(|t| t.id == id)?;
        Some(self.timers.swap_remove(i))
    }
}
