"""The real ``nbgate clone`` command: outputs, exit codes and one-line errors."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from clone_support import Repos, free_port


def _one_line(run, code: int, *needles: str) -> str:  # type: ignore[no-untyped-def]
    assert run.code == code, run.stderr
    assert len(run.lines) == 1, run.stderr
    assert "Traceback" not in run.stderr + run.stdout
    line: str = run.lines[0]
    assert line.startswith("nbgate: error: ")
    for needle in needles:
        assert needle in line, line
    return line


def test_clone_writes_outputs(repos: Repos, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "out"
    run = run_cli(
        "--url", repos.git_url(), "--ref", "main", "--dest", str(tmp_path / "co"),
        "--notebooks", "notebooks/a.ipynb,notebooks/sub/*.ipynb", "--notebooks", "notebooks/c.ipynb",
        "--exclude", "notebooks/c.ipynb",
        "--notebooks-out", str(out / "notebooks.json"), "--commit-out", str(out / "commit"),
        "--result", str(out / "result.json"), "--verdict", str(out / "verdict.json"),
    )  # fmt: skip
    assert run.code == 0, run.stderr
    assert json.loads((out / "notebooks.json").read_text()) == ["notebooks/a.ipynb", "notebooks/sub/b.ipynb"]
    assert (out / "commit").read_text().strip() == repos.commits["c3"]
    result = json.loads((out / "result.json").read_text())
    assert result["checkoutDir"] == str(tmp_path / "co")
    assert result["commit"] == repos.commits["c3"]
    assert json.loads((out / "verdict.json").read_text())["verdict"] == "passed"
    assert run.lines == [
        f"nbgate: cloned {repos.git_url()} at {repos.commits['c3'][:12]} into {tmp_path / 'co'}: 2 notebooks"
    ]


def test_changed_between_option(repos: Repos, run_main, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    c = repos.commits
    run = run_main(
        "--url", repos.file_url(), "--dest", str(tmp_path / "co"),
        "--changed-between", f"{c['c1']}..{c['c2']}", "--notebooks-out", str(tmp_path / "nb.json"),
    )  # fmt: skip
    assert run.code == 0, run.stderr
    assert json.loads((tmp_path / "nb.json").read_text()) == ["notebooks/sub/b.ipynb"]


# The acceptance cases run the real installed command in a subprocess …
@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (
            ["--ref", "nope"],
            ["ref 'nope' not found in git://127.0.0.1", "use an existing branch, tag or commit"],
        ),
        (["--notebooks", "missing/x.ipynb"], ["notebook 'missing/x.ipynb' not found in"]),
        (["--notebooks", "../outside.ipynb"], ["notebook path '../outside.ipynb' is outside the checkout"]),
    ],
)
def test_bad_input_exits_2_with_one_line(  # type: ignore[no-untyped-def]
    repos: Repos, run_cli, tmp_path: Path, args: list[str], needles: list[str]
) -> None:
    run = run_cli("--url", repos.git_url(), "--dest", str(tmp_path / "co"), *args)
    _one_line(run, 2, *needles)


# … the other bad inputs go through the same main() in-process (no interpreter start-up).
@pytest.mark.parametrize(
    ("args", "needles"),
    [
        (["--notebooks", "nothing/**/*.ipynb"], ["pattern 'nothing/**/*.ipynb' matches no notebook"]),
        (["--notebooks", "notebooks/helper.py"], ["'notebooks/helper.py' is not a notebook"]),
        (["--notebooks", "/etc/passwd"], ["'/etc/passwd' is outside the checkout"]),
        (["--changed-between", "abc"], ["--changed-between 'abc' must look like BEFORE..AFTER"]),
        (["--timeout", "soon"], ["--timeout 'soon'", "expected a duration"]),
        (["--depth", "-1"], ["invalid --depth"]),
        (["--ref", "--upload-pack=touch /tmp/x"], ["is not a valid branch, tag or commit name"]),
    ],
)
def test_more_bad_input_exits_2(  # type: ignore[no-untyped-def]
    repos: Repos, run_main, tmp_path: Path, args: list[str], needles: list[str]
) -> None:
    run = run_main("--url", repos.git_url(), "--dest", str(tmp_path / "co"), *args)
    _one_line(run, 2, *needles)


@pytest.mark.parametrize(
    ("url", "needles", "hidden"),
    [
        ("ext::sh -c touch% /tmp/pwned", ["'ext::' transport", "nbgate refuses"], None),
        (
            "https://bob:hunter2pass@example.invalid/r.git",
            ["embeds credentials", "NBGATE_GIT_TOKEN"],
            "hunter2pass",
        ),
    ],
)
def test_refused_urls_exit_2(  # type: ignore[no-untyped-def]
    run_cli, tmp_path: Path, url: str, needles: list[str], hidden: str | None
) -> None:
    run = run_cli("--url", url, "--dest", str(tmp_path / "co"))
    _one_line(run, 2, *needles)
    if hidden:
        assert hidden not in run.stderr + run.stdout
    assert not (tmp_path / "co").exists()


@pytest.mark.parametrize(
    ("url", "needles", "hidden"),
    [
        ("fd::3", ["'fd::' transport"], None),
        ("ftp://example.invalid/r.git", ["unsupported transport 'ftp://'"], None),
        (
            "https://ghp_tokenonly123@example.invalid/r.git",
            ["embeds credentials", "Secret"],
            "ghp_tokenonly123",
        ),
        ("ssh://bob:hunter2pass@example.invalid/r.git", ["embeds credentials"], "hunter2pass"),
        ("bob:hunter2pass@example.invalid:r.git", ["embeds credentials"], "hunter2pass"),
    ],
)
def test_more_refused_urls(  # type: ignore[no-untyped-def]
    run_main, tmp_path: Path, url: str, needles: list[str], hidden: str | None
) -> None:
    run = run_main("--url", url, "--dest", str(tmp_path / "co"))
    _one_line(run, 2, *needles)
    if hidden:
        assert hidden not in run.stderr + run.stdout


def test_missing_repository_exits_2(repos: Repos, run_main, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = run_main("--url", repos.git_url("nope.git"), "--dest", str(tmp_path / "co"))
    _one_line(run, 2, "repository git://127.0.0.1", "nope.git not found")


def test_closed_port_exits_3(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url = f"git://127.0.0.1:{free_port()}/demo.git"
    run = run_cli(
        "--url", url, "--dest", str(tmp_path / "co"), "--verdict", str(tmp_path / "v.json"), "--exit-zero"
    )
    _one_line(run, 3, f"cannot reach {url}", "Connection refused")
    assert json.loads((tmp_path / "v.json").read_text())["exitCode"] == 3  # exit 3 is never swallowed


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never answers: a hung git server."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_hung_server_times_out_with_exit_3(run_main, silent_server: int, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    run = run_main(
        "--url", f"git://127.0.0.1:{silent_server}/x.git", "--dest", str(tmp_path / "co"), "--timeout", "2s"
    )
    _one_line(run, 3, "timed out after 2s")
    assert time.monotonic() - started < 30  # generous: it must not hang, not be fast


def test_exit_zero_turns_bad_input_into_a_verdict(repos: Repos, run_main, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run = run_main(
        "--url", repos.git_url(), "--ref", "nope", "--dest", str(tmp_path / "co"), "--exit-zero",
        "--verdict", str(tmp_path / "v.json"), "--notebooks-out", str(tmp_path / "nb.json"),
    )  # fmt: skip
    assert run.code == 0, run.stderr
    verdict = json.loads((tmp_path / "v.json").read_text())
    assert verdict["verdict"] == "error"
    assert verdict["exitCode"] == 2
    assert "ref 'nope' not found" in verdict["message"]
    assert json.loads((tmp_path / "nb.json").read_text()) == []
