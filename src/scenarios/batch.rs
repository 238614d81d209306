//! Batch mode: many seeded runs of one scenario without animation, counted by outcome, beside the
//! theory's expectation where there is one. A scenario offers it by listing a function in [`ALL`].
//! Each run is exactly the run the page shows for that seed, and a batch is a pure function of
//! (scenario, params, first seed, runs), so the page can call it in chunks (say 5,000 runs between
//! two animation frames) and add the counts up: the total equals one big call.

use super::params::{ParamInput, Params};
use crate::sim::SimError;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchOutcome {
    pub name: &'static str,
    pub label: &'static str,
    pub count: u64,
    /// The theoretical probability, when the scenario knows it.
    pub expected: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchResult {
    pub scenario: &'static str,
    pub first_seed: u64,
    pub runs: u64,
    pub outcomes: Vec<BatchOutcome>,
}

/// (checked params, first seed, runs) → outcome counts.
pub type BatchFn = fn(&Params, u64, u64) -> Vec<BatchOutcome>;

/// Most runs one call may ask for, so a stray argument cannot freeze the page for minutes.
pub const MAX_RUNS_PER_CALL: u64 = 1_000_000;

/// The scenarios that offer a batch mode.
pub const ALL: &[(&str, BatchFn)] = &[("two-generals", super::two_generals::batch_outcomes)];

pub fn available() -> Vec<&'static str> {
    ALL.iter().map(|(id, _)| *id).collect()
}

pub fn run(
    id: &str,
    inputs: &[(String, ParamInput)],
    first_seed: u64,
    runs: u64,
) -> Result<BatchResult, SimError> {
    let scenario = super::find(id)?;
    let Some((_, f)) = ALL.iter().find(|(s, _)| *s == id) else {
        return Err(SimError::BadValue(format!(
            "scenario '{id}' has no batch mode (these do: {})",
            available().join(", ")
        )));
    };
    if runs == 0 || runs > MAX_RUNS_PER_CALL {
        return Err(SimError::BadValue(format!(
            "a batch is 1 to {MAX_RUNS_PER_CALL} runs per call, got {runs}"
        )));
    }
    if first_seed.checked_add(runs).is_none() {
        return Err(SimError::BadValue(format!(
            "seeds {first_seed} + {runs} run past 2^64"
        )));
    }
    let params = Params::new(scenario.spec.params, inputs)?;
    Ok(BatchResult {
        scenario: scenario.spec.id,
        first_seed,
        runs,
        outcomes: f(&params, first_seed, runs),
    })
}
