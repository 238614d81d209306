//! The Byzantine generals' claims, run headless: with oral messages the loyal lieutenants agree
//! when n ≥ 3f + 1 and can be made to disagree with fewer generals; with signed messages they agree
//! however many traitors there are, and a forged or altered message is rejected.

use dsviz_core::run::Run;
use dsviz_core::scenarios::byzantine_generals::{self as bg, Generals, Lie, Order};
use dsviz_core::scenarios::{ParamInput, Params};
use dsviz_core::sim::protocol::Verdict;
use dsviz_core::sim::trace::TraceKind;
use dsviz_core::sim::world::World;
use dsviz_core::sim::{ActionKind, Time};

#[derive(Clone, Copy)]
struct Setup {
    n: usize,
    mask: u32,
    lie: Lie,
    order: Order,
    signed: bool,
    /// None: auto (m = number of traitors).
    m: Option<usize>,
}

impl Setup {
    fn new(n: usize, mask: u32) -> Setup {
        Setup {
            n,
            mask,
            lie: Lie::Opposite,
            order: Order::Attack,
            signed: false,
            m: None,
        }
    }

    fn inputs(&self, extra: &[(&str, &str)]) -> Vec<(String, ParamInput)> {
        let m = self.m.map_or("auto".to_string(), |m| m.to_string());
        let mut v: Vec<(String, ParamInput)> = vec![
            ("generals".into(), ParamInput::Number(self.n as f64)),
            ("traitor_mask".into(), ParamInput::Number(self.mask as f64)),
            ("lie".into(), ParamInput::Text(self.lie.name().into())),
            ("order".into(), ParamInput::Text(self.order.name().into())),
            (
                "algorithm".into(),
                ParamInput::Text(if self.signed { "signed" } else { "oral" }.into()),
            ),
            ("m".into(), ParamInput::Text(m)),
        ];
        for (k, val) in extra {
            v.push((k.to_string(), ParamInput::Text(val.to_string())));
        }
        v
    }

    fn world_with(&self, seed: u64, extra: &[(&str, &str)]) -> World<Generals> {
        let p = Params::new(bg::SCENARIO.spec.params, &self.inputs(extra)).expect("valid params");
        let mut w = bg::world(&p, seed);
        w.run_until(Time::from_ms(10_000));
        w
    }

    fn world(&self, seed: u64) -> World<Generals> {
        self.world_with(seed, &[])
    }

    fn describe(&self, seed: u64) -> String {
        format!(
            "n = {}, traitors {:#b}, lie {}, order {}, {}, m {:?}, seed {seed}",
            self.n,
            self.mask,
            self.lie.name(),
            self.order.name(),
            if self.signed { "signed" } else { "oral" },
            self.m
        )
    }
}

fn verdicts(w: &World<Generals>) -> Vec<Verdict> {
    w.frame(0, 0).verdicts
}

fn verdict(w: &World<Generals>, starts: &str) -> Verdict {
    verdicts(w)
        .into_iter()
        .find(|v| v.claim.starts_with(starts))
        .expect("the scenario reports this claim")
}

/// (IC1 status, IC2 status) as the claims panel shows them.
fn ic(w: &World<Generals>) -> (&'static str, &'static str) {
    (verdict(w, "IC1").status, verdict(w, "IC2").status)
}

/// Decisions of the loyal lieutenants, by id.
fn loyal_decisions(w: &World<Generals>) -> Vec<(u32, Option<Order>)> {
    (1..w.node_count() as u32)
        .filter_map(|i| w.state(i).map(|s| (i, s)))
        .filter(|(_, s)| !s.is_traitor())
        .map(|(i, s)| (i, s.decision()))
        .collect()
}

/// Checks IC1 and IC2 by hand from the decisions, and that the claims panel says the same.
fn agrees(w: &World<Generals>, setup: &Setup) -> bool {
    let d = loyal_decisions(w);
    assert!(
        d.iter().all(|(_, x)| x.is_some()),
        "every loyal lieutenant decides"
    );
    let ic1 = d.windows(2).all(|p| p[0].1 == p[1].1);
    let ic2 = setup.mask & 1 != 0 || d.iter().all(|(_, x)| *x == Some(setup.order));
    let (v1, v2) = ic(w);
    assert_eq!(v1, if ic1 { "holds" } else { "fails" });
    assert_eq!(v2, if ic2 { "holds" } else { "fails" });
    ic1 && ic2
}

