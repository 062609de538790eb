"""``nbgate compare EXECUTED GOLDEN``: golden comparison of two already-executed notebooks.

Prints a readable diff; exit 0 when they match, 1 on a mismatch, 2 on bad input.
``--update-golden`` rewrites GOLDEN from EXECUTED (see :mod:`nbgate.compare.golden` for when
that is refused) and exits 0.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from nbgate.cli._common import finish_step, step_outputs
from nbgate.errors import InputError
from nbgate.outcomes import Outcome

__all__ = ["command"]


def _load_options(path: Path | None, overrides: dict[str, Any]) -> Any:
    from pydantic import ValidationError

    from nbgate.compare.options import CompareOptions

    data: dict[str, Any] = {}
    if path is not None:
        import yaml

        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise InputError(f"cannot read compare options file {path}: {exc}") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise InputError(f"compare options file {path} must hold a mapping (the spec's compare: section)")
        if isinstance(loaded.get("compare"), dict) and len(loaded) == 1:
            loaded = loaded["compare"]  # accept the section with its key too
        sanitize_file = loaded.get("sanitizeFile", loaded.get("sanitize_file"))
        if isinstance(sanitize_file, str) and not Path(sanitize_file).is_absolute():
            loaded["sanitizeFile"] = str((path.parent / sanitize_file).resolve())
            loaded.pop("sanitize_file", None)
        data.update(loaded)
    for key, value in overrides.items():
        if value is not None:
            data[key] = value
    try:
        return CompareOptions.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        source = f"compare options file {path}" if path else "compare options"
        raise InputError(f"{source}: {where}: {first['msg']}") from None


@click.command("compare")
@click.argument("executed", type=click.Path(dir_okay=True, path_type=Path))
@click.argument("golden", type=click.Path(dir_okay=True, path_type=Path))
@click.option("--rtol", type=click.FloatRange(min=0), help="Relative tolerance (default 1e-6).")
@click.option("--atol", type=click.FloatRange(min=0), help="Absolute tolerance (default 1e-9).")
@click.option(
    "--options",
    "options_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="YAML file with the spec's compare: section.",
)
@click.option("--ignore-stderr/--compare-stderr", default=None, help="Ignore stderr (default) or compare it.")
@click.option(
    "--sanitizer-file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="nbval sanitize file (regex:/replace: line pairs).",
)
@click.option("--lax", is_flag=True, default=None, help="nbval lax mode: only NBVAL_CHECK_OUTPUT cells.")
@click.option("--update-golden", is_flag=True, help="Rewrite GOLDEN from EXECUTED (only from a clean run).")
@click.option("--color/--no-color", default=None, help="Colour the diff (default: when a terminal).")
@step_outputs
def command(
    executed: Path,
    golden: Path,
    rtol: float | None,
    atol: float | None,
    options_file: Path | None,
    ignore_stderr: bool | None,
    sanitizer_file: Path | None,
    lax: bool | None,
    update_golden: bool,
    color: bool | None,
    result_path: Path | None,
    verdict_path: Path | None,
    exit_zero: bool,
) -> int:
    """Compare EXECUTED with GOLDEN; print the differences."""
    try:
        return _run(
            executed,
            golden,
            overrides={
                "rtol": rtol,
                "atol": atol,
                "ignoreStderr": ignore_stderr,
                "sanitizeFile": str(sanitizer_file.resolve()) if sanitizer_file else None,
                "lax": lax,
            },
            options_file=options_file,
            update_golden=update_golden,
            color=sys.stdout.isatty() if color is None else color,
            result_path=result_path,
            verdict_path=verdict_path,
            exit_zero=exit_zero,
        )
    except InputError as exc:
        click.echo(f"nbgate: error: {exc.message}", err=True)
        return finish_step(
            Outcome.INPUT_ERROR,
            exc.message,
            result=None,
            result_path=None,
            verdict_path=verdict_path,
            exit_zero=exit_zero,
        )


def _run(
    executed: Path,
    golden: Path,
    *,
    overrides: dict[str, Any],
    options_file: Path | None,
    update_golden: bool,
    color: bool,
    result_path: Path | None,
    verdict_path: Path | None,
    exit_zero: bool,
) -> int:
    from nbgate.compare.golden import update_golden as rewrite_golden
    from nbgate.compare.render import render_text
    from nbgate.steps.compare import compare

    options = _load_options(options_file, overrides)
    if update_golden and not golden.exists():
        rewrite_golden(executed, golden)
        message = f"golden {golden} created from {executed}"
        click.echo(message)
        return finish_step(
            Outcome.PASSED,
            message,
            result=None,
            result_path=None,
            verdict_path=verdict_path,
            exit_zero=exit_zero,
        )
    result = compare(executed, golden, options, notebook=str(executed), golden_name=str(golden))
    click.echo(render_text(result, color=color), nl=False)
    if update_golden:
        rewrite_golden(executed, golden)
        before = "matched" if result.outcome == Outcome.PASSED else f"differed ({result.message})"
        message = f"golden {golden} updated from {executed}; before the update it {before}"
        click.echo(message)
        result = result.model_copy(update={"outcome": Outcome.PASSED, "message": message})
    return finish_step(
        result.outcome,
        result.message,
        result=result.to_wire(),
        result_path=result_path,
        verdict_path=verdict_path,
        exit_zero=exit_zero,
    )
