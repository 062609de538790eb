"""Train locally: run the exported script as a subprocess with a timeout, collect its model and
metrics. In a cluster the same script runs in a Job / PyTorchJob / RayJob (``manifests``)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from nbgate.outcomes import Outcome
from nbgate.promote.manifests import script_args
from nbgate.promote.results import TrainResult
from nbgate.promote.storage import ModelLocation

__all__ = ["run_training"]


def run_training(
    script: Path,
    location: ModelLocation,
    revision: str,
    *,
    workdir: Path,
    parameters: dict[str, Any],
    timeout: float,
    python: str | None = None,
) -> TrainResult:
    """Run ``script`` in ``workdir`` (the notebook's folder, as papermill runs it)."""
    out = Path(location.write_path)
    out.mkdir(parents=True, exist_ok=True)
    log_path = out / "train.log"
    argv = [python or sys.executable, str(script.resolve()), *script_args(location, parameters)]
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            argv,
            cwd=workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = None
    duration = time.monotonic() - started
    tail = log_path.read_text(errors="replace")[-2000:]
    common = {
        "revision": revision,
        "model_dir": str(out),
        "storage_uri": location.storage_uri,
        "parameters": parameters,
        "duration_seconds": round(duration, 3),
        "log_tail": tail,
    }
    if code is None:
        return TrainResult(
            outcome=Outcome.NOTEBOOK_DEADLINE, message=f"training ran past {timeout:g}s", **common
        )
    if code != 0:
        last = next((ln for ln in reversed(tail.splitlines()) if ln.strip()), f"exit {code}")
        return TrainResult(outcome=Outcome.CELL_ERROR, message=f"training script failed: {last}", **common)
    metrics_file = out / "metrics.json"
    metrics = json.loads(metrics_file.read_text()) if metrics_file.is_file() else {}
    shown = ", ".join(f"{k}={v:.4g}" for k, v in sorted(metrics.items()))
    return TrainResult(
        outcome=Outcome.PASSED,
        message=f"model {revision} trained ({shown or 'no metrics'})",
        metrics=metrics,
        **common,
    )
