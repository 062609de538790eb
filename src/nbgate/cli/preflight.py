"""``nbgate preflight``: the static checks alone, no kernel (exit 1 on an error finding)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from nbgate.errors import InputError

__all__ = ["command"]


@click.command("preflight")
@click.argument("notebooks", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--repo",
    type=click.Path(file_okay=False, path_type=Path),
    help="The repo's root: where requirements and local modules are looked for "
    "(default: the notebook's folder).",
)
@click.option(
    "--rule",
    "rules",
    multiple=True,
    metavar="NAME=error|warning|off",
    help="Set a rule's severity (repeatable): absolutePaths, undeclaredImports, pipInstall, "
    "parametersCell, syntax.",
)
@click.option(
    "-p",
    "--parameter",
    "parameters",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter the run will pass (checks the 'parameters' cell).",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Findings as lines or as a JSON list.",
)
def command(
    notebooks: tuple[Path, ...],
    repo: Path | None,
    rules: tuple[str, ...],
    parameters: tuple[str, ...],
    output_format: str,
) -> int:
    """Check notebooks before running them: local paths, undeclared imports, pip installs, parameters.

    \b
      nbgate preflight notebooks/train.ipynb --repo .
      nbgate preflight nb.ipynb --rule undeclaredImports=error -p alpha=0.5
    """
    from nbgate.cli._common import parse_parameters
    from nbgate.preflight import format_finding, has_errors, preflight_notebook
    from nbgate.preflight.engine import parse_rule_option, severities

    overrides = dict(parse_rule_option(r) for r in rules)
    severities(overrides)  # unknown rule names fail here, before any notebook is read
    params = parse_parameters(parameters)
    if repo is not None and not repo.is_dir():
        raise InputError(f"--repo {repo} is not a directory: give the repo's root folder")
    findings = []
    for notebook in notebooks:
        if not notebook.is_file():
            raise InputError(f"notebook {notebook} does not exist: check the path")
        findings += preflight_notebook(
            notebook, repo=repo, parameters=params, rules=overrides, label=str(notebook)
        )
    if output_format == "json":
        click.echo(json.dumps([f.to_wire() for f in findings], indent=2))
    else:
        for finding in findings:
            click.echo(format_finding(finding))
        errors = sum(1 for f in findings if f.severity == "error")
        warnings = sum(1 for f in findings if f.severity == "warning")
        click.echo(
            f"nbgate preflight: {len(notebooks)} notebook(s), {errors} error(s), {warnings} warning(s)"
        )
    return 1 if has_errors(findings) else 0
