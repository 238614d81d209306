//! The RPC scenario's views: the graph's one-line summary, the inspector (marshalled bytes in hex
//! beside what they decode to, the server's ledger) and the claims panel.

use super::wire::{self, Value};
use super::{Outcome, Phase, Retry, Rpc, Stable, State};
use crate::sim::protocol::{Fields, Verdict};
use std::collections::BTreeMap;

pub(super) fn summary(p: &Rpc, state: Option<&State>, stable: &Stable) -> String {
    let Some(state) = state else {
        return "down".into();
    };
    match (&state.pending, stable.client) {
        (Some(pending), _) => format!(
            "call {}/{} · attempt {}",
            stable.next_call, p.calls, pending.attempt
        ),
        (None, true) => {
            let answered = stable
                .calls
                .iter()
                .filter(|c| matches!(c.outcome, Outcome::Answered { .. }))
                .count();
            format!("{answered}/{} answered", stable.calls.len())
        }
        _ => format!(
            "balance {} · {} charge(s)",
            wire::money(stable.balance),
            stable.ledger.len()
        ),
    }
}

pub(super) fn inspect(p: &Rpc, state: Option<&State>, stable: &Stable) -> (Option<Fields>, Fields) {
    let f = |k: &str, v: String| (k.to_string(), v);
    let volatile = state.map(|s| {
        let mut out = Vec::new();
        if let Some(pending) = &s.pending {
            out.push(f(
                "current call",
                format!(
                    "#{} {} attempt {} ({})",
                    pending.id,
                    wire::procedure_name(pending.procedure),
                    pending.attempt,
                    if pending.phase == Phase::Waiting {
                        "waiting for the reply"
                    } else {
                        "backing off before a retry"
                    }
                ),
            ));
        }
        for (what, bytes) in s.recent.iter().rev() {
            out.push(f(
                &format!("{what} · {} bytes", bytes.len()),
                wire::hex(bytes),
            ));
            out.push(f(&format!("{what} · decoded"), wire::summarize(bytes)));
        }
        out
    });
    let mut out = Vec::new();
    if stable.client {
        out.push(f(
            "calls made",
            format!("{} of {}", stable.next_call, p.calls),
        ));
        out.push(f("timeouts", stable.timeouts.len().to_string()));
        for c in stable.calls.iter().rev().take(6) {
            let result = match &c.outcome {
                Outcome::GaveUp => "gave up: did it run? unknown".to_string(),
                Outcome::Answered { status, values } => {
                    let v: Vec<String> = values
                        .iter()
                        .map(|v| match v {
                            Value::Int(i) => i.to_string(),
                            Value::Str(s) => s.clone(),
                        })
                        .collect();
                    format!("{} [{}]", wire::status_name(*status), v.join(", "))
                }
            };
            out.push(f(
                &format!("call #{} {}", c.id, wire::procedure_name(c.procedure)),
                format!("{result} after {} attempt(s)", c.attempts),
            ));
        }
    } else {
        out.push(f("balance", wire::money(stable.balance)));
        out.push(f("charges in the ledger", stable.ledger.len().to_string()));
        let doubles = double_charges(stable);
        if let Some((id, times)) = doubles.first() {
            out.push(f(
                "charged more than once",
                format!(
                    "request #{id}: {times} times ({} requests in all)",
                    doubles.len()
                ),
            ));
        }
        for c in stable.ledger.iter().rev().take(8) {
            out.push(f(
                &format!("txn {}", c.txn),
                format!(
                    "{} for request #{} (attempt {})",
                    wire::money(c.amount),
                    c.request,
                    c.attempt
                ),
            ));
        }
        if p.dedup {
            out.push(f(
                "deduplication table",
                format!("{} results", stable.dedup.len()),
            ));
            out.push(f("repeats answered from it", stable.replayed.to_string()));
        }
        if stable.garbled > 0 {
            out.push(f("unreadable requests", stable.garbled.to_string()));
        }
    }
    (volatile, out)
}

