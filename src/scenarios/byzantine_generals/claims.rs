//! What the page shows: each general's summary and inspector, and the claims panel. IC1 (all loyal
//! lieutenants decide the same) and IC2 (if the commander is loyal, every loyal lieutenant decides
//! its order) are checked live; the algorithm's bound and the fate of forged messages beside them.

use super::messages::{Order, Path};
use super::{Generals, State};
use crate::sim::protocol::{Fields, Verdict};
use std::collections::BTreeMap;

pub fn summary(g: &Generals, state: Option<&State>) -> String {
    let Some(s) = state else {
        return "down".into();
    };
    let who = if s.traitor { "traitor · " } else { "" };
    if s.retired {
        return format!("{who}out");
    }
    let doing = match (s.decision, s.round) {
        (_, r) if s.me == 0 && r > 0 && s.traitor => format!("lied ({})", g.lie.name()),
        (_, r) if s.me == 0 && r > 0 => format!("ordered {}", g.order.name()),
        (Some(d), _) => format!("decides {}", d.name()),
        (None, 0) => "waiting".to_string(),
        (None, r) if r > g.m + 1 => "done".to_string(),
        (None, r) => format!("round {}", r - 1),
    };
    format!("{who}{doing}")
}

fn common(g: &Generals, s: &State) -> Fields {
    let mut f: Fields = vec![
        (
            "loyalty".into(),
            if s.traitor {
                format!("traitor (lies: {})", g.lie.name())
            } else {
                "loyal".into()
            },
        ),
        (
            "algorithm".into(),
            format!(
                "{}, {} messages",
                g.algorithm(),
                if g.signed { "signed" } else { "oral" }
            ),
        ),
        (
            "round".into(),
            match s.round {
                0 => "not started".into(),
                r if r > g.m + 1 => "over".into(),
                r => format!("{} of 0..{}", r - 1, g.m),
            },
        ),
        ("messages sent".into(), s.sent.to_string()),
    ];
    if s.rejected > 0 {
        f.push(("rejected".into(), s.rejected.to_string()));
        for (i, why) in s.rejections.iter().enumerate() {
            f.push((format!("rejected #{}", i + 1), why.clone()));
        }
    }
    if s.late > 0 {
        f.push(("late (counted as missing)".into(), s.late.to_string()));
    }
    if s.forged_accepted > 0 {
        f.push((
            "altered messages taken as true (it cannot know)".into(),
            s.forged_accepted.to_string(),
        ));
    }
    if s.me == 0 {
        let order = if s.traitor {
            format!("none: it lies ({})", g.lie.name())
        } else {
            g.order.name().into()
        };
        f.push(("order".into(), order));
    } else {
        f.push((
            "decision".into(),
            s.decision.map_or("none yet".into(), |d| d.name().into()),
        ));
    }
    f
}

/// The inspector: the common fields, then the general's own view of the protocol (what the
/// commander told whom; or what a lieutenant heard along each path, or the signed chains it got).
pub fn inspect(g: &Generals, s: &State) -> Fields {
    let me = s.me;
    let mut f = common(g, s);
    if me == 0 {
        for (i, t) in s.told.iter().enumerate().skip(1) {
            let v = match t {
                Some(v) => v.name(),
                None if s.round > 0 => "nothing",
                None => "not yet",
            };
            f.push((format!("told n{i}"), v.into()));
        }
    } else if g.signed {
        f.extend(g.signed_rows(s));
    } else {
        f.extend(g.oral_rows(s, me));
    }
    f
}

/// Combines statuses: any failure fails, else any pending is pending.
fn both(a: &'static str, b: &'static str) -> &'static str {
    if a == "fails" || b == "fails" {
        "fails"
    } else if a == "pending" || b == "pending" {
        "pending"
    } else {
        "holds"
    }
}

