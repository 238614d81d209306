//! What the generals send: an order (attack or retreat) with the relay path it came along, either
//! spoken (oral messages: nothing proves what a relayer heard) or signed (every general on the
//! path signs the order and the path so far, and no one can sign for another).
//!
//! ## Byte encoding
//! An oral message is `[value, k, id_0, …, id_{k-1}]`: the value (0 retreat, 1 attack), the number
//! of generals on the path, then their ids, commander (0) first and the sender last.
//! A signed message is `[value, k]` followed by k signatures, each `[id, token as 8 bytes, big
//! endian]`. The token of the j-th signer is `mac(key of that signer, [value, j + 1, id_0, …, id_j])`:
//! a signer signs the order together with the path up to and including itself.
//!
//! ## Simulated signatures
//! Each general has a secret 64-bit key drawn from the run's seed. [`mac`] is a keyed hash (a
//! splitmix64-style mix): not cryptography, but in the simulation only [`Keys::sign`] produces
//! tokens, and it signs only as the general who calls it. A traitor who wants another general's
//! signature must guess the token, a one in 2^64 chance. Checking a token ([`Keys::verify`]) stands
//! for checking a signature with the signer's public key.

use crate::sim::rng::SimRng;
use crate::sim::NodeId;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Order {
    Retreat,
    Attack,
}

/// What a lieutenant assumes when it hears nothing, and what a tied vote gives.
pub const DEFAULT: Order = Order::Retreat;

impl Order {
    pub const NAMES: &'static [&'static str] = &["attack", "retreat"];

    pub fn from_name(name: &str) -> Order {
        if name == "retreat" {
            Order::Retreat
        } else {
            Order::Attack
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Order::Attack => "attack",
            Order::Retreat => "retreat",
        }
    }

    pub fn flip(self) -> Order {
        match self {
            Order::Attack => Order::Retreat,
            Order::Retreat => Order::Attack,
        }
    }

    fn byte(self) -> u8 {
        match self {
            Order::Retreat => 0,
            Order::Attack => 1,
        }
    }
}

/// The majority of the votes; a tie (or no vote at all) gives the default, retreat.
pub fn majority(votes: &[Order]) -> Order {
    let attack = votes.iter().filter(|v| **v == Order::Attack).count();
    if 2 * attack > votes.len() {
        Order::Attack
    } else {
        DEFAULT
    }
}

/// Generals a message passed through, commander first, sender last.
pub type Path = Vec<NodeId>;

/// "0→2→3"
pub fn path_text(path: &[NodeId]) -> String {
    let ids: Vec<String> = path.iter().map(|g| g.to_string()).collect();
    ids.join("→")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sig {
    pub signer: NodeId,
    pub token: u64,
}

#[derive(Clone, Debug)]
pub enum Msg {
    /// "I heard `value` along `path`" (the path ends with the sender).
    Oral {
        value: Order,
        path: Path,
        /// Ground truth for the claims panel, read by no general: the sender altered what it
        /// heard, or claims to be someone it is not.
        forged: bool,
    },
    /// The order with its chain of signatures, commander first.
    Signed {
        value: Order,
        sigs: Vec<Sig>,
        /// As for oral messages: ground truth, never read by the protocol.
        forged: bool,
    },
}

/// Labels by relay depth, so the rounds tell apart on the timeline.
const LABELS: &[&str] = &[
    "order", "relay-1", "relay-2", "relay-3", "relay-4", "relay-5", "relay-6",
];

impl Msg {
    /// How many generals the message passed through.
    pub fn hops(&self) -> usize {
        match self {
            Msg::Oral { path, .. } => path.len(),
            Msg::Signed { sigs, .. } => sigs.len(),
        }
    }

    pub fn value(&self) -> Order {
        match self {
            Msg::Oral { value, .. } | Msg::Signed { value, .. } => *value,
        }
    }

    /// The generals on the path (oral) or the signers (signed), in order.
    pub fn path(&self) -> Path {
        match self {
            Msg::Oral { path, .. } => path.clone(),
            Msg::Signed { sigs, .. } => sigs.iter().map(|s| s.signer).collect(),
        }
    }

    /// "attack:0:2": the value and the generals it passed through, as the lecture writes it.
    pub fn text(&self) -> String {
        let mut s = self.value().name().to_string();
        for g in self.path() {
            s.push(':');
            s.push_str(&g.to_string());
        }
        s
    }

    /// The bytes on the wire (see the module documentation).
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Msg::Oral { value, path, .. } => path_bytes(*value, path),
            Msg::Signed { value, sigs, .. } => {
                let mut b = vec![value.byte(), sigs.len() as u8];
                for s in sigs {
                    b.push(s.signer as u8);
                    b.extend_from_slice(&s.token.to_be_bytes());
                }
                b
            }
        }
    }
}

