//! The clock-sync scenario's claims, run headless with fixed seeds: the estimated offset's error is
//! at most half the round trip (and is half the latency asymmetry); NTP slews small offsets at its
//! slew rate without a jump, steps large ones once, refuses absurd ones; periodic syncing keeps
//! drifting clocks within a bound.
//!
//! Tolerances come from the maths. With clocks running at rates 1 + ρ (drift plus slew), an
//! exchange's doubled error is exactly (up − down) + Δe_c − Δe_s, where Δe_c is how far the
//! client's clock moves against true time over the round trip (|ρ_c| × RTT) and Δe_s the same for
//! the server over its processing (zero: its clock is perfect). Here |ρ_c| ≤ 50 + 500 ppm.

mod common;

use common::verdict;
use dsviz_core::run::Run;
use dsviz_core::scenarios::clock_sync::{self, ClockSync};
use dsviz_core::scenarios::Params;
use dsviz_core::sim::trace::TraceKind;
use dsviz_core::sim::world::World;
use dsviz_core::sim::{ActionKind, NodeId, Time};
use std::collections::BTreeMap;

const MS: i64 = 1_000_000;

fn world(seed: u64, params: &[(&str, &str)]) -> World<ClockSync> {
    let p = Params::new(clock_sync::SCENARIO.spec.params, &common::inputs(params))
        .expect("valid clock-sync parameters");
    clock_sync::world(&p, seed)
}

/// One exchange as the metrics recorded it (ms).
#[derive(Debug, Clone, Copy)]
struct Ex {
    node: NodeId,
    estimate: f64,
    truth: f64,
    error: f64,
    half_rtt: f64,
    sync_bound: f64,
}

fn exchanges(w: &World<ClockSync>) -> Vec<Ex> {
    let mut by: BTreeMap<(Time, NodeId), BTreeMap<&str, f64>> = BTreeMap::new();
    for e in w.trace().events() {
        if let TraceKind::Metric { name, value } = e.kind {
            by.entry((e.time, e.node)).or_default().insert(name, value);
        }
    }
    // The trace window may have cut the oldest exchange's metrics short: skip it.
    by.into_iter()
        .filter(|(_, m)| m.len() == 6)
        .map(|((_, node), m)| Ex {
            node,
            estimate: m["estimated_offset_ms"],
            truth: m["true_offset_ms"],
            error: m["estimate_error_ms"],
            half_rtt: m["error_bound_ms"],
            sync_bound: m["sync_bound_ms"],
        })
        .collect()
}

/// The client's clock error (time of day − true time) now, ns: minus its true offset.
fn clock_error(w: &World<ClockSync>, node: NodeId) -> i64 {
    w.clock(node).expect("node").tod_at(w.now()) - w.now().0 as i64
}

fn steps(w: &World<ClockSync>, node: NodeId) -> Vec<(Time, i64)> {
    w.trace()
        .events()
        .filter(|e| e.node == node)
        .filter_map(|e| match e.kind {
            TraceKind::ClockStep { delta_ns } => Some((e.time, delta_ns)),
            _ => None,
        })
        .collect()
}

