"""``nbgate run``: the whole validation DAG locally, from a spec file or ad-hoc flags."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from nbgate.duration_text import parse_duration
from nbgate.errors import InputError

__all__ = ["command"]


def _duration(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise InputError(f"--{param.name.replace('_', '-') if param.name else 'duration'}: {exc}") from None


@click.command("run")
@click.argument("spec", required=False, type=click.Path(path_type=Path))
@click.option(
    "--notebook",
    "notebooks",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Ad-hoc: a notebook to validate (repeatable); no spec file needed.",
)
@click.option(
    "--golden", type=click.Path(path_type=Path), help="Ad-hoc: the golden notebook to compare with."
)
@click.option(
    "-p",
    "--parameter",
    "parameters",
    multiple=True,
    metavar="NAME=VALUE",
    help="Papermill parameter (repeatable); overrides the spec's.",
)
@click.option("--parameter-set", help="Use this named set from spec.parameterSets (e.g. smoke, full).")
@click.option("--kernel", help="Kernel name (default: the spec's, else each notebook's own).")
@click.option("--cell-timeout", callback=_duration, help="Per-cell timeout, e.g. 90s or 10m.")
@click.option("--deadline", callback=_duration, help="Whole-notebook deadline, e.g. 1h.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), help="Notebooks at once (default: cores).")
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where executed notebooks and reports go (default: spec.report.outputDir).",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    help="Report formats: json, junit, html, markdown, metrics (repeatable or comma-separated).",
)
@click.option("-q", "--quiet", is_flag=True, help="No live progress; only the summary.")
@click.option(
    "--verdict",
    "verdict_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the run's verdict JSON here.",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 on a validation failure (cluster mode).")
@click.option(
    "--clean-env",
    is_flag=True,
    default=None,
    help="Execute in a clean environment built from the repo's declared requirements only.",
)
@click.option(
    "--preflight/--no-preflight",
    default=None,
    help="Run (or skip) the static pre-flight checks before execution (default: spec.preflight).",
)
@click.option(
    "--log-format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Log records as text or as one JSON object per line (for log collectors).",
)
def command(
    spec: Path | None,
    notebooks: tuple[Path, ...],
    golden: Path | None,
    parameters: tuple[str, ...],
    parameter_set: str | None,
    kernel: str | None,
    cell_timeout: float | None,
    deadline: float | None,
    jobs: int | None,
    output_dir: Path | None,
    formats: tuple[str, ...],
    quiet: bool,
    verdict_path: Path | None,
    exit_zero: bool,
    log_format: str,
    clean_env: bool | None = None,
    preflight: bool | None = None,
) -> int:
    """Validate notebooks locally: clone → execute → compare → probe → report.

    \b
      nbgate run validation.yaml
      nbgate run --notebook nb.ipynb --golden golden.ipynb -p alpha=0.5
    """
    if notebooks and spec is None and not clean_env:
        # Boot the kernel(s) now, while the rest of nbgate imports (see execution.prelaunch).
        from nbgate.execution.prelaunch import prelaunch

        for notebook in notebooks[: jobs or 2]:
            prelaunch(notebook, kernel)

    from nbgate.cli._common import parse_parameters
    from nbgate.logs import setup_logging
    from nbgate.runner.local import RunOptions, run_local

    setup_logging(log_format)
    from nbgate.runner.summary import print_summary

    params = parse_parameters(parameters)
    if spec is not None and notebooks:
        raise InputError("give either a spec file or --notebook, not both")
    if spec is None and not notebooks:
        raise InputError(
            "nothing to run: give a spec file (nbgate run validation.yaml) or --notebook NB.ipynb"
        )
    if spec is not None:
        from nbgate.spec.load import load_spec

        loaded = load_spec(spec)
        if golden is not None:
            raise InputError("--golden is for ad-hoc runs with --notebook; in a spec use spec.golden.path")
    else:
        from nbgate.spec.adhoc import spec_from_flags

        loaded = spec_from_flags(list(notebooks), golden=golden, parameters={})
    for warning in loaded.warnings:
        click.echo(f"nbgate: warning: {warning}", err=True)

    resource = loaded.resource
    overrides: dict[str, object] = {}
    if params:
        overrides["parameters"] = {**resource.spec.parameters, **params}
    if kernel:
        overrides["kernel"] = kernel
    timeouts = resource.spec.timeouts
    if cell_timeout is not None:
        timeouts = timeouts.model_copy(update={"cell": cell_timeout})
    if deadline is not None:
        timeouts = timeouts.model_copy(update={"notebook": deadline})
    overrides["timeouts"] = timeouts
    if clean_env:
        overrides["environment"] = resource.spec.environment.model_copy(update={"clean": True})
    if preflight is not None:
        overrides["preflight"] = resource.spec.preflight.model_copy(update={"enabled": preflight})
    resource = resource.model_copy(update={"spec": resource.spec.model_copy(update=overrides)})

    format_list = [f.strip() for item in formats for f in item.split(",") if f.strip()] or None
    out = output_dir or Path(resource.spec.report.output_dir)
    run = run_local(
        resource,
        RunOptions(
            output_dir=out,
            base_dir=loaded.base_dir,
            jobs=jobs,
            parameter_set=parameter_set,
            formats=format_list,
            quiet=quiet,
        ),
    )
    print_summary(run, out, stream=sys.stdout)
    if verdict_path is not None:
        from nbgate.report.verdict import write_verdict

        write_verdict(run, verdict_path)
    if exit_zero and run.exit_code in (1, 2):
        return 0
    return run.exit_code
