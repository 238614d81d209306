//! The failure-detector claims panel: the monitor's suspicions judged against the truth it cannot
//! see. Each watched node records in stable storage when each of its lives began and its latest
//! sign of life (true time); a node was alive at t if one of its lives covers t. (A node that
//! dies after a suspicion but before its next heartbeat counts as dead at the suspicion: the
//! record cannot place the crash more finely than one heartbeat interval.)

use super::{Episode, FailureDetector, Stable, State, Watch};
use crate::sim::protocol::Verdict;
use crate::sim::timing::TimingModel;
use crate::sim::{Duration, NodeId, Time};

fn secs(t: Time) -> String {
    format!("{:.3} s", t.as_ms_f64() / 1e3)
}

/// The truth about watched nodes, as their stable records and current states give it.
struct Truth<'a> {
    states: &'a [Option<State>],
    stable: &'a [Stable],
}

impl Truth<'_> {
    fn up(&self, n: NodeId) -> bool {
        self.states.get(n as usize).is_some_and(|s| s.is_some())
    }

    fn lives(&self, n: NodeId) -> &[(Time, Time)] {
        self.stable.get(n as usize).map_or(&[], |s| &s.lives)
    }

    /// Whether node `n` was alive at `t`.
    fn alive_at(&self, n: NodeId, t: Time) -> bool {
        let lives = self.lives(n);
        lives.iter().enumerate().any(|(j, &(born, last))| {
            born <= t && (t <= last || (j + 1 == lives.len() && self.up(n)))
        })
    }
}

/// A crash and how the monitor took it.
enum Detection {
    /// Suspected this long after the node's last sign of life; `in_time` against the bound.
    Detected { delay: Duration, in_time: bool },
    /// Not suspected yet, and the bound has not passed.
    Due { by: Time },
    /// Not suspected although the bound has passed (or the node came back first).
    Missed,
}

pub(super) fn verdicts(
    p: &FailureDetector,
    states: &[Option<State>],
    stable: &[Stable],
    now: Time,
) -> Vec<Verdict> {
    let truth = Truth { states, stable };
    let Some(monitor) = stable.first() else {
        return Vec::new();
    };
    let watches: &[Watch] = match states.first() {
        Some(Some(State::Monitor { watches })) => watches,
        _ => &[],
    };
    let episodes = &monitor.episodes;
    let false_ones: Vec<&Episode> = episodes
        .iter()
        .filter(|e| truth.alive_at(e.node, e.start))
        .collect();
    let suspected_alive: Vec<NodeId> = watches
        .iter()
        .enumerate()
        .filter(|(i, w)| w.suspected && truth.up(*i as NodeId + 1))
        .map(|(i, _)| i as NodeId + 1)
        .collect();

    let mut out = vec![completeness(p, &truth, episodes, watches, now)];
    out.push(accuracy(monitor, &false_ones, &suspected_alive));
    if let Some(TimingModel::PartiallySynchronous { gst, .. }) = p.timing {
        out.push(eventual_accuracy(p, gst, &false_ones, now));
    }
    out.push(indistinguishable(&false_ones, &suspected_alive));
    out
}

/// Every ended life of every watched node, with how the monitor detected its end.
fn detections(
    p: &FailureDetector,
    truth: &Truth,
    episodes: &std::collections::VecDeque<Episode>,
    watches: &[Watch],
    now: Time,
) -> Vec<(NodeId, Time, Detection)> {
    let mut out = Vec::new();
    for n in 1..truth.stable.len() as NodeId {
        let lives = truth.lives(n);
        for (j, &(_, last)) in lives.iter().enumerate() {
            let next_birth = lives.get(j + 1).map(|l| l.0);
            if next_birth.is_none() && truth.up(n) {
                continue; // alive now
            }
            let first = episodes
                .iter()
                .find(|e| e.node == n && e.start >= last && next_birth.is_none_or(|b| e.start < b));
            // A heartbeat sent at `last` arrives within Δ (when the model keeps its bound), and
            // the monitor suspects one timeout after the last arrival.
            let d = match first {
                Some(e) => {
                    let delay = e.start.saturating_sub(last);
                    Detection::Detected {
                        delay,
                        in_time: delay <= e.timeout + p.bound,
                    }
                }
                None => {
                    let timeout = watches.get(n as usize - 1).map_or(p.timeout, |w| w.timeout);
                    let by = last + timeout + p.bound;
                    if next_birth.is_none() && now <= by {
                        Detection::Due { by }
                    } else {
                        Detection::Missed
                    }
                }
            };
            out.push((n, last, d));
        }
    }
    out
}

