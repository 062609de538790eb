"""Start a kernel before jupyter_client is even imported; adopt it once it is.

``nbgate run --notebook`` knows its notebook and kernel from its arguments. Importing
jupyter_client to launch the kernel costs ~0.15 s, all of it before the kernel's own ~0.8 s
boot can begin. For the common kernelspec (``python -m ipykernel_launcher -f
{connection_file}``, no env, no provisioner of its own) this module finds the spec with
jupyter_core's paths, starts the process with ``subprocess`` and lets ipykernel pick its
ports and write the connection file itself, which it does when the file does not exist yet.

jupyter_client adopts the process later through its provisioner registry
(``nbgate-early-provisioner``, ``EarlyProvisioner``): at that point jupyter_client computes
the command and environment it would have launched, and the early process is used only if
both are exactly what was started. Anything else (another kernelspec layout, a different
command or env, transport encryption, a kernel that died) stops the early process and
launches the ordinary way: a wrong guess costs time, never behaviour.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

__all__ = ["EarlyKernel", "claim", "discard", "read_connection_file", "start_early_kernel"]

_PYTHONS = frozenset({"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])})
_TEMPLATE = re.compile(r"\{([A-Za-z0-9_]+)\}")


@dataclass
class EarlyKernel:
    """A kernel process started early, and exactly how it was started."""

    process: subprocess.Popen[bytes]
    connection_file: str
    cmd: list[str]
    env: dict[str, str]
    log: IO[bytes]


_lock = threading.Lock()
_claimable: dict[str, EarlyKernel] = {}  # connection file -> early kernel, until adopted


def _spec_dir(name: str) -> Path | None:
    """Where jupyter_client's KernelSpecManager would find ``name`` (None: not in a Jupyter path).

    Same search: the Jupyter data paths' ``kernels`` dirs, then IPython's, first match by
    case-insensitive name with a kernel.json. Misses fall back to jupyter_client itself.
    """
    from jupyter_core.paths import jupyter_path

    from nbgate.execution.kernel import ipython_kernel_dirs

    wanted = name.lower()
    for directory in [*jupyter_path("kernels"), *map(str, ipython_kernel_dirs())]:
        try:
            entries = os.listdir(directory)
        except OSError:
            continue
        for entry in entries:
            path = Path(directory) / entry
            if entry.lower() == wanted and (path / "kernel.json").is_file():
                return path
    return None


def _command(spec_dir: Path, connection_file: str, extra: list[str]) -> list[str] | None:
    """``KernelManager.format_kernel_cmd`` for a plain IPython kernelspec; None for anything else."""
    try:
        spec = json.loads((spec_dir / "kernel.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    argv = spec.get("argv")
    metadata = spec.get("metadata") or {}
    if (
        not isinstance(argv, list)
        or len(argv) < 5
        or argv[1:4] != ["-m", "ipykernel_launcher", "-f"]
        or spec.get("env")
        or "kernel_provisioner" in metadata
        or spec.get("interrupt_mode", "signal") != "signal"
    ):
        return None
    cmd = [str(a) for a in argv] + extra
    if cmd[0] in _PYTHONS:
        cmd[0] = sys.executable
    names = {"connection_file": os.path.realpath(connection_file), "prefix": sys.prefix}
    names["resource_dir"] = str(spec_dir)
    return [_TEMPLATE.sub(lambda m: names.get(m.group(1), m.group()), arg) for arg in cmd]


def start_early_kernel(name: str, *, cwd: Path, scratch_dir: Path, extra: list[str]) -> EarlyKernel | None:
    """Start kernelspec ``name``'s kernel now, the way jupyter_client would; None if unsure."""
    spec_dir = _spec_dir(name)
    if spec_dir is None:
        return None
    connection_file = str(scratch_dir / f"kernel-{uuid.uuid4().hex[:12]}.json")
    cmd = _command(spec_dir, connection_file, extra)
    if cmd is None:
        return None
    # What jupyter_client gives a local Python kernel: the environment without
    # PYTHONEXECUTABLE, and its parent's pid so the kernel exits if nbgate dies.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONEXECUTABLE"}
    env["JPY_PARENT_PID"] = str(os.getpid())
    log = open(scratch_dir / "kernel.log", "ab")  # noqa: SIM115 - the kernel's, for its lifetime
    try:
        process = subprocess.Popen(
            cmd, cwd=str(cwd), env=env, stdin=subprocess.PIPE, stdout=log, stderr=log, start_new_session=True
        )
    except OSError:
        log.close()
        return None
    early = EarlyKernel(process, connection_file, cmd, env, log)
    with _lock:
        _claimable[connection_file] = early
    return early


def claim(connection_file: str) -> EarlyKernel | None:
    """The early kernel for ``connection_file``, once (the provisioner adopts it)."""
    with _lock:
        return _claimable.pop(connection_file, None)


def discard(early: EarlyKernel) -> None:
    """Stop an early kernel nobody adopted."""
    with _lock:
        _claimable.pop(early.connection_file, None)
    if early.process.poll() is None:
        try:
            os.killpg(early.process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            early.process.kill()
        early.process.wait()
    early.log.close()


def read_connection_file(path: str) -> dict[str, Any] | None:
    """The connection info the kernel wrote, once it is complete JSON (None until then)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("key") is not None else None
