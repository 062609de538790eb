"""Seldon Core 1.18.2 Python wrapper (Seldon v1 protocol: /health/ping, /api/v1.0/predictions)."""

from __future__ import annotations

import pytest
from probe_harness import assert_right_passes, assert_wrong_fails, endpoint

pytestmark = pytest.mark.servers  # real model servers in their own venvs


def test_right_model_passes(seldon, executed_notebook) -> None:
    ep = endpoint("seldon-right", "seldon", seldon.url, model="right")
    assert_right_passes(ep, executed_notebook, ["health", "golden:sample", "consistency"])


def test_wrong_model_fails(seldon, executed_notebook) -> None:
    assert_wrong_fails(
        endpoint("seldon-wrong", "seldon", seldon.extra["wrong"], model="wrong"), executed_notebook
    )


def test_seldon_listens_on_loopback_only(seldon) -> None:
    """Seldon's gunicorn and gRPC bind 0.0.0.0 by themselves; the shim keeps them on loopback."""
    from probe_process import listening_addresses

    addresses = listening_addresses(seldon.process.proc.pid)
    assert addresses and addresses <= {"127.0.0.1", "::1", "::ffff:127.0.0.1"}, addresses
