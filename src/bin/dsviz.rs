//! The headless runner: runs a scenario natively and prints what happened, with the same trace
//! hash the browser computes for the same inputs.
//!
//! ```text
//! dsviz list
//! dsviz run SCENARIO [--seed N] [--until-ms T] [--param NAME=VALUE]... [--action T_MS:ACTION:ARGS]... [--trace]
//! ```

use dsviz_core::run::Run;
use dsviz_core::scenarios::{self, ParamInput};
use dsviz_core::sim::action::duration_ns;
use dsviz_core::sim::{ActionKind, Time};
use std::process::ExitCode;

const USAGE: &str = "usage:
  dsviz list
  dsviz run SCENARIO [--seed N] [--until-ms T] [--param NAME=VALUE]... [--action T_MS:ACTION:ARGS]... [--trace]

  --seed N          non-negative integer (default 1)
  --until-ms T      simulated milliseconds to run (default 10000)
  --param N=V       a scenario parameter (see `dsviz list`)
  --action T:A:ARGS an action at T ms, e.g. 1500:crashNode:2, 800:cutLink:0,1,1 (one way),
                    2000:pauseNode:3,500, 100:skewClock:1,-250, 0:setDrift:2,50
  --trace           print the full trace as JSON instead of the summary";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            println!("{out}");
            ExitCode::SUCCESS
        }
        Err(Fail::Usage(msg)) => {
            eprintln!("dsviz: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Fail::Run(msg)) => {
            eprintln!("dsviz: {msg}");
            ExitCode::from(1)
        }
    }
}

/// A mistake in how dsviz was called (exit 2, with usage), or a run that could not go on (exit 1).
enum Fail {
    Usage(String),
    Run(String),
}

impl From<String> for Fail {
    fn from(msg: String) -> Fail {
        Fail::Usage(msg)
    }
}

impl From<&str> for Fail {
    fn from(msg: &str) -> Fail {
        Fail::Usage(msg.to_string())
    }
}

fn run(args: &[String]) -> Result<String, Fail> {
    match args.first().map(String::as_str) {
        Some("list") => Ok(list()),
        Some("run") => run_scenario(&args[1..]),
        Some("-h" | "--help" | "help") => Ok(USAGE.to_string()),
        Some(other) => Err(format!("unknown command '{other}'").into()),
        None => Err("no command given".into()),
    }
}

fn list() -> String {
    let mut out = String::new();
    for s in scenarios::ALL {
        let spec = &s.spec;
        out += &format!("{}  —  {}\n", spec.id, spec.title);
        for p in spec.params {
            let range = match p.choices {
                Some(c) => format!(
                    "one of {}; default {}",
                    c.join(" | "),
                    c[p.default as usize]
                ),
                None => format!("{} to {}; default {}", p.min, p.max, p.default),
            };
            out += &format!("    {:<14} {} ({range})\n", p.name, p.label);
        }
    }
    out.trim_end().to_string()
}

fn run_scenario(args: &[String]) -> Result<String, Fail> {
    let mut it = args.iter();
    let id = it
        .next()
        .ok_or("run needs a scenario id (see `dsviz list`)")?;
    let mut seed = 1u64;
    let mut until = Time::from_ms(10_000);
    let mut params = Vec::new();
    let mut actions = Vec::new();
    let mut full_trace = false;
    while let Some(flag) = it.next() {
        let mut value = |what: &str| it.next().cloned().ok_or(format!("{flag} needs {what}"));
        match flag.as_str() {
            "--seed" => {
                let v = value("a number")?;
                seed = v
                    .parse()
                    .map_err(|_| format!("--seed must be a non-negative integer, got '{v}'"))?;
            }
            "--until-ms" => {
                let v = value("a number of ms")?;
                let ms: f64 = v
                    .parse()
                    .map_err(|_| format!("--until-ms must be a number, got '{v}'"))?;
                until = Time(duration_ns(ms, "--until-ms").map_err(|e| e.to_string())?);
            }
            "--param" => {
                let v = value("NAME=VALUE")?;
                let (name, val) = v
                    .split_once('=')
                    .ok_or(format!("--param wants NAME=VALUE, got '{v}'"))?;
                params.push((name.to_string(), ParamInput::Text(val.to_string())));
            }
            "--action" => actions.push(parse_action(&value("T_MS:ACTION:ARGS")?)?),
            "--trace" => full_trace = true,
            other => return Err(format!("unknown option '{other}'").into()),
        }
    }
    // Stable sort: actions at the same instant keep the order given.
    actions.sort_by_key(|(t, _)| *t);
    let mut run = Run::new(id, seed, &params).map_err(|e| e.to_string())?;
    run.replay(&actions, until)
        .map_err(|e| Fail::Run(e.to_string()))?;
    if full_trace {
        Ok(run.export_json())
    } else {
        serde_json::to_string_pretty(&run.summary()).map_err(|e| Fail::Run(e.to_string()))
    }
}

fn parse_action(text: &str) -> Result<(Time, ActionKind), String> {
    let bad = || format!("--action wants T_MS:ACTION:ARGS (e.g. 1500:crashNode:2), got '{text}'");
    let mut parts = text.splitn(3, ':');
    let (t, name, rest) = (
        parts.next().ok_or_else(bad)?,
        parts.next().ok_or_else(bad)?,
        parts.next().unwrap_or(""),
    );
    let ms: f64 = t.parse().map_err(|_| bad())?;
    let at = Time(duration_ns(ms, "action time").map_err(|e| e.to_string())?);
    let args = rest
        .split([',', ':'])
        .filter(|s| !s.is_empty())
        .map(|a| {
            a.parse::<f64>()
                .map_err(|_| format!("action argument '{a}' is not a number in '{text}'"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let kind = ActionKind::parse(name, &args).map_err(|e| e.to_string())?;
    Ok((at, kind))
}
