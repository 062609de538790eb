"""The registry of report formats (pluggable, like papermill's engines and IO handlers).

A writer is ``(run: RunResult, output_dir: Path) -> Path``; it is imported only when its
format is asked for, so a format's dependencies (Jinja2, prometheus_client) stay optional.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from nbgate.errors import InputError
from nbgate.results import RunResult

__all__ = ["WRITERS", "Writer", "get_writer", "register_writer"]

Writer = Callable[[RunResult, Path], Path]

WRITERS: dict[str, str] = {
    "json": "nbgate.report.json_report:write_json_report",
    "junit": "nbgate.report.junit:write_junit_report",
    "markdown": "nbgate.report.markdown:write_markdown_report",
    "html": "nbgate.report.html:write_html_report",
    "metrics": "nbgate.report.metrics:write_metrics_report",
}


def register_writer(name: str, target: str) -> None:
    """Add a format: ``target`` is ``"module:function"``."""
    WRITERS[name] = target


def get_writer(name: str) -> Writer:
    if name not in WRITERS:
        raise InputError(f"unknown report format {name!r}: use one of {', '.join(sorted(WRITERS))}")
    module_name, attr = WRITERS[name].split(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise InputError(
            f"report format {name!r} needs the Python package {exc.name!r}: pip install 'nbgate[report]'"
        ) from None
    writer: Writer = getattr(module, attr)
    return writer
