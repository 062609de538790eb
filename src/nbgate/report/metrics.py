"""Metrics of a run: Prometheus text exposition, a Pushgateway push, and Argo template metrics.

A validation run is a batch job, so its figures are *pushed* (a Pushgateway keeps the last
push per grouping key ``{job="nbgate", validation=<spec name>}``) or written to ``metrics.prom``
(the node-exporter textfile collector reads that). Metric names (Prometheus conventions:
base units, ``_total`` for counters):

==========================================  =========  =================================================
name                                        type       labels / meaning
==========================================  =========  =================================================
``nbgate_validations_total``                counter    ``result`` (verdict), ``notebook``: 1 per notebook
``nbgate_validation_duration_seconds``      gauge      ``notebook``: execute + compare time
``nbgate_cell_duration_seconds``            histogram  ``notebook``: one observation per executed cell
``nbgate_probe_latency_seconds``            gauge      ``endpoint``, ``quantile`` (0.5/0.95/0.99)
``nbgate_probe_check_duration_seconds``     gauge      ``endpoint``, ``check``
``nbgate_probe_checks_total``               counter    ``endpoint``, ``result`` (passed/failed)
``nbgate_run_duration_seconds``             gauge      the whole run
``nbgate_run_verdict``                      gauge      ``verdict``: 1 for the run's verdict, 0 for the others
``nbgate_run_notebooks``                    gauge      ``outcome``: notebooks per outcome
``nbgate_run_in_progress``                  gauge      1 between ``push_run_started`` and the final push
``nbgate_run_started_timestamp_seconds``    gauge      Unix time the run started
``nbgate_last_run_timestamp_seconds``       gauge      Unix time the run finished
==========================================  =========  =================================================

Every series also carries ``validation`` (the spec's ``metadata.name``) as a label in the text
file, and as a grouping key on the Pushgateway.

``NBGATE_PUSHGATEWAY_URL`` (e.g. ``http://pushgateway.monitoring:9091``) makes the ``metrics``
report format push as well as write the file; a failed push is logged, not fatal (the report
matters more than its metrics). ``push_metrics`` raises ``TransientError`` for callers that care.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbgate.errors import InputError, TransientError
from nbgate.files import write_atomic
from nbgate.outcomes import Outcome, Verdict

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from nbgate.results import RunResult

__all__ = [
    "CELL_BUCKETS",
    "JOB",
    "PUSHGATEWAY_ENV",
    "argo_metrics_spec",
    "build_registry",
    "push_metrics",
    "push_run_started",
    "render_metrics",
    "write_metrics_report",
]

_LOG = logging.getLogger("nbgate.report.metrics")

JOB = "nbgate"
PUSHGATEWAY_ENV = "NBGATE_PUSHGATEWAY_URL"
# Cells run from milliseconds to the 1 h default notebook deadline.
CELL_BUCKETS = (0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 300.0, 600.0, 1800.0, 3600.0)
_QUANTILES = {"p50": "0.5", "p95": "0.95", "p99": "0.99"}


def _child(metric: Any, values: list[str]) -> Any:
    # A metric without labels has no .labels(): the Pushgateway carries ``validation`` as a
    # grouping key instead.
    return metric.labels(*values) if values else metric


def build_registry(run: RunResult, *, with_validation_label: bool = True) -> CollectorRegistry:
    """A fresh registry holding ``run``'s figures (nothing global is touched)."""
    from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

    registry = CollectorRegistry()
    base = ["validation"] if with_validation_label else []
    base_values = [run.name] if with_validation_label else []

    validations = Counter(
        "nbgate_validations",
        "Notebook validations by result (verdict).",
        [*base, "result", "notebook"],
        registry=registry,
    )
    duration = Gauge(
        "nbgate_validation_duration_seconds",
        "Time to execute and compare a notebook.",
        [*base, "notebook"],
        registry=registry,
    )
    cells = Histogram(
        "nbgate_cell_duration_seconds",
        "Execution time of each code cell.",
        [*base, "notebook"],
        buckets=CELL_BUCKETS,
        registry=registry,
    )
    latency = Gauge(
        "nbgate_probe_latency_seconds",
        "Endpoint latency percentiles measured by the probe.",
        [*base, "endpoint", "quantile"],
        registry=registry,
    )
    check_duration = Gauge(
        "nbgate_probe_check_duration_seconds",
        "Duration of each endpoint probe check.",
        [*base, "endpoint", "check"],
        registry=registry,
    )
    checks = Counter(
        "nbgate_probe_checks",
        "Endpoint probe checks by result.",
        [*base, "endpoint", "result"],
        registry=registry,
    )
    run_duration = Gauge("nbgate_run_duration_seconds", "Duration of the whole run.", base, registry=registry)
    verdict = Gauge(
        "nbgate_run_verdict", "1 for the run's verdict, 0 otherwise.", [*base, "verdict"], registry=registry
    )
    notebooks = Gauge(
        "nbgate_run_notebooks", "Notebooks per outcome in the run.", [*base, "outcome"], registry=registry
    )
    in_progress = Gauge("nbgate_run_in_progress", "1 while a run is going on.", base, registry=registry)
    started = Gauge(
        "nbgate_run_started_timestamp_seconds", "When the run started (Unix time).", base, registry=registry
    )
    finished = Gauge(
        "nbgate_last_run_timestamp_seconds", "When the run finished (Unix time).", base, registry=registry
    )

    for nb in run.notebooks:
        validations.labels(*base_values, nb.verdict.value, nb.notebook).inc()
        if nb.duration_seconds is not None:
            duration.labels(*base_values, nb.notebook).set(nb.duration_seconds)
        for cell in nb.execution.cells if nb.execution else []:
            if cell.duration_seconds is not None:
                cells.labels(*base_values, nb.notebook).observe(cell.duration_seconds)
    probes = list(run.probes) + [p for nb in run.notebooks for p in nb.probes]
    for probe in probes:
        for check in probe.checks:
            checks.labels(*base_values, probe.endpoint, "passed" if check.passed else "failed").inc()
            if check.duration_seconds is not None:
                check_duration.labels(*base_values, probe.endpoint, check.name).set(check.duration_seconds)
            for key, quantile in _QUANTILES.items():
                value = check.details.get(key)
                if isinstance(value, (int, float)):
                    latency.labels(*base_values, probe.endpoint, quantile).set(float(value))
    _child(run_duration, base_values).set(run.duration_seconds)
    for v in Verdict:
        verdict.labels(*base_values, v.value).set(1 if v is run.verdict else 0)
    for outcome in Outcome:
        notebooks.labels(*base_values, outcome.value).set(
            sum(1 for nb in run.notebooks if nb.outcome is outcome)
        )
    _child(in_progress, base_values).set(0)
    _child(started, base_values).set(run.started_at.timestamp())
    _child(finished, base_values).set(run.finished_at.timestamp())
    return registry


