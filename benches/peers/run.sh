#!/usr/bin/env bash
# Peers side by side, in one run (not run by CI): mirrorguard, ModSecurity v3
# + OWASP CRS (Debian's nginx module and CRS package, blocking, paranoia 1
# and 2), Coraza + CRS 4 (in process, paranoia 1 and 2) and libinjection
# (PyPI libinjection-python, SQLi and XSS strings alone).
#
#   bash benches/peers/run.sh
#
# Environment:
#   CORPUS=DIR     labelled corpora            [<repo>/../shared/corpus]
#   PER_FILE=N     requests per corpus file, class-stratified, seeded;
#                  0 = whole files (slow: ModSecurity and Coraza take ~1 ms
#                  each)                       [2000]
#   SECS=N         seconds per wrk run          [5]
#   OUT=FILE       also write the table (markdown) to FILE
#   KEEP=1         keep the work directory (logs, nginx error log, results)
#
# Accuracy: every engine sees the same sample of each corpus file.
# Speed: the same benign GET and attack GET (requests.lua) through nginx on
# loopback with wrk (ModSecurity in nginx; mirrorguard through nginx
# auth_request to mirror-receiver --mode inline), CPU time taken from
# /proc/PID/task/*/schedstat of the nginx worker and the receiver; and in
# process for mirrorguard (the accuracy binary), Coraza and libinjection.
# Uses loopback ports 18690-18695 and one nginx worker.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
PER_FILE="${PER_FILE:-2000}"
SECS="${SECS:-5}"
CORPUS="${CORPUS:-$root/../shared/corpus}"
[ -d "$CORPUS" ] || { echo "no corpus directory $CORPUS (set CORPUS=DIR)" >&2; exit 2; }

# --- dependencies (Debian, as root) ---------------------------------------
need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
[ -x /usr/sbin/nginx ] || need+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_http_modsecurity_module.so ] || need+=(libnginx-mod-http-modsecurity)
[ -d /usr/share/modsecurity-crs/rules ] || need+=(modsecurity-crs)
if [ "${#need[@]}" -gt 0 ]; then
  apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null; }
fi
command -v go >/dev/null 2>&1 || { echo "go is missing (Go 1.25 or newer)" >&2; exit 2; }
python3 -c 'import libinjection' 2>/dev/null || python3 -m pip install -q libinjection-python

# --- builds ----------------------------------------------------------------
(cd "$root" && cargo build --release -q -p mirrorguard-benches --bin accuracy &&
  cargo build --release -q -p mirror-receiver)
work="$(mktemp -d /tmp/mirrorguard-peers.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; sleep 0.3
  if [ -n "${KEEP:-}" ]; then echo "kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
(cd "$here/coraza" && go build -o "$work/coraza-peer" .)
accuracy="$CARGO_TARGET_DIR/release/accuracy"
receiver="$CARGO_TARGET_DIR/release/mirror-receiver"
res="$work/res"; mkdir -p "$res"

