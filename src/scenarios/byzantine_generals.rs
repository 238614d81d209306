//! The Byzantine generals: a commander (general 0) sends an order, attack or retreat, to the
//! lieutenants; some generals are traitors and lie. The lieutenants relay what they heard in timed
//! rounds, each message carrying the path it came along, and then decide. Two algorithms:
//! - **oral messages OM(m)** (Lamport, Shostak and Pease): in round r every lieutenant tells the
//!   others what it heard along every path of r generals; after m relay rounds each lieutenant
//!   decides by recursive majority. Nothing proves what a relayer heard, so a traitor's lie passes
//!   unchecked: OM(m) agrees only with n ≥ 3m + 1 generals and at most m traitors.
//! - **signed messages SM(m)**: every general signs the order and the path so far; a lieutenant
//!   relays each order it has not seen before and decides on the set of validly signed orders it
//!   holds. An altered or forged message fails its signature check and is rejected, so agreement
//!   holds for any number of traitors up to m.
//!
//! The rounds run on each general's own clock (a synchronous model: a round is longer than the
//! delay bound); a message that arrives after its round counts as missing.

mod claims;
mod commander;
mod lies;
mod messages;
mod oral;
mod signed;

pub use lies::Lie;
pub use messages::{mac, majority, Keys, Msg, Order, Path, Sig, DEFAULT};

use super::model;
use super::params::{ParamSpec, Params};
use super::{MetricSpec, Scenario, ScenarioSpec};
use crate::sim::network::Network;
use crate::sim::node::FaultModel;
use crate::sim::protocol::{Ctx, Fields, Protocol, Verdict};
use crate::sim::world::{NodeSetup, World};
use crate::sim::{Duration, NodeId, Runner, Time};
use std::collections::BTreeMap;

/// At most this many generals: OM(m) sends about n^(m+1) messages.
pub const MAX_GENERALS: usize = 7;
/// At most this many relay rounds (and never more than n − 2).
pub const MAX_M: usize = 3;

const ALGORITHMS: &[&str] = &["oral", "signed"];
const M_CHOICES: &[&str] = &["auto", "0", "1", "2", "3"];

const LINK_KIND: ParamSpec = ParamSpec {
    default: 0.0,
    ..model::LINK_KIND
};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::integer("generals", "Generals n", 4.0, 3.0, MAX_GENERALS as f64).help(
        "General 0 is the commander, the others lieutenants. At most 7: OM(m) sends about \
         n^(m+1) messages.",
    ),
    ParamSpec::integer("traitor_mask", "Traitors (bit mask)", 1.0, 0.0, 127.0).help(
        "Bit i set makes general i a traitor: 1 the commander, 2 n1, 4 n2, 8 n3, 6 n1 and n2, \
         and so on. Bits past the last general are ignored. A general can also be made a traitor \
         (fault model byzantine) before round 0 starts.",
    ),
    ParamSpec::choice("lie", "How traitors lie", Lie::NAMES, 1).help(
        "opposite: the reverse of the truth to everyone. split: attack to odd-numbered generals, \
         retreat to even ones. silent: nothing at all. forge: claims relays it never received \
         and alters what it relays. random: attack, retreat or nothing, message by message.",
    ),
    ParamSpec::choice("order", "Commander's order", Order::NAMES, 0)
        .help("What a loyal commander orders (a traitor commander uses it as its 'truth')."),
    ParamSpec::choice("algorithm", "Algorithm", ALGORITHMS, 0).help(
        "oral: OM(m), relays and recursive majority; nothing proves what a relayer heard. \
         signed: SM(m), every general signs the order and the path; forgeries are rejected.",
    ),
    ParamSpec::choice("m", "Relay rounds m", M_CHOICES, 0).help(
        "auto: one per traitor in the mask (m = f). OM(m) copes with m traitors if n ≥ 3m + 1; \
         SM(m) with m traitors whatever n. Never more than n − 2.",
    ),
    ParamSpec::number("round_ms", "Round length (ms)", 250.0, 10.0, 60_000.0).help(
        "Each round lasts this long on each general's own clock. Longer than the delay bound Δ, \
         every message arrives within its round; shorter, late messages count as missing.",
    ),
    LINK_KIND,
    model::LATENCY,
    model::LATENCY_MS,
    model::SPREAD_MS,
    model::LOSS,
    model::TIMING,
    model::BOUND_MS,
];

