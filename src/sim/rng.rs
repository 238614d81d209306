//! The run's randomness: a named, portable generator (PCG32, from `rand_pcg`), seeded from the run's
//! seed, so the same seed gives the same stream on every platform and every version of `rand`.
//! Transcendental maths goes through `libm`, which gives the same bits natively and in wasm.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg32;

#[derive(Clone, Debug)]
pub struct SimRng(Pcg32);

impl SimRng {
    /// `stream` separates independent streams drawn from one seed (network, protocol, faults), so
    /// a change in how often one is drawn from does not shift the others.
    pub fn new(seed: u64, stream: u64) -> SimRng {
        let mixed = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        SimRng(Pcg32::seed_from_u64(mixed))
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        self.0.random::<f64>()
    }

    /// True with probability `p` (p ≤ 0 never, p ≥ 1 always, without drawing).
    pub fn chance(&mut self, p: f64) -> bool {
        if p <= 0.0 {
            false
        } else if p >= 1.0 {
            true
        } else {
            self.unit() < p
        }
    }

    /// Uniform integer in [0, n); n must be positive.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0.random_range(0..n.max(1))
    }

    /// Exponentially distributed with the given mean.
    pub fn exponential(&mut self, mean: f64) -> f64 {
        // 1 - u is in (0, 1], so the logarithm is finite.
        -mean * libm::log(1.0 - self.unit())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.random::<u64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream_and_streams_differ() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = SimRng::new(7, 1);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = SimRng::new(7, 1);
                move |_| r.next_u64()
            })
            .collect();
        let c: Vec<u64> = (0..4)
            .map({
                let mut r = SimRng::new(7, 2);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn exponential_has_the_requested_mean() {
        let mut r = SimRng::new(1, 0);
        let n = 100_000;
        let mean = (0..n).map(|_| r.exponential(20.0)).sum::<f64>() / n as f64;
        assert!((mean - 20.0).abs() < 0.3, "mean {mean}");
    }
}
