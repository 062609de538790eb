"""Credentials reach git through its environment only: never argv, never output."""

from __future__ import annotations

import base64
import json
import os
import stat
import sys
from pathlib import Path

import pytest
from clone_support import TOKEN, HttpServer, Repos, free_port

from nbgate.git.credentials import git_env
from nbgate.git.urls import parse_git_url

B64 = base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()


@pytest.fixture
def git_spy(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A ``git`` first on PATH that records its argv, then runs the real git (same process)."""
    import shutil

    real = shutil.which("git")
    assert real
    bindir = tmp_path / "spy-bin"
    bindir.mkdir()
    log = tmp_path / "argv.jsonl"
    spy = bindir / "git"
    spy.write_text(
        f"#!{sys.executable}\n"
        "import json, os, sys\n"
        f"with open({str(log)!r}, 'a') as f: f.write(json.dumps(sys.argv) + '\\n')\n"
        f"os.execv({real!r}, [{real!r}, *sys.argv[1:]])\n"
    )
    spy.chmod(0o755)
    return {"PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}, log


def _argv_seen(log: Path) -> list[list[str]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_token_is_sent_but_never_on_a_command_line(  # type: ignore[no-untyped-def]
    http_repo: HttpServer, repos: Repos, run_cli, git_spy, tmp_path: Path
) -> None:
    """The HTTP server only accepts the token, so the clone succeeding proves git sent it."""
    env, log = git_spy
    run = run_cli(
        "--url", http_repo.url, "--ref", "main", "--dest", str(tmp_path / "co"), "--result", str(tmp_path / "r.json"),
        env={**env, "NBGATE_GIT_TOKEN": TOKEN},
    )  # fmt: skip
    assert run.code == 0, run.stderr
    assert f"Basic {B64}" in http_repo.seen
    argv = _argv_seen(log)
    assert any("clone" in a for a in argv)
    for args in argv:
        assert not any(TOKEN in a or B64 in a for a in args), args
    outputs = run.stdout + run.stderr + (tmp_path / "r.json").read_text()
    assert TOKEN not in outputs
    assert B64 not in outputs
    # …and nothing of it was persisted in the checkout's git config.
    config = (tmp_path / "co" / ".git" / "config").read_text()
    assert TOKEN not in config and B64 not in config
    assert json.loads((tmp_path / "r.json").read_text())["commit"] == repos.commits["c3"]


def test_token_from_file(http_repo: HttpServer, run_main, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    secret = tmp_path / "token"
    secret.write_text(TOKEN + "\n")
    monkeypatch.setenv("NBGATE_GIT_TOKEN_FILE", str(secret))
    run = run_main("--url", http_repo.url, "--dest", str(tmp_path / "co"))
    assert run.code == 0, run.stderr


def test_missing_or_wrong_token_is_an_auth_error(
    http_repo: HttpServer, run_main, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    run = run_main("--url", http_repo.url, "--dest", str(tmp_path / "a"))
    assert run.code == 2, run.stderr
    assert f"authentication to {http_repo.url} failed" in run.stderr
    monkeypatch.setenv("NBGATE_GIT_TOKEN", "wrong-" + TOKEN)
    run = run_main("--url", http_repo.url, "--dest", str(tmp_path / "b"))
    assert run.code == 2, run.stderr
    assert "authentication" in run.stderr
    assert TOKEN not in run.stderr and "wrong-" not in run.stderr


def test_closed_http_port_with_token_exits_3_without_leaking(run_cli, git_spy, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    env, log = git_spy
    url = f"http://127.0.0.1:{free_port()}/demo.git"
    run = run_cli("--url", url, "--dest", str(tmp_path / "co"), env={**env, "NBGATE_GIT_TOKEN": TOKEN})
    assert run.code == 3, run.stderr
    assert len(run.lines) == 1 and "cannot reach" in run.stderr and "Traceback" not in run.stderr
    assert TOKEN not in run.stdout + run.stderr and B64 not in run.stdout + run.stderr
    argv = _argv_seen(log)
    assert argv
    assert not any(TOKEN in a or B64 in a for args in argv for a in args)


def test_http_env_construction() -> None:
    url = parse_git_url("https://git.example.com:8443/org/repo.git")
    with git_env(url, {"NBGATE_GIT_TOKEN": TOKEN, "NBGATE_SECRET_ENV": "OTHER", "OTHER": "s3"}) as got:
        env = got.env
    assert env["GIT_TERMINAL_PROMPT"] == "0"
    assert env["GIT_ALLOW_PROTOCOL"] == "https:http:ssh:git"  # no file: the repo is remote
    assert env["GIT_CONFIG_COUNT"] == "1"
    # Scoped to the repository's origin: a submodule on another host gets no header.
    assert env["GIT_CONFIG_KEY_0"] == "http.https://git.example.com:8443/.extraHeader"
    assert env["GIT_CONFIG_VALUE_0"] == f"Authorization: Basic {B64}"
    assert set(got.secrets) == {TOKEN, B64, "s3"}


def test_username_password_env() -> None:
    url = parse_git_url("http://127.0.0.1/r.git")
    with git_env(url, {"NBGATE_GIT_USERNAME": "bob", "NBGATE_GIT_PASSWORD": "pw"}) as got:
        assert got.env["GIT_CONFIG_VALUE_0"] == "Authorization: Basic " + base64.b64encode(b"bob:pw").decode()
    with (
        pytest.raises(Exception, match="NBGATE_GIT_USERNAME is not"),
        git_env(url, {"NBGATE_GIT_PASSWORD": "pw"}),
    ):
        pass


def test_no_token_on_other_transports() -> None:
    with git_env(parse_git_url("git://127.0.0.1/r.git"), {"NBGATE_GIT_TOKEN": TOKEN}) as got:
        assert "GIT_CONFIG_COUNT" not in got.env
        assert TOKEN not in json.dumps(got.env)
    with git_env(parse_git_url("file:///srv/r.git"), {}) as got:
        assert got.env["GIT_ALLOW_PROTOCOL"].endswith(":file")


def test_ssh_env_uses_a_private_copy_of_an_open_key(tmp_path: Path) -> None:
    """Secret volumes mount keys 0644, which ssh refuses: nbgate uses a 0600 copy."""
    key = tmp_path / "my key"
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n")
    key.chmod(0o644)
    hosts = tmp_path / "known_hosts"
    hosts.write_text("example.com ssh-ed25519 AAAA\n")
    url = parse_git_url("git@example.com:org/repo.git")
    with git_env(
        url, {"NBGATE_GIT_SSH_KEY_FILE": str(key), "NBGATE_GIT_KNOWN_HOSTS_FILE": str(hosts)}
    ) as got:
        import shlex

        words = shlex.split(got.env["GIT_SSH_COMMAND"])
        copy = Path(words[words.index("-i") + 1])
        assert copy != key and copy.read_text() == key.read_text()
        assert stat.S_IMODE(copy.stat().st_mode) == 0o600
        assert "IdentitiesOnly=yes" in words and f"UserKnownHostsFile={hosts}" in words
        assert "StrictHostKeyChecking=yes" in words and "BatchMode=yes" in words
    assert not copy.exists()  # removed after the clone


def test_missing_ssh_key_file_is_input_error(tmp_path: Path) -> None:
    from nbgate.errors import InputError

    url = parse_git_url("ssh://git@example.com/org/repo.git")
    with (
        pytest.raises(InputError, match="NBGATE_GIT_SSH_KEY_FILE"),
        git_env(url, {"NBGATE_GIT_SSH_KEY_FILE": str(tmp_path / "nope")}),
    ):
        pass
