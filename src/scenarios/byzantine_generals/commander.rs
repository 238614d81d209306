//! The commander's part: round 0, its order (or, for a traitor, its lies) to every lieutenant.

use super::messages::{Msg, Order};
use super::{Generals, Lie, State};
use crate::sim::protocol::Ctx;
use crate::sim::NodeId;

impl Generals {
    /// What the general heard from the commander, as far as it knows by now.
    pub(super) fn first_heard(&self, s: &State) -> Option<Order> {
        if self.signed {
            s.values.first().copied()
        } else {
            s.heard.get([0].as_slice()).copied()
        }
    }

    pub(super) fn commander_round(&self, ctx: &mut Ctx<Msg>, s: &mut State, r: usize) {
        if r == 1 && s.traitor && self.lie == Lie::Forge {
            let told = s.told.clone();
            s.sent += self.fabricate(ctx, &told, None);
        }
        if r != 0 {
            return;
        }
        for to in 1..self.n as NodeId {
            let value = if s.traitor {
                self.lie.tell(self.order, to, true, ctx.rng())
            } else {
                Some(self.order)
            };
            s.told[to as usize] = value;
            let Some(value) = value else { continue };
            let msg = if self.signed {
                Msg::Signed {
                    value,
                    sigs: vec![self.keys.sign(0, value, &[0])],
                    forged: false,
                }
            } else {
                Msg::Oral {
                    value,
                    path: vec![0],
                    forged: false,
                }
            };
            ctx.send(to, msg);
            s.sent += 1;
        }
        if s.traitor {
            let told: Vec<String> = (1..self.n)
                .map(|i| match s.told[i] {
                    Some(v) => format!("n{i} {}", v.name()),
                    None => format!("n{i} nothing"),
                })
                .collect();
            ctx.note(format!(
                "round 0: the traitor commander ({}) tells {}",
                self.lie.name(),
                told.join(", ")
            ));
        } else {
            ctx.note(format!(
                "round 0: the commander orders {} to every lieutenant",
                self.order.name()
            ));
        }
    }
}
