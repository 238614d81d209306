//! Clock synchronisation: clients ask a time server (node 0, a perfect clock) for the time, by
//! Cristian's algorithm or an NTP-style exchange of four timestamps, estimate their offset from
//! the round trip, and discipline their clocks as NTP does: slew a small offset away at a bounded
//! rate, step a large one, refuse an absurd one. The run shows the estimate's error staying within
//! half the round trip (half the asymmetry of the latencies, in fact), and periodic syncing
//! keeping drifting clocks within a bound.

mod client;
mod view;

use super::model::{self, LATENCY_MODELS};
use super::params::{ParamSpec, Params};
use super::{MetricSpec, Scenario, ScenarioSpec};
use crate::sim::clock::{Clock, MAX_DRIFT_PPM};
use crate::sim::network::{Latency, LinkConfig, Network};
use crate::sim::node::FaultModel;
use crate::sim::protocol::{Ctx, Fields, Message, Protocol, Verdict};
use crate::sim::world::{NodeSetup, World};
use crate::sim::{Duration, NodeId, Runner, Time};

pub use client::{Action, Client, Exchange, Stats};

pub const ALGORITHMS: &[&str] = &["ntp", "cristian"];
pub const DISCIPLINES: &[&str] = &["slew-step", "step", "none"];

/// The time server's id.
pub const SERVER: NodeId = 0;

const PARAMS: &[ParamSpec] = &[
    ParamSpec::integer("clients", "Clients", 2.0, 1.0, 8.0)
        .help("Clients syncing to the time server (node 0, whose clock is perfect)."),
    ParamSpec::choice("algorithm", "Algorithm", ALGORITHMS, 0).help(
        "ntp: four timestamps; offset θ = ((t2−t1)+(t3−t4))/2, delay δ = (t4−t1)−(t3−t2). \
         cristian: the server's time plus half the round trip the client measured on its \
         monotonic clock.",
    ),
    ParamSpec::choice("discipline", "Clock discipline", DISCIPLINES, 0).help(
        "slew-step: as NTP, slew an offset below the step threshold away at the slew rate, step \
         a larger one, refuse one beyond the panic threshold. step: set the clock to the \
         estimate every time (Cristian's original). none: measure only.",
    ),
    ParamSpec::number("poll_ms", "Poll interval (ms)", 2000.0, 10.0, 3_600_000.0)
        .help("How often each client asks the server, on its own monotonic clock."),
    ParamSpec::number("offset_ms", "Initial offset (ms)", 100.0, -1e7, 1e7).help(
        "Client k starts k times this far from the server's time: odd clients ahead, even ones \
         behind. The default shows both a slew (client 1) and a step (client 2).",
    ),
    ParamSpec::number(
        "drift_ppm",
        "Client drift (ppm)",
        50.0,
        -MAX_DRIFT_PPM,
        MAX_DRIFT_PPM,
    )
    .help("Odd clients run this much fast, even ones this much slow."),
    ParamSpec::number("up_ms", "Latency client → server (ms)", 30.0, 0.0, 10_000.0)
        .help("Minimum one-way latency of requests."),
    ParamSpec::number("down_ms", "Latency server → client (ms)", 30.0, 0.0, 10_000.0)
        .help("Minimum one-way latency of replies: make it differ from the other way to see the estimate err by half the difference."),
    ParamSpec::choice("latency", "Latency model", LATENCY_MODELS, 1).help(
        "constant: always the minimum; uniform: between min and min + jitter; exponential: min \
         plus a random extra whose mean is the jitter.",
    ),
    ParamSpec::number("spread_ms", "Latency jitter (ms)", 10.0, 0.0, 10_000.0)
        .help("Random extra latency, each way."),
    ParamSpec::number("processing_ms", "Server processing (ms)", 5.0, 0.0, 10_000.0)
        .help("Time between the server receiving a request (t2) and replying (t3)."),
    ParamSpec::number("slew_ppm", "Slew rate (ppm)", 500.0, 1.0, 100_000.0)
        .help("Fastest a client corrects its clock without stepping it; NTP's is 500 ppm."),
    ParamSpec::number("step_ms", "Step threshold (ms)", 128.0, 0.0, 1e7)
        .help("An offset above this is stepped instead of slewed; NTP's is 128 ms."),
    ParamSpec::number("panic_s", "Panic threshold (s)", 1000.0, 0.001, 1e6).help(
        "An offset above this is refused as absurd; NTP's is 1000 s (it then waits for a person).",
    ),
];

