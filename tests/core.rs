//! The core's semantics, each checked on a tiny protocol written for the test, so every number is
//! known in advance.

use dsviz_core::sim::clock::Clock;
use dsviz_core::sim::network::{Latency, LinkConfig, Network};
use dsviz_core::sim::node::FaultModel;
use dsviz_core::sim::protocol::{Ctx, Fields, Message, Protocol};
use dsviz_core::sim::trace::{TraceEvent, TraceKind};
use dsviz_core::sim::world::{NodeSetup, World};
use dsviz_core::sim::{ActionKind, Duration, NodeId, Time};

#[derive(Clone, Debug)]
struct Note(u32);
impl Message for Note {
    fn label(&self) -> &'static str {
        "note"
    }
}

/// Node 0 sends `burst` numbered messages to node 1 at start; every node sets one timer of
/// `timer` on its own clock at start, and counts what it receives (volatile) and its boots (stable).
#[derive(Clone)]
struct Probe {
    burst: u32,
    timer: Duration,
}

#[derive(Clone, Default)]
struct Count {
    received: Vec<u32>,
}

impl Protocol for Probe {
    type Msg = Note;
    type State = Count;
    type Stable = u32;
    fn start(&self, ctx: &mut Ctx<Note>, boots: &mut u32) -> Count {
        *boots += 1;
        if ctx.id() == 0 {
            for i in 0..self.burst {
                ctx.send(1, Note(i));
            }
        }
        ctx.set_timer(self.timer, 7);
        Count::default()
    }
    fn on_message(&self, _: &mut Ctx<Note>, s: &mut Count, _: &mut u32, _: NodeId, m: Note) {
        s.received.push(m.0);
    }
    fn on_timer(&self, ctx: &mut Ctx<Note>, _: &mut Count, _: &mut u32, _: u64) {
        ctx.set_timer(self.timer, 7);
    }
    fn summary(&self, _: Option<&Count>, _: &u32) -> String {
        String::new()
    }
    fn inspect(&self, _: Option<&Count>, _: &u32) -> (Option<Fields>, Fields) {
        (None, vec![])
    }
}

fn world(nodes: usize, burst: u32, timer_ms: u64, drift_ppm: f64) -> World<Probe> {
    let net = Network::new(LinkConfig {
        latency: Latency::Constant(Duration::from_ms(10)),
        ..LinkConfig::default()
    });
    let setups = (0..nodes)
        .map(|_| NodeSetup {
            fault: FaultModel::CrashRecovery,
            clock: Clock::new(0, drift_ppm),
        })
        .collect();
    let timer = Duration::from_ms(timer_ms);
    World::new(Probe { burst, timer }, setups, net, 1)
}

fn timers_of(w: &World<Probe>, node: NodeId) -> Vec<&TraceEvent> {
    w.trace()
        .events()
        .filter(|e| e.node == node && matches!(e.kind, TraceKind::Timer { .. }))
        .collect()
}

#[test]
fn messages_sent_at_one_instant_arrive_in_the_order_sent() {
    let mut w = world(2, 50, 1000, 0.0);
    w.run_until(Time::from_ms(20));
    let got = &w.state(1).expect("node 1 is up").received;
    assert_eq!(*got, (0..50).collect::<Vec<_>>());
    // All 50 arrived at the same instant: only the sequence number ordered them.
    let arrivals: Vec<Time> = w
        .trace()
        .events()
        .filter(|e| matches!(e.kind, TraceKind::Deliver { .. }))
        .map(|e| e.time)
        .collect();
    assert_eq!(arrivals.len(), 50);
    assert!(arrivals.iter().all(|t| *t == Time::from_ms(10)));
}

#[test]
fn a_fast_clock_fires_a_one_second_timer_100_microseconds_early() {
    let mut w = world(1, 0, 1000, 100.0);
    w.run_until(Time::from_ms(1500));
    let fired = timers_of(&w, 0);
    assert_eq!(fired.len(), 1);
    let early_ns = 1_000_000_000 - fired[0].time.0;
    // 1 s / (1 + 100e-6) = 0.99990001 s: 99.99 µs early, i.e. 100 µs to within 0.01%.
    assert_eq!(early_ns, 99_990);
    // And its own clock reads the full second when it fires.
    assert_eq!(fired[0].clock, 1_000_000_000);
}

#[test]
fn a_slow_clock_fires_late_and_a_drift_change_reaims_pending_timers() {
    let mut w = world(1, 0, 1000, -100.0);
    w.run_until(Time::from_ms(1500));
    assert_eq!(timers_of(&w, 0)[0].time.0, 1_000_100_011);
    // From 1.5 s, the clock runs 10% fast: the timer due at 2 s on the clock (set at its first
    // firing) comes sooner in true time than it would have.
    w.act(ActionKind::SetDrift(0, 100_000.0))
        .expect("valid drift");
    w.run_until(Time::from_ms(3000));
    let second = timers_of(&w, 0)[1];
    assert_eq!(second.clock, 2_000_000_000);
    assert!(
        second.time < Time::from_ms(2000),
        "fired at {}",
        second.time
    );
}

#[test]
fn a_skew_changes_clock_readings_but_not_when_timers_fire() {
    let mut plain = world(1, 0, 300, 0.0);
    let mut skewed = world(1, 0, 300, 0.0);
    skewed.run_until(Time::from_ms(100));
    skewed
        .act(ActionKind::SkewClock(0, -5_000_000_000))
        .expect("valid skew");
    plain.run_until(Time::from_ms(2000));
    skewed.run_until(Time::from_ms(2000));
    let (a, b) = (timers_of(&plain, 0), timers_of(&skewed, 0));
    assert_eq!(a.len(), 6);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.time, y.time, "timers run on the monotonic clock");
        assert_eq!(
            y.clock,
            x.clock - 5_000_000_000,
            "time-of-day readings moved back 5 s"
        );
    }
    assert_eq!(
        skewed
            .clock(0)
            .expect("node 0")
            .mono_at(Time::from_ms(2000)),
        2_000_000_000
    );
}

