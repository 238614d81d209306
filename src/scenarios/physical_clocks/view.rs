//! What the page shows of the physical-clocks run: each node's one-line summary, its inspector
//! listing, and the lecture's claims as the run bears them out.

use super::{ms, secs, Stable, State};
use crate::sim::protocol::{Fields, Verdict};
use crate::sim::{Duration, Time};

pub(super) fn summary(state: Option<&State>, stable: &Stable) -> String {
    if state.is_none() {
        return "down".into();
    }
    let mut s = format!("drift {}", secs(stable.drift_ns));
    if stable.violations > 0 {
        s.push_str(&format!(" · {} out of order", stable.violations));
    }
    s
}

pub(super) fn inspect(state: Option<&State>, stable: &Stable) -> (Option<Fields>, Fields) {
    let pair = |v: Option<(i64, i64)>, which: usize| {
        v.map_or("—".to_string(), |p| {
            format!("{:.3} ms", ms(if which == 0 { p.0 } else { p.1 }))
        })
    };
    let volatile = state.map(|s| {
        vec![
            ("requests sent".to_string(), s.next_id.to_string()),
            ("awaiting replies".to_string(), s.pending.len().to_string()),
            ("jobs done".to_string(), s.jobs.to_string()),
            ("last job (time of day)".to_string(), pair(s.last_job, 0)),
            ("last job (monotonic)".to_string(), pair(s.last_job, 1)),
            (
                "last round trip (time of day)".to_string(),
                pair(s.last_rtt, 0),
            ),
            (
                "last round trip (monotonic)".to_string(),
                pair(s.last_rtt, 1),
            ),
        ]
    });
    let stable = vec![
        (
            "accumulated drift (monotonic − true)".to_string(),
            secs(stable.drift_ns),
        ),
        (
            "measured rate".to_string(),
            format!("{:+.3} ppm", stable.rate_ppm),
        ),
        (
            "at this rate, per day".to_string(),
            format!("{:+.3} s", stable.rate_ppm * 86_400.0 / 1e6),
        ),
        (
            "negative time-of-day durations".to_string(),
            format!("{} of {}", stable.negative_tod, stable.timed),
        ),
        (
            "timestamps against causality".to_string(),
            format!("{} in {} exchanges", stable.violations, stable.exchanges),
        ),
    ];
    (volatile, stable)
}

pub(super) fn verdicts(stable: &[Stable], job: Duration) -> Vec<Verdict> {
    vec![
        drift_verdict(stable),
        step_verdict(stable, job),
        causality_verdict(stable),
    ]
}

fn drift_verdict(stable: &[Stable]) -> Verdict {
    let claim = "Drift accumulates linearly (50 ppm ≈ 4.32 s a day)";
    let Some(t) = stable
        .iter()
        .map(|s| s.sampled_at)
        .max()
        .filter(|t| *t > Time::ZERO)
    else {
        return Verdict::new(claim, "pending", "no clock sampled yet");
    };
    let parts: Vec<String> = stable
        .iter()
        .enumerate()
        .map(|(i, s)| {
            format!(
                "n{i} {:+.1} ppm: {} so far, {:+.2} s/day",
                s.rate_ppm,
                secs(s.drift_ns),
                s.rate_ppm * 0.0864
            )
        })
        .collect();
    Verdict::new(
        claim,
        "holds",
        format!(
            "after {:.1} s of true time — {}",
            t.0 as f64 / 1e9,
            parts.join("; ")
        ),
    )
}

fn step_verdict(stable: &[Stable], job: Duration) -> Verdict {
    let claim = "A clock stepped back makes a time-of-day duration negative; the monotonic clock \
                 never goes back";
    let timed: u64 = stable.iter().map(|s| s.timed).sum();
    if let Some(m) = stable
        .iter()
        .filter_map(|s| s.min_mono)
        .min()
        .filter(|m| *m < 0)
    {
        return Verdict::new(
            claim,
            "fails",
            format!("a monotonic clock measured {:.3} ms", ms(m)),
        );
    }
    let worst = stable
        .iter()
        .enumerate()
        .filter_map(|(i, s)| s.worst.map(|w| (w, i)))
        .min();
    match worst {
        None => Verdict::new(
            claim,
            "pending",
            format!(
                "{timed} durations timed, none negative yet: step a clock back by more than a job \
                 ({:.0} ms) while it runs",
                job.as_ms_f64()
            ),
        ),
        Some(((tod, mono), i)) => {
            let negative: u64 = stable.iter().map(|s| s.negative_tod).sum();
            Verdict::new(
                claim,
                "holds",
                format!(
                    "{negative} of {timed} durations negative by the time-of-day clock; worst: n{i} \
                     measured {:.3} ms by time of day, {:.3} ms by the monotonic clock",
                    ms(tod),
                    ms(mono)
                ),
            )
        }
    }
}

fn causality_verdict(stable: &[Stable]) -> Verdict {
    let claim = "Timestamps from different clocks can order events against causality";
    let exchanges: u64 = stable.iter().map(|s| s.exchanges).sum();
    let violations: u64 = stable.iter().map(|s| s.violations).sum();
    let last = stable
        .iter()
        .filter_map(|s| s.last_violation.as_ref().map(|v| (s.sampled_at, v)))
        .max_by_key(|(t, _)| *t);
    match last {
        None => Verdict::new(
            claim,
            "pending",
            format!(
                "{exchanges} exchanges, every reply stamped after its request so far: step a \
                 clock back by more than the network latency"
            ),
        ),
        Some((_, text)) => Verdict::new(
            claim,
            "holds",
            format!("{violations} wrong orderings in {exchanges} exchanges; latest: {text}"),
        ),
    }
}
