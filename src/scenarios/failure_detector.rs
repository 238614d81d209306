//! Failure detectors: nodes send heartbeats to a monitor, which suspects a node when no heartbeat
//! has come within its timeout. Two detectors: a fixed timeout, and an eventually perfect one that
//! lengthens a node's timeout each time a suspicion of it proves premature (a heartbeat from the
//! same incarnation arrives after all).
//!
//! Node 0 is the monitor; nodes 1..=n are watched. The monitor decides only from the heartbeats it
//! receives. The claims panel judges it against the truth the monitor cannot see: which nodes had
//! crashed, taken from each node's stable record of when it was last alive (see
//! `failure_detector_verdicts.rs`).

use super::model;
use super::params::{ParamSpec, Params};
use super::{MetricSpec, Scenario, ScenarioSpec};
use crate::sim::network::Network;
use crate::sim::node::FaultModel;
use crate::sim::protocol::{Ctx, Fields, Message, Protocol, Verdict};
use crate::sim::timing::TimingModel;
use crate::sim::world::{NodeSetup, World};
use crate::sim::{Duration, NodeId, Runner, Time};
use std::collections::VecDeque;

#[path = "failure_detector_monitor.rs"]
mod monitor;
#[path = "failure_detector_verdicts.rs"]
mod verdicts;

pub const DETECTORS: &[&str] = &["fixed", "eventually-perfect"];
pub const GROWTHS: &[&str] = &["double", "add-step"];

const PARAMS: &[ParamSpec] = &[
    ParamSpec::integer("nodes", "Watched nodes", 3.0, 1.0, 16.0)
        .help("Nodes that send heartbeats to the monitor (node 0)."),
    ParamSpec::number(
        "interval_ms",
        "Heartbeat interval (ms)",
        100.0,
        1.0,
        60_000.0,
    )
    .help("Each node sends a heartbeat this often, on its own clock."),
    ParamSpec::choice("detector", "Detector", DETECTORS, 1).help(
        "fixed: suspect a node after the same timeout, always. eventually-perfect: each time a \
         suspected node turns out alive (its heartbeat arrives after all), lengthen its timeout.",
    ),
    ParamSpec::number("timeout_ms", "Timeout (ms)", 250.0, 1.0, 600_000.0).help(
        "The monitor suspects a node when no heartbeat has arrived for this long (the starting \
         value, for the eventually perfect detector).",
    ),
    ParamSpec::choice("growth", "Timeout growth", GROWTHS, 1)
        .help("How the eventually perfect detector lengthens a timeout after a false suspicion."),
    ParamSpec::number("step_ms", "Growth step (ms)", 100.0, 1.0, 600_000.0)
        .help("Added to the timeout after each false suspicion (growth add-step)."),
    ParamSpec::choice("timing", "Timing model", TimingModel::NAMES, 1).help(
        "synchronous: every network delay is at most Δ. partially synchronous: unbounded until \
         GST, at most Δ after. asynchronous: no bound at all.",
    ),
    ParamSpec::number("bound_ms", "Delay bound Δ (ms)", 100.0, 1.0, 60_000.0),
    ParamSpec::number("gst_ms", "GST (ms)", 15_000.0, 0.0, 3_600_000.0).help(
        "Global stabilisation time: when a partially synchronous network starts keeping its bound.",
    ),
    ParamSpec::choice(
        "link_kind",
        "Link kind",
        crate::sim::network::LinkKind::NAMES,
        0,
    )
    .help(
        "reliable (the model detectors assume): every heartbeat arrives. fair-loss: some are \
         lost, which a detector cannot tell from silence.",
    ),
    model::LATENCY,
    model::LATENCY_MS,
    model::SPREAD_MS,
    model::LOSS,
];

const METRICS: &[MetricSpec] = &[
    MetricSpec {
        name: "suspected",
        label: "nodes the monitor suspects",
        unit: "nodes",
    },
    MetricSpec {
        name: "suspicions",
        label: "suspicions so far",
        unit: "suspicions",
    },
    MetricSpec {
        name: "retractions",
        label: "suspicions withdrawn when a heartbeat came after all",
        unit: "suspicions",
    },
    MetricSpec {
        name: "timeout_ms",
        label: "a node's timeout, when the detector lengthens it",
        unit: "ms",
    },
];

