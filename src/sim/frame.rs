//! The views drawn from a world: one frame (everything needed to draw both views once) and the
//! inspector's listing of one node. Plain data with serde, so the facade crosses the wasm boundary
//! once per frame and the headless runner prints the same shapes.

use super::error::SimError;
use super::node::{FaultModel, Status};
use super::protocol::{Fields, Message, Protocol};
use super::trace::{Totals, TraceEvent};
use super::world::World;
use super::NodeId;
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeView {
    pub id: NodeId,
    pub status: &'static str,
    pub kind: FaultModel,
    /// Time-of-day clock reading, ms.
    pub clock: f64,
    /// Monotonic clock reading, ms.
    pub mono: f64,
    pub drift_ppm: f64,
    pub paused_until: Option<f64>,
    pub summary: String,
}

#[derive(Serialize)]
pub struct LinkView {
    pub from: NodeId,
    pub to: NodeId,
    pub up: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub label: &'static str,
    pub progress: f64,
    pub sent_at: f64,
    pub arrives_at: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FrameView<'a> {
    pub now: f64,
    pub nodes: Vec<NodeView>,
    pub links: Vec<LinkView>,
    pub messages: Vec<MessageView>,
    pub events: Vec<&'a TraceEvent>,
    /// New events left out: past the per-frame cap, or already out of the trace window.
    pub events_skipped: u64,
    pub stats: &'a Totals,
}

#[derive(Serialize)]
pub struct Inspection {
    pub id: NodeId,
    pub status: &'static str,
    pub kind: FaultModel,
    pub volatile: Option<Fields>,
    pub stable: Fields,
}

impl<P: Protocol> World<P> {
    /// The view at this instant, with the trace events numbered `since` onwards (at most
    /// `max_events` of them, the newest).
    pub fn frame(&self, since: u64, max_events: usize) -> FrameView<'_> {
        let now = self.now;
        let nodes = self
            .nodes
            .iter()
            .enumerate()
            .map(|(i, rt)| NodeView {
                id: i as NodeId,
                status: rt.status.name(),
                kind: rt.fault,
                clock: rt.clock.tod_at(now) as f64 / 1e6,
                mono: rt.clock.mono_at(now) as f64 / 1e6,
                drift_ppm: rt.clock.drift_ppm(),
                paused_until: match rt.status {
                    Status::Paused { until } => Some(until.as_ms_f64()),
                    _ => None,
                },
                summary: self
                    .protocol
                    .summary(self.states[i].as_ref(), &self.stable[i]),
            })
            .collect();
        let links = self
            .network
            .down_links()
            .map(|(from, to)| LinkView {
                from,
                to,
                up: false,
            })
            .collect();
        let messages = self
            .flights
            .iter()
            .flatten()
            .map(|f| {
                let span = f.arrives_at.0.saturating_sub(f.sent_at.0).max(1) as f64;
                let progress = if f.waiting {
                    1.0
                } else {
                    ((now.0.saturating_sub(f.sent_at.0)) as f64 / span).min(1.0)
                };
                MessageView {
                    id: f.id,
                    from: f.from,
                    to: f.to,
                    label: f.msg.label(),
                    progress,
                    sent_at: f.sent_at.as_ms_f64(),
                    arrives_at: f.arrives_at.as_ms_f64(),
                }
            })
            .collect();
        let total = self.trace.totals().events;
        let new: Vec<&TraceEvent> = self.trace.since(since).collect();
        let keep = new.len().min(max_events);
        let events = new[new.len() - keep..].to_vec();
        FrameView {
            now: now.as_ms_f64(),
            nodes,
            links,
            messages,
            events_skipped: total.saturating_sub(since) - keep as u64,
            events,
            stats: self.trace.totals(),
        }
    }

    pub fn inspect(&self, id: NodeId) -> Result<Inspection, SimError> {
        let i = id as usize;
        let rt = self
            .nodes
            .get(i)
            .ok_or_else(|| SimError::BadNode(format!("there is no node {id}")))?;
        let (volatile, stable) = self
            .protocol
            .inspect(self.states[i].as_ref(), &self.stable[i]);
        Ok(Inspection {
            id,
            status: rt.status.name(),
            kind: rt.fault,
            volatile,
            stable,
        })
    }
}
