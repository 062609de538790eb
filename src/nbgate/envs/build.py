"""A clean environment: a venv built only from the repo's declared requirements + ipykernel.

Cached by a hash of the declaration files (and the interpreter and index settings): the
second run with the same requirements reuses the environment (``cacheHit: true``). The
venv is built under a temporary name next to its final place and renamed into place once
it works, so a half-built environment is never reused and concurrent builders cannot
collide. Its kernelspec lives in the venv's own prefix (``share/jupyter/kernels``) under
a name derived from the hash; nbgate finds it through ``JUPYTER_PATH`` (process-wide, but
additive and uniquely named, so other kernels are unaffected). When the cache directory
is not writable, the environment is built under the run's scratch space, uncached.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from nbgate.envs.options import EnvOptions, default_cache_dir
from nbgate.envs.requirements import Declarations, find_declarations
from nbgate.errors import InputError, TransientError

__all__ = ["CleanEnv", "CleanEnvProvider", "ensure_clean_env"]

ENV_FORMAT = "1"  # bump when the layout of a built environment changes: old caches are ignored
MARKER = "nbgate-env.json"
_PATH_LOCK = threading.Lock()
_TRANSIENT_WORDS = (
    "ConnectionError",
    "Max retries exceeded",
    "Temporary failure in name resolution",
    "Read timed out",
    "Connection refused",
    "Network is unreachable",
    "HTTP error 5",
    "ProxyError",
)


@dataclass(frozen=True)
class CleanEnv:
    kernel_name: str
    prefix: Path
    python: Path
    cache_hit: bool
    requirements_hash: str
    declarations: Declarations = field(repr=False)
    cached: bool = True  # False: built under scratch (cache dir not writable)

    def kernel_env(self) -> dict[str, str]:
        """The kernel's environment: this venv first, nothing leaking in from the author's."""
        bindir = str(self.python.parent)
        return {
            "VIRTUAL_ENV": str(self.prefix),
            "PATH": bindir + os.pathsep + os.environ.get("PATH", ""),
            "PYTHONNOUSERSITE": "1",  # no ~/.local site-packages
            "PYTHONPATH": "",  # empty: ignored by Python, so nothing the caller exported leaks in
        }

    def to_wire(self) -> dict[str, Any]:
        return {
            "kernel": self.kernel_name,
            "cacheHit": self.cache_hit,
            "cached": self.cached,
            "requirementsHash": self.requirements_hash,
            "prefix": str(self.prefix),
            "declaredIn": [self.declarations._rel(p) for p in self.declarations.files],
        }


def _venv_python(prefix: Path) -> Path:
    return prefix / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _hash(decl: Declarations, options: EnvOptions) -> str:
    interpreter = (
        f"{platform.python_implementation()}-{sys.version_info[0]}.{sys.version_info[1]}-{platform.machine()}"
    )
    return decl.digest(
        ENV_FORMAT, interpreter, options.index_url or "", "\n".join(options.find_links), str(options.no_index)
    )


def _register_kernels(prefix: Path) -> None:
    """Make the venv's kernelspec findable by every KernelSpecManager in this process."""
    data_dir = str(prefix / "share" / "jupyter")
    with _PATH_LOCK:
        current = [p for p in os.environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
        if data_dir not in current:
            os.environ["JUPYTER_PATH"] = os.pathsep.join([data_dir, *current])


def _complete(prefix: Path) -> bool:
    return (prefix / MARKER).is_file() and _venv_python(prefix).exists()


def _writable(directory: Path) -> bool:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe = directory / f".probe-{uuid.uuid4().hex[:8]}"
        probe.touch()
        probe.unlink()
        return True
    except OSError:
        return False


def _size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def _clean_subprocess_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["PYTHONNOUSERSITE"] = "1"
    env.update(extra or {})
    return env


def _pip_failure(output: str, decl: Declarations) -> Exception:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR:")] or lines[-3:]
    detail = " ".join(errors)[-400:]
    files = ", ".join(decl._rel(p) for p in decl.files) or "no declaration files"
    if any(word in output for word in _TRANSIENT_WORDS):
        return TransientError(f"building the clean environment failed: package index unreachable: {detail}")
    return InputError(
        f"building the clean environment from {files} failed: {detail}: fix the requirement, or set "
        "environment.indexUrl / environment.findLinks to where it is published"
    )


def _run(
    args: list[str], *, cwd: Path, timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            args,
            cwd=cwd,
            env=_clean_subprocess_env(env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise TransientError(
            f"building the clean environment took longer than {timeout:g}s: check the package index "
            "(environment.indexUrl) or use a wheelhouse (environment.findLinks)"
        ) from None


def _install(tmp: Path, final: Path, decl: Declarations, options: EnvOptions, kernel_name: str) -> None:
    import venv

    venv.EnvBuilder(with_pip=False, symlinks=os.name != "nt", clear=True).create(tmp)
    python = _venv_python(tmp)
    requirements: list[str] = []
    for path in decl.requirement_files:
        requirements += ["-r", str(path)]
    requirements += decl.extra_requirements
    common = ["install", "--no-input", "--no-compile", *options.pip_options(), *requirements, "ipykernel"]
    if importlib.util.find_spec("pip") is not None:
        # nbgate's own pip drives the new venv: no ensurepip, seconds saved per build.
        args = [sys.executable, "-m", "pip", "--python", str(python), *common]
    else:
        done = _run([str(python), "-m", "ensurepip", "--default-pip"], cwd=decl.root, timeout=options.timeout)
        if done.returncode != 0:
            raise InputError(f"cannot bootstrap pip in the clean environment: {done.stderr.strip()[-300:]}")
        args = [str(python), "-m", "pip", *common]
    done = _run(args, cwd=decl.root, timeout=options.timeout, env=options.pip_env())
    if done.returncode != 0:
        raise _pip_failure(done.stdout + "\n" + done.stderr, decl)
    # The kernelspec, installed by the venv's own ipykernel (a smoke test of the environment).
    done = _run(
        [
            str(python),
            "-m",
            "ipykernel",
            "install",
            "--prefix",
            str(tmp),
            "--name",
            kernel_name,
            "--display-name",
            f"nbgate clean environment ({kernel_name})",
        ],
        cwd=decl.root,
        timeout=120,
    )
    if done.returncode != 0:
        raise InputError(f"the clean environment's ipykernel does not work: {done.stderr.strip()[-300:]}")
    spec_file = tmp / "share" / "jupyter" / "kernels" / kernel_name / "kernel.json"
    spec = json.loads(spec_file.read_text(encoding="utf-8"))
    spec["argv"][0] = str(_venv_python(final))  # the path it will have once renamed into place
    spec_file.write_text(json.dumps(spec, indent=1), encoding="utf-8")
    if options.scratch_size is not None:
        size = _size(tmp)
        if size > options.scratch_size:
            raise InputError(
                f"the clean environment takes {size / 2**20:.0f}Mi, more than environment.scratchSize "
                f"({options.scratch_size / 2**20:.0f}Mi): raise environment.scratchSize"
            )


def ensure_clean_env(repo: Path, options: EnvOptions, *, scratch: Path) -> CleanEnv:
    """The clean environment for ``repo``'s declared requirements: reused from the cache or built."""
    decl = find_declarations(repo)
    digest = _hash(decl, options)
    short = digest[:12]
    kernel_name = f"nbgate-{short}"
    cache_dir = (options.cache_dir or default_cache_dir()).expanduser()
    cached = _writable(cache_dir)
    base = cache_dir if cached else scratch / "envs"
    final = base / digest[:16]
    if cached and _complete(final):
        _register_kernels(final)
        return CleanEnv(kernel_name, final, _venv_python(final), True, digest, decl, cached)
    base.mkdir(parents=True, exist_ok=True)
    tmp = base / f".building-{digest[:16]}-{uuid.uuid4().hex[:8]}"
    try:
        _install(tmp, final, decl, options, kernel_name)
        marker = {
            "requirementsHash": digest,
            "kernel": kernel_name,
            "declaredIn": [decl._rel(p) for p in decl.files],
            "created": datetime.now(timezone.utc).isoformat(),
        }
        (tmp / MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")
        if final.exists() and not _complete(final):
            shutil.rmtree(final, ignore_errors=True)  # a leftover from an interrupted older layout
        try:
            tmp.rename(final)
        except OSError:
            if not _complete(final):  # not a concurrent builder that won the race
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _register_kernels(final)
    return CleanEnv(kernel_name, final, _venv_python(final), False, digest, decl, cached)


class CleanEnvProvider:
    """Builds the run's clean environment once, on first use, for every notebook thread."""

    def __init__(self, repo: Path, options: EnvOptions, scratch: Path) -> None:
        self._repo, self._options, self._scratch = repo, options, scratch
        self._lock = threading.Lock()
        self._env: CleanEnv | None = None
        self._error: Exception | None = None

    def get(self) -> CleanEnv:
        with self._lock:
            if self._env is None and self._error is None:
                try:
                    self._env = ensure_clean_env(self._repo, self._options, scratch=self._scratch)
                except Exception as exc:
                    self._error = exc
            if self._error is not None:
                raise self._error
            assert self._env is not None
            return self._env