fn masks(n: usize, traitors: u32) -> impl Iterator<Item = u32> {
    (0..1u32 << n).filter(move |m| m.count_ones() == traitors)
}

#[test]
fn oral_three_generals_one_traitor_can_fail() {
    // The loyal commander orders attack; lieutenant n2 tells n1 the commander said retreat.
    let setup = Setup::new(3, 0b100);
    for seed in 1..=5 {
        let w = setup.world(seed);
        assert_eq!(w.protocol().m(), 1);
        assert_eq!(loyal_decisions(&w), vec![(1, Some(Order::Retreat))]);
        let n1 = w.state(1).expect("n1 is up");
        assert_eq!(n1.heard().get([0].as_slice()), Some(&Order::Attack));
        assert_eq!(n1.heard().get([0, 2].as_slice()), Some(&Order::Retreat));
        assert_eq!(ic(&w), ("holds", "fails"));
        let bound = verdict(&w, "Oral messages");
        assert_eq!(bound.status, "holds", "{}", bound.detail);
        assert!(
            bound.detail.contains("too few generals"),
            "{}",
            bound.detail
        );
        assert!(bound.detail.contains("breaks IC2"), "{}", bound.detail);
    }
    // The same lie told by the third of four generals does no harm.
    let w = Setup::new(4, 0b100).world(1);
    assert_eq!(ic(&w), ("holds", "holds"));
}

#[test]
fn oral_four_generals_one_traitor_always_agree() {
    let mut runs = 0;
    for traitor in 0..4 {
        for lie in Lie::ALL {
            for order in [Order::Attack, Order::Retreat] {
                for seed in 1..=4 {
                    let setup = Setup {
                        lie,
                        order,
                        ..Setup::new(4, 1 << traitor)
                    };
                    let w = setup.world(seed);
                    assert_eq!(w.protocol().m(), 1);
                    assert!(agrees(&w, &setup), "{}", setup.describe(seed));
                    let bound = verdict(&w, "Oral messages");
                    assert_eq!(bound.status, "holds");
                    assert!(bound.detail.contains("guaranteed"), "{}", bound.detail);
                    runs += 1;
                }
            }
        }
    }
    assert_eq!(runs, 4 * 5 * 2 * 4);
}

#[test]
fn oral_seven_generals_two_traitors_agree_with_om2() {
    let mut runs = 0;
    for mask in masks(7, 2) {
        for lie in Lie::ALL {
            for order in [Order::Attack, Order::Retreat] {
                for seed in 1..=2 {
                    let setup = Setup {
                        lie,
                        order,
                        ..Setup::new(7, mask)
                    };
                    let w = setup.world(seed);
                    assert_eq!(w.protocol().m(), 2);
                    assert!(agrees(&w, &setup), "{}", setup.describe(seed));
                    runs += 1;
                }
            }
        }
    }
    assert_eq!(runs, 21 * 5 * 2 * 2);
}

#[test]
fn oral_agrees_whenever_n_is_at_least_3f_plus_1() {
    for n in 4..=7usize {
        for f in 0..=((n - 1) / 3) as u32 {
            for mask in masks(n, f) {
                for lie in Lie::ALL {
                    for order in [Order::Attack, Order::Retreat] {
                        let setup = Setup {
                            lie,
                            order,
                            ..Setup::new(n, mask)
                        };
                        let w = setup.world(3);
                        assert!(agrees(&w, &setup), "{}", setup.describe(3));
                    }
                }
            }
        }
    }
}

#[test]
fn oral_with_a_third_or_more_traitors_some_lie_breaks_agreement() {
    // For each n from 3 to 6, the fewest traitors that break n ≥ 3f + 1, with OM(f).
    for (n, f) in [(3usize, 1u32), (4, 2), (5, 2), (6, 2)] {
        let mut broken = None;
        'search: for mask in masks(n, f) {
            for lie in Lie::ALL {
                for order in [Order::Attack, Order::Retreat] {
                    let setup = Setup {
                        lie,
                        order,
                        ..Setup::new(n, mask)
                    };
                    let w = setup.world(1);
                    if !agrees(&w, &setup) {
                        broken = Some(setup.describe(1));
                        break 'search;
                    }
                }
            }
        }
        assert!(
            broken.is_some(),
            "n = {n}, f = {f}: some traitors break OM({f})"
        );
    }
}

