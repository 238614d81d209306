//! When a node last heard from each peer, and how many it heard from lately. Hearing is a store
//! into the node's row (the hot path: every message). The count is made when first asked in a
//! round and kept for the rest of it: the page asks every node for its summary in every frame
//! (1,000 nodes × 1,000 peers was a million steps a frame when counted each time), and a run
//! nobody watches never counts at all.

use crate::sim::NodeId;
use std::cell::Cell;

/// A reading no hearing has: "not since this boot". (Eight bytes a peer rather than sixteen for
/// an Option: every snapshot copies n of these for each of n nodes.)
const NEVER: i64 = i64::MIN;

#[derive(Clone, Debug)]
pub struct Heard {
    /// When each peer was last heard from (monotonic reading), or NEVER.
    last: Vec<i64>,
    /// (round, peers heard lately) as first counted in that round. Only a view: it never
    /// feeds back into the run, so when (or whether) it is counted cannot change what happens.
    lately: Cell<Option<(u64, usize)>>,
    window: i64,
}

impl Heard {
    pub fn new(peers: usize, window: i64) -> Heard {
        Heard {
            last: vec![NEVER; peers],
            lately: Cell::new(None),
            window,
        }
    }

    /// Records hearing from `peer` at `now`; false if there is no such peer.
    pub fn hear(&mut self, peer: NodeId, now: i64) -> bool {
        match self.last.get_mut(peer as usize) {
            Some(slot) => {
                *slot = now;
                true
            }
            None => false,
        }
    }

    /// Peers heard within the window before `now`, counted afresh.
    pub fn count_within(&self, now: i64) -> usize {
        let w = self.window;
        self.last
            .iter()
            .filter(|t| **t != NEVER && now - **t <= w)
            .count()
    }

    /// Peers heard within the window before `at` (the round's start) or since, counted once in
    /// `round`.
    pub fn lately(&self, round: u64, at: i64) -> usize {
        match self.lately.get() {
            Some((r, n)) if r == round => n,
            _ => {
                let n = self.count_within(at);
                self.lately.set(Some((round, n)));
                n
            }
        }
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tally_counts_peers_heard_within_the_window() {
        let mut h = Heard::new(5, 1_000);
        assert!(h.hear(1, 100) && h.hear(2, 900) && h.hear(3, 2_000) && h.hear(2, 1_500));
        assert!(!h.hear(5, 2_000), "no peer 5");
        // Peer 1 was heard 1,900 ago: out of the window; 2 at 1,500 and 3 at 2,000 are in.
        assert_eq!((h.lately(7, 2_000), h.since_boot()), (2, 3));
        assert_eq!(
            h.count_within(2_600),
            1,
            "only peer 3 is still within the window"
        );
        assert_eq!(h.lately(7, 2_600), 2, "counted once a round");
        assert_eq!(h.lately(8, 2_600), 1, "and afresh in the next");
        assert_eq!((h.last(0), h.last(2)), (None, Some(1_500)));
    }
}
