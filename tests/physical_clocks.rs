//! The physical-clocks scenario's claims, run headless with fixed seeds: drift accumulates
//! linearly; a clock stepped back makes a time-of-day duration negative while the monotonic one
//! stays right; timestamps from different clocks can order a reply before its request.

mod common;

use common::verdict;
use dsviz_core::run::Run;
use dsviz_core::scenarios::physical_clocks::{self, PhysicalClocks};
use dsviz_core::scenarios::Params;
use dsviz_core::sim::trace::{TraceEvent, TraceKind};
use dsviz_core::sim::world::World;
use dsviz_core::sim::{ActionKind, NodeId, Time};

const DAY_NS: u64 = 86_400_000_000_000;
const MS: i64 = 1_000_000;

fn world(seed: u64, params: &[(&str, &str)]) -> World<PhysicalClocks> {
    let p = Params::new(
        physical_clocks::SCENARIO.spec.params,
        &common::inputs(params),
    )
    .expect("valid physical-clocks parameters");
    physical_clocks::world(&p, seed)
}

/// (true time, value) of every point of metric `name` recorded by `node`.
fn metric(w: &World<PhysicalClocks>, node: NodeId, name: &str) -> Vec<(Time, f64)> {
    w.trace()
        .events()
        .filter(|e| e.node == node)
        .filter_map(|e| match e.kind {
            TraceKind::Metric { name: n, value } if n == name => Some((e.time, value)),
            _ => None,
        })
        .collect()
}

#[test]
fn fifty_ppm_drifts_4_32_s_in_a_simulated_day_and_linearly_on_the_way() {
    // Drifts spread from −50 ppm (n0) to +50 ppm (n2); one request a minute keeps the day quick.
    let mut w = world(
        7,
        &[
            ("nodes", "3"),
            ("drift_ppm", "50"),
            ("interval_ms", "60000"),
            ("job_ms", "3600000"),
        ],
    );
    let day = Time(DAY_NS);
    w.run_until(day);
    let drift = |node: NodeId| w.clock(node).expect("node").mono_at(day) - DAY_NS as i64;
    assert_eq!(drift(2), 4_320_000_000, "50 ppm for 86,400 s is 4.32 s");
    assert_eq!(drift(0), -4_320_000_000);
    assert_eq!(drift(1), 0);

    // The metric the page plots, sampled each round: drift = 50·10⁻⁶ × true time at every point
    // (to the nanosecond the integer clock rounds to), from the first minutes to the last hour.
    let points = metric(&w, 2, "drift_ms");
    assert!(points.len() > 1000, "{} samples", points.len());
    let (first, last) = (points[0].0, points[points.len() - 1].0);
    assert!(first.0 < 3_600_000_000_000 && last.0 > DAY_NS - 120_000_000_000);
    for (t, ms) in &points {
        let expected_ms = t.0 as f64 * 50e-6 / 1e6;
        assert!((ms - expected_ms).abs() <= 1e-6, "{ms} ms at {t}");
    }
    // Linear: each hour adds the same 180 ms (50 ppm × 3600 s).
    let at = |hours: u64| {
        let t = Time(hours * 3_600_000_000_000);
        w.clock(2).expect("n2").mono_at(t) - t.0 as i64
    };
    for h in [1, 6, 12, 18, 23] {
        assert_eq!(at(h + 1) - at(h), 180 * MS);
        assert_eq!(at(h), h as i64 * 180 * MS);
    }

    let (status, detail) = verdict(&w, "Drift accumulates linearly");
    assert_eq!(status, "holds");
    assert!(detail.contains("n2 +50.0 ppm: +4.3"), "{detail}");
    assert!(detail.contains("+4.32 s/day"), "{detail}");
    assert!(detail.contains("n0 -50.0 ppm"), "{detail}");
}

