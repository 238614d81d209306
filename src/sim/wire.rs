//! Moving messages: packets onto links (waiting for bandwidth), across them (latency shaped by the
//! timing model; loss, duplication and corruption by the link's kind), reassembly at the receiver,
//! and the optional transport layer that turns a fair-loss link into a reliable one (retransmit
//! until acknowledged, deduplicate by sequence number) and corruption into loss (checksum).

use super::node::Status;
use super::protocol::{Message, Protocol};
use super::time::{Duration, Time};
use super::trace::{LossReason, TraceKind};
use super::world::{Deferred, Event, World};
use super::NodeId;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

/// Bytes of an acknowledgement on the wire.
const ACK_SIZE: u32 = 40;

/// Inspectable messages kept after delivery, newest last.
pub const RECENTLY_DELIVERED: usize = 256;

#[derive(Clone, Debug)]
pub(super) enum Payload<M> {
    App(M),
    Ack { seq: u64 },
}

/// What is common to every packet of one transmission of a message.
#[derive(Clone, Copy, Debug)]
pub(super) struct Header {
    pub msg: u64,
    pub from: NodeId,
    pub to: NodeId,
    pub label: &'static str,
    pub size: u32,
    /// When the message was sent (the first packet may leave later, behind others).
    pub sent_at: Time,
    /// Transport sequence number, when the retransmission layer is on.
    pub seq: Option<u64>,
    pub corrupt: bool,
}

/// One packet on the wire.
#[derive(Clone, Debug)]
pub(super) struct Flight<M> {
    pub id: u64,
    pub head: Header,
    pub index: u32,
    pub count: u32,
    pub size: u32,
    /// Starts onto the wire (after queueing behind earlier packets).
    pub departs: Time,
    pub arrives: Time,
    /// When its first bit reaches the receiver: it is received over [rx_from, arrives], as long
    /// as it took to put onto the wire.
    pub rx_from: Time,
    /// Chosen for random loss at send time: it dies halfway.
    pub doomed: bool,
    /// Carried by the last packet of a transmission.
    pub payload: Option<Payload<M>>,
    /// Which reassembly this packet belongs to (multi-packet messages only).
    pub assembly: Option<u64>,
}

/// A message whose every packet arrived, ready for the receiving node.
#[derive(Clone, Debug)]
pub(super) struct Complete<M> {
    pub head: Header,
    pub payload: Payload<M>,
}

#[derive(Clone, Debug)]
pub(super) struct Assembly<M> {
    arrived: u32,
    count: u32,
    failed: bool,
    pub payload: Option<Payload<M>>,
    pub head: Header,
}

#[derive(Clone, Debug)]
struct Unacked<M> {
    msg: M,
    id: u64,
    attempts: u32,
}

/// Sequence numbers seen on one directed link: all below `below`, and those in `above`.
#[derive(Clone, Debug, Default)]
struct Seen {
    below: u64,
    above: BTreeSet<u64>,
}

impl Seen {
    /// Marks `seq` seen; false if it had been seen already.
    fn insert(&mut self, seq: u64) -> bool {
        if seq < self.below || !self.above.insert(seq) {
            return false;
        }
        while self.above.remove(&self.below) {
            self.below += 1;
        }
        true
    }
}

#[derive(Clone, Debug)]
pub(super) struct Wire<M> {
    pub flights: Vec<Option<Flight<M>>>,
    free_slots: Vec<u32>,
    next_flight: u64,
    next_msg: u64,
    pub(super) assemblies: BTreeMap<u64, Assembly<M>>,
    next_assembly: u64,
    pub retransmit: Option<Duration>,
    pub checksum: bool,
    /// Next sequence number per directed link. Kept across crashes (as if in stable storage), so a
    /// restarted sender never reuses a number the receiver has seen.
    next_seq: BTreeMap<(NodeId, NodeId), u64>,
    unacked: BTreeMap<(NodeId, NodeId, u64), Unacked<M>>,
    seen: BTreeMap<(NodeId, NodeId), Seen>,
    /// The last RECENTLY_DELIVERED inspectable messages, as their receivers got them.
    pub(super) delivered: VecDeque<(Header, Payload<M>)>,
}

