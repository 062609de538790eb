"""``nbgate export NOTEBOOK [-o SCRIPT] [--tag T] [--exclude-tag T] [--model-variable V] [--metric M …]
[--branch B [--repo DIR] [--path P]]``."""

from __future__ import annotations

from pathlib import Path

import click

from nbgate.cli._common import finish_step, step_outputs

__all__ = ["command"]


@click.command("export")
@click.argument("notebook", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Script path (default: train.py beside the notebook's stem).",
)
@click.option("--tag", default="train", show_default=True, help="Export the cells with this tag.")
@click.option(
    "--exclude-tag", default="exploration", show_default=True, help="No cell tagged --tag: all but these."
)
@click.option("--model-variable", default="model", show_default=True, help="The variable holding the model.")
@click.option("--metric", "metrics", multiple=True, help="A variable saved as a metric (repeatable).")
@click.option("--branch", help="Also commit the script to this branch (pushed when Git credentials are set).")
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path), help="The checkout to commit in.")
@click.option("--path", "repo_path", help="The script's path in the repo (default train/<stem>.py).")
@step_outputs
def command(
    notebook: Path,
    output: Path | None,
    tag: str,
    exclude_tag: str,
    model_variable: str,
    metrics: tuple[str, ...],
    branch: str | None,
    repo: Path | None,
    repo_path: str | None,
    result_path: Path | None,
    verdict_path: Path | None,
    exit_zero: bool,
) -> int:
    """Turn NOTEBOOK into a training script (parameters as --NAME options, magics dropped)."""
    from nbgate.outcomes import Outcome
    from nbgate.steps.export import export

    target = output or Path(f"{notebook.stem}.py")
    result = export(
        notebook,
        target,
        tag=tag,
        exclude_tag=exclude_tag,
        model_variable=model_variable,
        metrics=list(metrics),
        repo=repo,
        branch=branch,
        repo_path=repo_path,
    )
    message = f"{notebook} → {target} ({result.mode}; cells {result.cells})"
    if result.commit:
        message += f"; committed {result.commit[:12]} on {result.branch}" + (
            " (pushed)" if result.pushed else ""
        )
    click.echo(message)
    return finish_step(
        Outcome.PASSED,
        message,
        result=result.to_wire(),
        result_path=result_path,
        verdict_path=verdict_path,
        exit_zero=exit_zero,
    )
