"""The kernel's life: find its spec, launch it early, say how it died, stop it in bounded time.

The kernel is launched before papermill is even imported, so its ~1 s boot overlaps
nbgate's own work (loading, parameterizing); the started ``KernelManager`` is then handed
to papermill's nbclient client, which accepts a pre-started ``km`` and leaves it to us to
shut down — with a timeout, because a validator must never hang on a stuck kernel.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nbgate.errors import InputError

__all__ = ["KernelHandle", "MissingKernelError", "describe_exit", "find_kernelspec", "launch_kernel"]


class MissingKernelError(InputError):
    """The requested kernelspec is not installed (outcome ``missing_kernel``, exit 2)."""


def ipython_kernel_dirs() -> list[Path]:
    """Where IPython's ``get_ipython_dir()`` may point, each with ``kernels`` appended."""
    home = Path.home()
    xdg = os.environ.get("XDG_CONFIG_HOME") or str(home / ".config")
    roots = [os.environ.get("IPYTHONDIR"), os.environ.get("IPYTHON_DIR"), str(home / ".ipython")]
    roots.append(f"{xdg}/ipython")
    return [Path(root) / "kernels" for root in roots if root]


def kernel_spec_manager() -> Any:
    """A new ``KernelSpecManager``, without importing IPython when that changes nothing.

    jupyter_client adds ``<ipython dir>/kernels`` to the kernel search path, importing all of
    IPython (~0.1 s, ahead of the kernel's launch) to learn where the IPython dir is. When no
    directory it could be has a ``kernels`` folder, that entry finds nothing: search the
    Jupyter paths alone. A new manager every time: clean environments extend JUPYTER_PATH.
    """
    from jupyter_client.kernelspec import KernelSpecManager

    if any(candidate.is_dir() for candidate in ipython_kernel_dirs()):
        return KernelSpecManager()
    from jupyter_core.paths import jupyter_path

    return KernelSpecManager(kernel_dirs=jupyter_path("kernels"))


def find_kernelspec(name: str) -> Any:
    """The installed ``KernelSpec`` called ``name``, or an error listing those installed."""
    from jupyter_client.kernelspec import NoSuchKernel

    ksm = kernel_spec_manager()
    try:
        return ksm.get_kernel_spec(name)
    except NoSuchKernel:
        installed = ", ".join(sorted(ksm.find_kernel_specs())) or "none"
        raise MissingKernelError(
            f"kernel {name!r} is not installed (installed kernels: {installed}); "
            f"install it (e.g. python -m ipykernel install --user --name {name}) "
            "or choose one with --kernel / spec.kernel"
        ) from None


def describe_exit(returncode: int | None) -> str:
    """How the kernel process ended, in words a person acts on."""
    if returncode is None:
        return "the kernel stopped responding"
    if returncode < 0:
        signum = -returncode
        if signum == signal.SIGKILL:
            # The OOM killer sends SIGKILL; so can a person, but memory is the usual reason.
            return f"killed by signal {signum} (likely out of memory)"
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = "unknown signal"
        return f"killed by signal {signum} ({name})"
    return f"exited with code {returncode}"


