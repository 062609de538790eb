"""The ``report`` component: the run's reports, rendered by the KFP UI.

Caching: off — a report records a run (its id, its time); its inputs are fresh each run.
"""

from kfp import dsl
from kfp.dsl import HTML, Artifact, Input, Markdown, Metrics, Output

from nbgate.kfp.images import image_for

__all__ = ["report_op"]


@dsl.component(base_image=image_for("report"), install_kfp_package=False)  # type: ignore[untyped-decorator]
def report_op(
    executions: Input[list[Artifact]],
    comparisons: Input[list[Artifact]],
    probes: Input[Artifact],
    clone_result: Input[Artifact],
    reports: Output[Artifact],
    report_json: Output[Artifact],
    html: Output[HTML],
    markdown: Output[Markdown],
    metrics: Output[Metrics],
    verdict: Output[Artifact],
    name: str = "validation",
    repo: str = "",
    revision: str = "",
    commit: str = "",
    run_id: str = "",
    formats: list[str] = ["json", "junit"],  # noqa: B006 — KFP takes literal defaults
) -> str:
    """Assemble every step result into one report: ``reports`` (a folder with every
    format: report.json, junit.xml…), ``report_json``, ``html`` and ``markdown`` (rendered
    in the KFP UI), ``metrics`` (total, passed, failed, errors, pass_rate) and the run's
    ``verdict`` file for the gate. Returns the run's verdict. Never fails on a verdict."""
    from nbgate.kfp.runtime import run_report

    results = [a.path for a in executions] + [a.path for a in comparisons] + [probes.path, clone_result.path]
    return run_report(
        results=results, name=name, repo=repo, revision=revision, commit=commit,
        run_id=run_id, formats=formats,
        report_dir=reports.path, report_json=report_json.path, html=html.path,
        markdown=markdown.path, verdict=verdict.path, log_metric=metrics.log_metric,
    )  # fmt: skip
