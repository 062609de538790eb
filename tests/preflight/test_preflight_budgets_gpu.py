"""Compute budgets (memory, per-cell time) fail the notebook with the cell named; gpu profile without a GPU."""

from __future__ import annotations

from pathlib import Path

import pytest
from preflight_support import nbgate, write_notebook, write_spec

from nbgate.gpu import visible_gpus


def test_budgets_name_the_cell_and_resources_are_suggested(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_notebook(repo / "memory.ipynb", "x = 1", "blob = b'x' * (250 * 2**20)\nlen(blob)", "print('after')")
    write_notebook(repo / "slow.ipynb", "import time", "time.sleep(120)", "print('never')")
    write_notebook(repo / "small.ipynb", "print(sum(range(10)))")
    spec = write_spec(
        repo / "validation.yaml",
        {
            "source": {"local": "."},
            "notebooks": ["*.ipynb"],
            "budgets": {"cellSeconds": "3s", "cellMemory": "100Mi"},
            "jobs": 2,
        },
    )
    out = tmp_path / "out"
    done = nbgate("run", spec, "-o", out, "-q")
    assert done.code == 1, done.stdout + done.stderr
    results = {nb["notebook"]: nb for nb in done.report(out)["notebooks"]}

    memory = results["memory.ipynb"]
    assert memory["outcome"] == "budget_exceeded", memory["message"]
    assert memory["execution"]["failedCell"] == 1
    assert "cell 1" in memory["message"] and "budgets.cellMemory (100Mi)" in memory["message"]
    assert memory["execution"]["cells"][1]["peakMemoryBytes"] > 250 * 2**20

    slow = results["slow.ipynb"]
    assert slow["outcome"] == "budget_exceeded", slow["message"]
    # Named by its position in the executed notebook (papermill adds its error banner cells).
    failed = slow["execution"]["failedCell"]
    assert (
        f"cell {failed} (time.sleep(120))" in slow["message"]
        and "budgets.cellSeconds (3s)" in slow["message"]
    )
    assert slow["execution"]["durationSeconds"] < 100  # enforced while running, not after the sleep

    small = results["small.ipynb"]
    assert small["outcome"] == "passed"
    suggested = small["suggestedResources"]
    peak = small["execution"]["peakMemoryBytes"]
    request_mi = int(suggested["requests"]["memory"].removesuffix("Mi"))
    limit_mi = int(suggested["limits"]["memory"].removesuffix("Mi"))
    assert request_mi * 2**20 >= peak * 1.2 > (request_mi - 1) * 2**20
    assert limit_mi * 2**20 >= peak * 1.5 > (limit_mi - 1) * 2**20
    assert "cell 1" in done.stdout and "budget_exceeded" in done.stdout


def test_gpu_profile_without_a_visible_gpu_fails_early(tmp_path: Path) -> None:
    """CUDA_VISIBLE_DEVICES='' hides any GPU, so this holds on every machine."""
    repo = tmp_path / "repo"
    write_notebook(repo / "train.ipynb", "open('started', 'w').write('kernel ran')")
    spec = write_spec(repo / "validation.yaml", {"source": {"local": "."}, "pod": {"profile": "gpu"}})
    out = tmp_path / "out"
    done = nbgate("run", spec, "-o", out, "-q", env={"CUDA_VISIBLE_DEVICES": ""})
    assert done.code == 2, done.stdout + done.stderr
    error = [ln for ln in done.stderr.splitlines() if ln.startswith("nbgate: error:")]
    assert len(error) == 1 and "pod.profile 'gpu' needs a GPU but none is visible" in error[0]
    assert "Traceback" not in done.stderr
    assert not (repo / "started").exists()  # no kernel started
    report = done.report(out)
    assert report["verdict"] == "error" and report["notebooks"] == []


@pytest.mark.skipif(visible_gpus().visible, reason="a GPU is visible on this machine")
def test_gpu_check_on_this_machine_reports_why() -> None:
    check = visible_gpus()
    assert not check.visible
    assert "nvidia" in check.reason.lower() or "CUDA_VISIBLE_DEVICES" in check.reason


def test_a_named_profile_asking_for_gpus_is_checked_too(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    write_notebook(repo / "train.ipynb", "x = 1")
    spec = write_spec(
        repo / "validation.yaml",
        {
            "source": {"local": "."},
            "pod": {"profile": "a100"},
            "profiles": {"a100": {"gpus": 1}},
        },
    )
    done = nbgate("run", spec, "-o", tmp_path / "out", "-q", env={"CUDA_VISIBLE_DEVICES": "-1"})
    assert done.code == 2 and "pod.profile 'a100' needs a GPU" in done.stderr