class KernelHandle:
    """A launched kernel: its manager (for nbclient), its process (for exit codes, signals)."""

    def __init__(self, km: Any, process: subprocess.Popen[bytes]) -> None:
        self.km = km
        self.process = process
        self.pid: int = process.pid
        pgid: int | None = getattr(km.provisioner, "pgid", None)
        self.pgid = pgid
        self._stop_requested = False

    def request_stop(self) -> None:
        """Ask the kernel to stop and return at once; ``shutdown`` later waits for the exit.

        A graceful stop (the notebook's exit handlers, the interpreter's teardown) takes
        0.2–0.3 s: asked for as soon as the last output is in, it runs while nbgate saves
        the notebook, compares and reports.
        """
        from jupyter_core.utils import run_sync

        if self._stop_requested:
            return
        self._stop_requested = True
        try:
            run_sync(self.km.request_shutdown)()
        except Exception:  # the kernel may be gone already; shutdown() still makes sure
            self._stop_requested = False

    def returncode(self, wait: float = 1.0) -> int | None:
        """The exit status; waits a little, as a dying kernel may not be reaped yet."""
        try:
            return self.process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return None

    def shutdown(self, timeout: float) -> None:
        """Stop the kernel: ask, then SIGTERM, then SIGKILL; never longer than ``timeout``."""
        from jupyter_core.utils import run_sync

        km = self.km
        km.shutdown_wait_time = max(timeout - 0.5, 0.2)

        async def _stop() -> None:
            # km.shutdown_kernel(), minus its interrupt and with a finer poll: the kernel
            # is idle, and most of a stop is waiting for the process to exit.
            if await km.is_alive():
                if not self._stop_requested:
                    await km.request_shutdown()
                await km.finish_shutdown(waittime=km.shutdown_wait_time, pollinterval=0.02)
            await km.cleanup_resources()

        try:
            run_sync(_stop)()
        except Exception:  # whatever went wrong, the process must not survive us
            self.kill()
            # Best effort: sockets and the connection file.
            with contextlib.suppress(Exception):
                run_sync(km.cleanup_resources)()
        self.kill()  # anything the kernel spawned into its process group
        self.returncode(wait=1.0)

    def kill(self) -> None:
        try:
            if self.pgid is not None:
                os.killpg(self.pgid, signal.SIGKILL)
            elif self.process.poll() is None:
                self.process.kill()
        except (ProcessLookupError, PermissionError):
            pass


def _fork_when_possible(km: Any) -> None:
    """Route the launch through the kernel template when this run started one (see ``forked``).

    A kernelspec that names its own provisioner keeps it; the forked provisioner itself
    falls back to an ordinary launch for any kernel the template cannot stand in for.
    """
    from nbgate.execution.forked import PROVISIONER_NAME, active_template

    if active_template() is not None:
        _use_provisioner(km, PROVISIONER_NAME)


def _use_provisioner(km: Any, name: str) -> None:
    """Have ``km`` launch through nbgate's provisioner ``name``, unless its kernelspec names one."""
    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    spec = km.kernel_spec
    if "kernel_provisioner" in spec.metadata:
        return
    spec.metadata["kernel_provisioner"] = {"provisioner_name": name}
    if not KernelProvisionerFactory.instance().is_provisioner_available(spec):
        # nbgate runs from a source tree, not installed (no entry point): launch as usual.
        del spec.metadata["kernel_provisioner"]


def launch_kernel(
    kernel_name: str,
    *,
    cwd: Path,
    env: Mapping[str, str],
    scratch_dir: Path,
    early_connection_file: str | None = None,
) -> KernelHandle:
    """Start the kernel process now; readiness is awaited later, by nbclient.

    ``early_connection_file``: the kernel ``nbgate.execution.early`` already started for
    this connection file is adopted instead, when it is what would be started here.
    """
    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.utils import run_sync

    # The connection file lives in the scratch dir, not ~/.local/share/jupyter/runtime:
    # a pod's root filesystem is read-only.
    km = AsyncKernelManager(
        kernel_name=kernel_name,
        kernel_spec_manager=kernel_spec_manager(),
        connection_file=early_connection_file or str(scratch_dir / f"kernel-{uuid.uuid4().hex[:12]}.json"),
    )
    if early_connection_file is not None:
        _use_provisioner(km, "nbgate-early-provisioner")
    else:
        _fork_when_possible(km)
    kernel_env = {**os.environ, **env}
    # The kernel's own stdout/stderr (start-up warnings, a dying interpreter's last words)
    # go to a log in the scratch dir instead of nbgate's terminal.
    with open(scratch_dir / "kernel.log", "ab") as log:
        # As nbclient does when it starts an IPython kernel itself: history in memory, so
        # no sqlite file under $HOME (read-only in a pod) and a quicker start and stop.
        extra = ["--HistoryManager.hist_file=:memory:"] if km.ipykernel else []

        async def _start() -> None:
            await km.start_kernel(extra_arguments=extra, cwd=str(cwd), env=kernel_env, stdout=log, stderr=log)

        run_sync(_start)()
    process: subprocess.Popen[bytes] = km.provisioner.process  # type: ignore[union-attr]
    return KernelHandle(km, process)
