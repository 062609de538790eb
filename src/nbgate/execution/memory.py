"""Peak memory of the kernel's process tree, per cell and per notebook (RSS, via psutil).

A light thread samples every 50 ms; the process tree (kernel + anything it spawned) is
re-listed every half second because walking /proc is the expensive part. Cells shorter
than a sample interval still get a figure: a sample is also taken at each cell's start
and end. psutil belongs to the ``execute`` extra; without it the figures are ``None``.
"""

from __future__ import annotations

import threading
import time
from typing import Any

__all__ = ["MemorySampler"]


class MemorySampler:
    def __init__(self, interval: float = 0.05, tree_every: float = 0.5) -> None:
        self.interval = interval
        self.tree_every = tree_every
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._root: Any = None  # psutil.Process
        self._procs: list[Any] = []
        self._listed_at = 0.0
        self.peak: int | None = None
        self._cell_peak: int | None = None

    def attach(self, pid: int) -> None:
        try:
            import psutil
        except ImportError:  # the execute extra is not installed: no memory figures
            return
        try:
            self._root = psutil.Process(pid)
        except psutil.Error:
            return
        self._procs = [self._root]
        self._thread = threading.Thread(target=self._run, name="nbgate-memory", daemon=True)
        self._thread.start()

    def cell_started(self) -> None:
        with self._lock:
            self._cell_peak = None
        self.sample()

    def cell_finished(self) -> int | None:
        self.sample()
        with self._lock:
            peak, self._cell_peak = self._cell_peak, None
        return peak

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def sample(self) -> None:
        if self._root is None:
            return
        import psutil

        now = time.monotonic()
        if now - self._listed_at >= self.tree_every:
            try:
                self._procs = [self._root, *self._root.children(recursive=True)]
            except psutil.Error:
                self._procs = []
            self._listed_at = now
        total = 0
        for proc in self._procs:
            try:
                total += proc.memory_info().rss
            except psutil.Error:
                continue  # a child that exited between listing and sampling
        if total == 0:
            return
        with self._lock:
            self.peak = max(self.peak or 0, total)
            self._cell_peak = max(self._cell_peak or 0, total)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()
