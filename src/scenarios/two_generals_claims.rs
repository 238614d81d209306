//! The two generals' claims: the outcome of a battle, the theory (how often each outcome happens
//! for a strategy, loss p and k messengers), the claims panel, and batch mode (many seeded runs,
//! headless, counted by outcome).

use super::{knowledge, Stable, State};
use super::{name, protocol, world, TwoGenerals, A, B};
use crate::scenarios::batch::BatchOutcome;
use crate::scenarios::params::Params;
use crate::sim::protocol::Verdict;
use crate::sim::world::World;
use crate::sim::{Duration, Time};
use serde::Serialize;

/// How a battle ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Both,
    Neither,
    /// Only A attacked: the disaster.
    OnlyA,
    /// Only B attacked: the disaster.
    OnlyB,
}

impl Outcome {
    pub fn from_decisions(a: bool, b: bool) -> Outcome {
        match (a, b) {
            (true, true) => Outcome::Both,
            (false, false) => Outcome::Neither,
            (true, false) => Outcome::OnlyA,
            (false, true) => Outcome::OnlyB,
        }
    }

    pub fn is_disaster(self) -> bool {
        matches!(self, Outcome::OnlyA | Outcome::OnlyB)
    }
}

/// The battle's outcome once both generals have decided (a general down at dawn holds back).
pub fn outcome(w: &World<TwoGenerals>) -> Option<Outcome> {
    let decided = |n| w.stable(n).and_then(|s| s.attacks);
    let after_dawn = w.now() > Time(w.protocol().dawn.0);
    match (decided(A), decided(B)) {
        (Some(a), Some(b)) => Some(Outcome::from_decisions(a, b)),
        (a, b) if after_dawn => Some(Outcome::from_decisions(
            a.unwrap_or(false),
            b.unwrap_or(false),
        )),
        _ => None,
    }
}

/// Outcome counts over a batch of seeded runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    pub runs: u64,
    pub both: u64,
    pub neither: u64,
    pub only_a: u64,
    pub only_b: u64,
    /// Runs in which not one messenger of the order (message 1) reached B before dawn.
    pub none_arrived: u64,
    /// Runs in which every message of the chain arrived.
    pub chain_complete: u64,
}

impl Counts {
    pub fn disasters(&self) -> u64 {
        self.only_a + self.only_b
    }

    pub fn add(&mut self, o: &Counts) {
        self.runs += o.runs;
        self.both += o.both;
        self.neither += o.neither;
        self.only_a += o.only_a;
        self.only_b += o.only_b;
        self.none_arrived += o.none_arrived;
        self.chain_complete += o.chain_complete;
    }
}

/// Probabilities of each outcome, when no messenger is slower than dawn allows (constant or
/// uniform crossing times): with q = p^k the chance that all k messengers of one message are
/// caught and L messages in the chain, both attack with (1 − q)^L, the sender of message L
/// attacks alone with (1 − q)^(L−1)·q, and neither attacks otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Theory {
    pub both: f64,
    pub neither: f64,
    pub only_a: f64,
    pub only_b: f64,
    /// p^k: every messenger of the order caught.
    pub none_arrived: f64,
}

pub fn theory(t: &TwoGenerals) -> Theory {
    let q = libm::pow(t.loss, f64::from(t.k));
    let through = |n: u32| libm::pow(1.0 - q, f64::from(n));
    let l = t.chain.max(1);
    let disaster = through(l - 1) * q;
    let (only_a, only_b) = if TwoGenerals::sender(l) == A {
        (disaster, 0.0)
    } else {
        (0.0, disaster)
    };
    Theory {
        both: through(l),
        neither: 1.0 - through(l - 1),
        only_a,
        only_b,
        none_arrived: q,
    }
}

/// Runs seeds `first_seed .. first_seed + runs` headless, each exactly the run the page would show
/// for that seed, up to dawn, and counts the outcomes. Pure: chunks add up to one big call.
pub fn batch(p: &Params, first_seed: u64, runs: u64) -> Counts {
    let dawn = protocol(p).dawn;
    let end = Time(dawn.0) + Duration::from_ms(1);
    let mut c = Counts::default();
    for seed in first_seed..first_seed.saturating_add(runs) {
        let mut w = world(p, seed);
        w.run_until(end);
        c.runs += 1;
        // Past dawn, both generals have decided (one down at dawn counts as holding back).
        match outcome(&w) {
            Some(Outcome::Both) => c.both += 1,
            Some(Outcome::Neither) | None => c.neither += 1,
            Some(Outcome::OnlyA) => c.only_a += 1,
            Some(Outcome::OnlyB) => c.only_b += 1,
        }
        let arrived = |n, hop: u32| {
            w.state(n)
                .and_then(|s| s.arrived.get(hop as usize - 1).copied())
                .unwrap_or(0)
        };
        c.none_arrived += u64::from(arrived(B, 1) == 0);
        let l = w.protocol().chain;
        let last_to = 1 - TwoGenerals::sender(l);
        c.chain_complete += u64::from(arrived(last_to, l) > 0);
    }
    c
}

