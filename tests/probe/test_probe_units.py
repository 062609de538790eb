"""Pure parts: tolerance rules, spec validation, request shapes per platform, percentiles."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from nbgate.probe.endpoint import Endpoint
from nbgate.probe.latency import LatencyStats
from nbgate.probe.platforms import predict_request, predictions_of, torchserve_status
from nbgate.probe.tolerance import compare_json, compare_values, top_k_indices
from nbgate.probe.transport import ProbeFailure


def test_isclose_semantics() -> None:
    # |a-b| <= atol + rtol*|b| with b the expected value.
    assert compare_values([1.0 + 1e-7], [1.0], rtol=1e-6, atol=0) is None
    diff = compare_values([1.0, 2.1], [1.0, 2.0], rtol=1e-3, atol=0)
    assert diff and "1 of 2 values outside" in diff and "worst at 1" in diff
    assert compare_values(["cat"], ["dog"], rtol=1, atol=1) == "value 0: expected 'dog', got 'cat'"
    assert "expected 2 values, got 1" in (compare_values([1], [1, 2], rtol=0, atol=0) or "")


def test_json_subset_and_top_k() -> None:
    got = {"id": "x", "outputs": [{"data": [0.5000001, 1.0]}]}
    assert compare_json(got, {"outputs": [{"data": [0.5, 1.0]}]}, rtol=1e-5, atol=0) is None
    assert "$.outputs[0].data" in (
        compare_json(got, {"outputs": [{"data": [0.6, 1.0]}]}, rtol=1e-5, atol=0) or ""
    )
    assert top_k_indices([[0.1, 0.7, 0.2]], 2) == [[1, 2]]


def test_endpoint_validation_names_the_problem() -> None:
    with pytest.raises(ValidationError, match="needs model"):
        Endpoint.model_validate({"name": "a", "platform": "kserve-v2", "url": "http://127.0.0.1:1"})
    with pytest.raises(ValidationError, match="set url or inferenceService"):
        Endpoint.model_validate({"name": "a", "platform": "openai"})
    with pytest.raises(ValidationError, match=r"literal_error|Input should be"):
        Endpoint.model_validate({"name": "a", "platform": "sagemaker", "url": "http://127.0.0.1:1"})
    with pytest.raises(ValidationError, match="exactly one of inputs, body or bodyFile"):
        Endpoint.model_validate(
            {"name": "a", "platform": "openai", "url": "http://x", "golden": [{"name": "g"}]}
        )


@pytest.mark.parametrize(
    "platform, path, key",
    [
        ("kserve-v2", "/v2/models/m/versions/3/infer", "inputs"),
        ("kserve-v1", "/v1/models/m/versions/3:predict", "instances"),
        ("seldon", "/api/v1.0/predictions", "data"),
        ("torchserve", "/predictions/m/3", "instances"),
    ],
)
def test_request_shapes(platform: str, path: str, key: str) -> None:
    ep = Endpoint(name="e", platform=platform, url="http://127.0.0.1:1", model="m", version="3")  # type: ignore[arg-type]
    got_path, body = predict_request(ep, [[1.0, 2.0]])
    assert got_path == path and key in body
    if platform == "kserve-v2":
        assert body["inputs"][0] == {
            "name": "input-0",
            "shape": [1, 2],
            "datatype": "FP64",
            "data": [1.0, 2.0],
        }


def test_predictions_of_each_envelope() -> None:
    ep = Endpoint(name="e", platform="seldon", url="http://127.0.0.1:1", model="m")
    assert predictions_of(ep, {"data": {"names": [], "ndarray": [[1.5], [2.5]]}}) == [1.5, 2.5]
    with pytest.raises(ProbeFailure, match="no predictions"):
        predictions_of(ep, {"oops": 1})


def test_torchserve_status_needs_a_ready_worker() -> None:
    ep = Endpoint(name="e", platform="torchserve", url="http://127.0.0.1:1", model="m")
    assert torchserve_status([{"workers": [{"status": "READY"}]}], ep) == "1 READY worker(s)"
    with pytest.raises(ProbeFailure, match="no READY worker \\(UNLOADING\\)"):
        torchserve_status([{"workers": [{"status": "UNLOADING"}]}], ep)


def test_percentiles_nearest_rank() -> None:
    stats = LatencyStats(requests=100, errors=0, seconds=1.0, latencies=[i / 1000 for i in range(1, 101)])
    assert stats.percentile(50) == 0.05 and stats.percentile(99) == 0.099 and stats.percentile(95) == 0.095
    assert stats.rate == 100
