//! A run as the outside world names it: scenario id, seed, parameters and the timed action log.
//! Shared by the browser facade and the headless runner, so both build, act and export alike.

use crate::scenarios::{self, ParamInput, Params, Scenario};
use crate::sim::{ActionKind, Runner, SimError, Time};
use serde::Serialize;

#[derive(Clone)]
pub struct Run {
    scenario: &'static Scenario,
    seed: u64,
    params: Params,
    world: Box<dyn Runner>,
}

/// Version of the exported trace format (see the README).
pub const TRACE_FORMAT_VERSION: u32 = 1;

impl Run {
    pub fn new(id: &str, seed: u64, inputs: &[(String, ParamInput)]) -> Result<Run, SimError> {
        let scenario = scenarios::find(id)?;
        let params = Params::new(scenario.spec.params, inputs)?;
        let world = (scenario.build)(&params, seed);
        Ok(Run {
            scenario,
            seed,
            params,
            world,
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

    pub fn world_mut(&mut self) -> &mut dyn Runner {
        self.world.as_mut()
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
            self.world.run_until(*at);
            self.world.act(kind.clone())?;
        }
        self.world.run_until(until);
        Ok(())
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
            actions: w.actions().iter().map(|a| a.kind.record(a.at)).collect(),
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
