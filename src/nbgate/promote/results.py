"""What the promotion steps report (JSON on the wire, camelCase like every nbgate result)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from nbgate._model import WireModel
from nbgate.outcomes import Outcome, Verdict
from nbgate.results import ProbeResult

__all__ = ["ExportResult", "PromotionResult", "RolloutResult", "ServeResult", "TrainResult"]


class ExportResult(WireModel):
    notebook: str
    script: str
    mode: str
    cells: list[int] = []
    parameters: list[str] = []
    dropped_magics: int = 0
    commit: str | None = None
    branch: str | None = None
    pushed: bool = False


class TrainResult(WireModel):
    outcome: Outcome
    message: str = ""
    revision: str
    model_dir: str
    storage_uri: str | None = None
    parameters: dict[str, Any] = {}
    metrics: dict[str, float] = {}
    duration_seconds: float | None = None
    log_tail: str = ""


class ServeResult(WireModel):
    mode: str = Field(description="first | canary | raw-candidate | local")
    action: str
    inference_service: str
    url: str | None = None
    candidate_url: str | None = None
    previous_uri: str | None = None
    body: dict[str, Any] = Field(default={}, description="Manifest or merge patch sent to the API server.")


class RolloutResult(WireModel):
    decision: str = Field(description="promote | rollback")
    reason: str
    candidate: ProbeResult | None = None
    stable: ProbeResult | None = Field(
        default=None, description="The serving model probed after the decision (still serving?)."
    )
    plan: dict[str, Any] = Field(default={}, description="The exact patch (and delete) for KServe.")
    actions: list[str] = Field(default=[], description="What was done (locally: the model server's calls).")


class PromotionResult(WireModel):
    api_version: str = Field(default="nbgate.dev/promotion/v1", alias="apiVersion")
    kind: str = "PromotionReport"
    name: str
    verdict: Verdict
    outcome: Outcome
    message: str
    validation: dict[str, Any] | None = None
    export: ExportResult | None = None
    train: TrainResult | None = None
    serve: ServeResult | None = None
    rollout: RolloutResult | None = None
