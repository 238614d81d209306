//! The views drawn from a world: one frame (everything needed to draw both views once) and the
//! inspector's listing of one node. Plain data with serde, so the facade crosses the wasm boundary
//! once per frame and the headless runner prints the same shapes.

use super::error::SimError;
use super::network::LinkConfig;
use super::node::{FaultModel, Status};
use super::protocol::{Fields, Protocol, Verdict};
use super::timing::TimingModel;
use super::trace::{Totals, TraceEvent};
use super::world::Deferred;
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
    /// The node's part in the protocol, if the scenario names one ("client").
    pub role: Option<&'static str>,
}

/// A directed link that is not in its default state: cut, or with settings of its own.
#[derive(Serialize)]
pub struct LinkView {
    pub from: NodeId,
    pub to: NodeId,
    pub up: bool,
    pub config: Option<LinkConfig>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageView {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub label: &'static str,
    pub progress: f64,
    /// When this packet started onto the wire, ms.
    pub sent_at: f64,
    pub arrives_at: f64,
    /// Which packet of how many (0 of 1 for most messages).
    pub packet: u32,
    pub packets: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FrameView<'a> {
    pub now: f64,
    pub nodes: Vec<NodeView>,
    pub links: Vec<LinkView>,
    /// Left out when empty: the wasm facade sends these as typed-array columns instead.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<MessageView>,
    pub events: Vec<&'a TraceEvent>,
    /// New events left out: past the per-frame cap, or already out of the trace window.
    pub events_skipped: u64,
    pub stats: &'a Totals,
    /// The timing model in force (None: links' latencies as they are).
    pub timing: Option<TimingModel>,
    /// Group of each node while the network is partitioned.
    pub partition: Option<&'a [u16]>,
    /// The scenario's claims, as this run bears them out so far.
    pub verdicts: Vec<Verdict>,
    /// Packets waiting on each link for the ones ahead of them to go out (congestion).
    pub queues: Vec<QueueView>,
}

#[derive(Serialize)]
pub struct QueueView {
    pub from: NodeId,
    pub to: NodeId,
    pub packets: u64,
    pub bytes: u64,
}

/// One message the student clicked, as the message inspector shows it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageDetail {
    pub id: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub label: &'static str,
    pub size: u32,
    /// When it was sent, ms.
    pub sent_at: f64,
    /// Its bytes as hex ("52 50 01 …"), if the scenario encodes its messages for real.
    pub hex: Option<String>,
    /// Its fields, decoded by the scenario: (name, value).
    pub fields: Fields,
}

/// Bytes as spaced lower-case hex pairs: "52 50 01".
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
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
                role: self.protocol.role(i as NodeId),
            })
            .collect();
        let mut links: Vec<LinkView> = self
            .network
            .down_links()
            .map(|(from, to)| LinkView {
                from,
                to,
                up: false,
                config: None,
            })
            .collect();
        for (&(from, to), cfg) in self.network.overrides() {
            match links.iter_mut().find(|l| (l.from, l.to) == (from, to)) {
                Some(l) => l.config = Some(*cfg),
                None => links.push(LinkView {
                    from,
                    to,
                    up: true,
                    config: Some(*cfg),
                }),
            }
        }
        // Packets still waiting to go onto the wire are counted per link, not listed: a 10 MB
        // message is thousands of them, and the view only needs to show the queue.
        let mut queues: Vec<QueueView> = Vec::new();
        for f in self
            .wire
            .flights
            .iter()
            .flatten()
            .filter(|f| f.departs > now)
        {
            let (from, to) = (f.head.from, f.head.to);
            match queues.iter_mut().find(|q| (q.from, q.to) == (from, to)) {
                Some(q) => {
                    q.packets += 1;
                    q.bytes += f.size as u64;
                }
                None => queues.push(QueueView {
                    from,
                    to,
                    packets: 1,
                    bytes: f.size as u64,
                }),
            }
        }
        let mut messages: Vec<MessageView> = self
            .wire
            .flights
            .iter()
            .flatten()
            .filter(|f| f.departs <= now)
            .map(|f| {
                let span = f.arrives.0.saturating_sub(f.departs.0).max(1) as f64;
                let progress = (now.0.saturating_sub(f.departs.0) as f64 / span).min(1.0);
                MessageView {
                    id: f.head.msg,
                    from: f.head.from,
                    to: f.head.to,
                    label: f.head.label,
                    progress,
                    sent_at: f.departs.as_ms_f64(),
                    arrives_at: f.arrives.as_ms_f64(),
                    packet: f.index,
                    packets: f.count,
                }
            })
            .collect();
        // Messages that reached a paused node wait at its door.
        for d in self.backlogs.iter().flatten() {
            if let Deferred::Message(c) = d {
                messages.push(MessageView {
                    id: c.head.msg,
                    from: c.head.from,
                    to: c.head.to,
                    label: c.head.label,
                    progress: 1.0,
                    sent_at: c.head.sent_at.as_ms_f64(),
                    arrives_at: now.as_ms_f64(),
                    packet: 0,
                    packets: 1,
                });
            }
        }
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
            timing: self.timing,
            partition: self.network.partition_groups(),
            verdicts: self.protocol.verdicts(&self.states, &self.stable, now),
            queues,
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
