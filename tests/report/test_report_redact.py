"""Secret redaction: env and file secrets, their encodings, token shapes, split streams, logs."""

from __future__ import annotations

import base64
import logging

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from nbgate.outcomes import Outcome
from nbgate.redact import (
    REDACTED,
    RedactingFilter,
    Redactor,
    current_redactor,
    redact_execution_result,
    redact_notebook,
    redact_text,
)
from nbgate.results import CellError, CellExecution, ExecutionResult

SECRET = "Zq8wT3-kLm5pR9xV2-sekrit"


@pytest.fixture
def secret_env(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("MY_API_KEY", SECRET)
    monkeypatch.setenv("NBGATE_SECRET_ENV", "OTHER, MY_API_KEY")
    return SECRET


def test_env_secret_whole_and_base64_forms(secret_env: str) -> None:
    b64 = base64.b64encode(secret_env.encode()).decode()
    url_b64 = base64.urlsafe_b64encode(secret_env.encode()).decode().rstrip("=")
    embedded = base64.b64encode(b"user:" + secret_env.encode() + b"!").decode()  # basic-auth style
    text = f"a {secret_env} b {b64} c {url_b64} d {embedded}"
    out = redact_text(text)
    for leaked in (secret_env, b64, url_b64.rstrip("="), secret_env[:12]):
        assert leaked not in out
    # Embedded in a longer base64 string (here: "user:SECRET!") the secret's part is cut out too.
    assert embedded not in out and REDACTED in out.split(" d ")[1]
    assert out.startswith(f"a {REDACTED} b {REDACTED} c {REDACTED} d ")


def test_secret_files_directory_like_a_secret_volume(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    mount = tmp_path / "secret"
    (mount / "..2024_data").mkdir(parents=True)
    (mount / "token").write_text("file-token-123456\n")
    (mount / "key.pem").write_text("line-one-abcdef\nline-two-ghijkl\n")
    monkeypatch.setenv("NBGATE_SECRET_FILES", str(mount))
    out = redact_text("t=file-token-123456 second line: line-two-ghijkl")
    assert "file-token-123456" not in out and "line-two-ghijkl" not in out
    # A rotated Secret is picked up (the cache follows the files).
    (mount / "token").write_text("rotated-token-987654\n")
    assert "rotated-token-987654" not in redact_text("now rotated-token-987654")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("token ghp_" + "a1B2" * 9, "token "),
        ("pat github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz", "pat "),
        ("gitlab glpat-abcdefghij0123456789", "gitlab "),
        ("slack xoxb-1234567890-abcdefghij", "slack "),
        ("aws AKIAIOSFODNN7EXAMPLE", "aws "),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = "),
        (
            "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "jwt ",
        ),
        ("curl -H 'Authorization: Bearer abc.def.ghijklmnop'", "curl -H 'Authorization: "),
        ("{'authorization': 'Basic dXNlcjpwYXNz'}", "{'authorization': '"),
        ("https://user:hunter2pass@example.com/repo.git", "https://user:"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIabc\n-----END RSA PRIVATE KEY-----", ""),
    ],
)
def test_token_patterns(text: str, kept: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NBGATE_SECRET_ENV", raising=False)
    out = redact_text(text)
    assert out.startswith(kept + REDACTED), out


def test_plain_text_is_untouched(secret_env: str) -> None:
    text = "accuracy 0.93, loss 0.12 — Bearer of good news; AKIA is not a key"
    assert redact_text(text) == text


def test_short_values_are_not_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "1")
    monkeypatch.setenv("NBGATE_SECRET_ENV", "FLAG")
    assert redact_text("epoch 1 of 10") == "epoch 1 of 10"


def test_split_stream_outputs_are_redacted_as_one_text(secret_env: str) -> None:
    half = len(secret_env) // 2
    nb = new_notebook(
        cells=[
            new_code_cell(
                "print(s)",
                outputs=[
                    new_output("stream", name="stdout", text="split: " + secret_env[:half]),
                    new_output("stream", name="stderr", text="noise\n"),
                    new_output("stream", name="stdout", text=secret_env[half:] + "\n"),
                    new_output("execute_result", data={"text/plain": repr(secret_env)}, execution_count=1),
                    new_output(
                        "error",
                        ename="ValueError",
                        evalue="bad " + secret_env,
                        traceback=["tb " + secret_env],
                    ),
                ],
            )
        ]
    )
    count = redact_notebook(nb)
    text = nbformat.writes(nb)
    assert secret_env not in text and secret_env[:half] not in text and secret_env[half:] not in text
    assert count == 4
    outputs = nb.cells[0].outputs
    assert [o.output_type for o in outputs] == ["stream", "stream", "stream", "execute_result", "error"]
    assert outputs[0].text == "split: " + REDACTED and outputs[2].text == "\n"


def test_images_are_left_alone(secret_env: str) -> None:
    png = base64.b64encode(b"\x89PNG" + b"AKIAIOSFODNN7EXAMPLE" * 3).decode()
    nb = new_notebook(
        cells=[new_code_cell("", outputs=[new_output("display_data", data={"image/png": png})])]
    )
    assert redact_notebook(nb) == 0
    assert nb.cells[0].outputs[0].data["image/png"] == png


def test_execution_result_is_redacted(secret_env: str) -> None:
    result = ExecutionResult(
        notebook="nb.ipynb",
        outcome=Outcome.CELL_ERROR,
        message="raised ValueError: " + secret_env,
        cells=[
            CellExecution(
                index=0,
                status="error",
                source_excerpt="x",
                error=CellError(ename="ValueError", evalue=secret_env, traceback="tb " + secret_env),
            )
        ],
    )
    redacted = redact_execution_result(result)
    assert secret_env not in redacted.model_dump_json()
    assert redacted.cells[0].error is not None and redacted.cells[0].error.evalue == REDACTED
    assert secret_env in result.message  # a copy: the original is unchanged


def test_logging_filter_redacts_messages_args_and_tracebacks(secret_env: str) -> None:
    records: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Collect()
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("nbgate.test.redact")
    logger.addHandler(handler)
    try:
        logger.warning("token %s", secret_env)
        try:
            raise RuntimeError("failed with " + secret_env)
        except RuntimeError:
            logger.exception("boom")
    finally:
        logger.removeHandler(handler)
    assert records and all(secret_env not in r for r in records)
    assert "RuntimeError: failed with ***" in records[1]


def test_redactor_handles_overlaps_longest_first() -> None:
    r = Redactor(["abcdefgh", "abcdefghijkl"], patterns=False)
    assert r.redact("x abcdefghijkl y abcdefgh") == "x *** y ***"
    assert current_redactor() is current_redactor()  # cached while the env is unchanged
