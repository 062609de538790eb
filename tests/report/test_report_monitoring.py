"""monitoring/: the PrometheusRule passes promtool (syntax and unit tests) and the Grafana
dashboard queries only metrics nbgate exposes."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import yaml
from report_builders import crashed_notebook, failing_notebook, probe, run_of
from report_support import need_tool

from nbgate.report.metrics import render_metrics

MONITORING = Path(__file__).resolve().parents[2] / "monitoring"


def _rule_file(tmp_path: Path) -> Path:
    rule = yaml.safe_load((MONITORING / "prometheus-rule.yaml").read_text())
    assert rule["kind"] == "PrometheusRule" and rule["apiVersion"] == "monitoring.coreos.com/v1"
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump({"groups": rule["spec"]["groups"]}))
    return path


def test_promtool_checks_the_rules(tmp_path: Path) -> None:
    promtool = need_tool("promtool")
    proc = subprocess.run(
        [promtool, "check", "rules", str(_rule_file(tmp_path))], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "SUCCESS" in proc.stdout + proc.stderr


def test_alerts_fire_on_failures_and_stuck_runs(tmp_path: Path) -> None:
    """promtool's rule unit tests: the alerts fire when they should, not when they should not."""
    promtool = need_tool("promtool")
    rules = _rule_file(tmp_path)
    tests = {
        "rule_files": [rules.name],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": [
                    {
                        "series": 'nbgate_validations_total{validation="bad",notebook="a.ipynb",result="failed"}',
                        "values": "1x30",
                    },
                    {
                        "series": 'nbgate_validations_total{validation="bad",notebook="b.ipynb",result="passed"}',
                        "values": "1x30",
                    },
                    {
                        "series": 'nbgate_validations_total{validation="good",notebook="a.ipynb",result="passed"}',
                        "values": "1x30",
                    },
                    {"series": 'nbgate_run_in_progress{validation="stuck"}', "values": "1x200"},
                    {"series": 'nbgate_run_started_timestamp_seconds{validation="stuck"}', "values": "0x200"},
                ],
                "alert_rule_test": [
                    {
                        "eval_time": "10m",
                        "alertname": "NbgateValidationFailing",
                        "exp_alerts": [
                            {
                                "exp_labels": {"severity": "warning", "validation": "bad"},
                                "exp_annotations": {
                                    "summary": "nbgate validation bad is failing",
                                    "description": "50% of the notebooks of bad did not pass in its last run.",
                                },
                            }
                        ],
                    },
                    {"eval_time": "10m", "alertname": "NbgateHighFailureRate", "exp_alerts": []},
                    {"eval_time": "60m", "alertname": "NbgateRunStuck", "exp_alerts": []},
                    {
                        "eval_time": "150m",
                        "alertname": "NbgateRunStuck",
                        "exp_alerts": [
                            {
                                "exp_labels": {"severity": "critical", "validation": "stuck"},
                                "exp_annotations": {
                                    "summary": "nbgate run of stuck has been running for over 2 hours",
                                    "description": "The run started but never pushed its result: a stuck pod or a killed workflow.",
                                },
                            }
                        ],
                    },
                ],
            }
        ],
    }
    test_file = tmp_path / "tests.yaml"
    test_file.write_text(yaml.safe_dump(tests))
    proc = subprocess.run(
        [promtool, "test", "rules", test_file.name], cwd=tmp_path, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dashboard_and_rules_use_exposed_metric_names(tmp_path: Path) -> None:
    run = run_of([failing_notebook(tmp_path, "a"), crashed_notebook("b")], probes=[probe()])
    exposed = set(re.findall(r"^(nbgate_\w+?)(?:\{| )", render_metrics(run), re.MULTILINE))
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    exprs += [json.dumps(dashboard["templating"])]
    exprs += [
        r["expr"]
        for g in yaml.safe_load((MONITORING / "prometheus-rule.yaml").read_text())["spec"]["groups"]
        for r in g["rules"]
    ]
    used = {name for e in exprs for name in re.findall(r"\bnbgate_\w+", e)}
    assert used, "no nbgate metric queried"
    assert used <= exposed, f"queried but never exposed: {sorted(used - exposed)}"
    assert {
        "nbgate_validations_total",
        "nbgate_validation_duration_seconds",
        "nbgate_cell_duration_seconds_bucket",
        "nbgate_probe_latency_seconds",
    } <= used
