"""submit(): errors are one line, retry-worthy when the server is unreachable, and never leak the token."""

from __future__ import annotations

import socket

import pytest

from nbgate.errors import InputError, TransientError
from nbgate.kfp.submit import TOKEN_ENV, submit
from nbgate.spec.model import NotebookValidation

RESOURCE = NotebookValidation.model_validate(
    {"spec": {"source": {"git": {"url": "https://example.com/acme/churn.git"}}}}
)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_host_is_transient_and_keeps_the_token_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_ENV, "s3cr3t-token-value")
    with pytest.raises(TransientError) as info:
        submit(RESOURCE, f"http://127.0.0.1:{_closed_port()}")
    assert "cannot reach KFP" in info.value.message
    assert "s3cr3t" not in info.value.message and "\n" not in info.value.message


def test_host_must_be_a_url() -> None:
    with pytest.raises(InputError, match="--kfp-host"):
        submit(RESOURCE, "kfp.example.com")
