//! Timing violations: a synchronous system (every network delay at most Δ) in which workers
//! heartbeat a monitor every interval I. The monitor counts a worker alive if it has heard from
//! it within T = I + Δ, which is exactly right while the bound holds. Then the bound breaks without
//! any node crashing: a worker stops for a GC pause, an upload clogs the link a worker's
//! heartbeats share, or a link loses packets and the transport resends them late. Each time the
//! monitor suspects a node that is alive, and drops the suspicion when the late heartbeat comes.

use super::model;
use super::params::{ParamSpec, Params};
mod claims;
pub mod view;

use super::{MetricSpec, Scenario, ScenarioSpec};
use crate::sim::network::{Latency, LinkConfig, Network};
use crate::sim::node::FaultModel;
use crate::sim::protocol::{Ctx, Fields, Message, Protocol, Verdict};
use crate::sim::timing::TimingModel;
use crate::sim::world::{NodeSetup, World};
use crate::sim::{ActionKind, Duration, NodeId, Runner, Time};
use view::{at, secs, Beat, Evidence, Monitor, Peer};

const PARAMS: &[ParamSpec] = &[
    ParamSpec::integer("workers", "Workers", 3.0, 3.0, 12.0)
        .help("Nodes that heartbeat the monitor (n0). n1 pauses, n2 uploads, n3's link loses."),
    ParamSpec::number(
        "interval_ms",
        "Heartbeat interval I (ms)",
        200.0,
        10.0,
        10_000.0,
    )
    .help("Each worker sends a heartbeat this often, on its own clock."),
    ParamSpec::number("bound_ms", "Delay bound Δ (ms)", 100.0, 1.0, 10_000.0).help(
        "The synchronous model's promise: no message takes longer. The monitor's timeout is \
         T = I + Δ.",
    ),
    ParamSpec::number("latency_ms", "Minimum latency (ms)", 20.0, 0.0, 10_000.0),
    ParamSpec::number("spread_ms", "Latency spread (ms)", 40.0, 0.0, 10_000.0)
        .help("A packet takes the minimum plus up to this much (never more than Δ in all)."),
    ParamSpec::number(
        "bandwidth_kbps",
        "Bandwidth (kB/s)",
        100.0,
        0.0,
        10_000_000.0,
    )
    .help("Every link's bandwidth; 0 means unlimited (then an upload cannot clog anything)."),
    ParamSpec::number(
        "pause_at_ms",
        "n1 pauses at (ms)",
        2_000.0,
        0.0,
        3_600_000.0,
    ),
    ParamSpec::number("pause_ms", "n1's pause (ms)", 800.0, 0.0, 600_000.0)
        .help("A stop-the-world pause of n1, like a long garbage collection; 0: none."),
    ParamSpec::number(
        "upload_at_ms",
        "n2 uploads at (ms)",
        5_000.0,
        0.0,
        3_600_000.0,
    ),
    ParamSpec::number("upload_kb", "n2's upload (kB)", 200.0, 0.0, 100_000.0)
        .help("n2 sends the monitor this much data over the link its heartbeats use; 0: none."),
    ParamSpec::number(
        "upload_every_ms",
        "Repeat upload every (ms)",
        0.0,
        0.0,
        3_600_000.0,
    )
    .help("0: upload once."),
    ParamSpec::number(
        "loss_at_ms",
        "n3's link starts losing at (ms)",
        9_000.0,
        0.0,
        3_600_000.0,
    ),
    ParamSpec::number("loss_ms", "Losing for (ms)", 1_500.0, 0.0, 3_600_000.0)
        .help("How long the link n3 → n0 loses packets; 0: never."),
    ParamSpec::number("loss", "Loss probability meanwhile", 0.6, 0.0, 1.0),
    ParamSpec::choice("retransmit", "Retransmission", model::OFF_ON, 1)
        .help("on: a lost message is resent until acknowledged, so it arrives, but late."),
    ParamSpec::number(
        "rto_ms",
        "Retransmission timeout (ms)",
        300.0,
        1.0,
        60_000.0,
    ),
];

