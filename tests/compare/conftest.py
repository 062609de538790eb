"""Fixtures for the golden-compare tests; the notebook helpers live in compare_support.py."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from compare_support import NBGATE, REPO


@pytest.fixture(scope="session")
def executed_pair_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("compare-executed")


@pytest.fixture
def nbgate_cli() -> Callable[..., Any]:
    import subprocess

    def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        exe = str(NBGATE) if NBGATE.exists() else str(REPO / ".venv" / "bin" / "nbgate")
        return subprocess.run([exe, *args], capture_output=True, text=True, cwd=cwd, timeout=120)

    return run
