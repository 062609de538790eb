"""The ``compare`` step: an executed notebook against its golden.

The engine lives in :mod:`nbgate.compare`; this is the typed step function every runner calls.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbgate.compare.engine import compare_notebooks
from nbgate.compare.options import CompareOptions
from nbgate.results import CompareResult

__all__ = ["compare"]


def compare(
    executed: Path | Any,
    golden: Path | Any,
    options: CompareOptions | None = None,
    *,
    notebook: str | None = None,
    golden_name: str | None = None,
) -> CompareResult:
    """Compare ``executed`` with ``golden`` (paths or in-memory notebooks, e.g. NotebookNode).

    Returns a result with outcome ``passed`` or ``mismatch``; an unreadable notebook, a bad
    option or tag raises :class:`nbgate.errors.InputError`.
    """
    return compare_notebooks(executed, golden, options, notebook=notebook, golden_name=golden_name)
