//! The system-models claims (links, nodes, timing), run headless on the sandbox.

mod common;

use dsviz_core::run::Run;
use dsviz_core::sim::trace::{LossReason, TraceEvent, TraceKind};
use dsviz_core::sim::{ActionKind, Time};
use std::collections::BTreeMap;

fn sandbox(seed: u64, params: &[(&str, &str)]) -> Run {
    let inputs = common::inputs(params);
    Run::new("sandbox", seed, &inputs).expect("valid sandbox parameters")
}

fn run_for(run: &mut Run, ms: u64) {
    let until = Time(run.world().now().0 + ms * 1_000_000);
    run.world_mut().run_until(until);
}

fn events(run: &Run) -> Vec<TraceEvent> {
    run.world().trace().events().cloned().collect()
}

#[test]
fn retransmission_over_a_fair_loss_link_delivers_every_message_exactly_once() {
    let mut run = sandbox(
        4,
        &[
            ("nodes", "4"),
            ("loss", "0.3"),
            ("retransmit", "on"),
            ("rto_ms", "150"),
        ],
    );
    run_for(&mut run, 30_000);
    let ev = events(&run);
    // Messages sent in the first 25 s have had 5 s (over 30 retries) to get through.
    let mut sent: BTreeMap<u64, usize> = BTreeMap::new();
    let mut delivered: BTreeMap<u64, usize> = BTreeMap::new();
    for e in &ev {
        match e.kind {
            TraceKind::Send {
                msg,
                attempt: 0,
                label,
                ..
            } if label != "ack" && e.time < Time::from_ms(25_000) => {
                sent.insert(msg, 0);
            }
            TraceKind::Deliver { msg, label, .. } if label != "ack" => {
                *delivered.entry(msg).or_default() += 1
            }
            _ => {}
        }
    }
    assert!(sent.len() > 1000, "{} messages", sent.len());
    for msg in sent.keys() {
        assert_eq!(
            delivered.get(msg),
            Some(&1),
            "message {msg} delivered exactly once"
        );
    }
    let t = run.world().trace().totals();
    assert!(
        t.lost_random > 500,
        "the link really lost messages: {}",
        t.lost_random
    );
    assert!(
        t.retransmissions > 300,
        "and they were retried: {}",
        t.retransmissions
    );
    assert!(
        t.discarded > 10,
        "lost acks caused duplicates, discarded: {}",
        t.discarded
    );
}

#[test]
fn without_retransmission_a_fair_loss_link_loses_messages_for_good() {
    let mut run = sandbox(4, &[("nodes", "4"), ("loss", "0.3")]);
    run_for(&mut run, 10_000);
    let t = run.world().trace().totals();
    let rate = t.lost_random as f64 / t.sent as f64;
    assert!((rate - 0.3).abs() < 0.05, "loss rate {rate}");
    assert_eq!(t.retransmissions, 0);
}

#[test]
fn a_checksum_turns_corruption_into_loss() {
    let corrupting = [
        ("nodes", "4"),
        ("link_kind", "arbitrary"),
        ("corrupt", "0.3"),
    ];
    let mut raw = sandbox(6, &corrupting);
    run_for(&mut raw, 10_000);
    let damaged_delivered = events(&raw)
        .iter()
        .filter(|e| matches!(e.kind, TraceKind::Deliver { corrupt: true, .. }))
        .count();
    assert!(
        damaged_delivered > 50,
        "without a checksum damaged messages are delivered: {damaged_delivered}"
    );

    let mut checked = sandbox(6, &[corrupting.as_slice(), &[("checksum", "on")]].concat());
    run_for(&mut checked, 10_000);
    let ev = events(&checked);
    assert!(ev
        .iter()
        .all(|e| !matches!(e.kind, TraceKind::Deliver { corrupt: true, .. })));
    assert!(checked.world().trace().totals().lost_corrupted > 50);
}

#[test]
fn an_arbitrary_link_duplicates_and_retransmission_deduplicates() {
    let dup = [
        ("nodes", "3"),
        ("link_kind", "arbitrary"),
        ("duplicate", "0.3"),
    ];
    let mut raw = sandbox(8, &dup);
    run_for(&mut raw, 10_000);
    let t = raw.world().trace().totals();
    assert!(
        t.delivered > t.sent + t.sent / 5,
        "duplicates delivered: {} of {}",
        t.delivered,
        t.sent
    );
    // A reliable link never duplicates, whatever the setting says.
    let mut reliable = sandbox(
        8,
        &[
            ("nodes", "3"),
            ("link_kind", "reliable"),
            ("duplicate", "0.3"),
            ("loss", "0.5"),
        ],
    );
    run_for(&mut reliable, 10_000);
    let r = reliable.world().trace().totals();
    assert_eq!(
        r.sent,
        r.delivered + reliable.world().frame(0, 0).messages.len() as u64
    );
}

