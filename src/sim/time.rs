//! Simulated time: integer nanoseconds, so every run is exact and identical natively and in wasm.

use serde::Serialize;
use std::fmt;
use std::ops::{Add, Sub};

/// An instant of true (simulated) time, in nanoseconds since the start of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Time(pub u64);

/// A span of simulated time, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Duration(pub u64);

pub const NS_PER_MS: u64 = 1_000_000;
pub const NS_PER_SEC: u64 = 1_000_000_000;

impl Time {
    pub const ZERO: Time = Time(0);

    pub fn from_ms(ms: u64) -> Time {
        Time(ms * NS_PER_MS)
    }

    pub fn as_ms_f64(self) -> f64 {
        self.0 as f64 / NS_PER_MS as f64
    }

    pub fn saturating_sub(self, earlier: Time) -> Duration {
        Duration(self.0.saturating_sub(earlier.0))
    }
}

impl Duration {
    pub const ZERO: Duration = Duration(0);

    pub fn from_ms(ms: u64) -> Duration {
        Duration(ms * NS_PER_MS)
    }

    pub fn from_micros(us: u64) -> Duration {
        Duration(us * 1_000)
    }

    pub fn from_secs(s: u64) -> Duration {
        Duration(s * NS_PER_SEC)
    }

    /// Milliseconds given as a float (from a user): rounded to the nanosecond.
    /// Callers validate the value first (finite, non-negative); this saturates rather than panics.
    pub fn from_ms_f64(ms: f64) -> Duration {
        Duration((ms * NS_PER_MS as f64).round() as u64)
    }

    pub fn as_ms_f64(self) -> f64 {
        self.0 as f64 / NS_PER_MS as f64
    }
}

impl Add<Duration> for Time {
    type Output = Time;
    fn add(self, d: Duration) -> Time {
        Time(self.0.saturating_add(d.0))
    }
}

impl Sub<Time> for Time {
    type Output = Duration;
    fn sub(self, earlier: Time) -> Duration {
        self.saturating_sub(earlier)
    }
}

impl Add for Duration {
    type Output = Duration;
    fn add(self, d: Duration) -> Duration {
        Duration(self.0.saturating_add(d.0))
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.3} ms", self.as_ms_f64())
    }
}
