"""``nbgate execute NOTEBOOK``: execute one notebook with papermill (the ``execute`` step's CLI face).

Exit 0 passed, 1 failed (cell error, timeouts, dead kernel), 2 could not run (missing
kernel, unreadable notebook, bad parameter). One summary line on stderr; with
``--result`` the full ``ExecutionResult`` JSON, with ``--verdict`` the verdict file.
"""

from __future__ import annotations

from pathlib import Path

import click

from nbgate.cli._common import finish_step, parse_parameters, step_outputs
from nbgate.errors import NbgateError, TransientError
from nbgate.execution.request import (
    DEFAULT_CELL_TIMEOUT,
    DEFAULT_DEADLINE,
    DEFAULT_STARTUP_TIMEOUT,
    ExecuteRequest,
)
from nbgate.outcomes import Outcome

__all__ = ["command", "default_output"]


class _DurationType(click.ParamType):  # type: ignore[type-arg]  # generic in newer click stubs
    name = "duration"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> float:
        # Plain seconds need no import: nbgate.durations pulls in pydantic, and everything
        # before the kernel's launch is on the critical path.
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0:
            return float(value)
        if isinstance(value, str):
            try:
                seconds = float(value)
            except ValueError:
                pass
            else:
                if seconds > 0:
                    return seconds
        from nbgate.duration_text import parse_duration

        try:
            return parse_duration(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DURATION = _DurationType()


def default_output(notebook: Path) -> Path:
    """``./<name>`` in the current directory, or ``./<stem>.executed.ipynb`` if that is the input."""
    candidate = Path.cwd() / notebook.name
    if candidate.resolve() == notebook.resolve():
        return Path.cwd() / f"{notebook.stem}.executed{notebook.suffix or '.ipynb'}"
    return candidate


@click.command(name="execute")
@click.argument("notebook", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Executed notebook (default: ./NAME, or ./STEM.executed.ipynb beside the input). "
    "Never the input itself.",
)
@click.option(
    "-p",
    "--parameter",
    "parameters",
    multiple=True,
    metavar="NAME=VALUE",
    help="Papermill parameter (value parsed as YAML). Repeatable.",
)
@click.option(
    "-f",
    "--parameters-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="YAML mapping of parameters (-p wins).",
)
@click.option("--kernel", help="Kernel name (default: the notebook's own kernelspec).")
@click.option(
    "--cell-timeout",
    type=DURATION,
    default=DEFAULT_CELL_TIMEOUT,
    show_default=True,
    help="Per-cell timeout (90, 90s, 10m).",
)
@click.option(
    "--deadline",
    type=DURATION,
    default=DEFAULT_DEADLINE,
    show_default=True,
    help="Whole-notebook deadline, start-up included; enforced.",
)
@click.option(
    "--startup-timeout",
    type=DURATION,
    default=DEFAULT_STARTUP_TIMEOUT,
    show_default=True,
    help="Kernel start-up timeout.",
)
@click.option(
    "--cwd",
    type=click.Path(path_type=Path, file_okay=False),
    help="Kernel working directory (default: the notebook's directory).",
)
@step_outputs
def command(
    *,
    notebook: Path,
    output: Path | None,
    parameters: tuple[str, ...],
    parameters_file: Path | None,
    kernel: str | None,
    cell_timeout: float,
    deadline: float,
    startup_timeout: float,
    cwd: Path | None,
    result_path: Path | None,
    verdict_path: Path | None,
    exit_zero: bool,
) -> int:
    """Execute NOTEBOOK with papermill; write the executed notebook, also on failure."""
    from nbgate.steps.execute import execute

    try:
        request = ExecuteRequest(
            notebook=notebook,
            output_path=output if output is not None else default_output(notebook),
            parameters=parse_parameters(parameters, parameters_file),
            kernel=kernel,
            cell_timeout=cell_timeout,
            deadline=deadline,
            startup_timeout=startup_timeout,
            cwd=cwd,
        )
        result = execute(request)
    except NbgateError as exc:
        # Bad input for this notebook: one line, and the verdict file for cluster mode.
        outcome = Outcome.TRANSIENT_ERROR if isinstance(exc, TransientError) else Outcome.INPUT_ERROR
        click.echo(f"nbgate: error: {exc.message}", err=True)
        return finish_step(
            outcome,
            exc.message,
            result=None,
            result_path=result_path,
            verdict_path=verdict_path,
            exit_zero=exit_zero,
        )
    click.echo(
        f"nbgate execute: {result.outcome.value}: {notebook} → {result.executed_path}"
        + (f": {result.message}" if result.message else ""),
        err=True,
    )
    return finish_step(
        result.outcome,
        result.message,
        result=result.to_wire(),
        result_path=result_path,
        verdict_path=verdict_path,
        exit_zero=exit_zero,
    )
