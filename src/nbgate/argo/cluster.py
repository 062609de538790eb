"""The cluster objects around the templates: RBAC, fences, the executor snippet, secrets examples.

Plain Kubernetes dicts: none of them is an Argo object Hera models.
"""

from __future__ import annotations

from typing import Any

from nbgate.pod.constants import GPU_RESOURCE
from nbgate.pod.shape import container_security_context

__all__ = [
    "EXECUTOR_IMAGE",
    "PROBE_SA",
    "ROLLOUT_SA",
    "SERVE_SA",
    "controller_executor_patch",
    "executor_config",
    "external_secrets",
    "quota",
    "rbac",
    "role_and_binding",
    "semaphores",
    "service_account",
]

EXECUTOR_IMAGE = "quay.io/argoproj/argoexec:v3.7.18"
WORKFLOW_SA = "nbgate-workflow"
EXECUTOR_SA = "nbgate-executor"
SENSOR_SA = "nbgate-sensor"
PROBE_SA = "nbgate-probe"
# The promotion's serve and rollout steps create/patch/delete InferenceServices
# (``nbgate.argo.promote.promote_rbac``, workflows/promote/rbac.yaml).
SERVE_SA = "nbgate-serve"
ROLLOUT_SA = "nbgate-rollout"
# The InferenceService the probe step reads (``nbgate.probe.resolve``): group and plural of the
# KServe CRD, a namespaced resource.
KSERVE_GROUP = "serving.kserve.io"
INFERENCE_SERVICES = "inferenceservices"
_PART_OF = {"app.kubernetes.io/part-of": "nbgate"}


def _meta(name: str, namespace: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "labels": dict(_PART_OF)}
    if namespace:
        meta["namespace"] = namespace
    return meta


def _ns(namespace: str | None) -> dict[str, str]:
    return {"namespace": namespace} if namespace else {}


def service_account(name: str, namespace: str | None = None, *, token: bool = False) -> dict[str, Any]:
    """A ServiceAccount; ``token``: pods running as it mount its token unless they say otherwise
    (Argo writes only a template's ``automountServiceAccountToken: false`` into the pod)."""
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _meta(name, namespace),
        "automountServiceAccountToken": token,
    }


def role_and_binding(
    name: str, rules: list[dict[str, Any]], namespace: str | None = None
) -> list[dict[str, Any]]:
    """A Role named ``name`` and its RoleBinding to the ServiceAccount of the same name, only."""
    return [
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "Role",
            "metadata": _meta(name, namespace),
            "rules": rules,
        },
        {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "RoleBinding",
            "metadata": _meta(name, namespace),
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": name},
            "subjects": [{"kind": "ServiceAccount", "name": name, **_ns(namespace)}],
        },
    ]


