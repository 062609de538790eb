"""``nbgate compile --target argo`` and ``nbgate submit --argo-server`` end to end.

The Argo Server is a fake here (no Argo can run on this machine): a real HTTP server on
127.0.0.1 that records the request Hera's WorkflowsService sends and answers like Argo's API.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import yaml
from argo_support import spec_file, validate_argo

NBGATE = [sys.executable, "-m", "nbgate.cli.main"]


def run(*args, env=None):
    return subprocess.run([*NBGATE, *args], capture_output=True, text=True, timeout=120, env=env)


def test_compile_renders_a_ready_workflow(tmp_path):
    out = tmp_path / "wf.yaml"
    result = run("compile", "--target", "argo", str(spec_file(tmp_path)), "-o", str(out), "--tag", "1.2.3")
    assert result.returncode == 0, result.stderr
    doc = yaml.safe_load(out.read_text())
    assert doc["kind"] == "Workflow" and doc["metadata"]["generateName"] == "nbgate-churn-"
    images = {t["container"]["image"] for t in doc["spec"]["templates"] if "container" in t}
    assert "ghcr.io/nbgate/nbgate-execute:1.2.3" in images
    assert validate_argo(doc) == []


def test_compile_bad_input_is_one_line_exit_2(tmp_path):
    result = run("compile", "--target", "argo", str(tmp_path / "missing.yaml"))
    assert result.returncode == 2 and "does not exist" in result.stderr and "Traceback" not in result.stderr
    local = tmp_path / "local.yaml"
    local.write_text(yaml.safe_dump({"apiVersion": "nbgate.dev/v1alpha1", "kind": "NotebookValidation",
                                     "spec": {"source": {"local": "."}}}))  # fmt: skip
    result = run("compile", "--target", "argo", str(local))
    assert result.returncode == 2 and "spec.source.git" in result.stderr


class _Argo(BaseHTTPRequestHandler):
    seen: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Argo.seen.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        workflow = body["workflow"]
        workflow["metadata"]["name"] = workflow["metadata"]["generateName"] + "abcde"
        data = json.dumps(workflow).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_submit_sends_the_workflow_with_the_token_from_env(tmp_path):
    import os

    server = HTTPServer(("127.0.0.1", 0), _Argo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        env = {**os.environ, "ARGO_TOKEN": "Bearer t0ken-from-env"}
        url = f"http://127.0.0.1:{server.server_port}"
        result = run("submit", str(spec_file(tmp_path)), "--argo-server", url, "--namespace", "team", env=env)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "nbgate-churn-abcde"
    request = _Argo.seen[-1]
    assert request["path"] == "/api/v1/workflows/team"
    assert request["auth"] == "Bearer t0ken-from-env"
    assert request["body"]["workflow"]["metadata"]["namespace"] == "team"
    assert "t0ken" not in result.stderr + result.stdout


def test_submit_needs_exactly_one_target(tmp_path):
    result = run("submit", str(spec_file(tmp_path)))
    assert result.returncode == 2 and "exactly one of --argo-server" in result.stderr


def test_submit_to_an_unreachable_server_is_transient(tmp_path):
    result = run("submit", str(spec_file(tmp_path)), "--argo-server", "http://127.0.0.1:9")
    assert result.returncode == 3 and "cannot reach the Argo server" in result.stderr
