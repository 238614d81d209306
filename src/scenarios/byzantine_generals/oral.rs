//! Oral messages OM(m), unrolled into timed rounds. Round 0: the commander sends its order. Round r
//! (1 ≤ r ≤ m): every lieutenant passes on what it heard along every path of r generals (or the
//! default, retreat, if it heard nothing) to every general not on the path. When round m + 1 would
//! begin, each lieutenant decides by the recursive majority of OM: the value of a path is what it
//! heard along it if the path is m + 1 long, else the majority of that and of the values of the
//! paths one longer.
//!
//! A receiver knows which general a message came from (the link tells it), so a message whose path
//! does not end with its sender is an impersonation and is rejected. What the sender claims to have
//! heard, though, nothing can check.

use super::messages::{majority, path_text, Msg, Order, Path, DEFAULT};
use super::{Generals, State};
use crate::sim::protocol::Ctx;
use crate::sim::NodeId;

impl Generals {
    /// Every path of `len` generals that can reach lieutenant `me`: the commander first, then
    /// distinct lieutenants other than `me`. In depth-first order.
    pub fn paths(&self, len: usize, me: NodeId) -> Vec<Path> {
        let mut out = Vec::new();
        let mut path = vec![0];
        self.extend_paths(&mut path, len, me, &mut out);
        out
    }

    fn extend_paths(&self, path: &mut Path, len: usize, me: NodeId, out: &mut Vec<Path>) {
        if path.len() == len {
            out.push(path.clone());
            return;
        }
        for j in 1..self.n as NodeId {
            if j != me && !path.contains(&j) {
                path.push(j);
                self.extend_paths(path, len, me, out);
                path.pop();
            }
        }
    }

    /// The value of `path` for lieutenant `me` in the recursive majority of OM(m).
    pub fn vote(&self, s: &State, me: NodeId, path: &mut Path) -> Order {
        let own = s.heard.get(path).copied().unwrap_or(DEFAULT);
        if path.len() > self.m {
            return own;
        }
        let mut votes = vec![own];
        for j in 1..self.n as NodeId {
            if j != me && !path.contains(&j) {
                path.push(j);
                votes.push(self.vote(s, me, path));
                path.pop();
            }
        }
        majority(&votes)
    }

    pub(super) fn oral_round(&self, ctx: &mut Ctx<Msg>, s: &mut State, r: usize) {
        let me = ctx.id();
        let (mut sent, mut altered) = (0, 0);
        let paths = self.paths(r, me);
        for path in &paths {
            let truth = s.heard.get(path).copied().unwrap_or(DEFAULT);
            let mut relay = path.clone();
            relay.push(me);
            for to in 1..self.n as NodeId {
                if relay.contains(&to) {
                    continue;
                }
                let value = if s.traitor {
                    match self.lie.tell(truth, to, false, ctx.rng()) {
                        Some(v) => v,
                        None => continue,
                    }
                } else {
                    truth
                };
                let forged = value != truth;
                altered += forged as u32;
                sent += 1;
                ctx.send(
                    to,
                    Msg::Oral {
                        value,
                        path: relay.clone(),
                        forged,
                    },
                );
            }
        }
        s.sent += sent;
        if s.traitor {
            ctx.note(format!(
                "round {r}: traitor n{me} ({}) relays {sent} messages, {altered} of them altered",
                self.lie.name()
            ));
        } else {
            ctx.note(format!(
                "round {r}: n{me} passes on what it heard along {} path{} ({sent} messages)",
                paths.len(),
                if paths.len() == 1 { "" } else { "s" }
            ));
        }
    }

    pub(super) fn oral_receive(&self, ctx: &mut Ctx<Msg>, s: &mut State, from: NodeId, msg: Msg) {
        let Msg::Oral {
            value,
            ref path,
            forged,
        } = msg
        else {
            return self.reject(
                ctx,
                s,
                format!("a signed message from n{from} in an oral run"),
            );
        };
        let me = ctx.id();
        if let Some(why) = self.bad_path(path, me) {
            return self.reject(ctx, s, format!("{} from n{from}: {why}", msg.text()));
        }
        if path.last() != Some(&from) {
            let claimed = path.last().copied().unwrap_or(0);
            return self.reject(
                ctx,
                s,
                format!(
                    "{} claims to come from n{claimed} but n{from} sent it (a general knows who \
                     speaks to it)",
                    msg.text()
                ),
            );
        }
        if self.late(ctx, s, &msg) {
            return;
        }
        match s.heard.get(path) {
            Some(first) if *first != value => ctx.note(format!(
                "n{me} hears {} after {} along the same path: it keeps the first",
                msg.text(),
                first.name()
            )),
            Some(_) => {}
            None => {
                s.heard.insert(path.clone(), value);
                s.forged_accepted += forged as u32;
            }
        }
    }

    /// Why a path cannot be a relay path to `me` in this run, if it cannot.
    pub(super) fn bad_path(&self, path: &[NodeId], me: NodeId) -> Option<&'static str> {
        if path.first() != Some(&0) {
            return Some("a path must start at the commander");
        }
        if path.len() > self.m + 1 {
            return Some("longer than m + 1 generals");
        }
        if path.iter().any(|g| *g as usize >= self.n) {
            return Some("no such general");
        }
        if path.contains(&me) {
            return Some("the path already passes through the receiver");
        }
        let mut seen = 0u32;
        for g in path {
            if seen & (1 << g) != 0 {
                return Some("a general appears twice on the path");
            }
            seen |= 1 << g;
        }
        None
    }

    pub(super) fn oral_decide(&self, ctx: &mut Ctx<Msg>, s: &State) -> Order {
        let me = ctx.id();
        let mut votes = vec![match s.heard.get([0].as_slice()) {
            Some(v) => format!("{} from n0", v.name()),
            None => format!("nothing from n0 ({})", DEFAULT.name()),
        }];
        let mut path = vec![0];
        if self.m >= 1 {
            for j in 1..self.n as NodeId {
                if j != me {
                    path.push(j);
                    votes.push(format!("{} via n{j}", self.vote(s, me, &mut path).name()));
                    path.pop();
                }
            }
        }
        let decision = self.vote(s, me, &mut path);
        ctx.note(format!(
            "n{me} decides {} by majority of {} (a tie means retreat)",
            decision.name(),
            votes.join(", ")
        ));
        decision
    }

    /// The inspector's rows: every path, what was heard along it and, once decided, its vote.
    pub(super) fn oral_rows(&self, s: &State, me: NodeId) -> Vec<(String, String)> {
        let mut rows = Vec::new();
        let mut all = Vec::new();
        for len in 1..=self.m + 1 {
            all.extend(self.paths(len, me));
        }
        all.sort();
        for mut path in all {
            let heard = match s.heard.get(&path) {
                Some(v) => format!("heard {}", v.name()),
                None if s.round > path.len() => format!("nothing (counts as {})", DEFAULT.name()),
                None => "nothing yet".to_string(),
            };
            let value = if s.decision.is_some() && path.len() <= self.m {
                format!("{heard} · vote {}", self.vote(s, me, &mut path).name())
            } else {
                heard
            };
            rows.push((format!("via {}", path_text(&path)), value));
        }
        rows
    }
}
