//! Availability and SLOs: clients send requests at random instants to a service of one server, or
//! of several replicas with failover, while servers crash at random (MTBF, MTTR) or by hand. The
//! clients measure what a user would: how many requests were answered, and how fast.
//!
//! Nodes 0..r are the servers (replicas), nodes r..r+c the clients. Every replica can answer any
//! request alone. A client sends each request to the replica it currently prefers; if no answer
//! comes within the timeout it fails over to the next replica and sends the request there, and
//! a request that every replica left unanswered has failed. Clients are kept out of random faults:
//! they are the measuring instrument (the student may still crash one by hand).

use self::stats::{LatencyHistogram, P50, P99, P999};
use super::model;
use super::params::{ParamSpec, Params};
use super::{MetricSpec, Scenario, ScenarioSpec};
use crate::sim::network::Network;
use crate::sim::protocol::{Ctx, Fields, Message, Protocol, Verdict};
use crate::sim::world::World;
use crate::sim::{Duration, NodeId, Runner, Time};
use std::collections::VecDeque;

#[path = "availability_client.rs"]
mod client;
#[path = "availability_stats.rs"]
pub mod stats;
#[path = "availability_verdicts.rs"]
mod verdicts;

const PARAMS: &[ParamSpec] = &[
    ParamSpec::integer("replicas", "Servers", 1.0, 1.0, 7.0).help(
        "1: a single server. More: replicas, any of which can answer a request; clients fail over \
         from one to the next.",
    ),
    ParamSpec::integer("clients", "Clients", 2.0, 1.0, 16.0),
    ParamSpec::number(
        "rate",
        "Requests per second (each client)",
        10.0,
        0.1,
        1_000.0,
    )
    .help("Each client sends at random instants (a Poisson stream) at this average rate."),
    ParamSpec::number("timeout_ms", "Client timeout (ms)", 500.0, 1.0, 60_000.0).help(
        "How long a client waits for an answer before it tries the next replica. A request no \
         replica answered in time has failed.",
    ),
    ParamSpec::number("service_ms", "Service time (ms)", 5.0, 0.0, 10_000.0).help(
        "A server handles one request at a time, each taking a random time with this mean; \
         requests wait in a queue meanwhile.",
    ),
    ParamSpec::number(
        "slo_percent",
        "SLO: share of requests (%)",
        99.0,
        50.0,
        99.999,
    )
    .help("The SLO reads: this share of requests is answered within the SLO latency."),
    ParamSpec::number("slo_ms", "SLO: latency (ms)", 200.0, 1.0, 600_000.0),
    ParamSpec::number(
        "mtbf_s",
        "Mean time between failures (s)",
        30.0,
        0.0,
        1_000_000.0,
    )
    .help(
        "Each server crashes after a random time with this mean (clients never fail at random); \
         0 switches random faults off.",
    ),
    ParamSpec::number("mttr_s", "Mean time to repair (s)", 3.0, 0.001, 1_000_000.0)
        .help("A crashed server comes back after a random time with this mean."),
    model::LINK_KIND,
    model::LATENCY,
    model::LATENCY_MS,
    model::SPREAD_MS,
    model::LOSS,
];

const METRICS: &[MetricSpec] = &[
    MetricSpec {
        name: "latency_ms",
        label: "request latency (each answered request)",
        unit: "ms",
    },
    MetricSpec {
        name: "availability_pct",
        label: "availability so far (this client)",
        unit: "%",
    },
    MetricSpec {
        name: "window_pct",
        label: "requests answered in the last second (this client)",
        unit: "%",
    },
    MetricSpec {
        name: "nines",
        label: "nines of availability so far (this client)",
        unit: "nines",
    },
    MetricSpec {
        name: "p50_ms",
        label: "median latency (this client; a failed request counts as the full deadline)",
        unit: "ms",
    },
    MetricSpec {
        name: "p99_ms",
        label: "99th percentile latency (this client)",
        unit: "ms",
    },
    MetricSpec {
        name: "p999_ms",
        label: "99.9th percentile latency (this client)",
        unit: "ms",
    },
];

