"""Shared assertions of the real-server tests: right model passes, wrong model fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import linear

from nbgate.outcomes import Outcome
from nbgate.probe.endpoint import Endpoint
from nbgate.results import ProbeResult
from nbgate.steps.probe import probe


def endpoint(name: str, platform: str, url: str, **extra: Any) -> Endpoint:
    data: dict[str, Any] = {
        "name": name,
        "platform": platform,
        "url": url,
        "golden": [
            {
                "name": "sample",
                "inputs": linear.X_SAMPLE,
                "expected": linear.predict("right", linear.X_SAMPLE),
            }
        ],
        "consistency": {"inputsScrap": "X_sample", "predictionsScrap": "y_pred"},
        "timeout": 60,
    }
    data.update(extra)
    return Endpoint.model_validate(data)


def checks(result: ProbeResult) -> dict[str, Any]:
    return {c.name: c for c in result.checks}


def assert_right_passes(ep: Endpoint, notebook: Path, expected_checks: list[str]) -> ProbeResult:
    [result] = probe([ep], scraps=notebook, deadline=240)
    by_name = checks(result)
    assert list(by_name) == expected_checks, result.message
    for name, check in by_name.items():
        assert check.passed and check.outcome is Outcome.PASSED, f"{name}: {check.message}"
        assert check.duration_seconds is not None
    assert result.outcome is Outcome.PASSED
    return result


def assert_wrong_fails(ep: Endpoint, notebook: Path) -> ProbeResult:
    """The drifted model: golden and consistency are mismatches naming endpoint, check, values."""
    [result] = probe([ep], scraps=notebook, deadline=240)
    by_name = checks(result)
    assert result.outcome is Outcome.MISMATCH, result.message
    for name in ("golden:sample", "consistency"):
        check = by_name[name]
        assert not check.passed and check.outcome is Outcome.MISMATCH
        assert f"endpoint {ep.name!r}" in check.message and f"check {name}" in check.message
        assert "outside rtol" in check.message and "expected" in check.message, check.message
    assert by_name["health"].passed, by_name["health"].message
    return result


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
