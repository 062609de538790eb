"""The ``rollout`` step: probe the canary, then promote it to 100% or roll back (issue 10)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbgate.outcomes import Outcome
from nbgate.promote.results import RolloutResult
from nbgate.promote.spec import PromoteSpec

__all__ = ["rollout"]


def _candidate_url(promote: PromoteSpec, isvc: dict[str, Any] | None) -> str:
    from nbgate.errors import TransientError
    from nbgate.promote.rollout import canary_url

    if isvc is None:
        raise TransientError(f"InferenceService {promote.serve.namespace}/{promote.serve.name} not found")
    if promote.serve.deployment_mode == "RawDeployment":
        url = (isvc.get("status") or {}).get("url")
        if not url:
            raise TransientError(f"InferenceService {isvc['metadata']['name']} has no status.url yet: retry")
        return str(url)
    return canary_url(isvc)


def rollout(
    promote: PromoteSpec,
    *,
    scraps: Path | None = None,
    candidate_uri: str | None = None,
    revision: str = "",
    apply: bool = True,
    url: str | None = None,
    current: dict[str, Any] | None = None,
) -> RolloutResult:
    """Probe the candidate (Serverless: the ``latest-`` tag URL; RawDeployment: ``<name>-candidate``),
    decide, and with ``apply`` patch the InferenceService (and delete a RawDeployment candidate).
    ``url`` overrides the candidate URL; ``current`` stands for the live object when not applying."""
    from nbgate.promote import kube
    from nbgate.promote.rollout import plan_rollout
    from nbgate.promote.serve import candidate_name
    from nbgate.steps.probe import probe

    s = promote.serve
    raw = s.deployment_mode == "RawDeployment"
    looked_up = candidate_name(s.name) if raw else s.name
    isvc = current if (current is not None or not apply) else kube.get(s.namespace, looked_up)
    target = url or _candidate_url(promote, isvc)
    ep = promote.rollout.endpoint.model_copy(update={"url": target, "inference_service": None})
    [candidate] = probe([ep], scraps=scraps, deadline=promote.rollout.deadline)
    passed = candidate.outcome is Outcome.PASSED
    if candidate.outcome in (Outcome.TRANSIENT_ERROR, Outcome.INPUT_ERROR):
        # No verdict on the model when it could not be probed: neither promote nor roll back.
        return RolloutResult(decision="none", reason=candidate.message, candidate=candidate)
    if raw and candidate_uri is None and isvc is not None:
        from nbgate.promote.serve import serving_uri

        candidate_uri = serving_uri(isvc)
    plan = plan_rollout(
        promote,
        "promote" if passed else "rollback",
        candidate.message,
        candidate_uri=candidate_uri,
        revision=revision,
    )
    actions: list[str] = []
    if apply:
        if plan.patch is not None:
            kube.patch(plan.namespace, plan.name, plan.patch)
            actions.append(f"patch {plan.namespace}/{plan.name}")
        if plan.delete:
            kube.delete(plan.namespace, plan.delete)
            actions.append(f"delete {plan.namespace}/{plan.delete}")
    return RolloutResult(
        decision=plan.decision, reason=plan.reason, candidate=candidate, plan=plan.to_wire(), actions=actions
    )
