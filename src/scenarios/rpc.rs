//! Remote procedure calls: a client (node 0) calls `process_payment(card, amount)` and
//! `get_balance(account)` on a server (node 1). The client stub marshals each call into bytes (the
//! format is documented in `rpc_wire.rs`), the server stub unmarshals them, runs the procedure
//! against its ledger and marshals the result. Messages ARE those bytes: their size is the byte
//! length, and the inspector shows them in hex beside the decoded fields.
//!
//! The client waits `timeout` for a reply; it may retry (the same request id, the next attempt
//! number) after a fixed or exponential backoff, and gives up after `retries` retries. The server
//! may deduplicate by request id: it then stores each result with the ledger entry and answers a
//! repeated request from that table without running the procedure again (the reply is marshalled
//! afresh for the attempt it answers, so the client cannot tell a stored result from a new one).

#[path = "rpc_wire.rs"]
pub mod wire;

#[path = "rpc_view.rs"]
mod view;

#[path = "rpc_server.rs"]
mod server;
pub use view::{classify_timeouts, double_charges};

use super::model;
use super::params::{ParamSpec, Params};
use super::{MetricSpec, Scenario, ScenarioSpec};
use crate::sim::network::Network;
use crate::sim::protocol::{Ctx, Fields, Message, Protocol, Verdict};
use crate::sim::rng::SimRng;
use crate::sim::world::World;
use crate::sim::{Duration, NodeId, Runner, Time};
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use wire::{Frame, Value};

pub const CLIENT: NodeId = 0;
pub const SERVER: NodeId = 1;
/// The card the client pays with, and the account behind it.
pub const CARD: &str = "4000 1234 5678 9010";
pub const ACCOUNT: &str = "ACC-1001";

pub const WORKLOADS: &[&str] = &["mixed", "payments", "balance"];
pub const RETRY: &[&str] = &["none", "fixed", "exponential"];

const PARAMS: &[ParamSpec] = &[
    ParamSpec::integer("calls", "Calls", 20.0, 1.0, 1000.0)
        .help("How many calls the client makes, one after another."),
    ParamSpec::choice("workload", "Workload", WORKLOADS, 0).help(
        "mixed: process_payment, then get_balance, in turn. payments: only process_payment. \
         balance: only get_balance (idempotent: running it twice does no harm).",
    ),
    ParamSpec::integer("amount", "Payment amount", 25.0, 1.0, 10_000.0)
        .help("What each process_payment charges the card."),
    ParamSpec::integer("balance", "Opening balance", 500.0, 0.0, 1_000_000.0)
        .help("The account's balance in the server's ledger at the start."),
    ParamSpec::number("timeout_ms", "Timeout (ms)", 1000.0, 1.0, 60_000.0)
        .help("How long the client waits for a reply before it treats the attempt as failed."),
    ParamSpec::choice("retry", "Retry policy", RETRY, 2).help(
        "none: a timed-out call fails. fixed: retry after the backoff. exponential: retry after \
         the backoff, doubled on each further retry (up to a minute).",
    ),
    ParamSpec::integer("retries", "Retries", 3.0, 0.0, 20.0)
        .help("Most retries per call before the client gives up."),
    ParamSpec::number("backoff_ms", "Backoff (ms)", 200.0, 0.0, 60_000.0)
        .help("Wait between a timeout and the retry."),
    ParamSpec::choice("dedup", "Server deduplication", model::OFF_ON, 0).help(
        "on: the server remembers each request id with its reply and answers a repeat from \
         there, without running the procedure again.",
    ),
    ParamSpec::number(
        "think_ms",
        "Pause between calls (ms)",
        1500.0,
        0.0,
        60_000.0,
    ),
    model::LINK_KIND,
    model::LATENCY,
    ParamSpec::number("latency_ms", "Minimum latency (ms)", 200.0, 0.0, 10_000.0),
    ParamSpec::number("spread_ms", "Latency spread (ms)", 50.0, 0.0, 10_000.0),
    ParamSpec::number("loss", "Loss probability", 0.2, 0.0, 1.0)
        .help("Chance that a request or a reply is lost."),
    model::DUPLICATE,
    model::CORRUPT,
    model::CHECKSUM,
    model::TIMING,
    ParamSpec::number("bound_ms", "Delay bound Δ (ms)", 400.0, 1.0, 60_000.0).help(
        "No network delay exceeds this (synchronous; partially synchronous after GST). Under \
         the asynchronous model a reply may come after the timeout: slow looks like lost too.",
    ),
    model::GST_MS,
];

