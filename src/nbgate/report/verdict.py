"""The run's verdict file, the artifact ``nbgate gate`` reads."""

from __future__ import annotations

import json
import os
from pathlib import Path

from nbgate.results import RunResult

__all__ = ["write_verdict"]


def write_verdict(run: RunResult, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "verdict": run.verdict.value,
        "exitCode": run.exit_code,
        "outcome": "passed" if run.exit_code == 0 else "failed",
        "message": run.message,
        "counts": run.counts,
    }
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
