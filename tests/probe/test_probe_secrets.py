"""Tokens: re-read on every request, never in logs, reports, exceptions or reprs.

Uses the stdlib V2 server (servers/stdlib_v2.py) because it is a real HTTP server that can
demand a specific bearer token; no model server here checks tokens.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import yaml
from probe_harness import v2_endpoint

from nbgate.cli.main import main
from nbgate.outcomes import Outcome
from nbgate.probe.endpoint import Auth
from nbgate.probe.secrets import auth_headers
from nbgate.steps.probe import probe

GOOD = "good-token-7f3a9c1e5b"
BAD = "wrong-token-0d4e8a2b6c"


def test_wrong_token_is_input_error_not_retried_and_never_shown(v2server, monkeypatch, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    v2server.behaviour.token = GOOD
    monkeypatch.setenv("MODEL_TOKEN", BAD)
    ep = v2_endpoint(v2server.url, auth={"tokenEnv": "MODEL_TOKEN"}, retries={"attempts": 4, "backoff": 0.01})
    [result] = probe([ep])
    health = result.checks[0]
    assert result.outcome is Outcome.INPUT_ERROR
    assert health.details["errorKind"] == "auth" and "HTTP 401" in health.message
    assert v2server.behaviour.seen["/v2/health/ready"] == 1  # 401 is never retried
    shown = json.dumps(result.to_wire()) + repr(result) + repr(ep) + caplog.text
    assert BAD not in shown and GOOD not in shown


def test_rotated_token_file_takes_effect_without_restart(v2server, tmp_path: Path) -> None:
    v2server.behaviour.token = GOOD
    token_file = tmp_path / "token"
    token_file.write_text(BAD + "\n")
    ep = v2_endpoint(v2server.url, auth={"tokenFile": str(token_file)})
    assert probe([ep])[0].outcome is Outcome.INPUT_ERROR
    token_file.write_text(GOOD + "\n")  # the Secret is rotated; same Endpoint object
    [result] = probe([ep])
    assert result.outcome is Outcome.PASSED, result.message


def test_headers_repr_and_messages_are_redacted(monkeypatch) -> None:
    monkeypatch.setenv("MODEL_TOKEN", GOOD)
    monkeypatch.setenv("API_KEY", BAD)
    headers = auth_headers(Auth(token_env="MODEL_TOKEN", headers_from_env={"X-Api-Key": "API_KEY"}), "ep")
    assert headers["Authorization"] == f"Bearer {GOOD}"
    assert GOOD not in repr(headers) and BAD not in str(headers)


def test_missing_token_env_names_the_variable(v2server, monkeypatch) -> None:
    monkeypatch.delenv("NO_SUCH_TOKEN", raising=False)
    [result] = probe([v2_endpoint(v2server.url, auth={"tokenEnv": "NO_SUCH_TOKEN"})])
    assert result.outcome is Outcome.INPUT_ERROR
    assert "NO_SUCH_TOKEN" in result.checks[0].message


def test_cli_wrong_token_exit_2_and_token_absent_from_output(v2server, monkeypatch, tmp_path, capsys) -> None:
    v2server.behaviour.token = GOOD
    monkeypatch.setenv("MODEL_TOKEN", BAD)
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        yaml.safe_dump(
            {
                "apiVersion": "nbgate.dev/v1alpha1",
                "kind": "NotebookValidation",
                "spec": {
                    "source": {"local": "."},
                    "endpoints": [
                        {
                            "name": "m",
                            "platform": "kserve-v2",
                            "url": v2server.url,
                            "model": "right",
                            "auth": {"tokenEnv": "MODEL_TOKEN"},
                        }
                    ],
                },
            }
        )
    )
    result, verdict = tmp_path / "result.json", tmp_path / "verdict.json"
    code = main(["probe", str(spec), "--result", str(result), "--verdict", str(verdict)])
    out = capsys.readouterr()
    assert code == 2
    assert json.loads(verdict.read_text())["outcome"] == "input_error"
    for text in (out.out, out.err, result.read_text(), verdict.read_text()):
        assert BAD not in text
    assert "HTTP 401" in out.out


@pytest.mark.parametrize("code_expected, fail_first", [(0, 0), (3, 100)])
def test_cli_exit_codes(v2server, tmp_path, code_expected, fail_first) -> None:
    v2server.behaviour.fail_first = fail_first
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        json.dumps(
            {
                "apiVersion": "nbgate.dev/v1alpha1",
                "kind": "NotebookValidation",
                "spec": {
                    "source": {"local": "."},
                    "endpoints": [
                        {
                            "name": "m",
                            "platform": "kserve-v2",
                            "url": v2server.url,
                            "model": "right",
                            "retries": {"attempts": 2, "backoff": 0.01},
                        }
                    ],
                },
            }
        )
    )
    assert main(["probe", str(spec), "--deadline", "30s"]) == code_expected


def test_cli_unknown_endpoint_is_input_error(tmp_path, capsys) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        json.dumps(
            {
                "apiVersion": "nbgate.dev/v1alpha1",
                "kind": "NotebookValidation",
                "spec": {
                    "source": {"local": "."},
                    "endpoints": [
                        {"name": "m", "platform": "kserve-v2", "url": "http://127.0.0.1:9", "model": "right"}
                    ],
                },
            }
        )
    )
    assert main(["probe", str(spec), "--endpoint", "nope"]) == 2
    assert "--endpoint nope: not in" in capsys.readouterr().err
