"""Metrics pushed to a real Prometheus Pushgateway on 127.0.0.1 and read back."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from report_builders import crashed_notebook, failing_notebook, probe, run_of

from nbgate.errors import InputError, TransientError
from nbgate.report.metrics import push_metrics, push_run_started, write_metrics_report


def _scrape(url: str) -> dict[str, list]:  # type: ignore[type-arg]
    with urllib.request.urlopen(url + "/metrics", timeout=10) as response:
        text = response.read().decode()
    return {f.name: f.samples for f in text_string_to_metric_families(text)}


def test_push_reaches_the_pushgateway(
    pushgateway: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    push_run_started("synthetic", pushgateway, started_at=1_700_000_000.0)
    in_progress = [
        s for s in _scrape(pushgateway)["nbgate_run_in_progress"] if s.labels.get("validation") == "synthetic"
    ]
    assert [s.value for s in in_progress] == [1.0]

    run = run_of([failing_notebook(tmp_path, "a"), crashed_notebook("b")], probes=[probe()])
    monkeypatch.setenv("NBGATE_PUSHGATEWAY_URL", pushgateway)
    path = write_metrics_report(run, tmp_path / "out")  # writes metrics.prom and pushes
    assert path.read_text().startswith("# HELP")
    families = _scrape(pushgateway)
    results = {
        (s.labels["notebook"], s.labels["result"]): s.value
        for s in families["nbgate_validations"]
        if s.name == "nbgate_validations_total" and s.labels.get("job") == "nbgate"
    }
    assert results == {("a.ipynb", "failed"): 1.0, ("b.ipynb", "failed"): 1.0}
    grouped = [
        s for s in families["nbgate_validation_duration_seconds"] if s.labels.get("notebook") == "a.ipynb"
    ]
    assert grouped[0].labels["validation"] == "synthetic" and grouped[0].value == 3.2
    # The final push replaced the group: the run is no longer in progress.
    assert [
        s.value for s in families["nbgate_run_in_progress"] if s.labels.get("validation") == "synthetic"
    ] == [0.0]
    assert any(s.labels.get("quantile") == "0.95" for s in families["nbgate_probe_latency_seconds"])


def test_push_errors_are_one_line(tmp_path: Path) -> None:
    run = run_of([crashed_notebook("b")])
    with pytest.raises(InputError, match="must start with http"):
        push_metrics(run, "pushgateway:9091")
    with pytest.raises(TransientError, match=r"cannot push metrics to http://127\.0\.0\.1:9: .*refused"):
        push_metrics(run, "http://127.0.0.1:9/", timeout=2)
