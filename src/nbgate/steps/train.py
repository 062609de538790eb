"""The ``train`` step: run an exported training script, producing a model folder and metrics."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from nbgate.promote.results import TrainResult

__all__ = ["train"]


def train(
    script: Path,
    output_dir: Path,
    *,
    parameters: dict[str, Any] | None = None,
    cwd: Path | None = None,
    timeout: float = 1800.0,
    revision: str | None = None,
    storage_uri: str | None = None,
) -> TrainResult:
    """Run ``script`` (``cwd``: the notebook's folder) writing the model to ``output_dir``."""
    from nbgate.promote.storage import ModelLocation, revision_name
    from nbgate.promote.train import run_training

    params = dict(parameters or {})
    if revision is None:
        digest = hashlib.sha256(
            (script.read_text() + json.dumps(params, sort_keys=True, default=str)).encode()
        )
        revision = revision_name(datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S"), digest.hexdigest())
    location = ModelLocation("local", str(output_dir), storage_uri or output_dir.resolve().as_uri())
    return run_training(
        script, location, revision, workdir=cwd or Path.cwd(), parameters=params, timeout=timeout
    )
