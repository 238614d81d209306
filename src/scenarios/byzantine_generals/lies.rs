//! How a traitor lies. One choice for every traitor in the run; each strategy says what a traitor
//! tells each general in place of the truth (for a commander, the order it was to give; for a
//! lieutenant, what it heard). Forgery also fabricates messages in round 1.

use super::messages::{Msg, Order, Sig};
use super::Generals;
use crate::sim::protocol::Ctx;
use crate::sim::rng::SimRng;
use crate::sim::NodeId;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lie {
    /// Says the opposite of the truth to everyone.
    Opposite,
    /// Tells odd-numbered generals "attack" and even-numbered ones "retreat", whatever it knows.
    Split,
    /// Sends nothing at all.
    Silent,
    /// Claims relays it never received and alters what it relays: a commander splits its orders
    /// and fabricates relays in lieutenants' names; a lieutenant relays the opposite and fabricates
    /// an order in the commander's name.
    Forge,
    /// Each message: attack, retreat or nothing, at random.
    Random,
}

impl Lie {
    pub const NAMES: &'static [&'static str] = &["opposite", "split", "silent", "forge", "random"];
    pub const ALL: [Lie; 5] = [
        Lie::Opposite,
        Lie::Split,
        Lie::Silent,
        Lie::Forge,
        Lie::Random,
    ];

    pub fn from_name(name: &str) -> Lie {
        Lie::ALL
            .iter()
            .zip(Lie::NAMES)
            .find(|(_, n)| **n == name)
            .map(|(l, _)| *l)
            .unwrap_or(Lie::Opposite)
    }

    pub fn name(self) -> &'static str {
        Lie::NAMES[self as usize]
    }

    /// What a traitor tells general `to` in place of `truth`; None: nothing.
    pub fn tell(
        self,
        truth: Order,
        to: NodeId,
        commander: bool,
        rng: &mut SimRng,
    ) -> Option<Order> {
        let split = if to % 2 == 1 {
            Order::Attack
        } else {
            Order::Retreat
        };
        match self {
            Lie::Opposite => Some(truth.flip()),
            Lie::Forge if commander => Some(split),
            Lie::Forge => Some(truth.flip()),
            Lie::Split => Some(split),
            Lie::Silent => None,
            Lie::Random => match rng.below(3) {
                0 => None,
                1 => Some(Order::Attack),
                _ => Some(Order::Retreat),
            },
        }
    }
}

impl Generals {
    /// Round 1 of a forging traitor: messages in other generals' names. A commander sends each
    /// lieutenant i a relay "from" the next lieutenant, carrying the opposite of what i was told; a
    /// lieutenant sends every other lieutenant an "order from the commander", the opposite of the
    /// one it heard. Where a signature is needed that the traitor cannot make, it guesses a token.
    pub(super) fn fabricate(
        &self,
        ctx: &mut Ctx<Msg>,
        told: &[Option<Order>],
        heard: Option<Order>,
    ) -> u32 {
        let (me, n) = (ctx.id(), self.n as NodeId);
        let mut sent = 0;
        for to in 1..n {
            if to == me {
                continue;
            }
            let (value, claimed) = if me == 0 {
                let other = if to + 1 < n { to + 1 } else { 1 };
                if other == to {
                    continue;
                }
                let told = told.get(to as usize).copied().flatten();
                (told.unwrap_or(self.order).flip(), vec![0, other])
            } else {
                (heard.unwrap_or(Order::Retreat).flip(), vec![0])
            };
            let msg = if self.signed {
                let mut sigs = Vec::new();
                for (j, g) in claimed.iter().enumerate() {
                    sigs.push(if *g == me {
                        self.keys.sign(me, value, &claimed[..=j])
                    } else {
                        Sig {
                            signer: *g,
                            token: ctx.rng().next_u64(),
                        }
                    });
                }
                Msg::Signed {
                    value,
                    sigs,
                    forged: true,
                }
            } else {
                Msg::Oral {
                    value,
                    path: claimed,
                    forged: true,
                }
            };
            ctx.note(format!(
                "traitor n{me} forges {} and sends it to n{to}",
                msg.text()
            ));
            ctx.send(to, msg);
            sent += 1;
        }
        sent
    }
}
