//! The `dropMessage` action and the message inspector, on a tiny protocol written for the test:
//! node 0 sends three numbered messages to node 1 at start, over a 10 ms link.

use dsviz_core::sim::clock::Clock;
use dsviz_core::sim::network::{Latency, LinkConfig, Network};
use dsviz_core::sim::node::FaultModel;
use dsviz_core::sim::protocol::{Ctx, Fields, Message, Protocol};
use dsviz_core::sim::trace::{LossReason, TraceKind};
use dsviz_core::sim::world::{NodeSetup, World};
use dsviz_core::sim::{ActionKind, Duration, NodeId, SimError, Time};

#[derive(Clone, Debug)]
struct Num(u8);
impl Message for Num {
    fn label(&self) -> &'static str {
        "num"
    }
    fn size(&self) -> u32 {
        1
    }
    fn bytes(&self) -> Option<&[u8]> {
        Some(std::slice::from_ref(&self.0))
    }
    fn fields(&self) -> Fields {
        vec![("value".into(), self.0.to_string())]
    }
}

#[derive(Clone)]
struct Three;

impl Protocol for Three {
    type Msg = Num;
    type State = Vec<u8>;
    type Stable = ();
    fn start(&self, ctx: &mut Ctx<Num>, _: &mut ()) -> Vec<u8> {
        if ctx.id() == 0 {
            for i in 0..3 {
                ctx.send(1, Num(0xa0 + i));
            }
        }
        Vec::new()
    }
    fn on_message(&self, _: &mut Ctx<Num>, s: &mut Vec<u8>, _: &mut (), _: NodeId, m: Num) {
        s.push(m.0);
    }
    fn on_timer(&self, _: &mut Ctx<Num>, _: &mut Vec<u8>, _: &mut (), _: u64) {}
    fn summary(&self, _: Option<&Vec<u8>>, _: &()) -> String {
        String::new()
    }
    fn inspect(&self, _: Option<&Vec<u8>>, _: &()) -> (Option<Fields>, Fields) {
        (None, vec![])
    }
}

fn world() -> World<Three> {
    let net = Network::new(LinkConfig {
        latency: Latency::Constant(Duration::from_ms(10)),
        ..LinkConfig::default()
    });
    let setups = (0..2)
        .map(|_| NodeSetup {
            fault: FaultModel::CrashRecovery,
            clock: Clock::new(0, 0.0),
        })
        .collect();
    World::new(Three, setups, net, 1)
}

#[test]
fn a_dropped_message_dies_where_it_is_and_the_others_arrive() {
    let mut w = world();
    w.run_until(Time::from_ms(4));
    let ids: Vec<u64> = w.frame(0, 0).messages.iter().map(|m| m.id).collect();
    assert_eq!(ids.len(), 3);
    w.act(ActionKind::DropMessage(ids[1])).expect("in flight");
    w.run_until(Time::from_ms(50));
    assert_eq!(w.state(1).expect("up"), &vec![0xa0, 0xa2]);
    let t = w.trace().totals();
    assert_eq!((t.lost_dropped, t.delivered, t.lost_random), (1, 2, 0));
    let lost: Vec<_> = w
        .trace()
        .events()
        .filter_map(|e| match e.kind {
            TraceKind::Lost {
                msg,
                reason,
                progress,
                ..
            } => Some((msg, reason, progress)),
            _ => None,
        })
        .collect();
    assert_eq!(lost, vec![(ids[1], LossReason::Dropped, 0.4)]);
    assert_eq!(w.actions().len(), 1);
}

#[test]
fn dropping_what_is_not_in_flight_is_refused_and_not_logged() {
    let mut w = world();
    w.run_until(Time::from_ms(4));
    let id = w.frame(0, 0).messages[0].id;
    w.act(ActionKind::DropMessage(id)).expect("in flight");
    assert!(matches!(
        w.act(ActionKind::DropMessage(id)),
        Err(SimError::NotNow(_))
    ));
    assert!(matches!(
        w.act(ActionKind::DropMessage(999)),
        Err(SimError::NotNow(_))
    ));
    w.run_until(Time::from_ms(50));
    assert!(w.frame(0, 0).messages.is_empty(), "the rest have arrived");
    assert!(w.act(ActionKind::DropMessage(id + 1)).is_err());
    assert_eq!(w.actions().len(), 1);
}