def rbac(namespace: str | None = None) -> list[dict[str, Any]]:
    """Four accounts, least privilege each.

    * ``nbgate-workflow``: the step pods; no token, no Role — these steps never call the API.
    * ``nbgate-probe``: the probe step's pod only. An endpoint given as ``inferenceService:``
      has its URL read from the InferenceService's ``status.url`` with the pod's token
      (``nbgate.probe.resolve``), so this account may ``get`` InferenceServices in its
      namespace and nothing else. Its token is mounted: Argo copies a template's
      ``automountServiceAccountToken`` to the pod only when it is ``false`` — a ``true`` leaves
      the choice to the account — so the account must allow it; every other step's template says
      ``false``, and a compiled Workflow whose spec has no ``inferenceService`` endpoint says
      ``false`` for the probe too (``ArgoSettings.pods``).
    * ``nbgate-executor``: Argo's init/wait containers report results (``workflowtaskresults``)
      and artifact GC tasks clean up; nothing else.
    * ``nbgate-sensor``: the Sensor submits Workflows from the validation template.

    The promotion's ``nbgate-serve`` and ``nbgate-rollout`` live beside their templates
    (``nbgate.argo.promote.promote_rbac``).
    """

    def account(name: str, *, token: bool = False) -> dict[str, Any]:
        return service_account(name, namespace, token=token)

    def role(name: str, rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return role_and_binding(name, rules, namespace)

    argo = "argoproj.io"
    return [
        account(WORKFLOW_SA),
        account(PROBE_SA, token=True),
        *role(PROBE_SA, [{"apiGroups": [KSERVE_GROUP], "resources": [INFERENCE_SERVICES], "verbs": ["get"]}]),
        account(EXECUTOR_SA),
        *role(
            EXECUTOR_SA,
            [
                {"apiGroups": [argo], "resources": ["workflowtaskresults"], "verbs": ["create", "patch"]},
                {"apiGroups": [argo], "resources": ["workflowartifactgctasks"], "verbs": ["list", "watch"]},
                {"apiGroups": [argo], "resources": ["workflowartifactgctasks/status"], "verbs": ["patch"]},
            ],
        ),
        account(SENSOR_SA),
        *role(
            SENSOR_SA,
            [
                {"apiGroups": [argo], "resources": ["workflows"], "verbs": ["create"]},
                {"apiGroups": [argo], "resources": ["workflowtemplates"], "verbs": ["get", "list"]},
            ],
        ),
    ]


def semaphores(gpu_executions: int = 2, namespace: str | None = None) -> dict[str, Any]:
    """At most ``gpu_executions`` GPU notebooks at once across all validations in the namespace."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": _meta("nbgate-semaphores", namespace),
        "data": {"gpu-executions": str(gpu_executions)},
    }


def quota(namespace: str | None = None, gpus: int = 2) -> list[dict[str, Any]]:
    """Namespace ceiling plus per-container defaults: GPU defaults to 0 and tops out at 1."""
    return [
        {
            "apiVersion": "v1",
            "kind": "ResourceQuota",
            "metadata": _meta("nbgate-quota", namespace),
            "spec": {
                "hard": {
                    "requests.cpu": "32",
                    "requests.memory": "128Gi",
                    "limits.cpu": "64",
                    "limits.memory": "256Gi",
                    f"requests.{GPU_RESOURCE}": str(gpus),
                    "pods": "200",
                    "persistentvolumeclaims": "20",
                }
            },
        },
        {
            "apiVersion": "v1",
            "kind": "LimitRange",
            "metadata": _meta("nbgate-limits", namespace),
            "spec": {
                "limits": [
                    {
                        "type": "Container",
                        "defaultRequest": {"cpu": "250m", "memory": "512Mi", GPU_RESOURCE: "0"},
                        "default": {"cpu": "2", "memory": "4Gi", GPU_RESOURCE: "0"},
                        "max": {GPU_RESOURCE: "1"},
                    }
                ]
            },
        },
    ]


def executor_config() -> dict[str, Any]:
    """What the controller's ``executor`` setting must hold for restricted init/wait containers."""
    security = container_security_context()
    return {
        "imagePullPolicy": "IfNotPresent",
        "resources": {
            "requests": {"cpu": "50m", "memory": "64Mi"},
            "limits": {"cpu": "500m", "memory": "256Mi"},
        },
        "securityContext": security,
    }


def controller_executor_patch(namespace: str = "argo") -> dict[str, Any]:
    """A patch for ``workflow-controller-configmap``: Argo's init/wait containers run restricted too."""
    import yaml

    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "workflow-controller-configmap", "namespace": namespace},
        "data": {"executor": yaml.safe_dump(executor_config(), sort_keys=False)},
    }


def external_secrets(store: str = "nbgate-store", namespace: str | None = None) -> list[dict[str, Any]]:
    """External Secrets Operator examples: the Git, endpoint and webhook Secrets from a store."""

    def secret(name: str, keys: list[tuple[str, str, str]]) -> dict[str, Any]:
        return {
            "apiVersion": "external-secrets.io/v1",
            "kind": "ExternalSecret",
            "metadata": _meta(name, namespace),
            "spec": {
                "refreshInterval": "1h",
                "secretStoreRef": {"kind": "ClusterSecretStore", "name": store},
                "target": {"name": name, "creationPolicy": "Owner"},
                "data": [
                    {"secretKey": key, "remoteRef": {"key": remote, "property": prop}}
                    for key, remote, prop in keys
                ],
            },
        }

    return [
        secret("nbgate-git", [("token", "nbgate/git", "token")]),
        secret("nbgate-endpoints", [("api-key", "nbgate/endpoints", "api-key")]),
        secret(
            "nbgate-webhook", [("github", "nbgate/webhook", "github"), ("gitlab", "nbgate/webhook", "gitlab")]
        ),
    ]
