"""Fixtures for the execute step: small notebooks built with nbformat, run on real kernels.

Every test uses the venv's own ``python3`` kernelspec; nothing is mocked. Timeouts are
short (1 to 4 s) to keep the module quick, and asserts are generous because the machine
running the suite may be busy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from execute_helpers import Cell, build_notebook


@pytest.fixture
def make_notebook(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, cells: Sequence[Cell], *, kernel: str = "python3") -> Path:
        return build_notebook(tmp_path / "nbs" / name, cells, kernel=kernel)

    return make
