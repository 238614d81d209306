#!/usr/bin/env bash
# Every test: style and lints, native tests of the core, the wasm facade in headless Chromium,
# and end-to-end tests of the page in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
step() { printf '\n\033[1;34m== %s\033[0m\n' "$*"; }

step "cargo fmt --check"
cargo fmt --check
step "cargo clippy (native and wasm32)"
cargo clippy --all-targets -q -- -D warnings
cargo clippy --lib --target wasm32-unknown-unknown -q -- -D warnings

step "native tests"
cargo test -q

step "wasm facade in headless Chromium (wasm-pack test)"
wasm-pack --log-level warn test --headless --chrome --chromedriver "$(command -v chromedriver)" --mode no-install -- --test browser

step "end-to-end tests of the page (playwright-core + Chromium)"
bash scripts/build.sh
cargo build -q --release --bin dsviz
node --test --test-concurrency=1 tests/e2e/
