//! The two generals: general A (node 0) and general B (node 1) camp on either side of a city and
//! must attack at dawn together or not at all. Messengers cross the city and each is caught (lost)
//! with probability p. A's plan travels as a chain of messages: message 1 (the order) goes A→B,
//! message 2 (the acknowledgement) B→A, message 3 A→B, and so on, up to the strategy's chain
//! length L; each message is carried by k messengers, and a general sends the next message when
//! the first messenger of the previous one reaches it.
//!
//! At dawn each general attacks if it received every message addressed to it in the chain:
//! - attack regardless: L = 1, k = 1 (A always attacks; B attacks if the order arrived);
//! - attack only if a message arrived: L = 2 (A attacks only if B's acknowledgement arrived);
//! - send k messengers: L = 1, k messengers;
//! - acknowledgement chain of depth d: L = d, k messengers per message.
//!
//! Whatever L and k, if every messenger of the last message is caught, its sender attacks alone:
//! the sender cannot tell that from success. Each acknowledgement moves that uncertainty to the
//! other general; it never removes it. The knowledge each general has reached is shown as
//! "I know the plan", "I know that you know the plan", and so on.

#[path = "two_generals_claims.rs"]
mod claims;
pub use claims::{batch, batch_outcomes, outcome, theory, Counts, Outcome, Theory};

use super::model;
use super::params::{ParamSpec, Params};
use super::{Scenario, ScenarioSpec};
use crate::sim::network::Network;
use crate::sim::protocol::{Ctx, Fields, Message, Protocol, Verdict};
use crate::sim::world::World;
use crate::sim::{Duration, NodeId, Runner, Time};

pub const A: NodeId = 0;
pub const B: NodeId = 1;
pub const STRATEGIES: &[&str] = &[
    "attack-regardless",
    "if-message-arrived",
    "k-messengers",
    "ack-chain",
];

const PARAMS: &[ParamSpec] = &[
    ParamSpec::choice("strategy", "Strategy", STRATEGIES, 3).help(
        "attack-regardless: A sends one messenger and attacks. if-message-arrived: B answers the \
         order, and A attacks only if the answer arrives. k-messengers: A sends k messengers \
         and attacks. ack-chain: order, acknowledgement, acknowledgement of that, … d messages \
         in all; each general attacks only if every message meant for it arrived.",
    ),
    ParamSpec::integer("messengers", "Messengers per message (k)", 1.0, 1.0, 50.0)
        .help("How many messengers carry each message (k-messengers and ack-chain)."),
    ParamSpec::integer("depth", "Chain depth (d)", 3.0, 1.0, 20.0)
        .help("Messages in the acknowledgement chain, the order included (ack-chain)."),
    ParamSpec::number("loss", "Loss probability (p)", 0.3, 0.0, 1.0)
        .help("Chance that a messenger is caught in the city."),
    ParamSpec::choice("latency", "Crossing time model", model::LATENCY_MODELS, 1).help(
        "constant, uniform (min to min + spread), or exponential (min plus a random extra \
         whose mean is the spread: a slow messenger may arrive after dawn, too late).",
    ),
    ParamSpec::number("latency_ms", "Shortest crossing (ms)", 400.0, 1.0, 10_000.0),
    ParamSpec::number("spread_ms", "Crossing spread (ms)", 200.0, 0.0, 10_000.0),
];

pub const SCENARIO: Scenario = Scenario {
    spec: ScenarioSpec {
        id: "two-generals",
        title: "The two generals",
        summary: "Two generals on either side of a city must attack at dawn together: one alone \
                  is defeated. Their messengers cross the city and may be caught. Pick a \
                  strategy, watch what each general comes to know (\"I know that you know…\"), \
                  and see how the battle ends. Run a batch of many seeds to see how often each \
                  outcome happens.",
        params: PARAMS,
        try_this: &[
            "Strategy ack-chain, depth 3: when the third messenger is caught, A attacks alone. \
             A sent the last message and had no way to learn its fate. Raise the depth: the \
             last sender is still the one left unsure.",
            "Strategy k-messengers with k = 3 and loss 0.5: run a batch of 100,000 seeds. The \
             share where no messenger arrives comes out close to 0.5³ = 12.5%.",
            "Try every strategy in a batch with loss 0.3: each one has a non-zero count in the \
             'only one attacks' column.",
        ],
        metrics: &[],
    },
    build,
};

#[derive(Clone, Debug)]
pub struct Messenger {
    /// Which message of the chain it carries, from 1 (the order).
    pub hop: u32,
    /// Which of the k messengers carrying it.
    pub copy: u32,
}

