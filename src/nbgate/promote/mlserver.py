"""A real model server on 127.0.0.1 for the local loop: MLServer with mlserver-sklearn.

One server process; models are loaded and unloaded through MLServer's repository API, each from
its own ``<repo>/<model>/model-settings.json`` pointing at the artifact's ``model.joblib``, so
"promote" is a reload of the stable model name from the candidate's artifact and "roll back" is
unloading the candidate: the stable model never stops serving.

The server comes from a venv (``make server-mlserver`` builds ``.venvs/mlserver``; or
``NBGATE_MLSERVER`` names the ``mlserver`` executable): its pins are not nbgate's.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

from nbgate.errors import InputError, TransientError

__all__ = ["LocalModelServer", "find_mlserver"]


def find_mlserver(repo_root: Path | None = None) -> Path:
    env = os.environ.get("NBGATE_MLSERVER")
    candidates = [Path(env)] if env else []
    for root in [repo_root, Path.cwd()]:
        if root is not None:
            candidates.append(root / ".venvs" / "mlserver" / "bin" / "mlserver")
    found = shutil.which("mlserver")
    if found:
        candidates.append(Path(found))
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return path.absolute()
    raise InputError(
        "no MLServer found for the local model server: run `make server-mlserver` (builds "
        ".venvs/mlserver) or set NBGATE_MLSERVER to an mlserver executable with mlserver-sklearn"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalModelServer:
    """``with LocalModelServer(dir) as server: server.load("churn", artifact_dir)``."""

    def __init__(
        self, workdir: Path, *, executable: Path | None = None, startup_timeout: float = 180
    ) -> None:
        self.workdir = workdir
        self.repo = workdir / "repository"
        self.executable = (executable or find_mlserver()).absolute()
        self.startup_timeout = startup_timeout
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LocalModelServer:
        self.start()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self) -> None:
        import httpx

        self.repo.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        settings = {
            "host": "127.0.0.1",  # loopback only: MLServer binds HTTP, gRPC and metrics to it
            "http_port": self.port,
            "grpc_port": _free_port(),
            "metrics_port": _free_port(),
            "parallel_workers": 0,
            "load_models_at_startup": False,
        }
        (self.repo / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
        log = (self.workdir / "mlserver.log").open("wb")
        env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
        # Its own process group: MLServer forks; stop() ends the whole group.
        self._proc = subprocess.Popen(
            [str(self.executable), "start", str(self.repo)],
            cwd=self.workdir,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        end = time.monotonic() + self.startup_timeout
        while time.monotonic() < end:
            if self._proc.poll() is not None:
                raise TransientError(f"MLServer exited with {self._proc.returncode}: {self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/v2/health/ready", timeout=2).status_code == 200:
                    return
            time.sleep(0.3)
        self.stop()
        raise TransientError(f"MLServer not ready on {self.url} after {self.startup_timeout:.0f}s")

    def log_tail(self, n: int = 600) -> str:
        path = self.workdir / "mlserver.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return " ".join(text[-n:].split())

    def stop(self) -> None:
        proc = self._proc
        if proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        self._proc = None

    def load(self, name: str, artifact: Path) -> None:
        """(Re)load model ``name`` from ``artifact/model.joblib``; a reload swaps it in place."""
        import httpx

        model_file = artifact / "model.joblib"
        if not model_file.is_file():
            raise InputError(f"{artifact} has no model.joblib: the training script must save one")
        folder = self.repo / name
        folder.mkdir(parents=True, exist_ok=True)
        settings = {
            "name": name,
            "implementation": "mlserver_sklearn.SKLearnModel",
            "parameters": {"uri": str(model_file.resolve())},
        }
        (folder / "model-settings.json").write_text(json.dumps(settings), encoding="utf-8")
        r = httpx.post(f"{self.url}/v2/repository/models/{name}/load", timeout=120)
        if r.status_code != 200:
            raise TransientError(
                f"MLServer could not load {name!r} from {artifact}: HTTP {r.status_code} {r.text[:200]}"
            )

    def unload(self, name: str) -> None:
        import httpx

        r = httpx.post(f"{self.url}/v2/repository/models/{name}/unload", timeout=60)
        if r.status_code not in (200, 404):
            raise TransientError(f"MLServer could not unload {name!r}: HTTP {r.status_code} {r.text[:200]}")
        shutil.rmtree(self.repo / name, ignore_errors=True)

    def ready(self, name: str) -> bool:
        import httpx

        try:
            return httpx.get(f"{self.url}/v2/models/{name}/ready", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False
