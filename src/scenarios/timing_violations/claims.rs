//! How the timing-violations run bears out the lecture's claims, for the claims panel.

use super::view::{at, secs, Cause};
use super::State;
use crate::sim::protocol::Verdict;
use crate::sim::Duration;

pub fn verdicts(bound: Duration, states: &[Option<State>]) -> Vec<Verdict> {
    let Some(Some(State::Monitor(m))) = states.first() else {
        return vec![Verdict::new(
            "The monitor's view",
            "pending",
            "the monitor is down: nobody is watching",
        )];
    };
    let e = &m.evidence;
    let bound = secs(bound);
    let miss = |claim: &str, causes: &[Cause], hint: &str| match e.latest_of(causes) {
        None => Verdict::new(claim, "pending", hint),
        Some(x) => Verdict::new(
            claim,
            "holds",
            format!(
                "{} time(s); latest: n{}'s heartbeat {} was handled {} after it was due \
                 (Δ = {bound}) at {}: {}",
                e.count_of(causes),
                x.node,
                x.seq,
                secs(x.delay),
                at(x.at),
                x.cause.explain()
            ),
        ),
    };
    // Suspected nodes that are in fact up (running or only paused).
    let wrong: Vec<String> = m
        .peers
        .iter()
        .enumerate()
        .filter(|(i, p)| p.suspected_since.is_some() && matches!(states.get(*i), Some(Some(_))))
        .map(|(i, _)| format!("n{i}"))
        .collect();
    let right: Vec<String> = m
        .peers
        .iter()
        .enumerate()
        .filter(|(i, p)| p.suspected_since.is_some() && matches!(states.get(*i), Some(None)))
        .map(|(i, _)| format!("n{i}"))
        .collect();
    let wrong_view = match (&e.latest_false, wrong.is_empty()) {
        (_, false) => Verdict::new(
            "While the bound is broken, the timeout view is wrong",
            "holds",
            format!(
                "right now the monitor suspects {}, which is alive",
                wrong.join(", ")
            ),
        ),
        (Some(x), true) => Verdict::new(
            "While the bound is broken, the timeout view is wrong",
            "holds",
            format!(
                "{} false suspicion(s); latest: n{} suspected from {} to {} while alive, \
                 cleared when its heartbeat came",
                e.false_suspicions,
                x.node,
                at(x.from),
                at(x.to)
            ),
        ),
        (None, true) => Verdict::new(
            "While the bound is broken, the timeout view is wrong",
            "pending",
            "no false suspicion yet",
        ),
    };
    let bound_holds = if e.unexplained == 0 {
        Verdict::new(
            "While the bound holds, the timeout view is right",
            "holds",
            format!(
                "every false suspicion so far ({}) came with a heartbeat later than Δ or \
                 one that never arrived",
                e.false_suspicions
            ),
        )
    } else {
        Verdict::new(
            "While the bound holds, the timeout view is right",
            "fails",
            format!(
                "{} false suspicion(s) with no heartbeat late or missing",
                e.unexplained
            ),
        )
    };
    let now = if !wrong.is_empty() {
        Verdict::new(
            "The monitor's view right now is correct",
            "fails",
            format!("wrong: it suspects {}, which is alive", wrong.join(", ")),
        )
    } else if !right.is_empty() {
        Verdict::new(
            "The monitor's view right now is correct",
            "holds",
            format!("it suspects {}, which has crashed", right.join(", ")),
        )
    } else {
        Verdict::new(
            "The monitor's view right now is correct",
            "holds",
            "it suspects nobody",
        )
    };
    vec![
        miss(
            "A pause breaks the bound Δ",
            &[Cause::SenderPaused, Cause::ReceiverHeld],
            "no paused node has made a heartbeat late yet (pause a worker)",
        ),
        miss(
            "Congestion breaks the bound Δ",
            &[Cause::Congestion],
            "no heartbeat has queued past Δ yet (n2's upload, or a slower link)",
        ),
        miss(
            "A retransmission breaks the bound Δ",
            &[Cause::Retransmission],
            "no resent heartbeat yet (loss on a link, with retransmission on)",
        ),
        wrong_view,
        bound_holds,
        now,
    ]
}
