"""The V2 protocol over gRPC, through ``tritonclient.grpc`` (Triton, MLServer, KServe).

One check: server and model ready, then the first golden request's inputs inferred over gRPC
and compared with its expected predictions. gRPC status codes are classified like HTTP ones:
UNAVAILABLE is retried (transient), DEADLINE_EXCEEDED is a timeout, UNAUTHENTICATED and
PERMISSION_DENIED are input errors (never retried).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from nbgate.outcomes import Outcome
from nbgate.probe.secrets import auth_headers
from nbgate.probe.tolerance import compare_values
from nbgate.probe.transport import ProbeFailure, Transport

__all__ = ["grpc_check"]

T = TypeVar("T")


def _classify(exc: Any, target: str) -> ProbeFailure:
    status = str(exc.status() or "")
    text = f"gRPC {target}: {status} {exc.message()}"
    if "UNAUTHENTICATED" in status or "PERMISSION_DENIED" in status:
        return ProbeFailure(Outcome.INPUT_ERROR, "auth", text + "; check the endpoint's auth Secret")
    if "DEADLINE_EXCEEDED" in status:
        return ProbeFailure(Outcome.TRANSIENT_ERROR, "timeout", text)
    if "UNAVAILABLE" in status:
        return ProbeFailure(Outcome.TRANSIENT_ERROR, "connection", text)
    return ProbeFailure(Outcome.MISMATCH, "grpc", text)


def _output_values(result: Any, response: dict[str, Any], name: str) -> list[Any]:
    """An output's values. Servers that answer with typed ``contents`` (KServe) instead of
    ``raw_output_contents`` (Triton, MLServer) defeat ``InferResult.as_numpy``: read those."""
    for out in response.get("outputs", []):
        if out.get("name") == name:
            for values in (out.get("contents") or {}).values():
                if values:
                    return list(values)
    return list(result.as_numpy(name).reshape(-1).tolist())


def grpc_check(t: Transport) -> str:
    try:
        import numpy as np
        import tritonclient.grpc as grpcclient
        from tritonclient.utils import InferenceServerException
    except ImportError:
        raise ProbeFailure(
            Outcome.INPUT_ERROR, "unsupported", "grpcUrl needs tritonclient: pip install 'nbgate[probe]'"
        ) from None
    ep = t.endpoint
    target = str(ep.grpc_url)
    version = ep.version or ""
    client = grpcclient.InferenceServerClient(url=target)

    def call(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        delay = ep.retries.backoff
        for attempt in range(1, ep.retries.attempts + 1):
            t.last_headers = auth_headers(ep.auth, ep.name)  # re-read each call; kept for scrubbing
            # gRPC metadata keys are lower-case.
            meta = {k.lower(): v for k, v in t.last_headers.items()}
            try:
                return fn(*args, headers=meta, client_timeout=t.deadline.cap(ep.timeout), **kwargs)
            except InferenceServerException as exc:
                failure = _classify(exc, target)
                if failure.kind != "connection" or attempt == ep.retries.attempts:
                    raise failure from None
                time.sleep(min(delay, max(0.0, t.deadline.remaining() or delay)))
                delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    try:
        if not call(client.is_server_ready):
            raise ProbeFailure(Outcome.MISMATCH, "mismatch", f"gRPC {target}: server not ready")
        if not call(client.is_model_ready, ep.model, version):
            raise ProbeFailure(Outcome.MISMATCH, "mismatch", f"gRPC {target}: model {ep.model!r} not ready")
        golden = next((g for g in ep.golden if g.inputs is not None), None)
        if golden is None:
            return f"gRPC {target}: server and model ready"
        meta = call(client.get_model_metadata, ep.model, version, as_json=True)
        name = ep.input_name or meta["inputs"][0]["name"]
        array = np.asarray(golden.inputs, dtype=np.float64 if ep.input_datatype == "FP64" else np.float32)
        tensor = grpcclient.InferInput(name, list(array.shape), ep.input_datatype)
        tensor.set_data_from_numpy(array)
        result = call(client.infer, ep.model, [tensor], model_version=version)
        response = result.get_response(as_json=True)
        output = ep.output_name or response["outputs"][0]["name"]
        got = _output_values(result, response, output)
        diff = compare_values(got, golden.expected, rtol=golden.rtol, atol=golden.atol)
        if diff:
            raise ProbeFailure(Outcome.MISMATCH, "mismatch", f"gRPC golden {golden.name!r} differs: {diff}")
        return f"gRPC {target}: ready, golden {golden.name!r} matches"
    finally:
        client.close()
