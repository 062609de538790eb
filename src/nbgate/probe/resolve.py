"""Where an endpoint lives: its ``url``, or its KServe InferenceService's ``status.url``."""

from __future__ import annotations

from typing import Any

from nbgate.errors import InputError, TransientError
from nbgate.probe.endpoint import Endpoint

__all__ = ["endpoint_url"]


def endpoint_url(ep: Endpoint) -> str:
    if ep.url:
        return ep.url
    ref = ep.inference_service
    assert ref is not None
    try:
        from kubernetes import client, config  # heavy: only in cluster mode
    except ImportError:
        raise InputError(
            f"endpoint {ep.name!r}: inferenceService needs the kubernetes package (pip install 'nbgate[k8s]')"
        ) from None
    try:
        config.load_incluster_config()
    except config.ConfigException:
        config.load_kube_config()
    try:
        obj: Any = client.CustomObjectsApi().get_namespaced_custom_object(
            "serving.kserve.io", "v1beta1", ref.namespace, "inferenceservices", ref.name
        )
    except client.ApiException as exc:
        if exc.status in (401, 403, 404):
            raise InputError(
                f"endpoint {ep.name!r}: InferenceService {ref.namespace}/{ref.name}: HTTP {exc.status}"
            ) from None
        raise TransientError(
            f"endpoint {ep.name!r}: reading InferenceService {ref.namespace}/{ref.name}: HTTP {exc.status}"
        ) from None
    url = (obj.get("status") or {}).get("url")
    if not url:
        raise TransientError(
            f"endpoint {ep.name!r}: InferenceService {ref.namespace}/{ref.name} has no status.url yet"
        )
    return str(url)
