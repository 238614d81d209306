//! The client–server scenario's lecture claims, with real numbers: a small message takes about the
//! latency, a large one latency + size/bandwidth; a message travels as ⌈size/MTU⌉ packets;
//! throughput never exceeds the bandwidth; queued packets wait behind each other.

mod common;

use dsviz_core::run::Run;
use dsviz_core::scenarios::ParamInput;
use dsviz_core::sim::protocol::Verdict;
use dsviz_core::sim::trace::{TraceEvent, TraceKind};
use dsviz_core::sim::{NodeId, Time};

fn run(seed: u64, params: &[(&str, &str)]) -> Run {
    let inputs = common::inputs(params);
    Run::new("client-server", seed, &inputs).expect("valid client-server parameters")
}

fn run_to(run: &mut Run, ms: u64) {
    run.world_mut().run_until(Time::from_ms(ms));
}

fn events(run: &Run) -> Vec<TraceEvent> {
    run.world().trace().events().cloned().collect()
}

fn metric(ev: &[TraceEvent], name: &str) -> Vec<(Time, f64)> {
    ev.iter()
        .filter_map(|e| match e.kind {
            TraceKind::Metric { name: n, value } if n == name => Some((e.time, value)),
            _ => None,
        })
        .collect()
}

/// (msg id, sent at, delivered at, size) of every delivered message with this label.
fn deliveries(ev: &[TraceEvent], label: &str) -> Vec<(u64, Time, Time, u32)> {
    ev.iter()
        .filter_map(|e| match e.kind {
            TraceKind::Deliver {
                msg,
                label: l,
                sent_at,
                size,
                ..
            } if l == label => Some((msg, sent_at, e.time, size)),
            _ => None,
        })
        .collect()
}

fn verdicts(run: &Run) -> Vec<Verdict> {
    run.world().frame(0, 0).verdicts
}

fn status(v: &[Verdict], starts: &str) -> &'static str {
    v.iter()
        .find(|v| v.claim.starts_with(starts))
        .map(|v| v.status)
        .unwrap_or("missing")
}

fn ms(t: Time) -> f64 {
    t.as_ms_f64()
}

#[test]
fn a_small_message_takes_about_the_latency() {
    for latency in ["20", "50", "300"] {
        let mut r = run(
            1,
            &[
                ("latency_ms", latency),
                ("request_bytes", "200"),
                ("response_bytes", "100"),
            ],
        );
        run_to(&mut r, 5_000);
        let ev = events(&r);
        let l: f64 = latency.parse().expect("number");
        let small = deliveries(&ev, "request");
        assert!(small.len() >= 4, "{} requests", small.len());
        for (_, sent, got, _) in &small {
            let took = ms(*got) - ms(*sent);
            // 200 B at 1000 kB/s is 0.2 ms on the wire: within 2% of L at L ≥ 20 ms.
            assert!(
                (took - l).abs() <= 0.02 * l,
                "200 B took {took} ms, L = {l} ms"
            );
        }
        let v = verdicts(&r);
        assert_eq!(status(&v, "A small message"), "holds", "{v:?}");
    }
}

#[test]
fn a_1_mb_message_on_a_1_mb_per_s_link_takes_one_second_plus_latency() {
    let mut r = run(
        2,
        &[
            ("latency_ms", "50"),
            ("bandwidth_kbps", "1000"),
            ("request_bytes", "200"),
            ("response_bytes", "1000000"),
        ],
    );
    run_to(&mut r, 6_000);
    let ev = events(&r);
    let big = deliveries(&ev, "response");
    assert!(big.len() >= 2);
    for (_, sent, got, size) in &big {
        assert_eq!(*size, 1_000_000);
        let took = ms(*got) - ms(*sent);
        assert!(
            (took - 1050.0).abs() <= 0.02 * 1050.0,
            "1 MB took {took} ms, expected ≈ 1000 + 50"
        );
    }
    // The round trip the client measures on its own clock: L + 200 B/B + L + 1 MB/B.
    for (_, rtt) in metric(&ev, "latency") {
        assert!((rtt - 1100.2).abs() < 0.01 * 1100.2, "round trip {rtt} ms");
    }
    let v = verdicts(&r);
    assert_eq!(status(&v, "A large message"), "holds", "{v:?}");
    assert_eq!(status(&v, "A small message"), "holds", "{v:?}");
}

