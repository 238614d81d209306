//! Physical clocks: every node has a quartz clock that drifts, read two ways — the time-of-day
//! clock (which can be stepped) and the monotonic clock (which never goes back). Nodes time a
//! recurring job with both clocks and ask each other the time in stamped request/reply exchanges.
//! The run shows drift piling up linearly, a stepped-back clock timing a job at a negative length
//! while the monotonic clock does not, and timestamps from different nodes putting a reply before
//! the request that caused it.

mod view;

use super::model;
use super::params::{ParamSpec, Params};
use super::{MetricSpec, Scenario, ScenarioSpec};
use crate::sim::clock::{Clock, MAX_DRIFT_PPM};
use crate::sim::network::Network;
use crate::sim::protocol::{Ctx, Fields, Message, Protocol, Verdict};
use crate::sim::rng::SimRng;
use crate::sim::world::{NodeSetup, World};
use crate::sim::{Duration, NodeId, Runner, Time};

pub const PATTERNS: &[&str] = &["spread", "same", "random"];

const PARAMS: &[ParamSpec] = &[
    ParamSpec::integer("nodes", "Nodes", 3.0, 2.0, 8.0)
        .help("How many nodes, each with its own clock."),
    ParamSpec::number(
        "drift_ppm",
        "Drift (ppm)",
        50.0,
        -MAX_DRIFT_PPM,
        MAX_DRIFT_PPM,
    )
    .help(
        "How fast the clocks run wrong, in parts per million. Quartz is typically tens of ppm \
         (50 ppm is 4.32 s a day); exaggerate it to see drift within seconds. Change one node's \
         drift from its menu while the run goes.",
    ),
    ParamSpec::choice("drift_pattern", "Drift pattern", PATTERNS, 0).help(
        "spread: evenly from −drift (node 0) to +drift (the last node). same: every node at \
         +drift. random: each node anywhere between −drift and +drift.",
    ),
    ParamSpec::number(
        "offset_ms",
        "Initial offset (ms)",
        0.0,
        -3_600_000.0,
        3_600_000.0,
    )
    .help(
        "Time-of-day clocks start spread evenly from −offset (node 0) to +offset (the last node).",
    ),
    ParamSpec::number(
        "interval_ms",
        "Request interval (ms)",
        1000.0,
        10.0,
        3_600_000.0,
    )
    .help("Each node asks its next peer the time this often, on its own monotonic clock."),
    ParamSpec::number("job_ms", "Job length (ms)", 3000.0, 1.0, 3_600_000.0)
        .help("Each node runs a job of this length over and over and times it with both clocks."),
    model::LATENCY,
    model::LATENCY_MS,
    model::SPREAD_MS,
];

const METRICS: &[MetricSpec] = &[
    MetricSpec {
        name: "drift_ms",
        label: "Accumulated drift (monotonic − true time)",
        unit: "ms",
    },
    MetricSpec {
        name: "clock_error_ms",
        label: "Time-of-day clock − true time",
        unit: "ms",
    },
    MetricSpec {
        name: "job_tod_ms",
        label: "Job length by the time-of-day clock",
        unit: "ms",
    },
    MetricSpec {
        name: "job_mono_ms",
        label: "Job length by the monotonic clock",
        unit: "ms",
    },
    MetricSpec {
        name: "rtt_tod_ms",
        label: "Round trip by the time-of-day clock",
        unit: "ms",
    },
    MetricSpec {
        name: "rtt_mono_ms",
        label: "Round trip by the monotonic clock",
        unit: "ms",
    },
    MetricSpec {
        name: "violations",
        label: "Timestamp orders against causality (seen by this node)",
        unit: "count",
    },
];

