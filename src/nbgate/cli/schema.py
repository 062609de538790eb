"""``nbgate schema``: the spec's (or the report's) JSON Schema, and ``--check SPEC``.

    nbgate schema                    # JSON Schema of a NotebookValidation spec
    nbgate schema --report -o r.json # JSON Schema of report.json (RunResult)
    nbgate schema --check spec.yaml  # load a spec (nbgate or operator CR): OK, or the error, exit 2

The published copies live in ``docs/schema/`` (regenerate: ``NBGATE_UPDATE_GOLDEN=1 pytest tests/spec``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

__all__ = ["command", "report_schema", "spec_schema"]

_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def spec_schema() -> dict[str, Any]:
    """The JSON Schema of ``NotebookValidation`` (camelCase, as written in spec files)."""
    from nbgate.spec.model import NotebookValidation

    schema = NotebookValidation.model_json_schema(by_alias=True)
    return {"$schema": _DRAFT, **schema}


def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``report.json`` (``RunResult``)."""
    from nbgate.results import RunResult

    schema = RunResult.model_json_schema(by_alias=True)
    return {"$schema": _DRAFT, **schema}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


@click.command("schema")
@click.option(
    "--report", "report", is_flag=True, help="The report's schema (report.json) instead of the spec's."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the schema here (default: stdout).",
)
@click.option(
    "--check",
    "check",
    metavar="SPEC",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Load SPEC (a NotebookValidation or the operator's NotebookValidationJob) and print OK, "
    "or the one-line error with exit 2. Warnings name the fields nbgate cannot honour.",
)
def command(report: bool, output: Path | None, check: Path | None) -> int:
    """Print the JSON Schema of a spec (or, with --report, of report.json); or check a spec."""
    if check is not None:
        from nbgate.spec.load import load_spec

        loaded = load_spec(check)
        for warning in loaded.warnings:
            click.echo(f"nbgate: warning: {warning}", err=True)
        kind = "NotebookValidationJob" if loaded.origin == "operator" else "NotebookValidation"
        noun = "warning" if len(loaded.warnings) == 1 else "warnings"
        click.echo(f"OK: {check} ({kind} {loaded.resource.metadata.name!r}, {len(loaded.warnings)} {noun})")
        return 0
    text = render(report_schema() if report else spec_schema())
    if output is None:
        click.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    return 0
