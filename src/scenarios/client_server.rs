//! Client and server: node 0 sends requests to node 1, which answers each one. The link has a
//! latency, a bandwidth and an MTU, so the run shows where a message's time goes: a small one
//! takes about the latency, a large one also the time to squeeze its bytes through the bandwidth,
//! split into MTU-sized packets that leave one behind another; send faster than the link drains
//! and packets queue, so every round trip is longer than the one before.

mod claims;
pub mod delays;

use super::model;
use super::params::{ParamSpec, Params};
use super::{MetricSpec, Scenario, ScenarioSpec};
use crate::sim::network::{Latency, Network};
use crate::sim::node::FaultModel;
use crate::sim::protocol::{Ctx, Fields, Message, Protocol, Verdict};
use crate::sim::world::{NodeSetup, World};
use crate::sim::{Duration, NodeId, Runner, Time};
use claims::{describe, explain};
use delays::{ms, Delays, Sample, Stamp};
use std::collections::BTreeMap;

pub const PACING: &[&str] = &["one-at-a-time", "fixed-interval"];
/// Most bytes a request or response may have.
pub const MAX_SIZE: f64 = 20_000_000.0;
/// The client stops sending new requests while this many are unanswered.
pub const MAX_OUTSTANDING: usize = 64;

const PARAMS: &[ParamSpec] = &[
    ParamSpec::integer(
        "request_bytes",
        "Request size (bytes)",
        200.0,
        1.0,
        MAX_SIZE,
    )
    .help("Bytes the client sends in each request."),
    ParamSpec::integer(
        "response_bytes",
        "Response size (bytes)",
        500_000.0,
        1.0,
        MAX_SIZE,
    )
    .help("Bytes the server sends back in each response."),
    ParamSpec::choice("pacing", "Requests", PACING, 0).help(
        "one-at-a-time: the next request leaves the interval after the previous answer. \
         fixed-interval: a request every interval, answered or not.",
    ),
    ParamSpec::number("interval_ms", "Interval (ms)", 500.0, 0.0, 60_000.0)
        .help("Gap between requests (at least 1 ms in fixed-interval mode)."),
    ParamSpec::number("latency_ms", "Latency L (ms)", 50.0, 0.0, 10_000.0)
        .help("Time a packet takes to travel the link once it is on the wire."),
    ParamSpec::number("spread_ms", "Jitter (ms)", 0.0, 0.0, 10_000.0)
        .help("Each packet takes L plus a random extra up to this much; 0 keeps it exact."),
    ParamSpec::number(
        "bandwidth_kbps",
        "Bandwidth B (kB/s)",
        1000.0,
        0.0,
        10_000_000.0,
    )
    .help("Kilobytes per second the link carries each way; 0 means unlimited."),
    model::MTU,
    model::LOSS,
    model::RETRANSMIT,
    model::RTO_MS,
    ParamSpec::number(
        "timeout_ms",
        "Client timeout (ms)",
        60_000.0,
        1.0,
        3_600_000.0,
    )
    .help("The client gives up on a request unanswered for this long."),
];

pub const SCENARIO: Scenario = Scenario {
    spec: ScenarioSpec {
        id: "client-server",
        title: "Client and server",
        summary: "A client (n0) asks a server (n1) for data over one link, and the server answers \
                  every request. The link has a latency L, a bandwidth B and an MTU: a message \
                  of s bytes leaves as ⌈s/MTU⌉ packets, each waiting for the one before it to get \
                  onto the wire, so it arrives about L + s/B after it was sent. The client times \
                  each round trip on its own clock; the plots show those times, each message's \
                  one-way delay and the bytes per second arriving.",
        params: PARAMS,
        try_this: &[
            "Start with the defaults: the 200-byte request takes about L, while the 500 kB \
             answer needs half a second more to squeeze through 1000 kB/s. Halve the \
             bandwidth and that half second doubles; halve the latency and only the L part \
             shrinks.",
            "Switch to fixed-interval with an interval of 200 ms. The link drains one answer \
             per 0.5 s but is handed one every 0.2 s, so each answer queues behind the last \
             and every round trip is 0.3 s longer than the one before.",
            "Set the MTU to 500 and watch one answer cross the timeline as a thousand packets. \
             Then add a loss of 0.001 with retransmission on: an answer only counts if all its \
             packets arrive, so about two in three are lost and sent again in full.",
        ],
        metrics: &[
            MetricSpec {
                name: "latency",
                label: "Round trip (client's clock)",
                unit: "ms",
            },
            MetricSpec {
                name: "request_delay",
                label: "Request one-way delay",
                unit: "ms",
            },
            MetricSpec {
                name: "response_delay",
                label: "Response one-way delay",
                unit: "ms",
            },
            MetricSpec {
                name: "throughput",
                label: "Bytes arriving per second",
                unit: "B/s",
            },
        ],
    },
    build,
};

