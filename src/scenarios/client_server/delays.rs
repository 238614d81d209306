//! What the client–server scenario measures about each message and how it judges the lecture's
//! claims: every message carries what its sender knew when it left (the link's latency, jitter and
//! bandwidth, and how long it had to wait in the send queue), so the receiver can set what it
//! observed beside what the model predicts: delay = wait + size/B + L (+ jitter).

use crate::sim::network::{Latency, LinkConfig};
use crate::sim::{Duration, Time};

/// What a message's sender knew about it when it left.
#[derive(Clone, Copy, Debug)]
pub struct Stamp {
    /// "request" or "response".
    pub what: &'static str,
    pub id: u64,
    pub size: u32,
    /// True time it was sent (for measuring only: no node reads true time to decide anything).
    pub sent_at: Time,
    /// How long it waited in the sender's queue behind earlier packets.
    pub wait: Duration,
    /// The link's minimum latency L.
    pub latency: Duration,
    /// Extra latency a packet may get on top of L; None: unbounded (exponential).
    pub jitter: Option<Duration>,
    /// Bytes per second; None: unlimited.
    pub bandwidth: Option<u64>,
    pub mtu: u32,
    /// Time to put all its packets onto the wire, as the link computes it.
    pub transmission: Duration,
    pub packets: u32,
}

impl Stamp {
    pub fn new(
        what: &'static str,
        id: u64,
        size: u32,
        sent_at: Time,
        wait: Duration,
        link: &LinkConfig,
    ) -> Stamp {
        let (latency, jitter) = match link.latency {
            Latency::Constant(d) => (d, Some(Duration::ZERO)),
            Latency::Uniform { min, max } => (min, Some(Duration(max.0.saturating_sub(min.0)))),
            Latency::Exponential { min, .. } => (min, None),
        };
        let packets = link.packets(size);
        // Packet by packet, exactly as the link puts them on the wire.
        let transmission = if packets <= 1 {
            link.transmission(size)
        } else {
            let last = size.saturating_sub((packets - 1).saturating_mul(link.mtu));
            let full = link.transmission(link.mtu).0;
            Duration(full.saturating_mul(packets as u64 - 1) + link.transmission(last).0)
        };
        Stamp {
            what,
            id,
            size,
            sent_at,
            wait,
            latency,
            jitter,
            bandwidth: link.bandwidth.filter(|b| *b > 0),
            mtu: link.mtu,
            transmission,
            packets,
        }
    }

    /// Earliest arrival the model allows after sending: wait + size/B + L.
    pub fn predicted(&self) -> Duration {
        self.wait + self.transmission + self.latency
    }
}

/// Which claim a message bears on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// Transmission time under 5% of the latency, and no wait: it should take ≈ L.
    Small,
    /// Transmission time matters, no wait: ≈ L + size/B.
    Large,
    /// It waited at least a millisecond behind earlier packets.
    Queued,
}

/// How an observed delay compares with the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fit {
    OnModel,
    /// Later than the model allows: retried after a loss, a paused node, a link changed mid-way.
    Late,
    /// Earlier than the model allows: the link was made faster while the message was on it.
    Early,
}

/// One message as its receiver saw it.
#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub stamp: Stamp,
    pub observed: Duration,
    pub class: Class,
    pub fit: Fit,
}

impl Sample {
    pub fn new(stamp: Stamp, now: Time) -> Sample {
        let observed = now.saturating_sub(stamp.sent_at);
        let lo = stamp.predicted();
        // A microsecond of slack for rounding to whole nanoseconds packet by packet.
        let slack = 1_000 + lo.0 / 1_000_000;
        let fit = if observed.0 + slack < lo.0 {
            Fit::Early
        } else if stamp
            .jitter
            .is_some_and(|j| observed.0 > lo.0 + j.0 + slack)
        {
            Fit::Late
        } else {
            Fit::OnModel
        };
        let class = if stamp.wait >= Duration::from_ms(1) {
            Class::Queued
        } else if stamp.transmission.0.saturating_mul(20) <= stamp.latency.0 {
            Class::Small
        } else {
            Class::Large
        };
        Sample {
            stamp,
            observed,
            class,
            fit,
        }
    }

    /// Bytes per second at which the message's bytes came in: size / (delay − wait − L). The
    /// link's bandwidth bounds it; None when the link is unlimited or nothing is left to time.
    pub fn rate(&self) -> Option<f64> {
        self.stamp.bandwidth?;
        let spent = self
            .observed
            .0
            .checked_sub(self.stamp.wait.0 + self.stamp.latency.0)
            .filter(|s| *s > 0)?;
        Some(self.stamp.size as f64 * 1e9 / spent as f64)
    }
}

