//! Time travel for a run: periodic snapshots plus deterministic replay. Seeking to any instant
//! restores the nearest earlier snapshot and replays forward, re-applying the logged actions at
//! their instants, so the state shown is exactly the state the run had then. Acting after seeking
//! back starts a new branch: the logged future is discarded. The newest action can be undone.

use crate::sim::{Action, ActionKind, Duration, Runner, SimError, Time};

/// Snapshot spacing to start with; it doubles whenever the budget of snapshots is full.
const FIRST_SPACING: Duration = Duration(500_000_000);
const MAX_SNAPSHOTS: usize = 128;
/// Events to replay between snapshots, at most (about 10 ms in the browser): a busy world is
/// snapshotted less often in simulated time, so copying it does not eat into its speed (a
/// 500-node world every half second spent a tenth of its time being copied), while a seek still
/// replays no more than this.
const EVENTS_BETWEEN: u64 = 25_000;
/// However quiet the run, a snapshot at least this often (before the spacing doubles).
const MAX_GAP: Duration = Duration(60_000_000_000);

#[derive(Clone)]
struct Snapshot {
    at: Time,
    /// Events the world had processed.
    processed: u64,
    /// Log entries applied when it was taken.
    applied: usize,
    world: Box<dyn Runner>,
}

/// The run's authoritative action log and its snapshots.
#[derive(Clone)]
pub struct History {
    log: Vec<Action>,
    /// Log entries the world has applied; the rest lie ahead of the current instant.
    applied: usize,
    snapshots: Vec<Snapshot>,
    spacing: Duration,
    /// Bumped whenever the world is replaced (seek, undo): views must be rebuilt from the trace.
    epoch: u64,
}

impl History {
    pub fn new(world: &mut dyn Runner) -> History {
        let first = Snapshot {
            at: world.now(),
            processed: world.processed(),
            applied: 0,
            world: world.snapshot(),
        };
        History {
            log: Vec::new(),
            applied: 0,
            snapshots: vec![first],
            spacing: FIRST_SPACING,
            epoch: 0,
        }
    }

    pub fn log(&self) -> &[Action] {
        &self.log
    }

    /// The logged actions the world has applied so far.
    pub fn applied(&self) -> &[Action] {
        &self.log[..self.applied]
    }

    pub fn snapshot_count(&self) -> usize {
        self.snapshots.len()
    }

    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Whether logged actions lie ahead of the current instant (the run was seeked back).
    pub fn has_future(&self) -> bool {
        self.applied < self.log.len()
    }

    /// The latest snapshot plus the spacing, or longer: the time EVENTS_BETWEEN events take at
    /// the rate seen between the last two snapshots.
    fn next_snapshot_at(&self) -> Time {
        let n = self.snapshots.len();
        let Some(last) = self.snapshots.last() else {
            return Time::ZERO + self.spacing;
        };
        let gap = match n.checked_sub(2).map(|i| &self.snapshots[i]) {
            Some(prev) => {
                let dt = last.at.0.saturating_sub(prev.at.0) as u128;
                let events = last.processed.saturating_sub(prev.processed).max(1) as u128;
                Duration((dt * EVENTS_BETWEEN as u128 / events).min(MAX_GAP.0 as u128) as u64)
            }
            None => self.spacing,
        };
        last.at + self.spacing.max(gap)
    }

    fn take_snapshot(&mut self, world: &mut dyn Runner) {
        if self.snapshots.len() >= MAX_SNAPSHOTS {
            // Keep every other one (always the first): twice the spacing, half the memory.
            let mut i = 0;
            self.snapshots.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.spacing = Duration(self.spacing.0 * 2);
        }
        self.snapshots.push(Snapshot {
            at: world.now(),
            processed: world.processed(),
            applied: self.applied,
            world: world.snapshot(),
        });
    }

    /// Runs the world on to `until`, applying logged actions due on the way and taking snapshots.
    pub fn advance(&mut self, world: &mut dyn Runner, until: Time) -> Result<(), SimError> {
        loop {
            let now = world.now();
            // A snapshot is due at a spacing boundary, or at once if the run got past one
            // without taking it (after `step`, which stops anywhere).
            if self.next_snapshot_at() <= now && self.snapshots.last().is_some_and(|s| s.at < now) {
                self.take_snapshot(world);
            }
            let next_action = self
                .log
                .get(self.applied)
                .map(|a| a.at)
                .filter(|t| *t <= until);
            if next_action.is_some_and(|t| t <= now) {
                // Logged actions are never behind the world; `<=` only guarantees progress.
                let kind = self.log[self.applied].kind.clone();
                world.act(kind)?;
                self.applied += 1;
                continue;
            }
            if now >= until {
                // Stand at `until` as `World::run_until` does: everything due then is done.
                world.run_until(until);
                return Ok(());
            }
            // Every stop lies strictly ahead of now, so each turn of the loop makes progress.
            let stop = [Some(until), next_action, Some(self.next_snapshot_at())]
                .into_iter()
                .flatten()
                .filter(|t| *t > now)
                .min()
                .unwrap_or(until);
            world.run_until(stop);
        }
    }

