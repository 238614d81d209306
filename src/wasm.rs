//! The browser facade: the only file that knows about `JsValue`. A thin binding over [`Run`]:
//! every method checks its input and returns a `JsError` with a clear message; reading the frame
//! view is one call per animation frame.
//!
//! ```js
//! import init, { Simulation } from './pkg/dsviz.js';
//! await init();
//! const sim = new Simulation('sandbox', 42, { nodes: 7 });
//! sim.advance(16);
//! const { nodes, messages, events } = sim.frame();
//! sim.crashNode(2);
//! ```

use crate::run::Run;
use crate::scenarios::{self, ParamInput};
use crate::sim::action::duration_ns;
use crate::sim::network::{Latency, LinkConfig, LinkKind};
use crate::sim::node::FaultModel;
use crate::sim::{ActionKind, Duration, Time};
use serde::Serialize;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

type JsResult<T> = Result<T, JsError>;

/// Most trace events one frame carries; more (say, at 100× with 1,000 nodes) are counted as
/// skipped. More than this cannot be drawn legibly in one frame anyway.
const MAX_FRAME_EVENTS: usize = 5_000;
/// Longest advance in one call: a bound so a stray argument cannot freeze the page.
const MAX_ADVANCE_MS: f64 = 3_600_000.0;
/// Largest seed that survives a trip through a JS number.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

thread_local! {
    static PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

#[wasm_bindgen(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
        console_error_panic_hook::hook(info);
    }));
}

/// The message of a panic in the simulator, if one happened (the page shows it and stops).
#[wasm_bindgen(js_name = panicMessage)]
pub fn panic_message() -> Option<String> {
    PANIC.with(|p| p.borrow().clone())
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value
        .serialize(&ser)
        .map_err(|e| JsError::new(&format!("could not build the view: {e}")))
}

/// Large views cross as one JSON string parsed by the browser: building thousands of small JS
/// objects field by field from wasm costs more than the engine's own JSON parser does.
fn to_js_bulk<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let json = serde_json::to_string(value)
        .map_err(|e| JsError::new(&format!("could not build the view: {e}")))?;
    js_sys::JSON::parse(&json).map_err(|_| JsError::new("could not read the view back"))
}

fn seed_from_js(seed: &JsValue) -> JsResult<u64> {
    if let Some(v) = seed.as_f64() {
        if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= MAX_SAFE_INTEGER {
            return Ok(v as u64);
        }
        return Err(JsError::new(&format!(
            "the seed must be a whole number from 0 to 2^53-1 (or a BigInt), got {v}"
        )));
    }
    if seed.is_bigint() {
        return u64::try_from(seed.clone())
            .map_err(|_| JsError::new("a BigInt seed must be between 0 and 2^64-1"));
    }
    Err(JsError::new(
        "the seed must be a non-negative integer (a number or a BigInt)",
    ))
}

fn params_from_js(params: &JsValue) -> JsResult<Vec<(String, ParamInput)>> {
    if params.is_undefined() || params.is_null() {
        return Ok(Vec::new());
    }
    if !params.is_object() {
        return Err(JsError::new("params must be an object like { nodes: 7 }"));
    }
    let mut out = Vec::new();
    for entry in js_sys::Object::entries(params.unchecked_ref()).iter() {
        let pair: js_sys::Array = entry.unchecked_into();
        let name = pair.get(0).as_string().unwrap_or_default();
        let value = pair.get(1);
        let input = if let Some(v) = value.as_f64() {
            ParamInput::Number(v)
        } else if let Some(s) = value.as_string() {
            ParamInput::Text(s)
        } else {
            return Err(JsError::new(&format!(
                "parameter '{name}' must be a number or a string"
            )));
        };
        out.push((name, input));
    }
    Ok(out)
}

impl Simulation {
    fn wrap(run: Run) -> Simulation {
        // The epoch differs from the run's, so the first frame carries the history so far.
        let epoch = run.epoch().wrapping_add(1);
        Simulation {
            run,
            cursor: 0,
            epoch,
        }
    }
}

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

/// A running scenario, held in wasm memory; JS holds an opaque handle.
#[wasm_bindgen]
pub struct Simulation {
    run: Run,
    /// First trace event the next frame() returns.
    cursor: u64,
    /// The run's epoch when the last frame was read: a change means the views must start afresh.
    epoch: u64,
}

