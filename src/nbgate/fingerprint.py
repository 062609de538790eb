"""The environment fingerprint: what a notebook ran on, recorded with the executed notebook.

Python and its distributions are read *inside the kernel's interpreter* (``python -c``),
not from nbgate's own process: the two differ whenever the kernel is another venv, a
conda env or a clean environment. The host (OS, CPU, memory, GPU) is read here. Stored in
the executed notebook's ``metadata.nbgate.environment`` and ``ExecutionResult.environment``;
``diff_fingerprints`` says what changed since the golden's run (``pandas 2.1.4 → 2.2.3``).
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

__all__ = [
    "FingerprintCache",
    "attach_fingerprint",
    "collect_fingerprint",
    "diff_fingerprints",
    "environment_changes",
    "golden_fingerprint",
    "host_fingerprint",
    "kernel_python",
    "notebook_kernel",
    "store_in_notebook",
]

# Runs in the kernel's interpreter: stdlib only, one JSON line out.
_PROBE = r"""
import json, platform, sys
from importlib import metadata
dists = {}
for d in metadata.distributions():
    name = d.metadata["Name"]
    if name and name not in dists:
        dists[name] = d.version
print(json.dumps({"python": {"version": platform.python_version(),
  "implementation": platform.python_implementation(), "executable": sys.executable},
  "packages": dict(sorted(dists.items(), key=lambda kv: kv[0].lower()))}))
"""


def kernel_python(kernel_name: str, env: dict[str, str] | None = None) -> str | None:
    """The interpreter a kernelspec starts (``argv[0]``), resolved on ``PATH``; None if unknown."""
    try:
        from jupyter_client.kernelspec import NoSuchKernel

        from nbgate.execution.kernel import kernel_spec_manager
    except ImportError:
        return None
    try:
        spec = kernel_spec_manager().get_kernel_spec(kernel_name)
    except (NoSuchKernel, OSError, ValueError):
        return None
    if not spec.argv or spec.language.lower() != "python":
        return None
    exe = str(spec.argv[0])
    # jupyter_client starts a bare "python"/"python3"/"python3.X" as its own sys.executable.
    if exe in {"python", f"python{sys.version_info[0]}", "python{}.{}".format(*sys.version_info[:2])}:
        return sys.executable
    if os.path.isabs(exe):
        return exe
    path = (env or {}).get("PATH") or os.environ.get("PATH")
    return shutil.which(exe, path=path)


def _python_part(python: str, env: dict[str, str] | None) -> dict[str, Any]:
    run_env = {**os.environ, **(env or {})}
    try:
        done = subprocess.run(
            [python, "-c", _PROBE], capture_output=True, text=True, timeout=60, env=run_env, check=False
        )
        data: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        return data
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError, IndexError):
        return {}


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_total() -> int | None:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):
        return None


def _gpus() -> list[dict[str, Any]]:
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return []
    try:
        query = subprocess.run(
            [exe, "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )
        banner = subprocess.run([exe], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    cuda = re.search(r"CUDA Version:\s*([\d.]+)", banner.stdout)
    gpus = []
    for line in query.stdout.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) >= 3:
            gpu: dict[str, Any] = {"name": parts[0], "driver": parts[1]}
            with contextlib.suppress(ValueError):
                gpu["memoryBytes"] = int(float(parts[2]) * 2**20)  # nvidia-smi reports MiB
            if cuda:
                gpu["cuda"] = cuda.group(1)
            gpus.append(gpu)
    return gpus


def host_fingerprint() -> dict[str, Any]:
    data: dict[str, Any] = {
        "os": {"system": platform.system(), "release": platform.release(), "platform": platform.platform()},
        "cpu": {"model": _cpu_model(), "count": os.cpu_count(), "machine": platform.machine()},
    }
    memory = _memory_total()
    if memory:
        data["memory"] = {"totalBytes": memory}
    gpus = _gpus()
    if gpus:
        data["gpus"] = gpus
    return data


def collect_fingerprint(python: str | None, env: dict[str, str] | None = None) -> dict[str, Any]:
    """The whole fingerprint; the Python part is omitted when the interpreter is unknown."""
    data = _python_part(python, env) if python else {}
    data.update(host_fingerprint())
    return data


class FingerprintCache:
    """One probe per interpreter per run, started early (``prefetch``) so it overlaps execution."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[tuple[str | None, str], Future[dict[str, Any]]] = {}

    def _future(self, kernel_name: str | None, env: dict[str, str] | None) -> Future[dict[str, Any]]:
        python = kernel_python(kernel_name, env) if kernel_name else None
        key = (python, json.dumps(env or {}, sort_keys=True))
        with self._lock:
            future = self._cache.get(key)
            if future is None:
                future = Future()
                self._cache[key] = future
                threading.Thread(
                    target=self._collect, args=(future, python, env), name="nbgate-fingerprint", daemon=True
                ).start()
            return future

    @staticmethod
    def _collect(future: Future[dict[str, Any]], python: str | None, env: dict[str, str] | None) -> None:
        try:
            future.set_result(collect_fingerprint(python, env))
        except Exception as exc:  # a fingerprint is information, never a failure
            future.set_result({"error": f"{type(exc).__name__}: {exc}"})

    def prefetch(self, kernel_name: str | None, env: dict[str, str] | None = None) -> None:
        self._future(kernel_name, env)

    def get(self, kernel_name: str | None, env: dict[str, str] | None = None) -> dict[str, Any]:
        return self._future(kernel_name, env).result(timeout=120)


