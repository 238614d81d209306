//! The deterministic core: pure Rust, no wasm or browser types. A run is a pure function of
//! (scenario, parameters, seed, timed action log).

pub mod action;
pub mod clock;
pub mod error;
mod faults;
pub mod frame;
mod in_flight;
mod link_times;
pub mod network;
pub mod node;
pub mod protocol;
pub mod queue;
pub mod rng;
pub mod runner;
pub mod time;
pub mod timing;
pub mod trace;
mod wire;
pub use wire::RECENTLY_DELIVERED;
pub mod world;

/// Nodes are numbered 0..n.
pub type NodeId = u32;

pub use action::{Action, ActionKind};
pub use error::SimError;
pub use runner::Runner;
pub use time::{Duration, Time};
