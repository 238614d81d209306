//! The RPC scenario's server: its stub unmarshals a request, checks the deduplication table if
//! that is on, runs the procedure against the ledger (stable storage) and marshals the result.

use super::wire::{self, Frame, Value};
use super::{remember, Charge, Msg, Rpc, Stable, State, ACCOUNT, CARD, CLIENT};
use crate::sim::protocol::Ctx;

impl Rpc {
    pub(super) fn server_request(
        &self,
        ctx: &mut Ctx<Msg>,
        state: &mut State,
        stable: &mut Stable,
        msg: Msg,
    ) {
        remember(state, "received request".into(), &msg.bytes);
        let (id, attempt, procedure, args) = match wire::unmarshal(&msg.bytes) {
            Ok(Frame::Request {
                id,
                attempt,
                procedure,
                args,
            }) => (id, attempt, procedure, args),
            Ok(Frame::Response { .. }) => {
                stable.garbled += 1;
                ctx.note("server stub: a reply where a request belongs: dropped");
                return;
            }
            Err(e) => {
                stable.garbled += 1;
                ctx.note(format!(
                    "server stub: cannot unmarshal the request ({e}): dropped"
                ));
                return;
            }
        };
        stable.arrived.insert((id, attempt));
        if args != self.args_of(procedure) && stable.altered.len() < 20 {
            stable.altered.push(format!(
                "#{id} attempt {attempt}: {}",
                wire::summarize(&msg.bytes)
            ));
        }
        if self.dedup {
            if let Some((status, values)) = stable.dedup.get(&id) {
                stable.replayed += 1;
                ctx.note(format!(
                    "server: request #{id} (attempt {attempt}) was answered before: the \
                     deduplication table gives the stored result; {} does not run again",
                    wire::procedure_name(procedure)
                ));
                let reply = wire::marshal_response(id, attempt, *status, values);
                remember(state, format!("sent stored reply to #{id}"), &reply);
                ctx.send(CLIENT, Msg::new(reply));
                return;
            }
        }
        let (status, values) = self.execute(ctx, stable, id, attempt, procedure, &args);
        let reply = wire::marshal_response(id, attempt, status, &values);
        if self.dedup {
            stable.dedup.insert(id, (status, values));
        }
        remember(state, format!("sent reply to #{id}"), &reply);
        ctx.send(CLIENT, Msg::new(reply));
    }

    /// Runs the procedure on the ledger.
    fn execute(
        &self,
        ctx: &mut Ctx<Msg>,
        stable: &mut Stable,
        id: u32,
        attempt: u8,
        procedure: u8,
        args: &[Value],
    ) -> (u8, Vec<Value>) {
        match (procedure, args) {
            (wire::PROC_PAYMENT, [Value::Str(card), Value::Int(amount)]) => {
                if card != CARD {
                    return (wire::STATUS_UNKNOWN, vec![]);
                }
                if *amount > stable.balance || *amount < 0 {
                    return (wire::STATUS_DECLINED, vec![Value::Int(stable.balance)]);
                }
                stable.balance -= amount;
                let txn = stable.ledger.len() as u64 + 1;
                stable.ledger.push(Charge {
                    txn,
                    request: id,
                    attempt,
                    amount: *amount,
                });
                let times = stable.ledger.iter().filter(|c| c.request == id).count();
                if times > 1 {
                    ctx.note(format!(
                        "server: request #{id} ran process_payment again (attempt {attempt}): \
                         the card is charged {times} times for one payment"
                    ));
                } else {
                    ctx.note(format!(
                        "server: process_payment for #{id} charges {}; balance {}",
                        wire::money(*amount),
                        wire::money(stable.balance)
                    ));
                }
                (
                    wire::STATUS_OK,
                    vec![Value::Int(txn as i64), Value::Int(stable.balance)],
                )
            }
            (wire::PROC_BALANCE, [Value::Str(account)]) if account == ACCOUNT => {
                (wire::STATUS_OK, vec![Value::Int(stable.balance)])
            }
            (wire::PROC_BALANCE, _) => (wire::STATUS_UNKNOWN, vec![]),
            _ => (wire::STATUS_NO_SUCH_PROC, vec![]),
        }
    }
}
