//! Helpers shared by the scenario tests (each test file includes what it uses).
#![allow(dead_code)]

use dsviz_core::run::Run;
use dsviz_core::scenarios::ParamInput;
use dsviz_core::sim::protocol::Protocol;
use dsviz_core::sim::world::World;
use dsviz_core::sim::{ActionKind, Time};

/// Parameters as a person writes them (`("loss", "0.3")`), for `Run::new` or `Params::new`.
pub fn inputs(pairs: &[(&str, &str)]) -> Vec<(String, ParamInput)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), ParamInput::Text(v.to_string())))
        .collect()
}

/// The status and detail of the scenario's claim that starts with `starts`.
pub fn verdict<P: Protocol>(w: &World<P>, starts: &str) -> (&'static str, String) {
    let v = w
        .frame(0, 0)
        .verdicts
        .into_iter()
        .find(|v| v.claim.starts_with(starts))
        .expect("the scenario states this claim");
    (v.status, v.detail)
}

/// A run with one action at 5 s, to 20 s: seeking back and forward, and replaying it afresh,
/// give the same trace hash and the same verdicts.
pub fn assert_replays_and_seeks(id: &str, action: ActionKind) {
    let mut live = Run::new(id, 7, &[]).expect("defaults");
    live.advance_to(Time::from_ms(5_000)).expect("advance");
    live.act(action.clone()).expect("act");
    live.advance_to(Time::from_ms(20_000)).expect("advance");
    let look = |r: &Run| {
        let w = r.world();
        let since = w.trace().totals().events;
        (r.summary().trace_hash, w.frame(since, 0).verdicts)
    };
    let end = look(&live);
    live.seek(Time::from_ms(8_000)).expect("seek back");
    assert_ne!(look(&live).0, end.0);
    live.seek(Time::from_ms(20_000)).expect("seek forward");
    assert_eq!(look(&live), end);
    let mut again = Run::new(id, 7, &[]).expect("defaults");
    again
        .replay(&[(Time::from_ms(5_000), action)], Time::from_ms(20_000))
        .expect("replay");
    assert_eq!(look(&again), end);
}
