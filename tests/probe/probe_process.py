"""Start a server in its own venv and process group; poll readiness; stop the whole group."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
VENVS = REPO / ".venvs"
SERVERS = Path(__file__).parent / "servers"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def venv_python(name: str) -> Path:
    """The server venv's python, or skip (fail under NBGATE_REQUIRE_SERVERS=1) naming the target."""
    venv = VENVS / name
    if not (venv / ".installed").is_file():
        message = f"server venv .venvs/{name} missing: run `make server-{name}` (or `make servers`)"
        if os.environ.get("NBGATE_REQUIRE_SERVERS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return venv / "bin" / "python"


class ServerProcess:
    def __init__(
        self, name: str, argv: list[str], *, cwd: Path, log: Path, env: dict[str, str] | None = None
    ):
        self.name = name
        self.log = log
        full_env = {**os.environ, **(env or {})}
        full_env["PYTHONPATH"] = os.pathsep.join(
            [str(SERVERS / "loopback"), str(SERVERS), full_env.get("PYTHONPATH", "")]
        ).rstrip(os.pathsep)
        full_env.pop("VIRTUAL_ENV", None)
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            argv, cwd=cwd, env=full_env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    def tail(self, n: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-n:]

    def wait_ready(self, url: str, timeout: float = 300, ok: int = 200, check=None) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.tail()}")
            try:
                r = httpx.get(url, timeout=5)
                if r.status_code == ok and (check is None or check(r)):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"{self.name} not ready at {url} after {timeout}s:\n{self.tail()}")

    def stop(self) -> None:
        """Terminate the process group: servers fork workers (gunicorn, Java, Triton)."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(15)
        # Whatever the leader left behind in its group (workers, the Java frontend) goes too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()


def listening_addresses(pid: int) -> set[str]:
    """IPs the process group's processes listen on (to prove the loopback shim works)."""
    import psutil

    pgid = os.getpgid(pid)
    addresses = set()
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) != pgid:
                continue
            for conn in proc.net_connections(kind="inet"):
                if conn.status == psutil.CONN_LISTEN:
                    addresses.add(conn.laddr.ip)
        except (psutil.Error, ProcessLookupError):
            continue
    return addresses
