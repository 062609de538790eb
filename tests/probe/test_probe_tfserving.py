"""TF Serving: no installable server exists here, so only its model-status parsing is tested,
against a RECORDED response (recorded/tfserving_model_status.json, the shape TF Serving's
``GET /v1/models/<m>`` returns). Its predict body equals KServe v1, which real servers cover.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nbgate.probe.endpoint import Endpoint
from nbgate.probe.platforms import tfserving_status
from nbgate.probe.transport import ProbeFailure

RECORDED = json.loads((Path(__file__).parent / "recorded" / "tfserving_model_status.json").read_text())


def _ep(version: str | None = None) -> Endpoint:
    return Endpoint(name="tf", platform="tfserving", url="http://127.0.0.1:8501", model="m", version=version)


def test_available_version_passes() -> None:
    assert tfserving_status(RECORDED, _ep()) == "version 1 AVAILABLE"


def test_loading_version_fails_naming_the_states() -> None:
    with pytest.raises(ProbeFailure) as info:
        tfserving_status(RECORDED, _ep("2"))
    assert "no AVAILABLE version (v2=LOADING, v1=AVAILABLE)" in info.value.message


def test_no_versions_fails() -> None:
    with pytest.raises(ProbeFailure, match="no versions"):
        tfserving_status({"model_version_status": []}, _ep())
