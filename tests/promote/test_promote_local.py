"""Acceptance, locally on the example project: a passing notebook is exported, trained, served by a
real MLServer on 127.0.0.1, probed and promoted; a model ruined by a training parameter (C=1e-6)
is caught by the consistency check against the notebook's recorded predictions and rolled back,
the previous model still serving (probed after the rollback)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from promote_support import need_mlserver

from nbgate.outcomes import Outcome, Verdict
from nbgate.promote.local import LocalOptions, promote_local
from nbgate.spec.load import load_spec
from nbgate.steps.probe import probe

pytestmark = pytest.mark.servers


def _checks(result) -> dict:  # type: ignore[no-untyped-def]
    return {c.name: c for c in result.checks}


def test_good_model_is_promoted_then_broken_one_rolled_back(
    example: Path, model_server, tmp_path: Path
) -> None:
    resource = load_spec(example / "promote.yaml").resource
    out = tmp_path / "promote"
    good = promote_local(
        resource, LocalOptions(source_root=example, output_dir=out, validate=False), model_server
    )
    assert good.verdict is Verdict.PASSED, good.message
    assert good.rollout is not None and good.rollout.decision == "promote"
    assert {"health", "consistency", "latency"} <= set(_checks(good.rollout.candidate))
    assert good.train is not None and 0.5 < good.train.metrics["auc"] <= 1.0
    # The exported script: only the tagged cells, magics dropped, parameters overridable.
    script = Path(good.export.script).read_text()
    assert "roc_curve(y_test" not in script and "sb.glue" not in script
    assert "pass  # nbgate export: IPython magic dropped: %matplotlib inline" in script
    state = json.loads((out / "state.json").read_text())
    assert state["stable"]["revision"] == good.train.revision
    assert not model_server.ready("churn-candidate") and model_server.ready("churn")
    # The KServe patch a cluster would get for this promotion: canaryTrafficPercent removed.
    assert good.rollout.plan["patch"]["spec"] == {"predictor": {"canaryTrafficPercent": None}}

    bad = promote_local(
        resource,
        LocalOptions(source_root=example, output_dir=out, validate=False, parameters={"C": 1e-6}),
        model_server,
    )
    assert bad.verdict is Verdict.FAILED
    assert bad.rollout is not None and bad.rollout.decision == "rollback"
    consistency = _checks(bad.rollout.candidate)["consistency"]
    assert consistency.outcome is Outcome.MISMATCH and "sample_proba" in consistency.message
    assert bad.rollout.plan["patch"]["spec"] == {"predictor": {"canaryTrafficPercent": 0}}
    assert json.loads((out / "state.json").read_text())["stable"]["revision"] == good.train.revision
    assert bad.rollout.stable is not None and bad.rollout.stable.outcome is Outcome.PASSED

    # Probe the stable model ourselves, after the rollback: it still answers as the notebook did.
    ep = resource.spec.promote.rollout.endpoint.model_copy(
        update={"url": model_server.url, "inference_service": None}
    )
    [after] = probe([ep.model_copy(update={"latency": None})], scraps=example / "golden" / "02_train.ipynb")
    assert after.outcome is Outcome.PASSED, after.message
    assert not model_server.ready("churn-candidate")


def test_nbgate_promote_runs_the_whole_loop(example: Path, tmp_path: Path) -> None:
    """`nbgate promote SPEC`: validation (a real kernel) → export → train → MLServer → probe → promote."""
    need_mlserver()
    out = tmp_path / "cli"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgate.cli.main",
            "promote",
            str(example / "promote.yaml"),
            "-o",
            str(out),
            "--verdict",
            str(out / "verdict.json"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = json.loads((out / "promotion.json").read_text())
    assert report["validation"]["verdict"] == "passed"
    assert report["rollout"]["decision"] == "promote"
    assert json.loads((out / "verdict.json").read_text())["verdict"] == "passed"
    assert "promote:" in proc.stdout and "Traceback" not in proc.stderr


def test_export_train_rollout_subcommands_chain(example: Path, model_server, tmp_path: Path) -> None:
    """The step CLIs as a DAG runs them: export → train → (server loads it) → rollout --dry-run."""
    run = [sys.executable, "-m", "nbgate.cli.main"]
    script = tmp_path / "train.py"
    subprocess.run(
        [*run, "export", str(example / "notebooks" / "02_train.ipynb"), "-o", str(script), "--metric", "auc"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    model = tmp_path / "model"
    proc = subprocess.run(
        [
            *run,
            "train",
            str(script),
            "--output-dir",
            str(model),
            "--cwd",
            str(example / "notebooks"),
            "--result",
            str(tmp_path / "train.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads((tmp_path / "train.json").read_text())["metrics"]["auc"] > 0.5
    model_server.load("churn", model)
    current = tmp_path / "isvc.json"
    current.write_text(json.dumps({"metadata": {"name": "churn"}, "spec": {}, "status": {}}))
    proc = subprocess.run(
        [
            *run,
            "rollout",
            str(example / "promote.yaml"),
            "--dry-run",
            "--current",
            str(current),
            "--url",
            model_server.url,
            "--scraps",
            str(example / "golden" / "02_train.ipynb"),
            "--result",
            str(tmp_path / "rollout.json"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads((tmp_path / "rollout.json").read_text())
    assert result["decision"] == "promote" and result["actions"] == []
    assert result["plan"]["patch"]["spec"] == {"predictor": {"canaryTrafficPercent": None}}
