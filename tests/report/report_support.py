"""Helpers of the report tests: external tools (Chromium, Pushgateway, promtool) found or skipped
naming their make target, and free ports.

A module of its own, not conftest: every test area has a conftest, so ``from conftest import …``
could pick up another area's.
"""

from __future__ import annotations

import os
import shutil
import socket

import pytest

MAKE_TARGET = "report-tools"


def need_tool(name: str) -> str:
    """The tool's path; else skip (or fail under NBGATE_REQUIRE_TOOLS=1) naming the make target."""
    path = name if os.path.isabs(name) and os.access(name, os.X_OK) else shutil.which(name)
    if path:
        return path
    message = f"{name} is not installed: run `make {MAKE_TARGET}` (Debian packages + playwright client)"
    if os.environ.get("NBGATE_REQUIRE_TOOLS") == "1":
        pytest.fail(message)
    pytest.skip(message)


def need_module(name: str) -> None:
    try:
        __import__(name)
    except ImportError:
        message = f"Python package {name} is missing: run `make {MAKE_TARGET}`"
        if os.environ.get("NBGATE_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
