"""The whole-notebook deadline, enforced: interrupt the kernel, then kill it.

nbclient only knows a per-cell timeout, so a notebook of many short cells could run
forever. This watchdog thread starts before the kernel does (the deadline covers
start-up) and, at the deadline, sends SIGINT to the kernel's process group (a cell sees
KeyboardInterrupt and the notebook stops cleanly), then SIGKILL after a grace period if
the kernel is still there. nbclient notices the dead kernel within about a second.
It only sends signals, so it is safe to run beside the thread that drives nbclient.
"""

from __future__ import annotations

import os
import signal
import threading
import time

__all__ = ["DeadlineWatchdog"]

# How long an interrupted kernel gets to stop the running cell before it is killed.
DEFAULT_GRACE_SECONDS = 5.0


class DeadlineWatchdog:
    def __init__(self, seconds: float | None, *, grace: float = DEFAULT_GRACE_SECONDS) -> None:
        self.seconds = seconds
        self.grace = grace
        self._start = time.monotonic()
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._pgid: int | None = None
        self._thread: threading.Thread | None = None
        self.fired = False  # the deadline passed while the notebook was running
        self.fired_at: float | None = None  # time.monotonic() when it did
        self.killed = False  # …and the kernel had to be killed, not just interrupted

    def start(self) -> None:
        if self.seconds is None:
            return
        self._thread = threading.Thread(target=self._run, name="nbgate-deadline", daemon=True)
        self._thread.start()

    def attach(self, pid: int, pgid: int | None) -> None:
        """Point the watchdog at the kernel once it is launched."""
        with self._lock:
            self._pid, self._pgid = pid, pgid
            late = self.fired
        if late:  # the deadline passed while the kernel was being launched
            self._signal(signal.SIGKILL)
            self.killed = True

    def stop(self) -> None:
        """Stand down (before the kernel is shut down and reaped: its pid may be reused)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def remaining(self) -> float | None:
        if self.seconds is None:
            return None
        return self.seconds - (time.monotonic() - self._start)

    def _run(self) -> None:
        assert self.seconds is not None
        if self._stop.wait(max(0.0, self.seconds - (time.monotonic() - self._start))):
            return
        with self._lock:
            self.fired_at = time.monotonic()
            self.fired = True
        self._signal(signal.SIGINT)
        if self._stop.wait(self.grace):
            return
        self._signal(signal.SIGKILL)
        self.killed = True

    def _signal(self, signum: int) -> None:
        with self._lock:
            pid, pgid = self._pid, self._pgid
        if pid is None:
            return
        try:
            # Only while the group is still the kernel's: a reaped pid can be reused.
            if pgid is not None and os.getpgid(pid) == pgid:
                os.killpg(pgid, signum)
            else:
                os.kill(pid, signum)
        except (ProcessLookupError, PermissionError):
            pass
