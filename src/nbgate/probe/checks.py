"""The checks of one endpoint, each timed and classified separately."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nbgate.errors import InputError, NbgateError
from nbgate.outcomes import Outcome
from nbgate.probe import platforms
from nbgate.probe.endpoint import GoldenRequest
from nbgate.probe.latency import measure, slo_problems
from nbgate.probe.secrets import scrub
from nbgate.probe.tolerance import compare_json, compare_values, top_k_indices
from nbgate.probe.transport import ProbeFailure, Transport, ssl_context
from nbgate.results import CheckResult

__all__ = ["run_checks"]

Scraps = dict[str, Any]


def _timed(t: Transport, name: str, fn: Callable[[], tuple[str, dict[str, Any]]]) -> CheckResult:
    """Run one check; every failure becomes a result naming the endpoint and the check."""
    start = time.monotonic()
    details: dict[str, Any] = {}
    try:
        summary, details = fn()
        passed, outcome, message, kind = True, Outcome.PASSED, summary, None
    except ProbeFailure as exc:
        passed, outcome, message, kind = False, exc.outcome, exc.message, exc.kind
        details = exc.details
    except NbgateError as exc:
        passed, kind = False, "input"
        outcome = Outcome.INPUT_ERROR if isinstance(exc, InputError) else Outcome.TRANSIENT_ERROR
        message = exc.message
    text = scrub(f"endpoint {t.endpoint.name!r} check {name}: {message}", t.last_headers)
    if kind:
        details = {**details, "errorKind": kind}
    return CheckResult(
        name=name,
        passed=passed,
        outcome=outcome,
        message=text,
        duration_seconds=round(time.monotonic() - start, 6),
        details=details,
    )


def _load_json(path: str, what: str) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{what}: cannot read JSON from {path}: {exc}") from None


def _golden(t: Transport, g: GoldenRequest) -> tuple[str, dict[str, Any]]:
    ep = t.endpoint
    expected = g.expected if g.expected_file is None else _load_json(g.expected_file, f"golden {g.name}")
    if g.inputs is not None:
        got: Any = platforms.predict(t, g.inputs)
        if g.top_k:
            got, expected = top_k_indices(got, g.top_k), top_k_indices(expected, g.top_k)
        diff = compare_values(got, expected, rtol=g.rtol, atol=g.atol)
    else:
        body = g.body if g.body is not None else _load_json(str(g.body_file), f"golden {g.name}")
        path = g.path or platforms.predict_request(ep, [])[0]
        got = t.json("POST", path, json=body, what=f"golden {g.name}")
        diff = compare_json(got, expected, rtol=g.rtol, atol=g.atol)
    if diff:
        raise ProbeFailure(Outcome.MISMATCH, "mismatch", f"golden {g.name!r} differs: {diff}")
    return f"golden {g.name!r} matches", {}


def _consistency(t: Transport, scraps: Scraps | None) -> tuple[str, dict[str, Any]]:
    c = t.endpoint.consistency
    assert c is not None
    if scraps is None:
        raise InputError("no executed notebook given (--scraps) to take the notebook's inputs from")
    for name in (c.inputs_scrap, c.predictions_scrap):
        if name not in scraps:
            raise InputError(
                f"scrap {name!r} not in the executed notebook (has {sorted(scraps)}); "
                f"glue it with scrapbook.glue({name!r}, ...)"
            )
    inputs, local = _plain(scraps[c.inputs_scrap]), _plain(scraps[c.predictions_scrap])
    remote = platforms.predict(t, inputs)
    diff = compare_values(remote, local, rtol=c.rtol, atol=c.atol)
    if diff:
        raise ProbeFailure(
            Outcome.MISMATCH,
            "mismatch",
            f"endpoint predictions differ from the notebook's {c.predictions_scrap!r}: {diff}",
        )
    return f"{len(remote)} predictions match the notebook's {c.predictions_scrap!r}", {}


def _plain(value: Any) -> Any:
    """Scraps may hold numpy arrays or pandas objects: make them JSON lists."""
    if hasattr(value, "to_numpy"):
        value = value.to_numpy()
    if hasattr(value, "tolist"):
        value = value.tolist()
    return value


def _generation(t: Transport) -> tuple[str, dict[str, Any]]:
    ep = t.endpoint
    g = ep.generation
    assert g is not None
    model = ep.model or (platforms.openai_model_ids(t) or [""])[0]
    problems: list[str] = []
    details: dict[str, Any] = {}
    common = {"model": model, "max_tokens": g.max_tokens, "temperature": 0}
    answer = t.json("POST", "/v1/completions", json={**common, "prompt": g.prompt}, what="completion")
    text = _check_completion(answer, "completion", model, g.max_tokens, problems=problems, details=details)
    if g.expected is not None and text.strip() != g.expected.strip():
        problems.append(f"completion: expected {g.expected!r}, got {text!r}")
    if g.pattern and not re.search(g.pattern, text):
        problems.append(f"completion {text!r} does not match /{g.pattern}/")
    if g.chat:
        messages = [{"role": "user", "content": g.prompt}]
        chat = t.json("POST", "/v1/chat/completions", json={**common, "messages": messages}, what="chat")
        _check_completion(chat, "chat", model, g.max_tokens, problems=problems, details=details)
    if g.stream:
        response = t.request("POST", "/v1/completions", json={**common, "prompt": g.prompt, "stream": True})
        chunks = [ln[5:].strip() for ln in response.text.splitlines() if ln.startswith("data:")]
        pieces = [c for c in chunks if c and c != "[DONE]"]
        if response.status_code != 200 or not pieces or "[DONE]" not in chunks:
            problems.append(f"streaming: HTTP {response.status_code}, {len(pieces)} chunks, [DONE] missing?")
        details["streamChunks"] = len(pieces)
    if problems:
        raise ProbeFailure(Outcome.MISMATCH, "mismatch", "; ".join(problems))
    return f"completion {text!r}", details


def _check_completion(
    body: Any, what: str, model: str, max_tokens: int, *, problems: list[str], details: dict[str, Any]
) -> str:
    choice = (body.get("choices") or [{}])[0]
    text = choice.get("text") if "text" in choice else (choice.get("message") or {}).get("content")
    text = text or ""
    if not text.strip():
        problems.append(f"{what}: empty text")
    if body.get("model") != model:
        problems.append(f"{what}: model id {body.get('model')!r}, expected {model!r}")
    usage = body.get("usage") or {}
    tokens = usage.get("completion_tokens")
    if tokens is None:
        problems.append(f"{what}: no token usage reported")
    elif tokens > max_tokens:
        problems.append(f"{what}: {tokens} tokens > max_tokens {max_tokens}")
    details[f"{what}Tokens"] = tokens
    return str(text)


def _latency(t: Transport) -> tuple[str, dict[str, Any]]:
    ep = t.endpoint
    lat = ep.latency
    assert lat is not None
    inputs = lat.inputs
    if inputs is None:
        inputs = next((g.inputs for g in ep.golden if g.inputs is not None), None)
    if inputs is None:
        raise InputError("latency needs inputs (latency.inputs or a golden request with inputs)")
    path, body = platforms.predict_request(ep, inputs)
    stats = measure(
        ep,
        t.url(path),
        body,
        requests=lat.requests,
        concurrency=lat.concurrency,
        verify=ssl_context(ep),
        budget=t.deadline.remaining(),
    )
    summary = stats.summary()
    problems = slo_problems(stats, lat.slo)
    if stats.first_error:
        summary["firstError"] = stats.first_error
    if problems:
        raise ProbeFailure(
            Outcome.MISMATCH, "slo", "latency SLO missed: " + "; ".join(problems), details=summary
        )
    p = {q: stats.percentile(q) or 0.0 for q in (50, 95, 99)}
    return (
        f"{stats.requests} requests at concurrency {lat.concurrency}: p50 {p[50] * 1000:.1f}ms "
        f"p95 {p[95] * 1000:.1f}ms p99 {p[99] * 1000:.1f}ms, errors {stats.error_rate:.1%}",
        summary,
    )


def run_checks(t: Transport, scraps: Scraps | None) -> list[CheckResult]:
    ep = t.endpoint
    results: list[CheckResult] = []
    if ep.health:
        results.append(_timed(t, "health", lambda: (platforms.health(t), {})))
        if results[0].outcome in (Outcome.TRANSIENT_ERROR, Outcome.INPUT_ERROR):
            # Unreachable, refused credentials or bad TLS: the other checks would only repeat
            # the same failure and spend the deadline.
            return results
    if ep.metadata is not None:
        results.append(_timed(t, "metadata", lambda: (platforms.metadata(t), {})))
    for g in ep.golden:
        results.append(_timed(t, f"golden:{g.name}", lambda g=g: _golden(t, g)))  # type: ignore[misc]
    if ep.grpc_url:
        from nbgate.probe.grpc_v2 import grpc_check

        results.append(_timed(t, "grpc", lambda: (grpc_check(t), {})))
    if ep.consistency is not None:
        results.append(_timed(t, "consistency", lambda: _consistency(t, scraps)))
    if ep.generation is not None:
        results.append(_timed(t, "generation", lambda: _generation(t)))
    if ep.latency is not None:
        results.append(_timed(t, "latency", lambda: _latency(t)))
    return results
