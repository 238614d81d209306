//! Links between every ordered pair of nodes: latency, loss, and whether the link is up.
//! Settings are sparse: one default plus per-link overrides, so 1,000 nodes do not cost a million
//! link records. A link is down while any cause holds it down (a hand cut, later a partition), so
//! healing one cause restores exactly what that cause cut.

use super::rng::SimRng;
use super::time::Duration;
use super::NodeId;
use std::collections::BTreeMap;

/// How long a message takes to cross a link.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Latency {
    Constant(Duration),
    /// Uniform in [min, max].
    Uniform {
        min: Duration,
        max: Duration,
    },
    /// min + an exponentially distributed extra with the given mean: a few messages are slow.
    Exponential {
        min: Duration,
        mean_extra: Duration,
    },
}

impl Latency {
    pub fn sample(&self, rng: &mut SimRng) -> Duration {
        match *self {
            Latency::Constant(d) => d,
            Latency::Uniform { min, max } => {
                let span = max.0.saturating_sub(min.0);
                Duration(min.0 + (rng.unit() * span as f64) as u64)
            }
            Latency::Exponential { min, mean_extra } => {
                Duration(min.0 + rng.exponential(mean_extra.0 as f64) as u64)
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkConfig {
    pub latency: Latency,
    /// Probability that a message is lost in transit (fair-loss link).
    pub loss: f64,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            latency: Latency::Constant(Duration::from_ms(50)),
            loss: 0.0,
        }
    }
}

/// Why a link is down. A bit each, so causes combine and heal independently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CutCause {
    Hand = 1,
}

#[derive(Clone, Debug, Default)]
pub struct Network {
    default: LinkConfig,
    overrides: BTreeMap<(NodeId, NodeId), LinkConfig>,
    /// Directed links that are down, with the bit set of causes holding them down.
    down: BTreeMap<(NodeId, NodeId), u8>,
}

impl Network {
    pub fn new(default: LinkConfig) -> Network {
        Network {
            default,
            ..Network::default()
        }
    }

    pub fn config(&self, from: NodeId, to: NodeId) -> &LinkConfig {
        if self.overrides.is_empty() {
            return &self.default;
        }
        self.overrides.get(&(from, to)).unwrap_or(&self.default)
    }

    pub fn set_config(&mut self, from: NodeId, to: NodeId, cfg: LinkConfig) {
        self.overrides.insert((from, to), cfg);
    }

    pub fn is_up(&self, from: NodeId, to: NodeId) -> bool {
        self.down.is_empty() || !self.down.contains_key(&(from, to))
    }

    /// Marks from→to down for `cause`; returns whether the link was up before.
    pub fn cut(&mut self, from: NodeId, to: NodeId, cause: CutCause) -> bool {
        let mask = self.down.entry((from, to)).or_insert(0);
        let was_up = *mask == 0;
        *mask |= cause as u8;
        was_up
    }

    /// Lifts `cause` from from→to; returns whether the link is up now and was down before.
    pub fn heal(&mut self, from: NodeId, to: NodeId, cause: CutCause) -> bool {
        let Some(mask) = self.down.get_mut(&(from, to)) else {
            return false;
        };
        *mask &= !(cause as u8);
        if *mask == 0 {
            self.down.remove(&(from, to));
            true
        } else {
            false
        }
    }

    /// Directed links that are down, in (from, to) order.
    pub fn down_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.down.keys().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_way_cut_leaves_the_other_direction_up() {
        let mut net = Network::default();
        net.cut(1, 2, CutCause::Hand);
        assert!(!net.is_up(1, 2));
        assert!(net.is_up(2, 1));
        assert!(net.heal(1, 2, CutCause::Hand));
        assert!(net.is_up(1, 2));
    }

    #[test]
    fn overrides_are_sparse() {
        let mut net = Network::default();
        let slow = LinkConfig {
            latency: Latency::Constant(Duration::from_ms(500)),
            loss: 0.5,
        };
        net.set_config(3, 4, slow);
        assert_eq!(net.config(3, 4), &slow);
        assert_eq!(net.config(4, 3), &LinkConfig::default());
    }

    #[test]
    fn latency_samples_stay_in_range() {
        let mut rng = SimRng::new(3, 0);
        let u = Latency::Uniform {
            min: Duration::from_ms(10),
            max: Duration::from_ms(20),
        };
        let e = Latency::Exponential {
            min: Duration::from_ms(10),
            mean_extra: Duration::from_ms(5),
        };
        for _ in 0..1000 {
            let d = u.sample(&mut rng);
            assert!(d >= Duration::from_ms(10) && d <= Duration::from_ms(20));
            assert!(e.sample(&mut rng) >= Duration::from_ms(10));
        }
    }
}