pub const SCENARIO: Scenario = Scenario {
    spec: ScenarioSpec {
        id: "byzantine-generals",
        title: "Byzantine generals",
        summary: "General 0 commands, the others are lieutenants, and some of them are traitors. \
                  The commander sends its order, the lieutenants pass on what they heard in timed \
                  rounds (every message carries the path it came along), and each decides. With \
                  spoken messages a lie about what one heard cannot be caught, and the loyal \
                  lieutenants agree only if fewer than a third of the generals are traitors; with \
                  signed messages a changed or invented order is caught and thrown away, and they \
                  agree however many traitors there are.",
        params: PARAMS,
        try_this: &[
            "Three generals, traitor mask 4, lie opposite: n2 tells n1 the commander said \
             retreat. n1 hears attack from the commander and retreat from n2, cannot tell which \
             one lies, and falls back on retreat: the loyal commander is not obeyed (IC2 fails).",
            "The same three generals with algorithm signed: n2 can only pass on the commander's \
             signed order, or change it and break the signature. Its altered relay is rejected \
             and n1 follows the commander.",
            "Seven generals, traitor mask 6 (two traitors), lie forge: OM(2) relays for two \
             rounds and the five loyal lieutenants still agree. Messages sent in another \
             general's name are rejected, but altered relays pass; with signed messages every \
             forgery is rejected. Then set m = 1 and traitor mask 5 with lie split: too few \
             relay rounds, and the loyal lieutenants disagree (IC1 fails).",
            "No traitors at all, timing asynchronous: messages that miss their round count as \
             missing, and four loyal generals can disagree. Round-based algorithms need the \
             synchronous model.",
        ],
        metrics: &[MetricSpec {
            name: "sent",
            label: "Messages a general sends in a round",
            unit: "messages",
        }],
    },
    build,
};

#[derive(Clone, Debug)]
pub struct Generals {
    n: usize,
    signed: bool,
    m: usize,
    order: Order,
    lie: Lie,
    round: Duration,
    keys: Keys,
}

/// A signed message a lieutenant received, and what it made of it (for the inspector).
#[derive(Clone, Debug)]
pub struct ChainLog {
    pub text: String,
    pub outcome: String,
}

/// Volatile state: a crashed general forgets everything and takes no further part.
#[derive(Clone, Debug, Default)]
pub struct State {
    me: NodeId,
    /// Set once the general has acted as a traitor (its fault model was byzantine).
    traitor: bool,
    /// Round timers fired so far: round r has begun when this is r + 1.
    round: usize,
    /// Oral: the value heard along each path.
    heard: BTreeMap<Path, Order>,
    /// Signed: every chain received, accepted or rejected (the first few).
    chains: Vec<ChainLog>,
    /// Signed: the set V of validly signed orders held.
    values: Vec<Order>,
    /// Signed: newly accepted orders to relay next round.
    pending: Vec<(Order, Vec<Sig>)>,
    /// Commander: what it told each lieutenant in round 0.
    told: Vec<Option<Order>>,
    rejected: u32,
    rejections: Vec<String>,
    /// Forged or altered messages accepted (ground truth; the general cannot know).
    forged_accepted: u32,
    late: u32,
    sent: u32,
    decision: Option<Order>,
    /// Booted again after a crash: it lost what it heard and sits the rest out.
    retired: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Stable {
    boots: u32,
}

/// Rejection texts kept per general for the inspector; the count goes on.
const KEEP: usize = 24;

impl Generals {
    pub fn m(&self) -> usize {
        self.m
    }

    pub fn n(&self) -> usize {
        self.n
    }

    pub fn is_signed(&self) -> bool {
        self.signed
    }

    pub fn order(&self) -> Order {
        self.order
    }

    fn algorithm(&self) -> String {
        let kind = if self.signed { "SM" } else { "OM" };
        format!("{kind}({})", self.m)
    }

    fn reject(&self, ctx: &mut Ctx<Msg>, s: &mut State, text: String) {
        s.rejected += 1;
        if s.rejections.len() < KEEP {
            s.rejections.push(text.clone());
        }
        ctx.note(format!("n{} rejects: {text}", ctx.id()));
    }

    /// A message of round r (r + 1 generals on its path) must arrive before round r + 1 begins.
    fn late(&self, ctx: &mut Ctx<Msg>, s: &mut State, msg: &Msg) -> bool {
        if s.round <= msg.hops() {
            return false;
        }
        s.late += 1;
        ctx.note(format!(
            "n{} gets {} too late: round {} is over, it counts as missing",
            ctx.id(),
            msg.text(),
            msg.hops() - 1
        ));
        true
    }
}

impl Protocol for Generals {
    type Msg = Msg;
    type State = State;
    type Stable = Stable;

