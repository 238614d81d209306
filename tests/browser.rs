//! The wasm facade in a real browser (`wasm-pack test --headless --chrome -- --test browser`):
//! the same run gives the same hash as natively, and bad input is an exception, never a panic.
#![cfg(target_arch = "wasm32")]

#[path = "golden.rs"]
mod golden;

use dsviz_core::wasm::{panic_message, Simulation};
use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn obj(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).expect("set a property");
    }
    o.into()
}

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(key)).expect("read a property")
}

fn error_message<T>(r: Result<T, wasm_bindgen::JsError>) -> String {
    let Err(e) = r else {
        panic!("expected an error")
    };
    let v: JsValue = e.into();
    get(&v, "message").as_string().unwrap_or_default()
}

fn golden_sim(seed: JsValue) -> Simulation {
    let params = obj(&[
        ("nodes", JsValue::from_f64(golden::GOLDEN_NODES)),
        ("loss", JsValue::from_f64(golden::GOLDEN_LOSS)),
    ]);
    Simulation::new(golden::GOLDEN_SCENARIO, seed, params).expect("golden simulation")
}

fn play_golden(sim: &mut Simulation) {
    for (at, name, args) in golden::GOLDEN_ACTIONS {
        sim.advance(at - sim.now()).expect("advance");
        let r = match *name {
            "setDrift" => sim.set_drift(args[0], args[1]),
            "crashNode" => sim.crash_node(args[0]),
            "recoverNode" => sim.recover_node(args[0]),
            "cutLink" => sim.cut_link(args[0], args[1], Some(args[2] != 0.0)),
            "healLink" => sim.heal_link(args[0], args[1], Some(args[2] != 0.0)),
            "pauseNode" => sim.pause_node(args[0], args[1]),
            "skewClock" => sim.skew_clock(args[0], args[1]),
            other => panic!("golden action {other} not wired"),
        };
        r.expect("golden action");
    }
    sim.advance(golden::GOLDEN_UNTIL_MS - sim.now())
        .expect("advance");
}

#[wasm_bindgen_test]
fn the_browser_computes_the_native_trace_hash() {
    let mut sim = golden_sim(JsValue::from_f64(golden::GOLDEN_SEED as f64));
    play_golden(&mut sim);
    assert_eq!(sim.trace_hash(), golden::GOLDEN_HASH);
    // Drawing frames along the way does not change the run.
    let mut drawn = golden_sim(JsValue::from(golden::GOLDEN_SEED));
    drawn.frame().expect("frame");
    play_golden(&mut drawn);
    drawn.frame().expect("frame");
    assert_eq!(
        drawn.trace_hash(),
        golden::GOLDEN_HASH,
        "a BigInt seed and frames along the way"
    );
}

