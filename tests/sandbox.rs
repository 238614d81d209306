//! The sandbox scenario's claims, run headless: what the student should see when breaking things.

#[path = "golden.rs"]
mod golden;

use dsviz_core::run::Run;
use dsviz_core::scenarios::ParamInput;
use dsviz_core::sim::trace::{LossReason, TraceKind};
use dsviz_core::sim::world::TRACE_WINDOW;
use dsviz_core::sim::{ActionKind, Time};

fn sandbox(seed: u64, params: &[(&str, f64)]) -> Run {
    scenario(golden::GOLDEN_SCENARIO, seed, params)
}

fn scenario(id: &str, seed: u64, params: &[(&str, f64)]) -> Run {
    let inputs: Vec<_> = params
        .iter()
        .map(|(k, v)| (k.to_string(), ParamInput::Number(*v)))
        .collect();
    Run::new(id, seed, &inputs).expect("valid sandbox parameters")
}

fn golden_run() -> Run {
    let mut run = sandbox(
        golden::GOLDEN_SEED,
        &[
            ("nodes", golden::GOLDEN_NODES),
            ("loss", golden::GOLDEN_LOSS),
        ],
    );
    let actions: Vec<(Time, ActionKind)> = golden::GOLDEN_ACTIONS
        .iter()
        .map(|(at, name, args)| {
            let kind = ActionKind::parse(name, args).expect("golden action");
            (Time::from_ms(*at as u64), kind)
        })
        .collect();
    run.replay(&actions, Time::from_ms(golden::GOLDEN_UNTIL_MS as u64))
        .expect("golden replay");
    run
}

#[test]
fn loss_rate_matches_the_setting() {
    let mut run = sandbox(11, &[("nodes", 5.0), ("loss", 0.2)]);
    run.world_mut().run_until(Time::from_ms(200_000));
    let t = run.world().trace().totals();
    let rate = t.lost_random as f64 / t.sent as f64;
    // About 14,000 messages: one standard deviation of the rate is about 0.0034.
    assert!(t.sent > 12_000, "sent {}", t.sent);
    assert!(
        (rate - 0.2).abs() < 0.015,
        "lost {} of {} = {rate}",
        t.lost_random,
        t.sent
    );
    assert_eq!(t.lost_link_cut + t.lost_dest_crashed, 0);
}

#[test]
fn a_one_way_cut_loses_only_that_direction() {
    let mut run = sandbox(5, &[("nodes", 2.0)]);
    run.world_mut().run_until(Time::from_ms(1000));
    run.world_mut()
        .act(ActionKind::CutLink {
            a: 0,
            b: 1,
            one_way: true,
        })
        .expect("cut");
    run.world_mut().run_until(Time::from_ms(6000));
    let cut_at = Time::from_ms(1000);
    let (mut lost_0_to_1, mut delivered_1_to_0, mut delivered_0_to_1_late) = (0, 0, 0);
    for e in run.world().trace().events().filter(|e| e.time > cut_at) {
        match e.kind {
            TraceKind::Lost {
                from, to, reason, ..
            } => {
                assert_eq!((from, to, reason), (0, 1, LossReason::LinkCut));
                lost_0_to_1 += 1;
            }
            TraceKind::Deliver { from: 1, .. } => delivered_1_to_0 += 1,
            TraceKind::Deliver {
                from: 0, sent_at, ..
            } if sent_at >= cut_at => delivered_0_to_1_late += 1,
            _ => {}
        }
    }
    // Node 0's pings and its pongs to node 1 die; node 1's pings still reach node 0.
    assert!(lost_0_to_1 >= 18, "lost {lost_0_to_1}");
    assert!(delivered_1_to_0 >= 9, "delivered {delivered_1_to_0}");
    assert_eq!(delivered_0_to_1_late, 0);
}

