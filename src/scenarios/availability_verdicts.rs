//! The availability scenario's claims panel: what the clients measured, set against the lecture's
//! claims. Reads every client's stable measurements and every server's crash count.

use super::stats::{self, P50, P99, P999};
use super::{totals, Availability, ClientStats, Stable, State};
use crate::sim::protocol::Verdict;
use crate::sim::Time;

/// Random failures to see before comparing with MTBF / (MTBF + MTTR).
pub const MIN_FAILURES: u64 = 20;

fn ms(ns: Option<u64>) -> String {
    ns.map_or("no answer".into(), |v| format!("{:.1} ms", v as f64 / 1e6))
}

/// How often server `i` has crashed so far (including a crash going on now).
fn crashes(states: &[Option<State>], stable: &[Stable], i: usize) -> u64 {
    let boots = stable.get(i).map_or(1, |s| s.boots.max(1)) as u64;
    let down = states.get(i).is_some_and(|s| s.is_none());
    boots - 1 + down as u64
}

pub(super) fn verdicts(
    p: &Availability,
    states: &[Option<State>],
    stable: &[Stable],
    now: Time,
) -> Vec<Verdict> {
    let t = totals(stable, p.replicas);
    let finished = t.answered + t.failed;
    let measured = (finished > 0).then(|| t.answered as f64 / finished as f64);
    let crashed: u64 = (0..p.replicas as usize)
        .map(|i| crashes(states, stable, i))
        .sum();
    let mut out = vec![measured_verdict(p, &t, measured)];
    out.push(redundancy_verdict(p, &t, crashed));
    if p.mtbf_s > 0.0 {
        out.push(mtbf_verdict(p, measured, finished, crashed, now));
    }
    out.push(slo_verdict(p, &t));
    out
}

fn measured_verdict(p: &Availability, t: &ClientStats, measured: Option<f64>) -> Verdict {
    const CLAIM: &str = "Availability: the share of requests answered in time";
    let Some(a) = measured else {
        return Verdict::new(CLAIM, "pending", "no request has finished yet");
    };
    Verdict::new(
        CLAIM,
        "holds",
        format!(
            "{} = {} ≈ {} of downtime a year; {} of {} requests answered within the {} ms \
             deadline",
            stats::format_percent(a),
            stats::format_nines(a),
            stats::format_downtime(a),
            t.answered,
            t.answered + t.failed,
            p.deadline().as_ms_f64()
        ),
    )
}

fn redundancy_verdict(p: &Availability, t: &ClientStats, crashed: u64) -> Verdict {
    if p.replicas == 1 {
        const CLAIM: &str = "A single server is a single point of failure";
        return if crashed == 0 {
            Verdict::new(
                CLAIM,
                "pending",
                "the server has not failed yet: crash it, or wait for a random fault",
            )
        } else if t.failed == 0 {
            Verdict::new(
                CLAIM,
                "pending",
                "the server is down; requests fail once their timeout runs out",
            )
        } else {
            Verdict::new(
                CLAIM,
                "holds",
                format!(
                    "the server failed {crashed} time(s), and {} requests sent while it was down \
                     got no answer: its fault became the service's failure",
                    t.failed
                ),
            )
        };
    }
    const CLAIM: &str = "With replicas, a fault need not become a failure";
    if crashed == 0 {
        return Verdict::new(
            CLAIM,
            "pending",
            "no replica has failed yet: crash one, or wait for a random fault",
        );
    }
    let rescued = format!(
        "{crashed} replica crash(es); {} requests answered by another replica after a failover",
        t.rescued
    );
    if t.failed == 0 {
        Verdict::new(CLAIM, "holds", format!("{rescued}, and none failed"))
    } else if t.rescued > 0 {
        Verdict::new(
            CLAIM,
            "holds",
            format!(
                "{rescued}; {} failed, sent while no replica could answer in time",
                t.failed
            ),
        )
    } else {
        Verdict::new(
            CLAIM,
            "fails",
            format!(
                "{crashed} replica crash(es) and {} failed requests, none rescued by failover: \
                 every replica was down",
                t.failed
            ),
        )
    }
}

