//! The browser facade: the only module that knows about `JsValue`. A thin binding over [`Run`]:
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

mod actions;
mod batch;
mod bulk;
mod convert;

use crate::run::Run;
use crate::scenarios;
use crate::sim::action::duration_ns;
use crate::sim::Time;
use bulk::messages_to_js;
use convert::{params_from_js, seed_from_js, to_js, to_js_bulk};
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

/// A running scenario, held in wasm memory; JS holds an opaque handle.
#[wasm_bindgen]
pub struct Simulation {
    run: Run,
    /// First trace event the next frame() returns.
    cursor: u64,
    /// The run's epoch when the last frame was read (None: no frame read yet): a change means
    /// the views must start afresh.
    epoch: Option<u64>,
}

impl Simulation {
    fn wrap(run: Run) -> Simulation {
        // No epoch read yet: the first frame is a reset and carries the history so far.
        Simulation {
            run,
            cursor: 0,
            epoch: None,
        }
    }
}

#[wasm_bindgen]
impl Simulation {
    /// Every scenario: `[{ id, title, summary, params: [{ name, label, help, default, min, max, integer, choices }] }]`.
    pub fn scenarios() -> JsResult<JsValue> {
        let specs: Vec<_> = scenarios::ALL.iter().map(|s| &s.spec).collect();
        to_js_bulk(&specs)
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
    /// Messages in flight come as columns of typed arrays in `msgs` (see bulk.rs), not objects.
    pub fn frame(&mut self) -> JsResult<JsValue> {
        let reset = self.epoch != Some(self.run.epoch());
        if reset {
            self.epoch = Some(self.run.epoch());
            self.cursor = 0;
        }
        let w = self.run.world();
        let mut view = w.frame(self.cursor, MAX_FRAME_EVENTS);
        let messages = std::mem::take(&mut view.messages);
        let out = to_js_bulk(&view)?;
        js_sys::Reflect::set(
            &out,
            &JsValue::from_str("msgs"),
            &messages_to_js(&messages)?,
        )
        .map_err(|_| JsError::new("could not attach the message columns"))?;
        self.cursor = w.trace().totals().events;
        if reset {
            js_sys::Reflect::set(&out, &JsValue::from_str("reset"), &JsValue::TRUE)
                .map_err(|_| JsError::new("could not mark the frame as reset"))?;
        }
        Ok(out)
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