#[derive(Clone, Debug)]
pub enum Msg {
    Request(Stamp),
    Response(Stamp),
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Request(_) => "request",
            Msg::Response(_) => "response",
        }
    }

    fn size(&self) -> u32 {
        let (Msg::Request(s) | Msg::Response(s)) = self;
        s.size
    }
}

#[derive(Clone, Debug)]
pub struct ClientServer {
    request: u32,
    response: u32,
    fixed: bool,
    interval: Duration,
    timeout: Duration,
}

pub const CLIENT: NodeId = 0;
pub const SERVER: NodeId = 1;

/// Timer tags: the next request, or a request's timeout (flag plus request id).
const SEND: u64 = 0;
const TIMEOUT: u64 = 1 << 63;

/// Stable storage: request ids are never reused, even after the client crashes and recovers,
/// so an old answer cannot pass for a new one.
#[derive(Clone, Debug, Default)]
pub struct Stable {
    pub next_id: u64,
}

#[derive(Clone, Debug, Default)]
pub struct Client {
    /// Requests sent since this boot.
    pub sent: u64,
    /// Too many requests are unanswered: new ones are skipped until some are answered.
    pub holding_back: bool,
    /// Unanswered requests: id → (own monotonic clock when sent, timeout timer).
    pub outstanding: BTreeMap<u64, (i64, u64)>,
    pub answered: u64,
    pub timed_out: u64,
    /// Answers that came after the client had given up on them.
    pub late_answers: u64,
    /// Round trips on the client's own clock, ms: the first, the latest, the largest.
    pub first_rtt: Option<f64>,
    pub last_rtt: Option<f64>,
    pub max_rtt: f64,
    /// How many round trips in a row were each longer than the one before.
    pub rising: u32,
    pub longest_rise: u32,
    /// One-way delays of the responses.
    pub delays: Delays,
}

#[derive(Clone, Debug, Default)]
pub struct Server {
    pub answered: u64,
    /// One-way delays of the requests.
    pub delays: Delays,
}

#[derive(Clone, Debug)]
pub enum State {
    Client(Client),
    Server(Server),
    /// Any node past the first two has no part.
    Idle,
}

impl ClientServer {
    fn send_request(&self, ctx: &mut Ctx<Msg>, c: &mut Client, stable: &mut Stable) {
        if c.outstanding.len() >= MAX_OUTSTANDING {
            if !c.holding_back {
                c.holding_back = true;
                ctx.note(format!(
                    "{MAX_OUTSTANDING} requests are unanswered: the client holds back new ones"
                ));
            }
            return;
        }
        c.holding_back = false;
        let id = stable.next_id;
        stable.next_id += 1;
        c.sent += 1;
        let stamp = Stamp::new(
            "request",
            id,
            self.request,
            ctx.true_time(),
            ctx.send_queue(SERVER),
            ctx.link(SERVER),
        );
        ctx.note(format!("request {id}: {}", describe(&stamp)));
        ctx.send(SERVER, Msg::Request(stamp));
        let timer = ctx.set_timer(self.timeout, TIMEOUT | id);
        c.outstanding.insert(id, (ctx.mono(), timer));
    }

    fn next_after_answer(&self, ctx: &mut Ctx<Msg>) {
        if !self.fixed {
            ctx.set_timer(self.interval, SEND);
        }
    }
}

impl Protocol for ClientServer {
    type Msg = Msg;
    type State = State;
    type Stable = Stable;

    fn start(&self, ctx: &mut Ctx<Msg>, _: &mut Stable) -> State {
        match ctx.id() {
            CLIENT => {
                ctx.set_timer(Duration::ZERO, SEND);
                State::Client(Client::default())
            }
            SERVER => State::Server(Server::default()),
            _ => State::Idle,
        }
    }

    fn on_message(
        &self,
        ctx: &mut Ctx<Msg>,
        state: &mut State,
        _: &mut Stable,
        _: NodeId,
        msg: Msg,
    ) {
        match (state, msg) {
            (State::Server(s), Msg::Request(stamp)) => {
                let sample = Sample::new(stamp, ctx.true_time());
                s.delays.record(sample);
                s.answered += 1;
                ctx.metric("request_delay", sample.observed.as_ms_f64());
                ctx.note(format!("request {} {}", stamp.id, explain(&sample)));
                let answer = Stamp::new(
                    "response",
                    stamp.id,
                    self.response,
                    ctx.true_time(),
                    ctx.send_queue(CLIENT),
                    ctx.link(CLIENT),
                );
                ctx.note(format!("response {}: {}", stamp.id, describe(&answer)));
                ctx.send(CLIENT, Msg::Response(answer));
            }
            (State::Client(c), Msg::Response(stamp)) => {
                let sample = Sample::new(stamp, ctx.true_time());
                c.delays.record(sample);
                ctx.metric("response_delay", sample.observed.as_ms_f64());
                let Some((sent, timer)) = c.outstanding.remove(&stamp.id) else {
                    c.late_answers += 1;
                    ctx.note(format!(
                        "response {} {}; the client had already given up on it",
                        stamp.id,
                        explain(&sample)
                    ));
                    return;
                };
                ctx.cancel_timer(timer);
                c.answered += 1;
                let rtt = (ctx.mono() - sent) as f64 / 1e6;
                ctx.metric("latency", rtt);
                c.rising = match c.last_rtt {
                    Some(last) if rtt > last => c.rising + 1,
                    _ => 0,
                };
                c.longest_rise = c.longest_rise.max(c.rising);
                c.first_rtt.get_or_insert(rtt);
                c.last_rtt = Some(rtt);
                c.max_rtt = c.max_rtt.max(rtt);
                ctx.note(format!(
                    "response {} {}; round trip {} on the client's clock",
                    stamp.id,
                    explain(&sample),
                    ms(Duration::from_ms_f64(rtt))
                ));
                self.next_after_answer(ctx);
            }
            _ => {}
        }
    }

