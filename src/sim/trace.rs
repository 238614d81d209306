//! The recorded history every view is drawn from. Events are kept in a bounded window (the oldest
//! are dropped past the capacity) while the totals and the running hash cover the whole run, so a
//! run left open for an hour neither grows without limit nor loses its counts or its identity.

use super::node::FaultModel;
use super::time::Time;
use super::NodeId;
use serde::{Serialize, Serializer};
use std::collections::VecDeque;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LossReason {
    /// The link dropped it at random (its loss probability).
    Random,
    /// The link was cut when it was sent, or while it was in flight.
    LinkCut,
    /// It arrived at a crashed node.
    DestCrashed,
    /// It arrived damaged and the checksum caught it.
    Corrupted,
    /// The student dropped this very message (the `dropMessage` action).
    Dropped,
}

fn ms<S: Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(t.as_ms_f64())
}

fn ns_as_ms<S: Serializer>(ns: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(*ns as f64 / 1e6)
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum TraceKind {
    Send {
        msg: u64,
        to: NodeId,
        label: &'static str,
        size: u32,
        /// Packets it travels in (⌈size / MTU⌉).
        packets: u32,
        /// 0 for the first transmission, n for the n-th retransmission.
        attempt: u32,
    },
    /// One packet of a multi-packet message reached the receiver's network interface.
    Packet {
        msg: u64,
        from: NodeId,
        index: u32,
        count: u32,
        size: u32,
        /// When the packet started onto the wire (after waiting behind earlier ones).
        #[serde(serialize_with = "ms")]
        sent_at: Time,
    },
    Deliver {
        msg: u64,
        from: NodeId,
        label: &'static str,
        #[serde(serialize_with = "ms")]
        sent_at: Time,
        size: u32,
        /// Damaged on the way and handed over anyway (no checksum).
        corrupt: bool,
    },
    Lost {
        msg: u64,
        from: NodeId,
        to: NodeId,
        label: &'static str,
        #[serde(serialize_with = "ms")]
        sent_at: Time,
        reason: LossReason,
        /// How far along the link it got, 0..1, for drawing where it died.
        progress: f64,
        /// Which packet died (0 for single-packet messages).
        packet: u32,
    },
    /// It arrived, and the transport threw it away: a duplicate of one already delivered.
    Discard {
        msg: u64,
        from: NodeId,
        label: &'static str,
        #[serde(serialize_with = "ms")]
        sent_at: Time,
    },
    Timer {
        tag: u64,
    },
    /// `random`: a fault drawn from MTBF/MTTR rather than the student's hand.
    Crash {
        random: bool,
    },
    Recover {
        random: bool,
    },
    Pause {
        #[serde(serialize_with = "ms")]
        until: Time,
    },
    Resume,
    ClockStep {
        #[serde(rename = "deltaMs", serialize_with = "ns_as_ms")]
        delta_ns: i64,
    },
    Drift {
        ppm: f64,
    },
    /// The node's own software set a rate correction on top of its drift (an NTP slew; 0 ends it).
    Slew {
        ppm: f64,
    },
    LinkCut {
        to: NodeId,
        one_way: bool,
    },
    LinkHeal {
        to: NodeId,
        one_way: bool,
    },
    /// New settings for node→to (and back unless one way), described in words.
    LinkSet {
        to: NodeId,
        one_way: bool,
        text: String,
    },
    /// The network split into groups (group of each node, by node id).
    Partition {
        groups: Vec<u16>,
    },
    PartitionHeal,
    FaultModel {
        model: FaultModel,
    },
    /// A measurement a plot can draw (a request's latency, a link's throughput).
    Metric {
        name: &'static str,
        value: f64,
    },
    Note {
        text: String,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceEvent {
    pub seq: u64,
    #[serde(rename = "t", serialize_with = "ms")]
    pub time: Time,
    pub node: NodeId,
    /// The node's time-of-day clock reading at `time`, in ns.
    #[serde(serialize_with = "ns_as_ms")]
    pub clock: i64,
    #[serde(flatten)]
    pub kind: TraceKind,
}

/// Whole-run counts, kept exact however much of the trace the window has dropped.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Totals {
    pub sent: u64,
    pub delivered: u64,
    pub lost_random: u64,
    pub lost_link_cut: u64,
    pub lost_dest_crashed: u64,
    pub lost_corrupted: u64,
    /// Dropped by hand (`dropMessage`).
    pub lost_dropped: u64,
    /// Duplicates the transport threw away.
    pub discarded: u64,
    pub retransmissions: u64,
    /// Bytes that reached a receiver, counted packet by packet.
    pub bytes_arrived: u64,
    pub timers: u64,
    pub events: u64,
}

#[derive(Clone, Debug)]
pub struct Trace {
    window: VecDeque<TraceEvent>,
    capacity: usize,
    totals: Totals,
    hash: u64,
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a's 64-bit scheme applied word by word (xor a 64-bit word, multiply by the FNV prime, fold
/// the high half down) over a canonical little-endian encoding: the same natively and in wasm.
struct Fnv(u64);

impl Fnv {
    fn bytes(&mut self, bytes: &[u8]) {
        // Whole little-endian words, the tail zero-padded: a word at a time is what keeps
        // hashing off the hot path's profile.
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.u64(u64::from_le_bytes(w.try_into().expect("eight bytes")));
        }
        // The tail byte by byte: a short copy would be a call to memcpy in wasm.
        let tail = words.remainder();
        if !tail.is_empty() {
            let word = (tail.iter().enumerate()).fold(0u64, |w, (i, b)| w | (*b as u64) << (8 * i));
            self.u64(word);
        }
    }
    fn u64(&mut self, v: u64) {
        self.0 = (self.0 ^ v).wrapping_mul(FNV_PRIME);
        self.0 ^= self.0 >> 32;
    }
    /// Zero-terminated, so adjacent strings cannot run into each other.
    fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
        self.bytes(&[0]);
    }
}

impl Trace {
    pub fn new(capacity: usize) -> Trace {
        Trace {
            window: VecDeque::new(),
            capacity: capacity.max(1),
            totals: Totals::default(),
            hash: FNV_OFFSET,
        }
    }

    pub fn record(&mut self, time: Time, node: NodeId, clock: i64, kind: TraceKind) {
        let t = &mut self.totals;
        match &kind {
            TraceKind::Send { attempt: 0, .. } => t.sent += 1,
            TraceKind::Send { .. } => t.retransmissions += 1,
            TraceKind::Deliver { .. } => t.delivered += 1,
            TraceKind::Discard { .. } => t.discarded += 1,
            TraceKind::Lost { reason, .. } => match reason {
                LossReason::Random => t.lost_random += 1,
                LossReason::LinkCut => t.lost_link_cut += 1,
                LossReason::DestCrashed => t.lost_dest_crashed += 1,
                LossReason::Corrupted => t.lost_corrupted += 1,
                LossReason::Dropped => t.lost_dropped += 1,
            },
            TraceKind::Timer { .. } => t.timers += 1,
            _ => {}
        }
        let ev = TraceEvent {
            seq: t.events,
            time,
            node,
            clock,
            kind,
        };
        t.events += 1;
        self.hash = hash_event(self.hash, &ev);
        if self.window.len() == self.capacity {
            self.window.pop_front();
        }
        self.window.push_back(ev);
    }

    /// Counts bytes reaching a receiver (not an event of its own: packets are too many to record).
    pub fn count_bytes(&mut self, bytes: u32) {
        self.totals.bytes_arrived += bytes as u64;
    }

    pub(super) fn take_window(&mut self) -> VecDeque<TraceEvent> {
        std::mem::take(&mut self.window)
    }

    pub(super) fn put_window(&mut self, window: VecDeque<TraceEvent>) {
        self.window = window;
    }

    /// Puts earlier events (oldest first, all before the window's first) in front of the window,
    /// as far as the capacity allows: after restoring a snapshot, the history before it.
    pub fn prepend(&mut self, earlier: impl DoubleEndedIterator<Item = TraceEvent>) {
        let first = self.window.front().map_or(self.totals.events, |e| e.seq);
        for e in earlier.rev() {
            if self.window.len() >= self.capacity {
                break;
            }
            if e.seq < first {
                self.window.push_front(e);
            }
        }
    }

    pub fn totals(&self) -> &Totals {
        &self.totals
    }

    /// Hex digest of every event recorded so far, including those the window has dropped.
    pub fn hash_hex(&self) -> String {
        format!("{:016x}", self.hash)
    }

    /// The events still in the window, oldest first.
    pub fn events(&self) -> impl DoubleEndedIterator<Item = &TraceEvent> + ExactSizeIterator {
        self.window.iter()
    }

    pub fn window_len(&self) -> usize {
        self.window.len()
    }

    /// Events with `seq >= from` still in the window, oldest first.
    pub fn since(&self, from: u64) -> impl Iterator<Item = &TraceEvent> {
        let first = self.window.front().map_or(0, |e| e.seq);
        let skip = from.saturating_sub(first) as usize;
        self.window.iter().skip(skip)
    }
}

fn hash_event(state: u64, e: &TraceEvent) -> u64 {
    let mut h = Fnv(state);
    h.u64(e.time.0);
    h.u64(e.node as u64);
    h.u64(e.clock as u64);
    // Each kind: a tag byte, then its fields in declaration order.
    match &e.kind {
        TraceKind::Send {
            msg,
            to,
            label,
            size,
            packets,
            attempt,
        } => {
            h.bytes(b"S");
            for v in [
                *msg,
                *to as u64,
                *size as u64,
                *packets as u64,
                *attempt as u64,
            ] {
                h.u64(v);
            }
            h.str(label);
        }
        TraceKind::Packet {
            msg,
            from,
            index,
            count,
            size,
            sent_at,
        } => {
            h.bytes(b"P");
            for v in [
                *msg,
                *from as u64,
                *index as u64,
                *count as u64,
                *size as u64,
                sent_at.0,
            ] {
                h.u64(v);
            }
        }
        TraceKind::Deliver {
            msg,
            from,
            label,
            sent_at,
            size,
            corrupt,
        } => {
            h.bytes(b"D");
            for v in [*msg, *from as u64, sent_at.0, *size as u64, *corrupt as u64] {
                h.u64(v);
            }
            h.str(label);
        }
        TraceKind::Lost {
            msg,
            from,
            to,
            label,
            sent_at,
            reason,
            progress,
            packet,
        } => {
            h.bytes(b"L");
            for v in [
                *msg,
                *from as u64,
                *to as u64,
                sent_at.0,
                *reason as u64,
                progress.to_bits(),
                *packet as u64,
            ] {
                h.u64(v);
            }
            h.str(label);
        }
        TraceKind::Discard {
            msg,
            from,
            label,
            sent_at,
        } => {
            h.bytes(b"d");
            for v in [*msg, *from as u64, sent_at.0] {
                h.u64(v);
            }
            h.str(label);
        }
        TraceKind::Timer { tag } => {
            h.bytes(b"T");
            h.u64(*tag);
        }
        TraceKind::Crash { random } => {
            h.bytes(b"C");
            h.u64(*random as u64);
        }
        TraceKind::Recover { random } => {
            h.bytes(b"R");
            h.u64(*random as u64);
        }
        TraceKind::Pause { until } => {
            h.bytes(b"Z");
            h.u64(until.0);
        }
        TraceKind::Resume => h.bytes(b"U"),
        TraceKind::ClockStep { delta_ns } => {
            h.bytes(b"K");
            h.u64(*delta_ns as u64);
        }
        TraceKind::Drift { ppm } => {
            h.bytes(b"F");
            h.u64(ppm.to_bits());
        }
        TraceKind::Slew { ppm } => {
            h.bytes(b"W");
            h.u64(ppm.to_bits());
        }
        TraceKind::LinkCut { to, one_way } => {
            h.bytes(b"X");
            h.u64(*to as u64);
            h.u64(*one_way as u64);
        }
        TraceKind::LinkHeal { to, one_way } => {
            h.bytes(b"H");
            h.u64(*to as u64);
            h.u64(*one_way as u64);
        }
        TraceKind::LinkSet { to, one_way, text } => {
            h.bytes(b"l");
            h.u64(*to as u64);
            h.u64(*one_way as u64);
            h.str(text);
        }
        TraceKind::Partition { groups } => {
            h.bytes(b"G");
            for g in groups {
                h.u64(*g as u64);
            }
        }
        TraceKind::PartitionHeal => h.bytes(b"g"),
        TraceKind::FaultModel { model } => {
            h.bytes(b"M");
            h.u64(*model as u64);
        }
        TraceKind::Metric { name, value } => {
            h.bytes(b"m");
            h.str(name);
            h.u64(value.to_bits());
        }
        TraceKind::Note { text } => {
            h.bytes(b"N");
            h.str(text);
        }
    }
    h.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_is_bounded_but_totals_and_hash_cover_everything() {
        let mut small = Trace::new(10);
        let mut big = Trace::new(1_000);
        for i in 0..100u64 {
            for tr in [&mut small, &mut big] {
                tr.record(Time(i), 0, i as i64, TraceKind::Timer { tag: i });
            }
        }
        assert_eq!(small.window_len(), 10);
        assert_eq!(small.totals().timers, 100);
        assert_eq!(small.totals().events, 100);
        assert_eq!(small.hash_hex(), big.hash_hex());
        assert_eq!(
            small.since(95).map(|e| e.seq).collect::<Vec<_>>(),
            [95, 96, 97, 98, 99]
        );
        assert_eq!(small.since(0).count(), 10);
    }
}