#[test]
fn a_crashed_node_fires_no_timers_and_recovers_with_stable_storage_only() {
    let mut w = world(2, 3, 200, 0.0);
    w.run_until(Time::from_ms(500));
    assert_eq!(w.state(1).expect("up").received.len(), 3);
    assert_eq!(timers_of(&w, 1).len(), 2);
    w.act(ActionKind::CrashNode(1)).expect("crash");
    assert!(w.state(1).is_none(), "volatile state is gone while crashed");
    w.run_until(Time::from_ms(5000));
    assert_eq!(timers_of(&w, 1).len(), 2, "no timer fires while crashed");
    w.act(ActionKind::RecoverNode(1)).expect("recover");
    assert!(
        w.state(1).expect("up again").received.is_empty(),
        "volatile state starts afresh"
    );
    assert_eq!(
        *w.stable(1).expect("node 1"),
        2,
        "stable storage kept: two boots"
    );
    w.run_until(Time::from_ms(5250));
    let t = timers_of(&w, 1);
    assert_eq!(t.len(), 3, "timers run again after recovery");
    assert_eq!(t[2].time, Time::from_ms(5200));
}

#[test]
fn a_message_to_a_crashed_node_is_lost_as_dest_crashed() {
    let mut w = world(2, 4, 1000, 0.0);
    w.act(ActionKind::CrashNode(1)).expect("crash");
    w.run_until(Time::from_ms(50));
    assert_eq!(w.trace().totals().lost_dest_crashed, 4);
    assert_eq!(w.trace().totals().delivered, 0);
}

#[test]
fn a_paused_node_handles_its_backlog_when_the_pause_ends() {
    let mut w = world(2, 5, 300, 0.0);
    w.act(ActionKind::PauseNode(1, 1_000_000_000))
        .expect("pause");
    w.run_until(Time::from_ms(999));
    assert!(w.state(1).expect("paused, not crashed").received.is_empty());
    assert!(timers_of(&w, 1).is_empty(), "nothing runs while paused");
    w.run_until(Time::from_ms(1000));
    assert_eq!(w.state(1).expect("up").received, vec![0, 1, 2, 3, 4]);
    // The timer due at 300 ms fires late, at the end of the pause (it re-arms itself only when
    // it runs, so one firing is owed), together with the five messages that waited.
    let t = timers_of(&w, 1);
    assert_eq!(t.len(), 1);
    assert_eq!(t[0].time, Time::from_ms(1000));
    let delivered_at: Vec<Time> = w
        .trace()
        .events()
        .filter(|e| matches!(e.kind, TraceKind::Deliver { .. }))
        .map(|e| e.time)
        .collect();
    assert_eq!(delivered_at, vec![Time::from_ms(1000); 5]);
}

#[test]
fn a_cut_drops_messages_in_flight_where_they_are() {
    let mut w = world(2, 3, 1000, 0.0);
    w.run_until(Time::from_ms(4));
    w.act(ActionKind::CutLink {
        a: 0,
        b: 1,
        one_way: true,
    })
    .expect("cut");
    w.run_until(Time::from_ms(20));
    let lost: Vec<f64> = w
        .trace()
        .events()
        .filter_map(|e| match e.kind {
            TraceKind::Lost { progress, .. } => Some(progress),
            _ => None,
        })
        .collect();
    assert_eq!(lost, vec![0.4; 3], "cut 4 ms into a 10 ms flight");
    assert_eq!(w.trace().totals().lost_link_cut, 3);
}

#[test]
fn bad_actions_are_refused_with_a_reason() {
    let mut w = world(2, 0, 1000, 0.0);
    let refuse = |w: &mut World<Probe>, a| w.act(a).expect_err("must be refused").to_string();
    assert!(refuse(&mut w, ActionKind::CrashNode(5)).contains("no node 5"));
    assert!(refuse(&mut w, ActionKind::RecoverNode(0)).contains("has not crashed"));
    assert!(refuse(
        &mut w,
        ActionKind::CutLink {
            a: 1,
            b: 1,
            one_way: false
        }
    )
    .contains("two different nodes"));
    assert!(refuse(&mut w, ActionKind::PauseNode(0, 0)).contains("longer than 0"));
    w.act(ActionKind::CrashNode(0)).expect("crash");
    assert!(refuse(&mut w, ActionKind::CrashNode(0)).contains("already crashed"));
    assert!(refuse(&mut w, ActionKind::PauseNode(0, 5)).contains("crashed"));
    assert!(w.actions().len() == 1, "refused actions are not logged");
}

#[test]
fn a_crash_stop_node_never_recovers() {
    let net = Network::new(LinkConfig::default());
    let setups = vec![NodeSetup {
        fault: FaultModel::CrashStop,
        clock: Clock::new(0, 0.0),
    }];
    let mut w = World::new(
        Probe {
            burst: 0,
            timer: Duration::from_ms(100),
        },
        setups,
        net,
        1,
    );
    w.act(ActionKind::CrashNode(0)).expect("crash");
    let err = w.act(ActionKind::RecoverNode(0)).expect_err("crash-stop");
    assert!(err.to_string().contains("crash-stop"));
}
