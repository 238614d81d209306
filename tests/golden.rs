// Shared by the native tests and the browser tests: one run, its inputs and its trace hash. The
// browser computing this same hash shows native and wasm runs are bit-identical.
// If the simulation's semantics change on purpose, update GOLDEN_HASH here (both suites use it).

pub const GOLDEN_SCENARIO: &str = "sandbox";
pub const GOLDEN_SEED: u64 = 2024;
pub const GOLDEN_NODES: f64 = 6.0;
pub const GOLDEN_LOSS: f64 = 0.1;
pub const GOLDEN_UNTIL_MS: f64 = 8000.0;
/// (at ms, action, args): the same actions a student could click.
pub const GOLDEN_ACTIONS: &[(f64, &str, &[f64])] = &[
    (1000.0, "setDrift", &[2.0, 5000.0]),
    (1500.0, "crashNode", &[3.0]),
    (2000.0, "cutLink", &[0.0, 1.0, 1.0]),
    (2500.0, "pauseNode", &[4.0, 700.0]),
    (3000.0, "skewClock", &[5.0, -1200.0]),
    (4000.0, "recoverNode", &[3.0]),
    (5000.0, "healLink", &[0.0, 1.0, 1.0]),
];
pub const GOLDEN_HASH: &str = "9150c8dc9133d198";
