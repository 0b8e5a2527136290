#!/usr/bin/env bash
# Runs every check and test of the project: the README's test command and
# what CI runs (.ci/run). Builds each profile once into the shared target/.
#
# Environment:
#   MIRRORGUARD_CORPUS  corpus directory for the accuracy gate
#                       (default: ../shared/corpus; skipped when absent)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
cargo --version
for c in rustfmt clippy; do
  if ! cargo "${c/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$c"
  fi
done

step "rustfmt"
cargo fmt --all --check

step "clippy"
cargo clippy --workspace --all-targets -- -D warnings

step "tests (unit, end-to-end, golden, doc)"
cargo test --workspace

step "ffi"; bash scripts/test-ffi.sh
step "mirror receiver"; bash scripts/test-receiver.sh
step "python"; bash scripts/test-python.sh
step "node"; bash scripts/test-node.sh
step "fuzz"; bash scripts/test-fuzz.sh

step "accuracy gate"
corpus="${MIRRORGUARD_CORPUS:-../shared/corpus}"
if [ -d "$corpus" ]; then
  cargo build --release -p mirrorguard-benches --bin accuracy
  files=()
  for f in crs libinjection benign benign-api; do
    [ -f "$corpus/$f.jsonl" ] && files+=("$corpus/$f.jsonl")
  done
  ./target/release/accuracy --floors benches/accuracy-floors.toml "${files[@]}"
else
  echo "no corpus at $corpus: accuracy gate skipped"
fi

step "all checks passed"
