//! The sandbox: n nodes that ping each other on their own clocks and answer with pongs, each
//! remembering when it last heard from each peer. Nothing clever happens on purpose: it is the
//! ground on which the student crashes, pauses, cuts and skews, and watches the effects.

use super::params::{ParamSpec, Params};
use super::{Scenario, ScenarioSpec};
use crate::sim::clock::Clock;
use crate::sim::network::{Latency, LinkConfig, Network};
use crate::sim::node::FaultModel;
use crate::sim::protocol::{Ctx, Fields, Message, Protocol};
use crate::sim::world::{NodeSetup, World};
use crate::sim::{Duration, NodeId, Runner};

const LATENCY_MODELS: &[&str] = &["constant", "uniform", "exponential"];

const PARAMS: &[ParamSpec] = &[
    ParamSpec::integer("nodes", "Nodes", 5.0, 1.0, 2000.0).help("How many nodes take part."),
    ParamSpec::integer("fanout", "Fan-out", 8.0, 1.0, 64.0)
        .help("Each round a node pings every peer if it has at most this many, else this many at random."),
    ParamSpec::number("interval_ms", "Ping interval (ms)", 500.0, 10.0, 60_000.0)
        .help("Time between a node's rounds, measured on its own clock."),
    ParamSpec::choice("latency", "Latency model", LATENCY_MODELS, 2)
        .help("constant: always the minimum; uniform: min to min+spread; exponential: min plus a random extra with mean = spread."),
    ParamSpec::number("latency_ms", "Minimum latency (ms)", 40.0, 0.0, 10_000.0),
    ParamSpec::number("spread_ms", "Latency spread (ms)", 20.0, 0.0, 10_000.0),
    ParamSpec::number("loss", "Loss probability", 0.0, 0.0, 1.0)
        .help("Chance that any one message is lost on the way."),
];

pub const SCENARIO: Scenario = Scenario {
    spec: ScenarioSpec {
        id: "sandbox",
        title: "Sandbox: nodes that ping each other",
        summary: "Every node pings its peers every half second on its own clock and answers pings \
                  with pongs. Break things and watch: crash a node and its peers stop hearing from \
                  it; cut a link and messages die on it; pause a node and its messages pile up until \
                  it wakes; skew or drift a clock and its readings part from true time.",
        params: PARAMS,
    },
    build,
};

#[derive(Clone, Debug)]
pub enum Msg {
    Ping { round: u64 },
    Pong { round: u64 },
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Ping { .. } => "ping",
            Msg::Pong { .. } => "pong",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Sandbox {
    interval: Duration,
    fanout: usize,
}

/// Volatile: gone after a crash.
#[derive(Clone, Debug)]
pub struct State {
    round: u64,
    pings_sent: u64,
    pongs_received: u64,
    /// Monotonic reading when each peer was last heard from; None: not since this boot.
    last_heard: Vec<Option<i64>>,
    scratch: Vec<NodeId>,
}

/// Stable storage: survives crashes.
#[derive(Clone, Debug, Default)]
pub struct Stable {
    boots: u32,
}

const ROUND: u64 = 0;

impl Sandbox {
    fn heard_recently(&self, state: &State, now_mono: Option<i64>) -> usize {
        let window = 2 * self.interval.0 as i64;
        state
            .last_heard
            .iter()
            .flatten()
            .filter(|t| now_mono.is_none_or(|now| now - **t <= window))
            .count()
    }

    fn targets(&self, ctx: &mut Ctx<Msg>, state: &mut State) {
        let (me, n) = (ctx.id(), ctx.node_count() as u32);
        state.scratch.clear();
        if (n as usize) <= self.fanout + 1 {
            state.scratch.extend((0..n).filter(|p| *p != me));
            return;
        }
        while state.scratch.len() < self.fanout {
            let p = ctx.rng().below(n as u64 - 1) as u32;
            let p = if p >= me { p + 1 } else { p };
            if !state.scratch.contains(&p) {
                state.scratch.push(p);
            }
        }
    }
}

impl Protocol for Sandbox {
    type Msg = Msg;
    type State = State;
    type Stable = Stable;