pub fn verdicts(g: &Generals, states: &[Option<State>]) -> Vec<Verdict> {
    let lieutenants: Vec<(usize, &State)> = states
        .iter()
        .enumerate()
        .skip(1)
        .filter_map(|(i, s)| s.as_ref().map(|s| (i, s)))
        .filter(|(_, s)| !s.traitor && !s.retired)
        .collect();
    let faulty = states
        .iter()
        .filter(|s| s.as_ref().is_none_or(|s| s.traitor || s.retired))
        .count();
    let commander_loyal = states
        .first()
        .and_then(|s| s.as_ref())
        .is_some_and(|s| !s.traitor && !s.retired);
    let decided: Vec<(usize, _)> = lieutenants
        .iter()
        .filter_map(|(i, s)| s.decision.map(|d| (*i, d)))
        .collect();
    let waiting = lieutenants.len() - decided.len();
    let list = |only: Option<super::Order>| -> String {
        let names: Vec<String> = decided
            .iter()
            .filter(|(_, d)| only.is_none_or(|o| o != *d))
            .map(|(i, d)| format!("n{i} {}", d.name()))
            .collect();
        names.join(", ")
    };

    let ic1 = if waiting > 0 {
        Verdict::new(
            IC1,
            "pending",
            format!(
                "{} of {} loyal lieutenants have decided",
                decided.len(),
                lieutenants.len()
            ),
        )
    } else if lieutenants.is_empty() {
        Verdict::new(IC1, "holds", "no loyal lieutenant: nothing to agree on")
    } else if decided.iter().all(|(_, d)| *d == decided[0].1) {
        Verdict::new(
            IC1,
            "holds",
            format!("every loyal lieutenant decides {}", decided[0].1.name()),
        )
    } else {
        Verdict::new(IC1, "fails", format!("they disagree: {}", list(None)))
    };

    let ic2 = if !commander_loyal {
        let why = match states.first() {
            Some(Some(s)) if s.traitor => "the commander is a traitor",
            _ => "the commander has crashed",
        };
        Verdict::new(
            IC2,
            "holds",
            format!("nothing to check: {why}, so there is no loyal order to follow"),
        )
    } else if waiting > 0 {
        Verdict::new(
            IC2,
            "pending",
            format!("the commander ordered {}", g.order.name()),
        )
    } else if decided.iter().all(|(_, d)| *d == g.order) {
        Verdict::new(
            IC2,
            "holds",
            format!(
                "the commander ordered {} and every loyal lieutenant follows",
                g.order.name()
            ),
        )
    } else {
        Verdict::new(
            IC2,
            "fails",
            format!(
                "the commander ordered {}, yet {}",
                g.order.name(),
                list(Some(g.order))
            ),
        )
    };

    let agreed = both(ic1.status, ic2.status);
    let broke = match agreed {
        "fails" => {
            let which: Vec<&str> = [(&ic1, "IC1"), (&ic2, "IC2")]
                .iter()
                .filter(|(v, _)| v.status == "fails")
                .map(|(_, n)| *n)
                .collect();
            format!("this run breaks {}", which.join(" and "))
        }
        "holds" => "this run happens to agree".into(),
        _ => "the run has not decided yet".into(),
    };
    let (n, m) = (g.n, g.m);
    let bound = if g.signed {
        let claim = "Signed messages: SM(m) agrees whatever the number of traitors, up to m";
        if faulty <= m || lieutenants.len() <= 1 {
            Verdict::new(
                claim,
                agreed,
                format!("f = {faulty} ≤ m = {m} with n = {n}: agreement is guaranteed"),
            )
        } else {
            let status = if agreed == "pending" {
                "pending"
            } else {
                "holds"
            };
            Verdict::new(
                claim,
                status,
                format!("f = {faulty} > m = {m}: more traitors than relay rounds, so not guaranteed; {broke}"),
            )
        }
    } else {
        let claim =
            "Oral messages: OM(m) agrees if n ≥ 3m + 1 and f ≤ m; with fewer generals it can fail";
        let limit = 3 * m + 1;
        if n >= limit && faulty <= m {
            Verdict::new(
                claim,
                agreed,
                format!(
                    "n = {n} ≥ 3·{m} + 1 = {limit} and f = {faulty} ≤ m = {m}: agreement is guaranteed"
                ),
            )
        } else {
            let status = if agreed == "pending" {
                "pending"
            } else {
                "holds"
            };
            let why = if faulty > m {
                format!("f = {faulty} > m = {m}: more traitors than relay rounds")
            } else {
                format!("n = {n} < 3·{m} + 1 = {limit}: too few generals")
            };
            Verdict::new(claim, status, format!("{why}, so not guaranteed; {broke}"))
        }
    };

    let loyal = || states.iter().flatten().filter(|s| !s.traitor);
    let rejected: u32 = loyal().map(|s| s.rejected).sum();
    let accepted: u32 = loyal().map(|s| s.forged_accepted).sum();
    let forgery = if rejected + accepted == 0 {
        Verdict::new(
            FORGERY,
            "pending",
            "no loyal general has received a forged or altered message yet (try the lie forge)",
        )
    } else if accepted > 0 {
        Verdict::new(
            FORGERY,
            "fails",
            format!(
                "{accepted} altered relays were taken as true: an oral message carries no proof of \
                 what the relayer heard; {rejected} sent in another general's name were rejected"
            ),
        )
    } else {
        Verdict::new(
            FORGERY,
            "holds",
            format!("{rejected} forged or altered messages rejected, none accepted"),
        )
    };
    vec![ic1, ic2, bound, forgery]
}

const IC1: &str = "IC1: all loyal lieutenants decide the same";
const IC2: &str = "IC2: if the commander is loyal, every loyal lieutenant decides its order";
const FORGERY: &str = "A forged or altered message is rejected";

/// What tests and the inspector read of a general's state.
impl State {
    pub fn is_traitor(&self) -> bool {
        self.traitor
    }

    pub fn decision(&self) -> Option<Order> {
        self.decision
    }

    /// Messages this general threw away as forged, altered or malformed.
    pub fn rejected(&self) -> u32 {
        self.rejected
    }

    pub fn rejections(&self) -> &[String] {
        &self.rejections
    }

    /// Forged or altered messages this general took for true (ground truth).
    pub fn forged_accepted(&self) -> u32 {
        self.forged_accepted
    }

    pub fn late(&self) -> u32 {
        self.late
    }

    pub fn sent(&self) -> u32 {
        self.sent
    }

    /// Oral: what it heard along each path.
    pub fn heard(&self) -> &BTreeMap<Path, Order> {
        &self.heard
    }

    /// Signed: the validly signed orders it holds.
    pub fn values(&self) -> &[Order] {
        &self.values
    }
}
