"""``nbgate notify`` against a local recording HTTP server.

FAKE: the server on 127.0.0.1 stands in for the GitHub, GitLab and Slack APIs, which cannot be
reached from the test machine. It records each request and answers like those APIs (status
codes and JSON shapes from their documentation); the requests it receives are asserted.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from report_builders import crashed_notebook, run_of

from nbgate.cli.main import main
from nbgate.report.json_report import write_json_report

TOKEN = "ghp_" + "T0k3n" * 8


class Recorder:
    def __init__(self) -> None:
        self.requests: list[dict] = []  # type: ignore[type-arg]
        self.status = 201
        self.existing_comments: list[dict] = []  # type: ignore[type-arg]


@pytest.fixture
def api() -> Iterator[tuple[str, Recorder]]:
    recorder = Recorder()

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            recorder.requests.append(
                {
                    "method": self.command,
                    "path": self.path,
                    "headers": {k.lower(): v for k, v in self.headers.items()},
                    "json": json.loads(body) if body else None,
                }
            )
            if self.command == "GET":
                status, payload = 200, recorder.existing_comments
            else:
                status, payload = recorder.status, {"id": 1}
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", recorder
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    write_json_report(run_of([crashed_notebook("train")]), tmp_path)
    return tmp_path


def test_github_status_and_pr_comment(api, report_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    url, recorder = api
    monkeypatch.setenv("NBGATE_GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_REF", "refs/pull/42/merge")
    code = main(
        [
            "notify",
            str(report_dir),
            "--github-status",
            "--pr-comment",
            "--repo",
            "acme/models",
            "--github-api-url",
            url,
            "--target-url",
            "https://ci.example/report.html",
        ]
    )
    assert code == 0, capsys.readouterr().err
    status, listing, comment = recorder.requests
    assert status["method"] == "POST" and status["path"] == "/repos/acme/models/statuses/" + "a" * 40
    assert status["json"] == {
        "state": "failure",
        "description": "failed: 1 of 1 notebook(s) did not pass",
        "context": "nbgate",
        "target_url": "https://ci.example/report.html",
    }
    assert status["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert listing["method"] == "GET" and listing["path"].startswith("/repos/acme/models/issues/42/comments")
    assert comment["method"] == "POST" and comment["path"] == "/repos/acme/models/issues/42/comments"
    assert comment["json"]["body"].startswith("<!-- nbgate:synthetic -->\n## nbgate: ❌ failed")
    assert TOKEN not in capsys.readouterr().err


def test_github_comment_is_updated_not_repeated(
    api, report_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, recorder = api
    recorder.existing_comments = [
        {"id": 7, "body": "other"},
        {"id": 9, "body": "<!-- nbgate:synthetic -->\nold"},
    ]
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    assert (
        main(
            [
                "notify",
                str(report_dir / "report.json"),
                "--pr-comment",
                "--repo",
                "acme/models",
                "--pr",
                "5",
                "--github-api-url",
                url,
            ]
        )
        == 0
    )
    assert [(r["method"], r["path"]) for r in recorder.requests][1] == (
        "PATCH",
        "/repos/acme/models/issues/comments/9",
    )


def test_gitlab_status_and_mr_note(api, report_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url, recorder = api
    monkeypatch.setenv("NBGATE_GITLAB_TOKEN", "glpat-abcdefghij0123456789")
    monkeypatch.setenv("CI_MERGE_REQUEST_IID", "3")
    assert (
        main(
            [
                "notify",
                str(report_dir),
                "--gitlab-status",
                "--pr-comment",
                "--project",
                "group/sub/proj",
                "--gitlab-api-url",
                url + "/api/v4",
            ]
        )
        == 0
    )
    status, note = recorder.requests
    assert status["path"] == "/api/v4/projects/group%2Fsub%2Fproj/statuses/" + "a" * 40
    assert status["json"]["state"] == "failed" and status["json"]["name"] == "nbgate"
    assert status["headers"]["private-token"] == "glpat-abcdefghij0123456789"
    assert note["path"] == "/api/v4/projects/group%2Fsub%2Fproj/merge_requests/3/notes"
    assert "| `train.ipynb` | ❌ failed |" in note["json"]["body"]


def test_webhook_only_on_failure(
    api, report_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, recorder = api
    monkeypatch.setenv("NBGATE_WEBHOOK_URL", url + "/services/T0/B0/secretpart")
    assert main(["notify", str(report_dir)]) == 0
    (hook,) = recorder.requests
    assert hook["path"] == "/services/T0/B0/secretpart"
    assert hook["json"]["text"].startswith(":x: nbgate *synthetic*: failed: 1 of 1 notebook(s) did not pass")
    passed = tmp_path / "passed"
    write_json_report(run_of([]), passed)
    assert main(["notify", str(passed)]) == 0
    assert len(recorder.requests) == 1  # a passing run does not page anyone


def test_errors_are_one_line_without_the_token(
    api, report_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    url, recorder = api
    monkeypatch.delenv("NBGATE_GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    assert main(["notify", str(report_dir), "--github-status", "--repo", "a/b", "--github-api-url", url]) == 2
    assert "set NBGATE_GITHUB_TOKEN or GITHUB_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("NBGATE_GITHUB_TOKEN", TOKEN)
    recorder.status = 403
    assert main(["notify", str(report_dir), "--github-status", "--repo", "a/b", "--github-api-url", url]) == 2
    recorder.status = 502
    assert main(["notify", str(report_dir), "--github-status", "--repo", "a/b", "--github-api-url", url]) == 3
    monkeypatch.setenv("NBGATE_WEBHOOK_URL", url + "/services/T0/B0/secretpart")
    assert main(["notify", str(report_dir)]) == 3
    err = capsys.readouterr().err
    assert "answered 403" in err and "answered 502" in err
    assert TOKEN not in err and "secretpart" not in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 3
    assert main(["notify", str(report_dir / "missing.json"), "--github-status"]) == 2
