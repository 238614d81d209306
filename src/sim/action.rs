//! What a student (or a script, or a share link) does to a run. Actions are recorded with the
//! instant they happened and applied through the event queue, so a replay reproduces them exactly.
//! The names here are the facade's method names, used by the headless runner and in exports too.
//! Every action also has a flat form, a name and numbers, which is how it is logged and parsed.

use super::error::SimError;
use super::network::{Latency, LinkConfig, LinkKind};
use super::node::FaultModel;
use super::time::{Duration, Time};
use super::NodeId;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq)]
pub enum ActionKind {
    CrashNode(NodeId),
    RecoverNode(NodeId),
    /// Freeze the node for this many ns.
    PauseNode(NodeId, u64),
    CutLink {
        a: NodeId,
        b: NodeId,
        one_way: bool,
    },
    HealLink {
        a: NodeId,
        b: NodeId,
        one_way: bool,
    },
    /// Step the time-of-day clock by this many ns (negative: back).
    SkewClock(NodeId, i64),
    SetDrift(NodeId, f64),
    /// Split the network: the group of each node, by id.
    Partition(Vec<u16>),
    HealPartition,
    /// New settings for a→b (and b→a unless one way).
    SetLink {
        a: NodeId,
        b: NodeId,
        one_way: bool,
        config: LinkConfig,
    },
    SetFaultModel(NodeId, FaultModel),
    /// Drop one message where it is: every packet of it on the wire, or waiting at a paused node.
    /// The id is the message's id in the frame and the trace.
    DropMessage(u64),
}

/// An action and the true time it was applied at.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub at: Time,
    pub kind: ActionKind,
}

/// An action as the outside world writes it: name and numeric arguments (times in ms).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionRecord {
    pub at_ms: f64,
    pub action: &'static str,
    pub args: Vec<f64>,
}

/// (name, fewest arguments, most arguments); `partition` takes one group per node.
const ARITY: &[(&str, usize, usize)] = &[
    ("crashNode", 1, 1),
    ("recoverNode", 1, 1),
    ("pauseNode", 2, 2),
    ("cutLink", 2, 3),
    ("healLink", 2, 3),
    ("skewClock", 2, 2),
    ("setDrift", 2, 2),
    ("partition", 1, usize::MAX),
    ("healPartition", 0, 0),
    ("setLink", 13, 13),
    ("setFaultModel", 2, 2),
    ("dropMessage", 1, 1),
];

/// The argument order of `setLink`, for messages and documentation.
pub const SET_LINK_ARGS: &str = "a, b, oneWay, kind (0 reliable, 1 fair-loss, 2 arbitrary), \
     latency model (0 constant, 1 uniform, 2 exponential), latency ms, spread ms, loss, duplicate, \
     corrupt, bandwidth bytes/s (0 unlimited), MTU bytes, FIFO (0/1)";

