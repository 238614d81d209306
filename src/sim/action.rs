//! What a student (or a script, or a share link) does to a run. Actions are recorded with the
//! instant they happened and applied through the event queue, so a replay reproduces them exactly.
//! The names here are the facade's method names, used by the headless runner and in exports too.

use super::error::SimError;
use super::time::Time;
use super::NodeId;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq)]
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
}

/// An action and the true time it was applied at.
#[derive(Clone, Copy, Debug, PartialEq)]
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
        }
    }

    pub fn args(&self) -> Vec<f64> {
        match *self {
            ActionKind::CrashNode(n) | ActionKind::RecoverNode(n) => vec![n as f64],
            ActionKind::PauseNode(n, ns) => vec![n as f64, ns as f64 / 1e6],
            ActionKind::CutLink { a, b, one_way } | ActionKind::HealLink { a, b, one_way } => {
                vec![a as f64, b as f64, if one_way { 1.0 } else { 0.0 }]
            }
            ActionKind::SkewClock(n, ns) => vec![n as f64, ns as f64 / 1e6],
            ActionKind::SetDrift(n, ppm) => vec![n as f64, ppm],
        }
    }

    /// Builds an action from its name and arguments, as given by a person: node ids are whole
    /// numbers, durations are milliseconds. Checks form only; the world checks node ids.
    pub fn parse(name: &str, args: &[f64]) -> Result<ActionKind, SimError> {
        let want = |n: usize| -> Result<(), SimError> {
            if args.len() == n || (name.ends_with("Link") && args.len() == 2) {
                Ok(())
            } else {
                Err(SimError::BadAction(format!(
                    "{name} takes {n} argument(s), got {}",
                    args.len()
                )))
            }
        };
        let node = |i: usize| node_id(args[i]);
        Ok(match name {
            "crashNode" => {
                want(1)?;
                ActionKind::CrashNode(node(0)?)
            }
            "recoverNode" => {
                want(1)?;
                ActionKind::RecoverNode(node(0)?)
            }
            "pauseNode" => {
                want(2)?;
                ActionKind::PauseNode(node(0)?, duration_ns(args[1], "pause duration")?)
            }
            "cutLink" | "healLink" => {
                want(3)?;
                let (a, b) = (node(0)?, node(1)?);
                let one_way = args.get(2).is_some_and(|v| *v != 0.0);
                if name == "cutLink" {
                    ActionKind::CutLink { a, b, one_way }
                } else {
                    ActionKind::HealLink { a, b, one_way }
                }
            }
            "skewClock" => {
                want(2)?;
                ActionKind::SkewClock(node(0)?, signed_ns(args[1], "clock skew")?)
            }
            "setDrift" => {
                want(2)?;
                ActionKind::SetDrift(node(0)?, drift_ppm(args[1])?)
            }
            other => return Err(SimError::BadAction(format!("unknown action '{other}'"))),
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

/// Longest duration a person may ask for (a pause, a skew): a simulated year, in ns.
const MAX_SPAN_NS: f64 = 365.0 * 86_400.0 * 1e9;

pub fn node_id(v: f64) -> Result<NodeId, SimError> {
    if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= u32::MAX as f64 {
        Ok(v as NodeId)
    } else {
        Err(SimError::BadNode(format!("{v} is not a node id")))
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
        ];
        for k in kinds {
            assert_eq!(ActionKind::parse(k.name(), &k.args()).unwrap(), k);
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
        assert!(ActionKind::parse("explode", &[1.0]).is_err());
    }
}
