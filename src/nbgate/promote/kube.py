"""The InferenceService calls a cluster run makes (RBAC: get, create, patch, delete on
``inferenceservices`` for the serve step; get, patch, delete for the rollout step — on Argo the
``nbgate-serve`` / ``nbgate-rollout`` accounts, ``nbgate.argo.promote.promote_rbac``). Imports
``kubernetes`` lazily."""

from __future__ import annotations

import os
from typing import Any

from nbgate.errors import InputError, TransientError

__all__ = ["create", "delete", "get", "patch"]

_GROUP, _VERSION, _PLURAL = "serving.kserve.io", "v1beta1", "inferenceservices"


def _api() -> Any:
    try:
        from kubernetes import client, config
    except ImportError:
        raise InputError(
            "serve/rollout in a cluster need the kubernetes package (pip install 'nbgate[k8s]')"
        ) from None
    try:
        config.load_incluster_config()
    except config.ConfigException:
        # KUBECONFIG read now: the client reads it once, at its import.
        config.load_kube_config(config_file=os.environ.get("KUBECONFIG"))
    return client.CustomObjectsApi()


def _fail(exc: Any, what: str) -> Exception:
    status = getattr(exc, "status", None)
    if status in (400, 401, 403, 404, 409, 422):
        return InputError(f"{what}: HTTP {status} {getattr(exc, 'reason', '')}".strip())
    return TransientError(f"{what}: HTTP {status} {getattr(exc, 'reason', '')}".strip())


def get(namespace: str, name: str) -> dict[str, Any] | None:
    from kubernetes.client import ApiException

    try:
        obj: dict[str, Any] = _api().get_namespaced_custom_object(_GROUP, _VERSION, namespace, _PLURAL, name)
    except ApiException as exc:
        if exc.status == 404:
            return None
        raise _fail(exc, f"get InferenceService {namespace}/{name}") from None
    return obj


def create(namespace: str, body: dict[str, Any]) -> dict[str, Any]:
    from kubernetes.client import ApiException

    try:
        obj: dict[str, Any] = _api().create_namespaced_custom_object(
            _GROUP, _VERSION, namespace, _PLURAL, body
        )
    except ApiException as exc:
        raise _fail(exc, f"create InferenceService {namespace}/{body['metadata']['name']}") from None
    return obj


def patch(namespace: str, name: str, merge_patch: dict[str, Any]) -> dict[str, Any]:
    """A JSON merge patch (the client sends application/merge-patch+json for custom objects)."""
    from kubernetes.client import ApiException

    try:
        obj: dict[str, Any] = _api().patch_namespaced_custom_object(
            _GROUP, _VERSION, namespace, _PLURAL, name, merge_patch
        )
    except ApiException as exc:
        raise _fail(exc, f"patch InferenceService {namespace}/{name}") from None
    return obj


def delete(namespace: str, name: str) -> None:
    from kubernetes.client import ApiException

    try:
        _api().delete_namespaced_custom_object(_GROUP, _VERSION, namespace, _PLURAL, name)
    except ApiException as exc:
        if exc.status != 404:
            raise _fail(exc, f"delete InferenceService {namespace}/{name}") from None
