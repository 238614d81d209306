//! The event queue, ordered by (time, sequence number). The sequence number is the insertion
//! order, so events scheduled for the same instant fire in the order they were scheduled, never in
//! an order that depends on memory layout or hashing.
//!
//! A calendar queue: almost every event is due within a second of now (a latency, a timeout, a
//! round), so the next second is cut into slots of 2^17 ns, each a short list kept in key order,
//! with a bitmap of the slots in use. Taking the earliest event is finding the next set bit from
//! the current slot; no sifting through a binary heap's levels, which was a sixth of the
//! instructions per event at 500 nodes. Events further out wait in an ordinary heap; the earliest
//! of the two is taken, so the order is exact wherever an event is filed.

use super::time::Time;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A slot spans 2^SLOT_BITS ns (131 µs).
const SLOT_BITS: u32 = 17;
/// Slots in the ring (a power of two): 8,192 × 131 µs ≈ 1.07 s ahead of the current slot.
const SLOTS: u64 = 1 << 13;
const NIL: u32 = u32::MAX;

type Key = (u64, u64); // (time ns, seq)

fn slot_of(time: u64) -> u64 {
    time >> SLOT_BITS
}

#[derive(Clone, Debug)]
struct Node<E> {
    key: Key,
    event: E,
    /// Next node in the same slot (later key), or in the free list.
    next: u32,
}

/// Far-future events, in a min-heap (BinaryHeap is a max-heap: the order is reversed).
#[derive(Clone, Debug)]
struct Far<E> {
    key: Key,
    event: E,
}

impl<E> PartialEq for Far<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Far<E> {}
impl<E> PartialOrd for Far<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Far<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

#[derive(Clone, Debug)]
pub struct EventQueue<E> {
    /// First node of each slot's list; NIL when empty. Slot s lives at s % SLOTS.
    heads: Vec<u32>,
    /// Bit i set: ring position i holds events.
    used: Vec<u64>,
    nodes: Vec<Node<E>>,
    free: u32,
    /// Absolute slot of the earliest event taken so far: the ring holds slots [base, base+SLOTS).
    base: u64,
    far: BinaryHeap<Far<E>>,
    len: usize,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heads: vec![NIL; SLOTS as usize],
            used: vec![0; (SLOTS / 64) as usize],
            nodes: Vec::new(),
            free: NIL,
            base: 0,
            far: BinaryHeap::new(),
            len: 0,
            next_seq: 0,
        }
    }
}

/// Where the earliest event is.
enum Next {
    /// At the head of this absolute slot.
    Ring(u64),
    Far,
}

/// Events are small plain values (`Copy`): freed nodes keep a stale copy, nothing to drop.
impl<E: Copy> EventQueue<E> {
    pub fn push(&mut self, time: Time, event: E) {
        let key = (time.0, self.next_seq);
        self.next_seq += 1;
        self.len += 1;
        let slot = slot_of(time.0);
        if slot < self.base || slot - self.base >= SLOTS {
            // Beyond the ring (or, never in practice, before its start): the heap keeps it,
            // and `next` compares both.
            self.far.push(Far { key, event });
            return;
        }
        let node = Node {
            key,
            event,
            next: NIL,
        };
        let id = if self.free != NIL {
            let id = self.free;
            self.free = self.nodes[id as usize].next;
            self.nodes[id as usize] = node;
            id
        } else {
            self.nodes.push(node);
            self.nodes.len() as u32 - 1
        };
        let pos = (slot % SLOTS) as usize;
        // Insert in key order; a slot holds a handful of events, most often appended.
        let mut prev = NIL;
        let mut cur = self.heads[pos];
        while cur != NIL && self.nodes[cur as usize].key < key {
            prev = cur;
            cur = self.nodes[cur as usize].next;
        }
        self.nodes[id as usize].next = cur;
        if prev == NIL {
            self.heads[pos] = id;
        } else {
            self.nodes[prev as usize].next = id;
        }
        self.used[pos / 64] |= 1 << (pos % 64);
    }

    /// The absolute slot of the first used ring position at or after `base`.
    fn first_used(&self) -> Option<u64> {
        let start = (self.base % SLOTS) as usize;
        let words = self.used.len();
        let (w0, b0) = (start / 64, start % 64);
        // The first word from bit b0 on, then whole words around the ring, then the first
        // word's bits below b0 (which come last: they are a full ring ahead).
        let first = self.used[w0] & (!0u64 << b0);
        let pos = if first != 0 {
            w0 * 64 + first.trailing_zeros() as usize
        } else {
            // Two plain runs rather than a modulo per word (a division in wasm).
            let later = (w0 + 1..words).chain(0..w0).find(|&w| self.used[w] != 0);
            match later {
                Some(w) => w * 64 + self.used[w].trailing_zeros() as usize,
                None => {
                    let low = self.used[w0] & !(!0u64 << b0);
                    if low == 0 {
                        return None;
                    }
                    w0 * 64 + low.trailing_zeros() as usize
                }
            }
        };
        let ahead = (pos as u64 + SLOTS - start as u64) % SLOTS;
        Some(self.base + ahead)
    }