pub const SCENARIO: Scenario = Scenario {
    spec: ScenarioSpec {
        id: "availability",
        title: "Availability and SLOs",
        summary: "Clients send requests at random moments to a service: one server, or several \
                  replicas that can each answer alone. Servers fail at random (mean time between \
                  failures, mean time to repair) or when you crash them. Availability is measured \
                  as the clients see it: the share of requests answered before the client gave \
                  up (after trying every replica once). Because requests go out at random \
                  instants, that share is also an estimate of the share of time the service was \
                  answering. It is shown as a percentage, as nines, and as the downtime a year it \
                  would mean. The SLO you set (\"P% of requests answered within L ms\") is judged \
                  on the measured latencies, where a request that got no answer counts as too \
                  slow.",
        params: PARAMS,
        try_this: &[
            "With one server, crash it for a few seconds: every request sent meanwhile fails. \
             One server is a single point of failure.",
            "Set 3 servers and crash the first one: each client waits one timeout, fails over to \
             the next replica and carries on. The fault shows up in the tail latency (p99), not \
             in the availability.",
            "Leave one server running with random faults for a long while: the measured \
             availability settles near MTBF / (MTBF + MTTR). Then set the SLO latency just above \
             and just below the measured p99 and watch the verdict flip.",
        ],
        metrics: METRICS,
    },
    build,
};

#[derive(Clone, Debug)]
pub enum Msg {
    Request { id: u64 },
    Reply { id: u64 },
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Request { .. } => "request",
            Msg::Reply { .. } => "reply",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Availability {
    replicas: u32,
    rate: f64,
    timeout: Duration,
    service_ms: f64,
    slo_point: u64,
    slo_percent: f64,
    slo: Duration,
    mtbf_s: f64,
    mttr_s: f64,
}

/// A request waiting for its answer.
#[derive(Clone, Debug)]
pub struct Pending {
    id: u64,
    first_sent: Time,
    attempt: u32,
    replica: NodeId,
    /// The replicas tried so far, one bit each.
    tried: u8,
    timer: u64,
}

#[derive(Clone, Debug)]
pub enum State {
    Server {
        queue: VecDeque<(NodeId, u64)>,
        served: u64,
        /// Requests turned away because the queue was full.
        refused: u64,
    },
    Client {
        pending: Vec<Pending>,
        preferred: NodeId,
        /// Answered and failed requests at the last report, for the last second's share.
        at_report: (u64, u64),
        /// Outcomes (id, sent at, answered) waiting for every earlier request to finish, so
        /// that outages are runs of failures in the order the requests were sent.
        resolved: VecDeque<(u64, Time, bool)>,
    },
}

/// A client's measurements: stable, so a client crashed by hand does not lose them.
#[derive(Clone, Debug, Default)]
pub struct ClientStats {
    /// Requests sent so far; also the next request's id.
    pub started: u64,
    pub answered: u64,
    pub failed: u64,
    /// Answered only after a failover (the first replica tried gave no answer in time).
    pub rescued: u64,
    /// Answered within the SLO latency.
    pub within_slo: u64,
    pub latencies: LatencyHistogram,
    /// Runs of consecutive failed requests, by the send times of the first and last of them:
    /// the outages this client saw (the latest ones).
    pub outages: VecDeque<(Time, Time)>,
    /// The run of failures going on now, if the latest request failed.
    pub open_outage: Option<(Time, Time)>,
}

/// Outages a client remembers (the count of failed requests covers the whole run).
const OUTAGES_KEPT: usize = 32;

#[derive(Clone, Debug, Default)]
pub struct Stable {
    pub boots: u32,
    pub client: ClientStats,
}

const SEND: u64 = 0;
const REPORT: u64 = 1;
const DONE: u64 = 2;
/// A request's timeout timer: this bit plus the request id.
const TIMEOUT: u64 = 1 << 62;

/// Requests a server holds in its queue at most; more are turned away.
pub const QUEUE_LIMIT: usize = 1_000;

const REPORT_EVERY: Duration = Duration(1_000_000_000);

impl Availability {
    fn is_server(&self, id: NodeId) -> bool {
        id < self.replicas
    }

