//! The failure-detector claims, run headless with fixed seeds. The truth the monitor cannot see
//! (who crashed when, who was only paused) is read from the trace.

mod common;

use dsviz_core::scenarios::failure_detector::{self, Episode, FailureDetector, State};
use dsviz_core::scenarios::Params;
use dsviz_core::sim::protocol::Verdict;
use dsviz_core::sim::trace::{TraceEvent, TraceKind};
use dsviz_core::sim::world::World;
use dsviz_core::sim::{ActionKind, Time};

fn world(seed: u64, params: &[(&str, &str)]) -> World<FailureDetector> {
    let inputs = common::inputs(params);
    let p = Params::new(failure_detector::SCENARIO.spec.params, &inputs).expect("valid params");
    failure_detector::world(&p, seed)
}

fn ms(t: f64) -> Time {
    Time((t * 1e6) as u64)
}

fn episodes(w: &World<FailureDetector>) -> Vec<Episode> {
    w.stable(0)
        .expect("monitor")
        .episodes
        .iter()
        .copied()
        .collect()
}

fn verdict(w: &World<FailureDetector>, claim_starts: &str) -> Verdict {
    let since = w.trace().totals().events;
    w.frame(since, 0)
        .verdicts
        .into_iter()
        .find(|v| v.claim.starts_with(claim_starts))
        .unwrap_or_else(|| panic!("no verdict '{claim_starts}'"))
}

fn suspected(w: &World<FailureDetector>) -> Vec<bool> {
    match w.state(0) {
        Some(State::Monitor { watches }) => watches.iter().map(|w| w.suspected).collect(),
        _ => panic!("the monitor is down"),
    }
}

/// Crash times of watched nodes, from the trace.
fn crashes(w: &World<FailureDetector>) -> Vec<(u32, Time)> {
    w.trace()
        .events()
        .filter(|e| matches!(e.kind, TraceKind::Crash { .. }))
        .map(|e| (e.node, e.time))
        .collect()
}

#[test]
fn in_the_synchronous_model_a_timeout_above_the_bound_is_a_perfect_detector() {
    // Δ = 100 ms, heartbeats every 100 ms, timeout 210 ms > Δ + interval.
    let (bound, timeout) = (100.0, 210.0);
    for detector in ["fixed", "eventually-perfect"] {
        for seed in 1..=6u64 {
            let mut w = world(
                seed,
                &[
                    ("nodes", "5"),
                    ("timing", "synchronous"),
                    ("bound_ms", "100"),
                    ("interval_ms", "100"),
                    ("timeout_ms", "210"),
                    ("detector", detector),
                    // Latencies 40 ms + exponential (mean 60 ms), cut at Δ by the model.
                    ("spread_ms", "60"),
                ],
            );
            // Crash three of the five nodes at times that vary with the seed.
            let plan = [
                (1 + seed as u32 % 5, 3_000.0 + 517.0 * seed as f64),
                (1 + (seed as u32 + 2) % 5, 7_000.0 + 131.0 * seed as f64),
                (1 + (seed as u32 + 4) % 5, 9_100.0 + 77.0 * seed as f64),
            ];
            for (node, at) in plan {
                w.run_until(ms(at));
                w.act(ActionKind::CrashNode(node)).expect("crash");
            }
            w.run_until(ms(20_000.0));
            let crashed = crashes(&w);
            let eps = episodes(&w);
            // Exactly one suspicion per crash, after it and within timeout + Δ of it.
            assert_eq!(eps.len(), 3, "{detector} seed {seed}: {eps:?}");
            for (node, at) in &crashed {
                let e = eps
                    .iter()
                    .find(|e| e.node == *node)
                    .unwrap_or_else(|| panic!("crash of n{node} never detected"));
                let delay = e.start.saturating_sub(*at).as_ms_f64();
                assert!(e.start > *at, "n{node} suspected before it crashed");
                assert!(
                    delay <= timeout + bound,
                    "{detector} seed {seed}: n{node} detected after {delay} ms"
                );
                assert_eq!(e.end, None, "a crashed node is never trusted again");
            }
            let sus = suspected(&w);
            for (i, s) in sus.iter().enumerate() {
                let dead = crashed.iter().any(|(n, _)| *n == i as u32 + 1);
                assert_eq!(*s, dead, "n{} suspected: {s}", i + 1);
            }
            assert_eq!(verdict(&w, "Completeness").status, "holds");
            assert_eq!(verdict(&w, "Accuracy").status, "holds");
        }
    }
}

const PARTIAL: &[(&str, &str)] = &[
    ("nodes", "3"),
    ("timing", "partially-synchronous"),
    ("gst_ms", "20000"),
    ("bound_ms", "100"),
    ("interval_ms", "100"),
    ("timeout_ms", "150"),
];

/// False suspicions (no node crashes in these runs, so every suspicion is false), split at GST
/// and at GST + settling time.
fn false_suspicions(w: &World<FailureDetector>, gst: f64, settle: f64) -> (usize, usize) {
    assert!(crashes(w).is_empty());
    let eps = episodes(w);
    let before = eps.iter().filter(|e| e.start < ms(gst)).count();
    let late = eps.iter().filter(|e| e.start >= ms(gst + settle)).count();
    (before, late)
}

