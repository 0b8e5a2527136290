#!/usr/bin/env bash
# The mirror receiver's tests: unit tests, receiver-only end-to-end tests
# and the end-to-end tests behind a real nginx (Debian's package, installed
# here when missing). Uses the debug build that `cargo test` makes in the
# shared target/; no release build.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "nginx is missing; install it (apt-get install nginx) or run as root" >&2
    exit 1
  fi
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx
fi
# Debian's package may start a system nginx on :80; the tests run their own
# nginx with their own prefix on free loopback ports, so leave it alone.

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
MIRRORGUARD_REQUIRE_NGINX=1 cargo test -p mirror-receiver
