//! Native figures for `npm run bench`, printed as one JSON line:
//! - core throughput: the sandbox with 500 nodes pinging 8 random peers every 500 ms;
//! - seek: time to show an instant of a 10-minute run of 50 nodes (restore + replay).

use dsviz_core::run::Run;
use dsviz_core::scenarios::ParamInput;
use dsviz_core::sim::Time;
use std::time::Instant;

fn sandbox(nodes: f64) -> Run {
    let params = [
        ("nodes".to_string(), ParamInput::Number(nodes)),
        ("fanout".to_string(), ParamInput::Number(8.0)),
    ];
    Run::new("sandbox", 1, &params).expect("sandbox parameters")
}

fn main() {
    // DSVIZ_BENCH_QUICK=1: one short pass, for instruction counts under callgrind.
    let quick = std::env::var_os("DSVIZ_BENCH_QUICK").is_some();
    let simulated_ms = if quick { 10_000 } else { 60_000u64 };
    let mut best = f64::MAX;
    let mut events = 0;
    for _ in 0..if quick { 1 } else { 3 } {
        let mut run = sandbox(500.0);
        let start = Instant::now();
        // The page's path: Run::advance_to, snapshots for time travel included.
        run.advance_to(Time::from_ms(simulated_ms))
            .expect("advance");
        best = best.min(start.elapsed().as_secs_f64());
        let t = run.world().trace().totals();
        events = t.timers + t.delivered;
    }

    if quick {
        println!("{{\"events\":{events}}}");
        return;
    }
    let mut run = sandbox(50.0);
    run.advance_to(Time::from_ms(600_000)).expect("ten minutes");
    let mut seek_worst: f64 = 0.0;
    let mut seek_total = 0.0;
    let targets: Vec<u64> = (0..50).map(|i| (i * 7_919 + 1_234) % 600_000).collect();
    for t in &targets {
        let start = Instant::now();
        run.seek(Time::from_ms(*t)).expect("seek");
        let ms = start.elapsed().as_secs_f64() * 1e3;
        seek_worst = seek_worst.max(ms);
        seek_total += ms;
    }
    println!(
        "{{\"events\":{events},\"seconds\":{best:.4},\"eventsPerSec\":{:.0},\"seekMeanMs\":{:.2},\"seekMaxMs\":{:.2}}}",
        events as f64 / best,
        seek_total / targets.len() as f64,
        seek_worst
    );
}
