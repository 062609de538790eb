"""A real Triton Inference Server (nvidia-pytriton 0.7.0 binary, CPU): V2 REST + model config."""

from __future__ import annotations

import pytest
from probe_harness import assert_right_passes, assert_wrong_fails, checks, endpoint

from nbgate.outcomes import Outcome
from nbgate.steps.probe import probe

pytestmark = pytest.mark.servers  # real model servers in their own venvs

META = {
    "inputs": [{"name": "x", "datatype": "FP64", "shape": [-1, 4]}],
    "outputs": [{"name": "y", "datatype": "FP64", "shape": [-1, 1]}],
    "maxBatchSize": 16,
}


def test_right_model_passes(triton, executed_notebook) -> None:
    ep = endpoint(
        "tr-right", "triton", triton.url, model="right", metadata=META, input_name="x", output_name="y"
    )
    assert_right_passes(ep, executed_notebook, ["health", "metadata", "golden:sample", "consistency"])


def test_wrong_model_fails(triton, executed_notebook) -> None:
    assert_wrong_fails(
        endpoint("tr-wrong", "triton", triton.url, model="wrong", input_name="x"), executed_notebook
    )


def test_model_config_mismatch_is_named(triton) -> None:
    meta = {**META, "maxBatchSize": 64}
    [result] = probe(
        [endpoint("tr-cfg", "triton", triton.url, model="right", metadata=meta, golden=[], consistency=None)]
    )
    check = checks(result)["metadata"]
    assert check.outcome is Outcome.MISMATCH and "max_batch_size: expected 64, got 16" in check.message


def test_unknown_model_fails_health(triton) -> None:
    [result] = probe([endpoint("tr-none", "triton", triton.url, model="absent", golden=[], consistency=None)])
    assert checks(result)["health"].outcome is Outcome.MISMATCH


def test_grpc_right_passes_wrong_fails(triton) -> None:
    grpc = f"127.0.0.1:{triton.extra['grpc']}"
    [right] = probe(
        [endpoint("tr-grpc", "triton", triton.url, model="right", grpc_url=grpc, consistency=None)]
    )
    assert checks(right)["grpc"].passed, checks(right)["grpc"].message
    [wrong] = probe(
        [endpoint("tr-grpc-w", "triton", triton.url, model="wrong", grpc_url=grpc, consistency=None)]
    )
    assert checks(wrong)["grpc"].outcome is Outcome.MISMATCH


def test_grpc_stopped_server_is_transient(triton) -> None:
    from probe_process import free_port

    ep = endpoint(
        "tr-grpc-dead",
        "triton",
        triton.url,
        model="right",
        grpc_url=f"127.0.0.1:{free_port()}",
        consistency=None,
        golden=[],
        retries={"attempts": 2, "backoff": 0.05},
    )
    [result] = probe([ep], deadline=60)
    check = checks(result)["grpc"]
    assert check.outcome is Outcome.TRANSIENT_ERROR and check.details["errorKind"] == "connection"