impl<M> Default for Wire<M> {
    fn default() -> Self {
        Wire {
            flights: Vec::new(),
            free_slots: Vec::new(),
            next_flight: 0,
            next_msg: 0,
            assemblies: BTreeMap::new(),
            next_assembly: 0,
            retransmit: None,
            checksum: false,
            next_seq: BTreeMap::new(),
            unacked: BTreeMap::new(),
            seen: BTreeMap::new(),
            delivered: VecDeque::new(),
        }
    }
}

impl<M> Wire<M> {
    pub(super) fn take(&mut self, slot: u32, id: u64) -> Option<Flight<M>> {
        let cell = self.flights.get_mut(slot as usize)?;
        if cell.as_ref().is_some_and(|f| f.id == id) {
            self.free_slots.push(slot);
            cell.take()
        } else {
            None
        }
    }

    fn put(&mut self, f: Flight<M>) -> u32 {
        match self.free_slots.pop() {
            Some(s) => {
                self.flights[s as usize] = Some(f);
                s
            }
            None => {
                self.flights.push(Some(f));
                self.flights.len() as u32 - 1
            }
        }
    }

    /// Bytes of packets still arriving at `node` that have reached it by `now`: a packet's bytes
    /// come in evenly over its reception, so a link never seems to deliver faster than it can.
    pub fn partly_received(&self, node: NodeId, now: Time) -> f64 {
        self.flights
            .iter()
            .flatten()
            .filter(|f| f.head.to == node && !f.doomed && f.rx_from < now)
            .map(|f| {
                let span = f.arrives.0.saturating_sub(f.rx_from.0);
                if span == 0 || f.arrives <= now {
                    f.size as f64
                } else {
                    f.size as f64 * (now.0 - f.rx_from.0) as f64 / span as f64
                }
            })
            .sum()
    }

    /// Forgets what a crashed node's transport held in memory: what it was still retrying, and
    /// which messages it had already received.
    pub fn crashed(&mut self, node: NodeId) {
        self.unacked.retain(|(from, _, _), _| *from != node);
        self.seen.retain(|(_, to), _| *to != node);
    }
}

impl<P: Protocol> World<P> {
    /// A protocol message from `from` to `to`, through the transport layer if it is on.
    pub(super) fn send(&mut self, from: NodeId, to: NodeId, msg: P::Msg) {
        if to as usize >= self.nodes.len() {
            debug_assert!(false, "protocol sent to a node that does not exist");
            return;
        }
        let id = self.wire.next_msg;
        self.wire.next_msg += 1;
        let seq = self.wire.retransmit.map(|rto| {
            let next = self.wire.next_seq.entry((from, to)).or_insert(0);
            let seq = *next;
            *next += 1;
            let u = Unacked {
                msg: msg.clone(),
                id,
                attempts: 0,
            };
            self.wire.unacked.insert((from, to, seq), u);
            (seq, rto)
        });
        let left = self.transmit(id, from, to, Payload::App(msg), seq.map(|s| s.0), 0);
        // The retransmission timer starts when the message has left the sender, not while it
        // still waits in the send queue: a large or queued message is not retried before it is out.
        if let Some((seq, rto)) = seq {
            self.queue
                .push(left + rto, Event::Retransmit { from, to, seq });
        }
    }

    pub(super) fn retransmit(&mut self, from: NodeId, to: NodeId, seq: u64) {
        let Some(rto) = self.wire.retransmit else {
            return;
        };
        if let Status::Paused { until } = self.nodes[from as usize].status {
            self.queue.push(until, Event::Retransmit { from, to, seq });
            return;
        }
        let Some(u) = self.wire.unacked.get_mut(&(from, to, seq)) else {
            return; // acknowledged, or the sender crashed
        };
        u.attempts += 1;
        let (id, attempt, msg) = (u.id, u.attempts, u.msg.clone());
        let left = self.transmit(id, from, to, Payload::App(msg), Some(seq), attempt);
        self.queue
            .push(left + rto, Event::Retransmit { from, to, seq });
    }

