"""Where an endpoint lives: its ``url``, or its KServe InferenceService's ``status.url``.

In a pod (the probe step under Argo or KFP) the InferenceService is read with one GET on the
API server, with the pod's service-account token and verified against the cluster CA: the
same variables and files ``kubernetes.config.load_incluster_config`` reads, without the
kubernetes client (≈125 MB, most of the probe image). The pod needs the token mounted
and RBAC ``get`` on ``inferenceservices``: on Argo the probe pod runs as ``nbgate-probe``
(``workflows/rbac.yaml``), with its token only where ``needs_api_lookup`` says so; on KFP every
pod carries the run's token and the run's account needs the Role (``components/probe``). Outside
a pod, a kubeconfig (contexts, exec plugins, OIDC) is the kubernetes client's job:
``pip install 'nbgate[k8s]'``.
"""

from __future__ import annotations

import json
import os
import ssl
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from nbgate.errors import InputError, TransientError
from nbgate.probe.endpoint import Endpoint, InferenceServiceRef

__all__ = ["SERVICE_ACCOUNT", "endpoint_url", "needs_api_lookup"]

SERVICE_ACCOUNT = Path("/var/run/secrets/kubernetes.io/serviceaccount")
_PATH = "/apis/serving.kserve.io/v1beta1/namespaces/{namespace}/inferenceservices/{name}"


def needs_api_lookup(endpoints: Iterable[Endpoint]) -> bool:
    """Whether probing ``endpoints`` reads an InferenceService from the API server: one of them
    has ``inferenceService`` and no ``url`` (a ``url`` wins, see ``endpoint_url``). The cluster
    targets mount the probe pod's service-account token exactly then."""
    return any(ep.url is None and ep.inference_service is not None for ep in endpoints)


def endpoint_url(ep: Endpoint) -> str:
    if ep.url:
        return ep.url
    ref = ep.inference_service
    assert ref is not None
    what = f"endpoint {ep.name!r}: InferenceService {ref.namespace}/{ref.name}"
    host = os.environ.get("KUBERNETES_SERVICE_HOST")
    port = os.environ.get("KUBERNETES_SERVICE_PORT")
    if host and port and (SERVICE_ACCOUNT / "token").is_file():
        obj = _get_in_cluster(host, port, ref, what, ep.timeout)
    else:
        obj = _get_with_kubeconfig(ref, what)
    url = (obj.get("status") or {}).get("url") if isinstance(obj, dict) else None
    if not url:
        raise TransientError(f"{what} has no status.url yet")
    return str(url)


def _get_in_cluster(host: str, port: str, ref: InferenceServiceRef, what: str, timeout: float) -> Any:
    import httpx

    from nbgate.probe.transport import _is_tls_error

    try:
        # Re-read each time: projected service-account tokens are rotated by the kubelet.
        token = (SERVICE_ACCOUNT / "token").read_text(encoding="utf-8").strip()
        ca = ssl.create_default_context(cafile=str(SERVICE_ACCOUNT / "ca.crt"))
    except (OSError, ssl.SSLError) as exc:
        raise InputError(f"{what}: cannot read the pod's service-account credentials: {exc}") from None
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    path = _PATH.format(namespace=quote(ref.namespace, safe=""), name=quote(ref.name, safe=""))
    try:
        response = httpx.get(
            f"https://{netloc}{path}",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
            verify=ca,
            timeout=timeout,
            trust_env=False,  # never through an HTTP(S)_PROXY: the API server is in-cluster
        )
    except httpx.HTTPError as exc:
        if _is_tls_error(exc):
            raise InputError(f"{what}: TLS with the Kubernetes API at {netloc} failed: {exc}") from None
        raise TransientError(f"{what}: cannot reach the Kubernetes API at {netloc}: {exc}") from None
    if response.status_code in (401, 403, 404):
        raise InputError(f"{what}: HTTP {response.status_code}")
    if response.status_code != 200:
        raise TransientError(f"{what}: reading it: HTTP {response.status_code}")
    try:
        return json.loads(response.content)
    except ValueError:
        raise TransientError(f"{what}: the Kubernetes API answered with invalid JSON") from None


def _get_with_kubeconfig(ref: InferenceServiceRef, what: str) -> Any:
    try:
        from kubernetes import client, config
    except ImportError:
        raise InputError(
            f"{what}: not in a pod with a service-account token ({SERVICE_ACCOUNT}/token), and reading "
            "a kubeconfig needs the kubernetes package (pip install 'nbgate[k8s]')"
        ) from None
    try:
        # KUBECONFIG read now: the client reads it once, at its import.
        config.load_kube_config(config_file=os.environ.get("KUBECONFIG"))
    except config.ConfigException as exc:
        raise InputError(f"{what}: no Kubernetes credentials: {exc}") from None
    try:
        return client.CustomObjectsApi().get_namespaced_custom_object(
            "serving.kserve.io", "v1beta1", ref.namespace, "inferenceservices", ref.name
        )
    except client.ApiException as exc:
        if exc.status in (401, 403, 404):
            raise InputError(f"{what}: HTTP {exc.status}") from None
        raise TransientError(f"{what}: reading it: HTTP {exc.status}") from None