#[test]
fn a_clock_stepped_back_times_a_job_negative_and_the_monotonic_clock_does_not() {
    // Drift 50 ppm on both nodes; a 3 s job started at boot. Step n1 back 5 s at 1 s.
    let mut w = world(
        3,
        &[
            ("nodes", "2"),
            ("drift_ppm", "50"),
            ("drift_pattern", "same"),
            ("job_ms", "3000"),
        ],
    );
    w.run_until(Time::from_ms(1000));
    let (status, _) = verdict(&w, "A clock stepped back");
    assert_eq!(status, "pending");
    w.act(ActionKind::SkewClock(1, -5_000 * MS)).expect("skew");
    w.run_until(Time::from_ms(3500));

    let jobs = |node| {
        (
            metric(&w, node, "job_tod_ms"),
            metric(&w, node, "job_mono_ms"),
        )
    };
    let (tod, mono) = jobs(1);
    assert_eq!((tod.len(), mono.len()), (1, 1));
    // The job's timer fires when the monotonic clock has counted 3 s (to the nanosecond it
    // rounds up to); the time-of-day clock counted the same 3 s minus the 5 s step.
    assert!(
        mono[0].1 >= 3000.0 && mono[0].1 <= 3_000.000_001,
        "{}",
        mono[0].1
    );
    assert!(
        (tod[0].1 - (mono[0].1 - 5000.0)).abs() < 1e-9,
        "{}",
        tod[0].1
    );
    assert!(tod[0].1 < -1999.99 && tod[0].1 > -2000.0 - 1e-6);
    // In true time the fast clock ran the job for 3 s / (1 + 50e-6).
    let true_len = tod[0].0 .0 as f64 / 1e6;
    assert!(
        (true_len - 3000.0 / (1.0 + 50e-6)).abs() < 1e-6,
        "{true_len}"
    );
    // The node that was not stepped measured 3 s both ways.
    let (tod0, mono0) = jobs(0);
    assert!((tod0[0].1 - mono0[0].1).abs() < 1e-9 && mono0[0].1 >= 3000.0);

    // The inspector shows both lengths, as the page's browser test will look for.
    let inspected = w.inspect(1).expect("n1").volatile.expect("up");
    let get = |k: &str| {
        inspected
            .iter()
            .find(|(f, _)| f == k)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(
        get("last job (time of day)").as_deref(),
        Some("-2000.000 ms")
    );
    assert_eq!(get("last job (monotonic)").as_deref(), Some("3000.000 ms"));
    let s = w.stable(1).expect("n1");
    assert_eq!(s.negative_tod, 1);
    assert!(s.min_mono.expect("timed") > 0);
    let (status, detail) = verdict(&w, "A clock stepped back");
    assert_eq!(status, "holds");
    assert!(
        detail.contains("n1 measured -2000.000 ms by time of day, 3000.000 ms by the monotonic"),
        "{detail}"
    );
    let noted = w.trace().events().any(|e| {
        e.node == 1
            && matches!(&e.kind, TraceKind::Note { text } if text.contains("job took -2000.000 ms"))
    });
    assert!(noted, "the negative duration is noted when it happens");
}

#[test]
fn a_round_trip_timed_across_a_backward_step_is_negative_by_time_of_day_only() {
    // Constant 40 ms each way, no drift: a round trip is exactly 80 ms.
    let mut w = world(
        5,
        &[
            ("nodes", "2"),
            ("drift_ppm", "0"),
            ("latency", "constant"),
            ("latency_ms", "40"),
        ],
    );
    w.run_until(Time::from_ms(1500));
    let sends: Vec<Time> = w
        .trace()
        .events()
        .filter(|e| {
            e.node == 0
                && matches!(
                    e.kind,
                    TraceKind::Send {
                        label: "request",
                        ..
                    }
                )
        })
        .map(|e| e.time)
        .collect();
    // Rounds come every second on n0's (perfect) clock: step it back 1 s 10 ms after the next.
    let next = Time(sends[0].0 + 2_000_000_000);
    w.run_until(next + dsviz_core::sim::Duration::from_ms(10));
    w.act(ActionKind::SkewClock(0, -1000 * MS)).expect("skew");
    w.run_until(next + dsviz_core::sim::Duration::from_ms(200));
    let rtt_tod = metric(&w, 0, "rtt_tod_ms");
    let rtt_mono = metric(&w, 0, "rtt_mono_ms");
    let (t, tod) = *rtt_tod.last().expect("a round trip");
    assert_eq!(t, next + dsviz_core::sim::Duration::from_ms(80));
    assert_eq!(tod, -920.0, "80 ms minus the 1 s step");
    assert_eq!(rtt_mono.last().expect("a round trip").1, 80.0);
    assert!(rtt_mono.iter().all(|(_, v)| *v == 80.0));
}

fn violation_times(w: &World<PhysicalClocks>) -> Vec<(Time, NodeId)> {
    w.trace()
        .events()
        .filter(|e| {
            matches!(
                e.kind,
                TraceKind::Metric {
                    name: "violations",
                    ..
                }
            )
        })
        .map(|e| (e.time, e.node))
        .collect()
}

#[test]
fn without_skew_or_drift_timestamps_never_contradict_causality() {
    let mut w = world(11, &[("nodes", "3"), ("drift_ppm", "0")]);
    w.run_until(Time::from_ms(3_600_000));
    let exchanges: u64 = (0..3).map(|i| w.stable(i).expect("node").exchanges).sum();
    assert!(exchanges > 3 * 3590, "{exchanges} exchanges");
    assert!(violation_times(&w).is_empty());
    assert!((0..3).all(|i| w.stable(i).expect("node").violations == 0));
    let (status, _) = verdict(&w, "Timestamps from different clocks");
    assert_eq!(status, "pending");
}

/// The reply deliveries (requester, replier, time) of the run.
fn replies(w: &World<PhysicalClocks>) -> Vec<(NodeId, NodeId, Time)> {
    w.trace()
        .events()
        .filter_map(|e: &TraceEvent| match e.kind {
            TraceKind::Deliver {
                from,
                label: "reply",
                ..
            } => Some((e.node, from, e.time)),
            _ => None,
        })
        .collect()
}

#[test]
fn a_clock_stepped_back_500_ms_puts_every_exchange_with_it_against_causality() {
    // Latency 40–60 ms, far below the 500 ms step: every exchange n1 takes part in is reversed
    // once the step has happened, and none between n0 and n2 ever is.
    let mut w = world(
        13,
        &[
            ("nodes", "3"),
            ("drift_ppm", "0"),
            ("latency", "uniform"),
            ("latency_ms", "40"),
            ("spread_ms", "20"),
        ],
    );
    let skew = Time::from_ms(5000);
    w.run_until(skew);
    assert!(violation_times(&w).is_empty());
    w.act(ActionKind::SkewClock(1, -500 * MS)).expect("skew");
    w.run_until(Time::from_ms(65_000));

    // Exchanges whose request left after the step (deliveries 120 ms later are surely such).
    let settled = Time::from_ms(5120);
    let with_n1: Vec<Time> = replies(&w)
        .into_iter()
        .filter(|(q, r, t)| *t > settled && (*q == 1 || *r == 1))
        .map(|(_, _, t)| t)
        .collect();
    let flagged: Vec<Time> = violation_times(&w)
        .into_iter()
        .filter(|(t, _)| *t > settled)
        .map(|(t, _)| t)
        .collect();
    assert!(with_n1.len() > 75, "{} exchanges with n1", with_n1.len());
    assert_eq!(
        flagged, with_n1,
        "exactly the exchanges with n1 are flagged"
    );
    assert!(violation_times(&w).iter().all(|(t, _)| *t > skew));
    let total: u64 = (0..3).map(|i| w.stable(i).expect("node").violations).sum();
    assert!(total >= with_n1.len() as u64);

    let (status, detail) = verdict(&w, "Timestamps from different clocks");
    assert_eq!(status, "holds");
    assert!(detail.contains("wrong orderings"), "{detail}");
    let noted = w.trace().events().filter(|e| {
        matches!(&e.kind, TraceKind::Note { text } if text.starts_with("Causality violated by timestamps"))
    });
    assert_eq!(noted.count() as u64, total);
}

#[test]
fn drift_alone_reverses_timestamps_once_clocks_part_by_more_than_the_latency() {
    // n0 at −50 ppm and n2 at +50 ppm part by 100 µs a second; the latency is at least 40 ms.
    // A reply is stamped before its request only when the clocks differ by more than the
    // latency: not before 40 ms / 100 ppm ≈ 400 s (399.98 s, with the 50 ppm rate on the
    // latency itself); n1 at 0 ppm is 50 ppm from each, so not before 800 s with it.
    let mut w = world(17, &[("nodes", "3"), ("drift_ppm", "50")]);
    w.run_until(Time::from_ms(1_000_000));
    let v = violation_times(&w);
    assert!(!v.is_empty(), "drift alone reversed timestamps by 1000 s");
    let first = v[0].0;
    assert!(first.0 >= 399_980_000_000, "first reversal at {first}");
    let reversed: Vec<(NodeId, NodeId, Time)> = replies(&w)
        .into_iter()
        .filter(|(_, _, t)| v.iter().any(|(vt, _)| vt == t))
        .collect();
    for (q, r, t) in &reversed {
        if t.0 < 799_960_000_000 {
            assert!((*q, *r) == (0, 2) || (*q, *r) == (2, 0), "{q}->{r} at {t}");
        }
    }
    // By 1000 s, n1 has parted from the others by more than the latency too.
    assert!(reversed.iter().any(|(q, r, _)| *q == 1 || *r == 1));
    assert!(reversed.len() > 100, "{} reversed", reversed.len());
}

#[test]
fn the_scenario_is_registered_and_refuses_bad_parameters() {
    let ok = Run::new("physical-clocks", 1, &common::inputs(&[("nodes", "4")]));
    assert!(ok.is_ok());
    for bad in [
        ("nodes", "9"),
        ("drift_ppm", "1e9"),
        ("drift_pattern", "wild"),
    ] {
        assert!(
            Run::new("physical-clocks", 1, &common::inputs(&[bad])).is_err(),
            "{bad:?}"
        );
    }
}

#[test]
fn skews_by_centuries_do_not_overflow_anything() {
    // A skew is at most a year; 320 of them pass what an i64 of nanoseconds holds (292 years).
    let mut w = world(19, &[("nodes", "3"), ("job_ms", "500")]);
    let year = 365 * 86_400_000 * MS;
    for i in 0..320 {
        w.run_until(Time::from_ms(100 + i * 50));
        w.act(ActionKind::SkewClock(1, year)).expect("skew");
        w.act(ActionKind::SkewClock(2, -year)).expect("skew");
    }
    w.run_until(Time::from_ms(30_000));
    assert_eq!(w.frame(0, 100).verdicts.len(), 3);
    assert!(w.stable(1).expect("n1").negative_tod == 0);
    assert!(w.stable(2).expect("n2").negative_tod > 0);
}
