#!/usr/bin/env bash
# Benchmarks: builds the optimised wasm module and native example, then prints figures side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
bash scripts/build.sh
node scripts/dist.mjs
cargo build -q --release --example bench
node scripts/bench.mjs
