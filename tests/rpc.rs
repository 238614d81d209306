//! The RPC scenario's lecture claims, run headless: marshalling is real bytes; a lost request and a
//! lost reply look the same to the client; retries without deduplication can charge a card twice;
//! with deduplication a payment runs at most once, however many retries arrive.

mod common;

use dsviz_core::scenarios::rpc::{self, wire, Rpc, CARD};
use dsviz_core::scenarios::Params;
use dsviz_core::sim::frame::hex;
use dsviz_core::sim::protocol::Verdict;
use dsviz_core::sim::trace::{TraceEvent, TraceKind};
use dsviz_core::sim::world::World;
use dsviz_core::sim::{ActionKind, Time};

fn world(seed: u64, params: &[(&str, &str)]) -> World<Rpc> {
    let inputs = common::inputs(params);
    let p = Params::new(rpc::SCENARIO.spec.params, &inputs).expect("valid rpc parameters");
    rpc::world(&p, seed)
}

/// No random loss and a constant 200 ms each way, so every instant is known: the first call
/// (a payment, request #1) leaves at 100 ms, reaches the server at 300 ms, and its reply would
/// reach the client at 500 ms. The timeout is 1000 ms, the backoff 200 ms.
const EXACT: &[(&str, &str)] = &[
    ("loss", "0"),
    ("latency", "constant"),
    ("latency_ms", "200"),
    ("timeout_ms", "1000"),
    ("retry", "fixed"),
    ("backoff_ms", "200"),
];

fn with(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut p = EXACT.to_vec();
    p.extend_from_slice(extra);
    p
}

fn in_flight(w: &World<Rpc>, label: &str) -> u64 {
    let f = w.frame(0, 0);
    let m = f.messages.iter().find(|m| m.label == label);
    m.unwrap_or_else(|| panic!("no {label} in flight at {} ms", f.now))
        .id
}

/// Runs to `at_ms` and drops the message with this label that is then in flight.
fn drop_at(w: &mut World<Rpc>, at_ms: u64, label: &str) {
    w.run_until(Time::from_ms(at_ms));
    let id = in_flight(w, label);
    w.act(ActionKind::DropMessage(id)).expect("in flight");
}

/// What the client itself observes: what it sent, what it received, its timers and its own notes,
/// with message ids left out (they count every message in the world, the server's too).
fn client_view(w: &World<Rpc>, until: Time) -> Vec<String> {
    w.trace()
        .events()
        .filter(|e| e.node == rpc::CLIENT && e.time <= until)
        .filter_map(|e: &TraceEvent| {
            let t = e.time.as_ms_f64();
            match &e.kind {
                TraceKind::Send { label, size, .. } => Some(format!("{t} send {label} {size}")),
                TraceKind::Deliver { label, size, .. } => {
                    Some(format!("{t} receive {label} {size}"))
                }
                TraceKind::Timer { tag } => Some(format!("{t} timer {tag}")),
                TraceKind::Note { text } => Some(format!("{t} note {text}")),
                TraceKind::Metric { name, value } => Some(format!("{t} metric {name} {value}")),
                // Lost and Discard are the network's record, not something the client sees.
                _ => None,
            }
        })
        .collect()
}

fn verdict(w: &World<Rpc>, starts: &str) -> Verdict {
    let f = w.frame(0, 0);
    f.verdicts
        .into_iter()
        .find(|v| v.claim.starts_with(starts))
        .unwrap_or_else(|| panic!("no verdict starting '{starts}'"))
}

#[test]
fn a_request_travels_as_its_marshalled_bytes() {
    let mut w = world(1, EXACT);
    w.run_until(Time::from_ms(150));
    let id = in_flight(&w, "process_payment");
    let d = w.inspect_message(id).expect("in flight");
    let expected = wire::marshal_request(
        1,
        1,
        wire::PROC_PAYMENT,
        &[wire::Value::Str(CARD.into()), wire::Value::Int(2500)],
    );
    assert_eq!(d.size, 44);
    assert_eq!(d.size as usize, expected.len());
    assert_eq!(d.hex.as_deref(), Some(hex(&expected).as_str()));
    assert!(d
        .fields
        .contains(&("4–7 request id".into(), "00 00 00 01 → 1".into())));
    assert!(d.fields.contains(&(
        "33–43 argument 2".into(),
        "01 00 08 00 00 00 00 00 00 09 c4 → int64 2500".into()
    )));
    // The client keeps what it sent, hex beside decoded, for the inspector.
    let client = w.inspect(rpc::CLIENT).expect("client");
    let vol = client.volatile.expect("up");
    assert!(vol.contains(&("sent #1 attempt 1 · 44 bytes".into(), hex(&expected))));
    assert!(vol.contains(&(
        "sent #1 attempt 1 · decoded".into(),
        format!("request #1 attempt 1: process_payment(\"{CARD}\", 25.00)")
    )));
    // The server unmarshals it back into the same call, marshals the result, and the client reads it.
    w.run_until(Time::from_ms(600));
    let server = w.inspect(rpc::SERVER).expect("server");
    assert!(server.stable.contains(&("balance".into(), "475.00".into())));
    let reply = wire::marshal_response(
        1,
        1,
        wire::STATUS_OK,
        &[wire::Value::Int(1), wire::Value::Int(47_500)],
    );
    let vol = w
        .inspect(rpc::CLIENT)
        .expect("client")
        .volatile
        .expect("up");
    assert!(vol.contains(&("received reply · 33 bytes".into(), hex(&reply))));
    assert_eq!(
        verdict(&w, "Marshalling").status,
        "holds",
        "{:?}",
        verdict(&w, "Marshalling")
    );
}

