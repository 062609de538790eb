"""The benchmark script works: a small pair, the verdict names exactly the planted changes.

Speed is not asserted here (benchmarks measure speed; `make bench` runs the full size).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_small_benchmark_runs_and_checks_its_verdict(tmp_path: Path) -> None:
    figures = tmp_path / "figures.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "compare_bench.py"),
            "--small",
            "--skip-nbdiff",
            "--json",
            str(figures),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "exactly the planted changes" in proc.stdout
    assert "x json.load" in proc.stdout and "nbformat.read" in proc.stdout
    data = json.loads(figures.read_text())
    assert data["verdict_ok"] is True
    assert data["figures"]["nbgate"]["seconds"] > 0 and data["figures"]["nbgate"]["tracemalloc_peak"] > 0
