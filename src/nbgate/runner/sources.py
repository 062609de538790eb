"""Resolve a spec's source (git, local, pvc) to a checkout directory on this machine."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from nbgate.errors import InputError
from nbgate.results import SourceInfo
from nbgate.spec.model import NotebookSource

__all__ = ["ResolvedSource", "resolve_source"]


@dataclass(frozen=True)
class ResolvedSource:
    root: Path
    info: SourceInfo
    notebooks: list[str]


def _local_commit(root: Path) -> str | None:
    """The commit of a local checkout, for the audit record; None when it is not a repo."""
    if not (root / ".git").exists():
        return None
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def resolve_source(
    source: NotebookSource,
    *,
    base_dir: Path,
    scratch: Path,
    patterns: list[str],
    exclude: list[str],
    label: str = "source",
) -> ResolvedSource:
    """Clone or locate the source and resolve its notebooks (patterns may be empty)."""
    if source.git is not None:
        from nbgate.steps.clone import CloneRequest, clone

        git = source.git
        result = clone(
            CloneRequest(
                url=git.url,
                ref=git.ref,
                dest=str(scratch / label),
                notebooks=patterns,
                exclude=exclude,
                depth=git.depth,
                submodules=git.submodules,
                lfs=git.lfs,
                changed_between=git.changed_between,
            )
        )
        info = SourceInfo(kind="git", url=git.url, ref=git.ref, commit=result.commit)
        return ResolvedSource(Path(result.checkout_dir), info, list(result.notebooks))
    if source.local is not None:
        root = (base_dir / source.local).resolve()
        if not root.is_dir():
            raise InputError(
                f"{label}.local {source.local!r} is not a directory (resolved to {root}): "
                "point it at the folder that holds the notebooks"
            )
        notebooks: list[str] = []
        if patterns:
            from nbgate.notebooks import resolve_notebooks

            notebooks = resolve_notebooks(root, patterns, exclude)
        info = SourceInfo(kind="local", path=str(root), commit=_local_commit(root))
        return ResolvedSource(root, info, notebooks)
    raise InputError(
        f"{label}.pvc is for cluster runs (nbgate compile / submit): locally, use {label}.local "
        "with the directory the claim holds"
    )