const METRICS: &[MetricSpec] = &[
    MetricSpec {
        name: "estimated_offset_ms",
        label: "Estimated offset θ (server − client)",
        unit: "ms",
    },
    MetricSpec {
        name: "true_offset_ms",
        label: "True offset (server − client)",
        unit: "ms",
    },
    MetricSpec {
        name: "estimate_error_ms",
        label: "Estimate's error (estimated − true)",
        unit: "ms",
    },
    MetricSpec {
        name: "error_bound_ms",
        label: "Half the round-trip time (bound on the error)",
        unit: "ms",
    },
    MetricSpec {
        name: "rtt_ms",
        label: "Round-trip delay δ",
        unit: "ms",
    },
    MetricSpec {
        name: "sync_bound_ms",
        label: "Bound the synced clock stays within (largest δ/2 + drift × poll)",
        unit: "ms",
    },
];

pub const SCENARIO: Scenario = Scenario {
    spec: ScenarioSpec {
        id: "clock-sync",
        title: "Clock synchronisation (Cristian, NTP)",
        summary: "Node 0 is a time server with a perfect clock; the other nodes are clients with \
                  drifting clocks that start off by some amount. Every poll a client asks the \
                  server the time and estimates its offset from the timestamps and the round \
                  trip. It cannot know how the round trip splits between the two directions, so \
                  its estimate may be off by up to half of it. It then corrects its clock: small \
                  offsets are slewed away gently, large ones stepped, absurd ones refused.",
        params: PARAMS,
        try_this: &[
            "Watch client 1 (100 ms ahead) slew: its offset shrinks in a straight line at \
             500 ppm, with no jump. Client 2 (200 ms behind) is past the 128 ms threshold and \
             steps once.",
            "Make the latency asymmetric (client → server 10 ms, server → client 50 ms): the \
             estimate is now off by half the difference, 20 ms, every time, and no client can \
             tell.",
            "Skew a client's clock by 10 minutes, or by an hour: the first is stepped back, the \
             second is beyond the panic threshold and refused.",
        ],
        metrics: METRICS,
    },
    build,
};

/// What the simulator knows and a real server would not: true instants and the server clock's
/// error (reading − true time), at t2 and t3. Not on the wire; used only for plots and claims.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Truth {
    pub received: Time,
    pub sent: Time,
    pub err_received: i64,
    pub err_sent: i64,
}

#[derive(Clone, Debug)]
pub enum Msg {
    /// "What time is it?", carrying the client's send timestamp t1 (NTP's origin timestamp).
    Request { id: u64, t1: i64 },
    /// The server's receive (t2) and transmit (t3) timestamps, echoing t1.
    Reply {
        id: u64,
        t1: i64,
        t2: i64,
        t3: i64,
        truth: Truth,
    },
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Request { .. } => "time?",
            Msg::Reply { .. } => "time",
        }
    }

    /// An NTP packet is 48 bytes.
    fn size(&self) -> u32 {
        48
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    Ntp,
    Cristian,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Discipline {
    SlewStep,
    Step,
    None,
}

#[derive(Clone, Debug)]
pub struct ClockSync {
    pub algorithm: Algorithm,
    pub discipline: Discipline,
    pub poll: Duration,
    pub processing: Duration,
    pub slew_ppm: f64,
    pub step_ns: i64,
    pub panic_ns: i64,
    /// The clients' drift as specified (|ppm|), for the bound a synced clock stays within.
    pub drift_spec_ppm: f64,
}

/// A request the server has received and will answer when its processing is done.
#[derive(Clone, Copy, Debug)]
struct Serving {
    tag: u64,
    client: NodeId,
    id: u64,
    t1: i64,
    t2: i64,
    received: Time,
    err_received: i64,
}

#[derive(Clone, Debug, Default)]
pub struct Server {
    next_tag: u64,
    serving: Vec<Serving>,
    served: u64,
}

/// Volatile: gone after a crash.
#[derive(Clone, Debug)]
pub enum State {
    Server(Server),
    Client(Client),
}

/// At most this many requests wait at the server (the rest are dropped, as by a full queue).
const MAX_SERVING: usize = 64;
/// Server timer tags start here; clients use small tags.
const SERVE: u64 = 1 << 32;

impl ClockSync {
    fn serve(&self, ctx: &mut Ctx<Msg>, s: &Serving) {
        let t3 = ctx.time_of_day();
        let truth = Truth {
            received: s.received,
            sent: ctx.true_time(),
            err_received: s.err_received,
            err_sent: t3.saturating_sub(ctx.true_time().0 as i64),
        };
        ctx.send(
            s.client,
            Msg::Reply {
                id: s.id,
                t1: s.t1,
                t2: s.t2,
                t3,
                truth,
            },
        );
    }
}

impl Protocol for ClockSync {
    type Msg = Msg;
    type State = State;
    type Stable = Stats;

    fn start(&self, ctx: &mut Ctx<Msg>, stats: &mut Stats) -> State {
        if ctx.id() == SERVER {
            State::Server(Server::default())
        } else {
            State::Client(self.client_start(ctx, stats))
        }
    }

    fn on_message(
        &self,
        ctx: &mut Ctx<Msg>,
        state: &mut State,
        stats: &mut Stats,
        from: NodeId,
        msg: Msg,
    ) {
        match (state, msg) {
            (State::Server(s), Msg::Request { id, t1 }) => {
                let t2 = ctx.time_of_day();
                let mut serving = Serving {
                    tag: 0,
                    client: from,
                    id,
                    t1,
                    t2,
                    received: ctx.true_time(),
                    err_received: t2.saturating_sub(ctx.true_time().0 as i64),
                };
                if self.processing == Duration::ZERO {
                    s.served += 1;
                    self.serve(ctx, &serving);
                } else if s.serving.len() < MAX_SERVING {
                    s.served += 1;
                    serving.tag = SERVE + s.next_tag;
                    s.next_tag += 1;
                    ctx.set_timer(self.processing, serving.tag);
                    s.serving.push(serving);
                }
            }
            (
                State::Client(c),
                Msg::Reply {
                    id,
                    t1,
                    t2,
                    t3,
                    truth,
                },
            ) => self.client_reply(ctx, c, stats, id, [t1, t2, t3], truth),
            _ => {} // a request to a client, or a reply to the server: not part of the protocol
        }
    }

    fn on_timer(&self, ctx: &mut Ctx<Msg>, state: &mut State, stats: &mut Stats, tag: u64) {
        match state {
            State::Server(s) => {
                if let Some(i) = s.serving.iter().position(|r| r.tag == tag) {
                    let r = s.serving.remove(i);
                    self.serve(ctx, &r);
                }
            }
            State::Client(c) => self.client_timer(ctx, c, stats, tag),
        }
    }

    fn summary(&self, state: Option<&State>, stats: &Stats) -> String {
        view::summary(state, stats)
    }

    fn inspect(&self, state: Option<&State>, stats: &Stats) -> (Option<Fields>, Fields) {
        view::inspect(state, stats)
    }

    fn role(&self, id: NodeId) -> Option<&'static str> {
        Some(if id == SERVER {
            "time server"
        } else {
            "client"
        })
    }

    fn verdicts(&self, _: &[Option<State>], stats: &[Stats], _: Time) -> Vec<Verdict> {
        view::verdicts(self, stats)
    }
}

