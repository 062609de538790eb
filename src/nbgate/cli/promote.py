"""``nbgate promote SPEC [-o DIR] [-p k=v …] [--no-validate] [--scraps EXECUTED]``: the whole loop
locally — validate, export, train, serve on a real model server (127.0.0.1), probe, promote or
roll back — writing ``promotion.json`` to the output folder."""

from __future__ import annotations

from pathlib import Path

import click

from nbgate.cli._common import finish_step, parse_parameters, step_outputs
from nbgate.errors import InputError

__all__ = ["command"]


@click.command("promote")
@click.argument("spec", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Default: <report.outputDir>/promote.",
)
@click.option(
    "-p", "--parameter", "parameters", multiple=True, help="Training parameter override name=value."
)
@click.option(
    "--validate/--no-validate", default=True, show_default=True, help="Validate the notebook first."
)
@click.option(
    "--scraps",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Notebook with the recorded predictions.",
)
@step_outputs
def command(
    spec: Path,
    output_dir: Path | None,
    parameters: tuple[str, ...],
    validate: bool,
    scraps: Path | None,
    result_path: Path | None,
    verdict_path: Path | None,
    exit_zero: bool,
) -> int:
    """Run notebook → train → serve → probe → promote/roll back on this machine."""
    from nbgate.cli._common import write_json
    from nbgate.cli._promote import load_promote
    from nbgate.promote.local import LocalOptions, promote_local
    from nbgate.promote.mlserver import LocalModelServer

    resource, _ = load_promote(spec)
    if resource.spec.source.local is None:
        raise InputError(
            f"{spec}: nbgate promote runs on spec.source.local (clone first, or run it in a cluster)"
        )
    root = (spec.parent / resource.spec.source.local).resolve()
    out = output_dir or root / resource.spec.report.output_dir / "promote"
    opts = LocalOptions(
        source_root=root,
        output_dir=out.resolve(),
        parameters=parse_parameters(parameters),
        validate=validate,
        scraps=scraps,
    )
    with LocalModelServer(opts.output_dir / "server") as server:
        result = promote_local(resource, opts, server)
    wire = result.to_wire()
    write_json(opts.output_dir / "promotion.json", wire)
    if result.rollout is not None:
        click.echo(f"{result.rollout.decision}: " + "; ".join(result.rollout.actions))
    click.echo(
        f"nbgate promote: {result.verdict.value.upper()}: {result.message} — "
        f"report in {opts.output_dir}/promotion.json"
    )
    return finish_step(
        result.outcome,
        result.message,
        result=wire,
        result_path=result_path,
        verdict_path=verdict_path,
        exit_zero=exit_zero,
    )