#[test]
fn large_message_time_scales_with_size_over_bandwidth() {
    // 10 MB at 1 MB/s and 2.5 MB at 500 kB/s: 10 s and 5 s on the wire, plus L.
    for (size, kbps, expect_ms) in [("10000000", "1000", 10_020.0), ("2500000", "500", 5_020.0)] {
        let mut r = run(
            3,
            &[
                ("latency_ms", "20"),
                ("bandwidth_kbps", kbps),
                ("response_bytes", size),
                ("request_bytes", "100"),
            ],
        );
        run_to(&mut r, 12_000);
        let ev = events(&r);
        let big = deliveries(&ev, "response");
        assert!(!big.is_empty(), "{size} B arrived");
        let (_, sent, got, _) = big[0];
        let took = ms(got) - ms(sent);
        assert!(
            (took - expect_ms).abs() <= 0.01 * expect_ms,
            "{size} B at {kbps} kB/s took {took} ms, expected {expect_ms}"
        );
    }
}

#[test]
fn a_message_is_split_into_ceil_size_over_mtu_packets() {
    for (size, mtu) in [
        (1_000_000u32, 1500u32),
        (1_000_000, 1000),
        (123_457, 576),
        (4_500, 1500),
        (1_501, 1500),
    ] {
        let expected = size.div_ceil(mtu);
        let mut r = run(
            4,
            &[
                ("response_bytes", &size.to_string()),
                ("mtu", &mtu.to_string()),
                ("request_bytes", "100"),
            ],
        );
        run_to(&mut r, 3_000);
        let ev = events(&r);
        let (msg, ..) = deliveries(&ev, "response")[0];
        let packets: Vec<(u32, u32, u32)> = ev
            .iter()
            .filter_map(|e| match e.kind {
                TraceKind::Packet {
                    msg: m,
                    index,
                    count,
                    size,
                    ..
                } if m == msg => Some((index, count, size)),
                _ => None,
            })
            .collect();
        assert_eq!(packets.len() as u32, expected, "{size} B over MTU {mtu}");
        let mut indices: Vec<u32> = packets.iter().map(|p| p.0).collect();
        indices.sort_unstable();
        assert_eq!(indices, (0..expected).collect::<Vec<_>>());
        assert!(packets.iter().all(|p| p.1 == expected && p.2 <= mtu));
        assert_eq!(packets.iter().map(|p| p.2 as u64).sum::<u64>(), size as u64);
        // The send event says the same.
        assert!(ev.iter().any(|e| matches!(e.kind,
            TraceKind::Send { msg: m, packets: n, .. } if m == msg && n == expected)));
    }
}

/// Every window between two packet arrivals at `node`: the bytes of the packets after the first
/// and up to the last came in within it, so they are at most B × its length.
fn check_windows(ev: &[TraceEvent], node: NodeId, bandwidth: f64) -> (usize, f64) {
    let arrivals: Vec<(u64, u32)> = ev
        .iter()
        .filter_map(|e| match e.kind {
            TraceKind::Packet { size, .. } if e.node == node => Some((e.time.0, size)),
            _ => None,
        })
        .collect();
    let mut windows = 0;
    let mut busiest: f64 = 0.0;
    for i in 0..arrivals.len() {
        let mut bytes = 0u64;
        for j in i + 1..arrivals.len().min(i + 2_000) {
            bytes += arrivals[j].1 as u64;
            let span = (arrivals[j].0 - arrivals[i].0) as f64 / 1e9;
            windows += 1;
            assert!(
                bytes as f64 <= bandwidth * span * (1.0 + 1e-6) + 1e-6,
                "{bytes} B in {span} s between packets {i} and {j}: over {bandwidth} B/s"
            );
            busiest = busiest.max(bytes as f64 / span);
        }
    }
    (windows, busiest)
}

