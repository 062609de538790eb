"""The ``report`` step: write a run's results in every requested format."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from nbgate.report.writers import get_writer
from nbgate.results import RunResult

__all__ = ["report"]


def report(run: RunResult, output_dir: Path, formats: Iterable[str] = ("json", "junit")) -> dict[str, Path]:
    """Write ``run`` to ``output_dir`` in each format; returns format → file written."""
    from nbgate.redact import redact_model

    run = redact_model(run)  # a second line of defence: the execute step already redacted
    output_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name in dict.fromkeys(formats):  # keep order, drop duplicates
        written[name] = get_writer(name)(run, output_dir)
    return written
