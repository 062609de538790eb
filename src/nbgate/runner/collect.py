"""Read step-result artifacts back (as the cluster's report step receives them).

Each file is one step's ``--result`` JSON; its kind is recognised by its shape, so the
report step needs no extra bookkeeping from the DAG: clone (``checkoutDir``), execute
(``cells`` + ``kernel``), compare (``golden``), probe (``endpoint``, or a list of them),
or a whole run (``apiVersion: nbgate.dev/report/v1``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from nbgate.errors import InputError
from nbgate.results import (
    REPORT_API_VERSION,
    CloneResult,
    CompareResult,
    ExecutionResult,
    ProbeResult,
    RunResult,
)

__all__ = ["Collected", "collect"]


@dataclass
class Collected:
    executions: dict[str, ExecutionResult] = field(default_factory=dict)
    comparisons: dict[str, CompareResult] = field(default_factory=dict)
    probes: list[ProbeResult] = field(default_factory=list)
    clone: CloneResult | None = None
    runs: list[RunResult] = field(default_factory=list)


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.json") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(
                f"result {path} does not exist: pass the step result files (--result) or their folder"
            )
    return files


def _add(collected: Collected, data: Any, path: Path) -> None:
    if isinstance(data, list):
        for item in data:
            _add(collected, item, path)
        return
    if not isinstance(data, dict):
        return
    if data.get("apiVersion") == REPORT_API_VERSION:
        collected.runs.append(RunResult.model_validate(data))
    elif "checkoutDir" in data:
        collected.clone = CloneResult.model_validate(data)
    elif "endpoint" in data and "platform" in data:
        collected.probes.append(ProbeResult.model_validate(data))
    elif "golden" in data and "notebook" in data:
        result = CompareResult.model_validate(data)
        collected.comparisons[result.notebook] = result
    elif "notebook" in data and "outcome" in data and "cells" in data:
        execution = ExecutionResult.model_validate(data)
        collected.executions[execution.notebook] = execution
    # Anything else (verdict files, notebook lists) is not a result: ignored on purpose.


def collect(paths: list[Path]) -> Collected:
    collected = Collected()
    for path in _files(paths):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(
                f"result {path} is not readable JSON ({exc}): pass the files written by --result"
            ) from None
        try:
            _add(collected, data, path)
        except ValidationError as exc:
            first = exc.errors()[0]
            loc = ".".join(str(p) for p in first["loc"])
            raise InputError(f"result {path} is not a valid nbgate result ({loc}: {first['msg']})") from None
    return collected
