//! Batch mode: many seeded runs of one scenario, counted by outcome, without animation.

use super::convert::{params_from_js, seed_from_js, to_js};
use super::{JsResult, Simulation};
use crate::scenarios;
use wasm_bindgen::prelude::*;

// ---- Batch mode ---------------------------------------------------------------------------------
// Many seeded runs of one scenario, headless, counted by outcome beside the theory's expectation,
// for the scenarios that offer it (`scenarios::batch::ALL`; `Simulation.batchScenarios()` lists
// them). A batch is a pure function of (scenario, params, first seed, runs) and each run is exactly
// the run the page shows for that seed, so the page keeps responsive by calling it in chunks (for
// instance 5,000 runs per animation frame, firstSeed advancing by the chunk) and adding the counts.
#[wasm_bindgen]
impl Simulation {
    /// `Simulation.batch(scenarioId, params, firstSeed, runs)` →
    /// `{ scenario, firstSeed, runs, outcomes: [{ name, label, count, expected }] }`
    /// (`expected`: the theoretical probability, or null). At most 1,000,000 runs per call.
    pub fn batch(
        scenario_id: &str,
        params: JsValue,
        first_seed: JsValue,
        runs: f64,
    ) -> JsResult<JsValue> {
        if !(runs.is_finite() && runs >= 1.0 && runs.fract() == 0.0) {
            return Err(JsError::new(&format!(
                "runs must be a whole number of at least 1, got {runs}"
            )));
        }
        let result = scenarios::batch::run(
            scenario_id,
            &params_from_js(&params)?,
            seed_from_js(&first_seed)?,
            runs.min(u64::MAX as f64) as u64,
        )?;
        to_js(&result)
    }

    /// Ids of the scenarios that offer `Simulation.batch`.
    #[wasm_bindgen(js_name = batchScenarios)]
    pub fn batch_scenarios() -> JsResult<JsValue> {
        to_js(&scenarios::batch::available())
    }
}
