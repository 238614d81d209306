//! The system-model parameters scenarios share: link kind and behaviour, the transport layer,
//! the timing model and node faults. A scenario lists the ones it offers in its own parameter
//! list (it may redeclare one with another default); the builders here read whichever it declared
//! and use the model's defaults for the rest.

use super::params::{ParamSpec, Params};
use crate::sim::network::{Latency, LinkConfig, LinkKind};
use crate::sim::node::FaultModel;
use crate::sim::protocol::Protocol;
use crate::sim::timing::TimingModel;
use crate::sim::world::{NodeSetup, RandomFaults, World};
use crate::sim::{Duration, Time};

pub const OFF_ON: &[&str] = &["off", "on"];
pub const LATENCY_MODELS: &[&str] = &["constant", "uniform", "exponential"];

pub const LINK_KIND: ParamSpec = ParamSpec::choice("link_kind", "Link kind", LinkKind::NAMES, 1)
    .help(
        "reliable: every message arrives exactly once. fair-loss: messages may be lost. \
     arbitrary: they may also be duplicated and corrupted.",
    );
pub const LATENCY: ParamSpec = ParamSpec::choice("latency", "Latency model", LATENCY_MODELS, 2)
    .help(
    "constant: always the minimum; uniform: between min and min + spread; exponential: min plus \
     a random extra whose mean is the spread.",
);
pub const LATENCY_MS: ParamSpec =
    ParamSpec::number("latency_ms", "Minimum latency (ms)", 40.0, 0.0, 10_000.0);
pub const SPREAD_MS: ParamSpec =
    ParamSpec::number("spread_ms", "Latency spread (ms)", 20.0, 0.0, 10_000.0);
pub const LOSS: ParamSpec = ParamSpec::number("loss", "Loss probability", 0.0, 0.0, 1.0)
    .help("Chance that a packet is lost (fair-loss and arbitrary links).");
pub const DUPLICATE: ParamSpec =
    ParamSpec::number("duplicate", "Duplication probability", 0.0, 0.0, 1.0)
        .help("Chance that a message arrives twice (arbitrary links only).");
pub const CORRUPT: ParamSpec =
    ParamSpec::number("corrupt", "Corruption probability", 0.0, 0.0, 1.0)
        .help("Chance that a message arrives damaged (arbitrary links only).");
pub const BANDWIDTH: ParamSpec =
    ParamSpec::number("bandwidth_kbps", "Bandwidth (kB/s)", 0.0, 0.0, 10_000_000.0)
        .help("Kilobytes per second a link carries; 0 means unlimited.");
pub const MTU: ParamSpec = ParamSpec::integer("mtu", "MTU (bytes)", 1500.0, 64.0, 65_536.0)
    .help("Largest packet: a bigger message is split into packets that queue one behind another.");
pub const FIFO: ParamSpec = ParamSpec::choice("fifo", "FIFO links", OFF_ON, 0)
    .help("on: each link delivers in the order sent, whatever the latencies.");
pub const RETRANSMIT: ParamSpec = ParamSpec::choice("retransmit", "Retransmission", OFF_ON, 0)
    .help(
        "on: resend until acknowledged and drop duplicates by sequence number, which turns a \
     fair-loss link into a reliable one.",
    );
pub const RTO_MS: ParamSpec = ParamSpec::number(
    "rto_ms",
    "Retransmission timeout (ms)",
    250.0,
    1.0,
    60_000.0,
);
pub const CHECKSUM: ParamSpec = ParamSpec::choice("checksum", "Checksum", OFF_ON, 0)
    .help("on: a damaged message is detected and dropped, so corruption becomes loss.");
pub const TIMING: ParamSpec = ParamSpec::choice("timing", "Timing model", TimingModel::NAMES, 0)
    .help(
    "synchronous: every network delay is at most Δ. partially synchronous: unbounded until GST, \
     at most Δ after. asynchronous: no bound at all.",
);
pub const BOUND_MS: ParamSpec =
    ParamSpec::number("bound_ms", "Delay bound Δ (ms)", 200.0, 1.0, 60_000.0);
