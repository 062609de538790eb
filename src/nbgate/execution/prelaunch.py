"""Launch a notebook's kernel before nbgate has even imported its own machinery.

A kernel takes ~0.5–1 s to boot in its own process; nbgate's imports (pydantic models,
papermill, nbformat) take about as long in the main process. ``nbgate run --notebook``
knows which notebook and kernel it needs from its arguments alone, so it launches the
kernel first (this module imports only the stdlib; the common kernelspec starts without
jupyter_client, see ``early``) and ``execute()`` adopts it with ``take``: on a machine with a
spare core the two costs overlap.

Anything unusual (no kernelspec, an env to pass, a different kernel) simply means no
pre-launch: ``execute()`` then launches its own, and reports any error itself.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from nbgate.execution.early import EarlyKernel

if TYPE_CHECKING:
    from nbgate.execution.kernel import KernelHandle

__all__ = ["prelaunch", "take"]

_lock = threading.Lock()
_pending: dict[tuple[str, str, str], tuple[KernelHandle | EarlyKernel, Path]] = {}


def _kernel_of(notebook: Path) -> str | None:
    try:
        data = json.loads(notebook.read_text(encoding="utf-8"))
        name = data["metadata"]["kernelspec"]["name"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return name if isinstance(name, str) and name else None


def prelaunch(notebook: Path, kernel: str | None = None) -> bool:
    """Start the kernel ``notebook`` will run in; True when one was started.

    The common IPython kernelspec starts at once, before jupyter_client is imported
    (``nbgate.execution.early``); any other through jupyter_client.
    """
    notebook = notebook.resolve()
    name = kernel or _kernel_of(notebook)
    if name is None or not notebook.is_file():
        return False
    scratch = Path(tempfile.mkdtemp(prefix="nbgate-prelaunch-"))
    key = (str(notebook), name, str(notebook.parent))
    from nbgate.execution.early import start_early_kernel

    # The same extra argument launch_kernel gives an IPython kernel (history in memory).
    started = start_early_kernel(
        name, cwd=notebook.parent, scratch_dir=scratch, extra=["--HistoryManager.hist_file=:memory:"]
    )
    if started is not None:
        with _lock:
            _pending[key] = (started, scratch)
        return True
    from nbgate.execution.kernel import find_kernelspec, launch_kernel

    try:
        find_kernelspec(name)
        handle = launch_kernel(name, cwd=notebook.parent, env={}, scratch_dir=scratch)
    except Exception:  # missing kernel, bad spec: execute() reports it
        shutil.rmtree(scratch, ignore_errors=True)
        return False
    with _lock:
        _pending[key] = (handle, scratch)
    return True


def take(notebook: Path, kernel_name: str, cwd: Path, env: Mapping[str, str]) -> KernelHandle | None:
    """The pre-launched kernel for exactly this notebook, kernel, cwd and (empty) env."""
    if env:
        return None
    key = (str(notebook.resolve()), kernel_name, str(cwd.resolve()))
    with _lock:
        entry = _pending.pop(key, None)
    if entry is None:
        return None
    started, scratch = entry
    if isinstance(started, EarlyKernel):
        from nbgate.execution.kernel import launch_kernel

        # jupyter_client adopts it, or replaces it if it died or is not what it would start.
        return launch_kernel(
            kernel_name, cwd=cwd, env=env, scratch_dir=scratch, early_connection_file=started.connection_file
        )
    if started.process.poll() is not None:
        return None
    return started


@atexit.register
def _discard() -> None:
    """Kernels launched but never used (the run stopped early) must not outlive nbgate."""
    with _lock:
        leftovers = list(_pending.values())
        _pending.clear()
    for started, scratch in leftovers:
        if isinstance(started, EarlyKernel):
            from nbgate.execution.early import discard

            discard(started)
        else:
            started.shutdown(2.0)
        shutil.rmtree(scratch, ignore_errors=True)
