#!/usr/bin/env bash
# Fuzzing in CI: replays the stored crash inputs (core/testdata/
# fuzz-regressions/) as a test, then runs every fuzz target for a short
# time (FUZZ_SECONDS, default 20) with fuzz/run.sh. The long run is the
# same script with a larger SECONDS.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"

cargo test -p mirrorguard --features fuzzing --test fuzz_regressions

# libFuzzer needs a C++ toolchain to link (cc builds its runtime).
if ! command -v c++ >/dev/null 2>&1; then
  apt-get update && apt-get install -y --no-install-recommends g++
fi
bash fuzz/run.sh "${FUZZ_SECONDS:-20}"
