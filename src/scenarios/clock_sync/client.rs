//! The client: polls the server, turns the timestamps into an offset and delay estimate, and
//! disciplines its clock — slew, step, or refuse.

use super::{Algorithm, ClockSync, Discipline, Msg, Truth, SERVER};
use crate::sim::protocol::Ctx;
use crate::sim::{Duration, Time};

const POLL: u64 = 0;
const SLEW_END: u64 = 1;

/// A request waiting for its reply: t1 and what the simulator knows about that instant.
#[derive(Clone, Copy, Debug)]
struct Outstanding {
    id: u64,
    t1: i64,
    mono1: i64,
    true1: Time,
    /// The client clock's error (reading − true time) at t1.
    err1: i64,
}

/// A slew in progress: rate, length on the monotonic clock, and the timer that ends it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Slew {
    pub ppm: f64,
    pub ns: u64,
    pub started: Time,
    timer: u64,
}

/// Volatile: gone after a crash.
#[derive(Clone, Debug, Default)]
pub struct Client {
    next_id: u64,
    outstanding: Option<Outstanding>,
    pub slew: Option<Slew>,
}

/// What the client did with an estimate.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Action {
    /// Discipline "none": measured only.
    Measured,
    /// Slewing at `ppm` for `ns` of its monotonic clock (0 ppm: already right).
    Slewed {
        ppm: f64,
        ns: u64,
    },
    Stepped,
    /// Beyond the panic threshold: left alone.
    Refused,
    /// The delay came out non-positive (a clock was stepped mid-exchange): not used.
    Discarded,
}

/// One exchange, all in ns. `err2`, `asym2` and `drift2` are doubled so they stay exact:
/// `err2 = asym2 + drift2` always.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Exchange {
    /// True time the reply arrived.
    pub at: Time,
    /// t1..t4: client send, server receive, server send, client receive (clock readings).
    pub t: [i64; 4],
    /// Estimated offset, server − client.
    pub theta: i64,
    /// Round-trip delay: NTP's δ, or Cristian's round trip on the monotonic clock.
    pub delta: i64,
    /// True offset at t4: the server's clock as it replied minus the client's as the reply came.
    pub true_theta: i64,
    /// 2 × (estimate − true).
    pub err2: i64,
    /// True one-way latencies and the server's processing time.
    pub up: i64,
    pub down: i64,
    pub processing: i64,
    /// 2 × half the asymmetry the algorithm cannot see: up − down (Cristian: up + processing − down).
    pub asym2: i64,
    /// The rest of 2 × the error: what the clocks' rates added during the exchange.
    pub drift2: i64,
    pub action: Action,
}

/// A client's measurements, kept across crashes; also the rate correction its daemon applied,
/// so a reboot can take it back (as ntpd keeps its drift file).
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub rate_ppm: f64,
    pub exchanges: u64,
    pub discarded: u64,
    /// Replies that never came before the next poll.
    pub lost: u64,
    pub steps: u64,
    pub slews: u64,
    pub refused: u64,
    /// Exchanges whose error exceeded half their round trip.
    pub beyond_bound: u64,
    /// The exchange whose error came closest to its bound: (2 × |error|, δ).
    pub closest: Option<(i64, i64)>,
    pub max_delta: i64,
    pub sum_err2: i128,
    pub sum_asym2: i128,
    /// Once the true offset was first within the sync bound: the largest since, and how many
    /// exchanges found it outside.
    pub settled: bool,
    pub worst_settled: i64,
    pub out_settled: u64,
    pub last: Option<Exchange>,
}

fn ms(ns: i64) -> f64 {
    ns as f64 / 1e6
}

impl ClockSync {
    /// The bound a synced clock stays within: the largest estimate error it may have been told
    /// (half the largest round trip) plus what the specified drift adds between polls.
    pub fn sync_bound(&self, stats: &Stats) -> i64 {
        stats.max_delta / 2 + (self.drift_spec_ppm * 1e-6 * self.poll.0 as f64).round() as i64
    }

    pub(super) fn client_start(&self, ctx: &mut Ctx<Msg>, stats: &mut Stats) -> Client {
        // A reboot ends any slew the daemon had under way.
        set_rate(ctx, stats, 0.0);
        let first = (ctx.rng().unit() * self.poll.0 as f64) as u64;
        ctx.set_timer(Duration(first), POLL);
        Client::default()
    }