# --- inputs ----------------------------------------------------------------
files=("$CORPUS"/*.jsonl)
python3 "$here/sample.py" "$work/sample" "$PER_FILE" "${files[@]}"
sample=("$work"/sample/*.jsonl)
python3 "$here/speed-requests.py" "$work/speed" 1000
speed=("$work/speed/speed-benign.jsonl" "$work/speed/speed-attack.jsonl")

# --- in process: accuracy and speed ------------------------------------------
echo "mirrorguard (in process)..." >&2
"$accuracy" --json "${sample[@]}" > "$res/mirrorguard.json"
# accuracy times analysis in wall-clock time: best of 5 runs, so that time
# spent waiting for a shared core is not counted.
for i in 1 2 3 4 5; do "$accuracy" --json "${speed[@]}" > "$res/speed-mirrorguard-$i.json"; done
for pl in 1 2; do
  echo "Coraza + CRS 4, PL$pl (in process)..." >&2
  "$work/coraza-peer" -pl "$pl" "${sample[@]}" > "$res/coraza-pl$pl.json"
  "$work/coraza-peer" -pl "$pl" "${speed[@]}" > "$res/speed-coraza-pl$pl.json"
done
echo "libinjection (in process)..." >&2
python3 "$here/libinj.py" "${sample[@]}" > "$res/libinjection.json"
python3 "$here/libinj.py" "${speed[@]}" > "$res/speed-libinjection.json"

# --- nginx: plain, ModSecurity PL1 and PL2, mirrorguard inline -----------------
PLAIN=18690 MS1=18691 MS2=18692 MG=18693 RECV=18695
mkdir -p "$work/nginx/tmp" "$work/www"
echo "hello" > "$work/www/index.html"
for pl in 1 2; do
  cat > "$work/modsec-pl$pl.conf" <<CONF
Include /usr/share/nginx/docs/modsecurity/modsecurity.conf
SecRuleEngine On
SecAuditEngine Off
SecResponseBodyAccess Off
SecStatusEngine Off
Include /etc/modsecurity/crs/crs-setup.conf
SecAction "id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level=$pl"
Include /usr/share/modsecurity-crs/rules/*.conf
CONF
done
site() { echo "location / { try_files /index.html =404; }"; }
cat > "$work/nginx/nginx.conf" <<CONF
load_module /usr/lib/nginx/modules/ngx_http_modsecurity_module.so;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log error;
events { worker_connections 1024; }
http {
  access_log off;
  root $work/www;
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  client_max_body_size 16m;
  large_client_header_buffers 8 64k;
  upstream mirrorguard_inline { server 127.0.0.1:$RECV; keepalive 32; }
  server { listen 127.0.0.1:$PLAIN; $(site) }
  server { listen 127.0.0.1:$MS1; modsecurity on; modsecurity_rules_file $work/modsec-pl1.conf; $(site) }
  server { listen 127.0.0.1:$MS2; modsecurity on; modsecurity_rules_file $work/modsec-pl2.conf; $(site) }
  server {
    listen 127.0.0.1:$MG;
    location / { auth_request /_mirrorguard_check; try_files /index.html =404; }
    location = /_mirrorguard_check {
      internal;
      proxy_pass http://mirrorguard_inline/check;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header Host \$host;
      proxy_set_header X-Original-URI \$request_uri;
      proxy_set_header X-Original-Method \$request_method;
      proxy_set_header X-Real-IP \$remote_addr;
      proxy_set_header X-Request-ID \$request_id;
    }
  }
}
CONF
wait_port() { for _ in $(seq 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done; echo "port $1 never opened" >&2; exit 1; }
"$receiver" --mode inline --listen "127.0.0.1:$RECV" --metrics '' --output /dev/null --workers 1 2>"$work/receiver.err" &
recv_pid=$!; pids+=("$recv_pid")
/usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/error.log" &
nginx_pid=$!; pids+=("$nginx_pid")
for p in $PLAIN $MS1 $MS2 $MG $RECV; do wait_port "$p"; done
worker="$(pgrep -P "$nginx_pid" | head -1)"
[ -n "$worker" ] || { echo "no nginx worker" >&2; cat "$work/nginx/error.log" >&2; exit 1; }

echo "ModSecurity + CRS (replaying the sample through nginx)..." >&2
python3 "$here/replay.py" "127.0.0.1:$PLAIN" "$worker" "${sample[@]}" > "$res/nginx-plain.json"
python3 "$here/replay.py" "127.0.0.1:$MS1" "$worker" "${sample[@]}" > "$res/modsec-pl1.json"
python3 "$here/replay.py" "127.0.0.1:$MS2" "$worker" "${sample[@]}" > "$res/modsec-pl2.json"

cpu_ns() { local t=0 p f v; for p in "$@"; do for f in /proc/"$p"/task/*/schedstat; do
  read -r v _ < "$f" 2>/dev/null || continue; t=$((t + v)); done; done; echo "$t"; }
: > "$res/speed-http.jsonl"
for target in plain:$PLAIN modsec-pl1:$MS1 modsec-pl2:$MS2 mirrorguard:$MG; do
  name="${target%%:*}" port="${target##*:}"
  for kind in benign attack; do
    echo "wrk $name $kind (${SECS}s)..." >&2
    wrk -t1 -c4 -d1s -s "$here/requests.lua" "http://127.0.0.1:$port/" -- "$kind" >/dev/null
    n0="$(cpu_ns "$worker")" r0="$(cpu_ns "$recv_pid")"
    out="$(wrk -t1 -c4 -d"${SECS}s" -s "$here/requests.lua" "http://127.0.0.1:$port/" -- "$kind")"
    n1="$(cpu_ns "$worker")" r1="$(cpu_ns "$recv_pid")"
    reqs="$(awk '/requests in/ {print $1}' <<<"$out")"
    non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
    printf '{"target":"%s","request":"%s","requests":%s,"non2xx":%s,"nginx_cpu":%s,"receiver_cpu":%s}\n' \
      "$name" "$kind" "$reqs" "${non2xx:-0}" "$(( n1 - n0 ))e-9" "$(( r1 - r0 ))e-9" >> "$res/speed-http.jsonl"
  done
done

# --- the table -----------------------------------------------------------------
python3 "$here/report.py" "$res" "$PER_FILE" "$SECS" | tee "${OUT:-/dev/null}"