    /// How long a client waits in all before a request has failed.
    pub fn deadline(&self) -> Duration {
        Duration(self.timeout.0.saturating_mul(self.replicas as u64))
    }

    pub fn replicas(&self) -> u32 {
        self.replicas
    }

    pub fn slo(&self) -> Duration {
        self.slo
    }

    fn next_send(&self, ctx: &mut Ctx<Msg>) {
        let gap_ns = ctx.rng().exponential(1e9 / self.rate);
        ctx.set_timer(Duration(gap_ns as u64), SEND);
    }

    fn start_service(&self, ctx: &mut Ctx<Msg>) {
        let ns = ctx.rng().exponential(self.service_ms * 1e6);
        ctx.set_timer(Duration(ns as u64), DONE);
    }
}

impl Protocol for Availability {
    type Msg = Msg;
    type State = State;
    type Stable = Stable;

    fn start(&self, ctx: &mut Ctx<Msg>, stable: &mut Stable) -> State {
        stable.boots += 1;
        if self.is_server(ctx.id()) {
            if stable.boots > 1 {
                ctx.note("back up, with an empty queue");
            }
            return State::Server {
                queue: VecDeque::new(),
                served: 0,
                refused: 0,
            };
        }
        self.next_send(ctx);
        ctx.set_timer(REPORT_EVERY, REPORT);
        let s = &stable.client;
        State::Client {
            pending: Vec::new(),
            // Every client starts with the first replica, like clients of a primary.
            preferred: 0,
            at_report: (s.answered, s.failed),
            resolved: VecDeque::new(),
        }
    }

    fn on_message(
        &self,
        ctx: &mut Ctx<Msg>,
        state: &mut State,
        stable: &mut Stable,
        from: NodeId,
        msg: Msg,
    ) {
        match (msg, &mut *state) {
            (Msg::Request { id }, State::Server { queue, refused, .. }) => {
                if queue.len() >= QUEUE_LIMIT {
                    // Overloaded: the request is dropped and its client will time out.
                    if *refused == 0 {
                        ctx.note(format!(
                            "overloaded: {QUEUE_LIMIT} requests queued, turning new ones away"
                        ));
                    }
                    *refused += 1;
                    return;
                }
                queue.push_back((from, id));
                if queue.len() == 1 {
                    self.start_service(ctx);
                }
            }
            (Msg::Reply { id }, State::Client { .. }) => self.answered(ctx, state, stable, id),
            _ => {}
        }
    }

    fn on_timer(&self, ctx: &mut Ctx<Msg>, state: &mut State, stable: &mut Stable, tag: u64) {
        match tag {
            SEND => {
                self.send_request(ctx, state, stable);
                self.next_send(ctx);
            }
            REPORT => {
                self.report(ctx, state, stable);
                ctx.set_timer(REPORT_EVERY, REPORT);
            }
            DONE => {
                if let State::Server { queue, served, .. } = state {
                    if let Some((client, id)) = queue.pop_front() {
                        *served += 1;
                        ctx.send(client, Msg::Reply { id });
                    }
                    if !queue.is_empty() {
                        self.start_service(ctx);
                    }
                }
            }
            t if t & TIMEOUT != 0 => self.timed_out(ctx, state, stable, t & !TIMEOUT),
            _ => {}
        }
    }

    fn summary(&self, state: Option<&State>, stable: &Stable) -> String {
        match state {
            None => "down".into(),
            Some(State::Server { queue, .. }) => format!("up · queue {}", queue.len()),
            Some(State::Client { .. }) => {
                let s = &stable.client;
                let finished = s.answered + s.failed;
                if finished == 0 {
                    return "no answers yet".into();
                }
                stats::format_percent(s.answered as f64 / finished as f64)
            }
        }
    }

