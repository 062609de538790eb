"""Classified failures: stopped, flaky, hanging, bad TLS, wrong token — each its own outcome.

These use the small stdlib V2 server in servers/stdlib_v2.py (a real HTTP server on
127.0.0.1, not a mock) because no real model server can be told to fail on demand.
"""

from __future__ import annotations

import datetime
import socket
import time
from pathlib import Path

from probe_harness import v2_endpoint

from nbgate.outcomes import Outcome
from nbgate.steps.probe import probe


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _check(result, name):  # type: ignore[no-untyped-def]
    return next(c for c in result.checks if c.name == name)


def test_healthy_server_passes_every_check(v2server) -> None:
    """Baseline for the failure tests: the stdlib server passes health and golden."""
    [result] = probe([v2_endpoint(v2server.url)])
    assert result.outcome is Outcome.PASSED, result.message
    assert [c.name for c in result.checks] == ["health", "golden:sample"]
    assert all(c.passed and c.duration_seconds is not None for c in result.checks)


def test_stopped_server_is_transient_after_retries() -> None:
    """Connection refused (nothing listens on the port): retried, then transient_error."""
    ep = v2_endpoint(f"http://127.0.0.1:{_free_port()}", retries={"attempts": 3, "backoff": 0.05})
    start = time.monotonic()
    [result] = probe([ep], deadline=20)
    assert result.outcome is Outcome.TRANSIENT_ERROR
    health = _check(result, "health")
    assert health.details["errorKind"] == "connection"
    assert "after 3 tries" in health.message and "'ep-right'" in health.message and "health" in health.message
    assert len(result.checks) == 1  # the other checks are not attempted against a dead server
    assert time.monotonic() - start < 20


def test_500_then_200_passes_after_retry(v2server) -> None:
    """A server that answers 500 once per path: the retry makes every check pass."""
    v2server.behaviour.fail_first = 1
    [result] = probe([v2_endpoint(v2server.url, retries={"attempts": 3, "backoff": 0.05})])
    assert result.outcome is Outcome.PASSED, result.message
    assert v2server.behaviour.seen["/v2/health/ready"] == 2


def test_persistent_503_is_transient(v2server) -> None:
    v2server.behaviour.fail_first = 100
    v2server.behaviour.status_first = 503
    [result] = probe([v2_endpoint(v2server.url, retries={"attempts": 2, "backoff": 0.01})])
    health = _check(result, "health")
    assert health.outcome is Outcome.TRANSIENT_ERROR and "HTTP 503 after 2 tries" in health.message
    assert v2server.behaviour.seen["/v2/health/ready"] == 2


def test_404_is_not_retried(v2server) -> None:
    """A 4xx other than 429 is an answer, not a hiccup: one request, mismatch."""
    [result] = probe([v2_endpoint(v2server.url, model="absent", golden=[])])
    health = _check(result, "health")
    assert health.outcome is Outcome.MISMATCH and "'absent' is not ready" in health.message
    assert v2server.behaviour.seen["/v2/models/absent/ready"] == 1


def test_hanging_server_times_out_within_the_deadline(v2server) -> None:
    """The server accepts and never answers: transient timeout, well inside the deadline."""
    v2server.behaviour.hang = True
    start = time.monotonic()
    [result] = probe([v2_endpoint(v2server.url, timeout=30)], deadline=2)
    elapsed = time.monotonic() - start
    assert result.outcome is Outcome.TRANSIENT_ERROR
    assert _check(result, "health").details["errorKind"] in ("timeout", "deadline")
    assert elapsed < 15  # generous: 2 s deadline on a loaded 2-core machine
    assert v2server.behaviour.seen["/v2/health/ready"] == 1  # a sent request is never retried


def _self_signed(tmp_path: Path) -> tuple[str, str]:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(cert_path), str(key_path)


def test_bad_tls_is_its_own_outcome_and_not_retried(tmp_path: Path) -> None:
    """Self-signed certificate, no CA bundle: tls failure (input_error), then fixed by caBundle."""
    import stdlib_v2

    cert, key = _self_signed(tmp_path)
    server = stdlib_v2.serve(tls=(cert, key))
    try:
        url = server.url.replace("http://", "https://")
        start = time.monotonic()
        [bad] = probe([v2_endpoint(url, retries={"attempts": 5, "backoff": 2})], deadline=30)
        assert time.monotonic() - start < 2 * 5  # 5 tries with 2 s back-off would take > 10 s
        health = _check(bad, "health")
        assert bad.outcome is Outcome.INPUT_ERROR
        assert health.details["errorKind"] == "tls" and "caBundle" in health.message
        [good] = probe([v2_endpoint(url, tls={"caBundle": cert})])
        assert good.outcome is Outcome.PASSED, good.message
    finally:
        server.shutdown()
        server.server_close()


def test_latency_against_hanging_server_counts_timeouts(v2server) -> None:
    """Latency mode never hangs: every request times out, the error rate misses the SLO."""
    v2server.behaviour.hang = True
    ep = v2_endpoint(
        v2server.url,
        health=False,
        timeout=0.5,
        latency={"requests": 4, "concurrency": 2, "slo": {"errorRate": 0.1}},
    )
    ep = ep.model_copy(update={"golden": []})
    ep.latency.inputs = [[1.0, 2.0, 3.0, 4.0]]  # type: ignore[union-attr]
    start = time.monotonic()
    [result] = probe([ep], deadline=30)
    lat = _check(result, "latency")
    assert lat.outcome is Outcome.MISMATCH and "error rate 100.0% > SLO 10.0%" in lat.message
    assert lat.details["errors"] == 4 and lat.details["firstError"] == "timeout"
    assert time.monotonic() - start < 20


def test_latency_mode_against_healthy_server(v2server) -> None:
    ep = v2_endpoint(v2server.url, latency={"requests": 30, "concurrency": 3, "slo": {"p99": "60s"}})
    [result] = probe([ep])
    lat = _check(result, "latency")
    assert lat.passed, lat.message
    assert lat.details["requests"] == 30 and lat.details["errors"] == 0
    assert v2server.behaviour.seen["/v2/models/right/infer"] == 31  # 30 + the golden request
