"""What a generated Argo manifest may vary: names, images, storage, fences. No Hera here.

``ArgoSettings`` holds the cluster-side choices (image registry and tag, artifact repository or
shared PVC, parallelism, GPU semaphore, TTL, metrics…); ``RunDefaults`` the spec-side values a
validation template takes as parameter defaults. ``nbgate compile`` fills both from a spec.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from nbgate.argo.cluster import PROBE_SA, ROLLOUT_SA, SERVE_SA
from nbgate.pod.shape import PodShape, pod_shape
from nbgate.spec.pod import PodSpec

__all__ = [
    "CHECKOUT",
    "INPUTS",
    "RESULTS",
    "WORKSPACE",
    "ArgoSettings",
    "ImageSettings",
    "RunDefaults",
    "StepPods",
    "template_version",
    "versioned",
]

# Paths inside every step pod. All under the /tmp emptyDir (or the shared PVC mounted there), so
# the root filesystem stays read-only.
WORKSPACE = "/tmp/nbgate"  # noqa: S108 — an emptyDir/PVC mount in the pod
INPUTS = "/tmp/nbgate-in"  # noqa: S108 — raw input artifacts (parameters, spec)
CHECKOUT = f"{WORKSPACE}/checkout"
RESULTS = f"{WORKSPACE}/results"


def template_version() -> str:
    """``v0-1`` for nbgate 0.1.x: template names change when the step CLI contract may."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        parts = version("nbgate").split(".")
    except PackageNotFoundError:  # pragma: no cover — a source tree without metadata
        parts = ["0", "1"]
    return f"v{parts[0]}-{parts[1] if len(parts) > 1 else 0}"


def versioned(step: str) -> str:
    """``nbgate-execute-v0-1``: the WorkflowTemplate name of a step (or of ``validate``)."""
    return f"nbgate-{step}-{template_version()}"


@dataclass(frozen=True)
class ImageSettings:
    """``{registry}/nbgate-{step}:{tag}``, pinned to the package version by default.

    ``digests`` (step image name → ``sha256:…``) pins by digest too; the digest also keys
    memoization, so a new image re-validates.
    """

    registry: str = "ghcr.io/nbgate"
    tag: str = ""
    digests: dict[str, str] = field(default_factory=dict)
    pull_policy: Literal["IfNotPresent", "Always"] = "IfNotPresent"

    def name(self, image: str) -> str:
        from importlib.metadata import PackageNotFoundError, version

        tag = self.tag
        if not tag:
            try:
                tag = version("nbgate")
            except PackageNotFoundError:  # pragma: no cover
                tag = "0.1.0"
        ref = f"{self.registry.rstrip('/')}/nbgate-{image}:{tag}"
        digest = self.digests.get(image)
        return f"{ref}@{digest}" if digest else ref

    def digest(self, image: str) -> str:
        return self.digests.get(image, "")


@dataclass(frozen=True)
class StepPods:
    """The pod shape of each step: clone gets the Git credentials, execute the chosen profile,
    probe the spec's env (endpoint credentials) and, when it reads InferenceServices, its own
    service account and token."""

    clone: PodShape
    execute: PodShape
    light: PodShape  # compare, report, gate: the default CPU profile
    probe: PodShape  # light + spec.pod.env, plus the nbgate-probe account and its token when needed


@dataclass(frozen=True)
class RunDefaults:
    """The validation's parameter defaults (a spec fills them in ``nbgate compile``)."""

    repo: str = ""
    revision: str = ""
    notebooks: tuple[str, ...] = ("**/*.ipynb",)
    exclude: tuple[str, ...] = ()
    parameters_json: str = "{}"
    parameter_set: str = ""
    golden: str = ""
    probe: bool = False
    spec_yaml: str = "{}"
    spec_digest: str = ""
    kernel: str | None = None
    cell_timeout: int = 600
    deadline: int = 3600
    startup: int = 60
    depth: int | None = 1
    submodules: bool = False
    lfs: bool = True
    report_formats: tuple[str, ...] = ("json", "junit", "html", "markdown")
    name: str = "validation"


