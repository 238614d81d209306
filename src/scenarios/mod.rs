//! One file per lecture topic. Each declares its spec (id, title, summary, parameters) and a
//! `build` that makes a world from checked parameters and a seed. Register new ones in [`ALL`].

pub mod availability;
pub mod batch;
pub mod byzantine_generals;
pub mod client_server;
pub mod clock_sync;
pub mod failure_detector;
pub mod model;
pub mod params;
pub mod physical_clocks;
pub mod rpc;
pub mod sandbox;
pub mod timing_violations;
pub mod two_generals;

pub use params::{ParamInput, ParamSpec, Params};

use crate::sim::{Runner, SimError};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScenarioSpec {
    /// Used by the facade, the headless runner, share links and embed URLs.
    pub id: &'static str,
    pub title: &'static str,
    /// What the student sees and can do, and what the run shows.
    pub summary: &'static str,
    pub params: &'static [ParamSpec],
    /// Two or three things to try, in the page's narration panel.
    pub try_this: &'static [&'static str],
    /// What the scenario measures, for the page's plots (recorded as metric events).
    pub metrics: &'static [MetricSpec],
}

#[derive(Serialize)]
pub struct MetricSpec {
    /// The name the scenario records (`ctx.metric(name, value)`).
    pub name: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
}

pub struct Scenario {
    pub spec: ScenarioSpec,
    pub build: fn(&Params, u64) -> Box<dyn Runner>,
}

/// In the course's order, after the sandbox (the page opens the first).
pub const ALL: &[Scenario] = &[
    sandbox::SCENARIO,
    client_server::SCENARIO,
    rpc::SCENARIO,
    two_generals::SCENARIO,
    byzantine_generals::SCENARIO,
    timing_violations::SCENARIO,
    availability::SCENARIO,
    failure_detector::SCENARIO,
    physical_clocks::SCENARIO,
    clock_sync::SCENARIO,
];

pub fn find(id: &str) -> Result<&'static Scenario, SimError> {
    ALL.iter().find(|s| s.spec.id == id).ok_or_else(|| {
        let known: Vec<_> = ALL.iter().map(|s| s.spec.id).collect();
        SimError::UnknownScenario(format!(
            "unknown scenario '{id}' (known: {})",
            known.join(", ")
        ))
    })
}
