//! The monitor of the failure-detector scenario: what it does when a heartbeat arrives and when a
//! node's timeout runs out. It decides from heartbeats alone.

use super::{Episode, FailureDetector, Growth, Msg, Stable, Watch, EPISODES_KEPT};
use crate::sim::protocol::Ctx;
use crate::sim::{Duration, NodeId};

impl FailureDetector {
    pub(super) fn grow(&self, t: Duration) -> Duration {
        match self.growth {
            None => t,
            Some(Growth::Double) => Duration(t.0.saturating_mul(2)),
            Some(Growth::Add(step)) => t + step,
        }
    }

    pub(super) fn suspects(watches: &[Watch]) -> String {
        let list: Vec<String> = watches
            .iter()
            .enumerate()
            .filter(|(_, w)| w.suspected)
            .map(|(i, _)| format!("n{}", i + 1))
            .collect();
        if list.is_empty() {
            "suspects: none".into()
        } else {
            format!("suspects: {}", list.join(" "))
        }
    }

    pub(super) fn heartbeat(
        &self,
        ctx: &mut Ctx<Msg>,
        watches: &mut [Watch],
        stable: &mut Stable,
        from: NodeId,
        seq: u64,
        incarnation: u32,
    ) {
        let Some(w) = watches.get_mut((from as usize).wrapping_sub(1)) else {
            return;
        };
        // An older heartbeat overtaken by a newer one brings no news.
        if (incarnation, seq) <= (w.incarnation, w.seq) {
            return;
        }
        // Never heard before (incarnation 0) counts as the same life: the first heartbeat.
        let same_life = w.incarnation == 0 || incarnation == w.incarnation;
        (w.incarnation, w.seq, w.heard_at) = (incarnation, seq, Some(ctx.mono()));
        ctx.cancel_timer(w.timer);
        if w.suspected {
            w.suspected = false;
            stable.retractions += 1;
            let now = ctx.true_time();
            if let Some(e) = stable
                .episodes
                .iter_mut()
                .rev()
                .find(|e| e.node == from && e.end.is_none())
            {
                e.end = Some(now);
            }
            let before = w.timeout;
            // A heartbeat from the same incarnation: the node was alive after all. One from a
            // new incarnation: it had crashed and come back, so the suspicion was right.
            if same_life && self.growth.is_some() {
                w.timeout = self.grow(w.timeout);
            }
            let timeout = w.timeout;
            w.timer = ctx.set_timer(timeout, from as u64);
            let why = if !same_life {
                format!("n{from} is back (incarnation {incarnation})")
            } else if timeout != before {
                format!(
                    "heartbeat {seq} from n{from} arrived after all: timeout {} → {} ms",
                    before.as_ms_f64(),
                    timeout.as_ms_f64()
                )
            } else {
                format!("heartbeat {seq} from n{from} arrived after all")
            };
            ctx.note(format!(
                "trust n{from} again: {why}; {}",
                Self::suspects(watches)
            ));
            if timeout != before {
                ctx.metric("timeout_ms", timeout.as_ms_f64());
            }
            ctx.metric(
                "suspected",
                watches.iter().filter(|w| w.suspected).count() as f64,
            );
            ctx.metric("retractions", stable.retractions as f64);
            return;
        }
        let timeout = w.timeout;
        w.timer = ctx.set_timer(timeout, from as u64);
    }

    pub(super) fn expired(
        &self,
        ctx: &mut Ctx<Msg>,
        watches: &mut [Watch],
        stable: &mut Stable,
        tag: u64,
    ) {
        let Some(w) = watches.get_mut((tag as usize).wrapping_sub(1)) else {
            return;
        };
        if w.suspected {
            return;
        }
        w.suspected = true;
        stable.suspicions += 1;
        if stable.episodes.len() == EPISODES_KEPT {
            stable.episodes.pop_front();
        }
        stable.episodes.push_back(Episode {
            node: tag as NodeId,
            incarnation: w.incarnation,
            start: ctx.true_time(),
            end: None,
            timeout: w.timeout,
        });
        let timeout = w.timeout;
        ctx.note(format!(
            "suspect n{tag}: no heartbeat for {} ms; {}",
            timeout.as_ms_f64(),
            Self::suspects(watches)
        ));
        ctx.metric(
            "suspected",
            watches.iter().filter(|w| w.suspected).count() as f64,
        );
        ctx.metric("suspicions", stable.suspicions as f64);
    }
}