    fn next(&self) -> Option<(Key, Next)> {
        let ring = self.first_used().map(|slot| {
            let head = self.heads[(slot % SLOTS) as usize];
            (self.nodes[head as usize].key, Next::Ring(slot))
        });
        match (ring, self.far.peek()) {
            (Some(r), Some(f)) if f.key < r.0 => Some((f.key, Next::Far)),
            (Some(r), _) => Some(r),
            (None, Some(f)) => Some((f.key, Next::Far)),
            (None, None) => None,
        }
    }

    fn take(&mut self, at: Next) -> (Time, E) {
        self.len -= 1;
        match at {
            Next::Far => {
                let f = self.far.pop().expect("a far event");
                // Every event left is later, so the ring may start here (it never moves back
                // past an event it holds: they are all later too).
                self.base = self.base.max(slot_of(f.key.0));
                (Time(f.key.0), f.event)
            }
            Next::Ring(slot) => {
                let pos = (slot % SLOTS) as usize;
                let id = self.heads[pos];
                let node = self.nodes[id as usize].clone();
                self.heads[pos] = node.next;
                if node.next == NIL {
                    self.used[pos / 64] &= !(1 << (pos % 64));
                }
                self.nodes[id as usize].next = self.free;
                self.free = id;
                self.base = slot;
                (Time(node.key.0), node.event)
            }
        }
    }

    pub fn peek_time(&self) -> Option<Time> {
        self.next().map(|(k, _)| Time(k.0))
    }

    pub fn pop(&mut self) -> Option<(Time, E)> {
        let (_, at) = self.next()?;
        Some(self.take(at))
    }

    /// Pops the next event only if it is due at or before `limit`.
    pub fn pop_due(&mut self, limit: Time) -> Option<(Time, E)> {
        match self.next() {
            Some((key, at)) if key.0 <= limit.0 => Some(self.take(at)),
            _ => None,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::SimRng;

    #[test]
    fn same_instant_events_fire_in_insertion_order() {
        let mut q = EventQueue::default();
        q.push(Time(10), "b1");
        q.push(Time(5), "a");
        q.push(Time(10), "b2");
        q.push(Time(10), "b3");
        q.push(Time(7), "c");
        let order: Vec<_> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ["a", "c", "b1", "b2", "b3"]);
    }

    #[test]
    fn pop_due_respects_the_limit() {
        let mut q = EventQueue::default();
        q.push(Time(10), 1);
        q.push(Time(20), 2);
        assert_eq!(q.pop_due(Time(15)), Some((Time(10), 1)));
        assert_eq!(q.pop_due(Time(15)), None);
        assert_eq!(q.len(), 1);
    }

    /// The calendar against a plain sorted reference: delays near a slot, across the ring's
    /// edge, far beyond it, zero (same instant), and now and then one before the last event out.
    #[test]
    fn the_calendar_pops_exactly_what_a_sorted_list_would() {
        let mut rng = SimRng::new(11, 0);
        let mut q = EventQueue::default();
        let mut reference = std::collections::BTreeSet::new(); // (time, seq, payload)
        let (mut now, mut seq) = (0u64, 0u64);
        let ring = SLOTS << SLOT_BITS;
        for step in 0..60_000u32 {
            let r = rng.below(100);
            if r < 55 {
                let delay = match rng.below(7) {
                    0 => 0,
                    1 => rng.below(1 << SLOT_BITS),
                    2 => rng.below(50_000_000),
                    3 => ring - 2_000 + rng.below(4_000),
                    4 => ring + rng.below(10 * ring),
                    5 => rng.below(600_000_000),
                    _ => 3_600_000_000_000 + rng.below(1_000),
                };
                let t = if rng.chance(0.01) {
                    now.saturating_sub(rng.below(1_000_000))
                } else {
                    now + delay
                };
                q.push(Time(t), step);
                reference.insert((t, seq, step));
                seq += 1;
            } else if r < 90 {
                let want = reference.pop_first();
                let got = q.pop();
                assert_eq!(got, want.map(|(t, _, p)| (Time(t), p)), "step {step}");
                if let Some((t, _)) = got {
                    now = now.max(t.0);
                }
            } else {
                let limit = now + rng.below(2 * ring);
                let due = reference.first().is_some_and(|e| e.0 <= limit);
                let want = if due { reference.pop_first() } else { None };
                let got = q.pop_due(Time(limit));
                assert_eq!(got, want.map(|(t, _, p)| (Time(t), p)), "step {step}");
                if let Some((t, _)) = got {
                    now = now.max(t.0);
                }
            }
            assert_eq!(q.len(), reference.len());
            assert_eq!(q.peek_time(), reference.first().map(|e| Time(e.0)));
        }
    }
}
