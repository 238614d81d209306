//! The availability scenario's claims, run headless with fixed seeds.

mod common;

use dsviz_core::scenarios::availability::{self, Availability, Stable};
use dsviz_core::scenarios::{ParamInput, Params};
use dsviz_core::sim::protocol::Verdict;
use dsviz_core::sim::trace::TraceKind;
use dsviz_core::sim::world::World;
use dsviz_core::sim::{ActionKind, Time};

fn world(seed: u64, params: &[(&str, f64)]) -> World<Availability> {
    let inputs: Vec<_> = params
        .iter()
        .map(|(k, v)| (k.to_string(), ParamInput::Number(*v)))
        .collect();
    let p = Params::new(availability::SCENARIO.spec.params, &inputs).expect("valid parameters");
    availability::world(&p, seed)
}

fn secs(s: f64) -> Time {
    Time((s * 1e9) as u64)
}

fn stables(w: &World<Availability>) -> Vec<Stable> {
    (0..w.node_count() as u32)
        .map(|i| w.stable(i).expect("node").clone())
        .collect()
}

fn verdict(w: &World<Availability>, claim_starts: &str) -> Verdict {
    let since = w.trace().totals().events;
    w.frame(since, 0)
        .verdicts
        .into_iter()
        .find(|v| v.claim.starts_with(claim_starts))
        .unwrap_or_else(|| panic!("no verdict '{claim_starts}'"))
}

/// (sent at, latency) of every answered request still in the trace window, in seconds.
fn answered(w: &World<Availability>) -> Vec<(f64, f64)> {
    w.trace()
        .events()
        .filter_map(|e| match e.kind {
            TraceKind::Metric {
                name: "latency_ms",
                value,
            } => Some((e.time.as_ms_f64() / 1e3 - value / 1e3, value / 1e3)),
            _ => None,
        })
        .collect()
}

const QUIET: &[(&str, f64)] = &[("mtbf_s", 0.0), ("clients", 2.0), ("rate", 20.0)];

#[test]
fn a_single_server_is_a_single_point_of_failure() {
    let mut w = world(3, &[QUIET, &[("replicas", 1.0)]].concat());
    w.run_until(secs(10.0));
    assert!(w.protocol().replicas() == 1);
    w.act(ActionKind::CrashNode(0)).expect("crash");
    w.run_until(secs(15.0));
    w.act(ActionKind::RecoverNode(0)).expect("recover");
    w.run_until(secs(30.0));

    let t = availability::totals(&stables(&w), 1);
    // Two clients at 20 requests/s each: about 200 requests go out in the 5 s outage, a Poisson
    // count with standard deviation √200 ≈ 14.
    assert!(
        (t.failed as f64 - 200.0).abs() <= 4.0 * 200f64.sqrt(),
        "failed {}",
        t.failed
    );
    // Each client saw exactly one outage: the requests it sent while the server was down. A
    // request fails if it reaches the server during [10 s, 15 s): sent at most one network delay
    // (40 ms + exponential, mean 20 ms) before the crash, and at least 40 ms before the recovery.
    for s in &stables(&w)[1..] {
        let c = &s.client;
        assert!(c.open_outage.is_none());
        assert_eq!(c.outages.len(), 1, "{:?}", c.outages);
        let (from, to) = c.outages[0];
        let (from, to) = (from.as_ms_f64() / 1e3, to.as_ms_f64() / 1e3);
        assert!((9.7..=10.5).contains(&from), "outage from {from}");
        assert!((14.5..=14.96).contains(&to), "outage to {to}");
    }
    // Every request answered was sent outside the outage.
    for (sent, _) in answered(&w) {
        assert!(
            !(10.0..14.9).contains(&sent),
            "answered a request sent at {sent}"
        );
    }
    // Availability is the share answered: about 25 s of 30 s up.
    let a = t.answered as f64 / (t.answered + t.failed) as f64;
    let sd = 200f64.sqrt() / 1200.0;
    assert!((a - 25.0 / 30.0).abs() <= 4.0 * sd, "availability {a}");
    assert_eq!(
        verdict(&w, "A single server is a single point").status,
        "holds"
    );
}

