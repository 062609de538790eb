"""Fixtures of the probe tests: stdlib servers, real model servers in their own venvs, notebooks."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVERS = Path(__file__).parent / "servers"
sys.path.insert(0, str(SERVERS))
sys.path.insert(0, str(Path(__file__).parent))

import linear  # noqa: E402
import stdlib_v2  # noqa: E402
from probe_servers import *  # noqa: E402, F403 — the real-server fixtures

from nbgate.probe.endpoint import Endpoint  # noqa: E402


@pytest.fixture
def v2server() -> Iterator[stdlib_v2.V2Server]:
    server = stdlib_v2.serve()
    yield server
    server.behaviour.release.set()
    server.shutdown()
    server.server_close()


def v2_endpoint(url: str, model: str = "right", **extra: object) -> Endpoint:
    data: dict[str, object] = {
        "name": f"ep-{model}",
        "platform": "kserve-v2",
        "url": url,
        "model": model,
        "golden": [
            {
                "name": "sample",
                "inputs": linear.X_SAMPLE,
                "expected": linear.predict("right", linear.X_SAMPLE),
            }
        ],
    }
    data.update(extra)
    return Endpoint.model_validate(data)
