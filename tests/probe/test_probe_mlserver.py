"""MLServer 1.7.1 (V2 / Open Inference Protocol; also what Seldon v2 runs) with mlserver-sklearn."""

from __future__ import annotations

import httpx
import pytest
from probe_harness import assert_right_passes, assert_wrong_fails, checks, endpoint

from nbgate.outcomes import Outcome
from nbgate.steps.probe import probe

pytestmark = pytest.mark.servers  # real model servers in their own venvs

META = {
    "inputs": [{"name": "x", "datatype": "FP64", "shape": [-1, 4]}],
    "outputs": [{"name": "predict", "datatype": "FP64", "shape": [-1, 1]}],
}
ALL = ["health", "metadata", "golden:sample", "consistency"]


def test_right_model_passes_all_checks(mlserver, executed_notebook) -> None:
    for platform in ("kserve-v2", "oip"):
        ep = endpoint("mls-right", platform, mlserver.url, model="right", version="v1", metadata=META)
        assert_right_passes(ep, executed_notebook, ALL)


def test_wrong_model_fails_golden_and_consistency(mlserver, executed_notebook) -> None:
    assert_wrong_fails(
        endpoint("mls-wrong", "kserve-v2", mlserver.url, model="wrong", metadata=META), executed_notebook
    )


def test_metadata_mismatch_is_named(mlserver) -> None:
    meta = {"inputs": [{"name": "x", "datatype": "FP32", "shape": [-1, 3]}]}
    [result] = probe(
        [
            endpoint(
                "mls-meta",
                "kserve-v2",
                mlserver.url,
                model="right",
                metadata=meta,
                golden=[],
                consistency=None,
            )
        ]
    )
    check = checks(result)["metadata"]
    assert check.outcome is Outcome.MISMATCH
    assert "input 'x' datatype: expected FP32, got FP64" in check.message
    assert "shape: expected [-1, 3], got [-1, 4]" in check.message


def test_model_not_loaded_fails_health(mlserver) -> None:
    r = httpx.post(f"{mlserver.url}/v2/repository/models/spare/unload", timeout=60)
    assert r.status_code == 200, r.text
    [result] = probe(
        [endpoint("mls-spare", "kserve-v2", mlserver.url, model="spare", golden=[], consistency=None)]
    )
    health = checks(result)["health"]
    assert health.outcome is Outcome.MISMATCH and "'spare' is not ready" in health.message


def test_latency_mode_reports_percentiles(mlserver) -> None:
    ep = endpoint(
        "mls-lat",
        "kserve-v2",
        mlserver.url,
        model="right",
        consistency=None,
        latency={"requests": 40, "concurrency": 4, "slo": {"p99": "30s", "errorRate": 0.0}},
    )
    [result] = probe([ep])
    lat = checks(result)["latency"]
    assert lat.passed, lat.message
    assert lat.details["requests"] == 40 and lat.details["errors"] == 0
    assert 0 < lat.details["p50"] <= lat.details["p95"] <= lat.details["p99"]
    strict = endpoint(
        "mls-lat2",
        "kserve-v2",
        mlserver.url,
        model="right",
        consistency=None,
        latency={"requests": 10, "concurrency": 2, "slo": {"p50": 0.000001}},
    )
    [missed] = probe([strict])
    assert checks(missed)["latency"].outcome is Outcome.MISMATCH
    assert "p50" in checks(missed)["latency"].message and "> SLO" in checks(missed)["latency"].message


def test_grpc_right_passes_wrong_fails(mlserver) -> None:
    """The same V2 model over gRPC through tritonclient."""
    grpc = f"127.0.0.1:{mlserver.extra['grpc']}"
    [right] = probe(
        [endpoint("mls-grpc", "kserve-v2", mlserver.url, model="right", grpc_url=grpc, consistency=None)]
    )
    assert checks(right)["grpc"].passed, checks(right)["grpc"].message
    [wrong] = probe(
        [endpoint("mls-grpc-w", "kserve-v2", mlserver.url, model="wrong", grpc_url=grpc, consistency=None)]
    )
    check = checks(wrong)["grpc"]
    assert (
        check.outcome is Outcome.MISMATCH
        and "check grpc" in check.message
        and "outside rtol" in check.message
    )
