"""The JSON report: ``RunResult`` as written to ``report.json`` (schema ``nbgate.dev/report/v1``)."""

from __future__ import annotations

import json
from pathlib import Path

from nbgate.files import write_atomic
from nbgate.results import RunResult

__all__ = ["write_json_report"]


def write_json_report(run: RunResult, output_dir: Path) -> Path:
    return write_atomic(output_dir / "report.json", json.dumps(run.to_wire(), indent=2) + "\n")
