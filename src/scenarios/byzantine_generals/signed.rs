//! Signed messages SM(m), in timed rounds. Round 0: the commander signs its order and sends it.
//! A lieutenant checks every signature on a message; if one fails the message is forged or altered
//! and is rejected. An order it did not hold before goes into its set V and, if fewer than m + 1
//! generals have signed it, is passed on in the next round, with the lieutenant's own signature, to
//! every lieutenant that has not signed it. When round m + 1 would begin, it decides: the one order
//! in V, or retreat if V is empty or holds both (the commander contradicted itself).

use super::messages::{path_text, Msg, Order, Path, DEFAULT};
use super::{ChainLog, Generals, State};
use crate::sim::protocol::Ctx;
use crate::sim::NodeId;

/// Signed messages logged per general for the inspector.
const KEEP_CHAINS: usize = 48;

impl Generals {
    pub(super) fn signed_round(&self, ctx: &mut Ctx<Msg>, s: &mut State, r: usize) {
        let me = ctx.id();
        let (due, later): (Vec<_>, Vec<_>) =
            s.pending.drain(..).partition(|(_, sigs)| sigs.len() <= r);
        s.pending = later;
        let (mut sent, mut altered) = (0, 0);
        for (truth, sigs) in &due {
            let mut signers: Path = sigs.iter().map(|g| g.signer).collect();
            signers.push(me);
            for to in 1..self.n as NodeId {
                if signers.contains(&to) {
                    continue;
                }
                let value = if s.traitor {
                    match self.lie.tell(*truth, to, false, ctx.rng()) {
                        Some(v) => v,
                        None => continue,
                    }
                } else {
                    *truth
                };
                // A traitor that changes the order keeps the others' signatures (it cannot make
                // theirs) and adds its own, which is valid: the commander's no longer is.
                let mut chain = sigs.clone();
                chain.push(self.keys.sign(me, value, &signers));
                let forged = value != *truth;
                altered += forged as u32;
                sent += 1;
                ctx.send(
                    to,
                    Msg::Signed {
                        value,
                        sigs: chain,
                        forged,
                    },
                );
            }
        }
        s.sent += sent;
        if s.traitor {
            ctx.note(format!(
                "round {r}: traitor n{me} ({}) relays {sent} signed messages, {altered} of them altered",
                self.lie.name()
            ));
        } else if !due.is_empty() {
            let orders: Vec<&str> = due.iter().map(|(v, _)| v.name()).collect();
            ctx.note(format!(
                "round {r}: n{me} signs and passes on {} ({sent} messages)",
                orders.join(" and ")
            ));
        }
    }

    pub(super) fn signed_receive(&self, ctx: &mut Ctx<Msg>, s: &mut State, from: NodeId, msg: Msg) {
        let Msg::Signed {
            value,
            ref sigs,
            forged,
        } = msg
        else {
            return self.reject(
                ctx,
                s,
                format!("an unsigned message from n{from} in a signed run"),
            );
        };
        let me = ctx.id();
        let text = msg.text();
        let signers = msg.path();
        let outcome = if let Some(why) = self.bad_path(&signers, me) {
            let why = format!("{text} from n{from}: {why}");
            self.reject(ctx, s, why.clone());
            format!("rejected: {why}")
        } else if let Some(bad) = self.keys.first_bad(value, sigs) {
            let why = format!(
                "{text} from n{from}: n{bad}'s signature does not match (forged or altered)"
            );
            self.reject(ctx, s, why);
            format!("rejected: n{bad}'s signature does not match")
        } else if self.late(ctx, s, &msg) {
            "too late: counts as missing".to_string()
        } else {
            s.forged_accepted += forged as u32;
            if s.values.contains(&value) {
                format!("valid; already holds {}", value.name())
            } else {
                s.values.push(value);
                if sigs.len() <= self.m {
                    s.pending.push((value, sigs.clone()));
                    format!("valid, new: passes it on in round {}", sigs.len())
                } else {
                    "valid, new (m + 1 signatures: not passed on)".to_string()
                }
            }
        };
        if s.chains.len() < KEEP_CHAINS {
            s.chains.push(ChainLog {
                text: format!("{text} from n{from}"),
                outcome,
            });
        }
    }

    pub(super) fn signed_decide(&self, ctx: &mut Ctx<Msg>, s: &State) -> Order {
        let me = ctx.id();
        let (decision, why) = match s.values.as_slice() {
            [one] => (
                *one,
                format!("the only signed order it holds is {}", one.name()),
            ),
            [] => (DEFAULT, "it holds no signed order".to_string()),
            _ => (
                DEFAULT,
                "it holds signed orders to attack and to retreat: the commander lied".to_string(),
            ),
        };
        ctx.note(format!("n{me} decides {}: {why}", decision.name()));
        decision
    }

    pub(super) fn signed_rows(&self, s: &State) -> Vec<(String, String)> {
        let held: Vec<&str> = s.values.iter().map(|v| v.name()).collect();
        let mut rows = vec![(
            "signed orders held (V)".to_string(),
            if held.is_empty() {
                "none".to_string()
            } else {
                held.join(", ")
            },
        )];
        for c in &s.chains {
            rows.push((c.text.clone(), c.outcome.clone()));
        }
        for (v, sigs) in &s.pending {
            let path: Path = sigs.iter().map(|g| g.signer).collect();
            rows.push((
                format!("to pass on: {} via {}", v.name(), path_text(&path)),
                format!("round {}", sigs.len()),
            ));
        }
        rows
    }
}
