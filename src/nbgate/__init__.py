"""nbgate: notebook validation as real infrastructure.

Public API (imported lazily, so ``import nbgate`` stays cheap)::

    from nbgate import load_spec, run_local
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = ["__version__", "load_spec", "run_local"]


def __getattr__(name: str) -> Any:
    if name == "load_spec":
        from nbgate.spec.load import load_spec

        return load_spec
    if name == "run_local":
        from nbgate.runner.local import run_local

        return run_local
    raise AttributeError(name)
