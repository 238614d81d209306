//! How the client–server run bears out the lecture's claims, in words for the notes and the
//! claims panel.

use super::delays::{bytes, kbps, merged, ms, Delays, Fit, Sample, Stamp, Tally};
use super::{Client, State};
use crate::sim::protocol::Verdict;
use crate::sim::Duration;

/// "500,000 B in 334 packets of at most 1500 B; waits 0.30 s behind earlier packets".
pub fn describe(s: &Stamp) -> String {
    let mut t = if s.packets == 1 {
        format!("{} in 1 packet", bytes(s.size as u64))
    } else {
        format!(
            "{} in {} packets of at most {}",
            bytes(s.size as u64),
            s.packets,
            bytes(s.mtu as u64)
        )
    };
    if s.wait >= Duration::from_ms(1) {
        t += &format!("; waits {} behind earlier packets", ms(s.wait));
    }
    t
}

/// "took 550.00 ms = L 50.00 ms + s/B 500.00 ms" (+ wait), and a word if it did not fit.
pub fn explain(s: &Sample) -> String {
    let st = &s.stamp;
    let mut t = format!(
        "took {} one way: L {} + size/B {}",
        ms(s.observed),
        ms(st.latency),
        ms(st.transmission)
    );
    if st.wait > Duration::ZERO {
        t += &format!(" + queueing {}", ms(st.wait));
    }
    t += &format!(" = {}", ms(st.predicted()));
    match s.fit {
        Fit::OnModel => {}
        Fit::Late => {
            t += " — later than the model: retried after a loss, a paused node, or a link \
                  changed on the way"
        }
        Fit::Early => t += " — earlier than predicted: the link was changed on the way",
    }
    t
}

pub fn verdicts(states: &[Option<State>]) -> Vec<Verdict> {
    let none = Delays::default();
    let client = match states.first() {
        Some(Some(State::Client(c))) => Some(c),
        _ => None,
    };
    let server_delays = match states.get(1) {
        Some(Some(State::Server(s))) => &s.delays,
        _ => &none,
    };
    let client_delays = client.map_or(&none, |c| &c.delays);
    let small = merged(&client_delays.small, &server_delays.small);
    let large = merged(&client_delays.large, &server_delays.large);
    let queued = merged(&client_delays.queued, &server_delays.queued);
    vec![
        fit_verdict(
            "A small message takes about the latency L",
            &small,
            "no small message yet: one is small when size/B is under 5% of L \
             (try a request of a few hundred bytes)",
        ),
        fit_verdict(
            "A large message takes about L + size/B",
            &large,
            "no large message yet: make one whose size/B is more than 5% of L",
        ),
        throughput_verdict(client_delays, server_delays),
        congestion_verdict(&queued, client),
    ]
}

fn name(s: &Sample) -> String {
    format!(
        "{} {} ({})",
        s.stamp.what,
        s.stamp.id,
        bytes(s.stamp.size as u64)
    )
}

fn fit_verdict(claim: &str, t: &Tally, pending: &str) -> Verdict {
    let off = t.late + t.early;
    let total = t.on_model + off;
    match (&t.example, &t.misfit) {
        (None, None) => Verdict::new(claim, "pending", pending),
        (Some(ex), _) if t.early == 0 => {
            let mut d = format!(
                "{} of {total} fit the model; latest: {} {}",
                t.on_model,
                name(ex),
                explain(ex)
            );
            if t.late > 0 {
                d += &format!(
                    ". {} came later than the model allows (a retry after a loss, a pause, \
                     or a link changed on the way)",
                    t.late
                );
            }
            Verdict::new(claim, "holds", d)
        }
        (_, Some(m)) => Verdict::new(
            claim,
            "fails",
            format!(
                "{off} of {total} did not fit; latest: {} {}",
                name(m),
                explain(m)
            ),
        ),
        (Some(ex), None) => Verdict::new(claim, "holds", explain(ex)),
    }
}

fn throughput_verdict(a: &Delays, b: &Delays) -> Verdict {
    let claim = "Throughput never exceeds the bandwidth B";
    let fastest = match (a.fastest, b.fastest) {
        (Some(x), Some(y)) => Some(if x.0 >= y.0 { x } else { y }),
        (x, y) => x.or(y),
    };
    match fastest {
        None => Verdict::new(
            claim,
            "pending",
            "no message crossed a link with a bandwidth limit yet (B = 0 means unlimited)",
        ),
        Some((ratio, s)) => {
            let b = s.stamp.bandwidth.unwrap_or(0) as f64;
            let detail = format!(
                "fastest transfer: {} at {} on a {} link ({:.2}% of B)",
                name(&s),
                kbps(ratio * b),
                kbps(b),
                ratio * 100.0
            );
            let status = if ratio <= 1.0 + 1e-6 {
                "holds"
            } else {
                "fails"
            };
            Verdict::new(claim, status, detail)
        }
    }
}

fn congestion_verdict(q: &Tally, client: Option<&Client>) -> Verdict {
    let claim = "Queued packets wait behind each other (congestion)";
    let Some(ex) = &q.example else {
        return Verdict::new(
            claim,
            "pending",
            "nothing has queued yet: send requests faster than the link drains their answers \
             (fixed-interval, with an interval under response size / B)",
        );
    };
    let mut d = format!(
        "{} waited {} behind earlier packets: it {}",
        name(ex),
        ms(ex.stamp.wait),
        explain(ex)
    );
    if let Some(c) = client.filter(|c| c.longest_rise >= 2) {
        d += &format!(
            ". Round trips rose {} times in a row, from {} to {}",
            c.longest_rise,
            ms(Duration::from_ms_f64(c.first_rtt.unwrap_or(0.0))),
            ms(Duration::from_ms_f64(c.max_rtt))
        );
    }
    Verdict::new(claim, "holds", d)
}