impl Message for Messenger {
    fn label(&self) -> &'static str {
        if self.hop == 1 {
            "order"
        } else {
            "ack"
        }
    }

    fn inspectable(&self) -> bool {
        true
    }

    fn fields(&self) -> Fields {
        vec![
            ("message".into(), format!("{} of the chain", self.hop)),
            ("messenger".into(), (self.copy + 1).to_string()),
        ]
    }
}

#[derive(Clone, Debug)]
pub struct TwoGenerals {
    /// Messages in the chain (L).
    pub chain: u32,
    /// Messengers per message (k).
    pub k: u32,
    pub loss: f64,
    pub strategy: &'static str,
    /// When the generals decide, on their own clocks.
    pub dawn: Duration,
}

/// Volatile: what a general has learnt this life.
#[derive(Clone, Debug)]
pub struct State {
    pub me: NodeId,
    /// Messengers that arrived before dawn, per message of the chain (index hop − 1).
    pub arrived: Vec<u32>,
    /// Highest message of the chain this general sent (0: none).
    pub last_sent: u32,
    /// Depth of knowledge reached: 1 = "I know the plan", 2 = "I know that you know it", …
    pub level: u32,
    /// Messengers that arrived after dawn: too late to matter.
    pub late: u32,
}

/// Stable: the decision, once taken, and how many times the general has started.
#[derive(Clone, Debug, Default)]
pub struct Stable {
    pub boots: u32,
    pub attacks: Option<bool>,
}

const DAWN: u64 = 0;

/// "I know the plan", "I know that you know the plan", "I know that you know that I know the plan"…
pub fn knowledge(level: u32) -> String {
    if level == 0 {
        return "I know nothing of the plan".into();
    }
    let mut s = String::from("I know");
    for i in 1..level {
        s += if i % 2 == 1 {
            " that you know"
        } else {
            " that I know"
        };
    }
    s + " the plan"
}

/// The same in epistemic notation: K_A K_B … (attack at dawn).
pub fn formula(me: NodeId, level: u32) -> String {
    let name = |n: NodeId| if n == A { "A" } else { "B" };
    let mut s = String::new();
    for i in 0..level {
        let who = if i % 2 == 0 { me } else { 1 - me };
        s += &format!("K_{} ", name(who));
    }
    s + "(attack at dawn)"
}

pub fn name(n: NodeId) -> &'static str {
    if n == A {
        "A"
    } else {
        "B"
    }
}

impl TwoGenerals {
    /// Who sends message `hop` of the chain: A the odd ones, B the even ones.
    pub fn sender(hop: u32) -> NodeId {
        if hop % 2 == 1 {
            A
        } else {
            B
        }
    }

    /// The last message of the chain addressed to `me` (0: none, so `me` attacks regardless).
    pub fn needs(&self, me: NodeId) -> u32 {
        (1..=self.chain)
            .rev()
            .find(|h| Self::sender(*h) != me)
            .unwrap_or(0)
    }

    pub fn would_attack(&self, me: NodeId, s: &State) -> bool {
        match self.needs(me) {
            0 => true,
            h => s.arrived.get(h as usize - 1).is_some_and(|n| *n > 0),
        }
    }

    fn send_hop(&self, ctx: &mut Ctx<Messenger>, state: &mut State, hop: u32) {
        let to = 1 - ctx.id();
        for copy in 0..self.k {
            ctx.send(to, Messenger { hop, copy });
        }
        state.last_sent = hop;
    }
}

impl Protocol for TwoGenerals {
    type Msg = Messenger;
    type State = State;
    type Stable = Stable;

    fn start(&self, ctx: &mut Ctx<Messenger>, stable: &mut Stable) -> State {
        stable.boots += 1;
        let mut state = State {
            me: ctx.id(),
            arrived: vec![0; self.chain as usize],
            last_sent: 0,
            level: u32::from(ctx.id() == A),
            late: 0,
        };
        let now = Duration(ctx.mono().max(0) as u64);
        if stable.attacks.is_none() && now < self.dawn {
            ctx.set_timer(Duration(self.dawn.0 - now.0), DAWN);
            if ctx.id() == A && stable.boots == 1 {
                self.send_hop(ctx, &mut state, 1);
                ctx.note(format!(
                    "A sends the order \"attack at dawn\" with {} messenger(s)",
                    self.k
                ));
            }
        }
        state
    }

