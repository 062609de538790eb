"""The ``spec.promote`` section: how a validated notebook becomes a served model.

::

    promote:
      notebook: notebooks/02_train.ipynb
      export: {tag: train}
      train: {runner: job, parameters: {C: 1.0}, metrics: [accuracy, auc]}
      storage: {pvc: {claimName: models}}
      serve: {name: churn, namespace: models, modelFormat: sklearn}
      rollout: {endpoint: {name: churn, platform: kserve-v2, ...}}
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from nbgate._model import WireModel
from nbgate.durations import Duration
from nbgate.probe.endpoint import Endpoint
from nbgate.spec.pod import Resources

__all__ = [
    "ExportSpec",
    "PromoteSpec",
    "PvcStorage",
    "RolloutSpec",
    "S3Storage",
    "ServeSpec",
    "StorageSpec",
    "TrainSpec",
]


class ExportSpec(WireModel):
    """Which cells make the training script, and where it may be committed."""

    tag: str = Field(default="train", description="Cells with this tag; none tagged: all but excludeTag.")
    exclude_tag: str = Field(default="exploration", description="Cells left out when none is tagged `tag`.")
    path: str = Field(default="train/{stem}.py", description="Script path in the repo ({stem}, {name}).")
    branch: str | None = Field(
        default=None,
        description="Commit the script to this branch of the source repo (push: with credentials).",
    )


class TrainSpec(WireModel):
    runner: Literal["job", "pytorchjob", "rayjob"] = Field(
        default="job",
        description="Cluster runner: a Kubernetes Job, a Kubeflow PyTorchJob or a KubeRay RayJob.",
    )
    parameters: dict[str, Any] = Field(default={}, description="Overrides of the notebook's parameters.")
    model_variable: str = Field(default="model", description="The notebook variable holding the model.")
    metrics: list[str] = Field(default=[], description="Notebook variables saved as metrics (numbers).")
    timeout: Duration = 1800.0
    profile: str | None = Field(default=None, description="Pod profile for training (cpu, gpu, …).")
    workers: int = Field(default=1, ge=1, description="PyTorchJob Worker / RayJob worker replicas.")
    image: str | None = Field(default=None, description="Default: the execute image (or execute-gpu).")


class PvcStorage(WireModel):
    claim_name: str
    path: str = "models"


class S3Storage(WireModel):
    bucket: str
    prefix: str = "models"
    endpoint: str | None = Field(default=None, description="S3-compatible endpoint URL (MinIO, Ceph…).")
    credentials_secret: str | None = Field(
        default=None, description="Secret with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (env, never values)."
    )
    service_account_name: str | None = Field(
        default=None, description="ServiceAccount KServe's storage initializer uses for this bucket."
    )


class StorageSpec(WireModel):
    """Where a trained model lands; exactly one of ``pvc`` / ``s3`` (neither: a KFP/Argo artifact)."""

    pvc: PvcStorage | None = None
    s3: S3Storage | None = None

    @model_validator(mode="after")
    def _at_most_one(self) -> StorageSpec:
        if self.pvc is not None and self.s3 is not None:
            raise ValueError("set one of storage.pvc or storage.s3, not both")
        return self


class ServeSpec(WireModel):
    name: str = Field(description="The InferenceService name.")
    namespace: str = "default"
    model_format: str = "sklearn"
    runtime: str | None = Field(default=None, description="ServingRuntime name; default: KServe picks.")
    protocol_version: Literal["v1", "v2"] = "v2"
    deployment_mode: Literal["Serverless", "RawDeployment"] = "Serverless"
    canary_traffic_percent: int = Field(default=10, ge=0, le=100)
    resources: Resources | None = None
    min_replicas: int | None = Field(default=None, ge=0)


class RolloutSpec(WireModel):
    endpoint: Endpoint = Field(
        description="The probe run on the candidate (golden, consistency, latency); its URL is the "
        "tag-routed canary URL in a cluster, the local server locally."
    )
    scraps: Literal["golden", "executed"] = Field(
        default="golden", description="Notebook whose recorded predictions the consistency check replays."
    )
    deadline: Duration = 300.0


class PromoteSpec(WireModel):
    notebook: str = Field(description="The training notebook, relative to the source.")
    export: ExportSpec = ExportSpec()
    train: TrainSpec = TrainSpec()
    storage: StorageSpec = StorageSpec()
    serve: ServeSpec
    rollout: RolloutSpec