/// (request id, times charged) for every payment charged more than once, by request id.
pub fn double_charges(server: &Stable) -> Vec<(u32, usize)> {
    let mut times: BTreeMap<u32, usize> = BTreeMap::new();
    for c in &server.ledger {
        *times.entry(c.request).or_default() += 1;
    }
    times.into_iter().filter(|(_, n)| *n > 1).collect()
}

/// Timeouts the client saw, split by what really happened: (request lost, reply lost).
pub fn classify_timeouts(client: &Stable, server: &Stable) -> (usize, usize) {
    let reply_lost = client
        .timeouts
        .iter()
        .filter(|a| server.arrived.contains(a))
        .count();
    (client.timeouts.len() - reply_lost, reply_lost)
}

pub(super) fn marshalling_verdict(server: &Stable) -> Verdict {
    let claim = "Marshalling turns a call into bytes and back";
    let n = server.arrived.len();
    if let Some(first) = server.altered.first() {
        return Verdict::new(
            claim,
            "fails",
            format!(
                "a damaged request unmarshalled to other arguments: {first} (switch the \
                 checksum on)"
            ),
        );
    }
    if n == 0 {
        return Verdict::new(claim, "pending", "no request has reached the server yet");
    }
    Verdict::new(
        claim,
        "holds",
        format!(
            "{n} request(s) unmarshalled by the server to exactly the arguments the client \
             marshalled{}",
            if server.garbled > 0 {
                format!("; {} unreadable one(s) dropped", server.garbled)
            } else {
                String::new()
            }
        ),
    )
}

pub(super) fn timeout_verdict(p: &Rpc, client: &Stable, server: &Stable) -> Verdict {
    let claim = "A lost request and a lost reply look the same to the client";
    let (req, rep) = classify_timeouts(client, server);
    let detail = format!(
        "{} timeout(s): {req} where the request was lost, {rep} where the server ran the call \
         and the reply was lost. The client saw the same each time: no reply within {} ms.",
        req + rep,
        p.timeout.as_ms_f64()
    );
    Verdict::new(
        claim,
        if req > 0 && rep > 0 {
            "holds"
        } else {
            "pending"
        },
        if req > 0 && rep > 0 {
            detail
        } else {
            format!("{detail} Drop a request and a reply to compare.")
        },
    )
}

pub(super) fn once_verdict(p: &Rpc, server: &Stable) -> Verdict {
    let doubles = double_charges(server);
    let repeats = server
        .arrived
        .iter()
        .filter(|(_, attempt)| *attempt > 1)
        .count();
    if p.dedup {
        let claim = "With deduplication by request id, each payment runs at most once";
        return match doubles.first() {
            Some((id, n)) => Verdict::new(
                claim,
                "fails",
                format!("request #{id} was charged {n} times"),
            ),
            None if server.replayed > 0 => Verdict::new(
                claim,
                "holds",
                format!(
                    "{} repeated request(s) answered from the table without running again; \
                     no payment charged twice",
                    server.replayed
                ),
            ),
            None => Verdict::new(
                claim,
                "pending",
                "no request has reached the server twice yet: drop a reply to make the client \
                 retry",
            ),
        };
    }
    let claim = "Retrying without deduplication is at-least-once: a payment can run twice";
    match doubles.first() {
        Some((id, n)) => Verdict::new(
            claim,
            "holds",
            format!(
                "request #{id} charged the card {n} times: {} in the ledger for one payment{}",
                wire::money(p.amount * *n as i64),
                if doubles.len() > 1 {
                    format!(" ({} payments charged more than once)", doubles.len())
                } else {
                    String::new()
                }
            ),
        ),
        None if p.retry == Retry::None => Verdict::new(
            claim,
            "pending",
            "retries are off: a timed-out call is never repeated (at-most-once, but a lost call \
             is simply lost)",
        ),
        None => Verdict::new(
            claim,
            "pending",
            format!(
                "{repeats} retried request(s) reached the server, none a payment that had run \
                 already: drop a payment's reply to see it"
            ),
        ),
    }
}
