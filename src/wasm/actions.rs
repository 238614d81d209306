//! Actions on a running simulation: crash, recover, pause, links, clocks, partitions, link
//! settings, fault models, dropping a message. Each is checked by the core and logged.

use super::convert::{params_from_js, to_js};
use super::{JsResult, Simulation};
use crate::scenarios::{self, ParamInput};
use crate::sim::network::{Latency, LinkConfig, LinkKind};
use crate::sim::node::FaultModel;
use crate::sim::{ActionKind, Duration};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// `setLink` fields, in the order of the action's arguments after (a, b, oneWay).
const LINK_FIELDS: &[&str] = &[
    "kind",
    "latency",
    "latencyMs",
    "spreadMs",
    "loss",
    "duplicate",
    "corrupt",
    "bandwidthKbps",
    "mtu",
    "fifo",
];

/// One `setLink` field as the action's number.
fn link_field(name: &str, value: ParamInput) -> JsResult<f64> {
    let choice = |names: &[&str], v: &ParamInput| -> JsResult<f64> {
        match v {
            ParamInput::Text(t) => names
                .iter()
                .position(|n| n == t)
                .map(|i| i as f64)
                .ok_or_else(|| {
                    JsError::new(&format!(
                        "{name} must be one of {}, got '{t}'",
                        names.join(", ")
                    ))
                }),
            ParamInput::Number(x) => Ok(*x),
        }
    };
    Ok(match (name, &value) {
        ("kind", v) => choice(LinkKind::NAMES, v)?,
        ("latency", v) => choice(scenarios::model::LATENCY_MODELS, v)?,
        ("bandwidthKbps", ParamInput::Number(x)) => x * 1000.0,
        ("fifo", ParamInput::Text(t)) => f64::from(u8::from(t == "true" || t == "on")),
        (_, ParamInput::Number(x)) => *x,
        (_, ParamInput::Text(t)) => {
            return Err(JsError::new(&format!("{name} must be a number, got '{t}'")))
        }
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LinkInfo {
    kind: &'static str,
    latency: &'static str,
    latency_ms: f64,
    spread_ms: f64,
    loss: f64,
    duplicate: f64,
    corrupt: f64,
    bandwidth_kbps: f64,
    mtu: u32,
    fifo: bool,
    up: bool,
}

impl LinkInfo {
    fn new(c: &LinkConfig, up: bool) -> LinkInfo {
        let (latency, min, spread) = match c.latency {
            Latency::Constant(d) => ("constant", d, Duration::ZERO),
            Latency::Uniform { min, max } => {
                ("uniform", min, Duration(max.0.saturating_sub(min.0)))
            }
            Latency::Exponential { min, mean_extra } => ("exponential", min, mean_extra),
        };
        LinkInfo {
            kind: LinkKind::NAMES[c.kind as usize],
            latency,
            latency_ms: min.as_ms_f64(),
            spread_ms: spread.as_ms_f64(),
            loss: c.loss,
            duplicate: c.duplicate,
            corrupt: c.corrupt,
            bandwidth_kbps: c.bandwidth.map_or(0.0, |b| b as f64 / 1000.0),
            mtu: c.mtu,
            fifo: c.fifo,
            up,
        }
    }
}

#[wasm_bindgen]
impl Simulation {
    fn act(&mut self, name: &str, args: &[f64]) -> JsResult<()> {
        let kind = ActionKind::parse(name, args)?;
        Ok(self.run.act(kind)?)
    }

    #[wasm_bindgen(js_name = crashNode)]
    pub fn crash_node(&mut self, id: f64) -> JsResult<()> {
        self.act("crashNode", &[id])
    }

    #[wasm_bindgen(js_name = recoverNode)]
    pub fn recover_node(&mut self, id: f64) -> JsResult<()> {
        self.act("recoverNode", &[id])
    }

    /// Freezes the node for `ms` (a GC pause): arrivals and timers wait until it ends.
    #[wasm_bindgen(js_name = pauseNode)]
    pub fn pause_node(&mut self, id: f64, ms: f64) -> JsResult<()> {
        self.act("pauseNode", &[id, ms])
    }

    /// Cuts a→b, and b→a too unless `oneWay`.
    #[wasm_bindgen(js_name = cutLink)]
    pub fn cut_link(&mut self, a: f64, b: f64, one_way: Option<bool>) -> JsResult<()> {
        self.act(
            "cutLink",
            &[a, b, f64::from(u8::from(one_way.unwrap_or(false)))],
        )
    }

    #[wasm_bindgen(js_name = healLink)]
    pub fn heal_link(&mut self, a: f64, b: f64, one_way: Option<bool>) -> JsResult<()> {
        self.act(
            "healLink",
            &[a, b, f64::from(u8::from(one_way.unwrap_or(false)))],
        )
    }

    /// Steps the node's time-of-day clock by `deltaMs` (negative: back). Its monotonic clock and timers are untouched.
    #[wasm_bindgen(js_name = skewClock)]
    pub fn skew_clock(&mut self, id: f64, delta_ms: f64) -> JsResult<()> {
        self.act("skewClock", &[id, delta_ms])
    }

    /// Sets the node's clock drift in parts per million from now on.
    #[wasm_bindgen(js_name = setDrift)]
    pub fn set_drift(&mut self, id: f64, ppm: f64) -> JsResult<()> {
        self.act("setDrift", &[id, ppm])
    }

    /// Splits the network into groups, e.g. `[[0, 1], [2, 3, 4]]`; nodes not listed form one more
    /// group together. Every link between groups goes down until `healPartition()`.
    pub fn partition(&mut self, groups: JsValue) -> JsResult<()> {
        let n = self.run.world().node_count();
        let bad = || JsError::new("partition takes groups of node ids, like [[0, 1], [2, 3]]");
        if !js_sys::Array::is_array(&groups) {
            return Err(bad());
        }
        let groups = js_sys::Array::from(&groups);
        let rest = groups.length() as f64;
        let mut of_node = vec![rest; n];
        for (g, members) in groups.iter().enumerate() {
            if !js_sys::Array::is_array(&members) {
                return Err(bad());
            }
            for m in js_sys::Array::from(&members).iter() {
                let id = crate::sim::action::node_id(m.as_f64().ok_or_else(bad)?)? as usize;
                if id >= n {
                    return Err(JsError::new(&format!(
                        "there is no node {id} (nodes are 0 to {})",
                        n - 1
                    )));
                }
                if of_node[id] != rest {
                    return Err(JsError::new(&format!("node {id} is in two groups")));
                }
                of_node[id] = g as f64;
            }
        }
        self.act("partition", &of_node)
    }

    /// Restores every link the partition cut (links cut by hand stay cut).
    #[wasm_bindgen(js_name = healPartition)]
    pub fn heal_partition(&mut self) -> JsResult<()> {
        self.act("healPartition", &[])
    }

    /// Settings of the link a→b and whether it is up:
    /// `{ kind, latency, latencyMs, spreadMs, loss, duplicate, corrupt, bandwidthKbps, mtu, fifo, up }`.
    #[wasm_bindgen(js_name = linkInfo)]
    pub fn link_info(&self, a: f64, b: f64) -> JsResult<JsValue> {
        let (a, b) = (
            crate::sim::action::node_id(a)?,
            crate::sim::action::node_id(b)?,
        );
        let n = self.run.world().node_count() as u32;
        if a >= n || b >= n {
            return Err(JsError::new(&format!(
                "there is no link {a}→{b} (nodes are 0 to {})",
                n - 1
            )));
        }
        let net = self.run.world().network();
        to_js(&LinkInfo::new(net.config(a, b), net.is_up(a, b)))
    }

    /// Changes the settings of a→b (and b→a unless `oneWay`): any of the fields `linkInfo` gives.
    #[wasm_bindgen(js_name = setLink)]
    pub fn set_link(
        &mut self,
        a: f64,
        b: f64,
        props: JsValue,
        one_way: Option<bool>,
    ) -> JsResult<()> {
        let (ia, ib) = (
            crate::sim::action::node_id(a)?,
            crate::sim::action::node_id(b)?,
        );
        let n = self.run.world().node_count() as u32;
        if ia >= n || ib >= n {
            return Err(JsError::new(&format!(
                "there is no link {ia}→{ib} (nodes are 0 to {})",
                n - 1
            )));
        }
        let current = *self.run.world().network().config(ia, ib);
        let mut args = ActionKind::SetLink {
            a: ia,
            b: ib,
            one_way: one_way.unwrap_or(false),
            config: current,
        }
        .args();
        if !props.is_object() {
            return Err(JsError::new(
                "setLink takes an object of settings, like { loss: 0.2 }",
            ));
        }
        for (name, value) in params_from_js(&props)? {
            let slot = LINK_FIELDS.iter().position(|f| *f == name).ok_or_else(|| {
                JsError::new(&format!(
                    "unknown link setting '{name}' (known: {})",
                    LINK_FIELDS.join(", ")
                ))
            })?;
            args[3 + slot] = link_field(&name, value)?;
        }
        self.act("setLink", &args)
    }

    /// Changes how a node may fail: "crash-stop", "crash-recovery" or "byzantine".
    #[wasm_bindgen(js_name = setFaultModel)]
    pub fn set_fault_model(&mut self, id: f64, model: &str) -> JsResult<()> {
        let i = FaultModel::NAMES
            .iter()
            .position(|m| *m == model)
            .ok_or_else(|| {
                JsError::new(&format!(
                    "unknown fault model '{model}' (known: {})",
                    FaultModel::NAMES.join(", ")
                ))
            })?;
        self.act("setFaultModel", &[id, i as f64])
    }

    /// Drops one message in flight (its `id` in the frame's `messages`): every packet of it dies
    /// where it is, recorded as lost with reason "dropped".
    #[wasm_bindgen(js_name = dropMessage)]
    pub fn drop_message(&mut self, id: f64) -> JsResult<()> {
        self.act("dropMessage", &[id])
    }
}