#[test]
fn a_lost_request_and_a_lost_reply_look_the_same_to_the_client() {
    for dedup in ["off", "on"] {
        let params = with(&[("dedup", dedup)]);
        // Run A: the request dies on the way (at 150 ms). Run B: the server runs the payment, and
        // the reply dies on the way back (at 350 ms).
        let mut a = world(7, &params);
        drop_at(&mut a, 150, "process_payment");
        let mut b = world(7, &params);
        drop_at(&mut b, 350, "reply");
        // The client's timeout fires at 1100 ms in both runs.
        let timeout = Time::from_ms(1100);
        a.run_until(timeout);
        b.run_until(timeout);
        let (va, vb) = (client_view(&a, timeout), client_view(&b, timeout));
        assert_eq!(va, vb, "dedup {dedup}");
        assert_eq!(va.len(), 4, "{va:#?}");
        assert!(va[3].starts_with("1100 note client: no reply to #1 attempt 1 within 1000 ms."));
        // Everything the client knows, volatile and stable, is the same.
        let (ia, ib) = (
            a.inspect(rpc::CLIENT).expect("a"),
            b.inspect(rpc::CLIENT).expect("b"),
        );
        assert_eq!(ia.volatile, ib.volatile);
        assert_eq!(ia.stable, ib.stable);
        let (ca, cb) = (
            a.stable(rpc::CLIENT).expect("a"),
            b.stable(rpc::CLIENT).expect("b"),
        );
        assert_eq!(ca.timeouts, vec![(1, 1)]);
        assert_eq!(ca.timeouts, cb.timeouts);
        // Only the server knows the difference: in B it charged the card.
        let (sa, sb) = (
            a.stable(rpc::SERVER).expect("a"),
            b.stable(rpc::SERVER).expect("b"),
        );
        assert_eq!((sa.ledger.len(), sb.ledger.len()), (0, 1));
        assert_eq!(rpc::classify_timeouts(ca, sa), (1, 0));
        assert_eq!(rpc::classify_timeouts(cb, sb), (0, 1));

        // Later: the retry leaves at 1300 ms and is answered at 1700 ms.
        a.run_until(Time::from_ms(1800));
        b.run_until(Time::from_ms(1800));
        let end = Time::from_ms(1800);
        let (va, vb) = (client_view(&a, end), client_view(&b, end));
        if dedup == "on" {
            // With deduplication the stored result answers B's retry: the client can never tell.
            assert_eq!(va, vb);
            assert_eq!(a.stable(rpc::SERVER).expect("a").balance, 47_500);
            assert_eq!(b.stable(rpc::SERVER).expect("b").balance, 47_500);
        } else {
            // Without it, B's retry charged the card again: the balance in the reply gives it away.
            assert_ne!(va, vb);
            assert!(va.iter().any(|l| l.contains("ok [1, 475.00]")), "{va:#?}");
            assert!(vb.iter().any(|l| l.contains("ok [2, 450.00]")), "{vb:#?}");
        }
    }
}

#[test]
fn the_timeout_claim_holds_once_a_request_and_a_reply_were_lost() {
    let mut w = world(3, &with(&[("workload", "payments"), ("think_ms", "500")]));
    assert_eq!(verdict(&w, "A lost request").status, "pending");
    drop_at(&mut w, 150, "process_payment");
    w.run_until(Time::from_ms(1200));
    assert_eq!(verdict(&w, "A lost request").status, "pending");
    // The retry at 1300 ms reaches the server at 1500; its reply is in flight until 1700.
    drop_at(&mut w, 1600, "reply");
    w.run_until(Time::from_ms(2600));
    let v = verdict(&w, "A lost request");
    assert_eq!(v.status, "holds", "{v:?}");
    assert!(
        v.detail
            .starts_with("2 timeout(s): 1 where the request was lost, 1 where the server"),
        "{}",
        v.detail
    );
}

