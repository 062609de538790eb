"""The ``clone`` step: check out a Git repository at a ref and pick the notebooks to validate.

Shallow where possible:

* no ref → ``git clone --depth N`` (the remote HEAD);
* a branch or tag → ``git clone --depth N --branch REF``;
* a full commit SHA or a ``refs/…`` name → ``git init`` + ``git fetch --depth N origin REF``,
  falling back to a full fetch when the server refuses to serve an unadvertised commit;
* a short SHA → a full clone, then ``git rev-parse`` (a short SHA cannot be fetched).

Output: the checkout directory, the resolved full commit SHA and the notebook list.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

from pydantic import Field

from nbgate._model import WireModel
from nbgate.durations import Duration
from nbgate.errors import InputError
from nbgate.git.classify import classify_failure, is_ref_missing, ref_not_found
from nbgate.git.credentials import GitEnv, add_config, git_env
from nbgate.git.run import Deadline, GitFailed, Scrubber, run_git
from nbgate.git.urls import GitUrl, parse_git_url, redact_url
from nbgate.notebooks import DEFAULT_PATTERNS, resolve_notebooks
from nbgate.results import CloneResult
from nbgate.spec.model import ChangedRange

__all__ = ["CloneRequest", "CloneResult", "clone"]

log = logging.getLogger("nbgate.clone")

_FULL_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_SHORT_SHA = re.compile(r"^[0-9a-f]{4,63}$")
_ZEROS = re.compile(r"^0+$")
_LFS_FILTER = (
    ("filter.lfs.process", "git-lfs filter-process"),
    ("filter.lfs.smudge", "git-lfs smudge -- %f"),
    ("filter.lfs.clean", "git-lfs clean -- %f"),
    ("filter.lfs.required", "true"),
)
_ALL_REFS = ("+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*")


class CloneRequest(WireModel):
    """What to clone and which notebooks to pick from it."""

    url: str = Field(
        description="https, http, ssh (ssh:// or git@host:path), git or file URL, or a local path."
    )
    ref: str | None = Field(
        default=None, description="Branch, tag, full or short commit SHA; None: remote HEAD."
    )
    dest: Path | None = Field(
        default=None, description="Checkout directory (absent or empty); default: a new temp dir."
    )
    notebooks: list[str] = Field(
        default=list(DEFAULT_PATTERNS),
        description="Paths or globs in the checkout; empty: resolve none (e.g. a golden-only source).",
    )
    exclude: list[str] = []
    depth: int | None = Field(default=1, ge=0, description="Shallow depth; None or 0 for full history.")
    submodules: bool = False
    lfs: bool = True
    changed_between: ChangedRange | None = None
    timeout_seconds: Duration = Field(default=600.0, description="Time limit for the whole clone.")


class _Git:
    """git bound to one checkout, URL, env and deadline; failures become nbgate errors."""

    def __init__(self, url: GitUrl, env: GitEnv, deadline: Deadline, cwd: Path) -> None:
        self.url = url
        self.shown = redact_url(url.url)
        self.env = env.env
        self.scrub = Scrubber(env.secrets)
        self.deadline = deadline
        self.cwd = cwd

    def raw(self, *args: str, cwd: Path | None = None) -> str:
        """Run git; GitFailed is left to the caller (for fallbacks)."""
        return run_git(
            args,
            env=self.env,
            deadline=self.deadline,
            scrub=self.scrub,
            cwd=cwd or self.cwd,
            what=f"git {args[0]} of {self.shown}",
        )

    def __call__(self, *args: str, ref: str | None = None, cwd: Path | None = None) -> str:
        try:
            return self.raw(*args, cwd=cwd)
        except GitFailed as exc:
            raise classify_failure(exc, url=self.shown, ref=ref) from None

    def has_commit(self, rev: str) -> str | None:
        """The full SHA of ``rev`` if it is a commit in the local repository."""
        try:
            return self.raw("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
        except GitFailed:
            return None


def clone(request: CloneRequest) -> CloneResult:
    """Clone ``request.url`` at ``request.ref`` and resolve the notebooks in the checkout."""
    url = parse_git_url(request.url)
    if url.is_local and "://" not in url.url:
        # git runs inside the checkout for some commands: pin a relative path to our cwd.
        url = GitUrl(url=str(Path(url.url).absolute()), transport="file")
    ref = _check_ref(request.ref)
    changed = request.changed_between
    if changed is not None:
        _check_ref(changed.before, "changedBetween.before")
        _check_ref(changed.after, "changedBetween.after")
        if _ZEROS.match(changed.after):
            raise InputError(
                "changedBetween.after is all zeros (a deleted branch): there is nothing to validate"
            )
        # A push event's `after` is the commit to validate unless a ref says otherwise.
        ref = ref or changed.after
    dest, created = _prepare_dest(request.dest)
    deadline = Deadline(request.timeout_seconds)
    depth = request.depth or None
    warnings: list[str] = []
    try:
        with git_env(url) as env:
            git = _Git(url, env, deadline, dest)
            _checkout(git, ref, depth, dest)
            commit = git("rev-parse", "HEAD").strip()
            if request.submodules:
                git("submodule", "update", "--init", "--recursive")
            if request.lfs:
                warnings += _lfs_pull(git, dest)
            notebooks: list[str] = []
            if request.notebooks:
                notebooks = resolve_notebooks(dest, list(request.notebooks), list(request.exclude))
            if changed is not None and not _ZEROS.match(changed.before):
                changed_paths = _changed_paths(git, changed)
                notebooks = [nb for nb in notebooks if nb in changed_paths]
    except BaseException:
        # No half checkout left behind: a retry (exit 3) can reuse the same --dest.
        _discard(dest, created)
        raise
    for warning in warnings:
        log.warning("%s", warning)
    return CloneResult(
        checkout_dir=str(dest),
        url=redact_url(url.url),
        ref=request.ref,
        commit=commit,
        notebooks=notebooks,
        warnings=warnings,
    )


def _check_ref(ref: str | None, name: str = "ref") -> str | None:
    if ref is None:
        return None
    text = ref.strip()
    if not text:
        return None
    # A leading '-' would be read as an option; whitespace/control chars are never valid.
    if text.startswith("-") or any(ch.isspace() or ord(ch) < 32 for ch in text) or ".." in text:
        raise InputError(f"{name} {ref!r} is not a valid branch, tag or commit name")
    return text


def _prepare_dest(dest: Path | None) -> tuple[Path, bool]:
    """The checkout directory and whether nbgate created it."""
    if dest is None:
        return Path(tempfile.mkdtemp(prefix="nbgate-checkout-")), True
    path = Path(dest).absolute()
    if path.exists():
        if not path.is_dir() or any(path.iterdir()):
            raise InputError(
                f"checkout directory {dest} exists and is not empty: choose an empty or new --dest"
            )
        return path, False
    try:
        path.mkdir(parents=True)
    except OSError as exc:
        raise InputError(f"cannot create checkout directory {dest}: {exc.strerror or exc}") from None
    return path, True


def _discard(dest: Path, created: bool) -> None:
    if created:
        shutil.rmtree(dest, ignore_errors=True)
        return
    for child in dest.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def _depth_args(depth: int | None) -> list[str]:
    return [f"--depth={depth}"] if depth else []


def _checkout(git: _Git, ref: str | None, depth: int | None, dest: Path) -> None:
    if ref is None:
        git(
            "clone", "--quiet", "--no-tags", *_depth_args(depth), "--", git.url.url, str(dest), cwd=Path.cwd()
        )
    elif _FULL_SHA.match(ref) or ref.startswith("refs/"):
        _fetch_exact(git, ref, depth)
    elif _SHORT_SHA.match(ref) and not _is_remote_name(git, ref):
        _clone_short_sha(git, ref, dest)
    else:
        git(
            "clone", "--quiet", *_depth_args(depth), f"--branch={ref}", "--", git.url.url, str(dest),
            ref=ref, cwd=Path.cwd(),
        )  # fmt: skip


def _is_remote_name(git: _Git, ref: str) -> bool:
    """True when a hex-looking ref (e.g. ``cafe``) is really a branch or tag name."""
    out = git("ls-remote", "--", git.url.url, f"refs/heads/{ref}", f"refs/tags/{ref}", cwd=Path.cwd())
    return bool(out.strip())


def _fetch_exact(git: _Git, ref: str, depth: int | None) -> None:
    """init + fetch one commit or ref, shallow; a full fetch when the server refuses."""
    git("init", "--quiet")
    git("remote", "add", "origin", git.url.url)
    try:
        git.raw("fetch", "--quiet", "--no-tags", *_depth_args(depth), "origin", ref)
        target = "FETCH_HEAD"
    except GitFailed as exc:
        if not is_ref_missing(exc):
            raise classify_failure(exc, url=git.shown, ref=ref) from None
        # Old servers (protocol v0, no allowReachableSHA1InWant) only serve advertised tips.
        log.info("fetching %s by name failed, fetching full history", ref)
        git("fetch", "--quiet", "origin", *_ALL_REFS, ref=ref)
        target = ref
    sha = git.has_commit(target)
    if sha is None:
        raise ref_not_found(ref, git.shown)
    git("checkout", "--quiet", "--detach", sha, ref=ref)


def _clone_short_sha(git: _Git, ref: str, dest: Path) -> None:
    git("clone", "--quiet", "--no-checkout", "--", git.url.url, str(dest), cwd=Path.cwd())
    try:
        sha = git.raw("rev-parse", "--verify", f"{ref}^{{commit}}").strip()
    except GitFailed as exc:
        if "ambiguous" in exc.stderr:
            raise InputError(
                f"short commit SHA {ref!r} is ambiguous in {git.shown}: use more digits"
            ) from None
        raise ref_not_found(ref, git.shown) from None
    git("checkout", "--quiet", "--detach", sha, ref=ref)


def _lfs_pull(git: _Git, dest: Path) -> list[str]:
    """``git lfs pull`` when the checkout has LFS files; a warning when git-lfs is missing."""
    if not _uses_lfs(dest):
        return []
    if shutil.which("git-lfs") is None:
        return [
            "the repository stores files in Git LFS but git-lfs is not installed: those files are "
            "LFS pointers; install git-lfs (apt-get install git-lfs) or set lfs: false"
        ]
    # GIT_LFS_SKIP_SMUDGE (set for the clone) would make `git lfs pull` skip its checkout, and
    # without the lfs filter configured it skips it too ("Git LFS is not installed for this
    # repository"): configure the filter for this run only, through the environment.
    env = {**git.env, "GIT_LFS_SKIP_SMUDGE": "0"}
    for key, value in _LFS_FILTER:
        add_config(env, key, value)
    git.env = env
    git("lfs", "pull")
    return []


def _uses_lfs(dest: Path) -> bool:
    for dirpath, dirnames, filenames in os.walk(dest):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        if ".gitattributes" in filenames:
            try:
                text = (Path(dirpath) / ".gitattributes").read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if "filter=lfs" in text:
                return True
    return False


def _changed_paths(git: _Git, changed: ChangedRange) -> set[str]:
    """Files changed between the two commits; a tree diff needs both commits, not the history
    between them, so each is fetched shallow when missing."""
    shas = [
        _ensure_commit(git, rev, name) for rev, name in ((changed.before, "before"), (changed.after, "after"))
    ]
    out = git("diff", "--name-only", "--no-renames", "-z", shas[0], shas[1], "--")
    return {p for p in out.split("\0") if p}


def _ensure_commit(git: _Git, rev: str, name: str) -> str:
    sha = git.has_commit(rev)
    if sha:
        return sha
    attempts: list[tuple[str, ...]] = []
    if _FULL_SHA.match(rev):
        attempts.append(("fetch", "--quiet", "--no-tags", "--depth=1", "origin", rev))
    shallow = (Path(git.cwd) / ".git" / "shallow").exists()
    attempts.append(("fetch", "--quiet", *(["--unshallow"] if shallow else []), "origin", *_ALL_REFS))
    for args in attempts:
        try:
            git.raw(*args)
        except GitFailed as exc:
            if not is_ref_missing(exc):
                raise classify_failure(exc, url=git.shown, ref=rev) from None
        sha = git.has_commit(rev)
        if sha:
            return sha
    raise InputError(
        f"changedBetween.{name} commit {rev!r} not found in {git.shown}: use commits of this repository"
    )
