"""From a spec to the training manifests of one revision: the script's ConfigMap and the run."""

from __future__ import annotations

from typing import Any

from nbgate.promote.manifests import TrainTarget, script_config_map, train_manifest
from nbgate.promote.spec import PromoteSpec
from nbgate.promote.storage import model_location
from nbgate.spec.model import NotebookValidation

__all__ = ["train_manifests", "train_target"]


def train_target(
    resource: NotebookValidation,
    promote: PromoteSpec,
    revision: str,
    parameters: dict[str, Any] | None = None,
    runner: str | None = None,
) -> TrainTarget:
    from nbgate.kfp.images import image_for
    from nbgate.pod.shape import pod_shape
    from nbgate.spec.pod import PodSpec

    spec = resource.spec
    pod = (
        spec.pod
        if promote.train.profile is None
        else spec.pod.model_copy(update={"profile": promote.train.profile})
    )
    shape = pod_shape(pod or PodSpec(), dict(spec.profiles))
    git = spec.source.git
    location = model_location(promote.storage, promote.serve.name, revision)
    image = promote.train.image or shape.image or image_for("execute-gpu" if shape.gpus else "execute")
    return TrainTarget(
        name=f"{promote.serve.name}-train-{revision}"[:63].rstrip("-."),
        namespace=resource.metadata.namespace or promote.serve.namespace,
        repo_url=git.url if git else "",
        ref=(git.ref or "") if git else "",
        notebook=promote.notebook,
        location=location,
        shape=shape,
        image=image,
        clone_image=image_for("clone"),
        pvc_claim=promote.storage.pvc.claim_name if promote.storage.pvc else None,
        credentials_secret=git.credentials_secret if git else None,
        parameters={**promote.train.parameters, **(parameters or {})},
    )


def train_manifests(
    resource: NotebookValidation,
    promote: PromoteSpec,
    script: str,
    revision: str,
    parameters: dict[str, Any] | None = None,
    runner: str | None = None,
) -> list[dict[str, Any]]:
    """[ConfigMap with the script, Job | PyTorchJob | RayJob]."""
    if runner:
        promote = promote.model_copy(update={"train": promote.train.model_copy(update={"runner": runner})})
    t = train_target(resource, promote, revision, parameters)
    return [script_config_map(f"{t.name}-script", t.namespace, script), train_manifest(promote, t)]