#[test]
fn retrying_without_deduplication_charges_the_card_twice() {
    let mut w = world(5, &with(&[("dedup", "off")]));
    assert_eq!(verdict(&w, "Retrying without").status, "pending");
    drop_at(&mut w, 350, "reply");
    w.run_until(Time::from_ms(2000));
    let server = w.stable(rpc::SERVER).expect("server");
    let charges: Vec<(u32, u8, i64)> = server
        .ledger
        .iter()
        .map(|c| (c.request, c.attempt, c.amount))
        .collect();
    assert_eq!(charges, vec![(1, 1, 2500), (1, 2, 2500)]);
    assert_eq!(server.balance, 50_000 - 2 * 2500);
    assert_eq!(rpc::double_charges(server), vec![(1, 2)]);
    // The client made one payment and saw it succeed once.
    let client = w.stable(rpc::CLIENT).expect("client");
    assert_eq!(client.calls.len(), 1);
    assert_eq!(client.calls[0].attempts, 2);
    let v = verdict(&w, "Retrying without");
    assert_eq!(v.status, "holds");
    assert!(
        v.detail
            .starts_with("request #1 charged the card 2 times: 50.00 in the ledger"),
        "{}",
        v.detail
    );
    let noted = w.trace().events().any(|e| {
        matches!(&e.kind, TraceKind::Note { text } if text.contains("charged 2 times for one payment"))
    });
    assert!(noted);
}

#[test]
fn deduplication_answers_the_retry_from_the_table_and_charges_once() {
    let mut w = world(5, &with(&[("dedup", "on")]));
    drop_at(&mut w, 350, "reply");
    w.run_until(Time::from_ms(2000));
    let server = w.stable(rpc::SERVER).expect("server");
    assert_eq!(server.ledger.len(), 1);
    assert_eq!(server.balance, 50_000 - 2500);
    assert_eq!(server.replayed, 1);
    assert_eq!(
        server.arrived.iter().copied().collect::<Vec<_>>(),
        vec![(1, 1), (1, 2)]
    );
    assert_eq!(verdict(&w, "With deduplication").status, "holds");
}

struct Tally {
    seeds_with_double: u32,
    double_charged_requests: usize,
    payments_run: usize,
    retries_arrived: usize,
    most_arrivals_of_one_request: usize,
    replayed: u32,
    verdict_failed: u32,
}

fn tally(params: &[(&str, &str)], seeds: std::ops::Range<u64>) -> Tally {
    let mut t = Tally {
        seeds_with_double: 0,
        double_charged_requests: 0,
        payments_run: 0,
        retries_arrived: 0,
        most_arrivals_of_one_request: 0,
        replayed: 0,
        verdict_failed: 0,
    };
    for seed in seeds {
        let mut w = world(seed, params);
        w.run_until(Time::from_ms(600_000));
        let s = w.stable(rpc::SERVER).expect("server");
        let doubles = rpc::double_charges(s);
        t.seeds_with_double += u32::from(!doubles.is_empty());
        t.double_charged_requests += doubles.len();
        t.payments_run += s.ledger.len();
        t.retries_arrived += s.arrived.iter().filter(|(_, a)| *a > 1).count();
        let mut per_request = std::collections::BTreeMap::<u32, usize>::new();
        for (id, _) in &s.arrived {
            *per_request.entry(*id).or_default() += 1;
        }
        t.most_arrivals_of_one_request = t
            .most_arrivals_of_one_request
            .max(per_request.values().copied().max().unwrap_or(0));
        t.replayed += s.replayed;
        t.verdict_failed += u32::from(w.frame(0, 0).verdicts.iter().any(|v| v.status == "fails"));
        // All calls are done long before the end.
        assert_eq!(w.stable(rpc::CLIENT).expect("client").calls.len(), 20);
    }
    t
}

