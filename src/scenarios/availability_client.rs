//! A client of the availability scenario: it sends requests at random instants, fails over from
//! a replica that does not answer in time to the next, and measures what it gets: answers,
//! failures, latencies and the outages it saw.

use super::stats::{self, P50, P99, P999};
use super::{Availability, Msg, Pending, Stable, State, OUTAGES_KEPT, TIMEOUT};
use crate::sim::protocol::Ctx;
use crate::sim::Time;

impl Availability {
    pub(super) fn send_request(&self, ctx: &mut Ctx<Msg>, state: &mut State, stable: &mut Stable) {
        let State::Client {
            pending, preferred, ..
        } = state
        else {
            return;
        };
        let id = stable.client.started;
        stable.client.started += 1;
        let timer = ctx.set_timer(self.timeout, TIMEOUT | id);
        ctx.send(*preferred, Msg::Request { id });
        pending.push(Pending {
            id,
            first_sent: ctx.true_time(),
            attempt: 0,
            replica: *preferred,
            tried: 1 << *preferred,
            timer,
        });
    }

    pub(super) fn answered(
        &self,
        ctx: &mut Ctx<Msg>,
        state: &mut State,
        stable: &mut Stable,
        id: u64,
    ) {
        let State::Client { pending, .. } = state else {
            return;
        };
        // An answer to a request already given up on (or from before a crash) changes nothing.
        let Some(i) = pending.iter().position(|p| p.id == id) else {
            return;
        };
        let p = pending.swap_remove(i);
        ctx.cancel_timer(p.timer);
        let latency = ctx.true_time().saturating_sub(p.first_sent);
        let s = &mut stable.client;
        s.answered += 1;
        s.latencies.record(latency.0);
        if latency <= self.slo {
            s.within_slo += 1;
        }
        if p.attempt > 0 {
            s.rescued += 1;
        }
        ctx.metric("latency_ms", latency.as_ms_f64());
        self.resolve(ctx, state, stable, (id, p.first_sent, true));
    }

    /// Takes in one request's outcome and, in the order the requests were sent, follows the
    /// runs of failures: the outages this client saw.
    pub(super) fn resolve(
        &self,
        ctx: &mut Ctx<Msg>,
        state: &mut State,
        stable: &mut Stable,
        outcome: (u64, Time, bool),
    ) {
        let State::Client {
            pending, resolved, ..
        } = state
        else {
            return;
        };
        let at = resolved.partition_point(|r| r.0 < outcome.0);
        resolved.insert(at, outcome);
        let oldest_waiting = pending.iter().map(|p| p.id).min().unwrap_or(u64::MAX);
        let s = &mut stable.client;
        while resolved.front().is_some_and(|r| r.0 < oldest_waiting) {
            let Some((id, sent, ok)) = resolved.pop_front() else {
                break;
            };
            match (ok, &mut s.open_outage) {
                (true, open) => {
                    if let Some((from, to)) = open.take() {
                        ctx.note(format!(
                            "answered again: the requests sent from {:.3} s to {:.3} s got no \
                             answer",
                            from.as_ms_f64() / 1e3,
                            to.as_ms_f64() / 1e3
                        ));
                        if s.outages.len() == OUTAGES_KEPT {
                            s.outages.pop_front();
                        }
                        s.outages.push_back((from, to));
                    }
                }
                (false, Some((_, to))) => *to = sent,
                (false, open) => {
                    *open = Some((sent, sent));
                    ctx.note(format!(
                        "request {id} failed: no server answered within {} ms",
                        self.deadline().as_ms_f64()
                    ));
                }
            }
        }
    }

    pub(super) fn timed_out(
        &self,
        ctx: &mut Ctx<Msg>,
        state: &mut State,
        stable: &mut Stable,
        id: u64,
    ) {
        let State::Client {
            pending, preferred, ..
        } = state
        else {
            return;
        };
        let Some(i) = pending.iter().position(|p| p.id == id) else {
            return;
        };
        let failed_at = pending[i].replica;
        let next = (failed_at + 1) % self.replicas;
        if *preferred == failed_at && self.replicas > 1 {
            *preferred = next;
            ctx.note(format!(
                "no answer from n{failed_at} within {} ms: failing over to n{next}",
                self.timeout.as_ms_f64()
            ));
        }
        let p = &mut pending[i];
        if p.attempt + 1 < self.replicas {
            // Try another replica: the preferred one if this request has not tried it yet, else
            // the next untried one after the one that just failed.
            p.attempt += 1;
            p.replica = if p.tried & (1 << *preferred) == 0 {
                *preferred
            } else {
                (1..self.replicas)
                    .map(|k| (failed_at + k) % self.replicas)
                    .find(|r| p.tried & (1 << r) == 0)
                    .unwrap_or(next)
            };
            p.tried |= 1 << p.replica;
            p.timer = ctx.set_timer(self.timeout, TIMEOUT | id);
            ctx.send(p.replica, Msg::Request { id });
            return;
        }
        let p = pending.swap_remove(i);
        stable.client.failed += 1;
        self.resolve(ctx, state, stable, (id, p.first_sent, false));
    }

    pub(super) fn report(&self, ctx: &mut Ctx<Msg>, state: &mut State, stable: &Stable) {
        let State::Client { at_report, .. } = state else {
            return;
        };
        let s = &stable.client;
        let (answered, failed) = (s.answered - at_report.0, s.failed - at_report.1);
        *at_report = (s.answered, s.failed);
        if answered + failed > 0 {
            ctx.metric(
                "window_pct",
                100.0 * answered as f64 / (answered + failed) as f64,
            );
        }
        let finished = s.answered + s.failed;
        if finished == 0 {
            return;
        }
        let a = s.answered as f64 / finished as f64;
        ctx.metric("availability_pct", 100.0 * a);
        let n = stats::nines(a);
        if n.is_finite() {
            ctx.metric("nines", n);
        }
        let cap = self.deadline().as_ms_f64();
        for (name, point) in [("p50_ms", P50), ("p99_ms", P99), ("p999_ms", P999)] {
            let v = s.latencies.percentile(point, s.failed);
            ctx.metric(name, v.map_or(cap, |ns| ns as f64 / 1e6));
        }
    }
}