#[test]
fn throughput_never_exceeds_the_bandwidth() {
    // Idle gaps, single messages, and a congested link with answers back to back.
    for (pacing, interval, kbps, mtu) in [
        ("one-at-a-time", "300", "1000", "1500"),
        ("fixed-interval", "200", "1000", "1500"),
        ("fixed-interval", "100", "250", "576"),
        ("fixed-interval", "50", "3333", "9000"),
    ] {
        let mut r = run(
            5,
            &[
                ("pacing", pacing),
                ("interval_ms", interval),
                ("bandwidth_kbps", kbps),
                ("mtu", mtu),
                ("response_bytes", "300000"),
            ],
        );
        run_to(&mut r, 8_000);
        let ev = events(&r);
        let b: f64 = kbps.parse::<f64>().expect("number") * 1000.0;
        let samples = metric(&ev, "throughput");
        assert!(samples.len() >= 79, "{} samples", samples.len());
        let top = samples.iter().map(|s| s.1).fold(0.0, f64::max);
        for (t, v) in &samples {
            assert!(*v <= b * (1.0 + 1e-6), "{v} B/s at {t} over {b} B/s");
        }
        // The link was really used to the full, not just lightly.
        assert!(top >= 0.99 * b, "busiest sample {top} of {b}");
        let (windows, busiest) = check_windows(&ev, 0, b);
        assert!(windows > 10_000, "{windows} windows");
        assert!(busiest >= 0.99 * b, "busiest window {busiest} of {b}");
        let v = verdicts(&r);
        assert_eq!(status(&v, "Throughput never"), "holds", "{v:?}");
    }
}

#[test]
fn requests_faster_than_the_link_drains_queue_and_latency_grows() {
    // One 500 kB answer needs 0.5 s on the wire; requests come every 0.2 s.
    let mut r = run(
        6,
        &[
            ("pacing", "fixed-interval"),
            ("interval_ms", "200"),
            ("response_bytes", "500000"),
            ("bandwidth_kbps", "1000"),
            ("latency_ms", "50"),
        ],
    );
    run_to(&mut r, 10_000);
    let ev = events(&r);
    let rtts: Vec<f64> = metric(&ev, "latency").iter().map(|m| m.1).collect();
    assert!(rtts.len() >= 15, "{} answers", rtts.len());
    // Each answer waits 0.3 s longer than the one before: 0.5 s on the wire minus 0.2 s apart.
    for w in rtts.windows(2) {
        assert!(w[1] > w[0], "round trips grow: {rtts:?}");
        assert!(
            (w[1] - w[0] - 300.0).abs() < 3.0,
            "by 300 ms each: {} → {}",
            w[0],
            w[1]
        );
    }
    assert!(rtts[rtts.len() - 1] > 4.0 * rtts[0]);
    let v = verdicts(&r);
    assert_eq!(status(&v, "Queued packets"), "holds", "{v:?}");
    assert_eq!(
        status(&v, "A large message"),
        "holds",
        "the first answer did not queue: {v:?}"
    );

    // One at a time, nothing queues and the round trip stays put.
    let mut calm = run(6, &[("response_bytes", "500000")]);
    run_to(&mut calm, 10_000);
    let rtts: Vec<f64> = metric(&events(&calm), "latency")
        .iter()
        .map(|m| m.1)
        .collect();
    assert!(rtts.len() >= 8);
    assert!(rtts.iter().all(|r| (r - rtts[0]).abs() < 0.01));
    assert_eq!(status(&verdicts(&calm), "Queued packets"), "pending");
}

#[test]
fn retransmission_does_not_resend_a_message_still_leaving() {
    // A 1 MB answer is a second on the wire, four times the RTO: the retransmission timer only
    // starts once its last packet has left, so nothing is resent on a loss-free link.
    let mut r = run(
        7,
        &[
            ("response_bytes", "1000000"),
            ("retransmit", "on"),
            ("rto_ms", "250"),
        ],
    );
    run_to(&mut r, 8_000);
    let t = r.world().trace().totals();
    assert_eq!(t.retransmissions, 0);
    assert!(deliveries(&events(&r), "response").len() >= 4);
}

#[test]
fn with_loss_the_client_times_out_or_the_transport_retries() {
    let lossy = [
        ("loss", "0.2"),
        ("response_bytes", "3000"),
        ("interval_ms", "100"),
        ("timeout_ms", "1000"),
    ];
    // Without retransmission a lost request or answer leaves the client waiting until its timeout.
    let mut r = run(8, &lossy);
    run_to(&mut r, 30_000);
    let ev = events(&r);
    let gave_up = ev
        .iter()
        .filter(
            |e| matches!(&e.kind, TraceKind::Note { text } if text.contains("no answer within")),
        )
        .count();
    assert!(gave_up >= 5, "{gave_up} timeouts");
    assert!(deliveries(&ev, "response").len() >= 10);

    // With it, every request is answered exactly once and nothing times out.
    let mut with = lossy.to_vec();
    with[3] = ("timeout_ms", "20000");
    with.push(("retransmit", "on"));
    let mut r = run(8, &with);
    run_to(&mut r, 30_000);
    let ev = events(&r);
    assert!(r.world().trace().totals().retransmissions > 10);
    assert!(!ev
        .iter()
        .any(|e| matches!(&e.kind, TraceKind::Note { text } if text.contains("no answer within"))));
    let mut ids: Vec<u64> = deliveries(&ev, "response").iter().map(|d| d.0).collect();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "no answer delivered twice");
    assert!(n >= 50, "{n} answers");
}