#[wasm_bindgen_test]
fn frame_carries_nodes_messages_and_only_new_events() {
    let mut sim =
        Simulation::new("sandbox", JsValue::from_f64(1.0), JsValue::UNDEFINED).expect("sim");
    sim.advance(1000.0).expect("advance");
    let f1 = sim.frame().expect("frame");
    let nodes: js_sys::Array = get(&f1, "nodes").unchecked_into();
    assert_eq!(nodes.length(), 5);
    assert_eq!(
        get(&nodes.get(0), "status").as_string().as_deref(),
        Some("up")
    );
    assert_eq!(get(&f1, "now").as_f64(), Some(1000.0));
    // Messages in flight come as equal-length typed-array columns, labels by index.
    let msgs = get(&f1, "msgs");
    let count = get(&msgs, "count").as_f64().expect("count") as u32;
    assert!(count > 0, "pings in flight after a second");
    assert!(
        get(&f1, "messages").is_undefined(),
        "no object form from the core"
    );
    let from = js_sys::Uint32Array::from(get(&msgs, "from"));
    let to = js_sys::Uint32Array::from(get(&msgs, "to"));
    let progress = js_sys::Float64Array::from(get(&msgs, "progress"));
    let label = js_sys::Uint16Array::from(get(&msgs, "label"));
    let labels = js_sys::Array::from(&get(&msgs, "labels"));
    for col in [
        "id",
        "from",
        "to",
        "label",
        "progress",
        "sentAt",
        "arrivesAt",
        "packet",
        "packets",
    ] {
        assert_eq!(
            get(&get(&msgs, col), "length").as_f64(),
            Some(count as f64),
            "{col}"
        );
    }
    for i in 0..count {
        assert!(
            from.get_index(i) < 5 && to.get_index(i) < 5 && from.get_index(i) != to.get_index(i)
        );
        assert!((0.0..=1.0).contains(&progress.get_index(i)));
        assert!(labels.get(label.get_index(i) as u32).as_string().is_some());
    }
    let n1 = js_sys::Array::from(&get(&f1, "events")).length();
    assert!(n1 > 20, "{n1} events in the first second");
    let f2 = sim.frame().expect("frame");
    assert_eq!(
        js_sys::Array::from(&get(&f2, "events")).length(),
        0,
        "nothing new"
    );
    sim.crash_node(3.0).expect("crash");
    let f3 = sim.frame().expect("frame");
    let nodes: js_sys::Array = get(&f3, "nodes").unchecked_into();
    assert_eq!(
        get(&nodes.get(3), "status").as_string().as_deref(),
        Some("crashed")
    );
    let events = js_sys::Array::from(&get(&f3, "events"));
    assert_eq!(events.length(), 1);
    assert_eq!(
        get(&events.get(0), "kind").as_string().as_deref(),
        Some("crash")
    );
    let actions = js_sys::Array::from(&sim.actions().expect("actions"));
    assert_eq!(
        get(&actions.get(0), "action").as_string().as_deref(),
        Some("crashNode")
    );
}

#[wasm_bindgen_test]
fn bad_input_is_a_clear_error_not_a_panic() {
    let seed = || JsValue::from_f64(1.0);
    assert!(
        error_message(Simulation::new("nope", seed(), JsValue::UNDEFINED))
            .contains("unknown scenario 'nope'")
    );
    for bad in [
        JsValue::from_f64(-1.0),
        JsValue::from_f64(1.5),
        JsValue::from_f64(f64::NAN),
        JsValue::from_str("7"),
    ] {
        assert!(
            error_message(Simulation::new("sandbox", bad, JsValue::UNDEFINED)).contains("seed")
        );
    }
    let bad_param = obj(&[("nodes", JsValue::from_f64(0.0))]);
    assert!(
        error_message(Simulation::new("sandbox", seed(), bad_param)).contains("between 1 and 2000")
    );
    let unknown = obj(&[("colour", JsValue::from_f64(1.0))]);
    assert!(error_message(Simulation::new("sandbox", seed(), unknown))
        .contains("unknown parameter 'colour'"));

    let mut sim = Simulation::new("sandbox", seed(), JsValue::UNDEFINED).expect("sim");
    assert!(error_message(sim.crash_node(99.0)).contains("no node 99"));
    assert!(error_message(sim.crash_node(f64::NAN)).contains("not a node id"));
    assert!(error_message(sim.pause_node(0.0, -5.0)).contains("non-negative"));
    assert!(error_message(sim.advance(f64::NAN)).contains("advance"));
    assert!(error_message(sim.advance(-1.0)).contains("advance"));
    assert!(error_message(sim.recover_node(0.0)).contains("has not crashed"));
    assert!(error_message(sim.set_drift(0.0, 1e12)).contains("drift"));
    assert!(error_message(sim.cut_link(0.0, 0.0, None)).contains("two different nodes"));
    assert!(error_message(sim.inspect_node(-3.0)).contains("not a node id"));
    assert!(panic_message().is_none());
    // And the simulation still works afterwards.
    sim.advance(100.0).expect("advance");
    assert_eq!(sim.now(), 100.0);
}

