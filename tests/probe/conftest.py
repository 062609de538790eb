"""Fixtures of the probe tests: stdlib servers, real model servers in their own venvs, notebooks."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVERS = Path(__file__).parent / "servers"
sys.path.insert(0, str(SERVERS))
sys.path.insert(0, str(Path(__file__).parent))

import stdlib_v2  # noqa: E402
from probe_servers import *  # noqa: E402, F403 — the real-server fixtures


@pytest.fixture
def v2server() -> Iterator[stdlib_v2.V2Server]:
    server = stdlib_v2.serve()
    yield server
    server.behaviour.release.set()
    server.shutdown()
    server.server_close()