#[test]
fn peers_stop_hearing_from_a_crashed_node() {
    let mut run = sandbox(3, &[("nodes", 4.0)]);
    run.world_mut().run_until(Time::from_ms(2000));
    let before = run.world().frame(0, 0).nodes[0].summary.clone();
    assert_eq!(before, "heard 3/3");
    run.world_mut()
        .act(ActionKind::CrashNode(2))
        .expect("crash");
    run.world_mut().run_until(Time::from_ms(4000));
    let view = run.world().frame(0, 0);
    assert_eq!(view.nodes[2].status, "crashed");
    assert_eq!(view.nodes[2].summary, "down");
    assert!(view.stats.lost_dest_crashed > 0);
    let inspected = run.world().inspect(2).expect("node 2");
    assert!(inspected.volatile.is_none());
    assert_eq!(
        inspected.stable,
        vec![("boots".to_string(), "1".to_string())]
    );
}

#[test]
fn same_inputs_same_hash_and_another_seed_another_hash() {
    let a = golden_run();
    let b = golden_run();
    assert_eq!(a.world().trace().hash_hex(), b.world().trace().hash_hex());
    let mut c = sandbox(golden::GOLDEN_SEED + 1, &[("nodes", golden::GOLDEN_NODES)]);
    c.world_mut().run_until(Time::from_ms(8000));
    assert_ne!(a.world().trace().hash_hex(), c.world().trace().hash_hex());
}

#[test]
fn the_golden_run_has_the_hash_the_browser_must_match() {
    assert_eq!(golden_run().world().trace().hash_hex(), golden::GOLDEN_HASH);
}

#[test]
fn replaying_the_action_log_reproduces_a_live_run() {
    // Live: uneven frame-sized advances and steps, with actions in between, as a student would.
    let mut live = sandbox(77, &[("nodes", 5.0), ("loss", 0.05)]);
    let w = live.world_mut();
    for i in 0..400u64 {
        w.run_until(Time(w.now().0 + 16_666_667 + i * 1_000));
        if i % 7 == 0 {
            w.step();
        }
        let act = match i {
            30 => Some(ActionKind::CrashNode(1)),
            60 => Some(ActionKind::CutLink {
                a: 2,
                b: 3,
                one_way: false,
            }),
            90 => Some(ActionKind::PauseNode(4, 400_000_000)),
            120 => Some(ActionKind::RecoverNode(1)),
            150 => Some(ActionKind::SkewClock(0, 2_000_000_000)),
            180 => Some(ActionKind::SetDrift(3, 20_000.0)),
            210 => Some(ActionKind::HealLink {
                a: 2,
                b: 3,
                one_way: false,
            }),
            _ => None,
        };
        if let Some(a) = act {
            w.act(a).expect("valid live action");
        }
    }
    let end = live.world().now();
    let log: Vec<_> = live
        .world()
        .actions()
        .iter()
        .map(|a| (a.at, a.kind.clone()))
        .collect();
    assert_eq!(log.len(), 7);
    let mut replay = sandbox(77, &[("nodes", 5.0), ("loss", 0.05)]);
    replay.replay(&log, end).expect("replay");
    assert_eq!(
        live.world().trace().hash_hex(),
        replay.world().trace().hash_hex()
    );
    assert_eq!(
        live.world().trace().totals(),
        replay.world().trace().totals()
    );
}

#[test]
fn a_thousand_nodes_run_with_a_bounded_trace_and_exact_totals() {
    let mut run = sandbox(9, &[("nodes", 1000.0), ("fanout", 8.0)]);
    run.world_mut().run_until(Time::from_ms(10_000));
    let trace = run.world().trace();
    let t = trace.totals();
    // 1,000 nodes × 8 pings × 20 rounds, each answered: about 320,000 sends.
    assert!(t.sent > 300_000, "sent {}", t.sent);
    assert_eq!(
        t.sent,
        t.delivered + run.world().frame(0, 0).messages.len() as u64
    );
    assert!(t.events > TRACE_WINDOW as u64);
    assert_eq!(trace.window_len(), TRACE_WINDOW);
    assert_eq!(trace.events().last().map(|e| e.seq), Some(t.events - 1));
}
