//! Each node's physical clock. A quartz clock ticks at a slightly wrong rate (drift, in parts per
//! million), and its time-of-day reading can be stepped (a skew). Two readings, as operating systems
//! offer them:
//!
//! - the **monotonic** clock: `mono(t) = mono₀ + (1 + drift·10⁻⁶)·(t − t₀)`, never stepped, so it
//!   never goes back. Timers run on it, as real timers do.
//! - the **time-of-day** clock: `mono(t) + offset`; a step (skew) changes the offset, forward or back.
//!
//! The rate is the hardware drift plus a correction the node's own software may set (how NTP slews
//! a clock: `adjtime`), so the student's drift and the protocol's correction stay apart. Both
//! readings run at that rate, as Linux's `CLOCK_MONOTONIC` is slewed but never stepped.
//!
//! All arithmetic is integer (rates are kept in parts per billion), so readings are exact and the
//! same natively and in wasm. Changing the drift or the correction re-bases the clock at that
//! instant, so readings stay continuous.

use super::time::Time;
use serde::Serialize;

const PPB_PER_UNIT: i128 = 1_000_000_000;

/// Drift bound for user input. Real quartz is tens of ppm; teaching needs exaggeration, but a clock
/// must keep running forwards.
pub const MAX_DRIFT_PPM: f64 = 200_000.0;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Clock {
    base_true: Time,
    base_mono: i64,
    drift_ppb: i64,
    /// The node's own rate correction (a slew), on top of the drift.
    adjust_ppb: i64,
    tod_offset: i64,
}

impl Clock {
    /// A clock whose time-of-day reads `offset_ns` ahead of true time at t = 0.
    pub fn new(offset_ns: i64, drift_ppm: f64) -> Clock {
        Clock {
            base_true: Time::ZERO,
            base_mono: 0,
            drift_ppb: ppm_to_ppb(drift_ppm),
            adjust_ppb: 0,
            tod_offset: offset_ns,
        }
    }

    /// The hardware drift, as the student (or the scenario) set it.
    pub fn drift_ppm(&self) -> f64 {
        self.drift_ppb as f64 / 1000.0
    }

    /// The node's own rate correction (ppm) on top of the drift: non-zero while it slews.
    pub fn adjust_ppm(&self) -> f64 {
        self.adjust_ppb as f64 / 1000.0
    }

    /// Parts per billion the clock gains on true time: drift plus correction.
    fn rate_ppb(&self) -> i64 {
        self.drift_ppb + self.adjust_ppb
    }

    /// Monotonic reading (ns) at true time `t` (t ≥ the last re-basing).
    pub fn mono_at(&self, t: Time) -> i64 {
        if self.rate_ppb() == 0 {
            // A perfect clock needs no 128-bit division: the common case, on the hot path.
            let dt = t.0.saturating_sub(self.base_true.0) as i64;
            return self.base_mono.saturating_add(dt);
        }
        let dt = t.0.saturating_sub(self.base_true.0) as i128;
        let scaled = dt + (dt * self.rate_ppb() as i128).div_euclid(PPB_PER_UNIT);
        (self.base_mono as i128 + scaled) as i64
    }

    /// Time-of-day reading (ns) at true time `t`.
    pub fn tod_at(&self, t: Time) -> i64 {
        self.mono_at(t).saturating_add(self.tod_offset)
    }

    /// The earliest true time ≥ `now` at which the monotonic clock reads at least `target`.
    pub fn when_mono_reaches(&self, target: i64, now: Time) -> Time {
        if self.mono_at(now) >= target {
            return now;
        }
        let need = (target as i128 - self.base_mono as i128).max(0);
        let ppb = self.rate_ppb() as i128;
        let rate = PPB_PER_UNIT + ppb;
        // First guess by division, then nudge to the exact smallest instant (floor rounding above).
        let mut dt = (need * PPB_PER_UNIT + rate - 1) / rate;
        let reading = |dt: i128| dt + (dt * ppb).div_euclid(PPB_PER_UNIT);
        while dt > 0 && reading(dt - 1) >= need {
            dt -= 1;
        }
        while reading(dt) < need {
            dt += 1;
        }
        let t = self.base_true.0 as i128 + dt;
        Time(t.clamp(now.0 as i128, u64::MAX as i128) as u64)
    }

    /// Changes the rate from instant `t` on; readings stay continuous.
    pub fn set_drift(&mut self, t: Time, drift_ppm: f64) {
        self.base_mono = self.mono_at(t);
        self.base_true = t;
        self.drift_ppb = ppm_to_ppb(drift_ppm);
    }

