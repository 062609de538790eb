"""TorchServe 0.12.0: readiness from the management API (a READY worker), inference API predictions."""

from __future__ import annotations

import httpx
import pytest
from probe_harness import assert_right_passes, assert_wrong_fails, checks, endpoint

from nbgate.outcomes import Outcome
from nbgate.steps.probe import probe

pytestmark = pytest.mark.servers  # real model servers in their own venvs


def _ep(torchserve, name: str, model: str, **extra):  # type: ignore[no-untyped-def]
    return endpoint(
        name,
        "torchserve",
        torchserve.url,
        model=model,
        management_url=torchserve.extra["management"],
        **extra,
    )


def test_right_model_passes_all_checks(torchserve, executed_notebook) -> None:
    ep = _ep(torchserve, "ts-right", "right", version="1.0", metadata={})
    assert_right_passes(ep, executed_notebook, ["health", "metadata", "golden:sample", "consistency"])


def test_wrong_model_fails(torchserve, executed_notebook) -> None:
    assert_wrong_fails(_ep(torchserve, "ts-wrong", "wrong"), executed_notebook)


def test_unknown_version_fails_health_and_metadata(torchserve) -> None:
    [result] = probe(
        [_ep(torchserve, "ts-v", "right", version="9.9", metadata={}, golden=[], consistency=None)]
    )
    assert result.outcome is Outcome.MISMATCH
    assert not checks(result)["metadata"].passed and "9.9" in checks(result)["metadata"].message


def test_zero_workers_fails_health_although_ping_answers(torchserve) -> None:
    mgmt = torchserve.extra["management"]
    r = httpx.post(
        f"{mgmt}/models", params={"url": "idle.mar", "initial_workers": 0, "synchronous": "true"}, timeout=120
    )
    assert r.status_code == 200, r.text
    assert httpx.get(f"{torchserve.url}/ping", timeout=30).status_code == 200  # /ping alone lies
    [result] = probe([_ep(torchserve, "ts-idle", "idle", golden=[], consistency=None)])
    health = checks(result)["health"]
    assert health.outcome is Outcome.MISMATCH
    assert "'idle' has no READY worker" in health.message and "although /ping answers" in health.message
