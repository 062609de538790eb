"""Pod settings for KFP tasks: ``nbgate.pod``'s pod shape, applied with kfp-kubernetes.

``nbgate.pod.pod_shape`` decides how every nbgate pod looks (PSA ``restricted``, the cpu/gpu
profiles, Secrets as env, PVCs, emptyDirs); this module only translates that shape into the
calls KFP offers, and refuses — with a one-line error naming the field — what KFP cannot
express, rather than drop it silently.

What KFP can and cannot carry (the component READMEs repeat it):

* GPU: ``set_accelerator_type("nvidia.com/gpu")`` + ``set_accelerator_limit(n)``, the GPU
  toleration, and the profile's node affinity (GPU label, ``accelerator`` as the product
  label) through ``add_node_affinity_json``; node selectors and tolerations pass through.
* Env: values (``set_env_variable``), Secrets (``use_secret_as_env``: never parameters,
  never the command line), field paths. ``envFrom`` cannot be expressed.
* Volumes: PVCs (``mount_pvc`` — with no read-only flag: ``pod.data.readOnly`` cannot be
  enforced by the mount), Secrets (``use_secret_as_volume``), emptyDirs. Other volume kinds
  cannot be expressed.
* PSA ``restricted``: KFP lets a task set ``runAsNonRoot``/``runAsUser``/``runAsGroup``; the
  backend adds ``allowPrivilegeEscalation: false``, ``capabilities.drop: [ALL]`` and
  ``seccompProfile: RuntimeDefault`` itself. ``readOnlyRootFilesystem`` is impossible: KFP's
  launcher writes artifacts on the root filesystem. ``fsGroup`` cannot be set either.
* Per-run, not per-task: ``serviceAccountName`` (``submit(service_account=...)``);
  ``priorityClassName`` cannot be expressed at all.
* Service-account token: not a per-task setting either, and always mounted — KFP's launcher,
  which wraps every task's command, reads its ConfigMap and the object-store Secret with the
  pod's token (``rest.InClusterConfig``). So the probe can read an ``inferenceService:``
  endpoint's ``status.url`` when the run's service account may ``get`` InferenceServices
  (``components/probe/README.md``: the Role and its binding); ``PodShape`` records where a
  token is needed (the probe, when ``needs_api_lookup``) but nothing here can switch it.
* Timeouts: ``set_timeout`` (the pod's ``activeDeadlineSeconds``), a backstop behind the
  deadline the execute step enforces itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nbgate.errors import InputError
from nbgate.pod import PodShape, pod_shape
from nbgate.pod.constants import GID, GPU_RESOURCE, UID
from nbgate.probe.resolve import needs_api_lookup
from nbgate.spec.model import NotebookValidation

if TYPE_CHECKING:
    from kfp.dsl import PipelineTask

__all__ = ["StepPods", "apply_shape", "step_pods"]

# Grace beyond the notebook deadline before Kubernetes kills the pod: kernel start-up is
# added separately; this covers copying the checkout and writing the artifacts.
POD_DEADLINE_GRACE_SECONDS = 300


@dataclass(frozen=True)
class StepPods:
    """The shape of each step's pod for one spec (``None`` fields: no extra settings)."""

    clone: PodShape
    execute: PodShape
    probe: PodShape
    other: PodShape
    execute_timeout: int | None
    service_account: str | None


def step_pods(resource: NotebookValidation) -> StepPods:
    spec = resource.spec
    git = spec.source.git
    if spec.pod.priority_class_name:
        raise InputError(
            "spec.pod.priorityClassName: KFP tasks cannot set a priority class; remove it for "
            "--target kfp (a Kueue queue, spec.pod.queueName, works) or use --target argo"
        )
    base = spec.pod.model_copy(update={"env": [], "data": None, "volumes": [], "volume_mounts": []})
    execute = pod_shape(spec.pod, spec.profiles)
    timeout = None
    if spec.timeouts.notebook:
        timeout = int(spec.timeouts.notebook + spec.timeouts.startup + POD_DEADLINE_GRACE_SECONDS)
    # Only execute runs the notebooks: it alone gets the profile's image, resources, GPU,
    # data PVC and env. The other steps run on the default cpu shape with the same
    # security settings and pull secrets; clone gets the Git credentials, probe the env
    # (endpoint tokens come from Secrets in spec.pod.env).
    plain = base.model_copy(update={"profile": "cpu", "image": None, "resources": None})
    return StepPods(
        clone=pod_shape(plain, credentials_secret=git.credentials_secret if git else None),
        execute=execute,
        probe=pod_shape(
            plain.model_copy(update={"env": spec.pod.env}),
            needs_service_account_token=needs_api_lookup(spec.endpoints),
        ),
        other=pod_shape(plain),
        execute_timeout=timeout,
        service_account=spec.pod.service_account_name,
    )


