//! The monitor's side of the timing-violations scenario: what each heartbeat tells it, why a late
//! one was late, and the suspicions its timeout raises and drops, kept as evidence for the
//! verdicts.

use super::Msg;
use crate::sim::protocol::Ctx;
use crate::sim::{Duration, NodeId, Time};

/// What a worker puts in each heartbeat. `sent_at` and `late` are measurements for the lesson:
/// the monitor's decisions use only its own clock.
#[derive(Clone, Copy, Debug)]
pub struct Beat {
    pub seq: u64,
    /// The worker's incarnation (boots so far, from its stable storage).
    pub boot: u32,
    /// True time the heartbeat left the worker.
    pub sent_at: Time,
    /// How much later than planned the worker sent it, on its own clock (it was paused).
    pub late: Duration,
    /// How long until it was all on the wire: waiting in the worker's send queue (behind an
    /// upload) plus its own transmission time (long on a slow link).
    pub queued: Duration,
    /// Whether the worker's link to the monitor was losing packets when it left.
    pub lossy: bool,
}

/// Why a heartbeat missed the bound: whichever part of its delay was largest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// The worker was paused when it should have sent it.
    SenderPaused,
    /// It waited behind other packets on a bandwidth-limited link.
    Congestion,
    /// Its link was losing packets: the transport resent it.
    Retransmission,
    /// It spent longer than Δ getting handled without any of the above: the monitor was paused.
    ReceiverHeld,
}

impl Cause {
    pub fn explain(self) -> &'static str {
        match self {
            Cause::SenderPaused => "the worker was paused when it was due to send it",
            Cause::Congestion => "it waited to get onto a busy or slow link",
            Cause::Retransmission => {
                "its link was losing packets, so the transport resent it after a timeout"
            }
            Cause::ReceiverHeld => {
                "it was held up after it arrived, which only a paused monitor does here"
            }
        }
    }
}

/// One heartbeat that missed the bound.
#[derive(Clone, Copy, Debug)]
pub struct Miss {
    pub node: NodeId,
    pub seq: u64,
    /// From when it was due to when the monitor handled it.
    pub delay: Duration,
    pub cause: Cause,
    pub at: Time,
}

impl Miss {
    /// Splits a heartbeat's delay into the worker's lateness, its wait in the send queue and the
    /// rest (travel, resends, waiting at a paused monitor); the largest part beyond what the model
    /// allows names the cause.
    pub fn classify(
        node: NodeId,
        b: &Beat,
        now: Time,
        bound: Duration,
    ) -> (Duration, Option<Miss>) {
        let travel = now.saturating_sub(b.sent_at);
        let delay = travel + b.late;
        if delay <= bound {
            return (delay, None);
        }
        let rest = Duration(travel.0.saturating_sub(b.queued.0).saturating_sub(bound.0));
        let cause = if b.late >= b.queued && b.late >= rest {
            Cause::SenderPaused
        } else if b.queued >= rest {
            Cause::Congestion
        } else if b.lossy {
            Cause::Retransmission
        } else {
            Cause::ReceiverHeld
        };
        let miss = Miss {
            node,
            seq: b.seq,
            delay,
            cause,
            at: now,
        };
        (delay, Some(miss))
    }
}

/// A suspicion the monitor raised and later dropped.
#[derive(Clone, Copy, Debug)]
pub struct Episode {
    pub node: NodeId,
    pub from: Time,
    pub to: Time,
    /// The heartbeat that ended it came from the same incarnation: the node had been alive all
    /// along, so the suspicion was false.
    pub was_false: bool,
    /// The evidence that the bound had been broken: the heartbeat that ended it was late, or
    /// heartbeats in between never came.
    pub late_beat: bool,
    pub missing_beats: u64,
}

/// What the monitor knows of one worker.
#[derive(Clone, Debug, Default)]
pub struct Peer {
    /// Own monotonic clock when last heard from.
    pub last_heard: i64,
    pub heard: bool,
    pub suspected_since: Option<Time>,
    pub boot: u32,
    pub seq: u64,
    pub timer: Option<u64>,
    pub max_delay: Duration,
    pub beats: u64,
}

/// The evidence the verdicts read: the latest miss of each cause, and the suspicions so far.
#[derive(Clone, Debug, Default)]
pub struct Evidence {
    pub misses: [u64; 4],
    pub latest: [Option<Miss>; 4],
    pub false_suspicions: u64,
    pub true_suspicions: u64,
    /// False suspicions that ended with no sign of a broken bound (none expected).
    pub unexplained: u64,
    pub latest_false: Option<Episode>,
    pub largest_delay: Duration,
}

impl Evidence {
    pub fn missed(&mut self, m: Miss) {
        let i = m.cause as usize;
        self.misses[i] += 1;
        self.latest[i] = Some(m);
    }

    pub fn ended(&mut self, e: Episode) {
        if !e.was_false {
            self.true_suspicions += 1;
            return;
        }
        self.false_suspicions += 1;
        if !e.late_beat && e.missing_beats == 0 {
            self.unexplained += 1;
        }
        self.latest_false = Some(e);
    }

    /// The latest miss among these causes.
    pub fn latest_of(&self, causes: &[Cause]) -> Option<Miss> {
        causes
            .iter()
            .filter_map(|c| self.latest[*c as usize])
            .max_by_key(|m| m.at)
    }

