"""Serve a model on KServe: create the InferenceService, or roll a new model out as a canary.

* nothing serves yet → create the InferenceService (its first revision takes 100%);
* Serverless → merge-patch the new ``storageUri`` with ``canaryTrafficPercent`` and tag routing
  on: KServe keeps the last rolled-out revision and splits traffic; the new revision gets the
  ``latest-`` tag URL, the rollout step probes it there;
* RawDeployment → no traffic split exists: create (or replace) a second InferenceService
  ``<name>-candidate`` with the new model; the rollout step probes it, then switches the main
  one to its ``storageUri`` (promote) or deletes it (roll back).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from nbgate.promote.manifests import TAG_ROUTING, inference_service
from nbgate.promote.spec import PromoteSpec

__all__ = ["CANDIDATE_SUFFIX", "ServePlan", "candidate_name", "plan_serve", "serving_uri"]

CANDIDATE_SUFFIX = "-candidate"
REVISION_ANNOTATION = "nbgate.dev/model-revision"


@dataclass(frozen=True)
class ServePlan:
    action: Literal["create", "patch", "replace"]
    name: str  # the InferenceService acted on
    namespace: str
    body: dict[str, Any]  # the manifest (create/replace) or the JSON merge patch (patch)
    mode: Literal["first", "canary", "raw-candidate"]
    previous_uri: str | None = None


def candidate_name(name: str) -> str:
    return f"{name}{CANDIDATE_SUFFIX}"


def serving_uri(isvc: dict[str, Any] | None) -> str | None:
    if not isvc:
        return None
    model = ((isvc.get("spec") or {}).get("predictor") or {}).get("model") or {}
    uri = model.get("storageUri")
    return str(uri) if uri else None


def plan_serve(
    promote: PromoteSpec,
    storage_uri: str,
    *,
    existing: dict[str, Any] | None,
    revision: str = "",
    candidate_exists: bool = False,
) -> ServePlan:
    """What to send to the API server so that ``storage_uri`` serves as a canary."""
    serve = promote.serve
    labels = {REVISION_ANNOTATION.replace("/", "-").replace(".", "-"): revision} if revision else None
    if existing is None:
        return ServePlan(
            "create",
            serve.name,
            serve.namespace,
            inference_service(promote, storage_uri, labels=labels),
            "first",
        )
    previous = serving_uri(existing)
    if serve.deployment_mode == "RawDeployment":
        name = candidate_name(serve.name)
        body = inference_service(promote, storage_uri, name=name, labels=labels)
        return ServePlan(
            "replace" if candidate_exists else "create",
            name,
            serve.namespace,
            body,
            "raw-candidate",
            previous,
        )
    patch: dict[str, Any] = {
        "metadata": {"annotations": {TAG_ROUTING: "true", REVISION_ANNOTATION: revision or None}},
        "spec": {
            "predictor": {
                "canaryTrafficPercent": serve.canary_traffic_percent,
                "model": {"storageUri": storage_uri},
            }
        },
    }
    if not revision:
        del patch["metadata"]["annotations"][REVISION_ANNOTATION]
    return ServePlan("patch", serve.name, serve.namespace, patch, "canary", previous)
