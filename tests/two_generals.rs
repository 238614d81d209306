//! The two generals' lecture claims, run headless: no strategy makes the disaster impossible; with
//! k messengers and loss p none arrives with probability p^k; each acknowledgement only moves the
//! uncertainty to the other general (the sender of the last message cannot know it arrived).

mod common;

use dsviz_core::scenarios::batch;
use dsviz_core::scenarios::two_generals::{
    self, formula, knowledge, outcome, theory, Counts, Outcome, TwoGenerals, A, B,
};
use dsviz_core::scenarios::{ParamInput, Params};
use dsviz_core::sim::world::World;
use dsviz_core::sim::{ActionKind, Time};

fn params(p: &[(&str, &str)]) -> Params {
    let inputs = common::inputs(p);
    Params::new(two_generals::SCENARIO.spec.params, &inputs).expect("valid parameters")
}

fn world(seed: u64, p: &[(&str, &str)]) -> World<TwoGenerals> {
    two_generals::world(&params(p), seed)
}

fn verdict(w: &World<TwoGenerals>, starts: &str) -> (String, String) {
    let v = w
        .frame(0, 0)
        .verdicts
        .into_iter()
        .find(|v| v.claim.starts_with(starts))
        .unwrap_or_else(|| panic!("no verdict '{starts}'"));
    (v.status.to_string(), v.detail)
}

/// Within `sigmas` standard deviations of a binomial frequency.
fn close(count: u64, runs: u64, p: f64, sigmas: f64) -> bool {
    let freq = count as f64 / runs as f64;
    let sd = (p * (1.0 - p) / runs as f64).sqrt();
    (freq - p).abs() <= sigmas * sd
}

#[test]
fn knowledge_is_shown_level_by_level() {
    assert_eq!(knowledge(0), "I know nothing of the plan");
    assert_eq!(knowledge(1), "I know the plan");
    assert_eq!(knowledge(2), "I know that you know the plan");
    assert_eq!(knowledge(3), "I know that you know that I know the plan");
    assert_eq!(
        knowledge(4),
        "I know that you know that I know that you know the plan"
    );
    assert_eq!(formula(A, 2), "K_A K_B (attack at dawn)");
    assert_eq!(formula(B, 3), "K_B K_A K_B (attack at dawn)");
}

#[test]
fn a_complete_chain_still_leaves_its_last_sender_unsure() {
    // No loss: every message of the depth-3 chain arrives and both attack, yet A, who sent
    // message 3, has no way to know that it arrived.
    let mut w = world(1, &[("loss", "0"), ("depth", "3")]);
    w.run_until(Time::from_ms(10_000));
    assert_eq!(outcome(&w), Some(Outcome::Both));
    assert_eq!(
        (w.state(A).expect("A").level, w.state(B).expect("B").level),
        (2, 3)
    );
    let a = w.inspect(A).expect("A").volatile.expect("up");
    assert!(a.contains(&(
        "cannot know".into(),
        "whether message 3 reached the other general".into()
    )));
    assert!(a.contains(&("knowledge".into(), "I know that you know the plan".into())));
    let b = w.inspect(B).expect("B").volatile.expect("up");
    assert!(!b.iter().any(|(k, _)| k == "cannot know"), "{b:?}");
    assert_eq!(verdict(&w, "The generals act together").0, "holds");
    let (status, detail) = verdict(&w, "Each acknowledgement");
    assert_eq!(status, "holds");
    assert!(
        detail.starts_with(
            "A sent the last message (3 of 3) and cannot know whether it arrived (it did)"
        ),
        "{detail}"
    );
}

