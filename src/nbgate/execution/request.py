"""What the execute step is asked to do, and what it reports while it runs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from nbgate.outcomes import Outcome

__all__ = [
    "DEFAULT_CELL_TIMEOUT",
    "DEFAULT_DEADLINE",
    "DEFAULT_STARTUP_TIMEOUT",
    "ExecuteRequest",
    "ProgressEvent",
    "ProgressState",
]

# The spec's defaults (timeouts.cell / timeouts.notebook / timeouts.startup).
DEFAULT_CELL_TIMEOUT = 600.0
DEFAULT_DEADLINE = 3600.0
DEFAULT_STARTUP_TIMEOUT = 60.0


@dataclass(frozen=True)
class ExecuteRequest:
    """One notebook to execute.

    ``kernel=None`` uses the notebook's own kernelspec; ``cwd=None`` runs the kernel in the
    notebook's directory; ``cell_timeout``/``deadline``/``startup_timeout`` are seconds
    (``None`` switches a limit off). ``env`` is added to the kernel's environment only.
    ``scratch_dir`` holds the kernel's connection file and log (a temporary directory,
    removed afterwards, when ``None``): in a pod it is the writable scratch volume.
    """

    notebook: Path
    output_path: Path
    parameters: Mapping[str, Any] = field(default_factory=dict)
    kernel: str | None = None
    cell_timeout: float | None = DEFAULT_CELL_TIMEOUT
    deadline: float | None = DEFAULT_DEADLINE
    startup_timeout: float = DEFAULT_STARTUP_TIMEOUT
    cwd: Path | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    scratch_dir: Path | None = None


ProgressState = Literal["starting", "running", "cell_done", "finished"]


@dataclass(frozen=True)
class ProgressEvent:
    """A tick for the live terminal display: which notebook, which cell, how long so far.

    ``cell_index`` is the cell's position in the executed notebook (``None`` while the
    kernel starts); ``cell_count`` counts all its cells. ``outcome`` is set on ``finished``.
    """

    notebook: str
    state: ProgressState
    cell_index: int | None
    cell_count: int
    elapsed_seconds: float
    outcome: Outcome | None = None