#[test]
fn a_crash_stop_node_never_comes_back_and_a_crash_recovery_one_keeps_only_stable_storage() {
    let mut stop = sandbox(
        3,
        &[
            ("nodes", "5"),
            ("fault_model", "crash-stop"),
            ("mtbf_s", "5"),
            ("mttr_s", "1"),
        ],
    );
    run_for(&mut stop, 60_000);
    let ev = events(&stop);
    let crashes = ev
        .iter()
        .filter(|e| matches!(e.kind, TraceKind::Crash { random: true }))
        .count();
    assert_eq!(crashes, 5, "every node fails within a minute at MTBF 5 s");
    assert!(ev
        .iter()
        .all(|e| !matches!(e.kind, TraceKind::Recover { .. })));
    assert!(stop.world_mut().act(ActionKind::RecoverNode(0)).is_err());

    let mut rec = sandbox(3, &[("nodes", "5"), ("mtbf_s", "5"), ("mttr_s", "1")]);
    run_for(&mut rec, 60_000);
    let ev = events(&rec);
    let recoveries = ev
        .iter()
        .filter(|e| matches!(e.kind, TraceKind::Recover { random: true }))
        .count();
    assert!(
        recoveries > 20,
        "crash-recovery nodes come back: {recoveries}"
    );
    let boots: u32 = (0..5)
        .map(|n| {
            let info = rec.world().inspect(n).expect("node");
            info.stable[0].1.parse::<u32>().expect("boots")
        })
        .sum();
    let per_node_recoveries = recoveries as u32;
    assert_eq!(
        boots,
        5 + per_node_recoveries,
        "stable storage counted every boot"
    );
}

#[test]
fn healing_a_partition_restores_only_the_links_it_cut() {
    let mut run = sandbox(2, &[("nodes", "4")]);
    let w = run.world_mut();
    w.act(ActionKind::CutLink {
        a: 0,
        b: 1,
        one_way: false,
    })
    .expect("cut");
    w.act(ActionKind::Partition(vec![0, 0, 1, 1]))
        .expect("partition");
    let net = run.world().network();
    for (a, b, up) in [
        (0, 1, false),
        (0, 2, false),
        (1, 3, false),
        (2, 3, true),
        (3, 0, false),
    ] {
        assert_eq!(net.is_up(a, b), up, "{a}→{b} during the partition");
    }
    run_for(&mut run, 3000);
    let cross_deliveries_during = events(&run)
        .iter()
        .filter(|e| matches!(e.kind, TraceKind::Deliver { from, .. } if (from < 2) != (e.node < 2)))
        .count();
    assert_eq!(cross_deliveries_during, 0, "nothing crosses the partition");
    run.world_mut()
        .act(ActionKind::HealPartition)
        .expect("heal");
    let net = run.world().network();
    assert!(net.is_up(0, 2) && net.is_up(1, 3) && net.is_up(3, 0));
    assert!(!net.is_up(0, 1) && !net.is_up(1, 0), "the hand cut stays");
}

#[test]
fn a_partition_of_a_thousand_nodes_is_their_groups_not_half_a_million_cut_links() {
    let mut run = sandbox(3, &[("nodes", "1000"), ("fanout", "8")]);
    run_for(&mut run, 1000);
    let in_flight_across = |run: &Run| {
        let f = run.world().frame(0, 0);
        f.messages
            .iter()
            .filter(|m| (m.from < 500) != (m.to < 500))
            .count()
    };
    assert!(
        in_flight_across(&run) > 100,
        "pings cross the halves before"
    );
    let lost_before = run.world().trace().totals().lost_link_cut;
    let groups: Vec<u16> = (0..1000).map(|n| (n >= 500) as u16).collect();
    run.world_mut()
        .act(ActionKind::Partition(groups))
        .expect("partition");
    let f = run.world().frame(0, 0);
    assert!(f.links.is_empty(), "no per-link records: {}", f.links.len());
    assert_eq!(f.partition.map(|g| g.len()), Some(1000));
    assert_eq!(in_flight_across(&run), 0, "what was crossing is lost");
    let lost = run.world().trace().totals().lost_link_cut - lost_before;
    assert!(lost > 100, "{lost} packets lost where they were");
    let net = run.world().network();
    assert!(!net.is_up(0, 999) && !net.is_up(999, 0) && net.is_up(0, 499) && net.is_up(500, 999));
    run_for(&mut run, 1000);
    let crossed = events(&run)
        .iter()
        .filter(|e| e.time > Time::from_ms(1000))
        .filter(
            |e| matches!(e.kind, TraceKind::Deliver { from, .. } if (from < 500) != (e.node < 500)),
        )
        .count();
    assert_eq!(crossed, 0, "nothing crosses during the partition");
}