#[wasm_bindgen_test]
fn scenarios_and_inspector_describe_themselves() {
    let list = js_sys::Array::from(&Simulation::scenarios().expect("scenarios"));
    let first = list.get(0);
    assert_eq!(get(&first, "id").as_string().as_deref(), Some("sandbox"));
    let params = js_sys::Array::from(&get(&first, "params"));
    assert!(params.length() >= 5);
    let mut sim =
        Simulation::new("sandbox", JsValue::from_f64(3.0), JsValue::UNDEFINED).expect("sim");
    sim.advance(2000.0).expect("advance");
    let info = sim.inspect_node(1.0).expect("inspect");
    assert!(get(&info, "volatile").is_object());
    assert!(get(&info, "stable").is_object());
    let export = sim.export_trace();
    assert!(export.contains("\"format\":\"dsviz-trace\""));
}

fn counts(result: &JsValue) -> Vec<f64> {
    js_sys::Array::from(&get(result, "outcomes"))
        .iter()
        .map(|o| get(&o, "count").as_f64().unwrap_or(-1.0))
        .collect()
}

#[wasm_bindgen_test]
fn batches_in_chunks_add_up_to_one_batch() {
    let params = obj(&[("loss", JsValue::from_f64(0.3))]);
    let whole = Simulation::batch(
        "two-generals",
        params.clone(),
        JsValue::from_f64(100.0),
        2000.0,
    )
    .expect("batch");
    let a = Simulation::batch(
        "two-generals",
        params.clone(),
        JsValue::from_f64(100.0),
        1200.0,
    )
    .expect("chunk");
    let b =
        Simulation::batch("two-generals", params, JsValue::from_f64(1300.0), 800.0).expect("chunk");
    let sum: Vec<f64> = counts(&a)
        .iter()
        .zip(counts(&b))
        .map(|(x, y)| x + y)
        .collect();
    assert_eq!(counts(&whole), sum);
    // both, neither, only A, only B partition the runs ("none arrived" overlaps them).
    assert_eq!(counts(&whole)[..4].iter().sum::<f64>(), 2000.0);
    assert!(error_message(Simulation::batch(
        "sandbox",
        JsValue::UNDEFINED,
        JsValue::from_f64(1.0),
        10.0
    ))
    .contains("no batch mode"));
    assert!(error_message(Simulation::batch(
        "two-generals",
        JsValue::UNDEFINED,
        JsValue::from_f64(1.0),
        0.0
    ))
    .contains("at least 1"));
}

#[wasm_bindgen_test]
fn a_message_in_flight_can_be_inspected_and_dropped() {
    let mut sim = Simulation::new("rpc", JsValue::from_f64(1.0), JsValue::UNDEFINED).expect("rpc");
    // Step until the first request is on the wire.
    let mut id = None;
    for _ in 0..200 {
        sim.step().expect("step");
        let f = sim.frame().expect("frame");
        let msgs = get(&f, "msgs");
        if get(&msgs, "count").as_f64() > Some(0.0) {
            id = Some(js_sys::Float64Array::from(get(&msgs, "id")).get_index(0));
            break;
        }
    }
    let id = id.expect("a request goes out");
    let info = sim.inspect_message(id).expect("inspect");
    let hex = get(&info, "hex").as_string().unwrap_or_default();
    assert!(
        hex.starts_with("52 50"),
        "the request's bytes begin with the magic 'RP': {hex}"
    );
    assert!(js_sys::Array::from(&get(&info, "fields")).length() > 3);
    sim.drop_message(id).expect("drop");
    let f = sim.frame().expect("frame");
    let events = js_sys::Array::from(&get(&f, "events"));
    let dropped = events
        .iter()
        .any(|e| get(&e, "reason").as_string().as_deref() == Some("dropped"));
    assert!(dropped, "the drop is in the trace");
    assert!(error_message(sim.drop_message(id)).contains(&format!("{id}")));
}