#[test]
fn a_message_waiting_at_a_paused_node_can_be_dropped() {
    let mut w = world();
    w.act(ActionKind::PauseNode(1, 100_000_000)).expect("pause");
    w.run_until(Time::from_ms(20));
    let waiting: Vec<u64> = w.frame(0, 0).messages.iter().map(|m| m.id).collect();
    assert_eq!(waiting.len(), 3, "all three wait at the paused node's door");
    w.act(ActionKind::DropMessage(waiting[0])).expect("waiting");
    w.run_until(Time::from_ms(200));
    assert_eq!(w.state(1).expect("up"), &vec![0xa1, 0xa2]);
    assert_eq!(w.trace().totals().lost_dropped, 1);
}

#[test]
fn the_same_drop_replays_to_the_same_trace() {
    let run = |drop: bool| {
        let mut w = world();
        w.run_until(Time::from_ms(4));
        if drop {
            w.act(ActionKind::DropMessage(2)).expect("in flight");
        }
        w.run_until(Time::from_ms(50));
        w.trace().hash_hex()
    };
    assert_eq!(run(true), run(true));
    assert_ne!(run(true), run(false));
    // Through the flat form the runner and share links use.
    let kind = ActionKind::parse("dropMessage", &[2.0]).expect("parse");
    assert_eq!(kind, ActionKind::DropMessage(2));
    assert_eq!(kind.args(), vec![2.0]);
}

#[test]
fn the_message_inspector_shows_bytes_and_fields_in_flight_and_for_a_while_after() {
    let mut w = world();
    w.run_until(Time::from_ms(4));
    let id = w.frame(0, 0).messages[2].id;
    let d = w.inspect_message(id).expect("in flight");
    assert_eq!((d.from, d.to, d.label, d.size), (0, 1, "num", 1));
    assert_eq!(d.hex.as_deref(), Some("a2"));
    assert_eq!(d.fields, vec![("value".to_string(), "162".to_string())]);
    // Delivered: still shown, as the receiver got it, until newer deliveries push it out.
    w.run_until(Time::from_ms(50));
    let after = w.inspect_message(id).expect("recently delivered");
    assert_eq!((after.hex, after.fields), (d.hex, d.fields));
    assert!(w.inspect_message(u64::MAX).is_err());
}

/// Node 0 and node 1 bounce one message back and forth for ever (10 ms each way).
#[derive(Clone)]
struct PingPong;

impl Protocol for PingPong {
    type Msg = Num;
    type State = ();
    type Stable = ();
    fn start(&self, ctx: &mut Ctx<Num>, _: &mut ()) {
        if ctx.id() == 0 {
            ctx.send(1, Num(0));
        }
    }
    fn on_message(&self, ctx: &mut Ctx<Num>, _: &mut (), _: &mut (), from: NodeId, m: Num) {
        ctx.send(from, Num(m.0.wrapping_add(1)));
    }
    fn on_timer(&self, _: &mut Ctx<Num>, _: &mut (), _: &mut (), _: u64) {}
    fn summary(&self, _: Option<&()>, _: &()) -> String {
        String::new()
    }
    fn inspect(&self, _: Option<&()>, _: &()) -> (Option<Fields>, Fields) {
        (None, vec![])
    }
}

#[test]
fn delivered_messages_stay_inspectable_until_newer_ones_push_them_out() {
    let setups = (0..2)
        .map(|_| NodeSetup {
            fault: FaultModel::CrashRecovery,
            clock: Clock::new(0, 0.0),
        })
        .collect();
    let net = Network::new(LinkConfig {
        latency: Latency::Constant(Duration::from_ms(10)),
        ..LinkConfig::default()
    });
    let mut w = World::new(PingPong, setups, net, 1);
    w.run_until(Time::from_ms(5));
    let first = w.frame(0, 0).messages[0].id;
    let keep = dsviz_core::sim::RECENTLY_DELIVERED as u64;
    // One delivery every 10 ms: the first is kept through `keep` deliveries, gone at the next.
    w.run_until(Time::from_ms(10 * keep));
    assert_eq!(w.trace().totals().delivered, keep);
    assert_eq!(
        w.inspect_message(first).expect("kept").hex.as_deref(),
        Some("00")
    );
    w.run_until(Time::from_ms(10 * (keep + 1)));
    assert!(
        w.inspect_message(first).is_err(),
        "pushed out by the newest"
    );
    let second = first + 1;
    assert_eq!(
        w.inspect_message(second).expect("kept").hex.as_deref(),
        Some("01")
    );
}
