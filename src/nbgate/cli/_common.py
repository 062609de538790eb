"""Options and helpers every step subcommand shares."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from nbgate.errors import ExitCode, InputError
from nbgate.files import write_atomic
from nbgate.outcomes import Outcome, Verdict, exit_code_for, verdict_for

__all__ = [
    "finish_step",
    "parse_parameters",
    "step_outputs",
    "write_json",
]

F = TypeVar("F", bound=Callable[..., Any])


def step_outputs(func: F) -> F:
    """--result / --verdict / --exit-zero, the same on every step.

    ``--exit-zero`` is the cluster mode: a *validation* failure (exit 1) or a bad input for
    one notebook (exit 2) is written to the verdict file and the step exits 0, so the DAG
    goes on to the report and the final ``nbgate gate`` sets the run's status. Transient
    errors still exit 3, which is what Argo/KFP retry policies retry.
    """
    func = click.option(
        "--exit-zero",
        is_flag=True,
        help="Exit 0 on a validation failure; the verdict file carries it (cluster mode).",
    )(func)
    func = click.option(
        "--verdict",
        "verdict_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the verdict JSON here ({verdict, exitCode, outcome, message}).",
    )(func)
    func = click.option(
        "--result",
        "result_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="Write the step's full result JSON here.",
    )(func)
    return func


def write_json(path: Path, data: Any) -> None:
    write_atomic(path, json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")


def finish_step(
    outcome: Outcome,
    message: str,
    *,
    result: dict[str, Any] | None,
    result_path: Path | None,
    verdict_path: Path | None,
    exit_zero: bool,
) -> int:
    """Write the step's result and verdict artifacts; return the exit code to use."""
    verdict = verdict_for(outcome)
    code = exit_code_for([verdict])
    if result_path is not None and result is not None:
        write_json(result_path, result)
    if verdict_path is not None:
        write_json(
            verdict_path,
            {"verdict": verdict.value, "exitCode": int(code), "outcome": outcome.value, "message": message},
        )
    if exit_zero and verdict in (Verdict.FAILED, Verdict.ERROR):
        return int(ExitCode.PASSED)
    return int(code)


def parse_parameters(pairs: tuple[str, ...], parameters_file: Path | None = None) -> dict[str, Any]:
    """``-p name=value`` pairs (values parsed as YAML scalars, as papermill's -y does)."""
    import yaml

    params: dict[str, Any] = {}
    if parameters_file is not None:
        try:
            loaded = yaml.safe_load(parameters_file.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise InputError(f"cannot read parameters file {parameters_file}: {exc}") from None
        if not isinstance(loaded, dict):
            raise InputError(f"parameters file {parameters_file} must hold a mapping of name: value")
        params.update(loaded)
    for pair in pairs:
        name, sep, raw = pair.partition("=")
        if not sep or not name.strip().isidentifier():
            raise InputError(f"parameter {pair!r} must look like name=value (e.g. -p alpha=0.5)")
        try:
            value = yaml.safe_load(raw) if raw != "" else ""
        except yaml.YAMLError:
            value = raw
        params[name.strip()] = value
    return params
