#!/usr/bin/env bash
# Installs whatever dsviz needs and is missing. Idempotent: a second run checks and returns in a
# second or two. Usage: setup.sh build   (what `npm start` needs)
#                       setup.sh test    (also browsers and npm packages, for `npm test` / `npm run bench`)
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup]\033[0m %s\n' "$*" >&2; exit 1; }

export PATH="$HOME/.cargo/bin:$PATH"

command -v cargo >/dev/null || die "Rust is not installed. Install it with rustup (https://rustup.rs), then run this again."
command -v node >/dev/null || die "Node.js is not installed (version 18 or newer is needed)."

apt_updated=""
apt_install() {
  command -v apt-get >/dev/null || die "please install these packages with your system's package manager: $*"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    $sudo apt-get update -q >/dev/null
    apt_updated=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@" >/dev/null
}

# The wasm target.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$want" ] || die "could not read the wasm-bindgen version from Cargo.lock"
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have" != "$want" ]; then
  say "installing wasm-bindgen-cli $want (had: ${have:-none}); this takes about 2 minutes"
  # No --locked: one pinned dependency of the CLI is missing from the registry mirror.
  cargo install wasm-bindgen-cli --version "$want" --force
fi

if ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack; this takes about 3 minutes"
  cargo install wasm-pack
fi

if [ "$mode" = "test" ]; then
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt_install chromium chromium-driver
  fi
  # npm packages: reinstall only when package-lock.json changed since the last install.
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    say "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
