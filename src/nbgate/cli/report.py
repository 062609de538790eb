"""``nbgate report``: render reports from step results (the DAG's report step)."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["command"]


@click.command("report")
@click.argument("results", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output-dir", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format",
    "formats",
    multiple=True,
    help="json, junit, html, markdown, metrics (repeatable or comma-separated).",
)
@click.option("--name", default="validation", help="The run's name (spec metadata.name).")
@click.option("--repo", help="Repository URL validated (for the report and audit record).")
@click.option("--revision", help="The ref asked for.")
@click.option("--commit", help="The commit SHA validated.")
@click.option("--run-id", help="The run's id (e.g. the Argo workflow name or KFP run id).")
@click.option("--trigger", default="manual", help="manual, schedule or push.")
@click.option(
    "--verdict",
    "verdict_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the run's verdict JSON here.",
)
def command(
    results: tuple[Path, ...],
    output_dir: Path,
    formats: tuple[str, ...],
    name: str,
    repo: str | None,
    revision: str | None,
    commit: str | None,
    run_id: str | None,
    trigger: str,
    verdict_path: Path | None,
) -> int:
    """Assemble execute/compare/probe results (files or folders) into one report.

    Always exits 0 when the report was written: the verdict is the gate's business.
    """
    from nbgate.report.verdict import write_verdict
    from nbgate.results import SourceInfo
    from nbgate.runner.assemble import notebook_result, run_result, utcnow
    from nbgate.runner.collect import collect
    from nbgate.steps.report import report

    collected = collect(list(results))
    format_list = [f.strip() for item in formats for f in item.split(",") if f.strip()] or ["json", "junit"]
    if collected.runs and not collected.executions:
        run = collected.runs[0]
    else:
        names = sorted(set(collected.executions) | set(collected.comparisons))
        notebooks = [
            notebook_result(nb, collected.executions.get(nb), collected.comparisons.get(nb)) for nb in names
        ]
        starts = [e.started_at for e in collected.executions.values() if e.started_at]
        source = None
        if repo or commit or collected.clone:
            source = SourceInfo(
                kind="git",
                url=repo or (collected.clone.url if collected.clone else None),
                ref=revision or (collected.clone.ref if collected.clone else None),
                commit=commit or (collected.clone.commit if collected.clone else None),
            )
        run = run_result(
            name,
            notebooks,
            started_at=min(starts) if starts else utcnow(),
            run_id=run_id,
            source=source,
            probes=collected.probes,
        )
        from nbgate.logs import audit_record

        run = run.model_copy(
            update={
                "audit": audit_record(
                    run, trigger={"type": trigger} if trigger else None, extra={"runId": run_id}
                )
            }
        )
    written = report(run, output_dir, format_list)
    write_verdict(run, verdict_path or output_dir / "verdict.json")
    for fmt, path in written.items():
        click.echo(f"nbgate: wrote {fmt} report {path}", err=True)
    click.echo(f"nbgate: {run.verdict.value}: {run.message}", err=True)
    return 0
