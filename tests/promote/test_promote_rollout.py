"""The rollout patches are what KServe expects for canary → 100% and for a rollback: applied (as
the API server applies a JSON merge patch) to the canary step of a status sequence recorded from
KServe's documentation, KServe's traffic rule predicts exactly the recorded next status."""

from __future__ import annotations

import json

import pytest
from promote_support import RECORDED

from nbgate.promote.rollout import (
    apply_merge_patch,
    canary_url,
    expected_traffic,
    plan_rollout,
    predictor_status,
    tag_urls,
    traffic_of,
    verify_traffic,
)
from nbgate.promote.serve import plan_serve
from nbgate.promote.spec import PromoteSpec

SEQ = json.loads((RECORDED / "kserve_canary_statuses.json").read_text())
STEPS = {s["step"]: s for s in SEQ["steps"]}


def _promote(mode: str = "Serverless") -> PromoteSpec:
    return PromoteSpec.model_validate(
        {
            "notebook": "nb.ipynb",
            "serve": {"name": SEQ["name"], "namespace": SEQ["namespace"], "deploymentMode": mode},
            "rollout": {
                "endpoint": {
                    "name": "e",
                    "platform": "kserve-v1",
                    "model": SEQ["name"],
                    "inferenceService": {"namespace": SEQ["namespace"], "name": SEQ["name"]},
                }
            },
        }
    )


def _isvc(step: str) -> dict:  # type: ignore[type-arg]
    s = STEPS[step]
    return {"metadata": {"name": SEQ["name"]}, "spec": s["spec"], "status": s["status"]}


def test_serve_patch_turns_first_into_the_recorded_canary_spec() -> None:
    plan = plan_serve(
        _promote(), "gs://kfserving-examples/models/sklearn/1.0/model-2", existing=_isvc("first")
    )
    patched = apply_merge_patch(_isvc("first"), plan.body)
    assert patched["spec"] == STEPS["canary"]["spec"]
    # KServe's rule on the patched spec: 10% to the new revision, 90% to the rolled-out one.
    after = predictor_status(_isvc("canary"))
    assert expected_traffic(patched["spec"], after) == traffic_of(_isvc("canary"))


def test_canary_is_probed_on_the_latest_tag_url() -> None:
    assert (
        canary_url(_isvc("canary")) == "http://latest-sklearn-iris-predictor-default.kserve-test.example.com"
    )
    assert tag_urls(_isvc("canary"))["prev"].startswith("http://prev-sklearn-iris")
    from nbgate.errors import TransientError

    with pytest.raises(TransientError, match="no 'latest' tag URL"):
        canary_url(_isvc("first"))


@pytest.mark.parametrize(("decision", "recorded"), [("promote", "promoted"), ("rollback", "rolled-back")])
def test_rollout_patch_yields_the_recorded_status(decision: str, recorded: str) -> None:
    plan = plan_rollout(_promote(), decision, "probe said so")  # type: ignore[arg-type]
    assert plan.to_wire()["patchType"] == "application/merge-patch+json"
    patched = apply_merge_patch(_isvc("canary"), plan.patch)
    assert patched["spec"] == STEPS[recorded]["spec"]
    assert patched["metadata"]["annotations"]["nbgate.dev/rollout"] in ("promoted", "rolled-back")
    predicted = expected_traffic(patched["spec"], predictor_status(_isvc("canary")))
    assert verify_traffic(_isvc(recorded), predicted) is None
    # …and not the other outcome's status: the check can fail.
    other = "rolled-back" if recorded == "promoted" else "promoted"
    assert verify_traffic(_isvc(other), predicted) is not None


def test_promotion_and_rollback_are_pinned_to_the_right_revisions() -> None:
    canary = predictor_status(_isvc("canary"))
    promoted = predictor_status(_isvc("promoted"))
    rolled = predictor_status(_isvc("rolled-back"))
    assert promoted["latestRolledoutRevision"] == canary["latestReadyRevision"]
    assert traffic_of(_isvc("rolled-back"))[canary["previousRolledoutRevision"]] == 100
    assert rolled["latestRolledoutRevision"] == canary["latestRolledoutRevision"]


def test_raw_deployment_switches_to_the_candidate_or_deletes_it() -> None:
    promote = _promote("RawDeployment")
    up = plan_rollout(promote, "promote", "ok", candidate_uri="pvc://models/churn/r2", revision="r2")
    assert up.patch["spec"] == {"predictor": {"model": {"storageUri": "pvc://models/churn/r2"}}}  # type: ignore[index]
    assert up.delete == "sklearn-iris-candidate"
    down = plan_rollout(promote, "rollback", "bad")
    assert down.patch is None and down.delete == "sklearn-iris-candidate"
