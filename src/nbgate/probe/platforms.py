"""Each serving platform's own way to say "ready", describe a model and predict.

Paths and bodies per protocol:

* V2 / Open Inference Protocol (kserve-v2, oip, openshift-ai, triton; MLServer, Seldon v2):
  ``/v2/health/ready``, ``/v2/models/{m}[/versions/{v}]/ready``, metadata at
  ``/v2/models/{m}``, ``POST …/infer`` with JSON tensors (``binary_data`` never asked for, so the
  answer is plain JSON on every V2 server); Triton alone adds ``…/config``.
* KServe v1 / TF Serving: ``GET /v1/models/{m}`` (``ready`` / ``model_version_status``),
  ``POST /v1/models/{m}:predict`` ``{"instances": …}`` → ``{"predictions": …}``.
* TorchServe: the management API's model description must show a READY worker (``/ping``
  says Healthy even with 0 workers); ``POST /predictions/{m}[/{v}]``.
* Seldon v1: ``/health/ping``, ``POST /api/v1.0/predictions`` ``{"data": {"ndarray": …}}``.
* BentoML: ``/readyz``; Ray Serve: ``/-/healthz`` and ``/-/routes``; OpenAI: ``/v1/models``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlsplit

from nbgate.outcomes import Outcome
from nbgate.probe.endpoint import Endpoint, TensorSpec
from nbgate.probe.transport import ProbeFailure, Transport

__all__ = ["V2_PLATFORMS", "health", "metadata", "predict", "predict_request"]

V2_PLATFORMS = frozenset({"kserve-v2", "oip", "openshift-ai", "triton"})
_ENVELOPE = frozenset({"torchserve", "bentoml", "rayserve", "custom"})


def _mismatch(message: str) -> ProbeFailure:
    return ProbeFailure(Outcome.MISMATCH, "mismatch", message)


def _model_path(ep: Endpoint, prefix: str = "/v2/models") -> str:
    path = f"{prefix}/{quote(ep.model or '', safe='')}"
    return path + (f"/versions/{quote(ep.version, safe='')}" if ep.version else "")


def _management(ep: Endpoint) -> str:
    if ep.management_url:
        return ep.management_url.rstrip("/")
    # TorchServe's default layout: management on the inference port + 1 (8080 -> 8081).
    parts = urlsplit(ep.url or "")
    port = (parts.port or 8080) + 1
    return f"{parts.scheme}://{parts.hostname}:{port}"


# ---------------------------------------------------------------- health


def health(t: Transport) -> str:
    """A one-line description of readiness, or a ProbeFailure."""
    ep = t.endpoint
    p = ep.platform
    if p in V2_PLATFORMS:
        _expect_ok(t, "/v2/health/ready", "server readiness")
        response = t.request("GET", _model_path(ep) + "/ready")
        body = _maybe_json(response)
        if response.status_code != 200 or (isinstance(body, dict) and body.get("ready") is False):
            raise _mismatch(
                f"model {ep.model!r} is not ready (HTTP {response.status_code}: {response.text[:160]})"
            )
        return f"server and model {ep.model!r} ready"
    if p == "kserve-v1":
        body = t.json("GET", _model_path(ep, "/v1/models").split("/versions")[0], what="model status")
        if not (isinstance(body, dict) and body.get("ready") is True):
            raise _mismatch(f"model {ep.model!r} is not ready: {body!r:.160}")
        return f"model {ep.model!r} ready"
    if p == "tfserving":
        path = f"/v1/models/{quote(ep.model or '', safe='')}" + (
            f"/versions/{ep.version}" if ep.version else ""
        )
        return tfserving_status(t.json("GET", path, what="model status"), ep)
    if p == "torchserve":
        ping = t.request("GET", "/ping")
        described = t.json("GET", _management(ep) + _torchserve_model(ep), what="management API")
        return torchserve_status(described, ep, ping.status_code)
    if p == "bentoml":
        _expect_ok(t, "/readyz", "readiness")
        return "readyz OK"
    if p == "seldon":
        _expect_ok(t, "/health/ping", "health ping")
        return "health/ping OK"
    if p in ("openai", "vllm"):
        ids = openai_model_ids(t)
        if ep.model and ep.model not in ids:
            raise _mismatch(f"/v1/models does not list {ep.model!r} (it lists {ids})")
        return f"/v1/models lists {ids}"
    if p == "rayserve":
        _expect_ok(t, "/-/healthz", "proxy health")
        routes = t.json("GET", "/-/routes", what="routes")
        if ep.route and ep.route not in routes:
            raise _mismatch(f"route {ep.route!r} not served (routes: {sorted(routes)})")
        return "proxy healthy, route served"
    _expect_ok(t, ep.health_path or "/", "health")
    return "health OK"


def _torchserve_model(ep: Endpoint) -> str:
    return f"/models/{quote(ep.model or '', safe='')}" + (
        f"/{quote(ep.version, safe='')}" if ep.version else ""
    )


def torchserve_status(described: Any, ep: Endpoint, ping_status: int | None = None) -> str:
    models = described if isinstance(described, list) else [described]
    workers = [w for m in models if isinstance(m, dict) for w in m.get("workers", [])]
    ready = [w for w in workers if isinstance(w, dict) and w.get("status") == "READY"]
    if not ready:
        states = sorted({str(w.get("status")) for w in workers if isinstance(w, dict)}) or ["no workers"]
        pinged = " although /ping answers" if ping_status == 200 else ""
        raise _mismatch(f"model {ep.model!r} has no READY worker ({', '.join(states)}){pinged}")
    return f"{len(ready)} READY worker(s)"


def tfserving_status(body: Any, ep: Endpoint) -> str:
    """TF Serving's ``GET /v1/models/<m>``: some version (or the asked one) AVAILABLE."""
    statuses = body.get("model_version_status", []) if isinstance(body, dict) else []
    available = [s for s in statuses if s.get("state") == "AVAILABLE"]
    if ep.version:
        available = [s for s in available if str(s.get("version")) == ep.version]
    if not available:
        states = [f"v{s.get('version')}={s.get('state')}" for s in statuses] or ["no versions"]
        raise _mismatch(f"model {ep.model!r} has no AVAILABLE version ({', '.join(states)})")
    return f"version {available[0].get('version')} AVAILABLE"