pub const GST_MS: ParamSpec = ParamSpec::number("gst_ms", "GST (ms)", 10_000.0, 0.0, 3_600_000.0)
    .help(
        "Global stabilisation time: when a partially synchronous network starts keeping its bound.",
    );
pub const FAULT_MODEL: ParamSpec =
    ParamSpec::choice("fault_model", "Node fault model", FaultModel::NAMES, 1).help(
        "crash-stop: a crashed node never returns. crash-recovery: it may return, with its stable \
     storage but not its memory. byzantine: it may do anything (see the scenario).",
    );
pub const TRAITORS: ParamSpec = ParamSpec::integer("traitors", "Byzantine nodes", 0.0, 0.0, 2000.0)
    .help("This many nodes (the highest ids) are Byzantine.");
pub const MTBF_S: ParamSpec = ParamSpec::number(
    "mtbf_s",
    "Mean time between failures (s)",
    0.0,
    0.0,
    1_000_000.0,
)
.help("Each node crashes after a random time with this mean; 0 switches random faults off.");
pub const MTTR_S: ParamSpec =
    ParamSpec::number("mttr_s", "Mean time to repair (s)", 5.0, 0.001, 1_000_000.0)
        .help("A crash-recovery node comes back after a random time with this mean.");

fn get(p: &Params, spec: &ParamSpec) -> f64 {
    if p.has(spec.name) {
        p.get(spec.name)
    } else {
        spec.default
    }
}

fn on(p: &Params, spec: &ParamSpec) -> bool {
    get(p, spec) != 0.0
}

fn ms(p: &Params, spec: &ParamSpec) -> Duration {
    Duration::from_ms_f64(get(p, spec))
}

/// Every link's settings, from the declared parameters.
pub fn link_config(p: &Params) -> LinkConfig {
    let (min, spread) = (ms(p, &LATENCY_MS), ms(p, &SPREAD_MS));
    let latency = match LATENCY_MODELS[get(p, &LATENCY) as usize] {
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
    let kbps = get(p, &BANDWIDTH);
    LinkConfig {
        kind: LinkKind::from_name(LinkKind::NAMES[get(p, &LINK_KIND) as usize])
            .unwrap_or(LinkKind::FairLoss),
        latency,
        loss: get(p, &LOSS),
        duplicate: get(p, &DUPLICATE),
        corrupt: get(p, &CORRUPT),
        bandwidth: (kbps > 0.0).then_some((kbps * 1000.0) as u64),
        mtu: get(p, &MTU) as u32,
        fifo: on(p, &FIFO),
    }
}

/// `n` nodes with the declared fault model; the last `traitors` of them Byzantine.
pub fn setups(p: &Params, n: usize) -> Vec<NodeSetup> {
    let model =
        FaultModel::from_index(get(p, &FAULT_MODEL) as usize).unwrap_or(FaultModel::CrashRecovery);
    let traitors = (get(p, &TRAITORS) as usize).min(n);
    (0..n)
        .map(|i| {
            NodeSetup::new(if i >= n - traitors {
                FaultModel::Byzantine
            } else {
                model
            })
        })
        .collect()
}

/// The timing model, transport layer and random faults, as declared.
pub fn configure<P: Protocol>(mut w: World<P>, p: &Params) -> World<P> {
    // Only a scenario that offers a timing model gets one: the others keep their links' latencies.
    if p.has(TIMING.name) {
        let name = TimingModel::NAMES[get(p, &TIMING) as usize];
        let gst = Time(ms(p, &GST_MS).0);
        if let Some(model) = TimingModel::from_name(name, ms(p, &BOUND_MS), gst) {
            w = w.with_timing(model);
        }
    }
    if on(p, &RETRANSMIT) {
        w = w.with_retransmission(ms(p, &RTO_MS));
    }
    if on(p, &CHECKSUM) {
        w = w.with_checksum();
    }
    let mtbf = get(p, &MTBF_S);
    if mtbf > 0.0 {
        let mttr = get(p, &MTTR_S);
        w = w.with_random_faults(RandomFaults {
            mtbf: Duration::from_ms_f64(mtbf * 1000.0),
            mttr: Duration::from_ms_f64(mttr * 1000.0),
        });
    }
    w
}
