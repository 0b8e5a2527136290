#!/usr/bin/env bash
# Instructions per request of each speed-bench shape, by callgrind: the
# difference between N and 3N analyses, divided by 2N (setup cancels out).
#   bash benches/instructions.sh [SHAPE...]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p mirrorguard-benches --bin instructions
bin=target/release/instructions
shapes=("$@")
[ ${#shapes[@]} -gt 0 ] || shapes=(benign_get attack_get benign_json_post_2k benign_multipart_upload_1m)
count() { # shape n [cold]
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$@" 2>&1 |
    awk '/refs:/ { gsub(",", "", $NF); print $NF }'
}
for s in "${shapes[@]}"; do
  n=100
  [[ $s == *64k* ]] && n=10
  [[ $s == *1m* ]] && n=2
  for mode in warm cold; do
    a=$(count "$s" "$n" $([ $mode = cold ] && echo cold))
    b=$(count "$s" $((3 * n)) $([ $mode = cold ] && echo cold))
    printf '%-30s %-5s %12d instructions/request\n' "$s" "$mode" $(((b - a) / (2 * n)))
  done
done
