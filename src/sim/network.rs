//! Links between every ordered pair of nodes: their kind (reliable, fair-loss, arbitrary), latency,
//! loss, duplication, corruption, bandwidth and MTU, and whether the link is up.
//! Settings are sparse: one default plus per-link overrides, so 1,000 nodes do not cost a million
//! link records. A link is down while any cause holds it down (a hand cut, later a partition), so
//! healing one cause restores exactly what that cause cut.

use super::link_times::LinkTimes;
use super::rng::SimRng;
use super::time::{Duration, Time};
use super::NodeId;
use serde::Serialize;
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

/// Link kinds as the course names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// Every message arrives exactly once (unless the link is cut).
    Reliable,
    /// Messages may be lost, but one sent infinitely often gets through.
    FairLoss,
    /// Messages may also be duplicated and corrupted (and reordered, through latency).
    Arbitrary,
}

impl LinkKind {
    pub const NAMES: &'static [&'static str] = &["reliable", "fair-loss", "arbitrary"];

    pub fn from_name(name: &str) -> Option<LinkKind> {
        match name {
            "reliable" => Some(LinkKind::Reliable),
            "fair-loss" => Some(LinkKind::FairLoss),
            "arbitrary" => Some(LinkKind::Arbitrary),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkConfig {
    pub kind: LinkKind,
    #[serde(skip)]
    pub latency: Latency,
    /// Probability that a packet is lost (fair-loss and arbitrary links).
    pub loss: f64,
    /// Probability that a message arrives twice (arbitrary links).
    pub duplicate: f64,
    /// Probability that a message's content is damaged on the way (arbitrary links).
    pub corrupt: f64,
    /// Bytes per second the link can carry; None: unlimited.
    pub bandwidth: Option<u64>,
    /// Largest packet, bytes: a larger message is split into ⌈size/MTU⌉ packets.
    pub mtu: u32,
    /// Deliver in send order on this link, whatever the sampled latencies.
    pub fifo: bool,
}

impl Default for LinkConfig {
    fn default() -> Self {
        LinkConfig {
            kind: LinkKind::FairLoss,
            latency: Latency::Constant(Duration::from_ms(50)),
            loss: 0.0,
            duplicate: 0.0,
            corrupt: 0.0,
            bandwidth: None,
            mtu: 1500,
            fifo: false,
        }
    }
}

impl LinkConfig {
    /// The loss probability the kind allows: none on a reliable link.
    pub fn loss(&self) -> f64 {
        if self.kind == LinkKind::Reliable {
            0.0
        } else {
            self.loss
        }
    }

    pub fn duplicate(&self) -> f64 {
        if self.kind == LinkKind::Arbitrary {
            self.duplicate
        } else {
            0.0
        }
    }

    pub fn corrupt(&self) -> f64 {
        if self.kind == LinkKind::Arbitrary {
            self.corrupt
        } else {
            0.0
        }
    }

    /// Number of packets a message of `size` bytes travels in.
    pub fn packets(&self, size: u32) -> u32 {
        if self.mtu == 0 {
            1
        } else {
            size.div_ceil(self.mtu).max(1)
        }
    }

    /// Time to put `bytes` onto the wire.
    pub fn transmission(&self, bytes: u32) -> Duration {
        match self.bandwidth {
            Some(b) if b > 0 => Duration((bytes as u128 * 1_000_000_000 / b as u128) as u64),
            _ => Duration::ZERO,
        }
    }
}

/// Why a link is down. A bit each, so causes combine and heal independently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CutCause {
    Hand = 1,
    Partition = 2,
}

#[derive(Clone, Debug, Default)]
pub struct Network {
    default: LinkConfig,
    overrides: BTreeMap<(NodeId, NodeId), LinkConfig>,
    /// Directed links that are down, with the bit set of causes holding them down.
    down: BTreeMap<(NodeId, NodeId), u8>,
    /// When each directed link with a bandwidth finishes sending what is queued on it.
    busy_until: LinkTimes,
    /// Latest arrival scheduled on each FIFO link, so later sends arrive later.
    last_arrival: LinkTimes,
    /// Group of each node while a partition is in force.
    partition: Option<Vec<u16>>,
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

    /// Directed links whose settings differ from the default, in (from, to) order.
    pub fn overrides(&self) -> impl Iterator<Item = (&(NodeId, NodeId), &LinkConfig)> {
        self.overrides.iter()
    }

    pub fn default_config(&self) -> &LinkConfig {
        &self.default
    }

    /// Reserves the link for `bytes` from `now` (or when it is free, if later): returns when they
    /// start and finish going onto the wire. Queued packets wait behind each other.
    pub fn transmit(&mut self, from: NodeId, to: NodeId, now: Time, tx: Duration) -> (Time, Time) {
        if tx == Duration::ZERO {
            return (now, now);
        }
        let free = self.busy_until.entry(from, to, now);
        let start = *free;
        *free = start + tx;
        (start, *free)
    }

    /// How long a packet put on from→to at `now` waits behind those already queued there.
    pub fn backlog(&self, from: NodeId, to: NodeId, now: Time) -> Duration {
        self.busy_until
            .get(from, to)
            .map_or(Duration::ZERO, |free| free.saturating_sub(now))
    }

    /// On a FIFO link, pushes `arrival` after every arrival scheduled before it.
    pub fn order_arrival(&mut self, from: NodeId, to: NodeId, now: Time, arrival: Time) -> Time {
        let last = self.last_arrival.entry(from, to, now);
        *last = (*last).max(arrival);
        *last
    }

    /// Splits the nodes into groups (`groups[node]`): every link between groups goes down until
    /// [`Network::heal_partition`]. A new partition replaces the old one.
    pub fn partition(&mut self, groups: Vec<u16>) {
        self.heal_partition();
        let n = groups.len() as NodeId;
        for a in 0..n {
            for b in 0..n {
                if groups[a as usize] != groups[b as usize] {
                    self.cut(a, b, CutCause::Partition);
                }
            }
        }
        self.partition = Some(groups);
    }

    /// Restores exactly the links the partition cut; links cut by hand stay cut.
    pub fn heal_partition(&mut self) {
        let cut: Vec<_> = self
            .down
            .iter()
            .filter(|(_, m)| **m & CutCause::Partition as u8 != 0)
            .map(|(k, _)| *k)
            .collect();
        for (a, b) in cut {
            self.heal(a, b, CutCause::Partition);
        }
        self.partition = None;
    }

    pub fn partition_groups(&self) -> Option<&[u16]> {
        self.partition.as_deref()
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
            ..LinkConfig::default()
        };
        net.set_config(3, 4, slow);
        assert_eq!(net.config(3, 4), &slow);
        assert_eq!(net.config(4, 3), &LinkConfig::default());
    }

    #[test]
    fn healing_a_partition_keeps_hand_cuts() {
        let mut net = Network::default();
        net.cut(0, 2, CutCause::Hand);
        net.partition(vec![0, 0, 1]);
        assert!(!net.is_up(0, 2) && !net.is_up(1, 2) && !net.is_up(2, 1));
        assert!(net.is_up(0, 1));
        net.heal_partition();
        assert!(net.is_up(1, 2) && net.is_up(2, 0) && net.is_up(2, 1));
        assert!(!net.is_up(0, 2), "the hand cut stays");
    }

    #[test]
    fn packets_queue_behind_each_other() {
        let cfg = LinkConfig {
            bandwidth: Some(1_000_000),
            mtu: 1000,
            ..LinkConfig::default()
        };
        assert_eq!(cfg.packets(2500), 3);
        assert_eq!(cfg.packets(1), 1);
        let tx = cfg.transmission(1000);
        assert_eq!(tx, Duration::from_ms(1));
        let mut net = Network::default();
        assert_eq!(
            net.transmit(0, 1, Time::ZERO, tx),
            (Time::ZERO, Time::from_ms(1))
        );
        assert_eq!(
            net.transmit(0, 1, Time::ZERO, tx),
            (Time::from_ms(1), Time::from_ms(2))
        );
        assert_eq!(net.backlog(0, 1, Time::ZERO), Duration::from_ms(2));
        assert_eq!(net.backlog(0, 1, Time::from_ms(5)), Duration::ZERO);
        assert_eq!(net.backlog(1, 0, Time::ZERO), Duration::ZERO);
        assert_eq!(
            net.transmit(1, 0, Time::ZERO, tx).0,
            Time::ZERO,
            "other direction is free"
        );
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
