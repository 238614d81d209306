//! The timing-violations scenario's lecture claims, with real numbers: an otherwise synchronous
//! system misses its bound Δ through a pause, congestion or a retransmission, and a timeout-based
//! view of which nodes are alive is wrong while that lasts, and right again after.

use dsviz_core::run::Run;
use dsviz_core::scenarios::ParamInput;
use dsviz_core::sim::protocol::Verdict;
use dsviz_core::sim::trace::{TraceEvent, TraceKind};
use dsviz_core::sim::{ActionKind, NodeId, Time};
use std::collections::BTreeMap;

const DELTA_MS: f64 = 100.0;
const T_MS: f64 = 300.0; // I + Δ with the defaults

/// Every trouble off unless the test names it.
fn quiet() -> Vec<(&'static str, String)> {
    vec![
        ("pause_ms", "0".into()),
        ("upload_kb", "0".into()),
        ("loss_ms", "0".into()),
    ]
}

fn run(seed: u64, params: &[(&str, String)]) -> Run {
    let inputs: Vec<_> = params
        .iter()
        .map(|(k, v)| (k.to_string(), ParamInput::Text(v.clone())))
        .collect();
    Run::new("timing-violations", seed, &inputs).expect("valid parameters")
}

fn with(
    mut base: Vec<(&'static str, String)>,
    more: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    for (k, v) in more {
        base.retain(|(n, _)| n != k);
        base.push((k, v.to_string()));
    }
    base
}

fn run_to(r: &mut Run, ms: u64) {
    r.world_mut().run_until(Time::from_ms(ms));
}

fn act(r: &mut Run, at_ms: u64, name: &str, args: &[f64]) {
    run_to(r, at_ms);
    let kind = ActionKind::parse(name, args).expect("well-formed action");
    r.world_mut().act(kind).expect("action applies");
}

fn events(r: &Run) -> Vec<TraceEvent> {
    r.world().trace().events().cloned().collect()
}

fn ms(t: Time) -> f64 {
    t.as_ms_f64()
}

fn metric(ev: &[TraceEvent], name: &str) -> Vec<(f64, f64)> {
    ev.iter()
        .filter_map(|e| match e.kind {
            TraceKind::Metric { name: n, value } if n == name => Some((ms(e.time), value)),
            _ => None,
        })
        .collect()
}

/// Heartbeats from `from` delivered to the monitor: (first sent, delivered, retransmitted?), from
/// the trace alone — the first transmission's send event, whatever the transport did after.
fn heartbeats(ev: &[TraceEvent], from: NodeId) -> Vec<(f64, f64, bool)> {
    let mut first: BTreeMap<u64, f64> = BTreeMap::new();
    let mut retried: BTreeMap<u64, bool> = BTreeMap::new();
    let mut out = Vec::new();
    for e in ev {
        match e.kind {
            TraceKind::Send {
                msg,
                label: "heartbeat",
                attempt,
                ..
            } if e.node == from => {
                first.entry(msg).or_insert(ms(e.time));
                if attempt > 0 {
                    retried.insert(msg, true);
                }
            }
            TraceKind::Deliver {
                msg,
                from: f,
                label: "heartbeat",
                ..
            } if f == from && e.node == 0 => {
                if let Some(s) = first.get(&msg) {
                    out.push((*s, ms(e.time), retried.contains_key(&msg)));
                }
            }
            _ => {}
        }
    }
    out
}

/// Stretches of time in which the monitor suspected at least one node: (from, to) in ms.
fn suspicion_spells(ev: &[TraceEvent]) -> Vec<(f64, f64)> {
    let mut spells = Vec::new();
    let mut start = None;
    for (t, v) in metric(ev, "suspected") {
        match (start, v > 0.0) {
            (None, true) => start = Some(t),
            (Some(s), false) => {
                spells.push((s, t));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spells.push((s, f64::INFINITY));
    }
    spells
}

fn verdicts(r: &Run) -> Vec<Verdict> {
    r.world().frame(0, 0).verdicts
}

fn status(v: &[Verdict], starts: &str) -> &'static str {
    v.iter()
        .find(|v| v.claim.starts_with(starts))
        .map(|v| v.status)
        .unwrap_or("missing")
}

fn no_crashes(ev: &[TraceEvent]) -> bool {
    !ev.iter().any(|e| matches!(e.kind, TraceKind::Crash { .. }))
}

#[test]
fn while_the_bound_holds_every_delay_is_within_it_and_nobody_is_suspected() {
    let mut r = run(1, &quiet());
    run_to(&mut r, 30_000);
    let ev = events(&r);
    for node in 1..=3 {
        let beats = heartbeats(&ev, node);
        assert!(beats.len() > 140, "n{node}: {} heartbeats", beats.len());
        for (sent, got, _) in beats {
            assert!(got - sent <= DELTA_MS, "n{node}: {sent} → {got}");
        }
    }
    let delays = metric(&ev, "delay");
    assert!(delays.iter().all(|d| d.1 <= DELTA_MS));
    assert!(suspicion_spells(&ev).is_empty());
    let v = verdicts(&r);
    for claim in [
        "A pause",
        "Congestion",
        "A retransmission",
        "While the bound is broken",
    ] {
        assert_eq!(status(&v, claim), "pending", "{claim}: {v:?}");
    }
    assert_eq!(status(&v, "While the bound holds"), "holds");
    assert_eq!(status(&v, "The monitor's view right now"), "holds");
}

#[test]
fn a_gc_pause_breaks_the_bound_and_the_monitor_suspects_a_live_node_until_it_ends() {
    let p = with(quiet(), &[("pause_at_ms", "2000"), ("pause_ms", "800")]);
    let mut r = run(2, &p);
    run_to(&mut r, 2_600);
    // Mid-pause: n1 is suspected, although it is up (only paused).
    let v = verdicts(&r);
    assert_eq!(status(&v, "The monitor's view right now"), "fails", "{v:?}");
    run_to(&mut r, 15_000);
    let ev = events(&r);
    assert!(no_crashes(&ev));
    assert!(ev.iter().any(|e| e.node == 1
        && e.time == Time::from_ms(2_000)
        && matches!(e.kind, TraceKind::Pause { .. })));
    // From the trace: n1's heartbeats stop for the pause (a gap far over I + Δ) …
    let beats = heartbeats(&ev, 1);
    let gap = beats
        .windows(2)
        .map(|w| w[1].1 - w[0].1)
        .fold(0.0, f64::max);
    assert!(gap > 800.0, "longest gap between n1's heartbeats {gap} ms");
    // … and the monitor measures the one due in the pause as over Δ: about the pause itself.
    let worst = metric(&ev, "delay").iter().map(|d| d.1).fold(0.0, f64::max);
    assert!(worst > 600.0, "worst delay {worst} ms, Δ = {DELTA_MS} ms");
    // The false suspicion starts inside the pause and ends within Δ of its end, for good.
    let spells = suspicion_spells(&ev);
    assert_eq!(spells.len(), 1, "{spells:?}");
    let (from, to) = spells[0];
    assert!((2_000.0..2_800.0).contains(&from), "{spells:?}");
    assert!((2_800.0..=2_800.0 + DELTA_MS).contains(&to), "{spells:?}");
    let v = verdicts(&r);
    assert_eq!(status(&v, "A pause breaks"), "holds", "{v:?}");
    assert_eq!(status(&v, "While the bound is broken"), "holds");
    assert_eq!(status(&v, "While the bound holds"), "holds");
    assert_eq!(status(&v, "The monitor's view right now"), "holds");
    assert_eq!(status(&v, "Congestion"), "pending");
}

#[test]
fn congestion_behind_an_upload_breaks_the_bound_and_fools_the_monitor() {
    // 200 kB on a 100 kB/s link: n2's heartbeats queue behind it for 2 s.
    let p = with(
        quiet(),
        &[
            ("upload_at_ms", "5000"),
            ("upload_kb", "200"),
            ("bandwidth_kbps", "100"),
        ],
    );
    let mut r = run(3, &p);
    run_to(&mut r, 20_000);
    let ev = events(&r);
    assert!(no_crashes(&ev));
    let late: Vec<f64> = heartbeats(&ev, 2)
        .iter()
        .filter(|(s, g, retried)| g - s > DELTA_MS && !retried)
        .map(|(s, g, _)| g - s)
        .collect();
    assert!(late.len() >= 5, "late heartbeats {late:?}");
    let worst = late.iter().copied().fold(0.0, f64::max);
    assert!(
        worst > 1_500.0,
        "worst {worst} ms (sent just after the upload: ~1.9 s)"
    );
    // The other workers share no link with the upload and keep the bound.
    for node in [1, 3] {
        assert!(heartbeats(&ev, node)
            .iter()
            .all(|(s, g, _)| g - s <= DELTA_MS));
    }
    let spells = suspicion_spells(&ev);
    assert_eq!(spells.len(), 1, "{spells:?}");
    let (from, to) = spells[0];
    assert!((5_000.0..7_000.0).contains(&from), "{spells:?}");
    assert!((7_000.0..=7_000.0 + DELTA_MS).contains(&to), "{spells:?}");
    let v = verdicts(&r);
    assert_eq!(status(&v, "Congestion breaks"), "holds", "{v:?}");
    assert_eq!(status(&v, "While the bound is broken"), "holds");
    assert_eq!(status(&v, "A pause"), "pending");
    assert_eq!(status(&v, "A retransmission"), "pending");
}

#[test]
fn a_retransmitted_heartbeat_breaks_the_bound_and_fools_the_monitor() {
    let p = with(
        quiet(),
        &[
            ("loss_at_ms", "9000"),
            ("loss_ms", "1500"),
            ("loss", "0.6"),
            ("retransmit", "on"),
            ("rto_ms", "300"),
        ],
    );
    for seed in [4, 5, 6] {
        let mut r = run(seed, &p);
        run_to(&mut r, 20_000);
        let ev = events(&r);
        assert!(no_crashes(&ev));
        let beats = heartbeats(&ev, 3);
        let resent_late: Vec<f64> = beats
            .iter()
            .filter(|(s, g, retried)| *retried && g - s > DELTA_MS)
            .map(|(s, g, _)| g - s)
            .collect();
        assert!(
            !resent_late.is_empty(),
            "seed {seed}: a resent heartbeat arrives over Δ"
        );
        // Every one lost was resent and arrived: none missing at the end.
        let sent = ev
            .iter()
            .filter(|e| {
                e.node == 3
                    && e.time < Time::from_ms(18_000)
                    && matches!(
                        e.kind,
                        TraceKind::Send {
                            label: "heartbeat",
                            attempt: 0,
                            ..
                        }
                    )
            })
            .count();
        let got = beats.iter().filter(|b| b.0 < 18_000.0).count();
        assert_eq!(sent, got, "seed {seed}");
        // Suspicions of n3 only while its link loses, plus the time a last resend takes.
        let spells = suspicion_spells(&ev);
        assert!(!spells.is_empty(), "seed {seed}: the monitor was fooled");
        for (from, to) in &spells {
            assert!(
                *from > 9_000.0 && *to < 10_500.0 + 4.0 * 300.0 + T_MS,
                "{spells:?}"
            );
        }
        let v = verdicts(&r);
        assert_eq!(status(&v, "A retransmission breaks"), "holds", "{v:?}");
        assert_eq!(status(&v, "While the bound is broken"), "holds");
        assert_eq!(status(&v, "The monitor's view right now"), "holds");
    }
}

#[test]
fn the_default_run_shows_all_three_causes_by_itself() {
    let mut r = run(1, &[]);
    run_to(&mut r, 13_000);
    let v = verdicts(&r);
    for claim in [
        "A pause breaks",
        "Congestion breaks",
        "A retransmission breaks",
        "While the bound is broken",
        "While the bound holds",
        "The monitor's view right now",
    ] {
        assert_eq!(status(&v, claim), "holds", "{claim}: {v:?}");
    }
    let ev = events(&r);
    // Nobody crashed, yet every one of the three was suspected at some point.
    assert!(no_crashes(&ev));
    for node in 1..=3 {
        assert!(
            ev.iter().any(|e| matches!(&e.kind,
                TraceKind::Note { text } if text.starts_with(&format!("the monitor suspects n{node}")))),
            "n{node} suspected"
        );
    }
    // The actions came from the parameters, not from the student's log.
    assert!(r.world().actions().is_empty());
    let again = {
        let mut r = run(1, &[]);
        run_to(&mut r, 13_000);
        r.world().trace().hash_hex()
    };
    assert_eq!(r.world().trace().hash_hex(), again);
}

#[test]
fn the_students_own_pause_congestion_and_loss_work_too() {
    let mut r = run(7, &quiet());
    act(&mut r, 3_000, "pauseNode", &[2.0, 700.0]);
    // Slow n1's link to the monitor to 100 B/s for 2 s: each 64-byte heartbeat needs 0.64 s.
    let slow = |bw: f64| {
        [
            1.0, 0.0, 1.0, 1.0, 1.0, 20.0, 40.0, 0.0, 0.0, 0.0, bw, 1500.0, 0.0,
        ]
    };
    act(&mut r, 6_000, "setLink", &slow(100.0));
    act(&mut r, 8_000, "setLink", &slow(100_000.0));
    let lossy = |loss: f64| {
        [
            3.0, 0.0, 1.0, 1.0, 1.0, 20.0, 40.0, loss, 0.0, 0.0, 100_000.0, 1500.0, 0.0,
        ]
    };
    act(&mut r, 14_000, "setLink", &lossy(0.7));
    act(&mut r, 16_000, "setLink", &lossy(0.0));
    run_to(&mut r, 25_000);
    let v = verdicts(&r);
    for claim in [
        "A pause breaks",
        "Congestion breaks",
        "A retransmission breaks",
        "While the bound is broken",
        "While the bound holds",
        "The monitor's view right now",
    ] {
        assert_eq!(status(&v, claim), "holds", "{claim}: {v:?}");
    }
    let ev = events(&r);
    let spells = suspicion_spells(&ev);
    assert!(spells.iter().any(|s| (3_000.0..3_700.0).contains(&s.0)));
    assert!(spells.iter().any(|s| (6_000.0..8_000.0).contains(&s.0)));
    assert!(spells.iter().any(|s| (14_000.0..16_000.0).contains(&s.0)));
    assert!(spells.iter().all(|s| s.1 < 25_000.0), "{spells:?}");
}

#[test]
fn a_crashed_node_is_suspected_rightly_and_a_paused_one_wrongly() {
    let mut r = run(8, &quiet());
    act(&mut r, 3_000, "pauseNode", &[1.0, 1_000.0]);
    act(&mut r, 3_000, "crashNode", &[2.0]);
    run_to(&mut r, 3_700);
    // Both are suspected alike; one of the two suspicions is wrong.
    let now = |r: &Run| {
        verdicts(r)
            .into_iter()
            .find(|v| v.claim.starts_with("The monitor's view right now"))
            .expect("verdict")
    };
    let v = now(&r);
    assert_eq!(v.status, "fails", "{v:?}");
    assert!(v.detail.contains("n1") && !v.detail.contains("n2"), "{v:?}");
    run_to(&mut r, 5_000);
    let v = now(&r);
    assert_eq!(v.status, "holds", "{v:?}");
    assert!(
        v.detail.contains("n2") && v.detail.contains("crashed"),
        "{v:?}"
    );
    act(&mut r, 6_000, "recoverNode", &[2.0]);
    run_to(&mut r, 7_000);
    let ev = events(&r);
    assert!(ev.iter().any(|e| matches!(&e.kind,
        TraceKind::Note { text } if text.contains("n2 is back after a restart"))));
    assert!(ev.iter().any(|e| matches!(&e.kind,
        TraceKind::Note { text } if text.contains("n1 was alive all along"))));
    assert_eq!(now(&r).detail, "it suspects nobody");
}

#[test]
fn without_retransmission_lost_heartbeats_fool_the_monitor_but_none_is_late() {
    let p = with(
        quiet(),
        &[
            ("loss_at_ms", "9000"),
            ("loss_ms", "1500"),
            ("loss", "0.6"),
            ("retransmit", "off"),
        ],
    );
    let mut r = run(9, &p);
    run_to(&mut r, 15_000);
    let ev = events(&r);
    assert!(metric(&ev, "delay").iter().all(|d| d.1 <= DELTA_MS));
    assert!(r.world().trace().totals().lost_random > 0);
    assert!(!suspicion_spells(&ev).is_empty());
    let v = verdicts(&r);
    assert_eq!(status(&v, "A retransmission breaks"), "pending");
    assert_eq!(status(&v, "While the bound is broken"), "holds");
    // Every false suspicion still comes with evidence: heartbeats that never arrived.
    assert_eq!(status(&v, "While the bound holds"), "holds", "{v:?}");
}

#[test]
fn a_longer_bound_gives_a_longer_timeout_that_short_troubles_do_not_reach() {
    // Δ = 1 s: T = 1.2 s. The 0.8 s pause and the resends stay under it; the 2 s upload does not.
    let mut r = run(1, &[("bound_ms", "1000".into())]);
    run_to(&mut r, 13_000);
    let ev = events(&r);
    let suspected: Vec<&String> = ev
        .iter()
        .filter_map(|e| match &e.kind {
            TraceKind::Note { text } if text.starts_with("the monitor suspects") => Some(text),
            _ => None,
        })
        .collect();
    assert!(!suspected.is_empty());
    assert!(suspected.iter().all(|t| t.contains("n2")), "{suspected:?}");
}

#[test]
fn a_paused_monitor_also_breaks_the_bound() {
    let mut r = run(10, &quiet());
    act(&mut r, 4_000, "pauseNode", &[0.0, 600.0]);
    run_to(&mut r, 6_000);
    let worst = metric(&events(&r), "delay")
        .iter()
        .map(|d| d.1)
        .fold(0.0, f64::max);
    assert!(worst > 400.0, "held at the door: {worst} ms");
    let v = verdicts(&r);
    assert_eq!(status(&v, "A pause breaks"), "holds", "{v:?}");
    assert_eq!(status(&v, "A retransmission"), "pending", "{v:?}");
}

#[test]
fn a_scheduled_pause_of_a_crashed_node_is_skipped_with_a_note() {
    let p = with(quiet(), &[("pause_at_ms", "2000"), ("pause_ms", "500")]);
    let mut r = run(11, &p);
    act(&mut r, 1_000, "crashNode", &[1.0]);
    run_to(&mut r, 3_000);
    let ev = events(&r);
    assert!(!ev.iter().any(|e| matches!(e.kind, TraceKind::Pause { .. })));
    assert!(ev.iter().any(|e| matches!(&e.kind,
        TraceKind::Note { text } if text.contains("scheduled pauseNode did not happen"))));
}

#[test]
fn nodes_have_roles_and_can_be_inspected() {
    let mut r = run(12, &[]);
    run_to(&mut r, 2_500);
    let f = r.world().frame(0, 10);
    let roles: Vec<_> = f.nodes.iter().map(|n| n.role.unwrap_or("")).collect();
    assert_eq!(
        roles,
        [
            "monitor",
            "worker, pauses",
            "worker, uploads",
            "worker, lossy link"
        ]
    );
    assert_eq!(f.nodes[0].summary, "suspects n1");
    assert_eq!(f.nodes[1].status, "paused");
    for id in 0..4 {
        let i = r.world().inspect(id).expect("inspect");
        assert!(i.volatile.is_some_and(|v| !v.is_empty()));
    }
    assert!(serde_json::to_string(&f)
        .expect("frame serialises")
        .contains("A pause breaks"));
}

#[test]
fn uploads_faster_than_the_link_drains_are_skipped_not_piled_up() {
    // 200 kB every second on a 100 kB/s link: each takes 2 s, and the heartbeats that queued
    // behind it a few ms more, so one goes every third second and the two between are skipped.
    let p = with(
        quiet(),
        &[
            ("upload_at_ms", "1000"),
            ("upload_kb", "200"),
            ("upload_every_ms", "1000"),
        ],
    );
    let mut r = run(13, &p);
    run_to(&mut r, 60_000);
    let ev = events(&r);
    let started = ev
        .iter()
        .filter(
            |e| matches!(&e.kind, TraceKind::Note { text } if text.contains("starts uploading")),
        )
        .count();
    let skipped = ev
        .iter()
        .filter(|e| matches!(&e.kind, TraceKind::Note { text } if text.contains("skips an upload")))
        .count();
    assert!((19..=20).contains(&started), "{started} uploads");
    assert!(skipped >= 38, "{skipped} skipped");
    // n2's heartbeats are always behind an upload, but never more than one upload deep.
    let worst = heartbeats(&ev, 2)
        .iter()
        .map(|(s, g, _)| g - s)
        .fold(0.0, f64::max);
    assert!(
        worst > 1_000.0 && worst < 2_000.0 + DELTA_MS,
        "worst {worst} ms"
    );
}
