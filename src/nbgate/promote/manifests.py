"""Cluster manifests of the promotion: the training run (a Job, a Kubeflow PyTorchJob or a KubeRay
RayJob), the ConfigMap with the exported script, and the KServe InferenceService. Plain dicts.

Every pod is the PSA-``restricted`` shape of ``nbgate.pod`` (non-root, read-only root, /tmp and
~/.cache emptyDirs, no service-account token); a ``gpu`` profile adds the GPU limit, toleration
and affinity. The training pod clones the repo in an init container (the notebook reads its data
relative to its folder, as in the validation), then runs the exported script from the ConfigMap.
"""

from __future__ import annotations

import copy
import posixpath
from dataclasses import dataclass, field
from typing import Any

from nbgate.pod.shape import PodShape
from nbgate.promote.spec import PromoteSpec
from nbgate.promote.storage import MODEL_MOUNT, ModelLocation

__all__ = [
    "CHECKOUT",
    "SCRIPT_DIR",
    "TAG_ROUTING",
    "TrainTarget",
    "inference_service",
    "script_config_map",
    "train_manifest",
    "train_pod_template",
]

CHECKOUT = "/tmp/nbgate/checkout"  # noqa: S108 — the pod's /tmp emptyDir
SCRIPT_DIR = "/etc/nbgate/train"
SCRIPT_FILE = "train.py"
TAG_ROUTING = "serving.kserve.io/enable-tag-routing"
DEPLOYMENT_MODE = "serving.kserve.io/deploymentMode"
RAY_IMAGE = "docker.io/rayproject/ray:2.40.0-py312-cpu"
_LABELS = {"app.kubernetes.io/part-of": "nbgate", "app.kubernetes.io/component": "train"}


@dataclass(frozen=True)
class TrainTarget:
    """Everything a training manifest needs besides the spec: names, images, the pod shape."""

    name: str
    namespace: str
    repo_url: str
    ref: str
    notebook: str
    location: ModelLocation
    shape: PodShape
    image: str
    clone_image: str
    pvc_claim: str | None = None
    credentials_secret: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)


def script_args(location: ModelLocation, parameters: dict[str, Any]) -> list[str]:
    """``--output-dir DIR --NAME VALUE …``: non-strings as Python literals, as the script parses them."""
    args = ["--output-dir", location.write_path]
    for name, value in sorted(parameters.items()):
        # Strings go as typed (`-p C=1e-6` reaches YAML as a string): the script reads each
        # value as a Python literal first, so "1e-6" is a float there and "../data" a string.
        args += [f"--{name}", value if isinstance(value, str) else repr(value)]
    return args


def script_config_map(name: str, namespace: str, text: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(_LABELS)},
        "data": {SCRIPT_FILE: text},
    }


def _clone_container(t: TrainTarget) -> dict[str, Any]:
    args = ["clone", f"--url={t.repo_url}", f"--dest={CHECKOUT}", f"--notebooks={t.notebook}"]
    if t.ref:
        args.append(f"--ref={t.ref}")
    container = t.shape.container("clone", t.clone_image, args, command=["nbgate"])
    container["resources"] = {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"memory": "1Gi"}}
    return container


def train_pod_template(
    t: TrainTarget, *, container_name: str = "train", command: list[str] | None = None
) -> dict[str, Any]:
    """The pod template every runner uses: clone (init) → run the script with its parameters."""
    workdir = posixpath.join(CHECKOUT, posixpath.dirname(t.notebook)) or CHECKOUT
    main = t.shape.container(
        container_name,
        t.image,
        script_args(t.location, t.parameters) if command is None else [],
        command=["python", f"{SCRIPT_DIR}/{SCRIPT_FILE}"] if command is None else command,
    )
    main["workingDir"] = workdir
    # Plots in the exported cells render off-screen: a pod has no display.
    main["env"] = [*main["env"], {"name": "MPLBACKEND", "value": "Agg"}]
    volumes = [
        *copy.deepcopy(t.shape.volumes),
        {"name": "train-script", "configMap": {"name": f"{t.name}-script"}},
    ]
    main["volumeMounts"] = [
        *main["volumeMounts"],
        {"name": "train-script", "mountPath": SCRIPT_DIR, "readOnly": True},
    ]
    if t.location.kind == "pvc" and t.pvc_claim:
        volumes.append({"name": "models", "persistentVolumeClaim": {"claimName": t.pvc_claim}})
        main["volumeMounts"].append({"name": "models", "mountPath": MODEL_MOUNT})
    init = _clone_container(t)
    if t.credentials_secret:
        from nbgate.pod.shape import git_credentials

        env, git_volumes, mounts = git_credentials(t.credentials_secret)
        init["env"] = [*init["env"], *env]
        init["volumeMounts"] = [*init["volumeMounts"], *mounts]
        volumes += git_volumes
    pod = t.shape.pod(t.name, [main], namespace=None)
    spec = pod["spec"]
    spec["initContainers"] = [init]
    spec["volumes"] = volumes
    return {"metadata": {"labels": {**_LABELS, **t.shape.labels}}, "spec": spec}


