"""Promote or roll back a canary, the way KServe expects it, and check what KServe then reports.

KServe (Serverless) keeps two rolled-out revisions in ``status.components.predictor``:
``latestRolledoutRevision`` (last at 100%) and ``previousRolledoutRevision``; with
``canaryTrafficPercent: N`` the latest ready revision gets N% and the last rolled-out one the
rest. With tag routing on, ``traffic[]`` names the ``latest`` and ``prev`` URLs: the canary is
probed at ``latest-…`` (the main URL of a 10% canary mostly answers with the old model).

* promote → merge patch removing ``canaryTrafficPercent`` (KServe's documented promotion: the
  latest revision takes 100% and becomes ``latestRolledoutRevision``);
* roll back → merge patch ``canaryTrafficPercent: 0`` (KServe's documented "pin the previous
  model": 100% back on ``previousRolledoutRevision``);
* RawDeployment → promote patches the main InferenceService's ``storageUri`` to the
  candidate's and deletes ``<name>-candidate``; roll back deletes the candidate only.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Literal

from nbgate.errors import TransientError
from nbgate.promote.serve import REVISION_ANNOTATION, candidate_name
from nbgate.promote.spec import PromoteSpec

__all__ = [
    "ROLLOUT_ANNOTATION",
    "RolloutPlan",
    "apply_merge_patch",
    "expected_traffic",
    "plan_rollout",
    "predictor_status",
    "tag_urls",
    "traffic_of",
    "verify_traffic",
]

ROLLOUT_ANNOTATION = "nbgate.dev/rollout"
Decision = Literal["promote", "rollback"]


@dataclass(frozen=True)
class RolloutPlan:
    decision: Decision
    reason: str
    name: str
    namespace: str
    patch: dict[str, Any] | None  # JSON merge patch (application/merge-patch+json) on `name`
    delete: str | None = None  # RawDeployment: the candidate InferenceService to delete
    notes: list[str] = field(default_factory=list)

    def to_wire(self) -> dict[str, Any]:
        return {
            "decision": self.decision,
            "reason": self.reason,
            "inferenceService": f"{self.namespace}/{self.name}",
            "patchType": "application/merge-patch+json" if self.patch is not None else None,
            "patch": self.patch,
            "delete": f"{self.namespace}/{self.delete}" if self.delete else None,
            "notes": self.notes,
        }


def plan_rollout(
    promote: PromoteSpec,
    decision: Decision,
    reason: str,
    *,
    candidate_uri: str | None = None,
    revision: str = "",
) -> RolloutPlan:
    serve = promote.serve
    annotations: dict[str, Any] = {ROLLOUT_ANNOTATION: "promoted" if decision == "promote" else "rolled-back"}
    if serve.deployment_mode == "RawDeployment":
        candidate = candidate_name(serve.name)
        if decision == "promote":
            if revision:
                annotations[REVISION_ANNOTATION] = revision
            patch = {
                "metadata": {"annotations": annotations},
                "spec": {"predictor": {"model": {"storageUri": candidate_uri}}},
            }
            return RolloutPlan(decision, reason, serve.name, serve.namespace, patch, delete=candidate)
        return RolloutPlan(
            decision,
            reason,
            serve.name,
            serve.namespace,
            None,
            delete=candidate,
            notes=["RawDeployment: the main InferenceService was never changed; the candidate is deleted"],
        )
    if decision == "promote":
        patch = {
            "metadata": {"annotations": annotations},
            "spec": {"predictor": {"canaryTrafficPercent": None}},
        }
        return RolloutPlan(decision, reason, serve.name, serve.namespace, patch)
    patch = {"metadata": {"annotations": annotations}, "spec": {"predictor": {"canaryTrafficPercent": 0}}}
    return RolloutPlan(
        decision,
        reason,
        serve.name,
        serve.namespace,
        patch,
        notes=[
            "traffic pinned to previousRolledoutRevision; "
            "the failed revision stays at 0% until the next serve"
        ],
    )


def apply_merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch (what the API server does with application/merge-patch+json)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = apply_merge_patch(result.get(key), value)
    return result


def predictor_status(isvc: dict[str, Any]) -> dict[str, Any]:
    status = isvc.get("status") or {}
    return dict(((status.get("components") or {}).get("predictor")) or {})


def traffic_of(isvc: dict[str, Any]) -> dict[str, int]:
    """Revision name → traffic percent, from ``status.components.predictor.traffic``."""
    return {
        str(t["revisionName"]): int(t.get("percent") or 0)
        for t in predictor_status(isvc).get("traffic") or []
        if t.get("revisionName")
    }


def tag_urls(isvc: dict[str, Any]) -> dict[str, str]:
    """Tag → URL (``latest`` / ``prev``): where the canary and the previous model answer."""
    return {
        str(t["tag"]): str(t["url"])
        for t in predictor_status(isvc).get("traffic") or []
        if t.get("tag") and t.get("url")
    }


def canary_url(isvc: dict[str, Any]) -> str:
    urls = tag_urls(isvc)
    if "latest" not in urls:
        name = (isvc.get("metadata") or {}).get("name", "?")
        raise TransientError(
            f"InferenceService {name} has no 'latest' tag URL in status.components.predictor.traffic yet "
            "(tag routing on, revision not ready): retry"
        )
    return urls["latest"]


def expected_traffic(spec: dict[str, Any], status: dict[str, Any]) -> dict[str, int]:
    """KServe's rule: the latest ready revision gets canaryTrafficPercent (absent: 100), the
    last rolled-out one the rest. ``status`` is the predictor status before the change settles."""
    percent = (spec.get("predictor") or {}).get("canaryTrafficPercent")
    latest = str(status.get("latestReadyRevision") or status.get("latestCreatedRevision"))
    rolled = str(status.get("latestRolledoutRevision") or latest)
    if percent is None or int(percent) >= 100 or rolled == latest:
        return {latest: 100}
    split = {latest: int(percent), rolled: 100 - int(percent)}
    return split


def verify_traffic(isvc: dict[str, Any], expected: dict[str, int]) -> str | None:
    """None when the InferenceService's reported traffic is ``expected`` (0% entries may be absent)."""
    got = {k: v for k, v in traffic_of(isvc).items() if v}
    want = {k: v for k, v in expected.items() if v}
    if got == want:
        return None
    return f"traffic is {got or 'empty'}, expected {want}"