#[test]
fn with_replicas_a_fault_need_not_become_a_failure() {
    let timeout = 0.5;
    let mut w = world(5, &[QUIET, &[("replicas", 3.0)]].concat());
    w.run_until(secs(10.0));
    assert_eq!(
        verdict(&w, "With replicas, a fault need not").status,
        "pending"
    );
    w.act(ActionKind::CrashNode(0)).expect("crash");
    w.run_until(secs(30.0));

    let t = availability::totals(&stables(&w), 3);
    assert!(t.answered > 1000, "answered {}", t.answered);
    assert_eq!(t.failed, 0, "no request failed");
    // The fault cost time, not answers: the requests that first went to the crashed replica were
    // answered by the next one after one timeout. They were sent from one network delay before
    // the crash until each client's first timeout expired (its first request after the crash,
    // an exponential gap with mean 50 ms, plus 500 ms).
    let slow: Vec<_> = answered(&w)
        .into_iter()
        .filter(|(_, latency)| *latency > timeout)
        .collect();
    assert_eq!(slow.len() as u64, t.rescued);
    // About 2 clients × 20/s × (0.5 s + one gap): 20 to 25 requests; ±4σ of a Poisson count.
    assert!(
        (12..=45).contains(&slow.len()),
        "{} requests were slowed",
        slow.len()
    );
    for (sent, latency) in &slow {
        assert!((9.7..=10.9).contains(sent), "slow request sent at {sent}");
        assert!(
            *latency < 2.0 * timeout,
            "answered by the next replica: {latency}"
        );
    }
    // Outside the failover window every request was answered well within the timeout.
    for (sent, latency) in answered(&w) {
        if !(9.7..=10.9).contains(&sent) {
            assert!(
                latency < timeout,
                "{latency} s for a request sent at {sent}"
            );
        }
    }
    assert_eq!(
        verdict(&w, "With replicas, a fault need not").status,
        "holds"
    );

    // The same crash with a single server: every request from then on fails.
    let mut one = world(5, &[QUIET, &[("replicas", 1.0)]].concat());
    one.run_until(secs(10.0));
    one.act(ActionKind::CrashNode(0)).expect("crash");
    one.run_until(secs(30.0));
    let t1 = availability::totals(&stables(&one), 1);
    // 20 s × 40 requests/s = 800, less those still waiting at the end.
    assert!(
        (t1.failed as f64 - 800.0).abs() <= 4.0 * 800f64.sqrt(),
        "failed {}",
        t1.failed
    );
}

/// Fraction of [0, until) that server 0 was up, from the crash and recovery events in the
/// trace, read as the run goes so the trace window never drops one.
fn run_measuring_uptime(w: &mut World<Availability>, until: f64) -> f64 {
    let (mut up_since, mut up) = (Some(0.0), 0.0);
    let mut seen = 0;
    let mut t = 0.0;
    while t < until {
        t = (t + 100.0).min(until);
        w.run_until(secs(t));
        for e in w.trace().since(seen) {
            let at = e.time.as_ms_f64() / 1e3;
            match e.kind {
                TraceKind::Crash { .. } if e.node == 0 => {
                    up += at - up_since.take().expect("crashed while up");
                }
                TraceKind::Recover { .. } if e.node == 0 => up_since = Some(at),
                TraceKind::Crash { .. } => panic!("only the server fails at random"),
                _ => {}
            }
        }
        seen = w.trace().totals().events;
    }
    up += up_since.map_or(0.0, |s| until - s);
    up / until
}

#[test]
fn one_servers_availability_approaches_mtbf_over_mtbf_plus_mttr() {
    // Over N failure/repair cycles with exponential up times (mean MTBF) and down times (mean
    // MTTR), the up fraction U/(U+D) has standard deviation about √(2/N)·A(1−A), A =
    // MTBF/(MTBF+MTTR) (delta method: Var U = N·MTBF², Var D = N·MTTR²). The clients' requests
    // are a random sample of that time, adding √(A(1−A)/requests).
    for (mtbf, mttr, seed) in [(10.0, 1.0, 21), (4.0, 4.0, 22)] {
        let until = 40_000.0;
        let mut w = world(
            seed,
            &[
                ("mtbf_s", mtbf),
                ("mttr_s", mttr),
                ("clients", 1.0),
                ("rate", 4.0),
            ],
        );
        let uptime = run_measuring_uptime(&mut w, until);
        let t = availability::totals(&stables(&w), 1);
        let finished = (t.answered + t.failed) as f64;
        let measured = t.answered as f64 / finished;
        let a = mtbf / (mtbf + mttr);
        let cycles = until / (mtbf + mttr);
        let time_sd = (2.0 / cycles).sqrt() * a * (1.0 - a);
        let sample_sd = (a * (1.0 - a) / finished).sqrt();
        let sd = (time_sd * time_sd + sample_sd * sample_sd).sqrt();
        println!(
            "MTBF {mtbf} s, MTTR {mttr} s: expected {a:.4}, measured {measured:.4} \
             (±{:.4} at 4σ), up time {uptime:.4}, {finished} requests",
            4.0 * sd
        );
        assert!(
            (measured - a).abs() <= 4.0 * sd,
            "MTBF {mtbf}, MTTR {mttr}: measured {measured}, expected {a} ± {}",
            4.0 * sd
        );
        // And the requests measure the up time itself, to within their sampling error (plus a
        // little for requests caught by a crash while in flight).
        assert!(
            (measured - uptime).abs() <= 4.0 * sample_sd + 0.002,
            "measured {measured}, up {uptime}"
        );
        assert_eq!(
            verdict(&w, "Over a long run, availability approaches").status,
            "holds"
        );
    }
}