    pub(super) fn client_timer(
        &self,
        ctx: &mut Ctx<Msg>,
        c: &mut Client,
        stats: &mut Stats,
        tag: u64,
    ) {
        if tag == SLEW_END {
            c.slew = None;
            set_rate(ctx, stats, 0.0);
            return;
        }
        if c.outstanding.is_some() {
            stats.lost += 1;
        }
        let (id, t1) = (c.next_id, ctx.time_of_day());
        c.next_id += 1;
        c.outstanding = Some(Outstanding {
            id,
            t1,
            mono1: ctx.mono(),
            true1: ctx.true_time(),
            err1: t1.saturating_sub(ctx.true_time().0 as i64),
        });
        ctx.send(SERVER, Msg::Request { id, t1 });
        ctx.set_timer(self.poll, POLL);
    }

    pub(super) fn client_reply(
        &self,
        ctx: &mut Ctx<Msg>,
        c: &mut Client,
        stats: &mut Stats,
        id: u64,
        [t1, t2, t3]: [i64; 3],
        truth: Truth,
    ) {
        let Some(o) = c.outstanding.filter(|o| o.id == id && o.t1 == t1) else {
            return; // a late reply to an earlier poll
        };
        c.outstanding = None;
        let (t4, now) = (ctx.time_of_day(), ctx.true_time());
        // In i128, clamped back: clock readings a student has skewed by years cannot overflow.
        let wide = |v: i64| v as i128;
        let narrow = |v: i128| v.clamp(-(i64::MAX as i128), i64::MAX as i128) as i64;
        let (t1w, t2w, t3w, t4w) = (wide(t1), wide(t2), wide(t3), wide(t4));
        let (ta, td) = (o.true1.0 as i128, now.0 as i128);
        let (tb, tc) = (truth.received.0 as i128, truth.sent.0 as i128);
        let err4 = t4w - td;
        let (up, down, processing) = (tb - ta, td - tc, tc - tb);
        let (err_b, err_c) = (wide(truth.err_received), wide(truth.err_sent));
        let (theta2, delta, asym2, drift2) = match self.algorithm {
            Algorithm::Ntp => (
                (t2w - t1w) + (t3w - t4w),
                (t4w - t1w) - (t3w - t2w),
                up - down,
                (err4 - wide(o.err1)) - (err_c - err_b),
            ),
            Algorithm::Cristian => {
                let rtt = wide(ctx.mono()) - wide(o.mono1);
                (
                    2 * t3w + rtt - 2 * t4w,
                    rtt,
                    up + processing - down,
                    rtt - (td - ta),
                )
            }
        };
        let true_theta = err_c - err4;
        let theta = narrow(theta2 / 2);
        let mut x = Exchange {
            at: now,
            t: [t1, t2, t3, t4],
            theta,
            delta: narrow(delta),
            true_theta: narrow(true_theta),
            err2: narrow(theta2 - 2 * true_theta),
            up: narrow(up),
            down: narrow(down),
            processing: narrow(processing),
            asym2: narrow(asym2),
            drift2: narrow(drift2),
            action: Action::Discarded,
        };
        if x.delta <= 0 {
            stats.discarded += 1;
            ctx.note(format!(
                "δ = {:.3} ms is not positive — a clock was stepped during the exchange: \
                 estimate discarded",
                ms(x.delta)
            ));
            stats.last = Some(x);
            return;
        }
        self.measure(ctx, stats, &x);
        x.action = self.discipline(ctx, c, stats, theta);
        ctx.note(describe(&x, self));
        stats.last = Some(x);
    }

    /// Counts, plots and checks one exchange against its bound.
    fn measure(&self, ctx: &mut Ctx<Msg>, stats: &mut Stats, x: &Exchange) {
        stats.exchanges += 1;
        stats.max_delta = stats.max_delta.max(x.delta);
        stats.sum_err2 += x.err2 as i128;
        stats.sum_asym2 += x.asym2 as i128;
        let e2 = x.err2.abs();
        // e2/δ above the closest so far (cross-multiplied, exact).
        if stats
            .closest
            .is_none_or(|(ce, cd)| e2 as i128 * cd as i128 > ce as i128 * x.delta as i128)
        {
            stats.closest = Some((e2, x.delta));
        }
        if e2 > x.delta {
            stats.beyond_bound += 1;
            ctx.note(format!(
                "the estimate is off by {:.3} ms, more than half the round trip ({:.3} ms): a \
                 clock changed during the exchange",
                ms(x.err2) / 2.0,
                ms(x.delta) / 2.0
            ));
        }
        let bound = self.sync_bound(stats);
        let within = x.true_theta.abs() <= bound;
        if stats.settled {
            stats.worst_settled = stats.worst_settled.max(x.true_theta.abs());
            stats.out_settled += !within as u64;
        } else if within {
            stats.settled = true;
            stats.worst_settled = x.true_theta.abs();
        }
        ctx.metric("estimated_offset_ms", ms(x.theta));
        ctx.metric("true_offset_ms", ms(x.true_theta));
        ctx.metric("estimate_error_ms", ms(x.err2) / 2.0);
        ctx.metric("error_bound_ms", ms(x.delta) / 2.0);
        ctx.metric("rtt_ms", ms(x.delta));
        ctx.metric("sync_bound_ms", ms(bound));
    }

