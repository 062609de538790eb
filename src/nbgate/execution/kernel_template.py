"""A pre-imported IPython kernel that forks a fresh kernel per notebook (run as ``-m``).

Half of a kernel's start-up is the interpreter importing ipykernel, IPython, zmq and
tornado (~0.5 s of CPU, every time). When ``nbgate run`` executes many notebooks it starts
this template once; the template imports those modules and then, for each notebook, forks:
the child becomes an ordinary ``python -m ipykernel_launcher -f <connection file>`` kernel
in its own session, working directory and environment, with nothing imported that a fresh
kernel would not import itself. Each notebook still gets its own process and its own
kernel: only the import work is shared, copy-on-write.

Why not ``multiprocessing``'s forkserver: its children re-import the parent's ``__main__``
(nbgate's CLI, or pytest under the tests) before running the target, so a kernel would
carry nbgate's modules; and its target runs inside multiprocessing's bootstrap, which a
long-lived kernel should not.

Protocol, one JSON object per line. In on stdin: ``{"argv", "cwd", "env", "log"}``. Out on
stdout: ``{"pid": N}`` (or ``{"error": "..."}``) for each request, in order, and
``{"exited": N, "returncode": R}`` when a child ends (``R`` as ``Popen.returncode``:
negative for a signal). EOF on stdin stops the template; its kernels then see their parent
gone (``JPY_PARENT_PID``) and exit, as kernels do when the notebook server dies.

Kernels need Linux ``fork()`` semantics: nbgate only starts a template there.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import selectors
import signal
import sys
from typing import Any

# Imported here, once, so that every forked kernel finds them already loaded.
# ipykernel.debugger pulls in debugpy/pydevd: ~0.3 s of every kernel's start on its own.
PRELOAD = ("ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell", "ipykernel.debugger")
# Variables the preloaded modules set on import (filled in by main()).
_IMPORT_DEFAULTS: dict[str, str] = {}
# What `python -m` put first on sys.path (nothing under -P / PYTHONSAFEPATH).
_LAUNCH_ENTRY = None if getattr(sys.flags, "safe_path", False) else (sys.path[0] if sys.path else None)


def _write(message: dict[str, Any]) -> None:
    # os.write, not sys.stdout: a buffered line must not be inherited (and repeated) by a child.
    data = (json.dumps(message) + "\n").encode()
    while data:
        data = data[os.write(1, data) :]


def _become_kernel(request: dict[str, Any], launcher: str, wakeup_fds: tuple[int, int]) -> int:
    """In the child: look exactly like ``python -m ipykernel_launcher``, then run the kernel."""
    signal.set_wakeup_fd(-1)
    for fd in wakeup_fds:
        os.close(fd)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # interrupts are KeyboardInterrupt
    signal.signal(signal.SIGTERM, signal.SIG_DFL)

    log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(null)
    os.close(log)

    cwd = request["cwd"]
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(request["env"])
    # Defaults the preloaded modules put in the environment as they were imported (debugpy:
    # PYDEVD_USE_FRAME_EVAL), as a kernel importing them itself would find them.
    for key, value in _IMPORT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    # The kernel's parent is this template: ipykernel exits when its parent is gone. The
    # option too, not just the variable: ipykernel read the variable at import, in the template.
    parent = str(os.getppid())
    os.environ["JPY_PARENT_PID"] = parent
    sys.argv = [launcher, *request["argv"], f"--IPKernelApp.parent_handle={parent}"]
    # ipykernel_launcher drops the entry `python -m` put first (the launch directory); the
    # shell then adds '' (the working directory) itself, so a notebook imports its neighbours.
    if _LAUNCH_ENTRY is not None and sys.path and sys.path[0] == _LAUNCH_ENTRY:
        del sys.path[0]
    for name in [m for m in sys.modules if m == "nbgate" or m.startswith("nbgate.")]:
        del sys.modules[name]

    from ipykernel.kernelapp import launch_new_instance

    try:
        launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    # The interpreter's own exit would run these (IPython's history, the notebook's own).
    atexit._run_exitfuncs()
    return code


def _reap() -> None:
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        _write({"exited": pid, "returncode": os.waitstatus_to_exitcode(status)})


def _spawn(request: dict[str, Any], launcher: str, wakeup_fds: tuple[int, int]) -> None:
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns into the template's loop
        code = 1
        try:
            os.close(ready_r)
            # What Popen(start_new_session=True) gives a kernel: no controlling terminal, its own
            # process group (a signal to the group reaches what the notebook spawned, not nbgate).
            os.setsid()
            os.close(ready_w)  # tells the template: the group exists, signalling it is safe
            code = _become_kernel(request, launcher, wakeup_fds)
        except BaseException:  # report it in the kernel log, then exit
            import traceback

            traceback.print_exc()
        finally:
            for stream in (sys.stdout, sys.stderr):
                with contextlib.suppress(Exception):  # exiting anyway
                    stream.flush()
            os._exit(code)
    os.close(ready_w)
    os.read(ready_r, 1)  # EOF once the child has its own session (or has died)
    os.close(ready_r)
    _write({"pid": pid})


def main() -> int:
    import importlib
    import importlib.util

    before = dict(os.environ)
    for module in PRELOAD:
        importlib.import_module(module)
    _IMPORT_DEFAULTS.update({k: v for k, v in os.environ.items() if before.get(k) != v})
    import threading

    if threading.active_count() != 1:
        # fork() copies only the calling thread: a lock another thread held stays locked in
        # every kernel. Refuse, and nbgate launches its kernels the ordinary way.
        return 3
    spec = importlib.util.find_spec("ipykernel_launcher")
    launcher = spec.origin if spec is not None and spec.origin else "ipykernel_launcher"

    # Ctrl-C in nbgate's terminal is nbgate's to handle: it stops the kernels it started.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_r, False)
    os.set_blocking(wake_w, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)  # a handler, so the wakeup fd is written

    selector = selectors.DefaultSelector()
    selector.register(0, selectors.EVENT_READ)
    selector.register(wake_r, selectors.EVENT_READ)
    _write({"ready": os.getpid()})
    pending = b""
    while True:
        for key, _events in selector.select():
            if key.fd == wake_r:
                while True:
                    try:
                        if not os.read(wake_r, 512):
                            break
                    except BlockingIOError:
                        break
                _reap()
                continue
            chunk = os.read(0, 65536)
            if not chunk:  # nbgate is gone or done
                return 0
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if not line.strip():
                    continue
                try:
                    _spawn(json.loads(line), launcher, (wake_r, wake_w))
                except Exception as exc:  # the requester reports it
                    _write({"error": f"{type(exc).__name__}: {exc}"})
        _reap()


if __name__ == "__main__":
    sys.exit(main())
