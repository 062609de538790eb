"""BentoML 1.4.39: /readyz and the service's API routes (right: /predict, wrong: /predict_wrong)."""

from __future__ import annotations

import pytest
from probe_harness import assert_right_passes, assert_wrong_fails, endpoint

pytestmark = pytest.mark.servers  # real model servers in their own venvs


def test_right_model_passes(bentoml, executed_notebook) -> None:
    ep = endpoint("bento-right", "bentoml", bentoml.url, route="/predict", metadata={})
    assert_right_passes(ep, executed_notebook, ["health", "metadata", "golden:sample", "consistency"])


def test_wrong_model_fails(bentoml, executed_notebook) -> None:
    assert_wrong_fails(
        endpoint("bento-wrong", "bentoml", bentoml.url, route="/predict_wrong"), executed_notebook
    )