fn mtbf_verdict(
    p: &Availability,
    measured: Option<f64>,
    finished: u64,
    crashed: u64,
    now: Time,
) -> Verdict {
    let one = p.mtbf_s / (p.mtbf_s + p.mttr_s);
    let r = p.replicas as i32;
    let expected = 1.0 - libm::pow(1.0 - one, r as f64);
    let (claim, formula) = if r == 1 {
        (
            "Over a long run, availability approaches MTBF / (MTBF + MTTR)",
            format!(
                "MTBF / (MTBF + MTTR) = {} / ({} + {}) = {}",
                p.mtbf_s,
                p.mtbf_s,
                p.mttr_s,
                stats::format_percent(expected)
            ),
        )
    } else {
        (
            "Replicas that fail independently: availability approaches 1 − (MTTR / (MTBF + MTTR))^r",
            format!(
                "one server alone: {}; {r} replicas, all down at once: 1 − {:.4}^{r} = {}",
                stats::format_percent(one),
                1.0 - one,
                stats::format_percent(expected)
            ),
        )
    };
    let Some(a) = measured else {
        return Verdict::new(claim, "pending", formula);
    };
    if crashed < MIN_FAILURES {
        return Verdict::new(
            claim,
            "pending",
            format!(
                "{formula}; measured {} after {crashed} of the {MIN_FAILURES} failures needed \
                 to compare",
                stats::format_percent(a)
            ),
        );
    }
    // How far chance alone may take the measurement (see the tests for the derivation): the
    // up and down times are exponential, and the requests are a random sample of time.
    let time_sd = if r == 1 {
        libm::sqrt(2.0 / crashed as f64) * one * (1.0 - one)
    } else {
        let t = (now.as_ms_f64() / 1e3).max(1.0);
        libm::sqrt(2.0 * (1.0 - expected) * (p.mttr_s / r as f64) / t)
    };
    let sample_sd = libm::sqrt(a * (1.0 - a) / finished as f64);
    let tolerance = 4.0 * libm::sqrt(time_sd * time_sd + sample_sd * sample_sd);
    let detail = format!(
        "{formula}; measured {} after {crashed} failures (chance alone allows ±{:.2} points; \
         crashes by hand count too)",
        stats::format_percent(a),
        100.0 * tolerance
    );
    let status = if (a - expected).abs() <= tolerance {
        "holds"
    } else {
        "fails"
    };
    Verdict::new(claim, status, detail)
}

fn slo_verdict(p: &Availability, t: &ClientStats) -> Verdict {
    let claim = format!(
        "SLO: {}% of requests answered within {} ms",
        p.slo_percent,
        p.slo.as_ms_f64()
    );
    let finished = t.answered + t.failed;
    // A P% target can only be missed once enough requests are in for one slow one to matter.
    let need = libm::ceil(100_000.0 / (100_000 - p.slo_point.min(99_999)) as f64) as u64;
    let pctl = |point| t.latencies.percentile(point, t.failed);
    let spread = format!(
        "p50 {}, p99 {}, p99.9 {}",
        ms(pctl(P50)),
        ms(pctl(P99)),
        ms(pctl(P999))
    );
    if finished < need {
        return Verdict::new(
            claim,
            "pending",
            format!(
                "{finished} requests finished; judging a {}% target needs at least {need}",
                p.slo_percent
            ),
        );
    }
    let within = stats::format_percent(t.within_slo as f64 / finished as f64);
    let at = ms(pctl(p.slo_point));
    if stats::slo_met(t.within_slo, finished, p.slo_point) {
        Verdict::new(
            claim,
            "holds",
            format!(
                "met: {within} answered within {} ms (p{} ≈ {at}; {spread})",
                p.slo.as_ms_f64(),
                p.slo_percent
            ),
        )
    } else {
        Verdict::new(
            claim,
            "fails",
            format!(
                "missed: only {within} answered within {} ms (p{} ≈ {at}; {spread})",
                p.slo.as_ms_f64(),
                p.slo_percent
            ),
        )
    }
}