pub const SCENARIO: Scenario = Scenario {
    spec: ScenarioSpec {
        id: "physical-clocks",
        title: "Physical clocks",
        summary:
            "Each node keeps time with a quartz clock that runs slightly fast or slow. It can \
                  read it as a time-of-day clock, which may be stepped forward or back, or as a \
                  monotonic clock, which never goes back. Nodes time a recurring job with both \
                  readings, and every second one asks a peer the time: the request carries the \
                  asker's timestamp and the reply the answerer's. Watch the drift pile up, step a \
                  clock, and see timestamps from two clocks disagree with what caused what.",
        params: PARAMS,
        try_this: &[
            "Watch the drift plot: each line is straight, its slope the node's drift. At 50 ppm \
             a clock gains 4.32 s a day; set the drift to 50000 ppm to see 50 ms a second.",
            "Step a node's clock back by 5 s while its job runs: the time-of-day clock says the \
             job took a negative time, the monotonic clock still says 3 s.",
            "Step one node's clock back by 500 ms: its replies are now stamped before the \
             requests that caused them, and every exchange with it is flagged.",
        ],
        metrics: METRICS,
    },
    build,
};

#[derive(Clone, Debug)]
pub enum Msg {
    /// "What time is it?", stamped with the asker's time-of-day clock.
    Request { id: u64, stamp: i64 },
    /// The answer, stamped with the answerer's time-of-day clock, echoing the request's stamp.
    Reply {
        id: u64,
        request_stamp: i64,
        stamp: i64,
    },
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
pub struct PhysicalClocks {
    interval: Duration,
    job: Duration,
}

/// A request waiting for its reply: when it left, by both clocks.
#[derive(Clone, Copy, Debug)]
struct Pending {
    id: u64,
    to: NodeId,
    tod: i64,
    mono: i64,
}

/// At most this many requests wait for replies (the rest were lost to a cut link or a crash).
const MAX_PENDING: usize = 16;

/// Volatile: gone after a crash.
#[derive(Clone, Debug)]
pub struct State {
    next_id: u64,
    next_peer: NodeId,
    pending: Vec<Pending>,
    /// When the running job started, by (time of day, monotonic).
    job_start: (i64, i64),
    jobs: u64,
    /// The last job's length by (time of day, monotonic), ns.
    last_job: Option<(i64, i64)>,
    /// The last round trip by (time of day, monotonic), ns.
    last_rtt: Option<(i64, i64)>,
    /// The previous drift sample: (true time, monotonic reading).
    last_sample: (Time, i64),
}

/// The node's measurements, kept across crashes so the claims keep their evidence.
#[derive(Clone, Debug, Default)]
pub struct Stable {
    /// Monotonic − true time at the latest sample, ns.
    pub drift_ns: i64,
    /// True time of the latest sample.
    pub sampled_at: Time,
    /// Drift rate measured over the latest round, ppm.
    pub rate_ppm: f64,
    /// Requests answered (each a pair of events ordered by causality).
    pub exchanges: u64,
    /// Pairs of causally related events that the timestamps put the wrong way round.
    pub violations: u64,
    pub last_violation: Option<String>,
    /// Durations measured (jobs and round trips), and those the time-of-day clock made negative.
    pub timed: u64,
    pub negative_tod: u64,
    /// The most negative time-of-day duration and the monotonic one beside it, ns.
    pub worst: Option<(i64, i64)>,
    /// The smallest duration the monotonic clock measured, ns (never negative).
    pub min_mono: Option<i64>,
}

const ROUND: u64 = 0;
const JOB: u64 = 1;

fn ms(ns: i64) -> f64 {
    ns as f64 / 1e6
}

fn secs(ns: i64) -> String {
    format!("{:+.3} s", ns as f64 / 1e9)
}

impl PhysicalClocks {
    /// A duration measured with both clocks: counted, plotted, and noted if they disagree.
    fn timed(&self, ctx: &mut Ctx<Msg>, stable: &mut Stable, what: &str, tod: i64, mono: i64) {
        stable.timed += 1;
        stable.min_mono = Some(stable.min_mono.map_or(mono, |m| m.min(mono)));
        let me = ctx.id();
        if tod < 0 {
            stable.negative_tod += 1;
            if stable.worst.is_none_or(|(w, _)| tod < w) {
                stable.worst = Some((tod, mono));
            }
            ctx.note(format!(
                "n{me}'s {what} took {:.3} ms by its time-of-day clock: negative, because the \
                 clock was stepped back while it ran. By the monotonic clock: {:.3} ms.",
                ms(tod),
                ms(mono)
            ));
        } else if tod.saturating_sub(mono).saturating_abs() > 1_000_000 {
            ctx.note(format!(
                "n{me}'s {what} took {:.3} ms by its time-of-day clock but {:.3} ms by its \
                 monotonic clock: the time-of-day clock was stepped meanwhile.",
                ms(tod),
                ms(mono)
            ));
        }
    }

