//! Share links and trace files: a run written down compactly enough for a URL, and read back
//! with every kind of damage turned into a clear error.
//!
//! A share link's payload is `v1.` followed by URL-safe base64 (no padding) of the deflated JSON
//! `{"s": scenario, "seed": "…", "p": {non-default params}, "a": [[at_ns, action, [args]], …],
//! "t": view_ns}`. The version prefix stays readable whatever follows, so a link from a newer
//! format says so instead of failing to parse.

use crate::run::{Run, TRACE_FORMAT_VERSION};
use crate::scenarios::ParamInput;
use crate::sim::{ActionKind, SimError, Time};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const SHARE_VERSION: u32 = 1;
/// Decompressed payloads larger than this are refused (a hostile link could be a zip bomb).
const MAX_PAYLOAD: usize = 1 << 20;
const MAX_ACTIONS: usize = 10_000;
/// Furthest instant a link may ask to show: replaying further could freeze the page.
const MAX_VIEW: Time = Time(3_600 * 1_000_000_000);

#[derive(Serialize, Deserialize)]
struct Payload {
    s: String,
    seed: String,
    #[serde(default)]
    p: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    a: Vec<(u64, String, Vec<f64>)>,
    #[serde(default)]
    t: u64,
}

fn damaged(why: &str) -> SimError {
    SimError::BadValue(format!(
        "this share link is damaged ({why}); opening the default scenario instead"
    ))
}

fn param_inputs(
    p: BTreeMap<String, serde_json::Value>,
) -> Result<Vec<(String, ParamInput)>, SimError> {
    p.into_iter()
        .map(|(k, v)| {
            let input = match v {
                serde_json::Value::Number(n) => ParamInput::Number(n.as_f64().unwrap_or(f64::NAN)),
                serde_json::Value::String(s) => ParamInput::Text(s),
                other => {
                    return Err(SimError::BadParam(format!(
                        "parameter '{k}' has an unreadable value {other}"
                    )))
                }
            };
            Ok((k, input))
        })
        .collect()
}

/// Rebuilds a run from its inputs and replays it to `view`.
fn rebuild(
    scenario: &str,
    seed: u64,
    params: Vec<(String, ParamInput)>,
    actions: Vec<(Time, ActionKind)>,
    view: Time,
) -> Result<Run, SimError> {
    if actions.len() > MAX_ACTIONS {
        return Err(SimError::BadValue(format!(
            "more than {MAX_ACTIONS} actions"
        )));
    }
    if view > MAX_VIEW || actions.last().is_some_and(|(t, _)| *t > MAX_VIEW) {
        return Err(SimError::BadValue(
            "it reaches past one simulated hour, which this page does not replay".into(),
        ));
    }
    let mut run = Run::new(scenario, seed, &params)?;
    // Actions after the viewed instant stay in the log: playing on re-applies them.
    let (before, after): (Vec<_>, Vec<_>) = actions.into_iter().partition(|(t, _)| *t <= view);
    run.replay(&before, view)?;
    if let Some((last, _)) = after.last() {
        let now = run.world().now();
        run.replay(&after, *last)?;
        run.seek(now)?;
    }
    Ok(run)
}