impl crate::sim::protocol::Message for Msg {
    fn label(&self) -> &'static str {
        LABELS[self.hops().clamp(1, LABELS.len()) - 1]
    }

    fn size(&self) -> u32 {
        match self {
            Msg::Oral { path, .. } => 2 + path.len() as u32,
            Msg::Signed { sigs, .. } => 2 + 9 * sigs.len() as u32,
        }
    }

    /// A damaged message carries the other order: a signed one then fails its signature check.
    fn corrupt(&mut self, _rng: &mut SimRng) {
        match self {
            Msg::Oral { value, .. } | Msg::Signed { value, .. } => *value = value.flip(),
        }
    }
}

fn path_bytes(value: Order, path: &[NodeId]) -> Vec<u8> {
    let mut b = vec![value.byte(), path.len() as u8];
    b.extend(path.iter().map(|g| *g as u8));
    b
}

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A keyed hash of `bytes`: the simulation's stand-in for a signature.
pub fn mac(key: u64, bytes: &[u8]) -> u64 {
    let mut h = mix(key ^ 0x6A09_E667_F3BC_C909);
    for b in bytes {
        h = mix(h ^ *b as u64 ^ key.rotate_left(17));
    }
    mix(h ^ bytes.len() as u64)
}

/// Every general's secret key. Held by the world, not by the generals: a general signs only as
/// itself, through [`Keys::sign`].
#[derive(Clone, Debug)]
pub struct Keys(Vec<u64>);

/// A stream of the run's seed no other part of the world draws from.
const KEY_STREAM: u64 = 0xB12A_0001;

impl Keys {
    pub fn new(seed: u64, n: usize) -> Keys {
        let mut rng = SimRng::new(seed, KEY_STREAM);
        Keys((0..n).map(|_| rng.next_u64()).collect())
    }

    /// `me` signs `value` along `path` (which ends with `me`).
    pub fn sign(&self, me: NodeId, value: Order, path: &[NodeId]) -> Sig {
        let key = self.0.get(me as usize).copied().unwrap_or(0);
        Sig {
            signer: me,
            token: mac(key, &path_bytes(value, path)),
        }
    }

    /// The first signer whose token does not match the value and the path up to it, if any.
    pub fn first_bad(&self, value: Order, sigs: &[Sig]) -> Option<NodeId> {
        let path: Path = sigs.iter().map(|s| s.signer).collect();
        sigs.iter().enumerate().find_map(|(j, s)| {
            let good = self.sign(s.signer, value, &path[..=j]).token == s.token;
            (!good).then_some(s.signer)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_covers_the_value_and_the_path() {
        let keys = Keys::new(7, 4);
        let sigs = vec![
            keys.sign(0, Order::Attack, &[0]),
            keys.sign(2, Order::Attack, &[0, 2]),
        ];
        assert_eq!(keys.first_bad(Order::Attack, &sigs), None);
        assert_eq!(keys.first_bad(Order::Retreat, &sigs), Some(0));
        let mut swapped = sigs.clone();
        swapped[1].signer = 3;
        assert_eq!(keys.first_bad(Order::Attack, &swapped), Some(3));
    }

    #[test]
    fn encodings_are_as_documented() {
        let oral = Msg::Oral {
            value: Order::Attack,
            path: vec![0, 2],
            forged: false,
        };
        assert_eq!(oral.encode(), vec![1, 2, 0, 2]);
        assert_eq!(oral.text(), "attack:0:2");
        let signed = Msg::Signed {
            value: Order::Retreat,
            sigs: vec![Sig {
                signer: 0,
                token: 0x0102_0304_0506_0708,
            }],
            forged: false,
        };
        assert_eq!(signed.encode(), vec![0, 1, 0, 1, 2, 3, 4, 5, 6, 7, 8]);
        use crate::sim::protocol::Message;
        assert_eq!(signed.size(), 11);
        assert_eq!(majority(&[Order::Attack, Order::Retreat]), Order::Retreat);
        assert_eq!(
            majority(&[Order::Attack, Order::Attack, Order::Retreat]),
            Order::Attack
        );
    }
}
