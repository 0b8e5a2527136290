#!/usr/bin/env bash
# Tests of the C ABI (ffi/, libmirrorguard) and the LuaJIT/nginx example:
#   1. the committed header is what the pinned cbindgen generates from ffi/src;
#   2. the C tests (ffi/tests/c) against the shared and the static library:
#      API, NULL arguments, bad configurations, threads, golden vectors;
#   3. the same under valgrind, with zero leaks and errors (and a check that
#      a leaked verdict does fail that run);
#   4. nginx + lua-nginx-module + examples/nginx-lua/mirrorguard.lua end to
#      end on 127.0.0.1:18480.
# Installs what is missing (Debian packages, cbindgen). Reuses the shared
# target dir ($CARGO_TARGET_DIR, else target/).
#
# MIRRORGUARD_BLESS=1 rewrites ffi/include/mirrorguard.h instead of failing.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
target="${CARGO_TARGET_DIR:-$root/target}"
out="$target/ffi-c"
CBINDGEN_VERSION=0.29.2

step() { printf '\n--> ffi: %s\n' "$*"; }

step "system packages"
missing=()
command -v cc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v c++ >/dev/null 2>&1 || missing+=(g++)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
for p in nginx libnginx-mod-http-lua; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
nginx_bin="$(command -v nginx || echo /usr/sbin/nginx)"

step "header (cbindgen $CBINDGEN_VERSION)"
if [ "$(cbindgen --version 2>/dev/null)" != "cbindgen $CBINDGEN_VERSION" ]; then
  # Its own temporary target dir, not the shared one.
  env -u CARGO_TARGET_DIR cargo install cbindgen --version "$CBINDGEN_VERSION" --locked
fi
mkdir -p "$out"
(cd ffi && cbindgen --quiet --config cbindgen.toml --output "$out/mirrorguard.h")
if [ -n "${MIRRORGUARD_BLESS:-}" ]; then
  cp "$out/mirrorguard.h" ffi/include/mirrorguard.h
fi
if ! diff -u ffi/include/mirrorguard.h "$out/mirrorguard.h"; then
  echo "ffi/include/mirrorguard.h is not what cbindgen generates from ffi/src:" >&2
  echo "regenerate it with: MIRRORGUARD_BLESS=1 bash scripts/test-ffi.sh" >&2
  exit 1
fi
version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)"
grep -qx "Version: $version" ffi/mirrorguard.pc || {
  echo "ffi/mirrorguard.pc: Version is not $version" >&2
  exit 1
}
# The header also compiles as C++ (Envoy filters are C++).
echo '#include <mirrorguard.h>' | c++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -Iffi/include -x c++ -

step "build libmirrorguard"
cargo build -p mirrorguard-ffi
libdir="$target/debug"

step "C tests"
export PKG_CONFIG_PATH="$root/ffi"
pc() { pkg-config --define-variable=libdir="$libdir" --define-variable=includedir="$root/ffi/include" "$@" mirrorguard; }
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -D_POSIX_C_SOURCE=200809L -g $(pc --cflags))
for t in test_api test_threads test_golden; do
  cc "${cflags[@]}" "ffi/tests/c/$t.c" -o "$out/$t" $(pc --libs) -Wl,-rpath,"$libdir" -pthread
done
# The static library: the same API test, linked with no shared libmirrorguard.
cc "${cflags[@]}" ffi/tests/c/test_api.c -o "$out/test_api_static" \
  "$libdir/libmirrorguard.a" $(pc --static --libs-only-l | sed 's/-lmirrorguard//')
if ldd "$out/test_api_static" | grep -q libmirrorguard; then
  echo "test_api_static links the shared library" >&2
  exit 1
fi
python3 - core/testdata/golden/requests.jsonl "$out/golden.fields" <<'EOF'
# The golden requests as length-prefixed fields for test_golden.c.
import base64, json, sys
with open(sys.argv[2], "wb") as out:
    def field(b):
        out.write(b"%d\n" % len(b) + b + b"\n")
    for line in open(sys.argv[1], encoding="utf-8"):
        r = json.loads(line)
        body = base64.b64decode(r["body_b64"]) if "body_b64" in r else r.get("body", "").encode()
        for f in (r["id"], r["method"], r["uri"], r.get("http_version", ""), str(len(r["headers"]))):
            field(f.encode())
        for name, value in r["headers"]:
            field(name.encode())
            field(value.encode())
        field(body)
EOF
golden=("$out/golden.fields" core/testdata/golden/verdicts.jsonl)
"$out/test_api"
"$out/test_api_static"
"$out/test_threads" 8 50
"$out/test_golden" "${golden[@]}"

# The README's example compiles with the README's line and finds the attack.
python3 - README.md "$out/readme_example.c" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
section = text[text.index("## From C, NGINX and Kong"):]
open(sys.argv[2], "w").write(re.search(r"```c\n(.*?)```", section, re.S).group(1))
EOF
cc -Iffi/include "$out/readme_example.c" -L"$libdir" -lmirrorguard -Wl,-rpath,"$libdir" \
  -o "$out/readme_example"
"$out/readme_example" | tee "$out/readme_example.out"
grep -q '^{"attack":true,"score":10,"findings":\[{"class":"sqli"' "$out/readme_example.out"

step "C tests under valgrind"
vg=(valgrind -q --error-exitcode=1 --leak-check=full --num-callers=40
  --suppressions=ffi/tests/c/valgrind.supp)
"${vg[@]}" "$out/test_api"
"${vg[@]}" "$out/test_threads" 4 3
"${vg[@]}" "$out/test_golden" "${golden[@]}"
# The run above must be able to fail: a verdict never freed is reported.
if "${vg[@]}" "$out/test_api" --leak-a-verdict >"$out/leak.log" 2>&1; then
  cat "$out/leak.log"
  echo "valgrind did not report a leaked verdict" >&2
  exit 1
fi
grep -q "definitely lost" "$out/leak.log"
echo "valgrind reports a leaked verdict, as it should"

step "LuaJIT declarations match the header"
python3 - examples/nginx-lua/mirrorguard.lua ffi/include/mirrorguard.h <<'EOF'
import re, sys
lua, header = (open(p).read() for p in sys.argv[1:])
cdef = re.search(r"ffi\.cdef \[\[(.*?)\]\]", lua, re.S).group(1)
norm = lambda s: re.sub(r"\s+", " ", re.sub(r"//[^\n]*", "", s)).replace("( ", "(").strip()
h = norm(header)
decls = [d.strip() + ";" for d in re.split(r";", cdef) if d.strip()]
# A struct's closing "} name" joins its fields: compare whole typedefs.
stmts, buf = [], ""
for d in decls:
    buf += " " + d
    if buf.count("{") == buf.count("}"):
        stmts.append(norm(buf))
        buf = ""
missing = [s for s in stmts if s not in h]
for s in missing:
    print("not in the header:", s, file=sys.stderr)
print(f"{len(stmts) - len(missing)} of {len(stmts)} declarations match")
sys.exit(1 if missing else 0)
EOF

step "nginx + LuaJIT end to end"
MIRRORGUARD_NGINX="$nginx_bin" python3 examples/nginx-lua/test_e2e.py "$libdir/libmirrorguard.so"