impl Run {
    /// The share link payload for this run, viewed at `view`.
    pub fn share(&self, view: Time) -> String {
        let defaults = crate::scenarios::Params::new(self.params().specs(), &[]).ok();
        let p = self
            .params()
            .entries()
            .into_iter()
            .filter(|(k, v)| {
                defaults
                    .as_ref()
                    .is_none_or(|d| d.entries().iter().all(|(dk, dv)| dk != k || dv != v))
            })
            .map(|(k, v)| {
                let json = match v {
                    ParamInput::Number(x) => serde_json::json!(x),
                    ParamInput::Text(t) => serde_json::json!(t),
                };
                (k.to_string(), json)
            })
            .collect();
        let payload = Payload {
            s: self.scenario_id().to_string(),
            seed: self.seed().to_string(),
            p,
            a: self
                .actions()
                .iter()
                .map(|a| (a.at.0, a.kind.name().to_string(), a.kind.args()))
                .collect(),
            t: view.0,
        };
        let json = serde_json::to_vec(&payload).unwrap_or_default();
        let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
        format!("v{SHARE_VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
    }

    /// Reads a share link payload (with or without a leading `#` or `share=`); returns the run
    /// standing at the instant the link shows.
    pub fn from_share(link: &str) -> Result<Run, SimError> {
        let text = link.trim().trim_start_matches('#');
        let text = text.strip_prefix("share=").unwrap_or(text);
        let (version, body) = text
            .split_once('.')
            .ok_or_else(|| damaged("no version mark"))?;
        let version: u32 = version
            .strip_prefix('v')
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| damaged("no version mark"))?;
        if version > SHARE_VERSION {
            return Err(SimError::BadValue(format!(
                "this share link was made by a newer dsviz (link format {version}; this page reads format \
                 {SHARE_VERSION}). Open it with the newer version; opening the default scenario instead"
            )));
        }
        let packed = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| damaged("it is not valid base64; was it cut short when copied?"))?;
        let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_PAYLOAD)
            .map_err(|e| {
                if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
                    damaged("it unpacks to more than 1 MB, far more than any run needs")
                } else {
                    damaged("it does not unpack; it may be truncated")
                }
            })?;
        let p: Payload = serde_json::from_slice(&json)
            .map_err(|e| damaged(&format!("its content is malformed: {e}")))?;
        let seed: u64 = p
            .seed
            .parse()
            .map_err(|_| damaged("the seed is not a number"))?;
        let actions =
            p.a.into_iter()
                .map(|(at, name, args)| Ok((Time(at), ActionKind::parse(&name, &args)?)))
                .collect::<Result<Vec<_>, SimError>>()?;
        rebuild(&p.s, seed, param_inputs(p.p)?, actions, Time(p.t))
    }

    /// Reads an exported trace (JSON from [`Run::export_json`]): rebuilds the run from the inputs
    /// it records and checks the result has the recorded hash.
    pub fn from_export(json: &str) -> Result<Run, SimError> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct ExportIn {
            format: String,
            version: u32,
            scenario: String,
            seed: u64,
            #[serde(default)]
            params: BTreeMap<String, serde_json::Value>,
            #[serde(default)]
            actions: Vec<ActionIn>,
            now_ms: f64,
            trace_hash: String,
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct ActionIn {
            at_ms: f64,
            action: String,
            args: Vec<f64>,
        }
        let bad = |why: String| {
            SimError::BadValue(format!("this is not a dsviz trace file we can read: {why}"))
        };
        let e: ExportIn = serde_json::from_str(json).map_err(|err| bad(err.to_string()))?;
        if e.format != "dsviz-trace" {
            return Err(bad(format!("its format is '{}'", e.format)));
        }
        if e.version > TRACE_FORMAT_VERSION {
            return Err(bad(format!(
                "it has format version {} and this page reads {TRACE_FORMAT_VERSION}",
                e.version
            )));
        }
        let ns = |ms: f64, what: &str| crate::sim::action::duration_ns(ms, what).map(Time);
        let actions = e
            .actions
            .into_iter()
            .map(|a| {
                Ok((
                    ns(a.at_ms, "action time")?,
                    ActionKind::parse(&a.action, &a.args)?,
                ))
            })
            .collect::<Result<Vec<_>, SimError>>()?;
        let view = ns(e.now_ms, "nowMs")?;
        let run = rebuild(&e.scenario, e.seed, param_inputs(e.params)?, actions, view)?;
        let hash = run.world().trace().hash_hex();
        if hash != e.trace_hash {
            return Err(bad(format!(
                "replaying its inputs gives trace hash {hash}, but the file says {}; it was edited, or \
                 made by a version of dsviz that simulates differently",
                e.trace_hash
            )));
        }
        Ok(run)
    }
}