    /// Puts one transmission of a message onto the link from→to, packet by packet. Returns when
    /// its last packet has gone onto the wire.
    fn transmit(
        &mut self,
        msg: u64,
        from: NodeId,
        to: NodeId,
        payload: Payload<P::Msg>,
        seq: Option<u64>,
        attempt: u32,
    ) -> Time {
        let (label, size) = match &payload {
            Payload::App(m) => (m.label(), m.size()),
            Payload::Ack { .. } => ("ack", ACK_SIZE),
        };
        let cfg = *self.network.config(from, to);
        let packets = cfg.packets(size);
        self.record(
            from,
            TraceKind::Send {
                msg,
                to,
                label,
                size,
                packets,
                attempt,
            },
        );
        let head = Header {
            msg,
            from,
            to,
            label,
            size,
            sent_at: self.now,
            seq,
            corrupt: false,
        };
        if !self.network.is_up(from, to) {
            self.lose(&head, LossReason::LinkCut, 0.0, 0);
            return self.now;
        }
        let duplicate = self.net_rng.chance(cfg.duplicate());
        let corrupt = matches!(payload, Payload::App(_)) && self.net_rng.chance(cfg.corrupt());
        let head = Header { corrupt, ..head };
        let mut left = self.now;
        if duplicate {
            left = self.transmit_copy(head, payload.clone(), packets, &cfg);
        }
        left.max(self.transmit_copy(head, payload, packets, &cfg))
    }

    fn transmit_copy(
        &mut self,
        head: Header,
        payload: Payload<P::Msg>,
        count: u32,
        cfg: &super::network::LinkConfig,
    ) -> Time {
        let (from, to) = (head.from, head.to);
        let mut left = self.now;
        let assembly = (count > 1).then(|| {
            let key = self.wire.next_assembly;
            self.wire.next_assembly += 1;
            let a = Assembly {
                arrived: 0,
                count,
                failed: false,
                payload: None,
                head,
            };
            self.wire.assemblies.insert(key, a);
            key
        });
        let mut payload = Some(payload);
        for index in 0..count {
            let size = if count == 1 {
                head.size
            } else {
                (head.size - index * cfg.mtu).min(cfg.mtu)
            };
            let (departs, on_wire) =
                self.network
                    .transmit(from, to, self.now, cfg.transmission(size));
            let mut delay = cfg.latency.sample(&mut self.net_rng);
            if let Some(model) = self.timing {
                delay = model.shape(delay, departs, &mut self.net_rng);
            }
            left = left.max(on_wire);
            let mut arrives = on_wire + delay;
            if cfg.fifo {
                arrives = self.network.order_arrival(from, to, self.now, arrives);
            }
            let doomed = self.net_rng.chance(cfg.loss());
            let id = self.wire.next_flight;
            self.wire.next_flight += 1;
            let flight = Flight {
                id,
                head,
                index,
                count,
                size,
                departs,
                arrives,
                rx_from: Time(arrives.0.saturating_sub(on_wire.0 - departs.0)),
                doomed,
                payload: if index + 1 == count {
                    payload.take()
                } else {
                    None
                },
                assembly,
            };
            let fires = if doomed {
                departs + Duration((arrives - departs).0 / 2)
            } else {
                arrives
            };
            let slot = self.wire.put(flight);
            self.queue.push(fires, Event::Arrive { slot, id });
        }
        left
    }

    pub(super) fn lose(&mut self, head: &Header, reason: LossReason, progress: f64, packet: u32) {
        self.record(
            head.to,
            TraceKind::Lost {
                msg: head.msg,
                from: head.from,
                to: head.to,
                label: head.label,
                sent_at: head.sent_at,
                reason,
                progress,
                packet,
            },
        );
    }

    pub(super) fn arrive(&mut self, slot: u32, id: u64) {
        let Some(f) = self.wire.take(slot, id) else {
            return; // already lost to a cut
        };
        self.packet_done(f, None);
    }