impl ActionKind {
    pub fn name(&self) -> &'static str {
        match self {
            ActionKind::CrashNode(_) => "crashNode",
            ActionKind::RecoverNode(_) => "recoverNode",
            ActionKind::PauseNode(..) => "pauseNode",
            ActionKind::CutLink { .. } => "cutLink",
            ActionKind::HealLink { .. } => "healLink",
            ActionKind::SkewClock(..) => "skewClock",
            ActionKind::SetDrift(..) => "setDrift",
            ActionKind::Partition(_) => "partition",
            ActionKind::HealPartition => "healPartition",
            ActionKind::SetLink { .. } => "setLink",
            ActionKind::SetFaultModel(..) => "setFaultModel",
            ActionKind::DropMessage(_) => "dropMessage",
        }
    }

    pub fn args(&self) -> Vec<f64> {
        let flag = |b: bool| if b { 1.0 } else { 0.0 };
        match self {
            ActionKind::CrashNode(n) | ActionKind::RecoverNode(n) => vec![*n as f64],
            ActionKind::PauseNode(n, ns) => vec![*n as f64, *ns as f64 / 1e6],
            ActionKind::CutLink { a, b, one_way } | ActionKind::HealLink { a, b, one_way } => {
                vec![*a as f64, *b as f64, flag(*one_way)]
            }
            ActionKind::SkewClock(n, ns) => vec![*n as f64, *ns as f64 / 1e6],
            ActionKind::SetDrift(n, ppm) => vec![*n as f64, *ppm],
            ActionKind::Partition(groups) => groups.iter().map(|g| *g as f64).collect(),
            ActionKind::HealPartition => vec![],
            ActionKind::SetLink {
                a,
                b,
                one_way,
                config: c,
            } => {
                let (model, min, spread) = match c.latency {
                    Latency::Constant(d) => (0.0, d, Duration::ZERO),
                    Latency::Uniform { min, max } => {
                        (1.0, min, Duration(max.0.saturating_sub(min.0)))
                    }
                    Latency::Exponential { min, mean_extra } => (2.0, min, mean_extra),
                };
                vec![
                    *a as f64,
                    *b as f64,
                    flag(*one_way),
                    c.kind as u8 as f64,
                    model,
                    min.as_ms_f64(),
                    spread.as_ms_f64(),
                    c.loss,
                    c.duplicate,
                    c.corrupt,
                    c.bandwidth.unwrap_or(0) as f64,
                    c.mtu as f64,
                    flag(c.fifo),
                ]
            }
            ActionKind::SetFaultModel(n, m) => vec![*n as f64, *m as u8 as f64],
            ActionKind::DropMessage(id) => vec![*id as f64],
        }
    }

    /// Builds an action from its name and arguments, as given by a person: node ids are whole
    /// numbers, durations are milliseconds. Checks form only; the world checks node ids.
    pub fn parse(name: &str, args: &[f64]) -> Result<ActionKind, SimError> {
        let Some(&(_, lo, hi)) = ARITY.iter().find(|(n, _, _)| *n == name) else {
            let known: Vec<_> = ARITY.iter().map(|(n, _, _)| *n).collect();
            return Err(SimError::BadAction(format!(
                "unknown action '{name}' (known: {})",
                known.join(", ")
            )));
        };
        if args.len() < lo || args.len() > hi {
            let want = if lo == hi {
                lo.to_string()
            } else {
                format!("{lo} to {hi}")
            };
            return Err(SimError::BadAction(format!(
                "{name} takes {want} argument(s), got {}",
                args.len()
            )));
        }
        let node = |i: usize| node_id(args[i]);
        let flag = |i: usize| args.get(i).is_some_and(|v| *v != 0.0);
        Ok(match name {
            "crashNode" => ActionKind::CrashNode(node(0)?),
            "recoverNode" => ActionKind::RecoverNode(node(0)?),
            "pauseNode" => ActionKind::PauseNode(node(0)?, duration_ns(args[1], "pause duration")?),
            "cutLink" => ActionKind::CutLink {
                a: node(0)?,
                b: node(1)?,
                one_way: flag(2),
            },
            "healLink" => ActionKind::HealLink {
                a: node(0)?,
                b: node(1)?,
                one_way: flag(2),
            },
            "skewClock" => ActionKind::SkewClock(node(0)?, signed_ns(args[1], "clock skew")?),
            "setDrift" => ActionKind::SetDrift(node(0)?, drift_ppm(args[1])?),
            "partition" => ActionKind::Partition(
                args.iter()
                    .map(|g| whole(*g, "a partition group", u16::MAX as f64).map(|g| g as u16))
                    .collect::<Result<_, _>>()?,
            ),
            "healPartition" => ActionKind::HealPartition,
            "setLink" => ActionKind::SetLink {
                a: node(0)?,
                b: node(1)?,
                one_way: flag(2),
                config: link_config(&args[3..])?,
            },
            "dropMessage" => ActionKind::DropMessage(message_id(args[0])?),
            _ => {
                let model = whole(
                    args[1],
                    "a fault model (0 crash-stop, 1 crash-recovery, 2 byzantine)",
                    2.0,
                )?;
                let model = FaultModel::from_index(model as usize)
                    .ok_or_else(|| SimError::BadValue("unknown fault model".into()))?;
                ActionKind::SetFaultModel(node(0)?, model)
            }
        })
    }

    pub fn record(&self, at: Time) -> ActionRecord {
        ActionRecord {
            at_ms: at.as_ms_f64(),
            action: self.name(),
            args: self.args(),
        }
    }
}

fn link_config(v: &[f64]) -> Result<LinkConfig, SimError> {
    let kind = match whole(
        v[0],
        "a link kind (0 reliable, 1 fair-loss, 2 arbitrary)",
        2.0,
    )? {
        0 => LinkKind::Reliable,
        1 => LinkKind::FairLoss,
        _ => LinkKind::Arbitrary,
    };
    let min = Duration(duration_ns(v[2], "latency")?);
    let spread = Duration(duration_ns(v[3], "latency spread")?);
    let latency = match whole(
        v[1],
        "a latency model (0 constant, 1 uniform, 2 exponential)",
        2.0,
    )? {
        0 => Latency::Constant(min),
        1 => Latency::Uniform {
            min,
            max: min + spread,
        },
        _ => Latency::Exponential {
            min,
            mean_extra: spread,
        },
    };
    let bandwidth = whole(v[7], "a bandwidth in bytes per second", 1e15)?;
    let mtu = whole(v[8], "an MTU in bytes", u32::MAX as f64)?;
    if mtu == 0 {
        return Err(SimError::BadValue("the MTU must be at least 1 byte".into()));
    }
    Ok(LinkConfig {
        kind,
        latency,
        loss: probability(v[4], "loss")?,
        duplicate: probability(v[5], "duplication")?,
        corrupt: probability(v[6], "corruption")?,
        bandwidth: (bandwidth > 0).then_some(bandwidth),
        mtu: mtu as u32,
        fifo: v[9] != 0.0,
    })
}

/// Largest message id that survives a trip through a JS number (2^53 - 1).
const MAX_MESSAGE_ID: f64 = 9_007_199_254_740_991.0;

