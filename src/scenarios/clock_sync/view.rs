//! What the page shows of the clock-sync run: summaries, the inspector, and the lecture's claims
//! as the run bears them out.

use super::client::{Action, Exchange};
use super::{ClockSync, Discipline, State, Stats};
use crate::sim::protocol::{Fields, Verdict};

fn ms(ns: i64) -> f64 {
    ns as f64 / 1e6
}

fn field(k: &str, v: String) -> (String, String) {
    (k.to_string(), v)
}

pub(super) fn summary(state: Option<&State>, stats: &Stats) -> String {
    match state {
        None => "down".into(),
        Some(State::Server(s)) => format!("served {}", s.served),
        Some(State::Client(c)) => match &stats.last {
            None => "no reply yet".into(),
            Some(x) => {
                let mut s = format!("off {:+.3} ms", ms(x.true_theta));
                if c.slew.is_some() {
                    s.push_str(" · slewing");
                } else if x.action == Action::Refused {
                    s.push_str(" · refused");
                }
                s
            }
        },
    }
}

fn exchange_fields(x: &Exchange) -> Fields {
    let mut f: Fields = [
        "t1 (client sends)",
        "t2 (server receives)",
        "t3 (server replies)",
        "t4 (client receives)",
    ]
    .iter()
    .zip(x.t)
    .map(|(k, t)| field(k, format!("{:.6} s", t as f64 / 1e9)))
    .collect();
    f.extend([
        field("estimated offset θ", format!("{:+.3} ms", ms(x.theta))),
        field("round trip δ", format!("{:.3} ms", ms(x.delta))),
        field("true offset", format!("{:+.3} ms", ms(x.true_theta))),
        field(
            "error (estimate − true)",
            format!("{:+.3} ms", ms(x.err2) / 2.0),
        ),
        field("bound (δ/2)", format!("{:.3} ms", ms(x.delta) / 2.0)),
        field(
            "true latencies",
            format!(
                "up {:.3} ms, down {:.3} ms, server {:.3} ms",
                ms(x.up),
                ms(x.down),
                ms(x.processing)
            ),
        ),
        field(
            "half the asymmetry",
            format!("{:+.3} ms", ms(x.asym2) / 2.0),
        ),
        field("decision", decision(x.action)),
    ]);
    f
}

fn decision(a: Action) -> String {
    match a {
        Action::Measured => "measured only".into(),
        Action::Slewed { ns: 0, .. } => "nothing to correct".into(),
        Action::Slewed { ppm, ns } => {
            format!("slew at {ppm:+.0} ppm for {:.1} s", ns as f64 / 1e9)
        }
        Action::Stepped => "step the clock".into(),
        Action::Refused => "refused: beyond the panic threshold".into(),
        Action::Discarded => "discarded: δ not positive".into(),
    }
}

pub(super) fn inspect(state: Option<&State>, stats: &Stats) -> (Option<Fields>, Fields) {
    let volatile = state.map(|s| match s {
        State::Server(s) => vec![
            field("requests served", s.served.to_string()),
            field("being processed", s.serving.len().to_string()),
        ],
        State::Client(c) => vec![field(
            "slewing",
            match c.slew {
                None => "no".into(),
                Some(s) => format!(
                    "at {:+.0} ppm for {:.1} s, from {:.3} s",
                    s.ppm,
                    s.ns as f64 / 1e9,
                    s.started.0 as f64 / 1e9
                ),
            },
        )],
    });
    if matches!(state, Some(State::Server(_))) {
        return (volatile, Vec::new());
    }
    let mut stable = vec![
        field("exchanges", stats.exchanges.to_string()),
        field("steps", stats.steps.to_string()),
        field("slews started", stats.slews.to_string()),
        field("refused (panic)", stats.refused.to_string()),
        field("discarded", stats.discarded.to_string()),
        field("replies lost or late", stats.lost.to_string()),
        field("errors beyond δ/2", stats.beyond_bound.to_string()),
        field("largest δ", format!("{:.3} ms", ms(stats.max_delta))),
    ];
    if let Some((e2, d)) = stats.closest {
        stable.push(field(
            "closest to the bound",
            format!(
                "error {:.3} ms of δ/2 = {:.3} ms",
                ms(e2) / 2.0,
                ms(d) / 2.0
            ),
        ));
    }
    if let Some(x) = &stats.last {
        stable.extend(exchange_fields(x));
    }
    (volatile, stable)
}

