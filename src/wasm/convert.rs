//! Values across the boundary: views out (serde), seeds and parameter objects in (checked).

use super::{JsResult, MAX_SAFE_INTEGER};
use crate::scenarios::ParamInput;
use serde::Serialize;
use wasm_bindgen::prelude::*;

pub(super) fn to_js<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value
        .serialize(&ser)
        .map_err(|e| JsError::new(&format!("could not build the view: {e}")))
}

/// Large views cross as one JSON string parsed by the browser: building thousands of small JS
/// objects field by field from wasm costs more than the engine's own JSON parser does.
pub(super) fn to_js_bulk<T: Serialize + ?Sized>(value: &T) -> JsResult<JsValue> {
    let json = serde_json::to_string(value)
        .map_err(|e| JsError::new(&format!("could not build the view: {e}")))?;
    js_sys::JSON::parse(&json).map_err(|_| JsError::new("could not read the view back"))
}

pub(super) fn seed_from_js(seed: &JsValue) -> JsResult<u64> {
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

pub(super) fn params_from_js(params: &JsValue) -> JsResult<Vec<(String, ParamInput)>> {
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
