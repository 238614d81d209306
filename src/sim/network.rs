//! Links between every ordered pair of nodes: their kind (reliable, fair-loss, arbitrary), latency,
//! loss, duplication, corruption, bandwidth and MTU, and whether the link is up.
//! Settings are sparse: one default plus per-link overrides, so 1,000 nodes do not cost a million
//! link records. A link is down while a hand cut or the partition in force holds it down, so
//! healing one restores exactly what it cut. The partition is kept as each node's group, not as
//! the links it cuts: 1,000 nodes in two halves would be half a million of them.

use super::link_times::LinkTimes;
use super::rng::SimRng;
use super::time::{Duration, Time};
use super::NodeId;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

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

#[derive(Clone, Debug, Default)]
pub struct Network {
    default: LinkConfig,
    overrides: BTreeMap<(NodeId, NodeId), LinkConfig>,
    /// Directed links cut by hand.
    down: BTreeSet<(NodeId, NodeId)>,
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
        !self.partition_cuts(from, to) && (self.down.is_empty() || !self.down.contains(&(from, to)))
    }

    /// Whether the partition in force separates from and to.
    pub fn partition_cuts(&self, from: NodeId, to: NodeId) -> bool {
        self.partition.as_ref().is_some_and(
            |g| matches!((g.get(from as usize), g.get(to as usize)), (Some(a), Some(b)) if a != b),
        )
    }

    /// Cuts from→to by hand; returns whether it had not been cut by hand before.
    pub fn cut(&mut self, from: NodeId, to: NodeId) -> bool {
        self.down.insert((from, to))
    }

    /// Heals a hand cut of from→to; returns whether there was one. (A partition still holds.)
    pub fn heal(&mut self, from: NodeId, to: NodeId) -> bool {
        self.down.remove(&(from, to))
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
        self.partition = Some(groups);
    }

    /// Restores exactly the links the partition cut; links cut by hand stay cut.
    pub fn heal_partition(&mut self) {
        self.partition = None;
    }

    pub fn partition_groups(&self) -> Option<&[u16]> {
        self.partition.as_deref()
    }

    /// Directed links cut by hand, in (from, to) order (the partition's are `partition_groups`).
    pub fn down_links(&self) -> impl Iterator<Item = (NodeId, NodeId)> + '_ {
        self.down.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_one_way_cut_leaves_the_other_direction_up() {
        let mut net = Network::default();
        net.cut(1, 2);
        assert!(!net.is_up(1, 2));
        assert!(net.is_up(2, 1));
        assert!(net.heal(1, 2));
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
        net.cut(0, 2);
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