#[test]
fn losing_the_last_message_leaves_its_sender_attacking_alone_at_every_depth() {
    for depth in 1..=8u32 {
        let d = depth.to_string();
        let mut w = world(2, &[("loss", "0"), ("depth", &d), ("latency", "constant")]);
        // Message h is in flight between (h − 1)·400 and h·400 ms: drop the last one halfway.
        w.run_until(Time::from_ms(u64::from(depth - 1) * 400 + 200));
        let id = w.frame(0, 0).messages[0].id;
        w.act(ActionKind::DropMessage(id)).expect("in flight");
        w.run_until(Time::from_ms(20_000));
        let sender = TwoGenerals::sender(depth);
        let expected = if sender == A {
            Outcome::OnlyA
        } else {
            Outcome::OnlyB
        };
        assert_eq!(outcome(&w), Some(expected), "depth {depth}");
        // The sender reached one level more than the receiver of its lost message… and was wrong.
        let (status, detail) = verdict(&w, "Each acknowledgement");
        assert_eq!(status, "holds");
        let name = if sender == A { "A" } else { "B" };
        assert!(
            detail.starts_with(&format!(
                "{name} sent the last message ({depth} of {depth}) and cannot know whether it \
                 arrived (it did not)"
            )),
            "{detail}"
        );
        assert_eq!(verdict(&w, "The generals act together").0, "fails");
        assert_eq!(verdict(&w, "No strategy").0, "holds");
    }
}

#[test]
fn no_strategy_makes_the_disaster_impossible() {
    let runs = 20_000;
    for (strategy, k, d) in [
        ("attack-regardless", "1", "1"),
        ("if-message-arrived", "1", "1"),
        ("k-messengers", "3", "1"),
        ("k-messengers", "6", "1"),
        ("ack-chain", "1", "2"),
        ("ack-chain", "1", "5"),
        ("ack-chain", "2", "8"),
    ] {
        let p = params(&[
            ("strategy", strategy),
            ("messengers", k),
            ("depth", d),
            ("loss", "0.3"),
        ]);
        let c = two_generals::batch(&p, 1000, runs);
        let th = theory(&two_generals::protocol(&p));
        let expected = th.only_a + th.only_b;
        eprintln!(
            "{strategy} k={k} d={d}: {} disasters in {runs} runs ({:.4}; theory {expected:.4})",
            c.disasters(),
            c.disasters() as f64 / runs as f64
        );
        assert!(c.disasters() > 0, "{strategy}: {c:?}");
        assert!(
            close(c.disasters(), runs, expected, 5.0),
            "{strategy}: {c:?}"
        );
        assert_eq!(c.runs, runs);
        assert_eq!(c.both + c.neither + c.only_a + c.only_b, runs);
    }
}

#[test]
fn with_k_messengers_none_arrives_with_probability_p_to_the_k() {
    for (p, k, runs) in [
        ("0.5", 1, 40_000),
        ("0.5", 3, 100_000),
        ("0.3", 2, 40_000),
        ("0.8", 5, 40_000),
        ("0.9", 10, 20_000),
    ] {
        let kk = k.to_string();
        let pp = params(&[
            ("strategy", "k-messengers"),
            ("messengers", &kk),
            ("loss", p),
        ]);
        let c = two_generals::batch(&pp, 0, runs);
        let q = libm::pow(p.parse::<f64>().expect("p"), f64::from(k));
        eprintln!(
            "p = {p}, k = {k}: none arrived in {} of {runs} = {:.5}; p^k = {q:.5}",
            c.none_arrived,
            c.none_arrived as f64 / runs as f64
        );
        assert!(close(c.none_arrived, runs, q, 4.0), "p {p} k {k}: {c:?}");
        // A attacks regardless, so when none arrives A attacks alone: that is the disaster.
        assert_eq!(c.only_a, c.none_arrived);
        assert_eq!(c.only_b + c.neither, 0);
    }
}

