#!/usr/bin/env bash
# The Python module, tested as users get it: a fresh virtual environment, a
# real `pip install ./bindings/python` (pip fetches maturin as the build
# backend; the Rust build goes to the shared target/), then
#   - the README's one-liner,
#   - pytest (bindings/python/tests: API, bad inputs, limits, threads,
#     golden vectors, the CLI, the middleware examples),
#   - mypy.stubtest: the .pyi stubs match the binary,
#   - mypy --strict over the package, the examples and the bench script.
#
# Environment: CARGO_TARGET_DIR (default: <repo>/target), PYTHON (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

step() { printf '\n--> %s\n' "$*"; }

python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null 2>&1 || ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  step "installing python3 and python3-venv"
  apt-get update
  apt-get install -y --no-install-recommends python3 python3-venv python3-pip
  python=python3
fi
"$python" - <<'PY'
import sys
if sys.version_info < (3, 9):
    sys.exit(f"mirrorguard needs Python >= 3.9, found {sys.version.split()[0]}")
PY

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"
venv="$CARGO_TARGET_DIR/python-venv"
export PIP_DISABLE_PIP_VERSION_CHECK=1
export MYPY_CACHE_DIR="$CARGO_TARGET_DIR/mypy-cache"

step "fresh virtual environment in $venv"
"$python" -m venv --clear "$venv"
py="$venv/bin/python"

step "pip install ./bindings/python"
"$py" -m pip install --quiet --force-reinstall ./bindings/python
"$py" -m pip install --quiet -r bindings/python/requirements-test.txt

step "README one-liner"
got=$(cd /tmp && "$py" -c "import mirrorguard; print(mirrorguard.analyze(uri='/?id=1%27%20or%201=1--').is_attack)")
[ "$got" = "True" ] || { echo "expected True, got: $got" >&2; exit 1; }
echo "$got"

step "stubtest (the .pyi stubs match the binary)"
(cd /tmp && "$py" -m mypy.stubtest mirrorguard)

step "mypy --strict (package, examples, bench)"
(cd /tmp && "$py" -m mypy --strict -p mirrorguard)
"$py" -m mypy --strict --no-namespace-packages examples/python/*.py bindings/python/bench.py

step "pytest"
"$py" -m pytest bindings/python/tests -q -p no:cacheprovider
