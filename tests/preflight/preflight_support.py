"""Helpers for pre-flight, clean environments, budgets, fingerprints and the GPU check.

Everything is real: notebooks on disk, ``nbgate`` in a subprocess, real kernels, real
venvs built by real pip. The tiny package for the undeclared-import scenario is a real
wheel written here (zip + dist-info), so no network or build backend is needed for it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

PYTHON = Path(sys.executable)
# Through main(), as the console script does; registers the subcommand if cli/main.py does not yet.
_CLI = (
    "import sys; from nbgate.cli.main import SUBCOMMANDS, main; "
    "SUBCOMMANDS.setdefault('preflight', 'nbgate.cli.preflight:command'); sys.exit(main(sys.argv[1:]))"
)


def write_notebook(path: Path, *cells: str | tuple[str, list[str]], kernel: str = "python3") -> Path:
    """Code cells from strings, (source, tags) pairs; a string starting with '# md:' is markdown."""
    nb = new_notebook()
    for item in cells:
        if isinstance(item, tuple):
            cell = new_code_cell(item[0])
            cell.metadata["tags"] = item[1]
        elif item.startswith("# md:"):
            cell = new_markdown_cell(item[5:])
        else:
            cell = new_code_cell(item)
        nb.cells.append(cell)
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


@dataclass
class Done:
    code: int
    stdout: str
    stderr: str

    def report(self, out: Path) -> dict:
        return json.loads((out / "report.json").read_text())


def nbgate(*args: str | Path, cwd: Path | None = None, timeout: float = 420, env: dict | None = None) -> Done:
    full_env = {**os.environ, **(env or {})}
    done = subprocess.run(
        [str(PYTHON), "-c", _CLI, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env=full_env,
    )
    return Done(done.returncode, done.stdout, done.stderr)


def write_spec(path: Path, spec: dict) -> Path:
    import yaml

    resource = {
        "apiVersion": "nbgate.dev/v1alpha1",
        "kind": "NotebookValidation",
        "metadata": {"name": path.stem},
        "spec": spec,
    }
    path.write_text(yaml.safe_dump(resource, sort_keys=False))
    return path


def build_wheel(dest: Path, dist: str, module: str, version: str, body: str) -> Path:
    """A pure-Python wheel with one module, built by hand (the format is just a zip)."""
    dest.mkdir(parents=True, exist_ok=True)
    stem = dist.replace("-", "_")
    wheel = dest / f"{stem}-{version}-py3-none-any.whl"
    info = f"{stem}-{version}.dist-info"
    files = {
        f"{module}/__init__.py": body,
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: nbgate-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        f"{info}/top_level.txt": f"{module}\n",
    }
    record = []
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, text in files.items():
            data = text.encode()
            zf.writestr(name, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            record.append(f"{name},sha256={digest},{len(data)}")
        record.append(f"{info}/RECORD,,")
        zf.writestr(f"{info}/RECORD", "\n".join(record) + "\n")
    return wheel


@pytest.fixture(scope="session")
def kernel_wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ipykernel and its dependencies as wheels, fetched once per session (pip's configured index).

    The clean environments are then built with --no-index --find-links: no index traffic.
    """
    house = tmp_path_factory.mktemp("wheelhouse")
    done = subprocess.run(
        [
            str(PYTHON),
            "-m",
            "pip",
            "download",
            "--quiet",
            "--only-binary",
            ":all:",
            "-d",
            str(house),
            "ipykernel",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        pytest.fail(f"pip download ipykernel failed (is a package index reachable?): {done.stderr[-2000:]}")
    return house