def _env(task: PipelineTask, env: list[dict[str, Any]]) -> None:
    from kfp import kubernetes

    for item in env:
        name = item["name"]
        source = item.get("valueFrom") or {}
        if "secretKeyRef" in source:
            ref = source["secretKeyRef"]
            kubernetes.use_secret_as_env(
                task,
                ref["name"],
                secret_key_to_env={ref["key"]: name},
                optional=bool(ref.get("optional", False)),
            )
        elif "fieldRef" in source:
            kubernetes.use_field_path_as_env(task, name, source["fieldRef"]["fieldPath"])
        elif source:
            raise InputError(
                f"env {name}: KFP sets env from a value, a Secret key or a field path only; "
                f"rewrite valueFrom.{next(iter(source))} as one of those"
            )
        else:
            task.set_env_variable(name, str(item.get("value", "")))


def _volumes(task: PipelineTask, shape: PodShape) -> None:
    from kfp import kubernetes

    volumes = {v["name"]: v for v in shape.volumes}
    for mount in shape.volume_mounts:
        volume = volumes.get(mount["name"])
        if volume is None:
            raise InputError(f"spec.pod.volumeMounts {mount['name']!r} names no volume in spec.pod.volumes")
        path = mount["mountPath"]
        if "persistentVolumeClaim" in volume:
            claim = volume["persistentVolumeClaim"]["claimName"]
            kubernetes.mount_pvc(task, pvc_name=claim, mount_path=path, sub_path=mount.get("subPath", ""))
        elif "emptyDir" in volume:
            empty = volume["emptyDir"] or {}
            kubernetes.empty_dir_mount(
                task, volume_name=mount["name"], mount_path=path,
                medium=empty.get("medium"), size_limit=empty.get("sizeLimit"),
            )  # fmt: skip
        elif "secret" in volume:
            secret = volume["secret"]
            kubernetes.use_secret_as_volume(
                task, secret["secretName"], mount_path=path, optional=bool(secret.get("optional", False))
            )
        else:
            kind = next((k for k in volume if k != "name"), "?")
            raise InputError(
                f"spec.pod.volumes {mount['name']!r}: KFP mounts PVCs, Secrets and emptyDirs only, not {kind}"
            )


def apply_shape(
    task: PipelineTask, shape: PodShape, *, timeout: int | None = None, image: bool = False
) -> None:
    """Everything of ``shape`` that KFP can carry onto ``task``; the rest raises InputError."""
    from kfp import kubernetes

    if shape.env_from:
        raise InputError(
            "spec.pod.envFrom: KFP cannot set envFrom; list the variables in spec.pod.env instead"
        )
    if image and shape.image:
        task.set_container_image(shape.image)
    requests = shape.resources.get("requests", {})
    limits = shape.resources.get("limits", {})
    if "cpu" in requests:
        task.set_cpu_request(str(requests["cpu"]))
    if "memory" in requests:
        task.set_memory_request(str(requests["memory"]))
    if "cpu" in limits:
        task.set_cpu_limit(str(limits["cpu"]))
    if "memory" in limits:
        task.set_memory_limit(str(limits["memory"]))
    gpus = int(limits.get(GPU_RESOURCE, shape.gpus) or 0)
    if gpus:
        task.set_accelerator_type(GPU_RESOURCE).set_accelerator_limit(gpus)
    for key, value in sorted(shape.node_selector.items()):
        kubernetes.add_node_selector(task, key, value)
    for toleration in shape.tolerations:
        kubernetes.add_toleration(
            task,
            key=toleration.get("key"),
            operator=toleration.get("operator"),
            value=toleration.get("value"),
            effect=toleration.get("effect"),
            toleration_seconds=toleration.get("tolerationSeconds"),
        )
    if shape.affinity:
        extra = set(shape.affinity) - {"nodeAffinity"}
        if extra:
            raise InputError(
                f"spec.pod.affinity.{sorted(extra)[0]}: KFP tasks take nodeAffinity only; "
                "use a nodeSelector or --target argo"
            )
        kubernetes.add_node_affinity_json(task, shape.affinity["nodeAffinity"])
    _env(task, shape.env)
    _volumes(task, shape)
    for key, value in sorted(shape.labels.items()):
        kubernetes.add_pod_label(task, key, value)
    if shape.image_pull_secrets:
        kubernetes.set_image_pull_secrets(task, [s["name"] for s in shape.image_pull_secrets])
    # PSA restricted, as far as KFP lets a task go (see the module docstring).
    kubernetes.set_security_context(task, run_as_user=UID, run_as_group=GID, run_as_non_root=True)
    if timeout:
        kubernetes.set_timeout(task, timeout)