pub const SCENARIO: Scenario = Scenario {
    spec: ScenarioSpec {
        id: "timing-violations",
        title: "Timing violations",
        summary: "Workers send the monitor (n0) a heartbeat every I; the network is synchronous, \
                  so no message takes longer than Δ, and the monitor counts a worker alive if it \
                  heard from it within T = I + Δ. That view is exact as long as the bound holds. \
                  Then the bound breaks with nothing crashed: n1 freezes in a GC pause, n2's \
                  upload clogs the link its heartbeats share, and n3's link loses packets that \
                  the transport resends late. Watch each late heartbeat's delay pass Δ, and the \
                  monitor suspect a node that is alive until it hears from it again.",
        params: PARAMS,
        try_this: &[
            "Let it run to 12 s. The pause, the upload and the lossy link each make a heartbeat \
             arrive long after Δ, and each time the monitor suspects a node that is alive. \
             Then set Δ to 1000 ms: T grows to 1.2 s and only the 2-second upload still fools \
             it.",
            "Pause any worker yourself for 500 ms, then crash another one. The monitor \
             suspects both in exactly the same way; only the paused one proves it wrong, by \
             speaking again.",
            "Switch retransmission off: n3's lost heartbeats never arrive, so none of them is \
             late, yet the monitor still suspects n3. A lost message fools a timeout just as a \
             slow one does.",
        ],
        metrics: &[
            MetricSpec {
                name: "delay",
                label: "Heartbeat delay, due to handled",
                unit: "ms",
            },
            MetricSpec {
                name: "suspected",
                label: "Workers the monitor suspects",
                unit: "nodes",
            },
        ],
    },
    build,
};

#[derive(Clone, Debug)]
pub enum Msg {
    Heartbeat(Beat),
    Upload { bytes: u32 },
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        match self {
            Msg::Heartbeat(_) => "heartbeat",
            Msg::Upload { .. } => "upload",
        }
    }

    fn size(&self) -> u32 {
        match self {
            Msg::Heartbeat(_) => HEARTBEAT_BYTES,
            Msg::Upload { bytes } => *bytes,
        }
    }
}

pub const HEARTBEAT_BYTES: u32 = 64;

pub const MONITOR: NodeId = 0;
pub const PAUSER: NodeId = 1;
pub const UPLOADER: NodeId = 2;
pub const LOSSY: NodeId = 3;

/// Timer tags. The monitor's timeout for worker i has tag i.
const BEAT: u64 = 0;
const UPLOAD: u64 = 1;

#[derive(Clone, Debug)]
pub struct TimingViolations {
    interval: Duration,
    bound: Duration,
    upload: u32,
    upload_at: Duration,
    upload_every: Duration,
    pause: bool,
    loss: bool,
}

#[derive(Clone, Debug)]
pub struct Worker {
    pub seq: u64,
    /// Own monotonic clock reading when the next heartbeat is due.
    pub due: i64,
    pub uploads: u64,
}

#[derive(Clone, Debug)]
pub enum State {
    Monitor(Box<Monitor>),
    Worker(Worker),
}

#[derive(Clone, Debug, Default)]
pub struct Stable {
    pub boots: u32,
}

impl TimingViolations {
    /// The monitor's timeout: a heartbeat is due every I and takes at most Δ.
    pub fn timeout(&self) -> Duration {
        self.interval + self.bound
    }

    fn beat(&self, ctx: &mut Ctx<Msg>, w: &mut Worker, stable: &Stable) {
        let late = Duration((ctx.mono() - w.due).max(0) as u64);
        w.seq += 1;
        let behind = ctx.send_queue(MONITOR);
        let link = ctx.link(MONITOR);
        let b = Beat {
            seq: w.seq,
            boot: stable.boots,
            sent_at: ctx.true_time(),
            late,
            queued: behind + link.transmission(HEARTBEAT_BYTES),
            lossy: link.loss() > 0.0,
        };
        if late > self.bound {
            ctx.note(format!(
                "n{} sends heartbeat {} {} late: it was paused",
                ctx.id(),
                w.seq,
                secs(late)
            ));
        } else if behind > self.bound {
            ctx.note(format!(
                "n{}'s heartbeat {} must wait {} behind the packets ahead of it",
                ctx.id(),
                w.seq,
                secs(behind)
            ));
        } else if b.queued > self.bound {
            ctx.note(format!(
                "n{}'s heartbeat {} takes {} to get onto this slow link",
                ctx.id(),
                w.seq,
                secs(b.queued)
            ));
        }
        ctx.send(MONITOR, Msg::Heartbeat(b));
        ctx.set_timer(self.interval, BEAT);
        w.due = ctx.mono() + self.interval.0 as i64;
    }

