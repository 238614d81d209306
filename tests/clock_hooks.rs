//! The core hook that lets a protocol discipline its own clock (`Ctx::step_clock`, `Ctx::set_rate`),
//! as a clock-synchronisation daemon does: checked on a tiny protocol so every number is known.

use dsviz_core::sim::clock::Clock;
use dsviz_core::sim::network::{LinkConfig, Network};
use dsviz_core::sim::node::FaultModel;
use dsviz_core::sim::protocol::{Ctx, Fields, Message, Protocol};
use dsviz_core::sim::trace::TraceKind;
use dsviz_core::sim::world::{NodeSetup, World};
use dsviz_core::sim::{ActionKind, Duration, NodeId, Time};

#[derive(Clone, Debug)]
struct Nothing;
impl Message for Nothing {
    fn label(&self) -> &'static str {
        "nothing"
    }
}

/// At start: step the clock by +2 s, slew at -500 ppm, and set a 1 s timer. At the timer: end the
/// slew and record what the clocks read.
#[derive(Clone)]
struct Daemon;

#[derive(Clone, Default)]
struct Seen {
    tod_after_step: i64,
    fired: Option<(Time, i64, i64)>,
}

impl Protocol for Daemon {
    type Msg = Nothing;
    type State = Seen;
    type Stable = ();
    fn start(&self, ctx: &mut Ctx<Nothing>, _: &mut ()) -> Seen {
        ctx.step_clock(2_000_000_000);
        ctx.set_rate(-500.0);
        ctx.set_timer(Duration::from_secs(1), 0);
        Seen {
            tod_after_step: ctx.time_of_day(),
            fired: None,
        }
    }
    fn on_message(&self, _: &mut Ctx<Nothing>, _: &mut Seen, _: &mut (), _: NodeId, _: Nothing) {}
    fn on_timer(&self, ctx: &mut Ctx<Nothing>, s: &mut Seen, _: &mut (), _: u64) {
        ctx.set_rate(0.0);
        s.fired = Some((ctx.true_time(), ctx.mono(), ctx.time_of_day()));
    }
    fn summary(&self, _: Option<&Seen>, _: &()) -> String {
        String::new()
    }
    fn inspect(&self, _: Option<&Seen>, _: &()) -> (Option<Fields>, Fields) {
        (None, vec![])
    }
}

fn world(drift_ppm: f64) -> World<Daemon> {
    let setups = vec![NodeSetup {
        fault: FaultModel::CrashRecovery,
        clock: Clock::new(0, drift_ppm),
    }];
    World::new(Daemon, setups, Network::new(LinkConfig::default()), 1)
}

#[test]
fn a_protocol_steps_and_slews_its_own_clock_and_the_trace_records_both() {
    let mut w = world(0.0);
    let s = w.state(0).expect("up");
    assert_eq!(
        s.tod_after_step, 2_000_000_000,
        "the handler sees its own step"
    );
    let clock = w.clock(0).expect("node 0");
    assert_eq!(clock.adjust_ppm(), -500.0);
    assert_eq!(clock.drift_ppm(), 0.0, "a slew is not the hardware drift");
    assert_eq!(
        clock.mono_at(Time::ZERO),
        0,
        "a step leaves the monotonic clock alone"
    );
    let kinds: Vec<_> = w.trace().events().map(|e| e.kind.clone()).collect();
    assert_eq!(
        kinds,
        vec![
            TraceKind::ClockStep {
                delta_ns: 2_000_000_000
            },
            TraceKind::Slew { ppm: -500.0 }
        ]
    );

    w.run_until(Time(2_000_000_000));
    // The 1 s timer waits on the slewed clock: 1 s / (1 − 500e-6) of true time.
    let (at, mono, tod) = w.state(0).expect("up").fired.expect("the timer fired");
    assert_eq!(at.0, 1_000_500_251);
    assert_eq!(mono, 1_000_000_000);
    assert_eq!(tod, 3_000_000_000);
    // The slew has ended: from here the clock keeps true time's rate.
    let clock = w.clock(0).expect("node 0");
    assert_eq!(clock.adjust_ppm(), 0.0);
    assert_eq!(
        clock.tod_at(Time(2_000_000_000)) - tod,
        2_000_000_000 - at.0 as i64
    );
    assert!(matches!(
        w.trace().events().last().map(|e| &e.kind),
        Some(TraceKind::Slew { ppm }) if *ppm == 0.0
    ));
}

#[test]
fn a_slew_adds_to_the_drift_and_survives_the_students_drift_change() {
    let mut w = world(100.0);
    // Rate 1 + (100 − 500)·10⁻⁶: the timer's 1 s of clock takes 1/(1 − 400e-6) s.
    w.run_until(Time(500_000_000));
    w.act(ActionKind::SetDrift(0, 300.0)).expect("valid drift");
    assert_eq!(w.clock(0).expect("node 0").adjust_ppm(), -500.0);
    w.run_until(Time(2_000_000_000));
    let (at, mono, _) = w.state(0).expect("up").fired.expect("the timer fired");
    assert_eq!(mono, 1_000_000_000);
    // 0.5 s at rate 1 − 400e-6 gives 499.8 ms of clock; the other 500.2 ms at 1 − 200e-6.
    let expected = 500_000_000 + (500_200_000f64 / (1.0 - 200e-6)).ceil() as u64;
    assert!(
        at.0.abs_diff(expected) <= 1,
        "fired at {} not {expected}",
        at.0
    );
}