def store_in_notebook(path: Path, fingerprint: dict[str, Any]) -> None:
    """Write ``metadata.nbgate.environment`` into the notebook file (atomically)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    meta = data.setdefault("metadata", {})
    nbgate_meta = meta.get("nbgate") if isinstance(meta.get("nbgate"), dict) else {}
    nbgate_meta["environment"] = fingerprint
    meta["nbgate"] = nbgate_meta
    from nbgate.files import write_atomic

    # nbformat's own layout (indent 1, unicode kept), so the file diffs cleanly.
    write_atomic(path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n")


def golden_fingerprint(path: Path) -> dict[str, Any] | None:
    """The fingerprint recorded in a golden notebook, if its run recorded one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    env = ((data.get("metadata") or {}).get("nbgate") or {}).get("environment")
    return env if isinstance(env, dict) else None


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def diff_fingerprints(golden: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """What changed, one line each: ``pandas 2.1.4 → 2.2.3``, ``+ polars 1.0``, ``- six 1.16.0``."""
    changes: list[str] = []
    g_py = (golden.get("python") or {}).get("version")
    a_py = (actual.get("python") or {}).get("version")
    if g_py and a_py and g_py != a_py:
        changes.append(f"python {g_py} → {a_py}")
    g_pkgs = {_norm(k): (k, v) for k, v in (golden.get("packages") or {}).items()}
    a_pkgs = {_norm(k): (k, v) for k, v in (actual.get("packages") or {}).items()}
    if g_pkgs and a_pkgs:
        for key in sorted(set(g_pkgs) | set(a_pkgs)):
            if key in g_pkgs and key in a_pkgs:
                if g_pkgs[key][1] != a_pkgs[key][1]:
                    changes.append(f"{a_pkgs[key][0]} {g_pkgs[key][1]} → {a_pkgs[key][1]}")
            elif key in a_pkgs:
                changes.append(f"+ {a_pkgs[key][0]} {a_pkgs[key][1]}")
            else:
                changes.append(f"- {g_pkgs[key][0]} {g_pkgs[key][1]}")
    g_os = (golden.get("os") or {}).get("platform")
    a_os = (actual.get("os") or {}).get("platform")
    if g_os and a_os and g_os != a_os:
        changes.append(f"os {g_os} → {a_os}")
    g_gpu = ", ".join(str(g.get("name")) for g in golden.get("gpus") or []) or "none"
    a_gpu = ", ".join(str(g.get("name")) for g in actual.get("gpus") or []) or "none"
    if ("gpus" in golden or "gpus" in actual) and g_gpu != a_gpu:
        changes.append(f"gpu {g_gpu} → {a_gpu}")
    return changes


def notebook_kernel(path: Path) -> str | None:
    """The kernel a notebook asks for (``metadata.kernelspec.name``), read cheaply; None if unknown."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        name = data["metadata"]["kernelspec"]["name"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return name if isinstance(name, str) and name else None


def attach_fingerprint(execution: Any, fingerprint: dict[str, Any], **extra: Any) -> Any:
    """``execution`` (an ``ExecutionResult``) with ``environment`` set, and the executed file updated.

    The execute step's own ``environment`` (if it records one) wins key by key: it saw the kernel.
    """
    environment = {
        **fingerprint,
        **{k: v for k, v in extra.items() if v is not None},
        **(execution.environment or {}),
    }
    if execution.executed_path and Path(execution.executed_path).is_file():
        # The notebook on disk is the execute step's: a fingerprint must not break it.
        with contextlib.suppress(OSError, ValueError):
            store_in_notebook(Path(execution.executed_path), environment)
    return execution.model_copy(update={"environment": environment})


def environment_changes(golden: Path, actual: dict[str, Any] | None) -> list[str] | None:
    """What changed since the golden's run; None when either side recorded no fingerprint."""
    recorded = golden_fingerprint(golden)
    if recorded is None or not actual:
        return None
    return diff_fingerprints(recorded, actual)