    fn upload(&self, ctx: &mut Ctx<Msg>, w: &mut Worker) {
        if self.upload_every > Duration::ZERO {
            ctx.set_timer(self.upload_every, UPLOAD);
        }
        let behind = ctx.send_queue(MONITOR);
        if behind > Duration::from_ms(1) {
            // Never pile uploads up without end: the link would fall behind for good.
            ctx.note(format!(
                "n{} skips an upload: the link is still busy for {}",
                ctx.id(),
                secs(behind)
            ));
            return;
        }
        w.uploads += 1;
        let link = ctx.link(MONITOR);
        let takes = link.transmission(self.upload);
        ctx.note(format!(
            "n{} starts uploading {} kB to the monitor on the link its heartbeats use: {} of \
             sending at this bandwidth",
            ctx.id(),
            self.upload / 1000,
            secs(takes)
        ));
        ctx.send(MONITOR, Msg::Upload { bytes: self.upload });
    }
}

impl Protocol for TimingViolations {
    type Msg = Msg;
    type State = State;
    type Stable = Stable;

    fn start(&self, ctx: &mut Ctx<Msg>, stable: &mut Stable) -> State {
        stable.boots += 1;
        if ctx.id() == MONITOR {
            let mut peers = vec![Peer::default(); ctx.node_count()];
            // Before any heartbeat: the first is due within I and takes at most Δ.
            for (i, p) in peers.iter_mut().enumerate().skip(1) {
                p.last_heard = ctx.mono();
                p.timer = Some(ctx.set_timer(self.timeout(), i as u64));
            }
            return State::Monitor(Box::new(Monitor {
                peers,
                evidence: Evidence::default(),
            }));
        }
        // A random first beat, so workers do not all speak at once.
        let first = Duration((ctx.rng().unit() * self.interval.0 as f64) as u64);
        ctx.set_timer(first, BEAT);
        if ctx.id() == UPLOADER && self.upload > 0 {
            // The upload is planned on n2's own clock; after a restart, the next one still due.
            let now = ctx.mono().max(0) as u64;
            let mut when = self.upload_at.0;
            if when < now && self.upload_every > Duration::ZERO {
                let n = (now - when).div_ceil(self.upload_every.0);
                when += n * self.upload_every.0;
            }
            if when >= now {
                ctx.set_timer(Duration(when - now), UPLOAD);
            }
        }
        State::Worker(Worker {
            seq: 0,
            due: ctx.mono() + first.0 as i64,
            uploads: 0,
        })
    }

    fn on_message(
        &self,
        ctx: &mut Ctx<Msg>,
        state: &mut State,
        _: &mut Stable,
        from: NodeId,
        msg: Msg,
    ) {
        let State::Monitor(m) = state else {
            return;
        };
        match msg {
            Msg::Heartbeat(b) => m.heard(ctx, from, b, self.bound, self.timeout()),
            Msg::Upload { bytes } => ctx.note(format!(
                "the monitor has n{from}'s upload of {} kB",
                bytes / 1000
            )),
        }
    }

    fn on_timer(&self, ctx: &mut Ctx<Msg>, state: &mut State, stable: &mut Stable, tag: u64) {
        match state {
            State::Monitor(m) => m.check(ctx, tag as NodeId, self.timeout()),
            State::Worker(w) if tag == BEAT => self.beat(ctx, w, stable),
            State::Worker(w) => self.upload(ctx, w),
        }
    }

