//! Share links and trace files: they reproduce the run exactly, and damage gives a clear message.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use dsviz_core::run::Run;
use dsviz_core::scenarios::ParamInput;
use dsviz_core::sim::{ActionKind, Time};

fn played() -> Run {
    let inputs = vec![
        ("nodes".to_string(), ParamInput::Number(7.0)),
        (
            "link_kind".to_string(),
            ParamInput::Text("arbitrary".into()),
        ),
        ("duplicate".to_string(), ParamInput::Number(0.1)),
    ];
    let mut run = Run::new("sandbox", 9_007_199_254_740_993, &inputs).expect("sandbox");
    let script = vec![
        (Time::from_ms(700), ActionKind::CrashNode(3)),
        (
            Time::from_ms(1_200),
            ActionKind::Partition(vec![0, 0, 0, 1, 1, 1, 1]),
        ),
        (Time::from_ms(2_500), ActionKind::HealPartition),
        (
            Time::from_ms(3_000),
            ActionKind::SkewClock(6, -1_234_567_890),
        ),
    ];
    run.replay(&script, Time::from_ms(4_321)).expect("replay");
    run
}

#[test]
fn a_share_link_reproduces_the_run_and_the_instant_viewed() {
    let run = played();
    let link = run.share(run.world().now());
    assert!(link.starts_with("v1."));
    assert!(link.len() < 400, "compact: {} characters", link.len());
    let back = Run::from_share(&format!("#share={link}")).expect("round trip");
    assert_eq!(back.world().now(), run.world().now());
    assert_eq!(
        back.world().trace().hash_hex(),
        run.world().trace().hash_hex()
    );
    assert_eq!(back.seed(), run.seed());
    assert_eq!(back.actions(), run.actions());
}

#[test]
fn a_link_viewing_an_earlier_instant_keeps_the_future() {
    let run = played();
    let end = run.world().trace().hash_hex();
    let mut back = Run::from_share(&run.share(Time::from_ms(1_000))).expect("link");
    assert_eq!(back.world().now(), Time::from_ms(1_000));
    assert!(back.has_future());
    back.seek(Time::from_ms(4_321)).expect("play on");
    assert_eq!(back.world().trace().hash_hex(), end);
}

#[test]
fn damaged_links_give_a_clear_message() {
    let good = played().share(Time::from_ms(4_321));
    let body = good.strip_prefix("v1.").expect("prefix");
    let pack = |json: &str| {
        format!(
            "v1.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(json.as_bytes(), 6))
        )
    };
    let cases: Vec<(String, &str)> = vec![
        (String::new(), "no version mark"),
        ("hello".into(), "no version mark"),
        ("v1.".into(), "does not unpack"),
        ("v1.!!!***".into(), "not valid base64"),
        (good[..good.len() / 2].to_string(), "damaged"),
        (format!("v1.{}", body.replace('A', "B")), "damaged"),
        (format!("v9.{body}"), "newer dsviz"),
        (
            format!("v1.{}", URL_SAFE_NO_PAD.encode(b"not deflate at all")),
            "does not unpack",
        ),
        (pack("{not json"), "malformed"),
        (
            pack(r#"{"s":"no-such","seed":"1"}"#),
            "unknown scenario 'no-such'",
        ),
        (
            pack(r#"{"s":"sandbox","seed":"1","p":{"nodes":0}}"#),
            "between 1 and 2000",
        ),
        (pack(r#"{"s":"sandbox","seed":"x"}"#), "seed"),
        (
            pack(r#"{"s":"sandbox","seed":"1","a":[[5,"crashNode",[99]]]}"#),
            "no node 99",
        ),
        (
            pack(r#"{"s":"sandbox","seed":"1","a":[[5,"fly",[1]]]}"#),
            "unknown action",
        ),
        (
            pack(r#"{"s":"sandbox","seed":"1","t":99999999999999999}"#),
            "one simulated hour",
        ),
        (pack(&" ".repeat(2 << 20)), "more than 1 MB"),
    ];
    for (link, says) in cases {
        let err = Run::from_share(&link)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains(says), "{link:?}: expected '{says}' in '{err}'");
    }
}

#[test]
fn an_exported_trace_reimports_to_the_same_hash() {
    let run = played();
    let json = run.export_json();
    let back = Run::from_export(&json).expect("import");
    assert_eq!(
        back.world().trace().hash_hex(),
        run.world().trace().hash_hex()
    );
    assert_eq!(back.world().now(), run.world().now());

    let edited = json.replacen("\"duplicate\":0.1", "\"duplicate\":0.2", 1);
    assert_ne!(edited, json);
    let err = Run::from_export(&edited)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("trace hash"), "{err}");
    for (bad, says) in [
        ("{", "not a dsviz trace file"),
        ("[]", "not a dsviz trace file"),
        (
            &json.replacen("dsviz-trace", "other", 1)[..],
            "format is 'other'",
        ),
        (
            &json.replacen("\"version\":1", "\"version\":7", 1)[..],
            "format version 7",
        ),
    ] {
        let err = Run::from_export(bad)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains(says), "expected '{says}' in '{err}'");
    }
}