fn max_network_delay(ev: &[TraceEvent], sent_after: Time) -> f64 {
    ev.iter()
        .filter_map(|e| match e.kind {
            TraceKind::Deliver { sent_at, .. } if sent_at >= sent_after => {
                Some((e.time.0 - sent_at.0) as f64 / 1e6)
            }
            _ => None,
        })
        .fold(0.0, f64::max)
}

#[test]
fn synchronous_delays_stay_within_the_bound_and_partial_synchrony_after_gst() {
    let slow = [
        ("nodes", "4"),
        ("latency", "exponential"),
        ("latency_ms", "20"),
        ("spread_ms", "100"),
    ];
    let mut sync = sandbox(
        5,
        &[
            slow.as_slice(),
            &[("timing", "synchronous"), ("bound_ms", "80")],
        ]
        .concat(),
    );
    run_for(&mut sync, 20_000);
    let max = max_network_delay(&events(&sync), Time::ZERO);
    assert!(
        max <= 80.0 && max > 70.0,
        "max delay {max} ms against Δ = 80 ms"
    );

    let ps = [
        ("timing", "partially-synchronous"),
        ("bound_ms", "80"),
        ("gst_ms", "10000"),
    ];
    let mut part = sandbox(5, &[slow.as_slice(), &ps].concat());
    run_for(&mut part, 20_000);
    let ev = events(&part);
    let before = max_network_delay(&ev, Time::ZERO);
    let after = max_network_delay(&ev, Time::from_ms(10_000));
    assert!(
        before > 500.0,
        "before GST delays are unbounded: max {before} ms"
    );
    assert!(
        after <= 80.0,
        "after GST they keep the bound: max {after} ms"
    );

    let mut asynchronous = sandbox(
        5,
        &[slow.as_slice(), &[("timing", "asynchronous")]].concat(),
    );
    run_for(&mut asynchronous, 20_000);
    assert!(max_network_delay(&events(&asynchronous), Time::ZERO) > 1000.0);
}

/// Honest nodes (0, 2, 3) that believe they heard from node 1 after it crashed at 1 s.
fn fooled_by_a_ghost(traitors: &str) -> usize {
    let mut run = sandbox(12, &[("nodes", "5"), ("traitors", traitors)]);
    run_for(&mut run, 1000);
    run.world_mut()
        .act(ActionKind::CrashNode(1))
        .expect("crash");
    run_for(&mut run, 6000);
    // Node 1 has been down since 1 s, yet honest nodes "heard from" it after 2 s: the traitor
    // (node 4) forged its id.
    let believers = [0, 2, 3]
        .iter()
        .filter(|n| {
            let info = run.world().inspect(**n).expect("node");
            let fields = info.volatile.expect("up");
            let heard = fields.iter().find(|(k, _)| k == "last heard n1");
            // "12.345 s (own clock)": clocks here are perfect, so this is true time.
            let secs = heard.and_then(|(_, v)| v.split(' ').next()?.parse::<f64>().ok());
            secs.is_some_and(|s| s > 2.0)
        })
        .count();
    let lost_to_crash = events(&run)
        .iter()
        .filter(|e| {
            matches!(
                e.kind,
                TraceKind::Lost {
                    reason: LossReason::DestCrashed,
                    ..
                }
            )
        })
        .count();
    assert!(lost_to_crash > 0);
    believers
}

#[test]
fn a_byzantine_node_forges_who_it_is() {
    assert_eq!(
        fooled_by_a_ghost("0"),
        0,
        "with no traitor, nobody hears from a crashed node"
    );
    assert!(
        fooled_by_a_ghost("1") >= 2,
        "a traitor forging ids fools honest nodes"
    );
}
