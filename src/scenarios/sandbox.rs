//! The system-models sandbox: n nodes that ping each other on their own clocks and answer with
//! pongs, each remembering when it last heard from each peer. Nothing clever happens on purpose:
//! it is the ground on which the student picks link kinds, fault models and a timing model, then
//! crashes, pauses, cuts, partitions and skews, and watches the effects.

#[path = "sandbox_heard.rs"]
mod heard;

use super::model;
use super::params::{ParamSpec, Params};
use super::{Scenario, ScenarioSpec};
use crate::sim::network::Network;
use crate::sim::protocol::{Ctx, Fields, Message, Protocol};
use crate::sim::rng::SimRng;
use crate::sim::world::World;
use crate::sim::{Duration, NodeId, Runner};
use heard::Heard;

const PARAMS: &[ParamSpec] = &[
    ParamSpec::integer("nodes", "Nodes", 5.0, 1.0, 2000.0).help("How many nodes take part."),
    ParamSpec::integer("fanout", "Fan-out", 8.0, 1.0, 64.0).help(
        "Each round a node pings every peer if it has at most this many, else this many at random.",
    ),
    ParamSpec::number("interval_ms", "Ping interval (ms)", 500.0, 10.0, 60_000.0)
        .help("Time between a node's rounds, measured on its own clock."),
    model::LINK_KIND,
    model::LATENCY,
    model::LATENCY_MS,
    model::SPREAD_MS,
    model::LOSS,
    model::DUPLICATE,
    model::CORRUPT,
    model::FIFO,
    model::RETRANSMIT,
    model::RTO_MS,
    model::CHECKSUM,
    model::TIMING,
    model::BOUND_MS,
    model::GST_MS,
    model::FAULT_MODEL,
    model::TRAITORS,
    model::MTBF_S,
    model::MTTR_S,
];

pub const SCENARIO: Scenario = Scenario {
    spec: ScenarioSpec {
        id: "sandbox",
        title: "System models sandbox",
        summary: "Every node pings its peers every half second on its own clock and answers pings \
                  with pongs; each remembers when it last heard from each peer. Choose how links, \
                  nodes and timing may misbehave, then break things and watch what each node \
                  believes about the others.",
        params: PARAMS,
        try_this: &[
            "Set the loss to 0.3 and watch pings die halfway along their links. Then switch \
             retransmission on: every message now gets through exactly once, with retries and \
             discarded duplicates visible on the timeline.",
            "Make the links arbitrary with corruption 0.2: damaged messages are handed over as if \
             valid. Switch the checksum on and they are dropped instead: corruption became loss.",
            "Make one node Byzantine (traitors = 1): it claims to be other nodes, so its peers \
             think they heard from a node that has crashed.",
        ],
        metrics: &[],
    },
    build,
};

#[derive(Clone, Debug)]
pub enum Msg {
    /// `origin` is who the sender says it is: honest nodes put their own id, a traitor forges it.
    Ping {
        round: u64,
        origin: NodeId,
    },
    Pong {
        round: u64,
        origin: NodeId,
    },
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Ping { .. } => "ping",
            Msg::Pong { .. } => "pong",
        }
    }

    fn corrupt(&mut self, rng: &mut SimRng) {
        let (Msg::Ping { round, origin } | Msg::Pong { round, origin }) = self;
        *round ^= rng.next_u64() >> 40;
        *origin ^= (rng.next_u64() >> 54) as NodeId | 1;
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
    garbled: u64,
    /// Monotonic reading at the node's latest event.
    latest: i64,
    /// Monotonic reading when its latest round began.
    round_at: i64,
    /// When each peer was last heard from (monotonic), and how many lately.
    heard: Heard,
    scratch: Vec<NodeId>,
}

/// Stable storage: survives crashes.
#[derive(Clone, Debug, Default)]
pub struct Stable {
    boots: u32,
}

const ROUND: u64 = 0;

impl Sandbox {
    fn window(&self) -> i64 {
        (self.interval.0 as i64).saturating_mul(5) / 2
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
            garbled: 0,
            latest: ctx.mono(),
            round_at: ctx.mono(),
            heard: Heard::new(ctx.node_count(), self.window()),
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
        state.latest = ctx.mono();
        let (Msg::Ping { origin, .. } | Msg::Pong { origin, .. }) = msg;
        // The node believes the origin field: it cannot check who really sent a message.
        if !state.heard.hear(origin, state.latest) {
            state.garbled += 1;
            ctx.note(format!(
                "garbled message from n{from}: origin {origin} does not exist"
            ));
            return;
        }
        let me = ctx.id();
        match msg {
            Msg::Ping { round, .. } => ctx.send(from, Msg::Pong { round, origin: me }),
            Msg::Pong { .. } => state.pongs_received += 1,
        }
    }

    fn on_timer(&self, ctx: &mut Ctx<Msg>, state: &mut State, _: &mut Stable, _tag: u64) {
        state.round += 1;
        state.latest = ctx.mono();
        state.round_at = state.latest;
        self.targets(ctx, state);
        let (me, n) = (ctx.id(), ctx.node_count() as u64);
        for i in 0..state.scratch.len() {
            let to = state.scratch[i];
            let msg = if ctx.is_byzantine() && n > 1 {
                // A traitor equivocates (a different round to each peer) and forges who it is.
                let round = ctx.rng().below(1_000_000);
                let origin = ctx.rng().below(n) as NodeId;
                Msg::Ping { round, origin }
            } else {
                Msg::Ping {
                    round: state.round,
                    origin: me,
                }
            };
            ctx.send(to, msg);
        }
        state.pings_sent += state.scratch.len() as u64;
        ctx.set_timer(self.interval, ROUND);
    }

    fn summary(&self, state: Option<&State>, _: &Stable) -> String {
        match state {
            None => "down".into(),
            // Peers heard within two and a half rounds, as of the node's latest round.
            Some(s) => format!(
                "heard {}/{}",
                s.heard.lately(s.round, s.round_at),
                s.heard.peers() - 1
            ),
        }
    }

    fn inspect(&self, state: Option<&State>, stable: &Stable) -> (Option<Fields>, Fields) {
        let volatile = state.map(|s| {
            let mut f = vec![
                ("round".to_string(), s.round.to_string()),
                ("pings sent".to_string(), s.pings_sent.to_string()),
                ("pongs received".to_string(), s.pongs_received.to_string()),
                ("garbled messages".to_string(), s.garbled.to_string()),
                (
                    "peers heard from lately".to_string(),
                    s.heard.count_within(s.latest).to_string(),
                ),
            ];
            for peer in 0..s.heard.peers().min(16) {
                if let Some(t) = s.heard.last(peer) {
                    f.push((
                        format!("last heard n{peer}"),
                        format!("{:.3} s (own clock)", t as f64 / 1e9),
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
    let protocol = Sandbox {
        interval: Duration::from_ms_f64(p.get("interval_ms")),
        fanout: p.get("fanout") as usize,
    };
    let net = Network::new(model::link_config(p));
    model::configure(World::new(protocol, model::setups(p, n), net, seed), p)
}

impl State {
    /// Peers heard from since this boot (for tests and the inspector).
    pub fn peers_heard(&self) -> usize {
        self.heard.since_boot()
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
