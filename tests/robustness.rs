//! No panic on input: every scenario survives a long random storm of actions (valid or not),
//! seeks, step-backs and undos. A refused action must be an error, never a panic; and whatever
//! happened, the run must still replay to the same trace hash. With DSVIZ_DEBUG_STORM=1 the check
//! runs after every operation, naming the first one after which the run and its replay part.

use dsviz_core::run::Run;
use dsviz_core::scenarios;
use dsviz_core::sim::rng::SimRng;
use dsviz_core::sim::{ActionKind, Time};

fn storm(id: &str, seed: u64) {
    let mut run = Run::new(id, seed, &[]).expect("default parameters");
    let n = run.world().node_count() as u64;
    let mut rng = SimRng::new(seed, 99);
    let mut pick = |k: u64| rng.below(k);
    let debug = std::env::var_os("DSVIZ_DEBUG_STORM").is_some();
    let mut last = String::from("start");
    for step in 0..400 {
        if debug {
            // Finish the current instant first: after `step` the live run may stand mid-instant,
            // where a replay to that time (which runs the whole instant) cannot stand.
            let t = run.world().now();
            run.world_mut().run_until(t);
            // Find the first operation after which the run and a replay of its log part.
            let log: Vec<_> = run
                .applied_actions()
                .iter()
                .map(|a| (a.at, a.kind.clone()))
                .collect();
            let mut again = Run::new(id, seed, &[]).expect("default parameters");
            again.replay(&log, run.world().now()).expect("replay");
            let (a, b) = (
                again.world().trace().hash_hex(),
                run.world().trace().hash_hex(),
            );
            assert_eq!(
                a,
                b,
                "{id} seed {seed}: diverged at step {step} after {last} (now {})",
                run.world().now().as_ms_f64()
            );
        }
        let now = run.world().now();
        let node = |r: u64| (r % (n + 1)) as f64; // sometimes one past the last node
        let r = (pick(1 << 30), pick(1 << 30), pick(1 << 30));
        let attempt = match pick(16) {
            0 => ActionKind::parse("crashNode", &[node(r.0)]),
            1 => ActionKind::parse("recoverNode", &[node(r.0)]),
            2 => ActionKind::parse("pauseNode", &[node(r.0), (r.1 % 2000) as f64]),
            3 => ActionKind::parse("cutLink", &[node(r.0), node(r.1), (r.2 % 2) as f64]),
            4 => ActionKind::parse("healLink", &[node(r.0), node(r.1), (r.2 % 2) as f64]),
            5 => ActionKind::parse("skewClock", &[node(r.0), (r.1 % 20_000) as f64 - 10_000.0]),
            6 => ActionKind::parse("setDrift", &[node(r.0), (r.1 % 200_000) as f64 - 100_000.0]),
            7 => ActionKind::parse(
                "partition",
                &(0..n).map(|i| ((i + r.0) % 3) as f64).collect::<Vec<_>>(),
            ),
            8 => ActionKind::parse("healPartition", &[]),
            9 => ActionKind::parse(
                "setLink",
                &[
                    node(r.0),
                    node(r.1),
                    0.0,
                    (r.2 % 3) as f64,
                    (r.0 % 3) as f64,
                    5.0,
                    20.0,
                    0.2,
                    0.1,
                    0.1,
                    (r.1 % 2) as f64 * 50_000.0,
                    1500.0,
                    (r.2 % 2) as f64,
                ],
            ),
            10 => ActionKind::parse("setFaultModel", &[node(r.0), (r.1 % 3) as f64]),
            11 => ActionKind::parse("dropMessage", &[(r.0 % 500) as f64]),
            12 => {
                last = format!("seek from {}", now.as_ms_f64());
                let _ = run.seek(Time(now.0.saturating_sub((r.0 % 1500) * 1_000_000)));
                continue;
            }
            13 => {
                last = "step back".into();
                let _ = run.step_back();
                continue;
            }
            14 => {
                last = "undo".into();
                let _ = run.undo();
                continue;
            }
            _ => {
                last = "steps".into();
                for _ in 0..(r.0 % 50) {
                    run.step().expect("a step never fails on a valid log");
                }
                continue;
            }
        };
        if let Ok(kind) = attempt {
            last = format!("{kind:?}");
            let _ = run.act(kind);
        }
        run.advance_to(Time(run.world().now().0 + (50 + r.1 % 400) * 1_000_000))
            .expect("advancing never fails on a valid log");
        let _ = run.world().frame(0, 100);
        if step % 25 == 0 {
            for i in 0..n as u32 {
                let _ = run.world().inspect(i);
            }
        }
    }
    // Whatever happened, the log replays to the same run (finishing the current instant first).
    let t = run.world().now();
    run.world_mut().run_until(t);
    let log: Vec<_> = run
        .applied_actions()
        .iter()
        .map(|a| (a.at, a.kind.clone()))
        .collect();
    let mut again = Run::new(id, seed, &[]).expect("default parameters");
    again
        .replay(&log, run.world().now())
        .expect("replay of a storm");
    assert_eq!(
        again.world().trace().hash_hex(),
        run.world().trace().hash_hex(),
        "{id} seed {seed}"
    );
}

#[test]
fn every_scenario_survives_a_storm_of_actions() {
    for s in scenarios::ALL {
        for seed in 1..=4 {
            storm(s.spec.id, seed);
        }
    }
}
