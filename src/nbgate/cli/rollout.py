"""``nbgate rollout SPEC [--scraps EXECUTED] [--storage-uri URI] [--revision R] [--url URL]
[--dry-run [--current ISVC.json]]``."""

from __future__ import annotations

from pathlib import Path

import click

from nbgate.cli._common import finish_step, step_outputs

__all__ = ["command"]


@click.command("rollout")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--scraps",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Notebook with the recorded predictions.",
)
@click.option("--storage-uri", help="The candidate's storageUri (RawDeployment promote).")
@click.option("--revision", default="", help="Model revision (annotation).")
@click.option("--url", help="Probe this URL instead of the canary's tag-routed one.")
@click.option("--dry-run", is_flag=True, help="Decide and print the patch; send nothing.")
@click.option(
    "--current",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With --dry-run: the live InferenceService.",
)
@step_outputs
def command(
    spec: Path,
    scraps: Path | None,
    storage_uri: str | None,
    revision: str,
    url: str | None,
    dry_run: bool,
    current: Path | None,
    result_path: Path | None,
    verdict_path: Path | None,
    exit_zero: bool,
) -> int:
    """Probe the canary; promote it to 100% on pass, roll back to the previous revision on fail."""
    import json

    from nbgate.cli._promote import load_object, load_promote
    from nbgate.outcomes import Outcome
    from nbgate.steps.rollout import rollout

    _, promote = load_promote(spec)
    result = rollout(
        promote,
        scraps=scraps,
        candidate_uri=storage_uri,
        revision=revision,
        apply=not dry_run,
        url=url,
        current=load_object(current, "--current"),
    )
    click.echo(f"{result.decision}: {result.reason}")
    if result.plan:
        click.echo(json.dumps(result.plan, indent=2))
    if result.decision == "none":
        outcome = result.candidate.outcome if result.candidate else Outcome.TRANSIENT_ERROR
    else:
        outcome = Outcome.PASSED if result.decision == "promote" else Outcome.MISMATCH
    return finish_step(
        outcome,
        f"{result.decision}: {result.reason}",
        result=result.to_wire(),
        result_path=result_path,
        verdict_path=verdict_path,
        exit_zero=exit_zero,
    )