/// Longest duration a person may ask for (a pause, a skew): a simulated year, in ns.
const MAX_SPAN_NS: f64 = 365.0 * 86_400.0 * 1e9;

pub fn node_id(v: f64) -> Result<NodeId, SimError> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= u32::MAX as f64 {
        Ok(v as NodeId)
    } else {
        Err(SimError::BadNode(format!("{v} is not a node id")))
    }
}

pub fn message_id(v: f64) -> Result<u64, SimError> {
    whole(v, "a message id", MAX_MESSAGE_ID)
}

fn whole(v: f64, what: &str, max: f64) -> Result<u64, SimError> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= max {
        Ok(v as u64)
    } else {
        Err(SimError::BadValue(format!("expected {what}, got {v}")))
    }
}

pub fn probability(p: f64, what: &str) -> Result<f64, SimError> {
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(SimError::BadValue(format!(
            "{what} is a probability from 0 to 1, got {p}"
        )))
    }
}

pub fn duration_ns(ms: f64, what: &str) -> Result<u64, SimError> {
    if !ms.is_finite() || ms < 0.0 {
        return Err(SimError::BadValue(format!(
            "{what} must be a non-negative number of ms, got {ms}"
        )));
    }
    let ns = ms * 1e6;
    if ns > MAX_SPAN_NS {
        return Err(SimError::BadValue(format!(
            "{what} of {ms} ms is longer than a year"
        )));
    }
    Ok(ns.round() as u64)
}

pub fn signed_ns(ms: f64, what: &str) -> Result<i64, SimError> {
    if !ms.is_finite() {
        return Err(SimError::BadValue(format!(
            "{what} must be a number of ms, got {ms}"
        )));
    }
    let ns = ms * 1e6;
    if ns.abs() > MAX_SPAN_NS {
        return Err(SimError::BadValue(format!(
            "{what} of {ms} ms is more than a year"
        )));
    }
    Ok(ns.round() as i64)
}

pub fn drift_ppm(ppm: f64) -> Result<f64, SimError> {
    use super::clock::MAX_DRIFT_PPM;
    if ppm.is_finite() && ppm.abs() <= MAX_DRIFT_PPM {
        Ok(ppm)
    } else {
        Err(SimError::BadValue(format!(
            "drift must be between -{MAX_DRIFT_PPM} and {MAX_DRIFT_PPM} ppm, got {ppm}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_round_trips_through_name_and_args() {
        let config = LinkConfig {
            kind: LinkKind::Arbitrary,
            latency: Latency::Uniform {
                min: Duration::from_ms(5),
                max: Duration::from_ms(25),
            },
            loss: 0.25,
            duplicate: 0.1,
            corrupt: 0.05,
            bandwidth: Some(1_000_000),
            mtu: 1200,
            fifo: true,
        };
        let kinds = [
            ActionKind::CrashNode(2),
            ActionKind::PauseNode(1, 1_500_000_000),
            ActionKind::CutLink {
                a: 0,
                b: 3,
                one_way: true,
            },
            ActionKind::HealLink {
                a: 0,
                b: 3,
                one_way: false,
            },
            ActionKind::SkewClock(4, -250_000_000),
            ActionKind::SetDrift(0, 50.0),
            ActionKind::Partition(vec![0, 0, 1, 2]),
            ActionKind::HealPartition,
            ActionKind::SetLink {
                a: 1,
                b: 2,
                one_way: true,
                config,
            },
            ActionKind::SetFaultModel(3, FaultModel::Byzantine),
            ActionKind::DropMessage(12_345),
        ];
        for k in kinds {
            assert_eq!(
                ActionKind::parse(k.name(), &k.args()).expect("round trip"),
                k
            );
        }
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        assert!(ActionKind::parse("crashNode", &[]).is_err());
        assert!(ActionKind::parse("crashNode", &[-1.0]).is_err());
        assert!(ActionKind::parse("crashNode", &[1.5]).is_err());
        assert!(ActionKind::parse("pauseNode", &[1.0, -5.0]).is_err());
        assert!(ActionKind::parse("pauseNode", &[1.0, f64::NAN]).is_err());
        assert!(ActionKind::parse("setDrift", &[1.0, 1e9]).is_err());
        assert!(ActionKind::parse("partition", &[0.0, -1.0]).is_err());
        assert!(ActionKind::parse("setFaultModel", &[0.0, 3.0]).is_err());
        let mut link = ActionKind::SetLink {
            a: 0,
            b: 1,
            one_way: false,
            config: LinkConfig::default(),
        }
        .args();
        link[7] = 1.5; // loss
        assert!(ActionKind::parse("setLink", &link).is_err());
        assert!(ActionKind::parse("dropMessage", &[-1.0]).is_err());
        assert!(ActionKind::parse("dropMessage", &[0.5]).is_err());
        assert!(ActionKind::parse("dropMessage", &[]).is_err());
        assert!(ActionKind::parse("explode", &[1.0]).is_err());
    }
}