pub(super) fn verdicts(p: &ClockSync, stats: &[Stats]) -> Vec<Verdict> {
    let clients: Vec<(usize, &Stats)> = stats.iter().enumerate().skip(1).collect();
    vec![
        bound_verdict(&clients),
        asymmetry_verdict(&clients),
        sync_verdict(p, &clients),
    ]
}

fn bound_verdict(clients: &[(usize, &Stats)]) -> Verdict {
    let claim = "The offset estimate's error is at most half the round-trip time";
    let n: u64 = clients.iter().map(|(_, s)| s.exchanges).sum();
    let beyond: u64 = clients.iter().map(|(_, s)| s.beyond_bound).sum();
    let closest = clients
        .iter()
        .filter_map(|(i, s)| s.closest.map(|c| (c, *i)))
        .max_by(|((a, b), _), ((c, d), _)| {
            (*a as i128 * *d as i128).cmp(&(*c as i128 * *b as i128))
        });
    match closest {
        None => Verdict::new(claim, "pending", "no exchange yet"),
        Some(((e2, d), i)) => {
            let detail = format!(
                "{beyond} of {n} exchanges beyond the bound; closest: n{i} off by {:.3} ms with \
                 δ/2 = {:.3} ms",
                ms(e2) / 2.0,
                ms(d) / 2.0
            );
            Verdict::new(claim, if beyond == 0 { "holds" } else { "fails" }, detail)
        }
    }
}

fn asymmetry_verdict(clients: &[(usize, &Stats)]) -> Verdict {
    let claim = "The error is half the latency asymmetry: zero when both ways take as long";
    let parts: Vec<String> = clients
        .iter()
        .filter(|(_, s)| s.exchanges > 0)
        .map(|(i, s)| {
            let n = s.exchanges as f64;
            format!(
                "n{i}: mean error {:+.3} ms, mean half-asymmetry {:+.3} ms",
                s.sum_err2 as f64 / 2e6 / n,
                s.sum_asym2 as f64 / 2e6 / n
            )
        })
        .collect();
    let last = clients
        .iter()
        .filter_map(|(i, s)| s.last.map(|x| (*i, x)))
        .max_by_key(|(_, x)| x.at);
    match last {
        None => Verdict::new(claim, "pending", "no exchange yet"),
        Some((i, x)) => Verdict::new(
            claim,
            "holds",
            format!(
                "latest, n{i}: up {:.3} ms, down {:.3} ms{} → error {:+.3} ms = half the \
                 asymmetry {:+.3} ms + clock rates {:+.6} ms. {}",
                ms(x.up),
                ms(x.down),
                if x.processing > 0 {
                    format!(", server {:.3} ms", ms(x.processing))
                } else {
                    String::new()
                },
                ms(x.err2) / 2.0,
                ms(x.asym2) / 2.0,
                ms(x.drift2) / 2.0,
                parts.join("; ")
            ),
        ),
    }
}

fn sync_verdict(p: &ClockSync, clients: &[(usize, &Stats)]) -> Verdict {
    let claim = "Syncing periodically keeps drifting clocks within a bound";
    let mut fails = Vec::new();
    let mut pending = Vec::new();
    let mut holds = Vec::new();
    for (i, s) in clients {
        let Some(x) = &s.last else {
            pending.push(format!("n{i}: no exchange yet"));
            continue;
        };
        let b = ms(p.sync_bound(s));
        let off = ms(x.true_theta);
        if x.action == Action::Refused {
            fails.push(format!(
                "n{i} refused an offset of {:.3} s (beyond the panic threshold) and stays that wrong",
                off / 1e3
            ));
        } else if off.abs() > b && p.discipline == Discipline::None {
            fails.push(format!(
                "n{i} is never corrected: {off:+.3} ms off and drifting, beyond ±{b:.3} ms"
            ));
        } else if off.abs() > b {
            pending.push(format!(
                "n{i} converging: {off:+.3} ms off, bound ±{b:.3} ms"
            ));
        } else {
            holds.push(format!(
                "n{i} within ±{b:.3} ms (half its largest δ + {} ppm × {:.1} s poll): {off:+.3} ms \
                 now, worst {:.3} ms since it settled",
                p.drift_spec_ppm,
                p.poll.0 as f64 / 1e9,
                ms(s.worst_settled)
            ));
        }
    }
    let (status, parts) = if !fails.is_empty() {
        ("fails", fails)
    } else if !pending.is_empty() {
        ("pending", pending)
    } else {
        ("holds", holds)
    };
    Verdict::new(claim, status, parts.join("; "))
}