#[test]
fn the_error_never_exceeds_half_the_round_trip_with_random_asymmetric_latencies() {
    // Exponential latencies, 5 ms + exp(30 ms) up and 40 ms + exp(30 ms) down: the estimate is
    // biased and noisy, and still inside ±δ/2 every time, for both algorithms.
    for algorithm in ["ntp", "cristian"] {
        for seed in [1, 2, 3] {
            let mut w = world(
                seed,
                &[
                    ("algorithm", algorithm),
                    ("clients", "4"),
                    ("latency", "exponential"),
                    ("up_ms", "5"),
                    ("down_ms", "40"),
                    ("spread_ms", "30"),
                ],
            );
            w.run_until(Time::from_ms(900_000));
            let xs = exchanges(&w);
            assert!(xs.len() > 4 * 440, "{} exchanges", xs.len());
            let mut closest: f64 = 0.0;
            for x in &xs {
                assert!(
                    x.error.abs() <= x.half_rtt,
                    "{algorithm} seed {seed}: {x:?}"
                );
                closest = closest.max(x.error.abs() / x.half_rtt);
            }
            // The bound is nearly reached: an exchange whose request flew fast and reply slow.
            assert!(closest > 0.8, "{algorithm} seed {seed}: closest {closest}");
            assert!(xs.iter().any(|x| x.error > 0.0) && xs.iter().any(|x| x.error < 0.0));
            for i in 1..=4 {
                assert_eq!(w.stable(i).expect("client").beyond_bound, 0);
            }
            let (status, _) = verdict(&w, "The offset estimate's error");
            assert_eq!(status, "holds");
        }
    }
}

#[test]
fn with_symmetric_latency_the_estimate_is_exact_to_within_the_jitter() {
    // RTT = 30 + 5 + 30 ms; the client's clock moves at most 550 ppm × 65 ms meanwhile.
    let rates_ms = 550e-6 * 65.0 / 2.0;
    let mut w = world(4, &[("latency", "constant"), ("clients", "2")]);
    w.run_until(Time::from_ms(600_000));
    let xs = exchanges(&w);
    assert!(xs.len() > 590);
    for x in &xs {
        assert!(x.error.abs() <= rates_ms, "{x:?}");
    }
    // Stationary clocks measure it exactly: once a client stops slewing, the error is the
    // 50 ppm drift over 65 ms at most.
    assert!(xs.iter().any(|x| x.error.abs() <= 50e-6 * 65.0 / 2.0));

    // Uniform jitter of 10 ms each way: |up − down| ≤ 10 ms, so the error is within 5 ms.
    let mut w = world(4, &[("latency", "uniform"), ("spread_ms", "10")]);
    w.run_until(Time::from_ms(600_000));
    let xs = exchanges(&w);
    let worst = xs.iter().map(|x| x.error.abs()).fold(0.0, f64::max);
    assert!(worst <= 5.0 + rates_ms, "worst {worst}");
    assert!(worst > 3.5, "the jitter shows: worst {worst}");
    let (status, detail) = verdict(&w, "The error is half the latency asymmetry");
    assert_eq!(status, "holds");
    assert!(detail.contains("mean half-asymmetry"), "{detail}");
}

#[test]
fn asymmetric_latency_makes_the_error_half_the_difference_and_no_client_can_tell() {
    // 10 ms up, 50 ms down, 5 ms at the server. NTP: error = (10 − 50)/2 = −20 ms.
    // Cristian counts the server's 5 ms with the way out: (10 + 5 − 50)/2 = −17.5 ms.
    let rates_ms = 550e-6 * 65.0 / 2.0;
    for (algorithm, expected) in [("ntp", -20.0), ("cristian", -17.5)] {
        let mut w = world(
            5,
            &[
                ("algorithm", algorithm),
                ("latency", "constant"),
                ("up_ms", "10"),
                ("down_ms", "50"),
            ],
        );
        w.run_until(Time::from_ms(900_000));
        let xs = exchanges(&w);
        for x in &xs {
            assert!((x.error - expected).abs() <= rates_ms, "{algorithm}: {x:?}");
        }
        // The client believes itself right, and sits |expected| ms off true time: its clock is
        // behind by 20 ms (17.5 ms), give or take 50 ppm over one 2 s poll.
        for node in [1, 2] {
            let last = xs.iter().rev().find(|x| x.node == node).expect("exchanges");
            assert!(last.estimate.abs() < 0.2, "{algorithm} n{node}: {last:?}");
            let off = -clock_error(&w, node) as f64 / 1e6;
            assert!(
                (off + expected).abs() <= 0.1 + rates_ms,
                "{algorithm} n{node}: {off}"
            );
        }
    }
}

