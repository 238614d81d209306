#!/usr/bin/env bash
# Builds the wasm module into www/pkg/ (loaded by index.html). `--dev` for a quick unoptimised build.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
profile="--release"
[ "${1:-}" = "--dev" ] && profile="--dev"
wasm-pack --log-level warn build "$profile" --mode no-install --target web --out-dir www/pkg --out-name dsviz --no-pack
# Function names are for debuggers; a release page never shows them.
[ "$profile" = "--release" ] && node scripts/wasm-strip.mjs www/pkg/dsviz_bg.wasm >/dev/null
exit 0
