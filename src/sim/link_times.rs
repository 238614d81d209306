//! A time per directed link (when it is free to send again; its latest FIFO arrival) where a time
//! not after now means nothing: such entries are dropped now and then, so the map holds only the
//! links busy at the moment, not every link ever used (the sandbox talks to random peers, so over
//! a long run that was every pair of nodes). Looked up on every packet, so a hash map with a fixed,
//! cheap hash of the (from, to) pair; it is never iterated for results, so order cannot leak.

use super::time::Time;
use super::NodeId;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Hashes the one u64 it is given: multiply by an odd constant, fold the high half down.
#[derive(Default)]
pub struct PairHasher(u64);

impl Hasher for PairHasher {
    fn finish(&self) -> u64 {
        let x = self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x ^ (x >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8 | b as u64).wrapping_mul(0x100_0000_01b3);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

#[derive(Clone, Debug, Default)]
pub struct LinkTimes {
    map: HashMap<u64, Time, BuildHasherDefault<PairHasher>>,
    /// Size at which idle entries are next swept out.
    sweep_at: usize,
}

fn key(from: NodeId, to: NodeId) -> u64 {
    (from as u64) << 32 | to as u64
}

impl LinkTimes {
    pub fn get(&self, from: NodeId, to: NodeId) -> Option<Time> {
        self.map.get(&key(from, to)).copied()
    }

    /// The time for from→to, `now` if it has none (or only a past one).
    pub fn entry(&mut self, from: NodeId, to: NodeId, now: Time) -> &mut Time {
        if self.map.len() >= self.sweep_at {
            self.map.retain(|_, t| *t > now);
            self.sweep_at = (2 * self.map.len()).max(64);
        }
        let t = self.map.entry(key(from, to)).or_insert(now);
        if *t < now {
            *t = now;
        }
        t
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_links_are_swept_out_and_busy_ones_kept() {
        let mut m = LinkTimes::default();
        for i in 0..10_000u32 {
            let now = Time(i as u64 * 10);
            // Each link is busy for 25 ns after it is used: at most three at a time.
            let t = m.entry(i % 1000, i % 1000 + 1, now);
            *t = now + crate::sim::Duration(25);
        }
        assert!(m.len() <= 128, "{} entries kept", m.len());
        assert_eq!(m.get(999, 1000), Some(Time(99_990 + 25)));
        // A past time reads as now.
        assert_eq!(*m.entry(999, 1000, Time(1_000_000)), Time(1_000_000));
    }
}
