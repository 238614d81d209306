//! A time per directed link (when it is free to send again; its latest FIFO arrival) where a time
//! not after now means nothing: such entries are swept out when the map has doubled, so it holds
//! only the links busy lately, not every link ever used (the sandbox talks to random peers, so over
//! a long run that was every pair of nodes, copied into every snapshot).

use super::time::Time;
use super::NodeId;
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default)]
pub struct LinkTimes {
    map: BTreeMap<(NodeId, NodeId), Time>,
    /// Size at which idle entries are next swept out.
    sweep_at: usize,
}

impl LinkTimes {
    pub fn get(&self, from: NodeId, to: NodeId) -> Option<Time> {
        self.map.get(&(from, to)).copied()
    }

    /// The time for from→to, `now` if it has none (or only a past one).
    pub fn entry(&mut self, from: NodeId, to: NodeId, now: Time) -> &mut Time {
        if self.map.len() >= self.sweep_at {
            self.map.retain(|_, t| *t > now);
            self.sweep_at = (2 * self.map.len()).max(64);
        }
        let t = self.map.entry((from, to)).or_insert(now);
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
