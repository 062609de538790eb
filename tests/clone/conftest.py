"""Real git repositories for the clone tests, served by ``git daemon`` and over HTTP.

Everything runs against real git: bare repos built in a session tmp dir, a real
``git daemon`` on 127.0.0.1, and ``git http-backend`` behind a tiny HTTP server that
demands a token (to prove credentials reach git through its environment).
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from clone_support import (
    NBGATE,
    TOKEN,
    CliRun,
    HttpServer,
    Repos,
    _GitHttp,
    commit,
    free_port,
    git,
    notebook,
    wait_for_port,
    write,
)


@pytest.fixture(scope="session")
def git_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Isolate every git run (ours and nbgate's) from the developer's git configuration."""
    home = tmp_path_factory.mktemp("git-home")
    config = home / "gitconfig"
    config.write_text(
        "[user]\n\tname = nbgate tests\n\temail = tests@nbgate.invalid\n"
        "[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n",
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIT_CONFIG_GLOBAL", str(config))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        mp.setenv("HOME", str(home))
        for name in list(os.environ):
            if name.startswith("NBGATE_GIT_") or name in ("GIT_DIR", "GIT_WORK_TREE", "NBGATE_SECRET_ENV"):
                mp.delenv(name)
        yield home


@pytest.fixture(scope="session")
def repos(tmp_path_factory: pytest.TempPathFactory, git_home: Path) -> Iterator[Repos]:
    """demo.git: main (c1 → c2 → c3), tag v1.0 at c1, branches feature, evil (a symlink
    escaping the repo) and cafe (a hex-looking branch name); super.git has demo as a
    file:// submodule. Served by git daemon on 127.0.0.1."""
    base = tmp_path_factory.mktemp("repos")
    root = base / "served"
    root.mkdir()
    outside = base / "outside.ipynb"
    outside.write_text(notebook("print('outside')"), encoding="utf-8")
    repos = Repos(root=root, outside=outside)
    c = repos.commits

    work = base / "demo"
    work.mkdir()
    git("init", "-q", cwd=work)
    write(work, {
        "README.md": "demo\n",
        "notebooks/a.ipynb": notebook("a = 1"),
        "notebooks/sub/b.ipynb": notebook("b = 1"),
        "notebooks/.ipynb_checkpoints/a-checkpoint.ipynb": notebook("a = 0"),
        "notebooks/helper.py": "x = 1\n",
        "data/table.csv": "x\n1\n",
    })  # fmt: skip
    c["c1"] = commit(work, "c1")
    git("tag", "-a", "v1.0", "-m", "v1.0", cwd=work)
    write(work, {"notebooks/sub/b.ipynb": notebook("b = 2"), "README.md": "demo 2\n"})
    c["c2"] = commit(work, "c2: change b")
    write(work, {"notebooks/c.ipynb": notebook("c = 3")})
    c["c3"] = commit(work, "c3: add c")

    git("checkout", "-q", "-b", "feature", c["c1"], cwd=work)
    write(work, {"feature/only.ipynb": notebook("f = 1")})
    c["feature"] = commit(work, "feature")

    git("checkout", "-q", "-b", "evil", c["c1"], cwd=work)
    (work / "escape").mkdir()
    os.symlink(os.path.relpath(outside, work / "escape"), work / "escape" / "link.ipynb")
    c["evil"] = commit(work, "evil: a symlink out of the repo")

    git("checkout", "-q", "-b", "cafe", c["c2"], cwd=work)
    write(work, {"notebooks/cafe.ipynb": notebook("cafe = 1")})
    c["cafe"] = commit(work, "cafe branch")
    git("checkout", "-q", "main", cwd=work)
    git("clone", "-q", "--bare", str(work), str(root / "demo.git"))

    sup = base / "super"
    sup.mkdir()
    git("init", "-q", cwd=sup)
    write(sup, {"top.ipynb": notebook("top = 1")})
    git("-c", "protocol.file.allow=always", "submodule", "add", "-q", repos.file_url(), "lib", cwd=sup)
    c["super"] = commit(sup, "super with a submodule")
    git("clone", "-q", "--bare", str(sup), str(root / "super.git"))

    port = free_port()
    daemon = subprocess.Popen(
        ["git", "daemon", "--reuseaddr", f"--base-path={root}", "--export-all",
         "--listen=127.0.0.1", f"--port={port}", str(root)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_port(port, daemon)
        repos.git_port = port
        yield repos
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        daemon.wait(timeout=10)


@pytest.fixture(scope="session")
def lfs_repo(tmp_path_factory: pytest.TempPathFactory, git_home: Path) -> str:
    """A bare repo whose data.bin is stored in Git LFS (objects pushed over file://)."""
    if shutil.which("git-lfs") is None:
        message = "git-lfs is not installed (make clone-test-deps installs it)"
        if os.environ.get("NBGATE_REQUIRE_TOOLS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    base = tmp_path_factory.mktemp("lfs")
    bare = base / "lfs.git"
    git("init", "-q", "--bare", str(bare))
    work = base / "work"
    work.mkdir()
    git("init", "-q", cwd=work)
    git("lfs", "install", "--local", cwd=work)
    git("lfs", "track", "*.bin", cwd=work)
    (work / "data.bin").write_bytes(b"real LFS content\n" * 100)
    write(work, {"nb.ipynb": notebook("open('data.bin').read()")})
    commit(work, "lfs data")
    git("push", "-q", bare.as_uri(), "main", cwd=work)
    return bare.as_uri()


@pytest.fixture(scope="session")
def http_repo(repos: Repos) -> Iterator[HttpServer]:
    """demo.git over smart HTTP on 127.0.0.1; only ``Basic x-access-token:TOKEN`` gets in."""
    seen: list[str] = []
    expected = "Basic " + base64.b64encode(f"x-access-token:{TOKEN}".encode()).decode()
    handler = type("Handler", (_GitHttp,), {"project_root": repos.root, "expected": expected, "seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HttpServer(url=f"http://127.0.0.1:{server.server_address[1]}/demo.git", seen=seen)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def run_main(git_home: Path, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """``nbgate clone`` in-process through the same ``main()`` (cheap: no interpreter start)."""
    from nbgate.cli.main import main

    def run(*args: str) -> CliRun:
        code = main(["clone", *args])
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err)

    return run


@pytest.fixture
def run_cli(git_home: Path):  # type: ignore[no-untyped-def]
    """The real ``nbgate clone`` in a subprocess."""

    def run(
        *args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 60
    ) -> CliRun:
        proc = subprocess.run(
            [NBGATE, "clone", *args], capture_output=True, text=True, timeout=timeout,
            env={**os.environ, **(env or {})}, cwd=cwd,
        )  # fmt: skip
        return CliRun(proc.returncode, proc.stdout, proc.stderr)

    return run