def openai_model_ids(t: Transport) -> list[str]:
    body = t.json("GET", "/v1/models", what="model list")
    return [str(m.get("id")) for m in body.get("data", []) if isinstance(m, dict)]


def _expect_ok(t: Transport, path: str, what: str) -> None:
    response = t.request("GET", path)
    if response.status_code != 200:
        raise _mismatch(f"{what}: GET {path} gave HTTP {response.status_code}")


def _maybe_json(response: Any) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


# ---------------------------------------------------------------- metadata


def metadata(t: Transport) -> str:
    ep = t.endpoint
    want = ep.metadata
    assert want is not None
    p = ep.platform
    if p in V2_PLATFORMS:
        meta = t.json("GET", _model_path(ep), what="model metadata")
        problems = _tensor_problems("input", want.inputs, meta.get("inputs", []))
        problems += _tensor_problems("output", want.outputs, meta.get("outputs", []))
        if want.platform and meta.get("platform") != want.platform:
            problems.append(f"platform: expected {want.platform!r}, got {meta.get('platform')!r}")
        if p == "triton" and want.max_batch_size is not None:
            config = t.json("GET", _model_path(ep) + "/config", what="model config")
            if config.get("max_batch_size") != want.max_batch_size:
                problems.append(
                    f"max_batch_size: expected {want.max_batch_size}, got {config.get('max_batch_size')}"
                )
        if problems:
            raise _mismatch("; ".join(problems))
        return f"{len(want.inputs)} input(s), {len(want.outputs)} output(s) as expected"
    if p == "torchserve":
        described = t.json("GET", _management(ep) + _torchserve_model(ep), what="management API")
        first = described[0] if isinstance(described, list) and described else {}
        if ep.version and str(first.get("modelVersion")) != ep.version:
            raise _mismatch(f"modelVersion: expected {ep.version!r}, got {first.get('modelVersion')!r}")
        return f"model {first.get('modelName')!r} version {first.get('modelVersion')!r}"
    if p in ("openai", "vllm"):
        ids = openai_model_ids(t)
        if ep.model and ep.model not in ids:
            raise _mismatch(f"model id: expected {ep.model!r}, server has {ids}")
        return f"model ids {ids}"
    if want.inputs or want.outputs:
        raise ProbeFailure(
            Outcome.INPUT_ERROR,
            "unsupported",
            f"platform {p} publishes no tensor metadata; remove metadata.inputs",
        )
    return "no tensor metadata on this platform"


