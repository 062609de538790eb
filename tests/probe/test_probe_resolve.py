"""inferenceService endpoints: the URL read from the InferenceService, in a pod without the
kubernetes client (one GET with the service-account token, checked against the cluster CA).

The "API server" is a real HTTPS server on 127.0.0.1 with a self-signed certificate, standing
in for the kube-apiserver; the pod's service-account directory is a temporary one.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from test_probe_failures import _self_signed

from nbgate.errors import InputError, TransientError
from nbgate.probe import resolve
from nbgate.probe.endpoint import Endpoint

ISVC_PATH = "/apis/serving.kserve.io/v1beta1/namespaces/team-a/inferenceservices/iris"


@dataclass
class ApiServer:
    port: int
    status: int = 200
    body: Any = field(default_factory=lambda: {"status": {"url": "https://iris.team-a.example.com"}})
    seen: list[tuple[str, str | None]] = field(default_factory=list)


def _endpoint(**extra: Any) -> Endpoint:
    data = {"name": "m", "platform": "kserve-v2", "model": "iris", **extra}
    if "url" not in data:
        data["inferenceService"] = {"namespace": "team-a", "name": "iris"}
    return Endpoint.model_validate(data)


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ApiServer]:
    """A TLS server answering the InferenceService GET, and a pod environment pointing at it."""
    import ssl

    (tmp_path / "tls").mkdir()
    cert, key = _self_signed(tmp_path / "tls")
    account = tmp_path / "serviceaccount"
    account.mkdir()
    (account / "token").write_text("tok-1\n", encoding="utf-8")
    (account / "ca.crt").write_text(Path(cert).read_text(encoding="utf-8"), encoding="utf-8")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            state.seen.append((self.path, self.headers.get("Authorization")))
            payload = json.dumps(state.body).encode() if not isinstance(state.body, bytes) else state.body
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    state = ApiServer(port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    monkeypatch.setattr(resolve, "SERVICE_ACCOUNT", account)
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(state.port))
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")  # must not be used for the API server
    # The kubernetes client is not what reads it in a pod: the probe image does not have it.
    monkeypatch.setitem(sys.modules, "kubernetes", None)
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def test_an_explicit_url_needs_no_cluster() -> None:
    assert resolve.endpoint_url(_endpoint(url="http://127.0.0.1:1")) == "http://127.0.0.1:1"


def test_in_a_pod_the_inference_service_is_read_with_the_service_account(api: ApiServer) -> None:
    assert resolve.endpoint_url(_endpoint()) == "https://iris.team-a.example.com"
    assert api.seen == [(ISVC_PATH, "Bearer tok-1")]
    # The token is read again for each lookup: the kubelet rotates projected tokens.
    (resolve.SERVICE_ACCOUNT / "token").write_text("tok-2", encoding="utf-8")
    resolve.endpoint_url(_endpoint())
    assert api.seen[-1] == (ISVC_PATH, "Bearer tok-2")


@pytest.mark.parametrize(
    ("status", "body", "error", "text"),
    [
        (403, {"kind": "Status"}, InputError, "HTTP 403"),
        (404, {"kind": "Status"}, InputError, "HTTP 404"),
        (401, {"kind": "Status"}, InputError, "HTTP 401"),
        (500, {"kind": "Status"}, TransientError, "HTTP 500"),
        (200, {"status": {"conditions": []}}, TransientError, "no status.url yet"),
        (200, b"not json", TransientError, "invalid JSON"),
    ],
)
def test_api_answers_are_classified(
    api: ApiServer, status: int, body: Any, error: type[Exception], text: str
) -> None:
    api.status, api.body = status, body
    with pytest.raises(error, match=text) as info:
        resolve.endpoint_url(_endpoint())
    assert "InferenceService team-a/iris" in str(info.value)


def test_an_api_server_with_another_certificate_is_refused(api: ApiServer, tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    other, _ = _self_signed(tmp_path / "other")
    (resolve.SERVICE_ACCOUNT / "ca.crt").write_text(Path(other).read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(InputError, match="TLS"):
        resolve.endpoint_url(_endpoint())
    assert api.seen == []


def test_an_unreachable_api_server_is_transient(api: ApiServer, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", str(closed))
    with pytest.raises(TransientError, match="cannot reach the Kubernetes API"):
        resolve.endpoint_url(_endpoint())


def test_outside_a_pod_without_the_kubernetes_client_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    monkeypatch.setattr(resolve, "SERVICE_ACCOUNT", tmp_path / "absent")
    monkeypatch.setitem(sys.modules, "kubernetes", None)
    with pytest.raises(InputError, match=r"nbgate\[k8s\]"):
        resolve.endpoint_url(_endpoint())


def test_a_pod_without_a_mounted_token_says_so(api: ApiServer) -> None:
    """automountServiceAccountToken: false (the default of nbgate's step pods) leaves no token."""
    (resolve.SERVICE_ACCOUNT / "token").unlink()
    with pytest.raises(InputError, match="service-account token"):
        resolve.endpoint_url(_endpoint())
    assert api.seen == []


def test_needs_api_lookup_only_for_an_inference_service_without_a_url() -> None:
    """What the cluster targets mount the probe pod's token for (nbgate compile)."""
    isvc = _endpoint()
    assert isvc.url is None and resolve.needs_api_lookup([isvc])
    with_url = isvc.model_copy(update={"url": "http://iris.team-a.svc"})
    assert not resolve.needs_api_lookup([with_url])
    assert not resolve.needs_api_lookup([])
    assert resolve.needs_api_lookup([with_url, isvc])
