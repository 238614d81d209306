//! The timing model, as the course names it: what may be assumed about message delays.
//!
//! - **synchronous**: every network delay is at most a known bound Δ;
//! - **partially synchronous**: delays are unbounded (heavy-tailed) until an unknown global
//!   stabilisation time (GST), and at most Δ after it;
//! - **asynchronous**: delays are heavy-tailed with no bound at all.
//!
//! The model shapes the propagation delay sampled from a link. Queueing behind other packets
//! (congestion) and paused nodes are not network delay: they break a synchronous bound, which is
//! exactly what the timing-violations scenario shows.

use super::rng::SimRng;
use super::time::{Duration, Time};
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(
    tag = "model",
    rename_all = "kebab-case",
    rename_all_fields = "camelCase"
)]
pub enum TimingModel {
    Synchronous {
        #[serde(serialize_with = "ms")]
        bound: Duration,
    },
    PartiallySynchronous {
        #[serde(serialize_with = "ms")]
        bound: Duration,
        #[serde(serialize_with = "ms_t")]
        gst: Time,
    },
    Asynchronous {
        /// Scale of the heavy tail: a typical extra delay.
        #[serde(serialize_with = "ms")]
        scale: Duration,
    },
}

fn ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_ms_f64())
}

fn ms_t<S: serde::Serializer>(t: &Time, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(t.as_ms_f64())
}

/// Shape of the Pareto tail: below 2, so the variance is infinite and a few delays are huge.
const TAIL_SHAPE: f64 = 1.5;

impl TimingModel {
    pub const NAMES: &'static [&'static str] =
        &["synchronous", "partially-synchronous", "asynchronous"];

    pub fn name(&self) -> &'static str {
        match self {
            TimingModel::Synchronous { .. } => "synchronous",
            TimingModel::PartiallySynchronous { .. } => "partially-synchronous",
            TimingModel::Asynchronous { .. } => "asynchronous",
        }
    }

    /// Builds a model from its name, the bound Δ and GST (used by the model that needs each).
    pub fn from_name(name: &str, bound: Duration, gst: Time) -> Option<TimingModel> {
        match name {
            "synchronous" => Some(TimingModel::Synchronous { bound }),
            "partially-synchronous" => Some(TimingModel::PartiallySynchronous { bound, gst }),
            "asynchronous" => Some(TimingModel::Asynchronous { scale: bound }),
            _ => None,
        }
    }

    /// The propagation delay of a packet sent at `now`, given the link's own sample.
    pub fn shape(&self, sampled: Duration, now: Time, rng: &mut SimRng) -> Duration {
        match *self {
            TimingModel::Synchronous { bound } => sampled.min(bound),
            TimingModel::PartiallySynchronous { bound, gst } => {
                if now >= gst {
                    sampled.min(bound)
                } else {
                    sampled + heavy_tail(bound, rng)
                }
            }
            TimingModel::Asynchronous { scale } => sampled + heavy_tail(scale, rng),
        }
    }

    /// The promised bound on network delay at `now`, if the model makes one.
    pub fn bound_at(&self, now: Time) -> Option<Duration> {
        match *self {
            TimingModel::Synchronous { bound } => Some(bound),
            TimingModel::PartiallySynchronous { bound, gst } if now >= gst => Some(bound),
            _ => None,
        }
    }
}

/// A Pareto-distributed extra delay with scale `scale`: usually small, now and then enormous.
fn heavy_tail(scale: Duration, rng: &mut SimRng) -> Duration {
    let u = 1.0 - rng.unit(); // (0, 1]
    let extra = scale.0 as f64 * (libm::pow(u, -1.0 / TAIL_SHAPE) - 1.0);
    // Cap at a simulated hour so one draw cannot stall a run forever.
    Duration(extra.min(3.6e12) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synchronous_delays_never_exceed_the_bound() {
        let m = TimingModel::Synchronous {
            bound: Duration::from_ms(100),
        };
        let mut rng = SimRng::new(1, 0);
        assert_eq!(
            m.shape(Duration::from_ms(500), Time::ZERO, &mut rng),
            Duration::from_ms(100)
        );
        assert_eq!(
            m.shape(Duration::from_ms(30), Time::ZERO, &mut rng),
            Duration::from_ms(30)
        );
    }

    #[test]
    fn partial_synchrony_is_unbounded_before_gst_and_bounded_after() {
        let bound = Duration::from_ms(100);
        let m = TimingModel::PartiallySynchronous {
            bound,
            gst: Time::from_ms(10_000),
        };
        let mut rng = SimRng::new(2, 0);
        let before = (0..2000)
            .map(|_| m.shape(Duration::from_ms(50), Time::from_ms(1), &mut rng))
            .max()
            .unwrap_or_default();
        assert!(
            before > Duration::from_ms(1000),
            "a heavy tail: max {before:?}"
        );
        for _ in 0..2000 {
            assert!(m.shape(Duration::from_ms(5000), Time::from_ms(10_000), &mut rng) <= bound);
        }
    }
}
