#!/usr/bin/env bash
# Measures the receiver with wrk on loopback (not run by CI):
#   1. the receiver alone, benign requests, mirror mode and inline mode
#      (inline answers after analysis, so its rate is the analysis rate);
#   2. the same with a mixed load (one request in four an attack);
#   3. client latency through nginx: no mirror, mirror to the receiver,
#      mirror with the receiver down.
# Needs wrk and nginx (Debian packages) and builds the release binary.
# Usage: bash examples/mirror-receiver/bench/run.sh [seconds per run]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
secs="${1:-10}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
for p in wrk nginx; do
  command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] || {
    echo "$p is missing: apt-get install -y --no-install-recommends $p" >&2; exit 1; }
done
(cd "$root" && cargo build --release -p mirror-receiver)
bin="$CARGO_TARGET_DIR/release/mirror-receiver"
work="$(mktemp -d)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3; rm -rf "$work"; }
trap cleanup EXIT

NGINX=18580 ORIGIN=18581 RECV=18582 METRICS=18583 BASE=18584

wait_port() { for _ in $(seq 200); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }
metric() { curl -s "127.0.0.1:$METRICS/metrics" | awk -v n="$1" '$1==n {print $2}'; }
start_receiver() {
  "$bin" --listen "127.0.0.1:$RECV" --metrics "127.0.0.1:$METRICS" --output "$work/attacks.jsonl" "$@" 2>>"$work/receiver.err" &
  recv_pid=$!; pids+=("$recv_pid"); wait_port "$RECV"; wait_port "$METRICS"
}
stop_receiver() { kill -TERM "$recv_pid"; wait "$recv_pid" 2>/dev/null || true; }
conns=32
run_wrk() { # label url [lua args]
  local label="$1" url="$2"; shift 2
  local out; out="$(wrk -t1 -c"$conns" -d"${secs}s" --latency -s "$here/requests.lua" "$url" -- "$@")"
  local rps p50 p99
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  local non2xx; non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
  printf '%-58s %10s req/s   p50 %-9s p99 %-9s %s\n' "$label" "$rps" "$p50" "$p99" "${non2xx:+non-2xx: $non2xx}"
}

echo "== receiver alone (wrk -t1 -c32, ${secs}s, $(nproc) cores shared by wrk and the receiver)"
start_receiver
run_wrk "mirror mode, benign" "http://127.0.0.1:$RECV" benign
echo "   received $(metric mirrorguard_requests_received_total), analyzed $(metric mirrorguard_requests_analyzed_total), dropped $(metric mirrorguard_requests_dropped_total)"
stop_receiver
start_receiver
run_wrk "mirror mode, mixed (1 in 4 an attack)" "http://127.0.0.1:$RECV" mixed
echo "   received $(metric mirrorguard_requests_received_total), analyzed $(metric mirrorguard_requests_analyzed_total), dropped $(metric mirrorguard_requests_dropped_total), attacks $(metric mirrorguard_attack_requests_total)"
stop_receiver
start_receiver --mode inline
run_wrk "inline mode (answer after analysis), benign" "http://127.0.0.1:$RECV" benign
stop_receiver
start_receiver --mode inline
run_wrk "inline mode (answer after analysis), mixed: 403s are attacks" "http://127.0.0.1:$RECV" mixed
stop_receiver

conns=8
echo "== client latency through nginx (wrk -t1 -c$conns, mixed; 1 nginx worker; origin: nginx answering 200)"
mkdir -p "$work/nginx/tmp"
sed -e "s/127.0.0.1:8081/127.0.0.1:$RECV/" -e "s/127.0.0.1:8080/127.0.0.1:$ORIGIN/" \
    -e "s/listen 80;/listen 127.0.0.1:$NGINX;/" -e "s#/var/log/nginx/error.log#$work/nginx/error.log#" \
    "$here/../deploy/nginx/mirror.conf" > "$work/nginx/site.conf"
cat > "$work/nginx/nginx.conf" <<CONF
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log error;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  server { listen 127.0.0.1:$ORIGIN; location / { return 200 "origin\n"; } }
  include $work/nginx/site.conf;
  # the baseline: the same proxying, no mirror
  server { listen 127.0.0.1:$BASE; location / { proxy_set_header Host \$host; proxy_pass http://127.0.0.1:$ORIGIN; } }
}
CONF
nginx -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" &
pids+=($!); wait_port "$NGINX"; wait_port "$BASE"
# Interleaved rounds: the machine's load drifts, so compare within a round.
for round in 1 2 3; do
  echo "-- round $round"
  run_wrk "no mirror" "http://127.0.0.1:$BASE" mixed
  start_receiver
  run_wrk "mirror to the receiver" "http://127.0.0.1:$NGINX" mixed
  echo "   received $(metric mirrorguard_requests_received_total), analyzed $(metric mirrorguard_requests_analyzed_total), dropped $(metric mirrorguard_requests_dropped_total)"
  stop_receiver
  run_wrk "mirror, receiver down" "http://127.0.0.1:$NGINX" mixed
done