def _meta(t: TrainTarget) -> dict[str, Any]:
    return {"name": t.name, "namespace": t.namespace, "labels": {**_LABELS, **t.shape.labels}}


def _job(t: TrainTarget, timeout: int) -> dict[str, Any]:
    return {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": _meta(t),
        "spec": {
            "backoffLimit": 0,  # a failing script fails the same way again: no retries
            "activeDeadlineSeconds": timeout,
            "ttlSecondsAfterFinished": 86400,
            "template": train_pod_template(t),
        },
    }


def _pytorchjob(t: TrainTarget, timeout: int, workers: int) -> dict[str, Any]:
    # The training operator finds the training container by its name: it must be `pytorch`.
    def replica(count: int) -> dict[str, Any]:
        return {
            "replicas": count,
            "restartPolicy": "Never",
            "template": train_pod_template(t, container_name="pytorch"),
        }

    replicas = {"Master": replica(1)}
    if workers > 1:
        replicas["Worker"] = replica(workers - 1)
    return {
        "apiVersion": "kubeflow.org/v1",
        "kind": "PyTorchJob",
        "metadata": _meta(t),
        "spec": {
            "runPolicy": {
                "activeDeadlineSeconds": timeout,
                "backoffLimit": 0,
                "ttlSecondsAfterFinished": 86400,
                "cleanPodPolicy": "None",
            },
            "pytorchReplicaSpecs": replicas,
        },
    }


def _rayjob(t: TrainTarget, timeout: int, workers: int) -> dict[str, Any]:
    import shlex

    ray = TrainTarget(**{**t.__dict__, "image": t.image if t.image and "ray" in t.image else RAY_IMAGE})
    # The driver runs on the head: it gets the checkout and the script; workers only need Ray.
    head = train_pod_template(ray, container_name="ray-head", command=[])
    head["spec"]["containers"][0].pop("command", None)
    head["spec"]["containers"][0].pop("args", None)
    worker = copy.deepcopy(head)
    worker["spec"]["containers"][0]["name"] = "ray-worker"
    worker["spec"].pop("initContainers", None)
    entrypoint = " ".join(
        shlex.quote(a)
        for a in [
            "python",
            f"{SCRIPT_DIR}/{SCRIPT_FILE}",
            *script_args(t.location, t.parameters),
        ]
    )
    return {
        "apiVersion": "ray.io/v1",
        "kind": "RayJob",
        "metadata": _meta(t),
        "spec": {
            "entrypoint": f"cd {shlex.quote(head['spec']['containers'][0]['workingDir'])} && {entrypoint}",
            "shutdownAfterJobFinishes": True,
            "ttlSecondsAfterFinished": 86400,
            "activeDeadlineSeconds": timeout,
            "submissionMode": "HTTPMode",  # no submitter pod: one less pod to shape
            "rayClusterSpec": {
                "headGroupSpec": {"rayStartParams": {}, "template": head},
                "workerGroupSpecs": [
                    {
                        "groupName": "workers",
                        "replicas": workers,
                        "minReplicas": workers,
                        "maxReplicas": workers,
                        "rayStartParams": {},
                        "template": worker,
                    }
                ],
            },
        },
    }


def train_manifest(promote: PromoteSpec, t: TrainTarget) -> dict[str, Any]:
    """The training run for ``promote.train.runner``."""
    timeout = int(promote.train.timeout)
    runner = promote.train.runner
    if runner == "pytorchjob":
        return _pytorchjob(t, timeout, promote.train.workers)
    if runner == "rayjob":
        return _rayjob(t, timeout, promote.train.workers)
    return _job(t, timeout)


def inference_service(
    promote: PromoteSpec,
    storage_uri: str,
    *,
    name: str | None = None,
    canary_percent: int | None = None,
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The InferenceService serving ``storage_uri`` (Serverless: tag routing on, for the canary URL)."""
    serve = promote.serve
    model: dict[str, Any] = {
        "modelFormat": {"name": serve.model_format},
        "protocolVersion": serve.protocol_version,
        "storageUri": storage_uri,
    }
    if serve.runtime:
        model["runtime"] = serve.runtime
    if serve.resources is not None:
        model["resources"] = serve.resources.to_wire()
    predictor: dict[str, Any] = {"model": model}
    if serve.min_replicas is not None:
        predictor["minReplicas"] = serve.min_replicas
    if promote.storage.s3 is not None and promote.storage.s3.service_account_name:
        predictor["serviceAccountName"] = promote.storage.s3.service_account_name
    annotations: dict[str, str] = {DEPLOYMENT_MODE: serve.deployment_mode}
    if serve.deployment_mode == "Serverless":
        annotations[TAG_ROUTING] = "true"
        if canary_percent is not None:
            predictor["canaryTrafficPercent"] = canary_percent
    return {
        "apiVersion": "serving.kserve.io/v1beta1",
        "kind": "InferenceService",
        "metadata": {
            "name": name or serve.name,
            "namespace": serve.namespace,
            "labels": {"app.kubernetes.io/part-of": "nbgate", **(labels or {})},
            "annotations": annotations,
        },
        "spec": {"predictor": predictor},
    }
