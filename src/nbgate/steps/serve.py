"""The ``serve`` step: create the InferenceService or roll the new model out as a canary."""

from __future__ import annotations

from typing import Any

from nbgate.promote.results import ServeResult
from nbgate.promote.spec import PromoteSpec

__all__ = ["serve"]


def serve(
    promote: PromoteSpec,
    storage_uri: str,
    *,
    revision: str = "",
    apply: bool = True,
    current: dict[str, Any] | None = None,
) -> ServeResult:
    """Plan (and with ``apply``, send) the create/patch for ``storage_uri``. ``current`` stands
    for the live InferenceService when not applying (``kubectl get isvc -o json``)."""
    from nbgate.promote import kube
    from nbgate.promote.serve import candidate_name, plan_serve

    s = promote.serve
    existing = kube.get(s.namespace, s.name) if apply else current
    candidate_exists = False
    if apply and existing is not None and s.deployment_mode == "RawDeployment":
        candidate_exists = kube.get(s.namespace, candidate_name(s.name)) is not None
    plan = plan_serve(
        promote, storage_uri, existing=existing, revision=revision, candidate_exists=candidate_exists
    )
    if apply:
        if plan.action == "patch":
            kube.patch(plan.namespace, plan.name, plan.body)
        else:
            if plan.action == "replace":
                kube.delete(plan.namespace, plan.name)
            kube.create(plan.namespace, plan.body)
    return ServeResult(
        mode=plan.mode,
        action=plan.action,
        inference_service=f"{plan.namespace}/{plan.name}",
        previous_uri=plan.previous_uri,
        body=plan.body,
    )