fn build(p: &Params, seed: u64) -> Box<dyn Runner> {
    Box::new(world(p, seed))
}

fn latency(p: &Params, min_ms: f64) -> Latency {
    let min = Duration::from_ms_f64(min_ms);
    let spread = Duration::from_ms_f64(p.get("spread_ms"));
    match p.choice("latency") {
        "constant" => Latency::Constant(min),
        "uniform" => Latency::Uniform {
            min,
            max: min + spread,
        },
        _ => Latency::Exponential {
            min,
            mean_extra: spread,
        },
    }
}

/// Client k's clock at the start: (offset ns, drift ppm) — odd clients ahead and fast, even ones
/// behind and slow.
pub fn client_clock(p: &Params, k: NodeId) -> (i64, f64) {
    let sign = if k % 2 == 1 { 1.0 } else { -1.0 };
    let offset = sign * k as f64 * p.get("offset_ms") * 1e6;
    (offset.round() as i64, sign * p.get("drift_ppm"))
}

/// The world with its concrete type, so native tests can look inside node state.
pub fn world(p: &Params, seed: u64) -> World<ClockSync> {
    let clients = p.get("clients") as NodeId;
    let protocol = ClockSync {
        algorithm: match p.choice("algorithm") {
            "cristian" => Algorithm::Cristian,
            _ => Algorithm::Ntp,
        },
        discipline: match p.choice("discipline") {
            "step" => Discipline::Step,
            "none" => Discipline::None,
            _ => Discipline::SlewStep,
        },
        poll: Duration::from_ms_f64(p.get("poll_ms")),
        processing: Duration::from_ms_f64(p.get("processing_ms")),
        slew_ppm: p.get("slew_ppm"),
        step_ns: (p.get("step_ms") * 1e6).round() as i64,
        panic_ns: (p.get("panic_s") * 1e9).round() as i64,
        drift_spec_ppm: p.get("drift_ppm").abs(),
    };
    let mut setups = vec![NodeSetup::new(FaultModel::CrashRecovery)];
    for k in 1..=clients {
        let (offset, drift) = client_clock(p, k);
        setups.push(NodeSetup {
            fault: FaultModel::CrashRecovery,
            clock: Clock::new(offset, drift),
        });
    }
    let base = LinkConfig {
        loss: 0.0,
        ..model::link_config(p)
    };
    let mut net = Network::new(base);
    for k in 1..=clients {
        let up = LinkConfig {
            latency: latency(p, p.get("up_ms")),
            ..base
        };
        let down = LinkConfig {
            latency: latency(p, p.get("down_ms")),
            ..base
        };
        net.set_config(k, SERVER, up);
        net.set_config(SERVER, k, down);
    }
    World::new(protocol, setups, net, seed)
}
