"""``nbgate probe SPEC [--endpoint NAME …] [--scraps EXECUTED] [--deadline D]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from nbgate.cli._common import finish_step, step_outputs
from nbgate.duration_text import parse_duration
from nbgate.errors import InputError

__all__ = ["command", "load_endpoints"]


def _load_spec(path: Path) -> Any:
    """The spec resource (nbgate's own kind or the operator's NotebookValidationJob)."""
    from nbgate.spec.load import load_spec

    return load_spec(path).resource


def load_endpoints(path: Path, names: tuple[str, ...]) -> list[Any]:
    endpoints = list(_load_spec(path).spec.endpoints)
    if names:
        known = {e.name for e in endpoints}
        missing = [n for n in names if n not in known]
        if missing:
            raise InputError(
                f"--endpoint {', '.join(missing)}: not in {path} (has {', '.join(sorted(known))})"
            )
        endpoints = [e for e in endpoints if e.name in names]
    if not endpoints:
        raise InputError(f"spec {path} has no spec.endpoints to probe")
    return endpoints


@click.command("probe")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--endpoint", "names", multiple=True, help="Probe only this endpoint (repeatable).")
@click.option(
    "--scraps",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Executed notebook whose scraps feed the consistency check.",
)
@click.option("--deadline", help="Deadline for the whole probe: seconds or a duration (90s, 5m).")
@step_outputs
def command(
    spec: Path,
    names: tuple[str, ...],
    scraps: Path | None,
    deadline: str | None,
    result_path: Path | None,
    verdict_path: Path | None,
    exit_zero: bool,
) -> int:
    """Probe the model endpoints of SPEC: health, metadata, golden, consistency, latency."""
    from nbgate.steps.probe import probe, worst_outcome

    try:
        seconds = parse_duration(deadline) if deadline is not None else None
    except ValueError as exc:
        raise InputError(f"--deadline: {exc}") from None
    results = probe(load_endpoints(spec, names), scraps=scraps, deadline=seconds)
    for r in results:
        click.echo(f"{r.endpoint}: {r.outcome.value}")
        for c in r.checks:
            mark = "ok " if c.passed else "FAIL"
            click.echo(f"  {mark} {c.name} [{c.outcome.value}] {c.duration_seconds or 0:.3f}s  {c.message}")
        if not r.checks and r.message:
            click.echo(f"  {r.message}")
    outcome = worst_outcome([r.outcome for r in results])
    failed = [r.message for r in results if r.outcome.value != "passed"]
    message = "; ".join(failed) if failed else f"{len(results)} endpoint(s) passed"
    return finish_step(
        outcome,
        message,
        result={"probes": [r.to_wire() for r in results]},
        result_path=result_path,
        verdict_path=verdict_path,
        exit_zero=exit_zero,
    )
