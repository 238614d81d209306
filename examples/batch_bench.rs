//! Batch-mode throughput: seeded two-generals runs per second, headless, for each strategy.
//! Prints one JSON line per strategy. `cargo run --release --example batch_bench`.

use dsviz_core::scenarios::batch;
use dsviz_core::scenarios::ParamInput;
use std::time::Instant;

fn main() {
    let runs = 100_000u64;
    for (strategy, k, d) in [
        ("attack-regardless", 1.0, 1.0),
        ("if-message-arrived", 1.0, 2.0),
        ("k-messengers", 3.0, 1.0),
        ("ack-chain", 1.0, 3.0),
        ("ack-chain", 3.0, 10.0),
    ] {
        let params = [
            ("strategy".to_string(), ParamInput::Text(strategy.into())),
            ("messengers".to_string(), ParamInput::Number(k)),
            ("depth".to_string(), ParamInput::Number(d)),
            ("loss".to_string(), ParamInput::Number(0.3)),
        ];
        let start = Instant::now();
        let result = batch::run("two-generals", &params, 0, runs).expect("batch");
        let secs = start.elapsed().as_secs_f64();
        let counts: Vec<String> = result
            .outcomes
            .iter()
            .map(|o| format!("\"{}\":{}", o.name, o.count))
            .collect();
        println!(
            "{{\"strategy\":\"{strategy}\",\"k\":{k},\"d\":{d},\"runs\":{runs},\"seconds\":{secs:.3},\"runsPerSec\":{:.0},{}}}",
            runs as f64 / secs,
            counts.join(",")
        );
    }
}