#[test]
fn in_partial_synchrony_the_eventually_perfect_detector_stops_suspecting_after_gst() {
    let (gst, settle) = (20_000.0, 2_000.0);
    for seed in 1..=4u64 {
        for growth in ["add-step", "double"] {
            let mut w = world(
                seed,
                &[
                    PARTIAL,
                    &[("detector", "eventually-perfect"), ("growth", growth)],
                ]
                .concat(),
            );
            w.run_until(ms(80_000.0));
            let (before, after) = false_suspicions(&w, gst, settle);
            println!(
                "seed {seed}, eventually perfect ({growth}): {before} false suspicions before \
                 GST, {} in all, {after} after GST + 2 s",
                episodes(&w).len()
            );
            // Before GST, heavy-tailed delays make live nodes look dead...
            assert!(before >= 3, "seed {seed} {growth}: {before} before GST");
            // ...and each mistake lengthens that node's timeout, so once delays are bounded
            // (gaps between heartbeats at most interval + Δ − 40 ms = 160 ms) the mistakes stop.
            assert_eq!(after, 0, "seed {seed} {growth}: {after} after GST + 2 s");
            assert!(suspected(&w).iter().all(|s| !s));
            assert_eq!(verdict(&w, "Eventual accuracy").status, "holds");
            assert_eq!(verdict(&w, "Accuracy").status, "fails");
        }

        // The fixed detector with the same short timeout goes on suspecting live nodes after
        // GST. Delays are 40 ms + X, X exponential with mean 20 ms cut at Δ − 40 = 60 ms; the
        // gap between two arrivals exceeds 150 ms when one heartbeat is 50 ms slower than the
        // one before: P(min(X₂,60) − min(X₁,60) > 50) = e^(−2.5)·(1 − e^(−1))/2 ≈ 2.6%. Over
        // 3 nodes × 10 heartbeats/s × 58 s that is about 45 mistakes (Poisson: ±4σ ≈ ±27).
        let mut w = world(seed, &[PARTIAL, &[("detector", "fixed")]].concat());
        w.run_until(ms(80_000.0));
        let (before, after) = false_suspicions(&w, gst, settle);
        println!("seed {seed}, fixed 150 ms: {before} before GST, {after} after GST + 2 s");
        assert!(before >= 3, "fixed, seed {seed}: {before} before GST");
        assert!(
            (18..=80).contains(&after),
            "fixed, seed {seed}: {after} after GST"
        );
    }
}

#[test]
fn after_gst_the_eventually_perfect_detector_still_detects_crashes() {
    let mut w = world(
        3,
        &[PARTIAL, &[("detector", "eventually-perfect")]].concat(),
    );
    w.run_until(ms(40_000.0));
    w.act(ActionKind::CrashNode(2)).expect("crash");
    let timeout = match w.state(0) {
        Some(State::Monitor { watches }) => watches[1].timeout.as_ms_f64(),
        _ => panic!("monitor down"),
    };
    assert!(timeout > 150.0, "the timeout grew: {timeout} ms");
    w.run_until(ms(40_000.0 + timeout + 100.0));
    assert_eq!(suspected(&w), [false, true, false]);
    assert_eq!(verdict(&w, "Completeness").status, "holds");
}

/// The monitor's own events (what it did and noted), with their times.
fn monitor_events(w: &World<FailureDetector>, before: Time) -> Vec<(Time, TraceKind)> {
    w.trace()
        .events()
        .filter(|e: &&TraceEvent| e.node == 0 && e.time < before)
        .map(|e| (e.time, e.kind.clone()))
        .collect()
}