#[wasm_bindgen]
impl Simulation {
    /// Every scenario: `[{ id, title, summary, params: [{ name, label, help, default, min, max, integer, choices }] }]`.
    pub fn scenarios() -> JsResult<JsValue> {
        let specs: Vec<_> = scenarios::ALL.iter().map(|s| &s.spec).collect();
        to_js(&specs)
    }

    /// A fresh seed from the browser's randomness, for the "random seed" button.
    #[wasm_bindgen(js_name = randomSeed)]
    pub fn random_seed() -> JsResult<f64> {
        getrandom::u32()
            .map(f64::from)
            .map_err(|e| JsError::new(&format!("no randomness available: {e}")))
    }

    /// `new Simulation(scenarioId, seed, params?)`.
    #[wasm_bindgen(constructor)]
    pub fn new(scenario_id: &str, seed: JsValue, params: JsValue) -> JsResult<Simulation> {
        let run = Run::new(scenario_id, seed_from_js(&seed)?, &params_from_js(&params)?)?;
        Ok(Simulation::wrap(run))
    }

    /// Opens a share link's payload (the URL fragment, with or without `#` / `share=`), standing
    /// at the instant the link shows. A damaged, truncated or newer-format link is a clear error.
    #[wasm_bindgen(js_name = fromShare)]
    pub fn from_share(link: &str) -> JsResult<Simulation> {
        Ok(Simulation::wrap(Run::from_share(link)?))
    }

    /// Opens an exported trace file (JSON): the run is rebuilt from the inputs it records and
    /// must come out with the recorded trace hash.
    #[wasm_bindgen(js_name = importTrace)]
    pub fn import_trace(json: &str) -> JsResult<Simulation> {
        Ok(Simulation::wrap(Run::from_export(json)?))
    }

    /// A share link payload for this run as it stands now (put it in the URL fragment).
    #[wasm_bindgen(js_name = shareState)]
    pub fn share_state(&self) -> String {
        self.run.share(self.run.world().now())
    }

    #[wasm_bindgen(js_name = scenarioId)]
    pub fn scenario_id(&self) -> String {
        self.run.scenario_id().to_string()
    }

    /// The seed: a number, or a BigInt when it does not fit in one.
    pub fn seed(&self) -> JsValue {
        let s = self.run.seed();
        if s as f64 <= MAX_SAFE_INTEGER {
            JsValue::from_f64(s as f64)
        } else {
            JsValue::from(s)
        }
    }

    /// The checked parameters, defaults included.
    pub fn params(&self) -> JsResult<JsValue> {
        to_js(self.run.params())
    }

    #[wasm_bindgen(js_name = nodeCount)]
    pub fn node_count(&self) -> u32 {
        self.run.world().node_count() as u32
    }

    /// Simulated time, ms.
    pub fn now(&self) -> f64 {
        self.run.world().now().as_ms_f64()
    }

    /// Runs forward `ms` of simulated time.
    pub fn advance(&mut self, ms: f64) -> JsResult<()> {
        if ms > MAX_ADVANCE_MS {
            return Err(JsError::new(&format!(
                "advance at most {MAX_ADVANCE_MS} ms at a time, got {ms}"
            )));
        }
        let d = duration_ns(ms, "advance")?;
        let until = Time(self.run.world().now().0.saturating_add(d));
        Ok(self.run.advance_to(until)?)
    }

    /// Processes exactly the next event; false if nothing is left to happen.
    pub fn step(&mut self) -> JsResult<bool> {
        Ok(self.run.step()?)
    }

    /// Shows the run as it was (or will be) at `ms`: exactly, by replay from a snapshot. The next
    /// `frame()` then has `reset: true` and carries the recorded history up to that instant.
    pub fn seek(&mut self, ms: f64) -> JsResult<()> {
        let t = duration_ns(ms, "seek time")?;
        Ok(self.run.seek(Time(t))?)
    }

    /// Goes back to just before the latest event.
    #[wasm_bindgen(js_name = stepBack)]
    pub fn step_back(&mut self) -> JsResult<()> {
        Ok(self.run.step_back()?)
    }

    /// Takes back the newest action.
    pub fn undo(&mut self) -> JsResult<()> {
        Ok(self.run.undo()?)
    }

    /// True after seeking back over logged actions: acting now discards them (a new branch).
    #[wasm_bindgen(js_name = hasFuture)]
    pub fn has_future(&self) -> bool {
        self.run.has_future()
    }