#[test]
fn ntp_slews_a_small_offset_at_500_ppm_and_never_jumps() {
    // One client 100 ms ahead, no drift, constant symmetric latency: each estimate is exact but
    // for the slew itself (500 ppm over the 65 ms round trip: 16.25 µs).
    let mut w = world(
        6,
        &[
            ("clients", "1"),
            ("drift_ppm", "0"),
            ("latency", "constant"),
        ],
    );
    let mut samples = Vec::new();
    for i in 0..=3000 {
        w.run_until(Time::from_ms(i * 100));
        samples.push((w.now(), clock_error(&w, 1)));
    }
    assert!(steps(&w, 1).is_empty(), "a small offset is never stepped");
    // The slew begins with the first reply.
    let start = w
        .trace()
        .events()
        .find(|e| matches!(e.kind, TraceKind::Slew { ppm } if ppm == -500.0))
        .map(|e| e.time)
        .expect("a slew began");
    for pair in samples.windows(2) {
        let jump = (pair[1].1 - pair[0].1).abs();
        assert!(jump <= 50_000, "moved {jump} ns in 100 ms at {}", pair[1].0);
    }
    for (t, err) in &samples {
        let expected = if *t <= start {
            100 * MS
        } else {
            (100 * MS - (t.0 - start.0) as i64 / 2_000).max(0)
        };
        if t.0 < start.0 + 199_000_000_000 {
            // On the line: 100 ms − 500 ppm × (t − start), to the nanosecond's rounding.
            assert!((err - expected).abs() <= 2, "{err} vs {expected} at {t}");
        } else if t.0 > start.0 + 202_000_000_000 {
            // Done after 100 ms / 500 ppm = 200 s: within the slew's own estimate error.
            assert!(err.abs() <= 16_250 + 2, "{err} at {t}");
        }
    }
    let (status, _) = verdict(&w, "Syncing periodically");
    assert_eq!(status, "holds");
    let stable = w.inspect(1).expect("n1").stable;
    let get = |k: &str| stable.iter().find(|(f, _)| f == k).map(|(_, v)| v.clone());
    assert_eq!(get("steps").as_deref(), Some("0"));
    assert!(get("t4 (client receives)").is_some_and(|v| v.ends_with(" s")));
    assert!(get("decision").is_some());
    assert_eq!(w.frame(0, 0).nodes[0].role, Some("time server"));
}

#[test]
fn a_slew_against_drift_converges_at_the_slew_rate_less_the_drift() {
    // +50 ppm drift fights the −500 ppm slew: the offset closes at 450 ppm, in 222.2 s.
    let mut w = world(
        6,
        &[
            ("clients", "1"),
            ("drift_ppm", "50"),
            ("latency", "constant"),
        ],
    );
    w.run_until(Time::from_ms(10_000));
    let start = w
        .trace()
        .events()
        .find(|e| matches!(e.kind, TraceKind::Slew { .. }))
        .map(|e| e.time)
        .expect("a slew began");
    let at_start = 100 * MS + (start.0 as i64) / 20_000; // 50 ppm until then
    for secs in [20, 100, 200] {
        let t = Time(start.0 + secs * 1_000_000_000);
        w.run_until(t);
        let expected = at_start - (secs as i64) * 450_000;
        assert!((clock_error(&w, 1) - expected).abs() <= 2, "at +{secs} s");
    }
    w.run_until(Time(start.0 + 230_000_000_000));
    assert!(clock_error(&w, 1).abs() <= 100_000 + 20_000);
    assert!(steps(&w, 1).is_empty());
}