#[test]
fn until_a_paused_node_speaks_the_monitor_cannot_tell_it_from_a_crashed_one() {
    for (seed, timing) in [(4, "synchronous"), (5, "partially-synchronous")] {
        let params = [
            ("nodes", "3"),
            ("timing", timing),
            ("gst_ms", "1000"),
            ("timeout_ms", "300"),
        ];
        let at = ms(5_000.0);
        let mut crashed = world(seed, &params);
        crashed.run_until(at);
        crashed.act(ActionKind::CrashNode(2)).expect("crash");
        let mut paused = world(seed, &params);
        paused.run_until(at);
        paused
            .act(ActionKind::PauseNode(2, 2_000_000_000))
            .expect("pause");
        crashed.run_until(ms(10_000.0));
        paused.run_until(ms(10_000.0));

        // The moment the paused node's first heartbeat sent after the pause reaches the monitor.
        let spoke = paused
            .trace()
            .events()
            .find(|e| {
                e.node == 0
                    && matches!(e.kind, TraceKind::Deliver { from: 2, sent_at, .. } if sent_at > at)
            })
            .map(|e| e.time)
            .expect("the paused node spoke again");
        assert!(spoke >= ms(7_000.0), "it spoke at {spoke}");
        // Up to that moment the monitor did and noted exactly the same in both runs...
        let (a, b) = (
            monitor_events(&crashed, spoke),
            monitor_events(&paused, spoke),
        );
        assert!(a.len() > 50);
        assert_eq!(a, b, "{timing}: the monitor's view differs before n2 spoke");
        // ...including suspecting n2, about 300 ms after its last heartbeat.
        let note = |w: &World<FailureDetector>| {
            w.trace()
                .events()
                .filter(|e| e.node == 0 && e.time > at && e.time < spoke)
                .filter_map(|e| match &e.kind {
                    TraceKind::Note { text } if text.starts_with("suspect n2") => Some(e.time),
                    _ => None,
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(note(&crashed), note(&paused));
        assert_eq!(note(&paused).len(), 1);
        // Then it can tell: only in the paused run does it trust n2 again.
        assert_eq!(suspected(&crashed), [false, true, false]);
        assert_eq!(suspected(&paused), [false, false, false]);
        assert_eq!(verdict(&paused, "Accuracy").status, "fails");
        assert_eq!(verdict(&paused, "Until a slow node speaks").status, "holds");
        if timing == "synchronous" {
            // With no pause, a synchronous run makes no mistake: n2 was really dead.
            assert_eq!(verdict(&crashed, "Accuracy").status, "holds");
        }
    }
}

#[test]
fn the_default_run_shows_every_claim() {
    let mut w = world(1, &[]);
    w.run_until(ms(40_000.0));
    w.act(ActionKind::CrashNode(3)).expect("crash");
    w.run_until(ms(60_000.0));
    let since = w.trace().totals().events;
    let verdicts = w.frame(since, 0).verdicts;
    for v in &verdicts {
        println!("[{}] {}: {}", v.status, v.claim, v.detail);
    }
    assert_eq!(verdicts.len(), 4);
    for i in 0..w.node_count() as u32 {
        let ins = w.inspect(i).expect("node");
        println!("n{i} {} {:?} {:?}", ins.status, ins.volatile, ins.stable);
    }
}

#[test]
fn a_run_replays_and_seeks_to_the_same_trace_and_verdicts() {
    common::assert_replays_and_seeks("failure-detector", ActionKind::CrashNode(2));
}

#[test]
fn a_node_that_crashes_and_comes_back_was_rightly_suspected() {
    use dsviz_core::sim::node::FaultModel;
    let mut w = world(
        6,
        &[
            ("timing", "synchronous"),
            ("timeout_ms", "210"),
            ("detector", "eventually-perfect"),
        ],
    );
    w.act(ActionKind::SetFaultModel(1, FaultModel::CrashRecovery))
        .expect("fault model");
    w.run_until(ms(2_000.0));
    w.act(ActionKind::CrashNode(1)).expect("crash");
    w.run_until(ms(4_000.0));
    w.act(ActionKind::RecoverNode(1)).expect("recover");
    w.run_until(ms(6_000.0));
    let eps = episodes(&w);
    assert_eq!(eps.len(), 1, "{eps:?}");
    let e = eps[0];
    assert_eq!(e.node, 1);
    assert!(e.start > ms(2_000.0) && e.start <= ms(2_310.0), "{e:?}");
    // Trusted again at its first heartbeat from the new life, within an interval plus Δ.
    let end = e.end.expect("trusted again");
    assert!(end > ms(4_000.0) && end <= ms(4_200.0), "{e:?}");
    // The suspicion was right, so the timeout did not grow.
    match w.state(0) {
        Some(State::Monitor { watches }) => {
            assert_eq!(watches[0].timeout.as_ms_f64(), 210.0);
            assert_eq!(watches[0].incarnation, 2);
        }
        _ => panic!("monitor down"),
    }
    assert_eq!(verdict(&w, "Accuracy").status, "holds");
    assert_eq!(verdict(&w, "Completeness").status, "holds");
}

#[test]
fn a_timeout_shorter_than_the_heartbeat_interval_suspects_everyone_until_it_grows() {
    // 30 ms against heartbeats every 100 ms: every node is suspected between heartbeats; each
    // heartbeat proves the suspicion false and adds 100 ms, so one mistake per node suffices.
    let mut w = world(
        2,
        &[
            ("timing", "synchronous"),
            ("timeout_ms", "30"),
            ("detector", "eventually-perfect"),
            ("growth", "add-step"),
            ("step_ms", "100"),
            ("latency", "constant"),
        ],
    );
    w.run_until(ms(5_000.0));
    let eps = episodes(&w);
    assert_eq!(eps.len(), 3, "{eps:?}");
    assert!(eps.iter().all(|e| e.end.is_some()));
    match w.state(0) {
        Some(State::Monitor { watches }) => {
            assert!(watches.iter().all(|w| w.timeout.as_ms_f64() == 130.0))
        }
        _ => panic!("monitor down"),
    }
    assert_eq!(verdict(&w, "Accuracy").status, "fails");
    assert_eq!(verdict(&w, "Until a slow node speaks").status, "holds");
}
