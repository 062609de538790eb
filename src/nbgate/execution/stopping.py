"""Stopping kernels: now, or in the background while the run goes on.

A kernel's graceful stop (shutdown request, the notebook's own exit handlers, the process
ending) takes 0.1–0.3 s. Its outputs are all in the executed notebook by then, so a runner
that still has comparing and reporting to do lets the stop finish in the background:
inside ``background_stops()``, ``stop_kernel`` queues the stop, and leaving the block
waits for every queued stop. Each stop is bounded by its own timeout, so that wait is too.
Outside the block (the ``nbgate execute`` step, library callers) a stop happens at once:
when ``execute()`` returns there, its kernel is gone.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nbgate.execution.kernel import KernelHandle

__all__ = ["background_stops", "stop_kernel"]


class _Stops:
    """The process's background-stop pool while a ``background_stops()`` block is open."""

    lock = threading.Lock()
    pool: ThreadPoolExecutor | None = None
    pending: list[Future[None]] = []  # one process-wide list, guarded by lock


def _stop(handle: KernelHandle, timeout: float, scratch: Path | None) -> None:
    try:
        handle.shutdown(timeout)
    finally:
        if scratch is not None:  # the connection file and kernel log, once the kernel is gone
            shutil.rmtree(scratch, ignore_errors=True)


def stop_kernel(handle: KernelHandle, timeout: float, *, remove: Path | None = None) -> None:
    """Stop ``handle`` (then remove the ``remove`` directory): queued inside a block, else now."""
    with _Stops.lock:
        if _Stops.pool is not None:
            _Stops.pending.append(_Stops.pool.submit(_stop, handle, timeout, remove))
            return
    _stop(handle, timeout, remove)


@contextlib.contextmanager
def background_stops() -> Iterator[None]:
    """Queue kernel stops while inside; on leaving, wait for all of them (nested: no-op)."""
    with _Stops.lock:
        if _Stops.pool is not None:
            owner = False
        else:
            owner = True
            _Stops.pool = ThreadPoolExecutor(thread_name_prefix="nbgate-kernel-stop")
    try:
        yield
    finally:
        if owner:
            with _Stops.lock:
                pool, _Stops.pool = _Stops.pool, None
                pending, _Stops.pending = _Stops.pending, []
            for future in pending:
                with contextlib.suppress(Exception):  # a stop that failed has killed its kernel
                    future.result()
            if pool is not None:
                pool.shutdown(wait=True)
