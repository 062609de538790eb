"""``nbgate compile --target argo``: the probe pod gets ``spec.pod.env``, so an endpoint's
credentials (``auth.tokenEnv``) reach it from a Secret, by reference only (as on KFP)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
import yaml
from argo_support import spec_file, validate_argo

from nbgate.argo.compile import compile_workflow
from nbgate.errors import InputError
from nbgate.spec.load import load_spec

NBGATE = [sys.executable, "-m", "nbgate.cli.main"]
SECRET_REF = {"secretKeyRef": {"name": "iris-auth", "key": "token"}}
TOKEN_ENV = {"name": "IRIS_TOKEN", "valueFrom": SECRET_REF}
ENDPOINT = {
    "name": "iris",
    "platform": "kserve-v2",
    "model": "iris",
    "url": "https://iris.ml.example.com",
    "auth": {"tokenEnv": "IRIS_TOKEN"},
}
# What the token is on the machine that compiles: it must never reach the manifest.
SENTINEL = "sk-live-7f3c9a-not-for-manifests"


def _containers(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["name"]: t["container"] for t in doc["spec"]["templates"] if "container" in t}


def _env_items(node: Any) -> list[dict[str, Any]]:
    """Every ``env`` entry anywhere in ``node``."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "env" and isinstance(value, list):
                found += [e for e in value if isinstance(e, dict)]
            found += _env_items(value)
    elif isinstance(node, list):
        for value in node:
            found += _env_items(value)
    return found


def test_compiled_probe_gets_the_token_from_its_secret_and_no_value(tmp_path):
    spec = spec_file(tmp_path, endpoints=[ENDPOINT], pod={"env": [TOKEN_ENV]})
    out = tmp_path / "wf.yaml"
    env = {**os.environ, "IRIS_TOKEN": SENTINEL}
    result = subprocess.run(
        [*NBGATE, "compile", "--target", "argo", str(spec), "-o", str(out)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    doc = yaml.safe_load(text)
    assert validate_argo(doc) == []
    containers = _containers(doc)
    probe_env = containers["probe"]["env"]
    assert TOKEN_ENV in probe_env
    # The steps redact the variable's value from logs and reports.
    assert {"name": "NBGATE_SECRET_ENV", "value": "IRIS_TOKEN"} in probe_env
    # The other light steps do not get the endpoint's credentials; execute has spec.pod.env as before.
    for name in ("compare", "report", "gate", "clone"):
        assert all(e["name"] != "IRIS_TOKEN" for e in containers[name]["env"]), name
    assert TOKEN_ENV in containers["execute"]["env"]
    # No secret value anywhere: IRIS_TOKEN only ever as a secretKeyRef, the local value nowhere.
    assert SENTINEL not in text and SENTINEL not in result.stdout + result.stderr
    tokens = [e for e in _env_items(doc) if e["name"] == "IRIS_TOKEN"]
    assert tokens and all(e == TOKEN_ENV for e in tokens)
    assert "kind: Secret" not in text and "stringData" not in text


def test_the_generic_probe_template_has_no_spec_env(rendered):
    """workflows/ takes the spec at run time: its probe env is the fixed defaults only."""
    doc = yaml.safe_load(rendered["templates/nbgate-probe-v0-1.yaml"].split("\n", 1)[1])
    env = _containers(doc)["probe"]["env"]
    assert all("valueFrom" not in e for e in env)


def test_a_literal_token_in_spec_pod_env_is_refused_without_echoing_it(tmp_path):
    spec = spec_file(tmp_path, endpoints=[ENDPOINT], pod={"env": [{"name": "IRIS_TOKEN", "value": SENTINEL}]})
    with pytest.raises(InputError) as caught:
        compile_workflow(load_spec(spec))
    assert "IRIS_TOKEN" in str(caught.value) and "secretKeyRef" in str(caught.value)
    assert SENTINEL not in str(caught.value)
