//! Native core throughput: the sandbox with 500 nodes pinging 8 random peers every 500 ms.
//! Prints one JSON line; `npm run bench` puts it beside the same figure measured in wasm.

use dsviz_core::run::Run;
use dsviz_core::scenarios::ParamInput;
use dsviz_core::sim::Time;
use std::time::Instant;

fn main() {
    let params = [
        ("nodes".to_string(), ParamInput::Number(500.0)),
        ("fanout".to_string(), ParamInput::Number(8.0)),
    ];
    let simulated_ms = 60_000u64;
    let mut best = f64::MAX;
    let mut events = 0;
    for _ in 0..3 {
        let mut run = Run::new("sandbox", 1, &params).expect("sandbox parameters");
        let start = Instant::now();
        run.world_mut().run_until(Time::from_ms(simulated_ms));
        best = best.min(start.elapsed().as_secs_f64());
        let t = run.world().trace().totals();
        events = t.timers + t.delivered;
    }
    println!(
        "{{\"events\":{events},\"seconds\":{best:.4},\"eventsPerSec\":{:.0}}}",
        events as f64 / best
    );
}
