//! Time travel: seeking, stepping back, branching and undo give exactly the run a fresh replay gives.

use dsviz_core::run::Run;
use dsviz_core::scenarios::ParamInput;
use dsviz_core::sim::trace::TraceEvent;
use dsviz_core::sim::{ActionKind, Time};

fn sandbox() -> Run {
    let p = [("nodes", 6.0), ("loss", 0.1)];
    let inputs: Vec<_> = p
        .iter()
        .map(|(k, v)| (k.to_string(), ParamInput::Number(*v)))
        .collect();
    Run::new("sandbox", 31, &inputs).expect("sandbox")
}

fn ms(t: u64) -> Time {
    Time::from_ms(t)
}

fn script() -> Vec<(Time, ActionKind)> {
    vec![
        (ms(1_500), ActionKind::CrashNode(2)),
        (
            ms(4_000),
            ActionKind::CutLink {
                a: 0,
                b: 1,
                one_way: false,
            },
        ),
        (ms(6_000), ActionKind::PauseNode(3, 900_000_000)),
        (ms(9_000), ActionKind::RecoverNode(2)),
        (ms(12_000), ActionKind::SkewClock(4, -700_000_000)),
    ]
}

fn fresh_to(t: Time) -> Run {
    let mut run = sandbox();
    let due: Vec<_> = script().into_iter().filter(|(at, _)| *at <= t).collect();
    run.replay(&due, t).expect("replay");
    run
}

fn window(run: &Run) -> Vec<TraceEvent> {
    run.world().trace().events().cloned().collect()
}

fn same(a: &Run, b: &Run) {
    assert_eq!(a.world().now(), b.world().now());
    assert_eq!(a.world().trace().hash_hex(), b.world().trace().hash_hex());
    assert_eq!(a.world().trace().totals(), b.world().trace().totals());
    assert_eq!(window(a), window(b), "the recorded history is the same too");
}

#[test]
fn seeking_back_and_forth_shows_exactly_the_run_at_that_instant() {
    let mut run = sandbox();
    run.replay(&script(), ms(20_000)).expect("replay");
    let end_hash = run.world().trace().hash_hex();
    for t in [7_300, 1_499, 1_500, 12_000, 250, 19_999] {
        run.seek(ms(t)).expect("seek");
        same(&run, &fresh_to(ms(t)));
    }
    run.seek(ms(20_000)).expect("seek forward");
    assert_eq!(
        run.world().trace().hash_hex(),
        end_hash,
        "playing on re-applies the logged actions"
    );
    assert_eq!(run.actions().len(), 5);
}

#[test]
fn stepping_back_undoes_exactly_one_event() {
    let mut run = sandbox();
    run.replay(&script()[..2], ms(5_000)).expect("replay");
    for _ in 0..5 {
        run.step().expect("step");
    }
    let before: Vec<u64> = (0..3)
        .map(|_| {
            let n = run.world().processed();
            run.step_back().expect("step back");
            assert_eq!(run.world().processed(), n - 1);
            n
        })
        .collect();
    assert_eq!(before.len(), 3);
    // Stepping forward again from there reproduces the same events.
    let mut reference = sandbox();
    reference.replay(&script()[..2], ms(5_000)).expect("replay");
    // Five steps, three back, two forward: four steps from the start.
    for _ in 0..4 {
        reference.step().expect("step");
    }
    for _ in 0..2 {
        run.step().expect("step");
    }
    same(&run, &reference);
}

#[test]
fn acting_after_seeking_back_starts_a_new_branch() {
    let mut run = sandbox();
    run.replay(&script(), ms(20_000)).expect("replay");
    run.seek(ms(5_000)).expect("seek");
    assert!(run.has_future());
    run.act(ActionKind::CrashNode(5)).expect("act");
    assert!(!run.has_future());
    let names: Vec<_> = run.actions().iter().map(|a| a.kind.name()).collect();
    assert_eq!(
        names,
        ["crashNode", "cutLink", "crashNode"],
        "the future after 5 s is gone"
    );
    run.seek(ms(8_000)).expect("seek");
    let mut branch = sandbox();
    let mut due: Vec<_> = script()
        .into_iter()
        .filter(|(at, _)| *at <= ms(5_000))
        .collect();
    due.push((ms(5_000), ActionKind::CrashNode(5)));
    branch.replay(&due, ms(8_000)).expect("replay");
    same(&run, &branch);
}

#[test]
fn undo_takes_back_the_newest_action() {
    let mut run = sandbox();
    run.replay(&script()[..3], ms(8_000)).expect("replay");
    run.undo().expect("undo");
    assert_eq!(run.actions().len(), 2);
    same(&run, &{
        let mut r = sandbox();
        r.replay(&script()[..2], ms(8_000)).expect("replay");
        r
    });
    run.undo().expect("undo");
    run.undo().expect("undo");
    assert!(run.undo().is_err(), "nothing left to undo");
}

#[test]
fn snapshots_stay_bounded_over_a_long_run() {
    let mut run = sandbox();
    run.advance_to(ms(600_000)).expect("ten minutes");
    let t = run.world().trace().totals().events;
    assert!(
        run.snapshot_count() <= 128,
        "{} snapshots",
        run.snapshot_count()
    );
    run.seek(ms(123_456)).expect("seek");
    run.seek(ms(600_000)).expect("seek");
    assert_eq!(run.world().trace().totals().events, t);
}