pub const SCENARIO: Scenario = Scenario {
    spec: ScenarioSpec {
        id: "failure-detector",
        title: "Failure detectors",
        summary: "Every node sends a heartbeat to the monitor (node 0) at a fixed interval; the \
                  monitor suspects a node when no heartbeat has come for its timeout, and trusts \
                  it again when one arrives. The fixed detector always waits the same time; the \
                  eventually perfect one lengthens a node's timeout whenever a suspicion of it \
                  proves premature. The monitor sees only heartbeats. The claims panel compares \
                  its suspicions with what really happened: a false suspicion is one of a node \
                  that was alive; a late detection is one that came after the timeout and the \
                  delay bound had passed.",
        params: PARAMS,
        try_this: &[
            "Set the timing to synchronous (timeout above Δ plus the heartbeat interval) and \
             crash nodes: each crash is detected within the timeout plus Δ, and no live node is \
             ever suspected. The detector is perfect.",
            "In the default partially synchronous run, watch the suspect list before GST: live \
             nodes are suspected when their heartbeats are delayed, and their timeouts grow. \
             After GST the mistakes stop. Switch to the fixed detector with a 150 ms timeout and \
             they never stop.",
            "Pause a node for two seconds, then in another run crash it at the same moment: the \
             monitor's suspect list is the same in both until the paused node's next heartbeat \
             arrives.",
        ],
        metrics: METRICS,
    },
    build,
};

#[derive(Clone, Debug)]
pub enum Msg {
    Heartbeat { seq: u64, incarnation: u32 },
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        "heartbeat"
    }

    fn size(&self) -> u32 {
        16
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Growth {
    Double,
    Add(Duration),
}

#[derive(Clone, Debug)]
pub struct FailureDetector {
    interval: Duration,
    timeout: Duration,
    /// None: the fixed detector.
    growth: Option<Growth>,
    /// The bound on network delay the timing model promises (after GST), for the verdicts.
    bound: Duration,
    timing: Option<TimingModel>,
}

/// What the monitor knows about one watched node.
#[derive(Clone, Debug)]
pub struct Watch {
    pub timeout: Duration,
    pub suspected: bool,
    /// Incarnation and sequence number of the latest heartbeat heard (0, 0: none yet).
    pub incarnation: u32,
    pub seq: u64,
    /// The monitor's monotonic clock when that heartbeat arrived.
    pub heard_at: Option<i64>,
    timer: u64,
}

#[derive(Clone, Debug)]
pub enum State {
    Monitor { watches: Vec<Watch> },
    Node { seq: u64 },
}

/// One suspicion, from the monitor's decision to suspect until it trusted the node again.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Episode {
    pub node: NodeId,
    /// The incarnation the monitor last heard from (0: none yet).
    pub incarnation: u32,
    pub start: Time,
    pub end: Option<Time>,
    /// The node's timeout when it was suspected.
    pub timeout: Duration,
}

/// Stable storage. The monitor keeps its record of suspicions here (a measurement, kept across
/// its own crashes); every watched node keeps when it was last alive, per incarnation: the
/// ground truth that the claims panel judges the monitor by, and that the monitor never reads.
#[derive(Clone, Debug, Default)]
pub struct Stable {
    pub boots: u32,
    /// Monitor: the latest suspicions, oldest first.
    pub episodes: VecDeque<Episode>,
    /// Monitor: suspicions over the whole run, and how many a heartbeat later withdrew.
    pub suspicions: u64,
    pub retractions: u64,
    /// Watched node: for each of its lives (the latest ones), when it began and the true time of
    /// its latest sign of life.
    pub lives: Vec<(Time, Time)>,
}

/// Suspicions the monitor remembers in detail.
pub const EPISODES_KEPT: usize = 1024;
/// Lives a node remembers.
const LIVES_KEPT: usize = 64;

const BEAT: u64 = u64::MAX;

impl FailureDetector {
    pub fn interval(&self) -> Duration {
        self.interval
    }

    pub fn bound(&self) -> Duration {
        self.bound
    }

    /// Ground truth for the verdicts, never read by the protocol: a new life, or a sign of life.
    fn mark_alive(ctx: &Ctx<Msg>, stable: &mut Stable, born: bool) {
        let now = ctx.true_time();
        if born || stable.lives.is_empty() {
            if stable.lives.len() == LIVES_KEPT {
                stable.lives.remove(0);
            }
            stable.lives.push((now, now));
        } else if let Some(life) = stable.lives.last_mut() {
            life.1 = now;
        }
    }
}

impl Protocol for FailureDetector {
    type Msg = Msg;
    type State = State;
    type Stable = Stable;

    fn start(&self, ctx: &mut Ctx<Msg>, stable: &mut Stable) -> State {
        stable.boots += 1;
        if ctx.id() != 0 {
            Self::mark_alive(ctx, stable, true);
            // A random first beat, so the nodes do not all speak at the same instant.
            let first = (ctx.rng().unit() * self.interval.0 as f64) as u64;
            ctx.set_timer(Duration(first), BEAT);
            return State::Node { seq: 0 };
        }
        // The monitor starts afresh: whatever it suspected before its crash is forgotten.
        let now = ctx.true_time();
        for e in stable.episodes.iter_mut().filter(|e| e.end.is_none()) {
            e.end = Some(now);
        }
        let watches = (1..ctx.node_count() as u64)
            .map(|n| Watch {
                timeout: self.timeout,
                suspected: false,
                incarnation: 0,
                seq: 0,
                heard_at: None,
                timer: ctx.set_timer(self.timeout, n),
            })
            .collect();
        State::Monitor { watches }
    }

