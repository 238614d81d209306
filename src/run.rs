//! A run as the outside world names it: scenario id, seed, parameters and the timed action log.
//! Shared by the browser facade and the headless runner, so both build, act and export alike.

use crate::history::History;
use crate::scenarios::{self, ParamInput, Params, Scenario};
use crate::sim::{ActionKind, Runner, SimError, Time};
use serde::Serialize;

#[derive(Clone)]
pub struct Run {
    scenario: &'static Scenario,
    seed: u64,
    params: Params,
    world: Box<dyn Runner>,
    history: History,
}

/// Version of the exported trace format (see the README).
pub const TRACE_FORMAT_VERSION: u32 = 1;

impl Run {
    pub fn new(id: &str, seed: u64, inputs: &[(String, ParamInput)]) -> Result<Run, SimError> {
        let scenario = scenarios::find(id)?;
        let params = Params::new(scenario.spec.params, inputs)?;
        let mut world = (scenario.build)(&params, seed);
        let history = History::new(world.as_mut());
        Ok(Run {
            scenario,
            seed,
            params,
            world,
            history,
        })
    }

    pub fn scenario_id(&self) -> &'static str {
        self.scenario.spec.id
    }

    pub fn seed(&self) -> u64 {
        self.seed
    }

    pub fn params(&self) -> &Params {
        &self.params
    }

    pub fn world(&self) -> &dyn Runner {
        self.world.as_ref()
    }

    /// The world itself, for tests that drive it directly. This bypasses the history: do not
    /// mix it with [`Run::act`], [`Run::seek`] or [`Run::undo`] on the same run.
    pub fn world_mut(&mut self) -> &mut dyn Runner {
        self.world.as_mut()
    }

    /// The action log of this branch of the run (may reach past now after seeking back).
    pub fn actions(&self) -> &[crate::sim::Action] {
        self.history.log()
    }

    pub fn snapshot_count(&self) -> usize {
        self.history.snapshot_count()
    }

    /// The logged actions applied so far (after seeking back, the rest lie ahead).
    pub fn applied_actions(&self) -> &[crate::sim::Action] {
        self.history.applied()
    }

    /// Bumped whenever the world is rebuilt (seek back, step back, undo).
    pub fn epoch(&self) -> u64 {
        self.history.epoch()
    }

    /// Runs on to `until`, re-applying logged actions that lie ahead (after a seek back).
    pub fn advance_to(&mut self, until: Time) -> Result<(), SimError> {
        self.history.advance(self.world.as_mut(), until)
    }

    /// The next event (or logged action); false when nothing is left to happen.
    pub fn step(&mut self) -> Result<bool, SimError> {
        self.history.step(self.world.as_mut())
    }

    /// Applies an action now and logs it; after a seek back, the logged future is dropped first.
    pub fn act(&mut self, kind: ActionKind) -> Result<(), SimError> {
        self.history.act(self.world.as_mut(), kind)
    }

    /// Whether acting now would discard logged actions ahead (the page warns first).
    pub fn has_future(&self) -> bool {
        self.history.has_future()
    }

    /// Shows instant `t`, backwards or forwards, exactly as the run had it.
    pub fn seek(&mut self, t: Time) -> Result<(), SimError> {
        self.history.seek(&mut self.world, t)
    }

    /// Goes back to just before the latest event.
    pub fn step_back(&mut self) -> Result<(), SimError> {
        self.history.step_back(&mut self.world)
    }

    /// Takes back the newest action already applied.
    pub fn undo(&mut self) -> Result<(), SimError> {
        self.history.undo(&mut self.world)
    }

    /// Applies timed actions in order (each at its instant, after everything due then), then runs
    /// on to `until`. Actions must not lie in the past.
    pub fn replay(&mut self, actions: &[(Time, ActionKind)], until: Time) -> Result<(), SimError> {
        for (at, kind) in actions {
            if *at < self.world.now() {
                return Err(SimError::BadAction(format!(
                    "action {} at {} ms comes before {} ms, where the run already is",
                    kind.name(),
                    at.as_ms_f64(),
                    self.world.now().as_ms_f64()
                )));
            }
            self.advance_to(*at)?;
            self.act(kind.clone())?;
        }
        self.advance_to(until)
    }

    /// Whole-run counts and identity, as the headless runner prints them.
    pub fn summary(&self) -> Summary<'_> {
        let trace = self.world.trace();
        Summary {
            scenario: self.scenario_id(),
            seed: self.seed,
            params: &self.params,
            now_ms: self.world.now().as_ms_f64(),
            totals: trace.totals(),
            trace_hash: trace.hash_hex(),
            verdicts: self.world.frame(u64::MAX, 0).verdicts,
        }
    }

    /// The trace as JSON: what produced it (scenario, seed, params, actions) and the events still
    /// in the window, with whole-run totals and hash.
    pub fn export_json(&self) -> String {
        let w = self.world.as_ref();
        let export = Export {
            format: "dsviz-trace",
            version: TRACE_FORMAT_VERSION,
            summary: self.summary(),
            actions: self.actions().iter().map(|a| a.kind.record(a.at)).collect(),
            events_dropped: w.trace().totals().events - w.trace().window_len() as u64,
            events: w.trace().events().collect(),
        };
        serde_json::to_string(&export).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary<'a> {
    pub scenario: &'static str,
    pub seed: u64,
    pub params: &'a Params,
    pub now_ms: f64,
    pub totals: &'a crate::sim::trace::Totals,
    pub trace_hash: String,
    /// The scenario's claims as the run bears them out.
    pub verdicts: Vec<crate::sim::protocol::Verdict>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Export<'a> {
    format: &'static str,
    version: u32,
    #[serde(flatten)]
    summary: Summary<'a>,
    actions: Vec<crate::sim::action::ActionRecord>,
    events_dropped: u64,
    events: Vec<&'a crate::sim::trace::TraceEvent>,
}
