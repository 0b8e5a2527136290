#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, seeded from
# core/testdata, and reports executions and crashes per target.
#
#   fuzz/run.sh SECONDS [TARGET...]
#
# Corpora grow in fuzz/corpus/<target>/ (kept between runs, not committed);
# crashes, timeouts and out-of-memory inputs land in
# fuzz/artifacts/<target>/. Exits non-zero when any target failed.
# Needs cargo-fuzz (installed, pinned, when missing) and builds on the
# stable toolchain with RUSTC_BOOTSTRAP=1 (cargo-fuzz passes -Z flags).
set -euo pipefail
cd "$(dirname "$0")"

secs="${1:?usage: fuzz/run.sh SECONDS [TARGET...]}"
shift
CARGO_FUZZ_VERSION=0.13.2

if [ "$(cargo fuzz --version 2>/dev/null | awk '{print $2}')" != "$CARGO_FUZZ_VERSION" ]; then
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi
if ! command -v python3 >/dev/null 2>&1; then
  apt-get update && apt-get install -y --no-install-recommends python3
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
fi

# cargo-fuzz builds into fuzz/target: its sanitizer flags would otherwise
# invalidate the shared target/ of normal builds.
unset CARGO_TARGET_DIR
export RUSTC_BOOTSTRAP=1
# No sanitizer: the engine is safe Rust (`unsafe_code = "forbid"`), so
# AddressSanitizer would only slow the search down; overflow checks stay on
# (debug assertions).
mkdir -p logs
if ! cargo fuzz build -O --sanitizer none >logs/build.log 2>&1; then
  tail -40 logs/build.log >&2
  exit 1
fi
bin="target/$(rustc -vV | sed -n 's/^host: //p')/release"

python3 seeds.py ../core/testdata corpus >/dev/null
failed=0
total=0
printf '%-16s %12s %10s %s\n' target executions exec/s result
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  log="logs/$t.log"
  rc=0
  "$bin/$t" "corpus/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="artifacts/$t/" \
    >"$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  total=$((total + ${runs:-0}))
  if [ "$rc" -eq 0 ]; then
    result=ok
  else
    failed=1
    art=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -1 | sed 's/Test unit written to //')
    result="FAILED (exit $rc) ${art:-see fuzz/$log}"
  fi
  printf '%-16s %12s %10s %s\n' "$t" "${runs:-?}" "${speed:-?}" "$result"
done
echo "total executions: $total over ${#targets[@]} targets, ${secs}s each"
if [ "$failed" -ne 0 ]; then
  echo "crashes found: reproduce with fuzz/target/.../<target> <artifact>; logs in fuzz/logs/" >&2
  for t in "${targets[@]}"; do
    grep -m1 -A12 -E "panicked|ERROR: libFuzzer" "logs/$t.log" 2>/dev/null | sed "s/^/$t: /" >&2 || true
  done
fi
exit "$failed"