    fn on_message(
        &self,
        ctx: &mut Ctx<Msg>,
        state: &mut State,
        stable: &mut Stable,
        from: NodeId,
        msg: Msg,
    ) {
        let (State::Monitor { watches }, Msg::Heartbeat { seq, incarnation }) = (state, msg) else {
            return;
        };
        self.heartbeat(ctx, watches, stable, from, seq, incarnation);
    }

    fn on_timer(&self, ctx: &mut Ctx<Msg>, state: &mut State, stable: &mut Stable, tag: u64) {
        match state {
            State::Node { seq } => {
                Self::mark_alive(ctx, stable, false);
                *seq += 1;
                let incarnation = stable.boots;
                ctx.send(
                    0,
                    Msg::Heartbeat {
                        seq: *seq,
                        incarnation,
                    },
                );
                ctx.set_timer(self.interval, BEAT);
            }
            State::Monitor { watches } => self.expired(ctx, watches, stable, tag),
        }
    }

    fn summary(&self, state: Option<&State>, _: &Stable) -> String {
        match state {
            None => "down".into(),
            Some(State::Node { seq }) => format!("beat {seq}"),
            Some(State::Monitor { watches }) => Self::suspects(watches),
        }
    }

    fn inspect(&self, state: Option<&State>, stable: &Stable) -> (Option<Fields>, Fields) {
        let f = |k: String, v: String| (k, v);
        let volatile = state.map(|s| match s {
            State::Node { seq } => vec![f("heartbeats sent".into(), seq.to_string())],
            State::Monitor { watches } => {
                let mut out = vec![f("suspect list".into(), Self::suspects(watches))];
                for (i, w) in watches.iter().enumerate() {
                    let heard = w.heard_at.map_or("never".into(), |t| {
                        format!("{:.3} s (own clock)", t as f64 / 1e9)
                    });
                    out.push(f(
                        format!("n{}", i + 1),
                        format!(
                            "{}; timeout {} ms; last heartbeat {} heard at {heard}",
                            if w.suspected { "SUSPECTED" } else { "trusted" },
                            w.timeout.as_ms_f64(),
                            w.seq
                        ),
                    ));
                }
                out
            }
        });
        let mut st = vec![f("boots".into(), stable.boots.to_string())];
        if stable.lives.is_empty() {
            st.push(f("suspicions".into(), stable.suspicions.to_string()));
            st.push(f(
                "withdrawn by a later heartbeat".into(),
                stable.retractions.to_string(),
            ));
        }
        (volatile, st)
    }

    fn role(&self, id: NodeId) -> Option<&'static str> {
        Some(if id == 0 { "monitor" } else { "node" })
    }

    fn verdicts(&self, states: &[Option<State>], stable: &[Stable], now: Time) -> Vec<Verdict> {
        verdicts::verdicts(self, states, stable, now)
    }
}

fn build(p: &Params, seed: u64) -> Box<dyn Runner> {
    Box::new(world(p, seed))
}

/// The failure-detector world with its concrete type, so native tests can look inside.
pub fn world(p: &Params, seed: u64) -> World<FailureDetector> {
    let n = p.get("nodes") as usize + 1;
    let growth = match p.choice("detector") {
        "fixed" => None,
        _ => Some(match p.choice("growth") {
            "double" => Growth::Double,
            _ => Growth::Add(Duration::from_ms_f64(p.get("step_ms"))),
        }),
    };
    let bound = Duration::from_ms_f64(p.get("bound_ms"));
    let gst = Time(Duration::from_ms_f64(p.get("gst_ms")).0);
    let timing = TimingModel::from_name(p.choice("timing"), bound, gst);
    let protocol = FailureDetector {
        interval: Duration::from_ms_f64(p.get("interval_ms")),
        timeout: Duration::from_ms_f64(p.get("timeout_ms")),
        growth,
        bound,
        timing,
    };
    // The watched nodes fail by crashing and stay down, as the detectors' model assumes; the
    // monitor may come back (with an empty suspect list).
    let setups = (0..n)
        .map(|i| {
            NodeSetup::new(if i == 0 {
                FaultModel::CrashRecovery
            } else {
                FaultModel::CrashStop
            })
        })
        .collect();
    let net = Network::new(model::link_config(p));
    model::configure(World::new(protocol, setups, net, seed), p)
}
