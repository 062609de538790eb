"""``nbgate train SCRIPT [--output-dir D] [-p k=v …] [--cwd DIR] [--timeout D] [--revision R]``,
or ``nbgate train SCRIPT --emit job|pytorchjob|rayjob --spec SPEC`` for the cluster manifests."""

from __future__ import annotations

from pathlib import Path

import click

from nbgate.cli._common import finish_step, parse_parameters, step_outputs
from nbgate.duration_text import parse_duration
from nbgate.errors import InputError

__all__ = ["command"]


@click.command("train")
@click.argument("script", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("model"), show_default=True
)
@click.option(
    "-p", "--parameter", "parameters", multiple=True, help="Training parameter override name=value."
)
@click.option("--parameters-json", help="Training parameter overrides as a JSON object (Argo/KFP).")
@click.option(
    "--cwd",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Run in this folder (the notebook's).",
)
@click.option("--timeout", default="30m", show_default=True, help="Seconds or a duration.")
@click.option("--revision", help="Model revision name (default: time + digest).")
@click.option("--storage-uri", help="The storageUri this model will be served from (recorded).")
@click.option(
    "--emit", type=click.Choice(["job", "pytorchjob", "rayjob"]), help="Print the cluster manifests instead."
)
@click.option("--spec", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="SPEC for --emit.")
@step_outputs
def command(
    script: Path,
    output_dir: Path,
    parameters: tuple[str, ...],
    parameters_json: str | None,
    cwd: Path | None,
    timeout: str,
    revision: str | None,
    storage_uri: str | None,
    emit: str | None,
    spec: Path | None,
    result_path: Path | None,
    verdict_path: Path | None,
    exit_zero: bool,
) -> int:
    """Run an exported training script; the model and metrics land in --output-dir."""
    params = parse_parameters(parameters)
    if parameters_json:
        import json

        try:
            loaded = json.loads(parameters_json)
        except ValueError as exc:
            raise InputError(f"--parameters-json: not JSON ({exc})") from None
        if not isinstance(loaded, dict):
            raise InputError("--parameters-json must be a JSON object of name: value")
        params = {**loaded, **params}
    if emit:
        if spec is None:
            raise InputError("--emit needs --spec SPEC (the spec with the promote section)")
        import yaml

        from nbgate.cli._promote import load_promote
        from nbgate.promote.cluster import train_manifests

        resource, promote = load_promote(spec)
        docs = train_manifests(
            resource, promote, script.read_text(encoding="utf-8"), revision or "manual", params, runner=emit
        )
        click.echo(yaml.safe_dump_all(docs, sort_keys=False), nl=False)
        return 0
    from nbgate.steps.train import train

    try:
        seconds = parse_duration(timeout)
    except ValueError as exc:
        raise InputError(f"--timeout: {exc}") from None
    result = train(
        script,
        output_dir,
        parameters=params,
        cwd=cwd,
        timeout=seconds,
        revision=revision,
        storage_uri=storage_uri,
    )
    click.echo(result.message)
    return finish_step(
        result.outcome,
        result.message,
        result=result.to_wire(),
        result_path=result_path,
        verdict_path=verdict_path,
        exit_zero=exit_zero,
    )