#[test]
fn the_slo_verdict_flips_either_side_of_the_measured_percentile() {
    let base = [QUIET, &[("replicas", 1.0), ("slo_percent", 99.0)]].concat();
    let run = |slo_ms: f64| {
        let mut w = world(8, &[base.as_slice(), &[("slo_ms", slo_ms)]].concat());
        w.run_until(secs(60.0));
        w
    };
    let w = run(1000.0);
    let mut lat: Vec<f64> = answered(&w).iter().map(|(_, l)| l * 1e3).collect();
    let t = availability::totals(&stables(&w), 1);
    assert_eq!(t.failed, 0);
    assert_eq!(lat.len() as u64, t.answered);
    assert!(lat.len() > 2000, "{} requests", lat.len());
    lat.sort_by(|a, b| a.total_cmp(b));
    // Nearest rank: the smallest latency with at least 99% of requests at or below it.
    let rank = (lat.len() * 99).div_ceil(100);
    let p99 = lat[rank - 1];
    // The histogram's p99 (plotted and shown) is within its 1/32 resolution of the exact one.
    let shown = t.latencies.percentile(99_000, 0).expect("p99") as f64 / 1e6;
    assert!((shown - p99).abs() <= p99 / 32.0, "{shown} vs {p99}");

    let slo = "SLO: 99% of requests answered within";
    assert_eq!(verdict(&run(p99), slo).status, "holds");
    assert_eq!(verdict(&run(p99 + 1.0), slo).status, "holds");
    assert_eq!(verdict(&run(p99 - 0.001), slo).status, "fails");
    assert_eq!(verdict(&run(p99 - 1.0), slo).status, "fails");
}

#[test]
fn clients_never_fail_at_random() {
    let mut w = world(
        9,
        &[
            ("replicas", 2.0),
            ("clients", 3.0),
            ("mtbf_s", 1.0),
            ("mttr_s", 0.5),
        ],
    );
    w.run_until(secs(60.0));
    let mut server_crashes = 0;
    for e in w.trace().events() {
        if let TraceKind::Crash { random } = e.kind {
            assert!(random && e.node < 2, "node {} crashed", e.node);
            server_crashes += 1;
        }
    }
    assert!(server_crashes > 60, "{server_crashes} server crashes");
}

#[test]
fn the_default_run_shows_every_claim() {
    let mut w = world(1, &[]);
    w.run_until(secs(120.0));
    let since = w.trace().totals().events;
    let verdicts = w.frame(since, 0).verdicts;
    for v in &verdicts {
        println!("[{}] {}: {}", v.status, v.claim, v.detail);
    }
    assert_eq!(verdicts.len(), 4);
    let mut three = world(1, &[("replicas", 3.0)]);
    three.run_until(secs(1_200.0));
    let since = three.trace().totals().events;
    for v in three.frame(since, 0).verdicts {
        println!("[{}] {}: {}", v.status, v.claim, v.detail);
    }
    for i in 0..w.node_count() as u32 {
        let ins = w.inspect(i).expect("node");
        println!("n{i} {} {:?} {:?}", ins.status, ins.volatile, ins.stable);
    }
}

#[test]
fn an_overloaded_server_turns_requests_away_instead_of_queueing_forever() {
    // 4 clients × 500 requests/s against a server that handles one per 5 ms on average
    // (200/s): the queue fills to its limit and stays there.
    let mut w = world(
        12,
        &[
            ("mtbf_s", 0.0),
            ("clients", 4.0),
            ("rate", 500.0),
            ("service_ms", 5.0),
        ],
    );
    w.run_until(secs(10.0));
    match w.state(0) {
        Some(availability::State::Server { queue, refused, .. }) => {
            assert_eq!(queue.len(), availability::QUEUE_LIMIT);
            assert!(*refused > 5_000, "refused {refused}");
        }
        _ => panic!("the server is up"),
    }
    // Queued for 1000 × 5 ms = 5 s, far past the 500 ms timeout: almost nothing is answered in
    // time once the queue has filled.
    let t = availability::totals(&stables(&w), 1);
    assert!(
        t.failed > 10 * t.answered,
        "{} answered, {} failed",
        t.answered,
        t.failed
    );
}

#[test]
fn a_run_replays_and_seeks_to_the_same_trace_and_verdicts() {
    common::assert_replays_and_seeks("availability", ActionKind::CrashNode(0));
}