#[test]
fn signed_messages_agree_for_any_number_of_traitors() {
    let mut runs = 0;
    for n in 3..=7usize {
        for mask in 0..1u32 << n {
            for lie in Lie::ALL {
                for order in [Order::Attack, Order::Retreat] {
                    let seeds = if n <= 4 { 1..=3 } else { 1..=1 };
                    for seed in seeds {
                        let setup = Setup {
                            lie,
                            order,
                            signed: true,
                            ..Setup::new(n, mask)
                        };
                        let w = setup.world(seed);
                        assert!(agrees(&w, &setup), "{}", setup.describe(seed));
                        let bound = verdict(&w, "Signed messages");
                        assert_eq!(bound.status, "holds", "{}", bound.detail);
                        assert!(
                            bound.detail.contains("guaranteed"),
                            "{}: {}",
                            setup.describe(seed),
                            bound.detail
                        );
                        runs += 1;
                    }
                }
            }
        }
    }
    assert!(runs > 2000, "{runs} runs");
}

#[test]
fn signed_three_generals_one_traitor_follow_the_commander() {
    // The run that fails with oral messages: n2 alters the commander's order and is caught.
    let setup = Setup {
        signed: true,
        ..Setup::new(3, 0b100)
    };
    let w = setup.world(1);
    assert_eq!(loyal_decisions(&w), vec![(1, Some(Order::Attack))]);
    let n1 = w.state(1).expect("n1 is up");
    assert_eq!(n1.values(), &[Order::Attack]);
    assert_eq!(n1.rejected(), 1);
    assert!(
        n1.rejections()[0].contains("retreat:0:2") && n1.rejections()[0].contains("n0's signature"),
        "{:?}",
        n1.rejections()
    );
    assert_eq!(ic(&w), ("holds", "holds"));
}