    fn summary(&self, state: Option<&State>, _: &Stable) -> String {
        match state {
            None => "down".into(),
            Some(State::Monitor(m)) => {
                let s: Vec<String> = m
                    .peers
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.suspected_since.is_some())
                    .map(|(i, _)| format!("n{i}"))
                    .collect();
                if s.is_empty() {
                    "all alive".into()
                } else {
                    format!("suspects {}", s.join(", "))
                }
            }
            Some(State::Worker(w)) => format!("beat {}", w.seq),
        }
    }

    fn inspect(&self, state: Option<&State>, stable: &Stable) -> (Option<Fields>, Fields) {
        let f = |k: String, v: String| (k, v);
        let volatile = state.map(|s| match s {
            State::Monitor(m) => {
                let mut v = vec![f("timeout T = I + Δ".into(), secs(self.timeout()))];
                for (i, p) in m.peers.iter().enumerate().skip(1).take(12) {
                    let view = match p.suspected_since {
                        Some(t) => format!("suspected since {}", at(t)),
                        None => "alive".into(),
                    };
                    v.push(f(
                        format!("n{i}"),
                        format!(
                            "{view}; {} heartbeats, slowest {}",
                            p.beats,
                            secs(p.max_delay)
                        ),
                    ));
                }
                let e = &m.evidence;
                v.push(f(
                    "heartbeats over Δ".into(),
                    e.misses.iter().sum::<u64>().to_string(),
                ));
                v.push(f("false suspicions".into(), e.false_suspicions.to_string()));
                v
            }
            State::Worker(w) => vec![
                f("heartbeats sent".into(), w.seq.to_string()),
                f("uploads".into(), w.uploads.to_string()),
            ],
        });
        (volatile, vec![f("boots".into(), stable.boots.to_string())])
    }

    fn role(&self, id: NodeId) -> Option<&'static str> {
        Some(match id {
            MONITOR => "monitor",
            PAUSER if self.pause => "worker, pauses",
            UPLOADER if self.upload > 0 => "worker, uploads",
            LOSSY if self.loss => "worker, lossy link",
            _ => "worker",
        })
    }

    fn verdicts(&self, states: &[Option<State>], _: &[Stable], _: Time) -> Vec<Verdict> {
        claims::verdicts(self.bound, states)
    }
}

fn build(p: &Params, seed: u64) -> Box<dyn Runner> {
    Box::new(world(p, seed))
}

fn ms(p: &Params, name: &str) -> Duration {
    Duration::from_ms_f64(p.get(name))
}

/// The world with its concrete type, so native tests can look inside node state.
pub fn world(p: &Params, seed: u64) -> World<TimingViolations> {
    let workers = p.get("workers") as usize;
    let bound = ms(p, "bound_ms");
    let (min, spread) = (ms(p, "latency_ms"), ms(p, "spread_ms"));
    let kbps = p.get("bandwidth_kbps");
    let link = LinkConfig {
        kind: crate::sim::network::LinkKind::FairLoss,
        latency: Latency::Uniform {
            min,
            max: min + spread,
        },
        bandwidth: (kbps > 0.0).then_some((kbps * 1000.0) as u64),
        ..LinkConfig::default()
    };
    let (pause, pause_at) = (ms(p, "pause_ms"), Time(ms(p, "pause_at_ms").0));
    let (loss_for, loss_at) = (ms(p, "loss_ms"), Time(ms(p, "loss_at_ms").0));
    let loss = p.get("loss");
    let protocol = TimingViolations {
        interval: ms(p, "interval_ms"),
        bound,
        upload: (p.get("upload_kb") * 1000.0) as u32,
        upload_at: ms(p, "upload_at_ms"),
        upload_every: ms(p, "upload_every_ms"),
        pause: pause > Duration::ZERO,
        loss: loss_for > Duration::ZERO && loss > 0.0,
    };
    let setups = vec![NodeSetup::new(FaultModel::CrashRecovery); workers + 1];
    let mut w = World::new(protocol, setups, Network::new(link), seed)
        .with_timing(TimingModel::Synchronous { bound });
    if p.choice("retransmit") == "on" {
        w = w.with_retransmission(ms(p, "rto_ms"));
    }
    if pause > Duration::ZERO {
        w = w.with_scheduled(pause_at, ActionKind::PauseNode(PAUSER, pause.0));
    }
    if loss_for > Duration::ZERO && loss > 0.0 {
        let lossy = |config| ActionKind::SetLink {
            a: LOSSY,
            b: MONITOR,
            one_way: true,
            config,
        };
        w = w
            .with_scheduled(loss_at, lossy(LinkConfig { loss, ..link }))
            .with_scheduled(loss_at + loss_for, lossy(link));
    }
    w
}