#[test]
fn over_many_seeds_retries_give_at_least_once_and_deduplication_at_most_once() {
    // 200 seeds × 20 calls (10 payments), 30 % loss each way, 5 retries, exponential latency.
    let lossy = [("loss", "0.3"), ("retries", "5"), ("workload", "mixed")];
    let mut off = lossy.to_vec();
    off.push(("dedup", "off"));
    let mut on = lossy.to_vec();
    on.push(("dedup", "on"));
    let without = tally(&off, 0..200);
    let with = tally(&on, 0..200);
    eprintln!(
        "dedup off: {} of 200 seeds charged a card twice ({} payments, {} payment runs); \
         dedup on: {} retries arrived, {} answered from the table, {} payment runs, at most {} \
         arrivals of one request",
        without.seeds_with_double,
        without.double_charged_requests,
        without.payments_run,
        with.retries_arrived,
        with.replayed,
        with.payments_run,
        with.most_arrivals_of_one_request
    );
    // At-least-once: without deduplication some payments ran twice (or more).
    assert!(
        without.seeds_with_double >= 50,
        "{}",
        without.seeds_with_double
    );
    assert_eq!(without.verdict_failed, 0);
    // At-most-once: with it, never, though many retries reached the server, some several times.
    assert_eq!(with.double_charged_requests, 0);
    assert_eq!(with.verdict_failed, 0);
    assert!(with.retries_arrived > 200, "{}", with.retries_arrived);
    assert!(with.replayed > 100, "{}", with.replayed);
    assert!(with.most_arrivals_of_one_request >= 3);
}

#[test]
fn deduplication_holds_on_a_duplicating_link_too() {
    let params = [
        ("link_kind", "arbitrary"),
        ("duplicate", "0.3"),
        ("loss", "0.2"),
        ("dedup", "on"),
        ("workload", "payments"),
    ];
    let t = tally(&params, 0..100);
    assert_eq!(t.double_charged_requests, 0);
    assert!(t.replayed > 100, "{}", t.replayed);
    let mut off = params.to_vec();
    off[3] = ("dedup", "off");
    assert!(tally(&off, 0..100).seeds_with_double > 50);
}

#[test]
fn a_corrupted_request_can_change_the_amount_unless_the_checksum_catches_it() {
    let base = [
        ("link_kind", "arbitrary"),
        ("corrupt", "0.3"),
        ("loss", "0"),
        ("workload", "payments"),
        ("dedup", "on"),
    ];
    let mut altered = 0;
    let mut checked_altered = 0;
    for seed in 0..40 {
        let mut w = world(seed, &base);
        w.run_until(Time::from_ms(200_000));
        altered += w.stable(rpc::SERVER).expect("server").altered.len();
        let mut with_sum = base.to_vec();
        with_sum.push(("checksum", "on"));
        let mut w = world(seed, &with_sum);
        w.run_until(Time::from_ms(200_000));
        checked_altered += w.stable(rpc::SERVER).expect("server").altered.len();
        assert_ne!(verdict(&w, "Marshalling").status, "fails");
    }
    assert!(altered > 0, "no damaged request changed its arguments");
    assert_eq!(checked_altered, 0);
}

#[test]
fn bad_drops_are_refused_and_a_run_replays_identically() {
    let run = || {
        let mut w = world(9, &[("loss", "0.2")]);
        drop_at(&mut w, 150, "process_payment");
        w.run_until(Time::from_ms(30_000));
        w
    };
    let (a, b) = (run(), run());
    assert_eq!(a.trace().hash_hex(), b.trace().hash_hex());
    let mut w = run();
    assert!(w.act(ActionKind::DropMessage(1_000_000)).is_err());
}

#[test]
fn exponential_backoff_doubles_the_wait_and_then_the_client_gives_up() {
    let mut w = world(
        2,
        &with(&[("retry", "exponential"), ("retries", "3"), ("loss", "1")]),
    );
    w.run_until(Time::from_ms(10_000));
    let waits: Vec<String> = w
        .trace()
        .events()
        .filter_map(|e| match &e.kind {
            TraceKind::Note { text } if e.node == rpc::CLIENT => Some(text.clone()),
            _ => None,
        })
        .collect();
    assert!(waits[0].ends_with("Retrying in 200 ms with the same request id."));
    assert!(waits[1].ends_with("Retrying in 400 ms with the same request id."));
    assert!(waits[2].ends_with("Retrying in 800 ms with the same request id."));
    assert!(
        waits[3].starts_with("client: no reply to #1 attempt 4 within 1000 ms; giving up"),
        "{}",
        waits[3]
    );
    // Sends at 100, 1300, 2700, 4500 ms; the last timeout at 5500 ms.
    let sends: Vec<f64> = w
        .trace()
        .events()
        .filter(|e| e.node == rpc::CLIENT && matches!(e.kind, TraceKind::Send { .. }))
        .map(|e| e.time.as_ms_f64())
        .take(4)
        .collect();
    assert_eq!(sends, vec![100.0, 1300.0, 2700.0, 4500.0]);
    let client = w.stable(rpc::CLIENT).expect("client");
    assert_eq!(client.calls[0].outcome, rpc::Outcome::GaveUp);
    assert_eq!(client.calls[0].attempts, 4);
}
