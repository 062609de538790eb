"""serve/rollout against an API server: a stand-in on 127.0.0.1 (no Kubernetes API server can run
here) that records what the real ``kubernetes`` client sends and answers with the recorded KServe
objects — so the HTTP verbs, paths, content type and patch bodies are the client's real ones."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from promote_support import RECORDED

from nbgate.promote.spec import PromoteSpec

SEQ = json.loads((RECORDED / "kserve_canary_statuses.json").read_text())
PATH = "/apis/serving.kserve.io/v1beta1/namespaces/kserve-test/inferenceservices"


class _Api(BaseHTTPRequestHandler):
    objects: dict[str, dict] = {}  # type: ignore[type-arg]
    calls: list[tuple[str, str, str, object]] = []

    def _send(self, code: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> object:
        n = int(self.headers.get("Content-Length") or 0)
        return json.loads(self.rfile.read(n)) if n else None

    def _record(self) -> object:
        body = self._body()
        self.calls.append((self.command, self.path, self.headers.get("Content-Type", ""), body))
        return body

    def do_GET(self) -> None:
        self._record()
        name = self.path.rsplit("/", 1)[-1]
        if name in self.objects:
            self._send(200, self.objects[name])
        else:
            self._send(404, {"kind": "Status", "code": 404, "reason": "NotFound"})

    def do_PATCH(self) -> None:
        self._record()
        self._send(200, self.objects.get(self.path.rsplit("/", 1)[-1], {}))

    def do_POST(self) -> None:
        self._send(201, self._record())

    def do_DELETE(self) -> None:
        self._record()
        self._send(200, {"kind": "Status", "status": "Success"})

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Api]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = {
        "apiVersion": "v1", "kind": "Config", "current-context": "t",
        "clusters": [{"name": "t", "cluster": {"server": f"http://127.0.0.1:{server.server_port}"}}],
        "contexts": [{"name": "t", "context": {"cluster": "t", "user": "t"}}],
        "users": [{"name": "t", "user": {}}],
    }  # fmt: skip
    (tmp_path / "kubeconfig").write_text(json.dumps(config))
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "kubeconfig"))
    monkeypatch.delenv("KUBERNETES_SERVICE_HOST", raising=False)
    _Api.objects, _Api.calls = {}, []
    yield _Api
    server.shutdown()


def _promote(mode: str = "Serverless") -> PromoteSpec:
    return PromoteSpec.model_validate({
        "notebook": "nb.ipynb",
        "serve": {"name": "sklearn-iris", "namespace": "kserve-test", "deploymentMode": mode},
        "rollout": {"endpoint": {"name": "e", "platform": "kserve-v2", "model": "sklearn-iris",
                                 "inferenceService": {"namespace": "kserve-test", "name": "sklearn-iris"}}},
    })  # fmt: skip


def test_serve_creates_then_patches_a_canary(api: type[_Api]) -> None:
    from nbgate.steps.serve import serve

    first = serve(_promote(), "pvc://models/churn/r1", revision="r1")
    assert first.action == "create"
    method, path, _, body = api.calls[-1]
    assert (method, path) == ("POST", PATH) and body["spec"]["predictor"]["model"][
        "storageUri"
    ] == "pvc://models/churn/r1"  # type: ignore[index]
    api.objects["sklearn-iris"] = {"metadata": {"name": "sklearn-iris"}, **SEQ["steps"][0]}
    second = serve(_promote(), "pvc://models/churn/r2", revision="r2")
    assert (
        second.mode == "canary"
        and second.previous_uri == SEQ["steps"][0]["spec"]["predictor"]["model"]["storageUri"]
    )
    method, path, content_type, body = api.calls[-1]
    assert (method, path, content_type) == ("PATCH", f"{PATH}/sklearn-iris", "application/merge-patch+json")
    assert body["spec"]["predictor"] == {
        "canaryTrafficPercent": 10,
        "model": {"storageUri": "pvc://models/churn/r2"},
    }  # type: ignore[index]


def test_unreachable_canary_gets_no_decision_and_no_patch(api: type[_Api]) -> None:
    """The recorded canary's latest- URL does not resolve here: no verdict, nothing patched."""
    from nbgate.steps.rollout import rollout

    api.objects["sklearn-iris"] = {"metadata": {"name": "sklearn-iris"}, **SEQ["steps"][1]}
    result = rollout(_promote())
    assert result.decision == "none" and not any(c[0] == "PATCH" for c in api.calls)
    assert result.candidate is not None and result.candidate.url == (
        "http://latest-sklearn-iris-predictor-default.kserve-test.example.com"
    )


def test_raw_deployment_rollback_deletes_only_the_candidate(api: type[_Api], tmp_path: Path) -> None:
    """A candidate answering wrong (a stdlib V2 server returning zeros) is rolled back: the main
    InferenceService is never patched, ``<name>-candidate`` is deleted."""
    from http.server import ThreadingHTTPServer as Server

    class Wrong(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def do_POST(self) -> None:
            n = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(n)
            data = json.dumps(
                {"outputs": [{"name": "predict", "datatype": "FP64", "shape": [1], "data": [0.0]}]}
            )
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data.encode())

        def log_message(self, *args: object) -> None:
            pass

    wrong = Server(("127.0.0.1", 0), Wrong)
    threading.Thread(target=wrong.serve_forever, daemon=True).start()
    try:
        promote = _promote("RawDeployment")
        from nbgate.probe.endpoint import Endpoint

        ep = Endpoint.model_validate({
            **promote.rollout.endpoint.to_wire(),
            "golden": [{"name": "g", "inputs": [[1.0, 2.0]], "expected": [0.5]}],
            "health": False,
        })  # fmt: skip
        promote = promote.model_copy(update={"rollout": promote.rollout.model_copy(update={"endpoint": ep})})
        api.objects["sklearn-iris-candidate"] = {
            "metadata": {"name": "sklearn-iris-candidate"},
            "spec": {"predictor": {"model": {"storageUri": "pvc://models/churn/r2"}}},
            "status": {"url": f"http://127.0.0.1:{wrong.server_port}"},
        }
        from nbgate.steps.rollout import rollout

        result = rollout(promote)
    finally:
        wrong.shutdown()
    assert result.decision == "rollback", result.reason
    assert [c[:2] for c in api.calls if c[0] != "GET"] == [("DELETE", f"{PATH}/sklearn-iris-candidate")]