#[test]
fn jitter_keeps_delays_within_the_latency_band() {
    let mut r = run(
        9,
        &[
            ("latency_ms", "40"),
            ("spread_ms", "20"),
            ("response_bytes", "100"),
            ("request_bytes", "100"),
            ("interval_ms", "50"),
        ],
    );
    run_to(&mut r, 10_000);
    let ev = events(&r);
    let all: Vec<f64> = deliveries(&ev, "request")
        .iter()
        .chain(deliveries(&ev, "response").iter())
        .map(|(_, s, g, _)| ms(*g) - ms(*s))
        .collect();
    assert!(all.len() > 100);
    assert!(all.iter().all(|d| (40.0..=60.2).contains(d)), "{all:?}");
    assert_eq!(status(&verdicts(&r), "A small message"), "holds");
}

#[test]
fn a_changed_link_is_what_the_verdicts_measure_against() {
    use dsviz_core::sim::ActionKind;
    let mut r = run(10, &[("response_bytes", "500000")]);
    run_to(&mut r, 2_000);
    // The student halves the bandwidth from the link editor (both directions).
    let args = [
        0.0, 1.0, 0.0, 1.0, 0.0, 50.0, 0.0, 0.0, 0.0, 0.0, 500_000.0, 1500.0, 0.0,
    ];
    let set = ActionKind::parse("setLink", &args).expect("setLink");
    r.world_mut().act(set).expect("applies");
    run_to(&mut r, 8_000);
    let ev = events(&r);
    let after: Vec<f64> = deliveries(&ev, "response")
        .iter()
        .filter(|d| d.1 > Time::from_ms(2_000))
        .map(|(_, s, g, _)| ms(*g) - ms(*s))
        .collect();
    assert!(!after.is_empty());
    assert!(after.iter().all(|d| (d - 1050.0).abs() < 1.0), "{after:?}");
    let v = verdicts(&r);
    assert_eq!(status(&v, "A large message"), "holds", "{v:?}");
    assert_eq!(status(&v, "Throughput never"), "holds", "{v:?}");
}

#[test]
fn sizes_and_pacing_are_checked() {
    for (name, value) in [
        ("request_bytes", "0"),
        ("response_bytes", "20000001"),
        ("pacing", "bursty"),
        ("interval_ms", "-1"),
        ("mtu", "10"),
    ] {
        let inputs = vec![(name.to_string(), ParamInput::Text(value.to_string()))];
        assert!(
            Run::new("client-server", 1, &inputs).is_err(),
            "{name} = {value} refused"
        );
    }
    // A fixed interval of 0 does not stall time.
    let mut r = run(1, &[("pacing", "fixed-interval"), ("interval_ms", "0")]);
    run_to(&mut r, 200);
    assert_eq!(r.world().now(), Time::from_ms(200));
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let go = || {
        let mut r = run(
            12,
            &[
                ("spread_ms", "30"),
                ("loss", "0.05"),
                ("retransmit", "on"),
                ("pacing", "fixed-interval"),
                ("response_bytes", "20000"),
            ],
        );
        run_to(&mut r, 5_000);
        r.world().trace().hash_hex()
    };
    assert_eq!(go(), go());
}

#[test]
fn nodes_have_roles_and_can_be_inspected() {
    let mut r = run(13, &[]);
    run_to(&mut r, 2_000);
    let f = r.world().frame(0, 10);
    assert_eq!(f.nodes[0].role, Some("client"));
    assert_eq!(f.nodes[1].role, Some("server"));
    assert!(
        f.nodes[0].summary.contains("answered"),
        "{}",
        f.nodes[0].summary
    );
    for id in 0..2 {
        let i = r.world().inspect(id).expect("inspect");
        assert!(i.volatile.is_some_and(|v| !v.is_empty()));
    }
    let json = serde_json::to_string(&f).expect("frame serialises");
    assert!(json.contains("Throughput never exceeds"));
}