pub const SCENARIO: Scenario = Scenario {
    spec: ScenarioSpec {
        id: "rpc",
        title: "Remote procedure call",
        summary: "A client calls process_payment(card, amount) and get_balance(account) on a \
                  server as if they were local functions. Its stub turns each call into bytes, the \
                  server's stub turns them back, runs the procedure on the ledger and sends the \
                  result as bytes. Click a message to see its bytes; drop a request or a reply, \
                  and watch what the client can tell and what the ledger records.",
        params: PARAMS,
        try_this: &[
            "Click a process_payment request in flight and drop it; then, on the next payment, \
             drop the reply instead. The client sees the same thing both times: silence until \
             its timeout. Only the server's ledger knows the difference.",
            "With retries on and deduplication off, drop a payment's reply: the retry runs the \
             payment again and the ledger charges the card twice. Switch deduplication on and \
             do it again: the retry is answered from the table and the card is charged once.",
            "Make the link arbitrary with corruption 0.1: a flipped bit can change the amount the \
             server reads. Switch the checksum on and damaged requests become lost ones.",
        ],
        metrics: &[
            MetricSpec {
                name: "call_ms",
                label: "Call latency (answered calls)",
                unit: "ms",
            },
            MetricSpec {
                name: "attempts",
                label: "Attempts per call",
                unit: "",
            },
        ],
    },
    build,
};

/// A message: the marshalled bytes, and a label read from them when they were made.
#[derive(Clone, Debug)]
pub struct Msg {
    bytes: Vec<u8>,
    label: &'static str,
}