    fn start(&self, ctx: &mut Ctx<Msg>, stable: &mut Stable) -> State {
        stable.boots += 1;
        // A random first offset, so nodes do not all ping at the same instant.
        let first = (ctx.rng().unit() * self.interval.0 as f64) as u64;
        ctx.set_timer(Duration(first), ROUND);
        State {
            round: 0,
            pings_sent: 0,
            pongs_received: 0,
            last_heard: vec![None; ctx.node_count()],
            scratch: Vec::new(),
        }
    }

    fn on_message(
        &self,
        ctx: &mut Ctx<Msg>,
        state: &mut State,
        _: &mut Stable,
        from: NodeId,
        msg: Msg,
    ) {
        state.last_heard[from as usize] = Some(ctx.mono());
        match msg {
            Msg::Ping { round } => ctx.send(from, Msg::Pong { round }),
            Msg::Pong { .. } => state.pongs_received += 1,
        }
    }

    fn on_timer(&self, ctx: &mut Ctx<Msg>, state: &mut State, _: &mut Stable, _tag: u64) {
        state.round += 1;
        self.targets(ctx, state);
        for i in 0..state.scratch.len() {
            ctx.send(state.scratch[i], Msg::Ping { round: state.round });
        }
        state.pings_sent += state.scratch.len() as u64;
        ctx.set_timer(self.interval, ROUND);
    }

    fn summary(&self, state: Option<&State>, _: &Stable) -> String {
        match state {
            None => "down".into(),
            Some(s) => format!(
                "heard {}/{}",
                self.heard_recently(s, None),
                s.last_heard.len() - 1
            ),
        }
    }

    fn inspect(&self, state: Option<&State>, stable: &Stable) -> (Option<Fields>, Fields) {
        let volatile = state.map(|s| {
            let mut f = vec![
                ("round".to_string(), s.round.to_string()),
                ("pings sent".to_string(), s.pings_sent.to_string()),
                ("pongs received".to_string(), s.pongs_received.to_string()),
                (
                    "peers heard from".to_string(),
                    self.heard_recently(s, None).to_string(),
                ),
            ];
            for (peer, t) in s.last_heard.iter().enumerate().take(16) {
                if let Some(t) = t {
                    f.push((
                        format!("last heard n{peer}"),
                        format!("{:.3} s (own clock)", *t as f64 / 1e9),
                    ));
                }
            }
            f
        });
        (
            volatile,
            vec![("boots".to_string(), stable.boots.to_string())],
        )
    }
}

fn build(p: &Params, seed: u64) -> Box<dyn Runner> {
    Box::new(world(p, seed))
}

/// The sandbox world with its concrete type, so native tests can look inside node state.
pub fn world(p: &Params, seed: u64) -> World<Sandbox> {
    let n = p.get("nodes") as usize;
    let min = Duration::from_ms_f64(p.get("latency_ms"));
    let spread = Duration::from_ms_f64(p.get("spread_ms"));
    let latency = match p.choice("latency") {
        "constant" => Latency::Constant(min),
        "uniform" => Latency::Uniform {
            min,
            max: min + spread,
        },
        _ => Latency::Exponential {
            min,
            mean_extra: spread,
        },
    };
    let net = Network::new(LinkConfig {
        latency,
        loss: p.get("loss"),
    });
    let protocol = Sandbox {
        interval: Duration::from_ms_f64(p.get("interval_ms")),
        fanout: p.get("fanout") as usize,
    };
    let setups = (0..n)
        .map(|_| NodeSetup {
            fault: FaultModel::CrashRecovery,
            clock: Clock::new(0, 0.0),
        })
        .collect();
    World::new(protocol, setups, net, seed)
}

impl State {
    /// Peers heard from since this boot (for tests and the inspector).
    pub fn peers_heard(&self) -> usize {
        self.last_heard.iter().flatten().count()
    }

    pub fn pings_sent(&self) -> u64 {
        self.pings_sent
    }
}

impl Stable {
    pub fn boots(&self) -> u32 {
        self.boots
    }
}
