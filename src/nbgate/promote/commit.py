"""Commit an exported script to a branch of the repo it came from, without touching the checkout.

Plumbing only (hash-object, a private index, write-tree, commit-tree, update-ref): the working
tree and the current branch of the checkout stay as the validation left them. Push happens only
when Git credentials are given (``NBGATE_GIT_TOKEN``/``_FILE``, ``NBGATE_GIT_PASSWORD``/``_FILE``
or ``NBGATE_GIT_SSH_KEY_FILE``), through the clone step's credential handling.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from nbgate.errors import InputError

__all__ = ["Committed", "commit_file", "has_push_credentials"]

_CREDENTIAL_ENV = (
    "NBGATE_GIT_TOKEN",
    "NBGATE_GIT_TOKEN_FILE",
    "NBGATE_GIT_PASSWORD",
    "NBGATE_GIT_PASSWORD_FILE",
    "NBGATE_GIT_SSH_KEY_FILE",
)
_IDENTITY = {
    "GIT_AUTHOR_NAME": "nbgate",
    "GIT_AUTHOR_EMAIL": "nbgate@localhost",
    "GIT_COMMITTER_NAME": "nbgate",
    "GIT_COMMITTER_EMAIL": "nbgate@localhost",
}


@dataclass(frozen=True)
class Committed:
    commit: str
    branch: str
    path: str
    pushed: bool


def has_push_credentials(environ: dict[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return any(env.get(name) for name in _CREDENTIAL_ENV)


def _git(repo: Path, *args: str, env: dict[str, str] | None = None) -> str:
    from nbgate.git.run import Deadline, GitFailed, Scrubber, run_git

    try:
        return run_git(
            list(args),
            env={**_IDENTITY, **(env or {})},
            deadline=Deadline(120),
            scrub=Scrubber([]),
            cwd=repo,
            what=f"git {args[0]} in {repo}",
        ).strip()
    except GitFailed as exc:
        raise InputError(f"git {args[0]} in {repo} failed: {exc.last_line()}") from None


def commit_file(
    repo: Path, rel_path: str, text: str, *, branch: str, message: str, push: bool | None = None
) -> Committed:
    """Commit ``text`` as ``rel_path`` on ``branch`` (created from HEAD when new); push when
    ``push`` (default: when credentials are in the env) to the ``origin`` remote."""
    if not (repo / ".git").exists():
        raise InputError(f"{repo} is not a Git checkout: export --branch needs the source's clone")
    with tempfile.TemporaryDirectory(prefix="nbgate-export-") as tmp:
        blob_file = Path(tmp) / "blob"
        blob_file.write_text(text, encoding="utf-8")
        blob = _git(repo, "hash-object", "-w", str(blob_file))
        ref = f"refs/heads/{branch}"
        _git(repo, "check-ref-format", ref)
        try:
            parent = old = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        except InputError:
            parent, old = _git(repo, "rev-parse", "HEAD"), ""  # "": the branch must not exist yet
        index = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
        _git(repo, "read-tree", parent, env=index)
        _git(repo, "update-index", "--add", "--cacheinfo", f"100755,{blob},{rel_path}", env=index)
        tree = _git(repo, "write-tree", env=index)
        commit = _git(repo, "commit-tree", tree, "-p", parent, "-m", message)
        # The old value makes the update atomic: a concurrent push to the branch fails it.
        _git(repo, "update-ref", ref, commit, old)
    do_push = has_push_credentials() if push is None else push
    if do_push:
        _push(repo, branch)
    return Committed(commit=commit, branch=branch, path=rel_path, pushed=do_push)


def _push(repo: Path, branch: str) -> None:
    from nbgate.git.credentials import git_env
    from nbgate.git.run import Deadline, GitFailed, Scrubber, run_git
    from nbgate.git.urls import parse_git_url

    url = _git(repo, "remote", "get-url", "origin")
    with git_env(parse_git_url(url)) as genv:
        try:
            run_git(
                ["push", "origin", f"refs/heads/{branch}:refs/heads/{branch}"],
                env={**_IDENTITY, **genv.env},
                deadline=Deadline(300),
                scrub=Scrubber(genv.secrets),
                cwd=repo,
                what=f"git push of {branch}",
            )
        except GitFailed as exc:
            raise InputError(f"git push of {branch} failed: {exc.last_line()}") from None