    /// When the next event is due (ms), or undefined.
    #[wasm_bindgen(js_name = nextEventAt)]
    pub fn next_event_at(&self) -> Option<f64> {
        self.run.world().next_event_at().map(Time::as_ms_f64)
    }

    /// Everything needed to draw one frame; its `events` are those recorded since the last call.
    pub fn frame(&mut self) -> JsResult<JsValue> {
        let reset = self.run.epoch() != self.epoch;
        if reset {
            self.epoch = self.run.epoch();
            self.cursor = 0;
        }
        let w = self.run.world();
        let view = w.frame(self.cursor, MAX_FRAME_EVENTS);
        let out = to_js_bulk(&view)?;
        self.cursor = w.trace().totals().events;
        if reset {
            js_sys::Reflect::set(&out, &JsValue::from_str("reset"), &JsValue::TRUE)
                .map_err(|_| JsError::new("could not mark the frame as reset"))?;
        }
        Ok(out)
    }

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

    /// The action log: `[{ atMs, action, args }]`.
    pub fn actions(&self) -> JsResult<JsValue> {
        let records: Vec<_> = self
            .run
            .actions()
            .iter()
            .map(|a| a.kind.record(a.at))
            .collect();
        to_js(&records)
    }

    /// Hex digest of the whole trace so far: equal inputs give equal hashes, natively and here.
    #[wasm_bindgen(js_name = traceHash)]
    pub fn trace_hash(&self) -> String {
        self.run.world().trace().hash_hex()
    }

    /// The trace as JSON (format described in the README).
    #[wasm_bindgen(js_name = exportTrace)]
    pub fn export_trace(&self) -> String {
        self.run.export_json()
    }

    /// One node's protocol state for the inspector: `{ id, status, kind, volatile, stable }`.
    #[wasm_bindgen(js_name = inspectNode)]
    pub fn inspect_node(&self, id: f64) -> JsResult<JsValue> {
        let id = crate::sim::action::node_id(id)?;
        to_js(&self.run.world().inspect(id)?)
    }

    /// One message in flight (its `id` in the frame's `messages`), for the message inspector:
    /// `{ id, from, to, label, size, sentAt, hex, fields: [[name, value]] }`; `hex` is null unless
    /// the scenario encodes its messages as real bytes.
    #[wasm_bindgen(js_name = inspectMessage)]
    pub fn inspect_message(&self, id: f64) -> JsResult<JsValue> {
        let id = crate::sim::action::message_id(id)?;
        to_js(&self.run.world().inspect_message(id)?)
    }
}

// ---- Batch mode ---------------------------------------------------------------------------------
// Many seeded runs of one scenario, headless, counted by outcome beside the theory's expectation,
// for the scenarios that offer it (`scenarios::batch::ALL`; `Simulation.batchScenarios()` lists
// them). A batch is a pure function of (scenario, params, first seed, runs) and each run is exactly
// the run the page shows for that seed, so the page keeps responsive by calling it in chunks (for
// instance 5,000 runs per animation frame, firstSeed advancing by the chunk) and adding the counts.
#[wasm_bindgen]
impl Simulation {
    /// `Simulation.batch(scenarioId, params, firstSeed, runs)` →
    /// `{ scenario, firstSeed, runs, outcomes: [{ name, label, count, expected }] }`
    /// (`expected`: the theoretical probability, or null). At most 1,000,000 runs per call.
    pub fn batch(
        scenario_id: &str,
        params: JsValue,
        first_seed: JsValue,
        runs: f64,
    ) -> JsResult<JsValue> {
        if !(runs.is_finite() && runs >= 1.0 && runs.fract() == 0.0) {
            return Err(JsError::new(&format!(
                "runs must be a whole number of at least 1, got {runs}"
            )));
        }
        let result = scenarios::batch::run(
            scenario_id,
            &params_from_js(&params)?,
            seed_from_js(&first_seed)?,
            runs.min(u64::MAX as f64) as u64,
        )?;
        to_js(&result)
    }

    /// Ids of the scenarios that offer `Simulation.batch`.
    #[wasm_bindgen(js_name = batchScenarios)]
    pub fn batch_scenarios() -> JsResult<JsValue> {
        to_js(&scenarios::batch::available())
    }
}