    fn start(&self, ctx: &mut Ctx<Msg>, stable: &mut Stable) -> State {
        stable.boots += 1;
        let mut s = State {
            me: ctx.id(),
            traitor: ctx.is_byzantine(),
            told: vec![None; self.n],
            ..State::default()
        };
        if stable.boots > 1 {
            s.retired = true;
            ctx.note(format!(
                "n{} is back but has forgotten what it heard: it sits the rest out",
                ctx.id()
            ));
            return s;
        }
        // Round r begins at (r + 1) round lengths on the general's own clock; the decision is
        // taken when round m + 1 would begin. Round 0 waits one round so a traitor can be chosen.
        for r in 0..=self.m + 1 {
            ctx.set_timer(Duration(self.round.0 * (r as u64 + 1)), r as u64);
        }
        s
    }

    fn on_message(
        &self,
        ctx: &mut Ctx<Msg>,
        s: &mut State,
        _: &mut Stable,
        from: NodeId,
        msg: Msg,
    ) {
        s.traitor |= ctx.is_byzantine();
        if s.retired || ctx.id() == 0 {
            return;
        }
        if self.signed {
            self.signed_receive(ctx, s, from, msg);
        } else {
            self.oral_receive(ctx, s, from, msg);
        }
    }

    fn on_timer(&self, ctx: &mut Ctx<Msg>, s: &mut State, _: &mut Stable, tag: u64) {
        s.traitor |= ctx.is_byzantine();
        if s.retired {
            return;
        }
        let r = tag as usize;
        s.round = r + 1;
        let me = ctx.id();
        if r > self.m {
            if me != 0 {
                s.decision = Some(if self.signed {
                    self.signed_decide(ctx, s)
                } else {
                    self.oral_decide(ctx, s)
                });
            }
            return;
        }
        let before = s.sent;
        if me == 0 {
            self.commander_round(ctx, s, r);
        } else if r >= 1 {
            if r == 1 && s.traitor && self.lie == Lie::Forge {
                let heard = self.first_heard(s);
                s.sent += self.fabricate(ctx, &[], heard);
            }
            if self.signed {
                self.signed_round(ctx, s, r);
            } else {
                self.oral_round(ctx, s, r);
            }
        }
        if r >= 1 || me == 0 {
            ctx.metric("sent", (s.sent - before) as f64);
        }
    }

    fn summary(&self, state: Option<&State>, _: &Stable) -> String {
        claims::summary(self, state)
    }

    fn inspect(&self, state: Option<&State>, stable: &Stable) -> (Option<Fields>, Fields) {
        let volatile = state.map(|s| claims::inspect(self, s));
        (volatile, vec![("boots".into(), stable.boots.to_string())])
    }

    fn role(&self, id: NodeId) -> Option<&'static str> {
        Some(if id == 0 { "commander" } else { "lieutenant" })
    }

    fn verdicts(&self, states: &[Option<State>], _: &[Stable], _: Time) -> Vec<Verdict> {
        claims::verdicts(self, states)
    }
}

fn build(p: &Params, seed: u64) -> Box<dyn Runner> {
    Box::new(world(p, seed))
}

/// The traitors the parameters name, as a bit mask over the n generals.
pub fn traitor_mask(p: &Params, n: usize) -> u32 {
    (p.get("traitor_mask") as u32) & ((1u32 << n) - 1)
}

/// The world with its concrete type, so native tests can look inside the generals.
pub fn world(p: &Params, seed: u64) -> World<Generals> {
    let n = (p.get("generals") as usize).clamp(3, MAX_GENERALS);
    let mask = traitor_mask(p, n);
    let f = mask.count_ones() as usize;
    let m = match p.choice("m").parse::<usize>() {
        Ok(m) => m,
        Err(_) => f,
    };
    let signed = p.choice("algorithm") == "signed";
    let protocol = Generals {
        n,
        signed,
        // OM(m) sends about n^(m+1) messages: at most MAX_M rounds. SM(m) relays each order at
        // most once per lieutenant, so it may go up to n − 2 (auto, with many traitors).
        m: m.min(n - 2).min(if signed { n } else { MAX_M }),
        order: Order::from_name(p.choice("order")),
        lie: Lie::from_name(p.choice("lie")),
        round: Duration::from_ms_f64(p.get("round_ms")),
        keys: Keys::new(seed, n),
    };
    let setups = (0..n)
        .map(|i| {
            NodeSetup::new(if mask & (1 << i) != 0 {
                FaultModel::Byzantine
            } else {
                FaultModel::CrashStop
            })
        })
        .collect();
    let net = Network::new(model::link_config(p));
    model::configure(World::new(protocol, setups, net, seed), p)
}
