"""The nightly CronWorkflow: the validation template with the ``full`` parameter set."""

from __future__ import annotations

from hera.workflows import CronWorkflow
from hera.workflows import models as m

from nbgate.argo.settings import versioned

__all__ = ["nightly"]


def nightly(
    repo: str,
    *,
    revision: str = "",
    parameters_json: str = "{}",
    schedule: str = "0 2 * * *",
    timezone: str = "UTC",
    namespace: str | None = None,
) -> CronWorkflow:
    """Validate ``repo`` every night; a run still going when the next is due keeps going (Forbid)."""
    values = {
        "repo": repo,
        "revision": revision,
        "trigger": "schedule",
        "parameter-set": "full",
        "parameters": parameters_json,
    }
    return CronWorkflow(
        name="nbgate-nightly",
        namespace=namespace,
        labels={"app.kubernetes.io/part-of": "nbgate"},
        schedules=[schedule],
        timezone=timezone,
        concurrency_policy="Forbid",
        starting_deadline_seconds=3600,
        successful_jobs_history_limit=3,
        failed_jobs_history_limit=7,
        workflow_template_ref=m.WorkflowTemplateRef(name=versioned("validate")),
        arguments=m.Arguments(parameters=[m.Parameter(name=k, value=v) for k, v in values.items()]),
    )