def render_metrics(run: RunResult) -> str:
    """The Prometheus text exposition (format 0.0.4) of ``run``."""
    from prometheus_client import generate_latest

    return generate_latest(build_registry(run)).decode("utf-8")


def write_metrics_report(run: RunResult, output_dir: Path) -> Path:
    """``metrics.prom``; also pushes when ``NBGATE_PUSHGATEWAY_URL`` is set (a failed push is logged)."""
    path = write_atomic(output_dir / "metrics.prom", render_metrics(run))
    gateway = os.environ.get(PUSHGATEWAY_ENV)
    if gateway:
        try:
            push_metrics(run, gateway)
        except (TransientError, InputError) as exc:
            _LOG.warning("metrics not pushed: %s", exc.message)
    return path


def _check_gateway(gateway: str) -> str:
    if not gateway.startswith(("http://", "https://")):
        raise InputError(
            f"Pushgateway URL {gateway!r} must start with http:// or https:// (e.g. http://pushgateway:9091)"
        )
    return gateway.rstrip("/")


def push_metrics(run: RunResult, gateway: str, *, job: str = JOB, timeout: float = 10.0) -> None:
    """Replace the group ``{job, validation=run.name}`` on the Pushgateway with ``run``'s figures."""
    from prometheus_client import push_to_gateway

    url = _check_gateway(gateway)
    registry = build_registry(run, with_validation_label=False)
    try:
        push_to_gateway(
            url, job=job, registry=registry, grouping_key={"validation": run.name}, timeout=timeout
        )
    except OSError as exc:  # URLError, connection refused, timeouts, HTTP errors
        raise TransientError(f"cannot push metrics to {url}: {exc}") from None


def push_run_started(
    name: str, gateway: str, *, started_at: float, job: str = JOB, timeout: float = 10.0
) -> None:
    """Mark a run as in progress (for the stuck-run alert); the final ``push_metrics`` clears it."""
    from prometheus_client import CollectorRegistry, Gauge, pushadd_to_gateway

    url = _check_gateway(gateway)
    registry = CollectorRegistry()
    Gauge("nbgate_run_in_progress", "1 while a run is going on.", registry=registry).set(1)
    Gauge("nbgate_run_started_timestamp_seconds", "When the run started (Unix time).", registry=registry).set(
        started_at
    )
    try:
        pushadd_to_gateway(
            url, job=job, registry=registry, grouping_key={"validation": name}, timeout=timeout
        )
    except OSError as exc:
        raise TransientError(f"cannot push metrics to {url}: {exc}") from None


def argo_metrics_spec(
    *,
    notebook: str = "{{inputs.parameters.notebook}}",
    result: str = "{{outputs.parameters.verdict}}",
    validation: str = "{{workflow.labels.nbgate.dev/validation}}",
) -> list[dict[str, Any]]:
    """The same figures as an Argo template's ``metrics.prometheus`` list (for the execute step).

    Put it on the template that validates one notebook::

        template["metrics"] = {"prometheus": argo_metrics_spec()}

    ``notebook``, ``result`` and ``validation`` are Argo expressions for the label values: by
    default the template's ``notebook`` input parameter, its ``verdict`` output parameter (the
    ``verdict`` field of the step's verdict file) and a workflow label. Argo fills ``{{duration}}``
    with the step's duration in seconds. Argo has no per-cell data, so
    ``nbgate_cell_duration_seconds`` comes only from the report step's push. (Recent Argo
    controllers may prefix custom metric names, e.g. ``argo_workflows_``: check yours before
    pointing the alert rules at Argo's metrics endpoint instead of the Pushgateway.)
    """
    labels = [
        {"key": "validation", "value": validation},
        {"key": "notebook", "value": notebook},
    ]
    return [
        {
            "name": "nbgate_validations_total",
            "help": "Notebook validations by result (verdict).",
            "labels": [*labels, {"key": "result", "value": result}],
            "counter": {"value": "1"},
        },
        {
            "name": "nbgate_validation_duration_seconds",
            "help": "Time to execute and compare a notebook.",
            "labels": labels,
            "gauge": {"value": "{{duration}}", "realtime": False},
        },
    ]
