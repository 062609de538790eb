"""``nbgate serve SPEC --storage-uri URI [--revision R] [--dry-run [--current ISVC.json]]``."""

from __future__ import annotations

from pathlib import Path

import click

from nbgate.cli._common import finish_step, step_outputs

__all__ = ["command"]


@click.command("serve")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--storage-uri", required=True, help="Where the model is (pvc://…, s3://…).")
@click.option("--revision", default="", help="Model revision (annotation on the InferenceService).")
@click.option("--dry-run", is_flag=True, help="Print the create/patch; send nothing.")
@click.option(
    "--current",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With --dry-run: the live InferenceService (JSON/YAML).",
)
@step_outputs
def command(
    spec: Path,
    storage_uri: str,
    revision: str,
    dry_run: bool,
    current: Path | None,
    result_path: Path | None,
    verdict_path: Path | None,
    exit_zero: bool,
) -> int:
    """Create the InferenceService, or roll the model out as a canary (RawDeployment: a candidate)."""
    import json

    from nbgate.cli._promote import load_object, load_promote
    from nbgate.outcomes import Outcome
    from nbgate.steps.serve import serve

    _, promote = load_promote(spec)
    result = serve(
        promote, storage_uri, revision=revision, apply=not dry_run, current=load_object(current, "--current")
    )
    message = f"{result.action} {result.inference_service} ({result.mode})"
    click.echo(message)
    click.echo(json.dumps(result.body, indent=2))
    return finish_step(
        Outcome.PASSED,
        message,
        result=result.to_wire(),
        result_path=result_path,
        verdict_path=verdict_path,
        exit_zero=exit_zero,
    )