    fn discipline(
        &self,
        ctx: &mut Ctx<Msg>,
        c: &mut Client,
        stats: &mut Stats,
        theta: i64,
    ) -> Action {
        match self.discipline {
            Discipline::None => Action::Measured,
            Discipline::Step => self.step(ctx, c, stats, theta),
            Discipline::SlewStep if theta.abs() > self.panic_ns => {
                stats.refused += 1;
                Action::Refused
            }
            Discipline::SlewStep if theta.abs() > self.step_ns => self.step(ctx, c, stats, theta),
            Discipline::SlewStep => self.slew(ctx, c, stats, theta),
        }
    }

    fn step(&self, ctx: &mut Ctx<Msg>, c: &mut Client, stats: &mut Stats, theta: i64) -> Action {
        stop_slew(ctx, c, stats);
        ctx.step_clock(theta);
        stats.steps += 1;
        Action::Stepped
    }

    /// Corrects `theta` gradually: at the slew rate, for as long as that takes.
    /// A new estimate replaces the slew under way (the rate changes only if it must).
    fn slew(&self, ctx: &mut Ctx<Msg>, c: &mut Client, stats: &mut Stats, theta: i64) -> Action {
        if theta == 0 {
            stop_slew(ctx, c, stats);
            return Action::Slewed { ppm: 0.0, ns: 0 };
        }
        if let Some(s) = c.slew.take() {
            ctx.cancel_timer(s.timer);
        }
        let ppm = if theta > 0 {
            self.slew_ppm
        } else {
            -self.slew_ppm
        };
        let ns = (theta.unsigned_abs() as f64 / (self.slew_ppm * 1e-6)).round() as u64;
        set_rate(ctx, stats, ppm);
        let timer = ctx.set_timer(Duration(ns), SLEW_END);
        c.slew = Some(Slew {
            ppm,
            ns,
            started: ctx.true_time(),
            timer,
        });
        stats.slews += 1;
        Action::Slewed { ppm, ns }
    }
}

fn set_rate(ctx: &mut Ctx<Msg>, stats: &mut Stats, ppm: f64) {
    if stats.rate_ppm != ppm {
        ctx.set_rate(ppm);
        stats.rate_ppm = ppm;
    }
}

fn stop_slew(ctx: &mut Ctx<Msg>, c: &mut Client, stats: &mut Stats) {
    if let Some(s) = c.slew.take() {
        ctx.cancel_timer(s.timer);
    }
    set_rate(ctx, stats, 0.0);
}

/// The exchange and the decision, for the trace.
fn describe(x: &Exchange, p: &ClockSync) -> String {
    let est = format!(
        "θ = {:+.3} ms, δ = {:.3} ms (true offset {:+.3} ms)",
        ms(x.theta),
        ms(x.delta),
        ms(x.true_theta)
    );
    match x.action {
        Action::Measured => format!("{est}: measured only"),
        Action::Slewed { ppm, ns } if ppm == 0.0 || ns == 0 => format!("{est}: nothing to correct"),
        Action::Slewed { ppm, ns } => format!(
            "{est}: slewing at {ppm:+.0} ppm for {:.1} s",
            ns as f64 / 1e9
        ),
        Action::Stepped if p.discipline == Discipline::Step => {
            format!(
                "{est}: set the clock to the estimate, a step of {:+.3} ms",
                ms(x.theta)
            )
        }
        Action::Stepped => format!(
            "{est}: above the {:.0} ms threshold, stepped the clock by {:+.3} ms",
            ms(p.step_ns),
            ms(x.theta)
        ),
        Action::Refused => format!(
            "{est}: beyond the panic threshold of {:.0} s — refused, the clock is left alone",
            p.panic_ns as f64 / 1e9
        ),
        Action::Discarded => format!("{est}: discarded"),
    }
}