/// Tallies for one class of message.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    pub on_model: u64,
    pub late: u64,
    pub early: u64,
    /// The latest message that fitted the model, to quote.
    pub example: Option<Sample>,
    /// The latest that did not.
    pub misfit: Option<Sample>,
}

/// Everything a receiver has measured, by class.
#[derive(Clone, Debug, Default)]
pub struct Delays {
    pub small: Tally,
    pub large: Tally,
    pub queued: Tally,
    /// The fastest transfer relative to the link's bandwidth: (rate / B, sample).
    pub fastest: Option<(f64, Sample)>,
}

impl Delays {
    pub fn record(&mut self, s: Sample) {
        let tally = match s.class {
            Class::Small => &mut self.small,
            Class::Large => &mut self.large,
            Class::Queued => &mut self.queued,
        };
        match s.fit {
            Fit::OnModel => {
                tally.on_model += 1;
                tally.example = Some(s);
            }
            Fit::Late => {
                tally.late += 1;
                tally.misfit = Some(s);
            }
            Fit::Early => {
                tally.early += 1;
                tally.misfit = Some(s);
            }
        }
        if let (Some(rate), Some(b)) = (s.rate(), s.stamp.bandwidth) {
            let ratio = rate / b as f64;
            if self.fastest.is_none_or(|(r, _)| ratio > r) {
                self.fastest = Some((ratio, s));
            }
        }
    }
}

/// Both receivers' tallies of one class, added up; the example from the later message.
pub fn merged(a: &Tally, b: &Tally) -> Tally {
    let later = |x: Option<Sample>, y: Option<Sample>| match (x, y) {
        (Some(x), Some(y)) => Some(if x.stamp.sent_at >= y.stamp.sent_at {
            x
        } else {
            y
        }),
        (x, y) => x.or(y),
    };
    Tally {
        on_model: a.on_model + b.on_model,
        late: a.late + b.late,
        early: a.early + b.early,
        example: later(a.example, b.example),
        misfit: later(a.misfit, b.misfit),
    }
}

pub fn ms(d: Duration) -> String {
    let v = d.as_ms_f64();
    if v >= 1000.0 {
        format!("{:.3} s", v / 1000.0)
    } else {
        format!("{v:.2} ms")
    }
}

/// 1234567 → "1,234,567 B".
pub fn bytes(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out + " B"
}

pub fn kbps(bytes_per_sec: f64) -> String {
    format!("{:.1} kB/s", bytes_per_sec / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(bandwidth: u64, mtu: u32) -> LinkConfig {
        LinkConfig {
            latency: Latency::Constant(Duration::from_ms(50)),
            bandwidth: Some(bandwidth),
            mtu,
            ..LinkConfig::default()
        }
    }

    #[test]
    fn transmission_adds_up_packet_by_packet() {
        let s = Stamp::new(
            "m",
            0,
            1_000_000,
            Time::ZERO,
            Duration::ZERO,
            &link(1_000_000, 1500),
        );
        assert_eq!(s.packets, 667);
        assert_eq!(s.transmission, Duration::from_ms(1000));
        assert_eq!(s.predicted(), Duration::from_ms(1050));
        let s = Stamp::new(
            "m",
            0,
            100,
            Time::ZERO,
            Duration::ZERO,
            &link(1_000_000, 1500),
        );
        assert_eq!((s.packets, s.transmission), (1, Duration::from_micros(100)));
        // 3 bytes at 7 B/s: each packet rounds down to whole nanoseconds on its own.
        let s = Stamp::new("m", 0, 3, Time::ZERO, Duration::ZERO, &link(7, 1));
        assert_eq!(s.transmission, Duration(3 * 142_857_142));
    }

    #[test]
    fn samples_are_classed_and_fitted() {
        let l = link(1_000_000, 1500);
        let small = Stamp::new("m", 0, 200, Time::ZERO, Duration::ZERO, &l);
        let s = Sample::new(small, Time(50_200_000));
        assert_eq!((s.class, s.fit), (Class::Small, Fit::OnModel));
        assert_eq!(Sample::new(small, Time::from_ms(60)).fit, Fit::Late);
        assert_eq!(Sample::new(small, Time::from_ms(40)).fit, Fit::Early);
        let big = Stamp::new("m", 1, 1_000_000, Time::ZERO, Duration::ZERO, &l);
        let s = Sample::new(big, Time::from_ms(1050));
        assert_eq!((s.class, s.fit), (Class::Large, Fit::OnModel));
        assert!((s.rate().unwrap_or(0.0) - 1e6).abs() < 1e-6);
        let queued = Stamp::new("m", 2, 200, Time::ZERO, Duration::from_ms(30), &l);
        assert_eq!(Sample::new(queued, Time(80_200_000)).class, Class::Queued);
    }

    #[test]
    fn byte_counts_read_well() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(1000), "1,000 B");
        assert_eq!(bytes(20_000_000), "20,000,000 B");
    }
}