fn completeness(
    p: &FailureDetector,
    truth: &Truth,
    episodes: &std::collections::VecDeque<Episode>,
    watches: &[Watch],
    now: Time,
) -> Verdict {
    const CLAIM: &str = "Completeness: every crashed node is suspected within timeout + Δ";
    let all = detections(p, truth, episodes, watches, now);
    if all.is_empty() {
        return Verdict::new(CLAIM, "pending", "no node has crashed yet: crash one");
    }
    let mut late = Vec::new();
    let mut due = Vec::new();
    let mut slowest = Duration::ZERO;
    for (n, last, d) in &all {
        match d {
            Detection::Detected { delay, in_time } => {
                slowest = slowest.max(*delay);
                if !in_time {
                    late.push(format!(
                        "n{n} suspected {:.0} ms after its last heartbeat",
                        delay.as_ms_f64()
                    ));
                }
            }
            Detection::Due { by } => due.push(format!("n{n} (due by {})", secs(*by))),
            Detection::Missed => late.push(format!(
                "n{n} not suspected since its last heartbeat at {}",
                secs(*last)
            )),
        }
    }
    let crashes = all.len();
    if !late.is_empty() {
        return Verdict::new(
            CLAIM,
            "fails",
            format!(
                "{} of {crashes} crash(es) detected late or not at all: {}",
                late.len(),
                late.join("; ")
            ),
        );
    }
    if !due.is_empty() {
        return Verdict::new(
            CLAIM,
            "pending",
            format!("crashed, not suspected yet: {}", due.join(", ")),
        );
    }
    Verdict::new(
        CLAIM,
        "holds",
        format!(
            "{crashes} crash(es), each suspected in time (the slowest {:.0} ms after the node's \
             last heartbeat; Δ = {} ms)",
            slowest.as_ms_f64(),
            p.bound.as_ms_f64()
        ),
    )
}

fn accuracy(monitor: &Stable, false_ones: &[&Episode], suspected_alive: &[NodeId]) -> Verdict {
    const CLAIM: &str = "Accuracy: no live node is ever suspected";
    if false_ones.is_empty() && suspected_alive.is_empty() {
        return Verdict::new(
            CLAIM,
            "holds",
            format!(
                "{} suspicion(s) so far, every one of a crashed node",
                monitor.suspicions
            ),
        );
    }
    let mut listed: Vec<String> = false_ones
        .iter()
        .rev()
        .take(5)
        .map(|e| format!("n{} at {}", e.node, secs(e.start)))
        .collect();
    if false_ones.len() > 5 {
        listed.push("…".into());
    }
    let now: Vec<String> = suspected_alive.iter().map(|n| format!("n{n}")).collect();
    Verdict::new(
        CLAIM,
        "fails",
        format!(
            "{} false suspicion(s){} (latest first: {}){}",
            false_ones.len(),
            if monitor.suspicions > monitor.episodes.len() as u64 {
                format!(" among the latest {} suspicions", monitor.episodes.len())
            } else {
                String::new()
            },
            listed.join(", "),
            if now.is_empty() {
                String::new()
            } else {
                format!("; suspected now though alive: {}", now.join(" "))
            }
        ),
    )
}

fn eventual_accuracy(
    p: &FailureDetector,
    gst: Time,
    false_ones: &[&Episode],
    now: Time,
) -> Verdict {
    const CLAIM: &str = "Eventual accuracy: after GST, live nodes stop being suspected";
    // How long without a mistake counts as "stopped", for a live verdict.
    let window = Duration(p.interval.0.saturating_mul(20)).max(Duration::from_secs(5));
    if now < gst {
        return Verdict::new(
            CLAIM,
            "pending",
            format!(
                "before GST ({}) delays are unbounded and mistakes are allowed; {} so far",
                secs(gst),
                false_ones.len()
            ),
        );
    }
    let after: Vec<&&Episode> = false_ones.iter().filter(|e| e.start >= gst).collect();
    let last = after.iter().map(|e| e.start).max();
    match last {
        Some(t) if now.saturating_sub(t) < window => Verdict::new(
            CLAIM,
            "fails",
            format!(
                "{} false suspicion(s) after GST, the latest at {}: the timeout is still shorter \
                 than the heartbeat gaps",
                after.len(),
                secs(t)
            ),
        ),
        _ if now.saturating_sub(gst) < window => Verdict::new(
            CLAIM,
            "pending",
            format!(
                "GST was at {}; no false suspicion since (watching for {:.0} s)",
                secs(gst),
                window.as_ms_f64() / 1e3
            ),
        ),
        Some(t) => Verdict::new(
            CLAIM,
            "holds",
            format!(
                "{} false suspicion(s) after GST, none since {} ({} before GST)",
                after.len(),
                secs(t),
                false_ones.len() - after.len()
            ),
        ),
        None => Verdict::new(
            CLAIM,
            "holds",
            format!(
                "no false suspicion since GST at {} ({} before it)",
                secs(gst),
                false_ones.len()
            ),
        ),
    }
}

fn indistinguishable(false_ones: &[&Episode], suspected_alive: &[NodeId]) -> Verdict {
    const CLAIM: &str = "Until a slow node speaks, the monitor cannot tell it from a crashed one";
    if let Some(n) = suspected_alive.first() {
        return Verdict::new(
            CLAIM,
            "holds",
            format!(
                "n{n} is alive yet suspected: the monitor has seen exactly what it would have \
                 seen had n{n} crashed after its last heartbeat"
            ),
        );
    }
    if !false_ones.is_empty() {
        return Verdict::new(
            CLAIM,
            "holds",
            format!(
                "{} live node(s) were suspected: each looked like a crash until its next \
                 heartbeat arrived",
                false_ones.len()
            ),
        );
    }
    Verdict::new(
        CLAIM,
        "pending",
        "pause a node for longer than its timeout to see it",
    )
}
