"""HTML, Markdown and metrics rendering of synthetic runs (real notebook files, no kernel)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from report_builders import crashed_notebook, failing_notebook, probe, run_of

from nbgate.report.html import CSP, render_html, write_html_report
from nbgate.report.markdown import MAX_CHARS, render_markdown
from nbgate.report.metrics import argo_metrics_spec, render_metrics
from nbgate.steps.report import report


def test_html_report_is_self_contained_and_inert(tmp_path: Path) -> None:
    run = run_of([failing_notebook(tmp_path / "nbs", "a"), crashed_notebook("b")], probes=[probe()])
    html = render_html(run, tmp_path)
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html.replace("&#39;", "'")
    assert CSP == "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    assert not re.search(r"<script", html, re.IGNORECASE)
    assert not re.search(r"\son\w+\s*=", html.split("</style>", 1)[1].replace("&", "")), (
        "an event handler survived"
    )
    assert "javascript:" not in html.lower().replace(
        "javascript:alert(2))", ""
    )  # only as escaped source text
    # Nothing is fetched: every src is a data: URI; links go only to anchors in the page.
    assert all(src.startswith("data:") for src in re.findall(r'\ssrc="([^"]*)"', html))
    iframes = re.findall(r"<iframe[^>]*>", html)
    assert iframes and all(" sandbox " in f and "allow-" not in f for f in iframes)
    # The parts a reader needs.
    assert 'data-verdict="failed"' in html and "a" * 40 in html and "gpu" in html
    assert "value = 1.0" in html and "value = 1.5" in html  # side by side
    assert html.count('class="overlay"') == 1  # the image diff, computed from both notebooks
    assert "p95 12 ms" in html
    assert "ValueError: bad value" in html and "\x1b" not in html


def test_html_secrets_are_redacted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NBGATE_SECRET_ENV", "TOKEN_X")
    monkeypatch.setenv("TOKEN_X", "tok-1234567890")
    run = run_of([crashed_notebook("b", secret="tok-1234567890")])
    for text in (render_html(run, tmp_path), render_markdown(run)):
        assert "tok-1234567890" not in text and "***" in text


def test_html_size_stays_bounded(tmp_path: Path) -> None:
    notebooks = [failing_notebook(tmp_path / "nbs", "big", big_text=3_000_000)]
    notebooks += [crashed_notebook(f"c{i}") for i in range(300)]
    path = write_html_report(run_of(notebooks), tmp_path / "out")
    size = path.stat().st_size
    print(f"report of 301 notebooks: {size / 1e6:.2f} MB")
    assert size < 5_000_000
    text = path.read_text()
    assert "more characters truncated" in text
    assert text.count('class="notebook ') == 301


def test_markdown_summary(tmp_path: Path) -> None:
    md = render_markdown(
        run_of([failing_notebook(tmp_path, "a"), crashed_notebook("b")], probes=[probe(False)])
    )
    assert md.startswith("## nbgate: ❌ failed — synthetic")
    assert "Commit `aaaaaaaaaaaa`" in md and "Triggered by push by alice" in md
    assert "| `a.ipynb` | ❌ failed | mismatch |" in md
    assert "max abs error 0.5, max rel error 0.5 (rtol 1e-06, atol 1e-09)" in md
    assert "```text\nValueError: bad value" in md and "\x1b" not in md
    assert "❌ endpoint `churn` latency" in md and "p95 12.0 ms" not in md  # seconds format
    many = render_markdown(run_of([crashed_notebook(f"n{i}" * 3) for i in range(2000)]))
    assert len(many) <= MAX_CHARS + 200 and "comment size limit" in many


def test_metrics_exposition_parses(tmp_path: Path) -> None:
    run = run_of([failing_notebook(tmp_path, "a"), crashed_notebook("b")], probes=[probe()])
    families = {f.name: f for f in text_string_to_metric_families(render_metrics(run))}
    validations = {
        (s.labels["notebook"], s.labels["result"]): s.value
        for s in families["nbgate_validations"].samples
        if s.name.endswith("_total")
    }
    assert validations == {("a.ipynb", "failed"): 1.0, ("b.ipynb", "failed"): 1.0}
    durations = {
        s.labels["notebook"]: s.value for s in families["nbgate_validation_duration_seconds"].samples
    }
    assert durations == {"a.ipynb": 3.2, "b.ipynb": 1.0}
    counts = [s for s in families["nbgate_cell_duration_seconds"].samples if s.name.endswith("_count")]
    assert {s.labels["notebook"]: s.value for s in counts} == {"a.ipynb": 3.0, "b.ipynb": 1.0}
    latency = {s.labels["quantile"]: s.value for s in families["nbgate_probe_latency_seconds"].samples}
    assert latency == {"0.5": 0.008, "0.95": 0.012, "0.99": 0.02}
    verdict = {s.labels["verdict"]: s.value for s in families["nbgate_run_verdict"].samples}
    assert verdict["failed"] == 1.0 and verdict["passed"] == 0.0
    assert all(s.labels["validation"] == "synthetic" for f in families.values() for s in f.samples)


def test_report_step_writes_every_format(tmp_path: Path) -> None:
    run = run_of([failing_notebook(tmp_path / "nbs", "a")])
    written = report(run, tmp_path / "out", ["json", "junit", "markdown", "html", "metrics"])
    assert {p.name for p in written.values()} == {
        "report.json",
        "junit.xml",
        "summary.md",
        "report.html",
        "metrics.prom",
    }


def test_argo_metrics_spec_shape() -> None:
    spec = argo_metrics_spec(notebook="{{inputs.parameters.nb}}")
    names = [m["name"] for m in spec]
    assert names == ["nbgate_validations_total", "nbgate_validation_duration_seconds"]
    for metric in spec:
        assert metric["help"] and ("counter" in metric or "gauge" in metric)
        assert {"key": "notebook", "value": "{{inputs.parameters.nb}}"} in metric["labels"]
        assert all(re.fullmatch(r"[a-zA-Z_][a-zA-Z0-9_]*", label["key"]) for label in metric["labels"])
