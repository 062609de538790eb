"""Helpers of the promotion tests (a unique module name: test folders share one import namespace)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "churn"
RECORDED = Path(__file__).parent / "recorded"
MLSERVER = REPO / ".venvs" / "mlserver"


def need_mlserver() -> Path:
    """The mlserver executable, or skip (fail under NBGATE_REQUIRE_SERVERS=1) naming the target."""
    if not (MLSERVER / ".installed").is_file():
        message = "server venv .venvs/mlserver missing: run `make server-mlserver`"
        if os.environ.get("NBGATE_REQUIRE_SERVERS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return MLSERVER / "bin" / "mlserver"
