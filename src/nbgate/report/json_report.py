"""The JSON report: ``RunResult`` as written to ``report.json`` (schema ``nbgate.dev/report/v1``)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from nbgate.results import RunResult

__all__ = ["write_json_report"]


def write_json_report(run: RunResult, output_dir: Path) -> Path:
    path = output_dir / "report.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(run.to_wire(), indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
