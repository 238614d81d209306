//! The bulk of a frame as typed arrays. Ten thousand messages in flight would be ten thousand JSON
//! objects to print and parse; as columns they cross as a handful of copies of wasm memory.

use super::JsResult;
use crate::sim::frame::MessageView;
use js_sys::{Array, Float64Array, Object, Reflect, Uint16Array, Uint32Array};
use wasm_bindgen::prelude::*;

/// `{ count, labels, id, from, to, label, progress, sentAt, arrivesAt, packet, packets }`: one
/// column per field, `label` indexing `labels`.
pub(super) fn messages_to_js(msgs: &[MessageView]) -> JsResult<JsValue> {
    let n = msgs.len();
    let mut labels: Vec<&'static str> = Vec::new();
    let mut label = Vec::with_capacity(n);
    let mut ids = Vec::with_capacity(n);
    let (mut from, mut to) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut progress = Vec::with_capacity(n);
    let (mut sent, mut arrives) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut packet, mut packets) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for m in msgs {
        // Scenarios use a handful of labels: a linear search beats hashing here.
        let li = match labels.iter().position(|l| *l == m.label) {
            Some(i) => i,
            None => {
                labels.push(m.label);
                labels.len() - 1
            }
        };
        label.push(li as u16);
        ids.push(m.id as f64);
        from.push(m.from);
        to.push(m.to);
        progress.push(m.progress);
        sent.push(m.sent_at);
        arrives.push(m.arrives_at);
        packet.push(m.packet);
        packets.push(m.packets);
    }
    let out = Object::new();
    let set = |k: &str, v: &JsValue| -> JsResult<()> {
        Reflect::set(&out, &JsValue::from_str(k), v)
            .map(|_| ())
            .map_err(|_| JsError::new("could not build the message columns"))
    };
    set("count", &JsValue::from_f64(n as f64))?;
    let names: Array = labels.iter().map(|l| JsValue::from_str(l)).collect();
    set("labels", &names)?;
    set("id", &Float64Array::from(&ids[..]))?;
    set("from", &Uint32Array::from(&from[..]))?;
    set("to", &Uint32Array::from(&to[..]))?;
    set("label", &Uint16Array::from(&label[..]))?;
    set("progress", &Float64Array::from(&progress[..]))?;
    set("sentAt", &Float64Array::from(&sent[..]))?;
    set("arrivesAt", &Float64Array::from(&arrives[..]))?;
    set("packet", &Uint32Array::from(&packet[..]))?;
    set("packets", &Uint32Array::from(&packets[..]))?;
    Ok(out.into())
}
