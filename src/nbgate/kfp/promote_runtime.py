"""What the promotion components do inside their step images (imports no kfp): each calls
the step's CLI with this interpreter, the contract the Argo templates run too."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["run_cli", "run_cluster_step", "run_export", "run_train"]


def run_cli(args: Sequence[str]) -> int:
    return subprocess.run([sys.executable, "-m", "nbgate.cli.main", *args], check=False).returncode


def _fail_unless_ok(code: int, step: str, allowed: tuple[int, ...] = (0,)) -> None:
    if code not in allowed:
        raise SystemExit(f"nbgate {step} exited {code}")


def run_export(*, checkout: str, notebook: str, tag: str, script: str, result: str, verdict: str) -> None:
    Path(script).mkdir(parents=True, exist_ok=True)
    code = run_cli(
        [
            "export",
            f"{checkout}/{notebook}",
            "-o",
            f"{script}/train.py",
            f"--tag={tag}",
            f"--result={result}",
            f"--verdict={verdict}",
        ]
    )
    _fail_unless_ok(code, "export")


def run_train(
    *,
    checkout: str,
    script: str,
    notebook: str,
    parameters: dict[str, Any],
    timeout: float,
    model_dir: str,
    model_uri: str,
    revision: str,
    result: str,
    verdict: str,
) -> str:
    """Train into the ``Output[Model]`` folder; return the storageUri KServe loads it from."""
    from nbgate.promote.storage import artifact_storage_uri

    uri = artifact_storage_uri(model_uri)
    cwd = str(Path(checkout, notebook).parent)
    code = run_cli(
        [
            "train",
            f"{script}/train.py",
            f"--output-dir={model_dir}",
            f"--cwd={cwd}",
            f"--timeout={timeout}",
            f"--revision={revision}",
            f"--storage-uri={uri}",
            f"--parameters-json={json.dumps(parameters)}",
            f"--result={result}",
            f"--verdict={verdict}",
        ]
    )
    # No --exit-zero: a failed training must stop the pipeline before serve ever sees the model.
    _fail_unless_ok(code, "train")
    return uri


def run_cluster_step(
    step: str, *, promote_spec: dict[str, Any], args: list[str], result: str, verdict: str
) -> None:
    """serve / rollout: the spec (only what they read) written as a file, the CLI in cluster mode."""
    import yaml

    doc = {
        "apiVersion": "nbgate.dev/v1alpha1",
        "kind": "NotebookValidation",
        "metadata": {"name": "promote"},
        "spec": {"source": {"local": "."}, "promote": promote_spec},
    }
    with tempfile.TemporaryDirectory(prefix=f"nbgate-{step}-") as tmp:
        spec = Path(tmp) / "spec.yaml"
        spec.write_text(yaml.safe_dump(doc), encoding="utf-8")
        code = run_cli([step, str(spec), *args, f"--result={result}", f"--verdict={verdict}", "--exit-zero"])
    _fail_unless_ok(code, step)
