//! The arithmetic of availability: "nines", the downtime a year a figure allows, and a latency
//! histogram with bounded memory from which percentiles are read. Pure functions, tested here.

/// A year of 365 days, in seconds: the year the usual downtime tables use.
pub const SECONDS_PER_YEAR: f64 = 365.0 * 86_400.0;

/// How long a service with this availability (a fraction, 0 to 1) is down in a year, in seconds.
pub fn downtime_per_year_s(availability: f64) -> f64 {
    (1.0 - availability.clamp(0.0, 1.0)) * SECONDS_PER_YEAR
}

/// The number of nines: 0.99 is 2, 0.999 is 3, 0.995 is about 2.3. Infinite at 1 (no failure).
pub fn nines(availability: f64) -> f64 {
    let down = 1.0 - availability.clamp(0.0, 1.0);
    if down <= 0.0 {
        f64::INFINITY
    } else {
        -libm::log10(down)
    }
}

/// Three significant digits, without a trailing exponent: 3.65, 52.6, 0.500.
fn sig3(v: f64) -> String {
    let decimals = if v >= 100.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    format!("{v:.decimals$}")
}

/// A span of seconds in the largest unit that keeps it at least 1: "3.65 days", "8.76 h",
/// "52.6 min", "5.26 min", "31.5 s".
pub fn format_duration_s(secs: f64) -> String {
    let secs = if secs.is_finite() { secs.max(0.0) } else { 0.0 };
    if secs >= 86_400.0 {
        format!("{} days", sig3(secs / 86_400.0))
    } else if secs >= 3_600.0 {
        format!("{} h", sig3(secs / 3_600.0))
    } else if secs >= 60.0 {
        format!("{} min", sig3(secs / 60.0))
    } else if secs > 0.0 {
        format!("{} s", sig3(secs))
    } else {
        "0 s".into()
    }
}

/// The downtime a year this availability allows, in words: 0.999 gives "8.76 h".
pub fn format_downtime(availability: f64) -> String {
    format_duration_s(downtime_per_year_s(availability))
}

/// A percentage with as many decimals as it takes to show its nines: "90.9%", "99.52%",
/// "99.9990%", "100%".
pub fn format_percent(availability: f64) -> String {
    let a = availability.clamp(0.0, 1.0);
    let n = nines(a);
    if !n.is_finite() {
        return "100%".into();
    }
    let decimals = (libm::ceil(n - 1e-9) as i64 - 1).clamp(1, 6) as usize;
    format!("{:.decimals$}%", a * 100.0)
}

/// "2.32 nines"; "no failure yet" at 100%.
pub fn format_nines(availability: f64) -> String {
    let n = nines(availability);
    if n.is_finite() {
        format!("{n:.2} nines")
    } else {
        "no failure yet".into()
    }
}

/// Sub-buckets per power of two: a recorded latency is known to within 1/32 (about 3%).
const SUB: u64 = 32;
/// Powers of two above the first SUB microseconds: up to 2^32 µs, over an hour.
const OCTAVES: u64 = 27;
const BUCKETS: usize = ((OCTAVES + 1) * SUB) as usize;

/// Percentile points are given in thousandths of a percent, so 99.9% is exactly 99_900.
pub const P50: u64 = 50_000;
pub const P99: u64 = 99_000;
pub const P999: u64 = 99_900;

/// Latencies counted in logarithmic buckets (like an HDR histogram): a fixed 3.5 KB however
/// long the run, and percentiles to within about 3%.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LatencyHistogram {
    /// Empty until the first latency is recorded.
    counts: Vec<u32>,
    total: u64,
}

fn bucket_of(ns: u64) -> usize {
    let us = ns / 1_000;
    if us < SUB {
        return us as usize;
    }
    let octave = 63 - us.leading_zeros() as u64; // floor(log2), at least 5
    let shift = octave - 5;
    let sub = (us >> shift) - SUB; // 0..SUB
    (((shift + 1) * SUB + sub) as usize).min(BUCKETS - 1)
}

/// The middle of a bucket, in ns.
fn bucket_mid(i: usize) -> u64 {
    let i = i as u64;
    if i < SUB {
        return i * 1_000 + 500;
    }
    let shift = i / SUB - 1;
    let sub = i % SUB + SUB;
    let lo = sub << shift;
    let width = 1u64 << shift;
    (lo * 1_000) + width * 500
}

