//! dsviz: distributed systems you can break with your own hands.
//!
//! - [`sim`]: the deterministic core (time, queue, network, nodes, clocks, trace, world).
//! - [`scenarios`]: one module per lecture topic, registered in [`scenarios::ALL`].
//! - [`run`]: a scenario run as the outside world names it (id, seed, params, action log).
//! - `wasm`: the browser facade (only on wasm32).

#![cfg_attr(not(test), deny(clippy::unwrap_used))]

pub mod history;
pub mod run;
pub mod scenarios;
pub mod share;
pub mod sim;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