#[test]
fn ntp_steps_a_large_offset_once_and_then_keeps_it_small() {
    // 2 s behind, 50 ppm slow, latency 30–40 ms each way.
    let mut w = world(7, &[("clients", "1"), ("offset_ms", "-2000")]);
    w.run_until(Time::from_ms(5_000));
    let s = steps(&w, 1);
    assert_eq!(s.len(), 1, "one step");
    let (at, delta) = s[0];
    // The step is the estimate: 2 s plus the drift so far, within half the jitter (5 ms).
    let drifted = at.0 as i64 / 20_000;
    assert!(
        (delta - (2000 * MS + drifted)).abs() <= 5 * MS + 20_000,
        "{delta}"
    );
    assert!(delta > 128 * MS);
    // From then on it is slewed, never stepped: within half the jitter plus the drift over a
    // poll (5 ms + 50 ppm × 2 s = 5.1 ms), plus the rates' share (17.9 µs).
    let bound = 5_100_000 + 17_875;
    let mut worst = 0;
    for i in 0..=3600 {
        w.run_until(Time(at.0 + 1 + i * 500_000_000));
        worst = worst.max(clock_error(&w, 1).abs());
    }
    assert!(worst <= bound, "worst {worst} ns");
    assert!(worst < 128 * MS);
    assert_eq!(steps(&w, 1).len(), 1, "still one step after 30 minutes");
    assert_eq!(w.stable(1).expect("client").steps, 1);
}

#[test]
fn ntp_refuses_an_offset_beyond_the_panic_threshold_and_steps_one_just_inside() {
    // Client 1 starts 2000 s ahead (beyond 1000 s), client 2 with offset_ms × 2 behind.
    let mut w = world(8, &[("clients", "1"), ("offset_ms", "2000000")]);
    w.run_until(Time::from_ms(60_000));
    assert!(steps(&w, 1).is_empty());
    let stats = w.stable(1).expect("client");
    assert!(stats.refused >= 29 && stats.refused == stats.exchanges);
    let err = clock_error(&w, 1);
    assert!(
        (err - 2_000_000 * MS).abs() < 10 * MS,
        "still 2000 s ahead: {err}"
    );
    let (status, detail) = verdict(&w, "Syncing periodically");
    assert_eq!(status, "fails");
    assert!(detail.contains("refused"), "{detail}");

    let mut w = world(8, &[("clients", "1"), ("offset_ms", "999000")]);
    w.run_until(Time::from_ms(60_000));
    let s = steps(&w, 1);
    assert_eq!(s.len(), 1);
    assert!((s[0].1 + 999_000 * MS).abs() < 10 * MS);
    assert!(clock_error(&w, 1).abs() < 10 * MS);

    // A student's skew by 10 minutes mid-run is stepped back; by an hour, refused. (Skewed
    // between exchanges: see the next test for a skew during one.)
    let mut w = world(8, &[("clients", "1"), ("offset_ms", "0")]);
    let between = |w: &mut World<ClockSync>, from_ms: u64| {
        w.run_until(Time::from_ms(from_ms));
        let reply = last_reply(w);
        w.run_until(reply + dsviz_core::sim::Duration::from_ms(100));
    };
    between(&mut w, 10_000);
    w.act(ActionKind::SkewClock(1, 600_000 * MS)).expect("skew");
    w.run_until(Time::from_ms(20_000));
    // The trace holds the student's step and the daemon's answer to it.
    let s = steps(&w, 1);
    assert_eq!(s.len(), 2, "{s:?}");
    assert_eq!(s[0].1, 600_000 * MS);
    assert!((s[1].1 + 600_000 * MS).abs() < 10 * MS);
    assert_eq!(w.stable(1).expect("client").steps, 1);
    assert!(clock_error(&w, 1).abs() < 10 * MS);
    between(&mut w, 20_000);
    w.act(ActionKind::SkewClock(1, 3_600_000 * MS))
        .expect("skew");
    w.run_until(Time::from_ms(30_000));
    assert_eq!(steps(&w, 1).len(), 3, "only the student's step was added");
    assert_eq!(w.stable(1).expect("client").steps, 1);
    assert!(w.stable(1).expect("client").refused >= 4);
    assert!((clock_error(&w, 1) - 3_600_000 * MS).abs() < 10 * MS);
}