@dataclass(frozen=True)
class ArgoSettings:
    """Cluster-side choices for the generated manifests."""

    namespace: str | None = None
    images: ImageSettings = field(default_factory=ImageSettings)
    storage: Literal["artifacts", "pvc"] = "artifacts"
    artifact_repository: str | None = "artifact-repositories"  # ConfigMap of artifactRepositoryRef
    artifact_repository_key: str | None = None
    pvc_size: str = "10Gi"
    pvc_storage_class: str | None = None
    pvc_access_mode: str = "ReadWriteMany"  # parallel notebook pods on several nodes
    parallelism: int = 8
    gpu_semaphore: tuple[str, str] = ("nbgate-semaphores", "gpu-executions")
    memoize: bool = False
    memo_config_map: str = "nbgate-memo"
    memo_max_age: str = "168h"
    ttl_after_completion: int = 3 * 24 * 3600
    ttl_after_failure: int = 7 * 24 * 3600
    priority_class: str | None = None
    service_account: str = "nbgate-workflow"
    probe_service_account: str = PROBE_SA  # get on inferenceservices only (workflows/rbac.yaml)
    # The promotion's serve / rollout pods (workflows/promote/rbac.yaml, nbgate.argo.promote).
    serve_service_account: str = SERVE_SA
    rollout_service_account: str = ROLLOUT_SA
    git_secret: str | None = "nbgate-git"  # noqa: S105 — the Secret's name, not a value
    metrics: bool = True
    retries: int = 3
    argo_version: Literal["v3", "v4"] = "v4"  # 3.7 and 4.1 differ in the memoize cache's shape

    def pods(
        self,
        pod: PodSpec | None = None,
        profiles: dict[str, object] | None = None,
        *,
        probe_token: bool = True,
    ) -> StepPods:
        """Each step's pod shape for ``spec.pod`` (``None``: the defaults).

        ``probe_token``: the probe pod mounts its service-account token, to read an
        ``inferenceService`` endpoint's URL from the API server. ``nbgate compile`` passes
        whether the spec has such an endpoint (``nbgate.probe.resolve.needs_api_lookup``). The
        generic templates under ``workflows/`` take the spec as a run parameter, so they cannot
        know: their probe mounts it (default ``True``) and runs as ``nbgate-probe``, an account
        that may only ``get`` InferenceServices — and the probe task runs only when the spec
        has endpoints. Every other step's pod has no token. A ``spec.pod.serviceAccountName``
        is used by every step, the probe included (its RBAC is then the spec author's).

        The probe pod also gets ``spec.pod.env``, as on KFP: an endpoint's ``auth.tokenEnv`` /
        ``headersFromEnv`` name variables that come from Secrets there
        (``valueFrom.secretKeyRef``; ``pod_shape`` refuses a literal value for a secret-looking
        name), so only the Secret's name and key are in the manifest. The other light steps
        (compare, report, gate) get neither the env nor the token.
        """
        from nbgate.spec.pod import PodProfile

        typed = {k: v for k, v in (profiles or {}).items() if isinstance(v, PodProfile)}
        pod = pod or PodSpec()
        light_spec = PodSpec(
            profile="cpu",
            service_account_name=pod.service_account_name,
            priority_class_name=pod.priority_class_name,
            image_pull_secrets=pod.image_pull_secrets,
            queue_name=pod.queue_name,
        )
        probe_spec = light_spec.model_copy(update={"env": list(pod.env)})
        if probe_token and not pod.service_account_name:
            probe_spec = probe_spec.model_copy(update={"service_account_name": self.probe_service_account})
        return StepPods(
            clone=pod_shape(light_spec, typed, credentials_secret=self.git_secret),
            execute=pod_shape(pod, typed),
            light=pod_shape(light_spec, typed),
            probe=pod_shape(probe_spec, typed, needs_service_account_token=probe_token),
        )
