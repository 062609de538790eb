"""The Pods Argo would create from a template: main container plus Argo's ``init`` and ``wait``.

Argo's executor containers take their settings from the controller's ``executor`` config, not
from the template; a PSA check of the template alone would miss them. ``argo_pods`` rebuilds each
container template's pod the way the controller does (emissary executor: an ``init`` container, the
``main`` container, a ``wait`` sidecar, the ``var-run-argo`` emptyDir) so the whole pod is checked.

The service-account token follows the controller too: a template's (else the workflow's)
``automountServiceAccountToken: false`` is copied to the pod, a ``true`` is not — the pod then
leaves it to its ServiceAccount. ``mounts_token`` answers what Kubernetes does with that.
"""

from __future__ import annotations

import copy
from typing import Any

from nbgate.argo.cluster import EXECUTOR_IMAGE, executor_config

__all__ = ["argo_pods", "mounts_token"]


def _executor(name: str, executor: dict[str, Any], mounts: list[dict[str, Any]]) -> dict[str, Any]:
    container: dict[str, Any] = {
        "name": name,
        "image": EXECUTOR_IMAGE,
        "command": ["argoexec", name],
        "volumeMounts": mounts,
    }
    for key in ("imagePullPolicy", "resources", "securityContext", "env"):
        if key in executor:
            container[key] = copy.deepcopy(executor[key])
    return container


def argo_pods(manifest: dict[str, Any], executor: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """One Pod per container template of a (Cluster)WorkflowTemplate, Workflow or CronWorkflow."""
    executor = executor_config() if executor is None else executor
    spec = manifest["spec"]
    spec = spec.get("workflowSpec", spec)
    namespace = manifest.get("metadata", {}).get("namespace") or "nbgate"
    pods = []
    for template in spec.get("templates", []):
        if "container" not in template:
            continue
        main = copy.deepcopy(template["container"])
        main["name"] = "main"
        argo_mount = {"name": "var-run-argo", "mountPath": "/var/run/argo"}
        main["volumeMounts"] = [*main.get("volumeMounts", []), argo_mount]
        automount = template.get("automountServiceAccountToken", spec.get("automountServiceAccountToken"))
        pod_spec: dict[str, Any] = {
            "restartPolicy": "Never",
            "serviceAccountName": template.get("serviceAccountName") or spec.get("serviceAccountName"),
            # Argo's setupServiceAccount: only `false` reaches the pod.
            **({"automountServiceAccountToken": False} if automount is False else {}),
            "securityContext": template.get("securityContext") or spec.get("securityContext") or {},
            "initContainers": [_executor("init", executor, [argo_mount])],
            "containers": [_executor("wait", executor, [argo_mount]), main],
            "volumes": [
                *copy.deepcopy(spec.get("volumes", [])),
                *copy.deepcopy(template.get("volumes", [])),
                {"name": "var-run-argo", "emptyDir": {}},
            ],
        }
        for key in ("nodeSelector", "tolerations", "affinity", "priorityClassName"):
            if template.get(key):
                pod_spec[key] = template[key]
        labels = {"workflows.argoproj.io/template": template["name"]}
        labels.update((template.get("metadata") or {}).get("labels") or {})
        pods.append(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"nbgate-{template['name']}", "namespace": namespace, "labels": labels},
                "spec": pod_spec,
            }
        )
    return pods


def mounts_token(pod: dict[str, Any], accounts: dict[str, dict[str, Any]]) -> bool:
    """Whether Kubernetes mounts the service-account token into ``pod``.

    The pod's ``automountServiceAccountToken`` wins; unset, its ServiceAccount's (``accounts``:
    name → ServiceAccount manifest) decides; unset there too, the token is mounted.
    """
    spec = pod["spec"]
    if "automountServiceAccountToken" in spec:
        return bool(spec["automountServiceAccountToken"])
    account = accounts.get(spec.get("serviceAccountName") or "default", {})
    return bool(account.get("automountServiceAccountToken", True))