    fn on_message(
        &self,
        ctx: &mut Ctx<Messenger>,
        state: &mut State,
        stable: &mut Stable,
        _from: NodeId,
        m: Messenger,
    ) {
        if stable.attacks.is_some() {
            state.late += 1;
            return;
        }
        let Some(slot) = m
            .hop
            .checked_sub(1)
            .and_then(|i| state.arrived.get_mut(i as usize))
        else {
            return;
        };
        *slot += 1;
        if *slot > 1 {
            return; // another messenger with news already known
        }
        state.level = state.level.max(m.hop);
        let me = name(ctx.id());
        ctx.note(format!(
            "{me} receives message {}: \"{}\"",
            m.hop,
            knowledge(state.level)
        ));
        if m.hop < self.chain {
            self.send_hop(ctx, state, m.hop + 1);
        }
    }

    fn on_timer(&self, ctx: &mut Ctx<Messenger>, state: &mut State, stable: &mut Stable, _: u64) {
        let attacks = self.would_attack(ctx.id(), state);
        stable.attacks = Some(attacks);
        let me = name(ctx.id());
        let need = self.needs(ctx.id());
        let why = match (need, attacks) {
            (0, _) => "it attacks whatever happens".to_string(),
            (h, true) => format!("message {h} arrived"),
            (h, false) => format!("message {h} never arrived"),
        };
        ctx.note(format!(
            "dawn: {me} {} ({why})",
            if attacks { "attacks" } else { "holds back" }
        ));
    }

    fn summary(&self, state: Option<&State>, stable: &Stable) -> String {
        match (stable.attacks, state) {
            (Some(true), _) => "attacks".into(),
            (Some(false), _) => "holds back".into(),
            (None, None) => "down".into(),
            (None, Some(s)) => format!("knowledge level {}", s.level),
        }
    }

    fn inspect(&self, state: Option<&State>, stable: &Stable) -> (Option<Fields>, Fields) {
        let f = |k: &str, v: String| (k.to_string(), v);
        let volatile = state.map(|s| {
            let me = s.me;
            let mut out = vec![
                f("knowledge", knowledge(s.level)),
                f("formally", formula(me, s.level)),
                f("level", s.level.to_string()),
            ];
            for (i, n) in s.arrived.iter().enumerate() {
                let hop = i as u32 + 1;
                if Self::sender(hop) != me {
                    out.push(f(
                        &format!("message {hop} messengers arrived"),
                        format!("{n} of {}", self.k),
                    ));
                }
            }
            out.push(f(
                "last message sent",
                match s.last_sent {
                    0 => "none".into(),
                    h => format!("{h} (× {} messengers)", self.k),
                },
            ));
            if s.last_sent > 0 && s.arrived.get(s.last_sent as usize).is_none_or(|n| *n == 0) {
                out.push(f(
                    "cannot know",
                    format!("whether message {} reached the other general", s.last_sent),
                ));
            }
            if s.late > 0 {
                out.push(f("arrived after dawn", s.late.to_string()));
            }
            out
        });
        let decision = match stable.attacks {
            None => format!("waits for dawn ({} ms)", self.dawn.as_ms_f64()),
            Some(true) => "attacked at dawn".into(),
            Some(false) => "held back at dawn".into(),
        };
        (
            volatile,
            vec![
                f("decision", decision),
                f("boots", stable.boots.to_string()),
            ],
        )
    }

    fn role(&self, id: NodeId) -> Option<&'static str> {
        match id {
            A => Some("general A"),
            B => Some("general B"),
            _ => None,
        }
    }

    fn verdicts(&self, states: &[Option<State>], stable: &[Stable], now: Time) -> Vec<Verdict> {
        claims::verdicts(self, states, stable, now)
    }
}

fn build(p: &Params, seed: u64) -> Box<dyn Runner> {
    Box::new(world(p, seed))
}

/// The protocol the parameters describe.
pub fn protocol(p: &Params) -> TwoGenerals {
    let strategy = p.choice("strategy");
    let (chain, k) = match strategy {
        "attack-regardless" => (1, 1),
        "if-message-arrived" => (2, 1),
        "k-messengers" => (1, p.get("messengers") as u32),
        _ => (p.get("depth") as u32, p.get("messengers") as u32),
    };
    // Dawn leaves room for the whole chain to cross at the slowest uniform crossing, plus 100 ms.
    let hop_ms = p.get("latency_ms") + p.get("spread_ms");
    TwoGenerals {
        chain,
        k,
        loss: p.get("loss"),
        strategy,
        dawn: Duration::from_ms_f64(chain as f64 * hop_ms + 100.0),
    }
}

/// The two generals' world with its concrete type, so tests and the batch can look inside.
pub fn world(p: &Params, seed: u64) -> World<TwoGenerals> {
    let net = Network::new(model::link_config(p));
    World::new(protocol(p), model::setups(p, 2), net, seed)
}