    pub fn count_of(&self, causes: &[Cause]) -> u64 {
        causes.iter().map(|c| self.misses[*c as usize]).sum()
    }
}

#[derive(Clone, Debug)]
pub struct Monitor {
    /// Indexed by node id (entry 0, the monitor itself, unused).
    pub peers: Vec<Peer>,
    pub evidence: Evidence,
}

impl Monitor {
    fn suspected(&self) -> usize {
        self.peers
            .iter()
            .filter(|p| p.suspected_since.is_some())
            .count()
    }

    /// A heartbeat from `from`: measure it, drop a suspicion it disproves, restart the timeout.
    pub fn heard(
        &mut self,
        ctx: &mut Ctx<Msg>,
        from: NodeId,
        b: Beat,
        bound: Duration,
        timeout: Duration,
    ) {
        let m = self;
        let (delay, miss) = Miss::classify(from, &b, ctx.true_time(), bound);
        ctx.metric("delay", delay.as_ms_f64());
        m.evidence.largest_delay = m.evidence.largest_delay.max(delay);
        if let Some(miss) = miss {
            m.evidence.missed(miss);
            ctx.note(format!(
                "n{from}'s heartbeat {} came {} after it was due, over the bound Δ = {}: {}",
                b.seq,
                secs(delay),
                secs(bound),
                miss.cause.explain()
            ));
        }
        let Some(p) = m.peers.get_mut(from as usize) else {
            return;
        };
        p.beats += 1;
        p.max_delay = p.max_delay.max(delay);
        let missing = if p.heard && b.boot == p.boot {
            b.seq.saturating_sub(p.seq + 1)
        } else {
            0
        };
        if let Some(since) = p.suspected_since.take() {
            let e = Episode {
                node: from,
                from: since,
                to: ctx.true_time(),
                was_false: p.heard && b.boot == p.boot,
                late_beat: miss.is_some(),
                missing_beats: missing,
            };
            ctx.note(if e.was_false {
                format!(
                    "n{from} was alive all along: the monitor suspected it wrongly for {}",
                    secs(e.to.saturating_sub(e.from))
                )
            } else {
                format!("n{from} is back after a restart: suspecting it was right")
            });
            m.evidence.ended(e);
            let n = m.suspected();
            ctx.metric("suspected", n as f64);
        }
        let Some(p) = m.peers.get_mut(from as usize) else {
            return;
        };
        if !(p.heard && b.boot == p.boot && b.seq < p.seq) {
            p.seq = b.seq;
        }
        p.boot = b.boot;
        p.heard = true;
        p.last_heard = ctx.mono();
        if let Some(t) = p.timer.take() {
            ctx.cancel_timer(t);
        }
        p.timer = Some(ctx.set_timer(timeout, from as u64));
    }

    /// `node`'s timeout is up: suspect it if nothing came from it for longer than T.
    pub fn check(&mut self, ctx: &mut Ctx<Msg>, node: NodeId, t: Duration) {
        let m = self;
        let Some(p) = m.peers.get_mut(node as usize) else {
            return;
        };
        if p.suspected_since.is_some() {
            return;
        }
        let quiet = ctx.mono() - p.last_heard;
        if quiet <= t.0 as i64 {
            // Heard from in the meantime (this timer was already due): look again when T is up.
            let left = t.0 as i64 - quiet + 1;
            p.timer = Some(ctx.set_timer(Duration(left as u64), node as u64));
            return;
        }
        p.timer = None;
        p.suspected_since = Some(ctx.true_time());
        ctx.note(format!(
            "the monitor suspects n{node}: nothing heard for {} (T = I + Δ = {})",
            secs(Duration(quiet as u64)),
            secs(t)
        ));
        let n = m.suspected();
        ctx.metric("suspected", n as f64);
    }
}

pub fn secs(d: Duration) -> String {
    let v = d.as_ms_f64();
    if v >= 1000.0 {
        format!("{:.2} s", v / 1000.0)
    } else if v >= 10.0 {
        format!("{v:.0} ms")
    } else {
        format!("{v:.1} ms")
    }
}

pub fn at(t: Time) -> String {
    format!("{:.2} s", t.as_ms_f64() / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn beat(late: u64, queued: u64, lossy: bool) -> Beat {
        Beat {
            seq: 1,
            boot: 1,
            sent_at: Time::from_ms(1000),
            late: Duration::from_ms(late),
            queued: Duration::from_ms(queued),
            lossy,
        }
    }

    #[test]
    fn the_largest_part_of_a_late_delay_names_the_cause() {
        let bound = Duration::from_ms(100);
        let on_time = Miss::classify(1, &beat(0, 0, false), Time::from_ms(1050), bound);
        assert_eq!(on_time.0, Duration::from_ms(50));
        assert!(on_time.1.is_none());
        let cause = |b: Beat, now: u64| {
            Miss::classify(1, &b, Time::from_ms(now), bound)
                .1
                .map(|m| m.cause)
        };
        assert_eq!(cause(beat(700, 0, false), 1040), Some(Cause::SenderPaused));
        assert_eq!(cause(beat(0, 900, false), 1950), Some(Cause::Congestion));
        assert_eq!(cause(beat(0, 0, true), 1600), Some(Cause::Retransmission));
        assert_eq!(cause(beat(0, 0, false), 1600), Some(Cause::ReceiverHeld));
    }
}
