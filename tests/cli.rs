//! The headless runner, as a person or a script calls it.

#[path = "golden.rs"]
mod golden;

use std::process::{Command, Output};

fn dsviz(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dsviz"))
        .args(args)
        .output()
        .expect("the dsviz binary runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn run_prints_the_golden_hash_for_the_golden_inputs() {
    let mut args: Vec<String> = ["run", golden::GOLDEN_SCENARIO, "--seed"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push(golden::GOLDEN_SEED.to_string());
    args.extend(["--until-ms".into(), golden::GOLDEN_UNTIL_MS.to_string()]);
    args.extend(["--param".into(), format!("nodes={}", golden::GOLDEN_NODES)]);
    args.extend(["--param".into(), format!("loss={}", golden::GOLDEN_LOSS)]);
    for (at, name, a) in golden::GOLDEN_ACTIONS {
        let a: Vec<String> = a.iter().map(|v| v.to_string()).collect();
        args.extend(["--action".into(), format!("{at}:{name}:{}", a.join(","))]);
    }
    let argv: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = dsviz(&argv);
    assert!(out.status.success(), "{}", stderr(&out));
    let summary: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON summary");
    assert_eq!(summary["traceHash"], golden::GOLDEN_HASH);
    assert_eq!(
        summary["totals"]["lostRandom"].as_u64().map(|n| n > 0),
        Some(true)
    );
    assert_eq!(summary["nowMs"], 8000.0);
}

#[test]
fn trace_prints_every_event_as_json() {
    let out = dsviz(&[
        "run",
        "sandbox",
        "--until-ms",
        "1000",
        "--action",
        "500:crashNode:1",
        "--trace",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let t: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON trace");
    assert_eq!(t["format"], "dsviz-trace");
    let events = t["events"].as_array().expect("events");
    assert_eq!(
        events.len() as u64,
        t["totals"]["events"].as_u64().expect("count")
    );
    let crash = events
        .iter()
        .find(|e| e["kind"] == "crash")
        .expect("a crash event");
    assert_eq!(
        (crash["node"].as_u64(), crash["t"].as_f64()),
        (Some(1), Some(500.0))
    );
    assert_eq!(t["actions"][0]["action"], "crashNode");
}

#[test]
fn list_names_scenarios_and_parameters() {
    let out = dsviz(&["list"]);
    assert!(out.status.success());
    let text = stdout(&out);
    assert!(text.contains("sandbox"));
    assert!(text.contains("fanout"));
}

#[test]
fn bad_arguments_get_a_clear_message_and_a_nonzero_exit() {
    for (args, says) in [
        (vec!["run", "nope"], "unknown scenario 'nope'"),
        (
            vec!["run", "sandbox", "--seed", "-3"],
            "--seed must be a non-negative integer",
        ),
        (
            vec!["run", "sandbox", "--param", "nodes=0"],
            "between 1 and 2000",
        ),
        (
            vec!["run", "sandbox", "--action", "100:crashNode"],
            "crashNode takes 1 argument",
        ),
        (
            vec!["run", "sandbox", "--action", "100:crashNode:9"],
            "no node 9",
        ),
        (vec!["run", "sandbox", "--frobnicate"], "unknown option"),
        (vec!["fly"], "unknown command"),
    ] {
        let out = dsviz(&args);
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
    }
}
