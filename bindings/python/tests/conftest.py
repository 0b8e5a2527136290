"""Shared paths. The tests run against the installed package (a real
``pip install ./bindings/python``), never the source tree."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
REPO = Path(os.environ.get("MIRRORGUARD_REPO", HERE.parents[2]))
DATA = HERE / "data"
GOLDEN = REPO / "core" / "testdata" / "golden"
EXAMPLES = REPO / "examples" / "python"


@pytest.fixture
def data() -> Path:
    return DATA