/// When the latest reply reached a client.
fn last_reply(w: &World<ClockSync>) -> Time {
    w.trace()
        .events()
        .rev()
        .find(|e| matches!(e.kind, TraceKind::Deliver { label: "time", .. }))
        .map(|e| e.time)
        .expect("a reply")
}

#[test]
fn a_step_during_an_exchange_inflates_the_delay_and_the_bound_still_holds() {
    // Step the client 600 s ahead between its t1 and t4: δ grows by 600 s, the estimate is off
    // by half of it, and the error stays within δ/2 — the bound is honest, if useless. The client
    // steps by −300 s, then by the remaining −300 s at the next exchange.
    let mut w = world(
        12,
        &[
            ("clients", "1"),
            ("offset_ms", "0"),
            ("latency", "constant"),
        ],
    );
    w.run_until(Time::from_ms(10_000));
    // Event by event until the client's next request leaves; skew 10 ms into its flight.
    let sent = loop {
        assert!(w.step());
        let e = w.trace().events().last().expect("an event");
        if matches!(e.kind, TraceKind::Send { label: "time?", .. }) {
            break e.time;
        }
    };
    w.run_until(Time(sent.0 + 10_000_000));
    w.act(ActionKind::SkewClock(1, 600_000 * MS)).expect("skew");
    w.run_until(Time(sent.0 + 100_000_000));
    let x = *exchanges(&w).last().expect("the exchange");
    // δ = 60 ms of network + the 600 s step; the client was within 1 ms before it.
    assert!((x.half_rtt - (300_000.0 + 30.0)).abs() < 0.05, "{x:?}");
    assert!((x.estimate + 300_000.0).abs() < 1.0 && (x.truth + 600_000.0).abs() < 1.0);
    assert!(
        (x.error - 300_000.0).abs() < 0.05,
        "off by half the step: {x:?}"
    );
    assert!(x.error.abs() <= x.half_rtt);
    w.run_until(Time(sent.0 + 2_100_000_000));
    // The student's step, then the daemon's two.
    let s = steps(&w, 1);
    assert_eq!(s.len(), 3, "{s:?}");
    assert_eq!(s[0].1, 600_000 * MS);
    assert!((s[1].1 + 300_000 * MS).abs() < MS && (s[2].1 + 300_000 * MS).abs() < MS);
    assert_eq!(w.stable(1).expect("client").steps, 2);
    assert!(clock_error(&w, 1).abs() < MS);
}

#[test]
fn syncing_keeps_drifting_clocks_within_the_bound_the_page_shows() {
    // Four clients at ±50 ppm, latency 30–40 ms each way, for an hour. The bound each client can
    // vouch for is half its largest round trip plus 50 ppm over a poll; the truth is tighter.
    let mut w = world(9, &[("clients", "4")]);
    w.run_until(Time::from_ms(300_000)); // the first slews (up to 400 ms at 500 ppm) are done
    let mut worst = [0i64; 5];
    for i in 0..7200 {
        w.run_until(Time::from_ms(300_000 + i * 500));
        for node in 1..=4 {
            worst[node as usize] = worst[node as usize].max(clock_error(&w, node).abs());
        }
    }
    let xs = exchanges(&w);
    for node in 1..=4u32 {
        let shown = xs
            .iter()
            .rev()
            .find(|x| x.node == node)
            .expect("exchanges")
            .sync_bound;
        let stats = w.stable(node).expect("client");
        assert!(shown > 35.0 && shown < 40.2, "n{node}: bound {shown} ms");
        assert!((worst[node as usize] as f64 / 1e6) <= shown, "n{node}");
        // Half the jitter + 50 ppm × 2 s + the rates' share.
        assert!(
            worst[node as usize] <= 5_100_000 + 17_875,
            "n{node}: {}",
            worst[node as usize]
        );
        assert_eq!(stats.out_settled, 0);
    }
    let (status, _) = verdict(&w, "Syncing periodically");
    assert_eq!(status, "holds");

    // Without a discipline the same clocks drift apart: 50 ppm × 1 h = 180 ms beyond the start.
    let mut w = world(9, &[("clients", "4"), ("discipline", "none")]);
    w.run_until(Time::from_ms(3_600_000));
    assert_eq!(clock_error(&w, 1), 100 * MS + 180 * MS);
    let (status, detail) = verdict(&w, "Syncing periodically");
    assert_eq!(status, "fails");
    assert!(detail.contains("never corrected"), "{detail}");
}

