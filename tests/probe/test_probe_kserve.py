"""KServe 0.21.0 ModelServer with a custom kserve.Model: v1 and v2 REST."""

from __future__ import annotations

import pytest
from probe_harness import assert_right_passes, assert_wrong_fails, endpoint

pytestmark = pytest.mark.servers  # real model servers in their own venvs

META = {
    "inputs": [{"name": "x", "datatype": "FP64", "shape": [-1, 4]}],
    "outputs": [{"name": "y", "datatype": "FP64", "shape": [-1]}],
}


def test_v2_right_model_passes(kserve, executed_notebook) -> None:
    ep = endpoint("ks-v2", "kserve-v2", kserve.url, model="right", metadata=META, input_name="x")
    assert_right_passes(ep, executed_notebook, ["health", "metadata", "golden:sample", "consistency"])


def test_v2_wrong_model_fails(kserve, executed_notebook) -> None:
    assert_wrong_fails(
        endpoint("ks-v2-wrong", "kserve-v2", kserve.url, model="wrong", input_name="x"), executed_notebook
    )


def test_v1_right_model_passes(kserve, executed_notebook) -> None:
    ep = endpoint("ks-v1", "kserve-v1", kserve.url, model="right")
    assert_right_passes(ep, executed_notebook, ["health", "golden:sample", "consistency"])


def test_v1_wrong_model_fails(kserve, executed_notebook) -> None:
    assert_wrong_fails(endpoint("ks-v1-wrong", "kserve-v1", kserve.url, model="wrong"), executed_notebook)


def test_openshift_ai_is_kserve_behind_a_token_file(kserve, executed_notebook, tmp_path) -> None:
    """OpenShift AI = KServe behind a ServiceAccount token: the token file is read and sent."""
    token = tmp_path / "token"
    token.write_text("sa-token-abcdef123456")
    ep = endpoint(
        "ks-oai", "openshift-ai", kserve.url, model="right", input_name="x", auth={"tokenFile": str(token)}
    )
    assert_right_passes(ep, executed_notebook, ["health", "golden:sample", "consistency"])


def test_kserve_listens_on_loopback_only(kserve) -> None:
    """KServe binds 0.0.0.0 by itself; the sitecustomize shim must keep it on 127.0.0.1."""
    from probe_process import listening_addresses

    addresses = listening_addresses(kserve.process.proc.pid)
    assert addresses and addresses <= {"127.0.0.1", "::1", "::ffff:127.0.0.1"}, addresses


def test_grpc_right_passes_wrong_fails(kserve) -> None:
    from probe_harness import checks

    from nbgate.outcomes import Outcome
    from nbgate.steps.probe import probe

    grpc = f"127.0.0.1:{kserve.extra['grpc']}"
    [right] = probe(
        [
            endpoint(
                "ks-grpc",
                "kserve-v2",
                kserve.url,
                model="right",
                grpc_url=grpc,
                consistency=None,
                input_name="x",
            )
        ]
    )
    assert checks(right)["grpc"].passed, checks(right)["grpc"].message
    [wrong] = probe(
        [
            endpoint(
                "ks-grpc-w",
                "kserve-v2",
                kserve.url,
                model="wrong",
                grpc_url=grpc,
                consistency=None,
                input_name="x",
            )
        ]
    )
    assert checks(wrong)["grpc"].outcome is Outcome.MISMATCH
