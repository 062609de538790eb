#!/usr/bin/env python3
"""nbgate BYOI runner: ``python3 nbgate-execute NOTEBOOK [nbgate execute options]``.

Runs in the USER's image with the user's python; imports nothing beyond the standard library
until it has put the runner's own site dirs on ``sys.path``. ``--check`` verifies the image
contract (see images/README.md) and exits 0, or 2 with one line naming what is missing.
This file is copied verbatim into the runner; it must stay self-contained.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile

MIN_PYTHON = (3, 10)
HERE = os.path.dirname(os.path.abspath(__file__))


def _fail(message: str) -> int:
    print(f"nbgate: error: {message}", file=sys.stderr)
    return 2


def _site_dirs() -> list[str]:
    tag = f"cp{sys.version_info[0]}{sys.version_info[1]}"
    return [os.path.join(HERE, "site", tag), os.path.join(HERE, "site", "common")]


def _contract_problem() -> str | None:
    """The first way this image breaks the BYOI contract, or None."""
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info < MIN_PYTHON:
        return f"python {version} at {sys.executable} is too old: the runner needs CPython >= 3.10"
    if sys.implementation.name != "cpython":
        return f"{sys.implementation.name} is not supported: the runner needs CPython >= 3.10"
    if not os.path.isdir(_site_dirs()[0]):
        return (
            f"this runner has no site dir for python {version} ({_site_dirs()[0]}): "
            "rebuild it with that version (python -m nbgate.byoi build --python X.Y)"
        )
    # Checked before the runner's dirs are on sys.path: the kernel must come from the image.
    if importlib.util.find_spec("ipykernel") is None:
        return f"ipykernel is not installed for {sys.executable}: add it to the image (pip install ipykernel)"
    try:
        with tempfile.TemporaryFile(dir=tempfile.gettempdir()):
            pass
    except OSError as exc:
        tmp = tempfile.gettempdir()
        return f"the temp dir {tmp} is not writable ({exc.strerror}): mount an emptyDir at /tmp"
    return None


def _prepare_environment() -> None:
    """Keep Jupyter's and IPython's state off a read-only HOME; the kernel inherits these."""
    state = os.path.join(tempfile.gettempdir(), f"nbgate-{os.getuid()}")
    os.makedirs(state, mode=0o700, exist_ok=True)
    os.environ.setdefault("JUPYTER_RUNTIME_DIR", os.path.join(state, "jupyter-runtime"))
    os.environ.setdefault("IPYTHONDIR", os.path.join(state, "ipython"))
    os.environ.setdefault("MPLCONFIGDIR", os.path.join(state, "matplotlib"))
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    # Our site dirs must not leak into the kernel: it runs the user's packages only.
    os.environ.pop("PYTHONPATH", None)


def main(argv: list[str]) -> int:
    problem = _contract_problem()
    if argv[:1] == ["--check"]:
        if problem:
            return _fail(problem)
        from importlib.metadata import version  # the image's own ipykernel

        with open(os.path.join(HERE, "manifest.json"), encoding="utf-8") as fh:
            manifest = json.load(fh)
        print(
            json.dumps(
                {
                    "contract": "ok",
                    "python": sys.executable,
                    "pythonVersion": ".".join(map(str, sys.version_info[:3])),
                    "ipykernel": version("ipykernel"),
                    "nbgate": manifest.get("nbgate"),
                }
            )
        )
        return 0
    if problem:
        return _fail(problem)
    _prepare_environment()
    sys.path[0:0] = _site_dirs()
    from nbgate.cli.main import main as nbgate_main

    return nbgate_main(["execute", *argv])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
