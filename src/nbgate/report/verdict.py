"""The run's verdict file, the artifact ``nbgate gate`` reads."""

from __future__ import annotations

import json
from pathlib import Path

from nbgate.files import write_atomic
from nbgate.results import RunResult

__all__ = ["write_verdict"]


def write_verdict(run: RunResult, path: Path) -> Path:
    data = {
        "verdict": run.verdict.value,
        "exitCode": run.exit_code,
        "outcome": "passed" if run.exit_code == 0 else "failed",
        "message": run.message,
        "counts": run.counts,
    }
    return write_atomic(path, json.dumps(data, indent=2) + "\n")
