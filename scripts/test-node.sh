#!/usr/bin/env bash
# The Node module (bindings/node): installs its dev dependencies (npm ci),
# builds the addon with napi-rs into the shared target/, checks that the
# committed index.js and index.d.ts are what `napi build` generates, then
# type-checks test/types.ts against index.d.ts, and runs the node --test
# suites (API, bad inputs, golden vectors, concurrency, the examples/node
# middleware against a real local server).
#
# Environment:
#   CARGO_TARGET_DIR          shared target directory (default: <repo>/target)
#   MIRRORGUARD_NODE_RELEASE  1: build the addon in release (fat LTO, slow on
#                             2 cores); default: debug, which reuses the
#                             workspace's debug build and keeps Rust's
#                             debug assertions and UB checks on under test.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

# Node >= 18 with npm; Debian's packages when missing.
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update
  apt-get install -y --no-install-recommends "${missing[@]}"
fi
node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 18 ? 0 : 1)' ||
  { echo "node >= 18 is required, found $(node --version)" >&2; exit 1; }
echo "node $(node --version), npm $(npm --version)"

cd bindings/node
npm ci --no-audit --no-fund --loglevel=error

profile=()
[ "${MIRRORGUARD_NODE_RELEASE:-0}" = 1 ] && profile=(--release)
npx napi build --platform "${profile[@]}" --js index.js --dts index.d.ts

# The generated loader and types are committed: they must be current.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  if ! git diff --exit-code -- index.js index.d.ts; then
    echo "bindings/node/index.js or index.d.ts is stale: run 'npm run build' in bindings/node and commit" >&2
    exit 1
  fi
fi

# index.d.ts type-checks the documented uses and rejects misuses.
npx tsc -p test

node --test test/
