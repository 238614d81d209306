//! Reaching into messages on their way: cutting a link under them, the message inspector's view
//! of one, and the student dropping one.

use super::protocol::{Message, Protocol};
use super::trace::LossReason;
use super::wire::Payload;
use super::world::{Deferred, World};
use super::NodeId;

impl<P: Protocol> World<P> {
    /// Drops every packet on from→to (and queued for it) where it is.
    pub(super) fn cut_in_flight(&mut self, from: NodeId, to: NodeId) {
        self.lose_in_flight(|f, t| (f, t) == (from, to));
    }

    /// Drops every packet crossing the partition now in force, link by link in (from, to) order.
    pub(super) fn partition_in_flight(&mut self) {
        let net = &self.network;
        let mut cut: Vec<(NodeId, NodeId, usize, u64)> = (self.wire.flights.iter().enumerate())
            .filter_map(|(slot, f)| f.as_ref().map(|f| (slot, f)))
            .filter(|(_, f)| net.partition_cuts(f.head.from, f.head.to))
            .map(|(slot, f)| (f.head.from, f.head.to, slot, f.id))
            .collect();
        cut.sort_unstable();
        for (_, _, slot, id) in cut {
            self.lose_flight(slot, id);
        }
    }

    fn lose_in_flight(&mut self, on: impl Fn(NodeId, NodeId) -> bool) {
        for slot in 0..self.wire.flights.len() {
            let hit = self.wire.flights[slot]
                .as_ref()
                .filter(|f| on(f.head.from, f.head.to))
                .map(|f| f.id);
            if let Some(id) = hit {
                self.lose_flight(slot, id);
            }
        }
    }

    fn lose_flight(&mut self, slot: usize, id: u64) {
        if let Some(f) = self.wire.take(slot as u32, id) {
            let span = f.arrives.0.saturating_sub(f.departs.0).max(1);
            let progress = (self.now.0.saturating_sub(f.departs.0)) as f64 / span as f64;
            self.packet_done(f, Some((LossReason::LinkCut, progress.min(1.0))));
        }
    }

    /// The message inspector's view of message `msg`, wherever it is now: on the wire, being
    /// reassembled, waiting at a paused node, or among the last inspectable ones delivered.
    pub fn inspect_message(
        &self,
        msg: u64,
    ) -> Result<super::frame::MessageDetail, super::error::SimError> {
        let with_payload = self
            .wire
            .flights
            .iter()
            .flatten()
            .filter(|f| f.head.msg == msg)
            .find_map(|f| f.payload.as_ref().map(|p| (&f.head, p)))
            .or_else(|| {
                self.wire
                    .assemblies
                    .values()
                    .filter(|a| a.head.msg == msg)
                    .find_map(|a| a.payload.as_ref().map(|p| (&a.head, p)))
            })
            .or_else(|| {
                self.backlogs.iter().flatten().find_map(|d| match d {
                    Deferred::Message(c) if c.head.msg == msg => Some((&c.head, &c.payload)),
                    _ => None,
                })
            })
            .or_else(|| {
                let kept = self.wire.delivered.iter().rev();
                kept.filter(|(h, _)| h.msg == msg)
                    .map(|(h, p)| (h, p))
                    .next()
            });
        let head = with_payload.map(|(h, _)| *h).or_else(|| {
            self.wire
                .flights
                .iter()
                .flatten()
                .find(|f| f.head.msg == msg)
                .map(|f| f.head)
        });
        let Some(head) = head else {
            return Err(super::error::SimError::NotNow(format!(
                "message {msg} is not in flight (it has been lost, arrived long ago, or never existed)"
            )));
        };
        let (hex, fields) = match with_payload.map(|(_, p)| p) {
            Some(Payload::App(m)) => (m.bytes().map(super::frame::hex), m.fields()),
            Some(Payload::Ack { seq }) => (None, vec![("seq".to_string(), seq.to_string())]),
            None => (None, Vec::new()),
        };
        Ok(super::frame::MessageDetail {
            id: msg,
            from: head.from,
            to: head.to,
            label: head.label,
            size: head.size,
            sent_at: head.sent_at.as_ms_f64(),
            hex,
            fields,
        })
    }

    /// Whether message `msg` is still somewhere the student can drop it: a packet of it on the
    /// wire, or the whole of it waiting at a paused node.
    pub(super) fn holds_message(&self, msg: u64) -> bool {
        self.wire
            .flights
            .iter()
            .flatten()
            .any(|f| f.head.msg == msg)
            || self
                .backlogs
                .iter()
                .flatten()
                .any(|d| matches!(d, Deferred::Message(c) if c.head.msg == msg))
    }

    /// The student drops message `msg`: every packet of it on the wire dies where it is (each copy
    /// of a duplicated one, every transmission of a retransmitted one), and so does the message if
    /// it waits at a paused node. Nothing happens if it is no longer anywhere.
    pub(super) fn drop_message(&mut self, msg: u64) {
        for slot in 0..self.wire.flights.len() {
            let hit = self.wire.flights[slot]
                .as_ref()
                .filter(|f| f.head.msg == msg)
                .map(|f| f.id);
            if let Some(f) = hit.and_then(|id| self.wire.take(slot as u32, id)) {
                let span = f.arrives.0.saturating_sub(f.departs.0).max(1);
                let progress = (self.now.0.saturating_sub(f.departs.0)) as f64 / span as f64;
                self.packet_done(f, Some((LossReason::Dropped, progress.min(1.0))));
            }
        }
        for n in 0..self.backlogs.len() {
            let waiting = std::mem::take(&mut self.backlogs[n]);
            for d in waiting {
                match d {
                    Deferred::Message(c) if c.head.msg == msg => {
                        self.lose(&c.head, LossReason::Dropped, 1.0, 0)
                    }
                    d => self.backlogs[n].push(d),
                }
            }
        }
    }

    /// Messages waiting for a node that has just crashed are lost there.
    pub(super) fn drop_backlog(&mut self, node: NodeId) {
        for d in std::mem::take(&mut self.backlogs[node as usize]) {
            if let Deferred::Message(c) = d {
                self.lose(&c.head, LossReason::DestCrashed, 1.0, 0);
            }
        }
    }
}