    fn violation(&self, ctx: &mut Ctx<Msg>, stable: &mut Stable, text: String) {
        stable.violations += 1;
        ctx.note(format!("Causality violated by timestamps: {text}"));
        stable.last_violation = Some(text);
        ctx.metric("violations", stable.violations as f64);
    }
}

impl Protocol for PhysicalClocks {
    type Msg = Msg;
    type State = State;
    type Stable = Stable;

    fn start(&self, ctx: &mut Ctx<Msg>, _: &mut Stable) -> State {
        // A random first round, so nodes do not all ask at the same instant.
        let first = (ctx.rng().unit() * self.interval.0 as f64) as u64;
        ctx.set_timer(Duration(first), ROUND);
        ctx.set_timer(self.job, JOB);
        let me = ctx.id();
        State {
            next_id: 0,
            next_peer: (me + 1) % ctx.node_count() as NodeId,
            pending: Vec::new(),
            job_start: (ctx.time_of_day(), ctx.mono()),
            jobs: 0,
            last_job: None,
            last_rtt: None,
            last_sample: (ctx.true_time(), ctx.mono()),
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
        let me = ctx.id();
        match msg {
            Msg::Request { id, stamp } => ctx.send(
                from,
                Msg::Reply {
                    id,
                    request_stamp: stamp,
                    stamp: ctx.time_of_day(),
                },
            ),
            Msg::Reply {
                id,
                request_stamp,
                stamp,
            } => {
                let Some(i) = state
                    .pending
                    .iter()
                    .position(|p| p.id == id && p.to == from)
                else {
                    return; // a reply to a request this node forgot (it crashed meanwhile)
                };
                let p = state.pending.swap_remove(i);
                let tod = ctx.time_of_day().saturating_sub(p.tod);
                let mono = ctx.mono().saturating_sub(p.mono);
                state.last_rtt = Some((tod, mono));
                ctx.metric("rtt_tod_ms", ms(tod));
                ctx.metric("rtt_mono_ms", ms(mono));
                self.timed(ctx, stable, "round trip", tod, mono);
                stable.exchanges += 1;
                // Causality: request sent → reply sent → reply received. Timestamps from two
                // clocks may put either pair the other way round.
                if stamp < request_stamp {
                    let text = format!(
                        "n{from} stamped its reply {:.3} ms before n{me}'s request that caused it",
                        ms(request_stamp.saturating_sub(stamp))
                    );
                    self.violation(ctx, stable, text);
                }
                let received = ctx.time_of_day();
                if received < stamp {
                    let text = format!(
                        "n{me} received n{from}'s reply at a timestamp {:.3} ms before n{from} sent it",
                        ms(stamp.saturating_sub(received))
                    );
                    self.violation(ctx, stable, text);
                }
            }
        }
    }

    fn on_timer(&self, ctx: &mut Ctx<Msg>, state: &mut State, stable: &mut Stable, tag: u64) {
        if tag == JOB {
            let tod = ctx.time_of_day().saturating_sub(state.job_start.0);
            let mono = ctx.mono() - state.job_start.1;
            state.jobs += 1;
            state.last_job = Some((tod, mono));
            ctx.metric("job_tod_ms", ms(tod));
            ctx.metric("job_mono_ms", ms(mono));
            self.timed(ctx, stable, "job", tod, mono);
            state.job_start = (ctx.time_of_day(), ctx.mono());
            ctx.set_timer(self.job, JOB);
            return;
        }
        // A round: sample the drift, then ask the next peer the time.
        let (now, mono) = (ctx.true_time(), ctx.mono());
        let (t0, m0) = state.last_sample;
        if now > t0 {
            let dt = (now.0 - t0.0) as f64;
            stable.rate_ppm = ((mono - m0) as f64 - dt) / dt * 1e6;
        }
        state.last_sample = (now, mono);
        stable.drift_ns = mono - now.0 as i64;
        stable.sampled_at = now;
        ctx.metric("drift_ms", ms(stable.drift_ns));
        ctx.metric(
            "clock_error_ms",
            ms(ctx.time_of_day().saturating_sub(now.0 as i64)),
        );

        let (me, n) = (ctx.id(), ctx.node_count() as NodeId);
        let to = state.next_peer;
        state.next_peer = (to + 1) % n;
        if state.next_peer == me {
            state.next_peer = (me + 1) % n;
        }
        let id = state.next_id;
        state.next_id += 1;
        if state.pending.len() == MAX_PENDING {
            state.pending.remove(0);
        }
        state.pending.push(Pending {
            id,
            to,
            tod: ctx.time_of_day(),
            mono,
        });
        ctx.send(
            to,
            Msg::Request {
                id,
                stamp: ctx.time_of_day(),
            },
        );
        ctx.set_timer(self.interval, ROUND);
    }

    fn summary(&self, state: Option<&State>, stable: &Stable) -> String {
        view::summary(state, stable)
    }

    fn inspect(&self, state: Option<&State>, stable: &Stable) -> (Option<Fields>, Fields) {
        view::inspect(state, stable)
    }

    fn verdicts(&self, _: &[Option<State>], stable: &[Stable], _: Time) -> Vec<Verdict> {
        view::verdicts(stable, self.job)
    }
}

fn build(p: &Params, seed: u64) -> Box<dyn Runner> {
    Box::new(world(p, seed))
}

/// Each node's (offset ns, drift ppm) at the start, from the parameters.
pub fn clocks(p: &Params, seed: u64) -> Vec<(i64, f64)> {
    let n = p.get("nodes") as usize;
    let (drift, offset) = (p.get("drift_ppm"), p.get("offset_ms") * 1e6);
    // −1 for node 0 to +1 for the last node.
    let spread = |i: usize| {
        if n > 1 {
            2.0 * i as f64 / (n - 1) as f64 - 1.0
        } else {
            0.0
        }
    };
    let mut rng = SimRng::new(seed, 10);
    (0..n)
        .map(|i| {
            let d = match p.choice("drift_pattern") {
                "same" => drift,
                "random" => drift * (2.0 * rng.unit() - 1.0),
                _ => drift * spread(i),
            };
            ((offset * spread(i)).round() as i64, d)
        })
        .collect()
}

/// The world with its concrete type, so native tests can look inside node state.
pub fn world(p: &Params, seed: u64) -> World<PhysicalClocks> {
    let protocol = PhysicalClocks {
        interval: Duration::from_ms_f64(p.get("interval_ms")),
        job: Duration::from_ms_f64(p.get("job_ms")),
    };
    let setups = clocks(p, seed)
        .into_iter()
        .map(|(offset, drift)| NodeSetup {
            clock: Clock::new(offset, drift),
            ..NodeSetup::new(crate::sim::node::FaultModel::CrashRecovery)
        })
        .collect();
    World::new(protocol, setups, Network::new(model::link_config(p)), seed)
}
