//! How many peers a node heard from lately, kept up to date as it hears them, so the count costs
//! nothing to read: the page asks every node for it in every frame (1,000 nodes × 1,000 peers was
//! a million steps a frame when counted from scratch).

use crate::sim::NodeId;
use std::collections::VecDeque;

/// Peers heard from within `window` of the latest reading, counted incrementally. Readings are
/// monotonic, so hearings expire from the front of a log in the order they were made.
/// A reading no hearing has: "not since this boot". (Eight bytes a peer rather than sixteen for
/// an Option: every snapshot copies n of these for each of n nodes.)
const NEVER: i64 = i64::MIN;

#[derive(Clone, Debug)]
pub struct Heard {
    /// When each peer was last heard from, or NEVER.
    last: Vec<i64>,
    /// (reading, peer) per hearing not yet expired; entries superseded by a later hearing of
    /// the same peer stay until they expire, and are then ignored.
    log: VecDeque<(i64, NodeId)>,
    count: usize,
    window: i64,
}

impl Heard {
    pub fn new(peers: usize, window: i64) -> Heard {
        Heard {
            last: vec![NEVER; peers],
            log: VecDeque::new(),
            count: 0,
            window,
        }
    }

    /// Peers heard within the window as of the latest `advance`.
    pub fn recent(&self) -> usize {
        self.count
    }

    /// Peers there are (this node among them).
    pub fn peers(&self) -> usize {
        self.last.len()
    }

    /// When `peer` was last heard from since this boot.
    pub fn last(&self, peer: usize) -> Option<i64> {
        self.last.get(peer).copied().filter(|t| *t != NEVER)
    }

    /// Peers heard from since this boot.
    pub fn since_boot(&self) -> usize {
        self.last.iter().filter(|t| **t != NEVER).count()
    }

    /// Moves the reference reading to `now` (never backwards): hearings older than the window
    /// stop counting.
    pub fn advance(&mut self, now: i64) {
        while let Some(&(t, peer)) = self.log.front() {
            if now - t <= self.window {
                break;
            }
            self.log.pop_front();
            if self.last[peer as usize] == t {
                self.count -= 1;
            }
        }
    }

    /// Records hearing from `peer` at `now` (after `advance(now)`); false if there is no such peer.
    pub fn hear(&mut self, peer: NodeId, now: i64) -> bool {
        let Some(slot) = self.last.get_mut(peer as usize) else {
            return false;
        };
        match *slot {
            t if t == now => return true,
            t if t != NEVER && now - t <= self.window => {}
            _ => self.count += 1,
        }
        *slot = now;
        self.log.push_back((now, peer));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::rng::SimRng;

    #[test]
    fn the_running_count_matches_counting_from_scratch() {
        let mut rng = SimRng::new(3, 0);
        let mut h = Heard::new(20, 1_000);
        let mut now = 0;
        for _ in 0..5_000 {
            now += rng.below(300) as i64; // sometimes 0: two hearings at one reading
            h.advance(now);
            if rng.chance(0.8) {
                assert!(h.hear(rng.below(20) as NodeId, now));
            }
            let scratch = (0..20)
                .filter_map(|p| h.last(p))
                .filter(|t| now - *t <= 1_000)
                .count();
            assert_eq!(h.recent(), scratch, "at {now}");
        }
        assert!(!h.hear(20, now), "no peer 20");
    }
}