    /// Processes the next event, or applies the next logged action if it comes first.
    pub fn step(&mut self, world: &mut dyn Runner) -> Result<bool, SimError> {
        if let Some(a) = self.log.get(self.applied) {
            if world.next_event_at().is_none_or(|t| t > a.at) {
                let (at, kind) = (a.at, a.kind.clone());
                world.run_until(at);
                world.act(kind)?;
                self.applied += 1;
                return Ok(true);
            }
        }
        Ok(world.step())
    }

    /// Acts now. If the run was seeked back, the logged future is discarded first (a new branch).
    pub fn act(&mut self, world: &mut dyn Runner, kind: ActionKind) -> Result<(), SimError> {
        let now = world.now();
        let before = world.actions().len();
        world.act(kind)?;
        if let Some(a) = world.actions().get(before) {
            // Snapshots of the discarded future go too, including one taken at this very instant
            // after a logged action that is now discarded.
            let applied = self.applied;
            self.snapshots
                .retain(|s| s.at <= now && s.applied <= applied);
            self.log.truncate(self.applied);
            self.log.push(a.clone());
            self.applied = self.log.len();
        }
        Ok(())
    }

    /// A world standing at `target` (an instant, or a count of handled events), rebuilt from the
    /// nearest earlier snapshot. The trace before the snapshot is copied from `live`.
    fn rebuild(&mut self, live: &dyn Runner, target: Target) -> Result<Box<dyn Runner>, SimError> {
        let snap = self
            .snapshots
            .iter()
            .rev()
            .find(|s| match target {
                Target::Time(t) => s.at <= t,
                Target::Events(n) => s.world.processed() <= n,
            })
            .or(self.snapshots.first())
            .ok_or_else(|| SimError::NotNow("no snapshot to rebuild from".into()))?;
        let mut world = snap.world.clone_box();
        self.applied = snap.applied;
        match target {
            Target::Time(t) => {
                self.advance_no_snapshots(world.as_mut(), t)?;
            }
            Target::Events(n) => while world.processed() < n && self.step(world.as_mut())? {},
        }
        let first = world
            .trace()
            .events()
            .next()
            .map_or(world.trace().totals().events, |e| e.seq);
        let earlier: Vec<_> = live
            .trace()
            .events()
            .take_while(|e| e.seq < first)
            .cloned()
            .collect();
        world.trace_mut().prepend(earlier.into_iter());
        self.epoch += 1;
        Ok(world)
    }

    fn advance_no_snapshots(
        &mut self,
        world: &mut dyn Runner,
        until: Time,
    ) -> Result<(), SimError> {
        while let Some(a) = self.log.get(self.applied).filter(|a| a.at <= until) {
            let (at, kind) = (a.at, a.kind.clone());
            world.run_until(at);
            world.act(kind)?;
            self.applied += 1;
        }
        world.run_until(until);
        Ok(())
    }

    /// Moves `world` to instant `t`, forwards or backwards.
    pub fn seek(&mut self, world: &mut Box<dyn Runner>, t: Time) -> Result<(), SimError> {
        if t >= world.now() {
            return self.advance(world.as_mut(), t);
        }
        *world = self.rebuild(world.as_ref(), Target::Time(t))?;
        Ok(())
    }

    /// Moves `world` back to just before its latest handled event.
    pub fn step_back(&mut self, world: &mut Box<dyn Runner>) -> Result<(), SimError> {
        let n = world.processed().saturating_sub(1);
        *world = self.rebuild(world.as_ref(), Target::Events(n))?;
        Ok(())
    }

    /// Takes back the newest action: the run is rebuilt without it, standing where it stood.
    pub fn undo(&mut self, world: &mut Box<dyn Runner>) -> Result<(), SimError> {
        if self.applied == 0 {
            return Err(SimError::NotNow("there is no action to undo".into()));
        }
        let removed = self.log.remove(self.applied - 1);
        self.log.truncate(self.applied - 1);
        let kept = self.applied - 1;
        self.snapshots.retain(|s| s.applied <= kept);
        let now = world.now();
        let mut rebuilt = self.rebuild(world.as_ref(), Target::Time(removed.at))?;
        // History up to the undone action is shared; from there on it is rebuilt without it.
        self.advance_no_snapshots(rebuilt.as_mut(), now)?;
        *world = rebuilt;
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum Target {
    Time(Time),
    Events(u64),
}