#[test]
fn a_forged_signed_message_is_rejected() {
    // A forging lieutenant: it fabricates an order in the commander's name and alters its relays.
    let setup = Setup {
        lie: Lie::Forge,
        signed: true,
        ..Setup::new(4, 0b100)
    };
    let w = setup.world(5);
    for i in [1, 3] {
        let s = w.state(i).expect("up");
        assert_eq!(s.decision(), Some(Order::Attack));
        assert_eq!(s.forged_accepted(), 0);
        // One fabricated order and one altered relay reach each loyal lieutenant.
        assert_eq!(s.rejected(), 2, "n{i}: {:?}", s.rejections());
        assert!(s
            .rejections()
            .iter()
            .all(|r| r.contains("n0's signature does not match")));
        assert_eq!(s.values(), &[Order::Attack]);
    }
    let notes: Vec<String> = w
        .trace()
        .events()
        .filter_map(|e| match &e.kind {
            TraceKind::Note { text } => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(notes
        .iter()
        .any(|t| t.starts_with("traitor n2 forges retreat:0 ")));
    assert!(notes
        .iter()
        .any(|t| t.starts_with("n1 rejects: retreat:0 from n2")));
    let v = verdict(&w, "A forged");
    assert_eq!(v.status, "holds");
    assert_eq!(
        v.detail,
        "4 forged or altered messages rejected, none accepted"
    );

    // A forging commander: its fabricated relays carry guessed lieutenant signatures.
    let setup = Setup {
        lie: Lie::Forge,
        signed: true,
        ..Setup::new(4, 0b1)
    };
    let w = setup.world(5);
    for i in 1..=3 {
        let s = w.state(i).expect("up");
        assert_eq!(s.rejected(), 1);
        let other = if i == 3 { 1 } else { i + 1 };
        assert!(
            s.rejections()[0].contains(&format!("n{other}'s signature does not match")),
            "{:?}",
            s.rejections()
        );
    }
    assert_eq!(verdict(&w, "A forged").status, "holds");
    assert_eq!(ic(&w), ("holds", "holds"));
}

#[test]
fn oral_messages_reject_impersonation_but_not_altered_relays() {
    let setup = Setup {
        lie: Lie::Forge,
        ..Setup::new(4, 0b100)
    };
    let w = setup.world(2);
    for i in [1, 3] {
        let s = w.state(i).expect("up");
        assert_eq!(s.rejected(), 1);
        assert!(s.rejections()[0].contains("claims to come from n0 but n2 sent it"));
        assert_eq!(s.forged_accepted(), 1, "the altered relay passes unchecked");
    }
    let v = verdict(&w, "A forged");
    assert_eq!(v.status, "fails");
    assert!(
        v.detail.starts_with("2 altered relays were taken as true"),
        "{}",
        v.detail
    );
    // Four generals still agree despite it.
    assert_eq!(ic(&w), ("holds", "holds"));
}

/// Messages OM(m) sends with no traitor: round r has (n−1)(n−2)…(n−1−r) of them.
fn om_messages(n: u64, m: u64) -> u64 {
    (0..=m)
        .map(|r| (0..=r).map(|k| n - 1 - k).product::<u64>())
        .sum()
}

#[test]
fn om_sends_the_expected_number_of_messages_in_timed_rounds() {
    assert_eq!(om_messages(7, 2), 6 + 30 + 120);
    for (n, m) in [(4usize, 1usize), (4, 2), (7, 1), (7, 2), (7, 3)] {
        let setup = Setup {
            m: Some(m),
            ..Setup::new(n, 0)
        };
        let w = setup.world(1);
        assert_eq!(w.protocol().m(), m);
        assert_eq!(
            w.trace().totals().sent,
            om_messages(n as u64, m as u64),
            "n = {n}, m = {m}"
        );
        assert_eq!(ic(&w), ("holds", "holds"));
    }
    // Each relay round starts on a timer: relay-r messages leave at (r + 1) × 250 ms.
    let w = Setup {
        m: Some(2),
        ..Setup::new(7, 0)
    }
    .world(1);
    let mut by_label = std::collections::BTreeMap::<&str, Vec<Time>>::new();
    for e in w.trace().events() {
        if let TraceKind::Send { label, .. } = e.kind {
            by_label.entry(label).or_default().push(e.time);
        }
    }
    for (label, round) in [("order", 0u64), ("relay-1", 1), ("relay-2", 2)] {
        let times = &by_label[label];
        assert!(
            times.iter().all(|t| *t == Time::from_ms(250 * (round + 1))),
            "{label}"
        );
    }
    // Signed messages relay each order once: 6 orders, then 5 relays from each lieutenant.
    let w = Setup {
        m: Some(2),
        signed: true,
        ..Setup::new(7, 0)
    }
    .world(1);
    assert_eq!(w.trace().totals().sent, 6 + 6 * 5);
}

#[test]
fn messages_later_than_their_round_count_as_missing() {
    // Rounds of 30 ms over links of 40 ms: every message misses its round, so the loyal
    // lieutenants of a loyal commander hear nothing in time and retreat.
    let setup = Setup::new(4, 0);
    let w = setup.world_with(
        1,
        &[
            ("round_ms", "30"),
            ("latency", "constant"),
            ("latency_ms", "40"),
        ],
    );
    for i in 1..4 {
        let s = w.state(i).expect("up");
        assert_eq!(s.decision(), Some(Order::Retreat));
        assert!(s.late() >= 1);
    }
    assert_eq!(ic(&w), ("holds", "fails"));
    // Asynchronous delays: some messages miss their round, and four loyal generals disagree.
    let setup = Setup {
        m: Some(1),
        ..Setup::new(4, 0)
    };
    let broken = (1..=8)
        .filter(|seed| {
            let w = setup.world_with(*seed, &[("timing", "asynchronous")]);
            let late: u32 = (1..4).map(|i| w.state(i).map_or(0, |s| s.late())).sum();
            ic(&w).0 == "fails" && late > 0
        })
        .count();
    assert!(broken >= 3, "{broken} of 8 asynchronous runs disagree");
}

#[test]
fn a_traitor_chosen_before_round_0_lies() {
    // No traitor in the parameters; the student marks n2 byzantine at 100 ms, before round 0.
    let inputs = Setup::new(3, 0).inputs(&[]);
    let mut run = Run::new("byzantine-generals", 1, &inputs).expect("valid");
    let actions = [(
        Time::from_ms(100),
        ActionKind::SetFaultModel(2, dsviz_core::sim::node::FaultModel::Byzantine),
    )];
    // m = auto counts the mask's traitors (none), so set m = 1 to give n2 a relay round.
    let mut inputs = inputs;
    inputs.retain(|(k, _)| k != "m");
    inputs.push(("m".into(), ParamInput::Text("1".into())));
    let mut run1 = Run::new("byzantine-generals", 1, &inputs).expect("valid");
    run1.replay(&actions, Time::from_ms(5000)).expect("replay");
    let f = run1.world().frame(0, 0);
    let ic2 = f
        .verdicts
        .iter()
        .find(|v| v.claim.starts_with("IC2"))
        .expect("IC2");
    assert_eq!(ic2.status, "fails", "{}", ic2.detail);
    // Without the action, everyone is loyal and follows the order.
    run.world_mut().run_until(Time::from_ms(5000));
    let f = run.world().frame(0, 0);
    assert!(f.verdicts.iter().take(2).all(|v| v.status == "holds"));
}

#[test]
fn the_inspector_shows_each_path_and_the_decision() {
    let w = Setup::new(4, 0b1000).world(1);
    let fields = w.inspect(1).expect("n1").volatile.expect("up");
    let get = |k: &str| {
        fields
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no field {k} in {fields:?}"))
    };
    assert_eq!(get("loyalty"), "loyal");
    assert_eq!(get("algorithm"), "OM(1), oral messages");
    assert_eq!(get("via 0"), "heard attack · vote attack");
    assert_eq!(get("via 0→2"), "heard attack");
    assert_eq!(get("via 0→3"), "heard retreat");
    assert_eq!(get("decision"), "attack");
    let traitor = w.inspect(3).expect("n3").volatile.expect("up");
    assert!(traitor.contains(&("loyalty".into(), "traitor (lies: opposite)".into())));
    let commander = w.inspect(0).expect("n0").volatile.expect("up");
    assert!(commander.contains(&("told n2".into(), "attack".into())));
    assert_eq!(w.frame(0, 0).nodes[1].summary, "decides attack");
    assert_eq!(w.frame(0, 0).nodes[0].role, Some("commander"));
}

#[test]
fn same_inputs_same_trace_and_bad_params_are_errors() {
    let setup = Setup {
        lie: Lie::Random,
        ..Setup::new(7, 0b0100100)
    };
    let (a, b) = (setup.world(9), setup.world(9));
    assert_eq!(a.trace().hash_hex(), b.trace().hash_hex());
    assert_ne!(a.trace().hash_hex(), setup.world(10).trace().hash_hex());
    for (k, v) in [
        ("generals", "8"),
        ("generals", "2"),
        ("m", "4"),
        ("lie", "bribe"),
    ] {
        let inputs = vec![(k.to_string(), ParamInput::Text(v.into()))];
        assert!(
            Run::new("byzantine-generals", 1, &inputs).is_err(),
            "{k} = {v}"
        );
    }
}

#[test]
fn fewer_relay_rounds_than_traitors_can_fail_even_with_seven_generals() {
    // OM(1) with two traitors, the commander and n2, both telling odd generals attack and even
    // ones retreat: the loyal lieutenants split.
    let setup = Setup {
        lie: Lie::Split,
        m: Some(1),
        ..Setup::new(7, 0b101)
    };
    let w = setup.world(1);
    assert!(!agrees(&w, &setup));
    assert_eq!(ic(&w).0, "fails");
    let bound = verdict(&w, "Oral messages");
    assert!(
        bound.detail.starts_with("f = 2 > m = 1"),
        "{}",
        bound.detail
    );
    // OM(2), as m = auto gives, copes.
    let w = Setup { m: None, ..setup }.world(1);
    assert!(agrees(&w, &Setup { m: None, ..setup }));
}