    /// Sets the node's own rate correction from instant `t` on (0 ends a slew); readings stay
    /// continuous. Bounded like the drift, so the clock keeps running forwards.
    pub fn set_adjust(&mut self, t: Time, adjust_ppm: f64) {
        self.base_mono = self.mono_at(t);
        self.base_true = t;
        self.adjust_ppb = ppm_to_ppb(adjust_ppm);
    }

    /// Steps the time-of-day clock by `delta_ns` (negative: backwards). The monotonic clock is untouched.
    pub fn step(&mut self, delta_ns: i64) {
        self.tod_offset = self.tod_offset.saturating_add(delta_ns);
    }
}

fn ppm_to_ppb(ppm: f64) -> i64 {
    (ppm.clamp(-MAX_DRIFT_PPM, MAX_DRIFT_PPM) * 1000.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::time::{Duration, NS_PER_SEC};

    #[test]
    fn a_perfect_clock_reads_true_time_plus_offset() {
        let c = Clock::new(5_000, 0.0);
        assert_eq!(c.mono_at(Time(1_000)), 1_000);
        assert_eq!(c.tod_at(Time(1_000)), 6_000);
    }

    #[test]
    fn drift_accumulates_linearly() {
        // 50 ppm is about 4.3 s a day.
        let c = Clock::new(0, 50.0);
        let day = Time(86_400 * NS_PER_SEC);
        assert_eq!(c.mono_at(day) - day.0 as i64, 4_320_000_000);
        let half = Time(43_200 * NS_PER_SEC);
        assert_eq!(c.mono_at(half) - half.0 as i64, 2_160_000_000);
    }

    #[test]
    fn a_fast_clock_reaches_its_target_early_in_true_time() {
        let c = Clock::new(0, 100.0);
        let t = c.when_mono_reaches(NS_PER_SEC as i64, Time::ZERO);
        let early = NS_PER_SEC - t.0;
        // 1 s / (1 + 100e-6) = 0.99990001 s: 99.99 µs early.
        assert_eq!(early, 99_990);
        assert!(c.mono_at(t) >= NS_PER_SEC as i64);
        assert!(c.mono_at(Time(t.0 - 1)) < NS_PER_SEC as i64);
    }

    #[test]
    fn a_step_changes_time_of_day_only() {
        let mut c = Clock::new(0, 0.0);
        let t = Time::ZERO + Duration::from_secs(10);
        c.step(-3 * NS_PER_SEC as i64);
        assert_eq!(c.tod_at(t), 7 * NS_PER_SEC as i64);
        assert_eq!(c.mono_at(t), 10 * NS_PER_SEC as i64);
    }

    #[test]
    fn changing_drift_keeps_readings_continuous() {
        let mut c = Clock::new(0, 0.0);
        let t = Time(NS_PER_SEC);
        let before = c.mono_at(t);
        c.set_drift(t, 1000.0);
        assert_eq!(c.mono_at(t), before);
        assert_eq!(
            c.mono_at(Time(2 * NS_PER_SEC)),
            2 * NS_PER_SEC as i64 + 1_000_000
        );
    }

    #[test]
    fn a_correction_adds_to_the_drift_and_keeps_readings_continuous() {
        // Drift +50 ppm, then a slew of -500 ppm from 10 s: the clock loses 450 µs a second.
        let mut c = Clock::new(0, 50.0);
        let t = Time(10 * NS_PER_SEC);
        let before = c.tod_at(t);
        c.set_adjust(t, -500.0);
        assert_eq!(c.tod_at(t), before);
        assert_eq!(c.adjust_ppm(), -500.0);
        assert_eq!(c.drift_ppm(), 50.0);
        let later = Time(11 * NS_PER_SEC);
        assert_eq!(c.mono_at(later) - before, NS_PER_SEC as i64 - 450_000);
        // Timers wait on the corrected rate: 1 s of clock takes 1/(1 − 450e-6) s of true time.
        let at = c.when_mono_reaches(before + NS_PER_SEC as i64, t);
        assert!(c.mono_at(at) >= before + NS_PER_SEC as i64);
        assert!(c.mono_at(Time(at.0 - 1)) < before + NS_PER_SEC as i64);
        // The student's drift change keeps the correction.
        c.set_drift(later, 0.0);
        assert_eq!(c.adjust_ppm(), -500.0);
        c.set_adjust(later, 0.0);
        let from = c.mono_at(later);
        assert_eq!(c.mono_at(Time(12 * NS_PER_SEC)) - from, NS_PER_SEC as i64);
    }
}