impl Msg {
    fn new(bytes: Vec<u8>) -> Msg {
        let label = match (bytes.get(3), bytes.get(9)) {
            (Some(&wire::KIND_REQUEST), Some(&wire::PROC_PAYMENT)) => "process_payment",
            (Some(&wire::KIND_REQUEST), Some(&wire::PROC_BALANCE)) => "get_balance",
            (Some(&wire::KIND_REQUEST), _) => "request",
            _ => "reply",
        };
        Msg { bytes, label }
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl Message for Msg {
    fn label(&self) -> &'static str {
        self.label
    }

    fn size(&self) -> u32 {
        self.bytes.len() as u32
    }

    /// One bit flipped somewhere in the bytes, as a noisy line would.
    fn corrupt(&mut self, rng: &mut SimRng) {
        if !self.bytes.is_empty() {
            let i = rng.below(self.bytes.len() as u64) as usize;
            self.bytes[i] ^= 1 << rng.below(8);
        }
    }

    fn bytes(&self) -> Option<&[u8]> {
        Some(&self.bytes)
    }

    fn fields(&self) -> Fields {
        wire::describe_bytes(&self.bytes)
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Retry {
    None,
    Fixed,
    Exponential,
}

#[derive(Clone, Debug)]
pub struct Rpc {
    calls: u32,
    workload: &'static str,
    amount: i64,
    opening: i64,
    timeout: Duration,
    retry: Retry,
    retries: u32,
    backoff: Duration,
    think: Duration,
    dedup: bool,
}

/// How many marshalled messages each node keeps for the inspector.
const RECENT: usize = 4;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    Waiting,
    BackingOff,
}

/// The call the client is making now.
#[derive(Clone, Debug)]
pub struct Pending {
    pub id: u32,
    pub procedure: u8,
    pub attempt: u8,
    phase: Phase,
    timer: u64,
    started: i64,
}

/// Volatile state. The client's current call and the last bytes each node sent or received.
#[derive(Clone, Debug, Default)]
pub struct State {
    pub pending: Option<Pending>,
    /// (what, bytes), newest last.
    recent: VecDeque<(String, Vec<u8>)>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The reply's status and values.
    Answered {
        status: u8,
        values: Vec<Value>,
    },
    GaveUp,
}

#[derive(Clone, Debug)]
pub struct CallRecord {
    pub id: u32,
    pub procedure: u8,
    pub attempts: u8,
    pub outcome: Outcome,
}

/// One timeout the client saw: request id and attempt.
pub type Attempt = (u32, u8);

/// A charge in the server's ledger.
#[derive(Clone, Debug)]
pub struct Charge {
    pub txn: u64,
    pub request: u32,
    pub attempt: u8,
    pub amount: i64,
}

/// Stable storage. The client's job log (so a restart neither repeats calls nor reuses request
/// ids); the server's database: balance, ledger and deduplication table, written together.
#[derive(Clone, Debug, Default)]
pub struct Stable {
    started: bool,
    /// Set at the first boot: the inspector and summary are not told which node they describe.
    pub client: bool,
    pub next_call: u32,
    pub next_id: u32,
    pub calls: Vec<CallRecord>,
    pub timeouts: Vec<Attempt>,
    pub balance: i64,
    pub ledger: Vec<Charge>,
    /// Request id → the result it got (status, values), stored with the ledger entry.
    pub dedup: BTreeMap<u32, (u8, Vec<Value>)>,
    /// Every (request id, attempt) that reached the server and could be read.
    pub arrived: BTreeSet<Attempt>,
    /// Repeats answered from the deduplication table.
    pub replayed: u32,
    /// Requests the server could not unmarshal, and ones whose arguments arrived changed.
    pub garbled: u32,
    pub altered: Vec<String>,
}

/// Exponential backoff stops growing here.
const MAX_BACKOFF: Duration = Duration(60_000_000_000);

const NEXT_CALL: u64 = 0;
const TIMEOUT: u64 = 1;
const RETRY_NOW: u64 = 2;

fn remember(state: &mut State, what: String, bytes: &[u8]) {
    if state.recent.len() == RECENT {
        state.recent.pop_front();
    }
    state.recent.push_back((what, bytes.to_vec()));
}

impl Rpc {
    fn procedure_of(&self, call: u32) -> u8 {
        match self.workload {
            "payments" => wire::PROC_PAYMENT,
            "balance" => wire::PROC_BALANCE,
            _ if call.is_multiple_of(2) => wire::PROC_PAYMENT,
            _ => wire::PROC_BALANCE,
        }
    }

    fn args_of(&self, procedure: u8) -> Vec<Value> {
        if procedure == wire::PROC_PAYMENT {
            vec![Value::Str(CARD.into()), Value::Int(self.amount)]
        } else {
            vec![Value::Str(ACCOUNT.into())]
        }
    }

    fn send_attempt(&self, ctx: &mut Ctx<Msg>, state: &mut State, p: &mut Pending) {
        let bytes = wire::marshal_request(p.id, p.attempt, p.procedure, &self.args_of(p.procedure));
        remember(
            state,
            format!("sent #{} attempt {}", p.id, p.attempt),
            &bytes,
        );
        ctx.send(SERVER, Msg::new(bytes));
        p.phase = Phase::Waiting;
        p.timer = ctx.set_timer(self.timeout, TIMEOUT);
    }

    /// The wait before retry number `attempt` (1 for the first retry). Exponential backoff
    /// doubles it each time, capped at a minute (or the base backoff, if that is longer).
    fn backoff_for(&self, attempt: u8) -> Duration {
        match self.retry {
            Retry::Exponential => {
                let shift = u32::from(attempt.saturating_sub(1)).min(20);
                let cap = self.backoff.0.max(MAX_BACKOFF.0);
                Duration(self.backoff.0.saturating_mul(1 << shift).min(cap))
            }
            _ => self.backoff,
        }
    }

    fn finish(&self, ctx: &mut Ctx<Msg>, state: &mut State, stable: &mut Stable, outcome: Outcome) {
        let Some(p) = state.pending.take() else {
            return;
        };
        if matches!(outcome, Outcome::Answered { .. }) {
            ctx.metric("call_ms", (ctx.mono() - p.started) as f64 / 1e6);
        }
        ctx.metric("attempts", f64::from(p.attempt));
        stable.calls.push(CallRecord {
            id: p.id,
            procedure: p.procedure,
            attempts: p.attempt,
            outcome,
        });
        ctx.set_timer(self.think, NEXT_CALL);
    }

    fn client_reply(&self, ctx: &mut Ctx<Msg>, state: &mut State, stable: &mut Stable, msg: Msg) {
        let summary = wire::summarize(&msg.bytes);
        let frame = wire::unmarshal(&msg.bytes);
        remember(state, "received reply".into(), &msg.bytes);
        let Ok(Frame::Response {
            id, status, values, ..
        }) = frame
        else {
            ctx.note(format!(
                "client stub: cannot unmarshal the reply: {summary}"
            ));
            return;
        };
        match &state.pending {
            Some(p) if p.id == id => {
                ctx.cancel_timer(p.timer);
                ctx.note(format!("client: {summary}"));
                self.finish(ctx, state, stable, Outcome::Answered { status, values });
            }
            _ => ctx.note(format!(
                "client: {summary} arrived after the client had finished with #{id}: ignored"
            )),
        }
    }

    fn start_call(&self, ctx: &mut Ctx<Msg>, state: &mut State, stable: &mut Stable) {
        if stable.next_call >= self.calls || state.pending.is_some() {
            return;
        }
        let procedure = self.procedure_of(stable.next_call);
        stable.next_call += 1;
        stable.next_id += 1;
        let mut p = Pending {
            id: stable.next_id,
            procedure,
            attempt: 1,
            phase: Phase::Waiting,
            timer: 0,
            started: ctx.mono(),
        };
        self.send_attempt(ctx, state, &mut p);
        state.pending = Some(p);
    }

    fn timed_out(&self, ctx: &mut Ctx<Msg>, state: &mut State, stable: &mut Stable) {
        let Some(mut p) = state.pending.take() else {
            return;
        };
        if p.phase != Phase::Waiting {
            state.pending = Some(p);
            return;
        }
        stable.timeouts.push((p.id, p.attempt));
        let may_retry = self.retry != Retry::None && u32::from(p.attempt) <= self.retries;
        if may_retry {
            let wait = self.backoff_for(p.attempt);
            ctx.note(format!(
                "client: no reply to #{} attempt {} within {} ms. Was the request lost, or the \
                 reply? The client cannot tell. Retrying in {} ms with the same request id.",
                p.id,
                p.attempt,
                self.timeout.as_ms_f64(),
                wait.as_ms_f64()
            ));
            p.phase = Phase::BackingOff;
            p.timer = ctx.set_timer(wait, RETRY_NOW);
            state.pending = Some(p);
        } else {
            ctx.note(format!(
                "client: no reply to #{} attempt {} within {} ms; giving up after {} attempt(s). \
                 {} may or may not have run on the server.",
                p.id,
                p.attempt,
                self.timeout.as_ms_f64(),
                p.attempt,
                wire::procedure_name(p.procedure)
            ));
            state.pending = Some(p);
            self.finish(ctx, state, stable, Outcome::GaveUp);
        }
    }
}

impl Protocol for Rpc {
    type Msg = Msg;
    type State = State;
    type Stable = Stable;

    fn start(&self, ctx: &mut Ctx<Msg>, stable: &mut Stable) -> State {
        if !stable.started {
            stable.started = true;
            stable.client = ctx.id() == CLIENT;
            stable.balance = self.opening;
        }
        if ctx.id() == CLIENT {
            // The first call goes out soon; after a restart the client goes on with the next one.
            ctx.set_timer(Duration::from_ms(100), NEXT_CALL);
        }
        State::default()
    }

    fn on_message(
        &self,
        ctx: &mut Ctx<Msg>,
        state: &mut State,
        stable: &mut Stable,
        _from: NodeId,
        msg: Msg,
    ) {
        if ctx.id() == CLIENT {
            self.client_reply(ctx, state, stable, msg);
        } else {
            self.server_request(ctx, state, stable, msg);
        }
    }

    fn on_timer(&self, ctx: &mut Ctx<Msg>, state: &mut State, stable: &mut Stable, tag: u64) {
        match tag {
            NEXT_CALL => self.start_call(ctx, state, stable),
            TIMEOUT => self.timed_out(ctx, state, stable),
            _ => {
                if let Some(mut p) = state.pending.take() {
                    if p.phase == Phase::BackingOff {
                        p.attempt = p.attempt.saturating_add(1);
                        self.send_attempt(ctx, state, &mut p);
                    }
                    state.pending = Some(p);
                }
            }
        }
    }

    fn summary(&self, state: Option<&State>, stable: &Stable) -> String {
        view::summary(self, state, stable)
    }

    fn inspect(&self, state: Option<&State>, stable: &Stable) -> (Option<Fields>, Fields) {
        view::inspect(self, state, stable)
    }

    fn role(&self, id: NodeId) -> Option<&'static str> {
        match id {
            CLIENT => Some("client"),
            SERVER => Some("server"),
            _ => None,
        }
    }

    fn verdicts(&self, _: &[Option<State>], stable: &[Stable], _now: Time) -> Vec<Verdict> {
        let (Some(client), Some(server)) = (stable.first(), stable.get(1)) else {
            return Vec::new();
        };
        vec![
            view::marshalling_verdict(server),
            view::timeout_verdict(self, client, server),
            view::once_verdict(self, server),
        ]
    }
}

fn build(p: &Params, seed: u64) -> Box<dyn Runner> {
    Box::new(world(p, seed))
}

/// The RPC world with its concrete type, so native tests can look inside node state.
pub fn world(p: &Params, seed: u64) -> World<Rpc> {
    let retry = match p.choice("retry") {
        "none" => Retry::None,
        "fixed" => Retry::Fixed,
        _ => Retry::Exponential,
    };
    let protocol = Rpc {
        calls: p.get("calls") as u32,
        workload: p.choice("workload"),
        amount: p.get("amount") as i64 * 100,
        opening: p.get("balance") as i64 * 100,
        timeout: Duration::from_ms_f64(p.get("timeout_ms")),
        retry,
        retries: p.get("retries") as u32,
        backoff: Duration::from_ms_f64(p.get("backoff_ms")),
        think: Duration::from_ms_f64(p.get("think_ms")),
        dedup: p.choice("dedup") == "on",
    };
    let net = Network::new(model::link_config(p));
    model::configure(World::new(protocol, model::setups(p, 2), net, seed), p)
}