    fn on_timer(&self, ctx: &mut Ctx<Msg>, state: &mut State, stable: &mut Stable, tag: u64) {
        let State::Client(c) = state else {
            return;
        };
        if tag == SEND {
            self.send_request(ctx, c, stable);
            if self.fixed {
                ctx.set_timer(self.interval, SEND);
            }
            return;
        }
        let id = tag & !TIMEOUT;
        if c.outstanding.remove(&id).is_some() {
            c.timed_out += 1;
            ctx.note(format!(
                "request {id}: no answer within {}: lost on the way (loss strikes each packet), \
                 or still queued",
                ms(self.timeout)
            ));
            self.next_after_answer(ctx);
        }
    }

    fn summary(&self, state: Option<&State>, _: &Stable) -> String {
        match state {
            None => "down".into(),
            Some(State::Client(c)) => match c.last_rtt {
                Some(r) => format!(
                    "{} answered, last {}",
                    c.answered,
                    ms(Duration::from_ms_f64(r))
                ),
                None => format!("{} sent", c.sent),
            },
            Some(State::Server(s)) => format!("{} answered", s.answered),
            Some(State::Idle) => String::new(),
        }
    }

    fn inspect(&self, state: Option<&State>, stable: &Stable) -> (Option<Fields>, Fields) {
        let f = |k: &str, v: String| (k.to_string(), v);
        let volatile = state.map(|s| match s {
            State::Client(c) => vec![
                f("requests sent since boot", c.sent.to_string()),
                f("answered", c.answered.to_string()),
                f("unanswered now", c.outstanding.len().to_string()),
                f("timed out", c.timed_out.to_string()),
                f("answers after giving up", c.late_answers.to_string()),
                f(
                    "latest round trip",
                    c.last_rtt
                        .map_or("-".into(), |r| ms(Duration::from_ms_f64(r))),
                ),
                f("longest round trip", ms(Duration::from_ms_f64(c.max_rtt))),
            ],
            State::Server(s) => vec![f("requests answered", s.answered.to_string())],
            State::Idle => vec![],
        });
        let stable = if stable.next_id > 0 {
            vec![f("next request id", stable.next_id.to_string())]
        } else {
            vec![]
        };
        (volatile, stable)
    }

    fn role(&self, id: NodeId) -> Option<&'static str> {
        match id {
            CLIENT => Some("client"),
            SERVER => Some("server"),
            _ => None,
        }
    }

    fn verdicts(&self, states: &[Option<State>], _: &[Stable], _: Time) -> Vec<Verdict> {
        claims::verdicts(states)
    }
}

fn build(p: &Params, seed: u64) -> Box<dyn Runner> {
    Box::new(world(p, seed))
}

/// The world with its concrete type, so native tests can look inside node state.
pub fn world(p: &Params, seed: u64) -> World<ClientServer> {
    let fixed = p.choice("pacing") == "fixed-interval";
    let interval = Duration::from_ms_f64(p.get("interval_ms"));
    let protocol = ClientServer {
        request: p.get("request_bytes") as u32,
        response: p.get("response_bytes") as u32,
        fixed,
        // A fixed interval of 0 would send forever without time moving on.
        interval: if fixed {
            interval.max(Duration::from_ms(1))
        } else {
            interval
        },
        timeout: Duration::from_ms_f64(p.get("timeout_ms")),
    };
    let mut link = model::link_config(p);
    let (min, spread) = (
        Duration::from_ms_f64(p.get("latency_ms")),
        Duration::from_ms_f64(p.get("spread_ms")),
    );
    link.latency = if spread == Duration::ZERO {
        Latency::Constant(min)
    } else {
        Latency::Uniform {
            min,
            max: min + spread,
        }
    };
    let setups = vec![NodeSetup::new(FaultModel::CrashRecovery); 2];
    let mut w = World::new(protocol, setups, Network::new(link), seed);
    if p.choice("retransmit") == "on" {
        w = w.with_retransmission(Duration::from_ms_f64(p.get("rto_ms")));
    }
    // Measure at whichever end receives the bigger messages.
    let into = if p.get("response_bytes") >= p.get("request_bytes") {
        CLIENT
    } else {
        SERVER
    };
    w.with_throughput_sampling(into, Duration::from_ms(100))
}
