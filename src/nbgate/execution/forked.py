"""Kernels forked from a pre-imported template: one template per run, one process per notebook.

``nbgate run`` over many notebooks calls ``start_template()`` first; from then on every
``launch_kernel`` whose kernel is this interpreter's plain IPython kernel is forked by the
template (``nbgate.execution.kernel_template``) instead of started from scratch, which
saves the ~0.5 s of imports each kernel would otherwise repeat. Everything else (another
interpreter, another kernel, an environment that changes how Python itself starts) is
launched the ordinary way: the template is only ever an optimisation.

The template plugs in where Jupyter expects launch strategies, a kernel provisioner
(``nbgate.execution.provisioner``). This module imports only the stdlib, so the CLI can
start the template before anything heavy is imported.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from typing import IO, Any

__all__ = [
    "PROVISIONER_NAME",
    "SPAWN_TIMEOUT",
    "ForkedProcess",
    "KernelTemplate",
    "TemplateGone",
    "active_template",
    "kernel_template",
    "start_template",
    "stop_template",
]

PROVISIONER_NAME = "nbgate-forked-provisioner"
# The template's first answer waits for its imports (seconds on a loaded machine); later
# ones for one fork.
SPAWN_TIMEOUT = 30.0

# Variables read once, when the interpreter or the C runtime starts or when the template
# imports ipykernel's stack (traitlets defaults, IPython, zmq, tornado): a kernel forked from
# a template started under other values would not behave as one started with the notebook's.
_STARTUP_PREFIXES = (
    "PYTHON", "LD_", "LC_", "MALLOC_", "IPYTHON", "JUPYTER", "JPY_", "IPYKERNEL_", "TRAITLETS_",
    "PYZMQ_", "TORNADO_", "PYDEVD_",
)  # fmt: skip
_STARTUP_NAMES = frozenset({"LANG", "LANGUAGE", "VIRTUAL_ENV", "TERM", "QT_API", "PROGRAMDATA"})


def _startup_view(env: Mapping[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k in _STARTUP_NAMES or k.startswith(_STARTUP_PREFIXES)}


class TemplateGone(RuntimeError):
    """The template process exited: launch kernels the ordinary way."""


class ForkedProcess:
    """The ``Popen`` surface jupyter_client and nbgate use, for a kernel the template forked.

    The kernel is the template's child, so only the template can reap it; it reports the
    exit status, and ``poll``/``wait`` read that report. Signals go straight to the pid,
    but never after the exit was reported: by then the pid may belong to someone else.
    """

    stdin = stdout = stderr = None

    def __init__(self, template: KernelTemplate, pid: int) -> None:
        self._template = template
        self.pid = pid
        self.args = ["<forked ipykernel>", str(pid)]

    @property
    def returncode(self) -> int | None:
        return self._template.returncode(self.pid)

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        code = self._template.wait(self.pid, timeout)
        if code is None:
            raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
        return code

    def send_signal(self, signum: int) -> None:
        if self.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class KernelTemplate:
    """The template process and the line protocol spoken with it (see ``kernel_template``)."""

    def __init__(self) -> None:
        self._env = dict(os.environ)
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "nbgate.execution.kernel_template"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self._env,
            close_fds=True,
        )
        self._exits: dict[int, int] = {}
        self._replies: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self._request_lock = threading.Lock()  # one request in flight: replies come in order
        self._ready = False
        self._gone = False
        self._reader = threading.Thread(target=self._read, name="nbgate-kernel-template", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        stream: IO[bytes] | None = self._proc.stdout
        assert stream is not None
        for line in stream:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            with self._changed:
                if "exited" in message:
                    self._exits[int(message["exited"])] = int(message["returncode"])
                elif "ready" in message:
                    self._ready = True
                else:
                    self._replies.append(message)
                self._changed.notify_all()
        with self._changed:
            self._gone = True
            self._changed.notify_all()

    def compatible(self, cmd: list[str], env: Mapping[str, str]) -> bool:
        """Whether a kernel started as ``cmd`` with ``env`` may be forked from this template."""
        return (
            not self._gone
            and len(cmd) >= 3
            and cmd[0] == sys.executable
            and cmd[1:3] == ["-m", "ipykernel_launcher"]
            and _startup_view(env) == _startup_view(self._env)
        )

    def spawn(self, argv: list[str], *, cwd: str, env: Mapping[str, str], log: str) -> ForkedProcess:
        """Fork a kernel run as ``ipykernel_launcher argv`` in ``cwd`` with ``env``."""
        request = json.dumps({"argv": argv, "cwd": cwd, "env": dict(env), "log": log}) + "\n"
        with self._request_lock:
            stdin = self._proc.stdin
            assert stdin is not None
            try:
                stdin.write(request.encode())
                stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                raise TemplateGone("the kernel template has exited") from None
            with self._changed:
                if not self._changed.wait_for(lambda: self._replies or self._gone, SPAWN_TIMEOUT):
                    # A stuck template must not hang the run: give up on it for good.
                    self._proc.kill()
                    raise TemplateGone(f"the kernel template did not answer in {SPAWN_TIMEOUT:.0f} s")
                if not self._replies:
                    raise TemplateGone("the kernel template has exited")
                reply = self._replies.pop(0)
        if "pid" not in reply:
            raise TemplateGone(f"the kernel template could not fork: {reply.get('error')}")
        return ForkedProcess(self, int(reply["pid"]))

    def returncode(self, pid: int) -> int | None:
        with self._changed:
            return self._exits.get(pid)

    def wait(self, pid: int, timeout: float | None) -> int | None:
        with self._changed:
            self._changed.wait_for(lambda: pid in self._exits or self._gone, timeout)
            return self._exits.get(pid)

    def close(self, timeout: float = 2.0) -> None:
        """Stop the template; kernels still running see their parent gone and exit."""
        stdin = self._proc.stdin
        if stdin is not None:
            with contextlib.suppress(OSError):
                stdin.close()
        try:
            self._proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()


class _Slot:
    """This process's one template (a run's notebooks share it), behind a lock."""

    lock = threading.Lock()
    template: KernelTemplate | None = None


def start_template() -> bool:
    """Start this process's kernel template (Linux only); True when one is running."""
    if not sys.platform.startswith("linux"):
        return False  # fork() without exec is only safe enough where the kernel stack expects it
    with _Slot.lock:
        if _Slot.template is None:
            try:
                _Slot.template = KernelTemplate()
            except OSError:
                return False
    return True


def active_template() -> KernelTemplate | None:
    with _Slot.lock:
        return _Slot.template


@contextlib.contextmanager
def kernel_template(enabled: bool = True) -> Iterator[bool]:
    """A template for the duration of a run (when ``enabled``); True inside if one runs."""
    if not enabled or active_template() is not None:
        yield active_template() is not None
        return
    started = start_template()
    try:
        yield started
    finally:
        if started:
            stop_template()


@atexit.register
def stop_template() -> None:
    with _Slot.lock:
        template, _Slot.template = _Slot.template, None
    if template is not None:
        template.close()