/// The batch as the generic batch mode reports it: counts beside the theory's expectation.
pub fn batch_outcomes(p: &Params, first_seed: u64, runs: u64) -> Vec<BatchOutcome> {
    let c = batch(p, first_seed, runs);
    let th = theory(&protocol(p));
    let o = |name, label, count, expected| BatchOutcome {
        name,
        label,
        count,
        expected: Some(expected),
    };
    vec![
        o("both", "both attack", c.both, th.both),
        o("neither", "neither attacks", c.neither, th.neither),
        o("only-a", "only A attacks (disaster)", c.only_a, th.only_a),
        o("only-b", "only B attacks (disaster)", c.only_b, th.only_b),
        o(
            "none-arrived",
            "no messenger of the order arrives",
            c.none_arrived,
            th.none_arrived,
        ),
    ]
}

fn percent(x: f64) -> String {
    format!("{:.3}%", x * 100.0)
}

fn level_of(s: Option<&State>) -> String {
    match s {
        Some(s) => format!("level {} (\"{}\")", s.level, knowledge(s.level)),
        None => "down".into(),
    }
}

pub(super) fn verdicts(
    t: &TwoGenerals,
    states: &[Option<State>],
    stable: &[Stable],
    now: Time,
) -> Vec<Verdict> {
    let (Some(sa), Some(sb)) = (stable.first(), stable.get(1)) else {
        return Vec::new();
    };
    let (a, b) = (
        states.first().and_then(Option::as_ref),
        states.get(1).and_then(Option::as_ref),
    );
    let after_dawn = now > Time(t.dawn.0);
    let decided = match (sa.attacks, sb.attacks) {
        (Some(x), Some(y)) => Some(Outcome::from_decisions(x, y)),
        (x, y) if after_dawn => Some(Outcome::from_decisions(
            x.unwrap_or(false),
            y.unwrap_or(false),
        )),
        _ => None,
    };
    let th = theory(t);
    let disaster_p = th.only_a + th.only_b;
    let mut out = Vec::new();

    let claim = "The generals act together: both attack or neither";
    out.push(match decided {
        None => Verdict::new(
            claim,
            "pending",
            format!(
                "dawn at {} ms. A: {}; B: {}",
                t.dawn.as_ms_f64(),
                level_of(a),
                level_of(b)
            ),
        ),
        Some(Outcome::Both) => Verdict::new(claim, "holds", "both attacked at dawn"),
        Some(Outcome::Neither) => Verdict::new(claim, "holds", "neither attacked"),
        Some(o) => {
            let alone = if o == Outcome::OnlyA { A } else { B };
            Verdict::new(
                claim,
                "fails",
                format!(
                    "only {} attacked, and was defeated: the disaster",
                    name(alone)
                ),
            )
        }
    });

    let claim = "No strategy makes the disaster impossible";
    let odds = format!(
        "{} with loss p = {}: one general attacks alone in {} of runs",
        t.strategy,
        t.loss,
        percent(disaster_p)
    );
    out.push(match decided {
        Some(o) if o.is_disaster() => Verdict::new(
            claim,
            "holds",
            format!("{odds}, and this run is one of them"),
        ),
        _ if t.loss <= 0.0 => Verdict::new(
            claim,
            "pending",
            "loss 0: no messenger is ever caught, so the problem does not arise; raise the loss",
        ),
        _ => Verdict::new(
            claim,
            "pending",
            format!("{odds}; try other seeds, or a batch"),
        ),
    });

    let claim = "Each acknowledgement only moves the uncertainty to the other general";
    let last = a
        .map_or(0, |s| s.last_sent)
        .max(b.map_or(0, |s| s.last_sent));
    if last == 0 {
        out.push(Verdict::new(claim, "pending", "no messenger has left yet"));
    } else {
        let sender = TwoGenerals::sender(last);
        let receiver = states.get(1 - sender as usize).and_then(Option::as_ref);
        let fate = match receiver.and_then(|s| s.arrived.get(last as usize - 1)) {
            Some(n) if *n > 0 => "it did",
            Some(_) if after_dawn => "it did not",
            _ => "so far it has not",
        };
        let detail = format!(
            "{} sent the last message ({last} of {}) and cannot know whether it arrived \
             ({fate}). A: {}; B: {}",
            name(sender),
            t.chain,
            level_of(a),
            level_of(b)
        );
        out.push(Verdict::new(
            claim,
            if decided.is_some() {
                "holds"
            } else {
                "pending"
            },
            detail,
        ));
    }

    if t.strategy == "k-messengers" {
        let arrived = b.and_then(|s| s.arrived.first().copied());
        out.push(Verdict::new(
            "With k messengers and loss p, none arrives with chance p^k",
            "pending",
            format!(
                "p^k = {}^{} = {}; this run: {} of {} arrived. A batch compares the frequency.",
                t.loss,
                t.k,
                percent(th.none_arrived),
                arrived.map_or("?".into(), |n| n.to_string()),
                t.k
            ),
        ));
    }
    out
}