#[test]
fn cristians_step_discipline_sets_the_clock_every_poll() {
    let mut w = world(10, &[("algorithm", "cristian"), ("discipline", "step")]);
    w.run_until(Time::from_ms(120_000));
    for node in [1, 2] {
        let stats = w.stable(node).expect("client");
        assert_eq!(stats.steps, stats.exchanges);
        assert!(stats.exchanges >= 59);
        // Each step leaves the error of its estimate: (up + 5 − down)/2, within (10 + 5)/2 ms.
        assert!(clock_error(&w, node).abs() <= 7_500_000 + 100_000 + 17_875);
    }
}

#[test]
fn a_client_that_crashes_mid_slew_reboots_with_its_slew_undone() {
    let mut w = world(11, &[("clients", "1"), ("latency", "constant")]);
    w.run_until(Time::from_ms(10_000));
    assert_eq!(w.clock(1).expect("n1").adjust_ppm(), -500.0);
    w.act(ActionKind::CrashNode(1)).expect("crash");
    // The clock hardware keeps running with the correction the daemon set...
    assert_eq!(w.clock(1).expect("n1").adjust_ppm(), -500.0);
    w.run_until(Time::from_ms(12_000));
    w.act(ActionKind::RecoverNode(1)).expect("recover");
    // ...and the daemon takes it back when it starts again, then re-measures.
    assert_eq!(w.clock(1).expect("n1").adjust_ppm(), 0.0);
    w.run_until(Time::from_ms(20_000));
    assert_eq!(w.clock(1).expect("n1").adjust_ppm(), -500.0);
}

#[test]
fn same_inputs_same_trace_and_bad_parameters_are_refused() {
    let run = |seed| {
        let mut r =
            Run::new("clock-sync", seed, &common::inputs(&[("clients", "3")])).expect("valid");
        r.replay(
            &[(Time::from_ms(5_000), ActionKind::SkewClock(2, -300 * MS))],
            Time::from_ms(60_000),
        )
        .expect("replay");
        r.summary().trace_hash
    };
    assert_eq!(run(1), run(1));
    assert_ne!(run(1), run(2));
    for bad in [
        ("clients", "0"),
        ("algorithm", "berkeley"),
        ("slew_ppm", "0"),
        ("up_ms", "-1"),
    ] {
        assert!(
            Run::new("clock-sync", 1, &common::inputs(&[bad])).is_err(),
            "{bad:?}"
        );
    }
}

#[test]
fn skews_by_years_do_not_overflow_anything() {
    // The facade allows a year per skew; a student may pile them up.
    let mut w = world(13, &[("clients", "2")]);
    let year = 365 * 86_400_000 * MS;
    // 320 years forward for n1, back for n2: past what an i64 of nanoseconds holds (292 years).
    for i in 0..320 {
        w.run_until(Time::from_ms(1000 + i * 150));
        w.act(ActionKind::SkewClock(1, year)).expect("skew");
        w.act(ActionKind::SkewClock(2, -year)).expect("skew");
    }
    w.run_until(Time::from_ms(60_000));
    assert_eq!(
        clock_error(&w, 1) + (w.now().0 as i64),
        i64::MAX,
        "saturated"
    );
    let f = w.frame(0, 100);
    assert_eq!(f.verdicts.len(), 3);
    assert!(w.inspect(1).is_ok() && w.inspect(2).is_ok());
}