impl LatencyHistogram {
    pub fn record(&mut self, ns: u64) {
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
        }
        let b = bucket_of(ns);
        self.counts[b] = self.counts[b].saturating_add(1);
        self.total += 1;
    }

    pub fn total(&self) -> u64 {
        self.total
    }

    pub fn merge(&mut self, other: &LatencyHistogram) {
        if other.counts.is_empty() {
            return;
        }
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS];
        }
        for (a, b) in self.counts.iter_mut().zip(&other.counts) {
            *a = a.saturating_add(*b);
        }
        self.total += other.total;
    }

    /// The nearest-rank percentile `point` (thousandths of a percent) in ns, counting `unanswered`
    /// requests as slower than any answer: None when the rank falls among them (or nothing was
    /// counted at all).
    pub fn percentile(&self, point: u64, unanswered: u64) -> Option<u64> {
        let n = self.total + unanswered;
        if n == 0 {
            return None;
        }
        // rank = ceil(point/100000 × n), in integers.
        let rank = ((point.min(100_000) as u128 * n as u128).div_ceil(100_000) as u64).max(1);
        if rank > self.total {
            return None;
        }
        let mut seen = 0u64;
        for (i, c) in self.counts.iter().enumerate() {
            seen += *c as u64;
            if seen >= rank {
                return Some(bucket_mid(i));
            }
        }
        None
    }
}

/// Whether "`point`/1000 % of requests within the limit" holds, given how many of `finished`
/// requests were answered within it. Exact, in integers.
pub fn slo_met(within: u64, finished: u64, point: u64) -> bool {
    within as u128 * 100_000 >= point as u128 * finished as u128
}

/// A percentage given as a number (99.9) in thousandths of a percent (99_900).
pub fn point_of(percent: f64) -> u64 {
    libm::round(percent.clamp(0.0, 100.0) * 1_000.0) as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downtime_a_year_for_the_usual_nines() {
        assert_eq!(format_downtime(0.99), "3.65 days");
        assert_eq!(format_downtime(0.999), "8.76 h");
        assert_eq!(format_downtime(0.9999), "52.6 min");
        assert_eq!(format_downtime(0.99999), "5.26 min");
        // The figures themselves, before rounding for display.
        let close = |a: f64, b: f64| (a - b).abs() < 1e-6 * b;
        assert!(close(downtime_per_year_s(0.99), 3.65 * 86_400.0));
        assert!(close(downtime_per_year_s(0.999), 8.76 * 3_600.0));
        assert!(close(downtime_per_year_s(0.9999), 52.56 * 60.0));
        assert!(close(downtime_per_year_s(0.99999), 5.256 * 60.0));
        assert_eq!(format_downtime(1.0), "0 s");
        assert_eq!(format_downtime(0.0), "365 days");
    }

    #[test]
    fn nines_and_percentages() {
        assert!((nines(0.99) - 2.0).abs() < 1e-9);
        assert!((nines(0.999) - 3.0).abs() < 1e-9);
        assert!((nines(0.99999) - 5.0).abs() < 1e-9);
        assert!(nines(1.0).is_infinite());
        assert_eq!(format_nines(0.999), "3.00 nines");
        assert_eq!(format_nines(1.0), "no failure yet");
        assert_eq!(format_percent(0.5), "50.0%");
        assert_eq!(format_percent(0.909_09), "90.9%");
        assert_eq!(format_percent(0.9952), "99.52%");
        assert_eq!(format_percent(0.999), "99.90%");
        assert_eq!(format_percent(0.99999), "99.9990%");
        assert_eq!(format_percent(1.0), "100%");
    }

    #[test]
    fn histogram_percentiles_are_within_three_percent() {
        let mut h = LatencyHistogram::default();
        // 1, 2, ..., 1000 ms.
        for ms in 1..=1000u64 {
            h.record(ms * 1_000_000);
        }
        for (point, exact_ms) in [(P50, 500.0), (P99, 990.0), (P999, 999.0)] {
            let got = h.percentile(point, 0).expect("a percentile") as f64 / 1e6;
            assert!(
                (got - exact_ms).abs() <= exact_ms / 32.0,
                "{point}: {got} vs {exact_ms}"
            );
        }
        // Ten unanswered requests on top: the top 1% of 1010 is among them.
        assert_eq!(h.percentile(P99, 11), None);
        assert!(h.percentile(P99, 10).is_some());
        assert_eq!(LatencyHistogram::default().percentile(P50, 0), None);
        // Tiny and huge values stay in range.
        h.record(0);
        h.record(u64::MAX);
        assert_eq!(h.total(), 1002);
    }

    #[test]
    fn slo_arithmetic_is_exact() {
        assert_eq!(point_of(99.9), 99_900);
        assert_eq!(point_of(99.999), 99_999);
        assert!(slo_met(999, 1000, point_of(99.9)));
        assert!(!slo_met(998, 1000, point_of(99.9)));
        assert!(slo_met(0, 0, point_of(99.0)));
    }
}