    fn inspect(&self, state: Option<&State>, stable: &Stable) -> (Option<Fields>, Fields) {
        let f = |k: &str, v: String| (k.to_string(), v);
        let volatile = state.map(|s| match s {
            State::Server {
                queue,
                served,
                refused,
            } => vec![
                f("queued requests", queue.len().to_string()),
                f("served since boot", served.to_string()),
                f("turned away (queue full)", refused.to_string()),
            ],
            State::Client {
                pending, preferred, ..
            } => vec![
                f("preferred server", format!("n{preferred}")),
                f("requests waiting", pending.len().to_string()),
            ],
        });
        let mut st = vec![f("boots", stable.boots.to_string())];
        let s = &stable.client;
        if s.started > 0 {
            let finished = s.answered + s.failed;
            st.push(f("requests sent", s.started.to_string()));
            st.push(f("answered", s.answered.to_string()));
            st.push(f("failed", s.failed.to_string()));
            st.push(f("answered after failover", s.rescued.to_string()));
            if finished > 0 {
                let a = s.answered as f64 / finished as f64;
                st.push(f("availability", stats::format_percent(a)));
                st.push(f("nines", stats::format_nines(a)));
                st.push(f("downtime a year at this rate", stats::format_downtime(a)));
                st.push(f(
                    "within SLO latency",
                    stats::format_percent(s.within_slo as f64 / finished as f64),
                ));
            }
            for (name, point) in [("p50", P50), ("p99", P99), ("p99.9", P999)] {
                let v = s.latencies.percentile(point, s.failed);
                st.push(f(
                    name,
                    v.map_or("no answer".into(), |ns| {
                        format!("{:.1} ms", ns as f64 / 1e6)
                    }),
                ));
            }
            for (from, to) in s.outages.iter().rev().take(5) {
                st.push(f(
                    "outage seen",
                    format!(
                        "{:.3} s – {:.3} s",
                        from.as_ms_f64() / 1e3,
                        to.as_ms_f64() / 1e3
                    ),
                ));
            }
        }
        (volatile, st)
    }

    fn role(&self, id: NodeId) -> Option<&'static str> {
        Some(if !self.is_server(id) {
            "client"
        } else if self.replicas == 1 {
            "server"
        } else {
            "replica"
        })
    }

    fn verdicts(&self, states: &[Option<State>], stable: &[Stable], now: Time) -> Vec<Verdict> {
        verdicts::verdicts(self, states, stable, now)
    }
}

fn build(p: &Params, seed: u64) -> Box<dyn Runner> {
    Box::new(world(p, seed))
}

/// The availability world with its concrete type, so native tests can look inside.
pub fn world(p: &Params, seed: u64) -> World<Availability> {
    let replicas = p.get("replicas") as u32;
    let clients = p.get("clients") as u32;
    let slo_percent = p.get("slo_percent");
    let protocol = Availability {
        replicas,
        rate: p.get("rate"),
        timeout: Duration::from_ms_f64(p.get("timeout_ms")),
        service_ms: p.get("service_ms"),
        slo_point: stats::point_of(slo_percent),
        slo_percent,
        slo: Duration::from_ms_f64(p.get("slo_ms")),
        mtbf_s: p.get("mtbf_s"),
        mttr_s: p.get("mttr_s"),
    };
    let n = (replicas + clients) as usize;
    let net = Network::new(model::link_config(p));
    let client_ids: Vec<NodeId> = (replicas..replicas + clients).collect();
    model::configure(World::new(protocol, model::setups(p, n), net, seed), p)
        .without_random_faults(&client_ids)
}

/// Every client's measurements added up.
pub fn totals(stable: &[Stable], replicas: u32) -> ClientStats {
    let mut t = ClientStats::default();
    for s in stable.iter().skip(replicas as usize) {
        let c = &s.client;
        t.started += c.started;
        t.answered += c.answered;
        t.failed += c.failed;
        t.rescued += c.rescued;
        t.within_slo += c.within_slo;
        t.latencies.merge(&c.latencies);
    }
    t
}