def _tensor_problems(kind: str, wanted: list[TensorSpec], got: list[dict[str, Any]]) -> list[str]:
    by_name = {g.get("name"): g for g in got}
    problems = []
    for w in wanted:
        g = by_name.get(w.name)
        if g is None:
            problems.append(f"{kind} {w.name!r} missing (have {sorted(map(str, by_name))})")
            continue
        if w.datatype and g.get("datatype") != w.datatype:
            problems.append(f"{kind} {w.name!r} datatype: expected {w.datatype}, got {g.get('datatype')}")
        if w.shape is not None:
            shape = g.get("shape") or []
            ok = len(shape) == len(w.shape) and all(
                b in (-1, a) or a == -1 for a, b in zip(w.shape, shape, strict=True)
            )
            if not ok:
                problems.append(f"{kind} {w.name!r} shape: expected {w.shape}, got {shape}")
    return problems


# ---------------------------------------------------------------- predict


def _shape(batch: list[Any]) -> list[int]:
    shape = []
    level: Any = batch
    while isinstance(level, list):
        shape.append(len(level))
        level = level[0] if level else None
    return shape


def _flat(value: Any) -> list[Any]:
    if isinstance(value, list):
        return [x for item in value for x in _flat(item)]
    return [value]


def predict_request(ep: Endpoint, inputs: list[Any]) -> tuple[str, dict[str, Any]]:
    """The (path, JSON body) that sends ``inputs`` (a batch) to the model, the platform's way."""
    p = ep.platform
    if p in V2_PLATFORMS:
        name = ep.input_name or (
            ep.metadata.inputs[0].name if ep.metadata and ep.metadata.inputs else "input-0"
        )
        body: dict[str, Any] = {
            "inputs": [
                {"name": name, "shape": _shape(inputs), "datatype": ep.input_datatype, "data": _flat(inputs)}
            ]
        }
        if ep.output_name:
            body["outputs"] = [{"name": ep.output_name, "parameters": {"binary_data": False}}]
        return _model_path(ep) + "/infer", body
    if p in ("kserve-v1", "tfserving"):
        return _model_path(ep, "/v1/models") + ":predict", {"instances": inputs}
    if p == "seldon":
        return "/api/v1.0/predictions", {"data": {"ndarray": inputs}}
    if p == "torchserve":
        return "/predictions" + _torchserve_model(ep)[len("/models") :], {"instances": inputs}
    if p in _ENVELOPE:
        return ep.route or "/predict", {"instances": inputs}
    raise ProbeFailure(Outcome.INPUT_ERROR, "unsupported", f"platform {p} takes no tensor predictions")


def predictions_of(ep: Endpoint, body: Any) -> list[Any]:
    """The flat list of predictions in a platform's answer."""
    p = ep.platform
    try:
        if p in V2_PLATFORMS:
            outputs = body["outputs"]
            if ep.output_name:
                outputs = [o for o in outputs if o["name"] == ep.output_name] or outputs[:0]
            return _flat(list(outputs[0]["data"]))
        if p == "seldon":
            data = body["data"]
            return _flat(data["ndarray"] if "ndarray" in data else data["tensor"]["values"])
        if isinstance(body, dict):
            return _flat(body["predictions"])
        return _flat(list(body))
    except (KeyError, IndexError, TypeError) as exc:
        raise _mismatch(
            f"answer has no predictions where {p} puts them ({exc!r}): {str(body)[:160]}"
        ) from None


def predict(t: Transport, inputs: list[Any]) -> list[Any]:
    path, body = predict_request(t.endpoint, inputs)
    return predictions_of(t.endpoint, t.json("POST", path, json=body, what="predict"))
