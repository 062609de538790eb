"""Live progress on the terminal: which notebook, which cell, how long.

On a TTY one status line is redrawn in place; elsewhere (CI logs, pods) each notebook's
start and finish is printed as a plain line, so logs stay readable.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass, field
from typing import Any, TextIO

from nbgate.outcomes import Verdict
from nbgate.results import NotebookResult

__all__ = ["Progress"]

_MARK = {Verdict.PASSED: "PASS", Verdict.FAILED: "FAIL", Verdict.ERROR: "ERROR", Verdict.TRANSIENT: "RETRY"}


@dataclass
class _Running:
    started: float
    cell: int | None = None
    cells: int | None = None


@dataclass
class Progress:
    total: int
    stream: TextIO = field(default_factory=lambda: sys.stderr)
    quiet: bool = False
    _running: dict[str, _Running] = field(default_factory=dict)
    _done: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _ticker: threading.Thread | None = None

    @property
    def live(self) -> bool:
        return not self.quiet and self.stream.isatty()

    def __enter__(self) -> Progress:
        if self.live:
            self._ticker = threading.Thread(target=self._tick, name="nbgate-progress", daemon=True)
            self._ticker.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=2)
            self._clear()

    def started(self, notebook: str) -> None:
        with self._lock:
            self._running[notebook] = _Running(started=time.monotonic())
        if not self.live and not self.quiet:
            self._line(f"[{self._done}/{self.total}] start  {notebook}")

    def event(self, notebook: str, event: Any) -> None:
        """An execute progress event (duck-typed: ``cell_index``/``cell_count`` attributes)."""
        with self._lock:
            running = self._running.get(notebook)
            if running is None:
                return
            running.cell = getattr(event, "cell_index", running.cell)
            running.cells = getattr(event, "cell_count", running.cells)

    def finished(self, result: NotebookResult) -> None:
        with self._lock:
            self._running.pop(result.notebook, None)
            self._done += 1
            done = self._done
        if self.quiet:
            return
        duration = f"{result.duration_seconds:.1f}s" if result.duration_seconds is not None else "-"
        text = f"[{done}/{self.total}] {_MARK[result.verdict]:5}  {result.notebook}  ({duration})"
        if result.verdict is not Verdict.PASSED:
            text += f"  {result.outcome.value}: {result.message}"
        if self.live:
            self._clear()
        self._line(text)

    # -- internals -------------------------------------------------------------------
    def _line(self, text: str) -> None:
        with self._lock:
            self.stream.write(text + "\n")
            self.stream.flush()

    def _clear(self) -> None:
        with self._lock:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()

    def _status(self) -> str:
        now = time.monotonic()
        parts = []
        for name, running in list(self._running.items())[:4]:
            cell = ""
            if running.cell is not None:
                cell = f" cell {running.cell + 1}" + (f"/{running.cells}" if running.cells else "")
            parts.append(f"{name}{cell} {now - running.started:.0f}s")
        more = len(self._running) - len(parts)
        tail = f" +{more} more" if more > 0 else ""
        return f"[{self._done}/{self.total}] running: " + ", ".join(parts) + tail

    def _tick(self) -> None:
        while not self._stop.wait(0.5):
            with self._lock:
                if not self._running:
                    continue
                status = self._status()[:200]
                self.stream.write("\r\x1b[2K" + status)
                self.stream.flush()