#[test]
fn each_acknowledgement_moves_the_disaster_to_the_other_general() {
    let runs = 20_000;
    for depth in 1..=6u32 {
        let d = depth.to_string();
        let p = params(&[("strategy", "ack-chain"), ("depth", &d), ("loss", "0.4")]);
        let c = two_generals::batch(&p, 77, runs);
        let th = theory(&two_generals::protocol(&p));
        // Only the sender of the last message can be left attacking alone.
        if TwoGenerals::sender(depth) == A {
            assert_eq!(c.only_b, 0, "depth {depth}: {c:?}");
            assert!(c.only_a > 0);
            assert!(close(c.only_a, runs, th.only_a, 5.0), "{c:?} {th:?}");
        } else {
            assert_eq!(c.only_a, 0, "depth {depth}: {c:?}");
            assert!(c.only_b > 0);
            assert!(close(c.only_b, runs, th.only_b, 5.0), "{c:?} {th:?}");
        }
        assert!(close(c.both, runs, th.both, 5.0), "{c:?} {th:?}");
        assert_eq!(c.chain_complete, c.both);
    }
}

#[test]
fn a_batch_is_the_single_runs_counted_and_chunks_add_up() {
    let p = [("strategy", "ack-chain"), ("depth", "3"), ("loss", "0.3")];
    let mut by_hand = Counts::default();
    for seed in 500..700 {
        let mut w = world(seed, &p);
        w.run_until(Time::from_ms(60_000));
        by_hand.runs += 1;
        match outcome(&w).expect("decided") {
            Outcome::Both => by_hand.both += 1,
            Outcome::Neither => by_hand.neither += 1,
            Outcome::OnlyA => by_hand.only_a += 1,
            Outcome::OnlyB => by_hand.only_b += 1,
        }
    }
    let pp = params(&p);
    let whole = two_generals::batch(&pp, 500, 200);
    assert_eq!(
        (whole.both, whole.neither, whole.only_a, whole.only_b),
        (
            by_hand.both,
            by_hand.neither,
            by_hand.only_a,
            by_hand.only_b
        )
    );
    let mut chunks = two_generals::batch(&pp, 500, 64);
    chunks.add(&two_generals::batch(&pp, 564, 136));
    assert_eq!(chunks, whole);
}

#[test]
fn the_generic_batch_reports_counts_beside_the_theory_and_refuses_bad_input() {
    let inputs = [
        (
            "strategy".to_string(),
            ParamInput::Text("k-messengers".into()),
        ),
        ("messengers".to_string(), ParamInput::Number(2.0)),
        ("loss".to_string(), ParamInput::Number(0.5)),
    ];
    let r = batch::run("two-generals", &inputs, 3, 1000).expect("batch");
    assert_eq!(
        (r.scenario, r.first_seed, r.runs),
        ("two-generals", 3, 1000)
    );
    let none = r
        .outcomes
        .iter()
        .find(|o| o.name == "none-arrived")
        .expect("none-arrived");
    assert_eq!(none.expected, Some(0.25));
    let total: u64 = r.outcomes.iter().take(4).map(|o| o.count).sum();
    assert_eq!(total, 1000);
    assert_eq!(batch::available(), vec!["two-generals"]);
    assert!(batch::run("sandbox", &[], 0, 10).is_err());
    assert!(batch::run("nope", &[], 0, 10).is_err());
    assert!(batch::run("two-generals", &inputs, 0, 0).is_err());
    assert!(batch::run("two-generals", &inputs, 0, 2_000_000).is_err());
    assert!(batch::run("two-generals", &inputs, u64::MAX, 10).is_err());
    let bad = [("loss".to_string(), ParamInput::Number(1.5))];
    assert!(batch::run("two-generals", &bad, 0, 10).is_err());
}

#[test]
fn the_k_messenger_claim_and_the_odds_show_in_the_claims_panel() {
    let mut w = world(
        4,
        &[
            ("strategy", "k-messengers"),
            ("messengers", "3"),
            ("loss", "0.5"),
        ],
    );
    w.run_until(Time::from_ms(10_000));
    let (status, detail) = verdict(&w, "With k messengers");
    assert_eq!(status, "pending");
    assert!(detail.starts_with("p^k = 0.5^3 = 12.500%"), "{detail}");
    let (_, odds) = verdict(&w, "No strategy");
    assert!(
        odds.starts_with(
            "k-messengers with loss p = 0.5: one general attacks alone in 12.500% of runs"
        ),
        "{odds}"
    );
}