    /// A packet leaves the wire: it arrived, or died (`died` = why and where).
    pub(super) fn packet_done(&mut self, f: Flight<P::Msg>, died: Option<(LossReason, f64)>) {
        let died = died.or(f.doomed.then_some((LossReason::Random, 0.5)));
        let Some(key) = f.assembly else {
            match died {
                Some((why, at)) => self.lose(&f.head, why, at, 0),
                None => {
                    self.count_bytes(f.head.to, f.size);
                    if let Some(payload) = f.payload {
                        self.complete(Complete {
                            head: f.head,
                            payload,
                        });
                    }
                }
            }
            return;
        };
        let Some(a) = self.wire.assemblies.get_mut(&key) else {
            return;
        };
        a.arrived += 1;
        if a.payload.is_none() {
            a.payload = f.payload;
        }
        let first_failure = died.is_some() && !a.failed;
        a.failed |= died.is_some();
        let finished = a.arrived == a.count;
        let whole = finished && !a.failed;
        match died {
            Some((why, at)) if first_failure => self.lose(&f.head, why, at, f.index),
            Some(_) => {}
            None => {
                self.count_bytes(f.head.to, f.size);
                self.record(
                    f.head.to,
                    TraceKind::Packet {
                        msg: f.head.msg,
                        from: f.head.from,
                        index: f.index,
                        count: f.count,
                        size: f.size,
                        sent_at: f.departs,
                    },
                );
            }
        }
        if finished {
            if let Some(a) = self.wire.assemblies.remove(&key) {
                if let (true, Some(payload)) = (whole, a.payload) {
                    self.complete(Complete {
                        head: a.head,
                        payload,
                    });
                }
            }
        }
    }

    fn count_bytes(&mut self, to: NodeId, bytes: u32) {
        self.trace.count_bytes(bytes);
        self.bytes_in[to as usize] += bytes as u64;
    }

    /// Every packet is in: hand the message to its node, or hold it while the node is paused.
    fn complete(&mut self, c: Complete<P::Msg>) {
        match self.nodes[c.head.to as usize].status {
            Status::Crashed => self.lose(&c.head, LossReason::DestCrashed, 1.0, 0),
            Status::Paused { .. } => self.backlogs[c.head.to as usize].push(Deferred::Message(c)),
            Status::Up => self.receive(c),
        }
    }

    /// The receiving node takes a complete message: checksum, acknowledgement, deduplication,
    /// then the protocol.
    pub(super) fn receive(&mut self, c: Complete<P::Msg>) {
        let h = c.head;
        if h.corrupt && self.wire.checksum {
            self.lose(&h, LossReason::Corrupted, 1.0, 0);
            return;
        }
        let mut msg = match c.payload {
            Payload::Ack { seq } => {
                self.record_delivery(&h);
                self.wire.unacked.remove(&(h.to, h.from, seq));
                return;
            }
            Payload::App(m) => m,
        };
        if let Some(seq) = h.seq {
            let ack = self.wire.next_msg;
            self.wire.next_msg += 1;
            self.transmit(ack, h.to, h.from, Payload::Ack { seq }, None, 0);
            if !self
                .wire
                .seen
                .entry((h.from, h.to))
                .or_default()
                .insert(seq)
            {
                let d = TraceKind::Discard {
                    msg: h.msg,
                    from: h.from,
                    label: h.label,
                    sent_at: h.sent_at,
                };
                self.record(h.to, d);
                return;
            }
        }
        self.record_delivery(&h);
        if h.corrupt {
            msg.corrupt(&mut self.net_rng);
        }
        if msg.inspectable() {
            let kept = &mut self.wire.delivered;
            if kept.len() == RECENTLY_DELIVERED {
                kept.pop_front();
            }
            kept.push_back((h, Payload::App(msg.clone())));
        }
        let from = h.from;
        self.invoke(h.to, |p, ctx, state, stable| {
            p.on_message(ctx, state, stable, from, msg)
        });
    }

    fn record_delivery(&mut self, h: &Header) {
        let d = TraceKind::Deliver {
            msg: h.msg,
            from: h.from,
            label: h.label,
            sent_at: h.sent_at,
            size: h.size,
            corrupt: h.corrupt,
        };
        self.record(h.to, d);
    }
}
