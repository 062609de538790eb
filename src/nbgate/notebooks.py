"""Which notebooks a validation covers: patterns and excludes resolved inside a root.

Used by the clone step (a checkout) and by the local runner (a local directory). Every
result is a sorted, relative POSIX path that resolves inside the root — a ``../`` pattern,
an absolute path elsewhere or a symlink pointing out of the root is an InputError, because
a spec from a repository must not make nbgate read (and report) files outside it.
"""

from __future__ import annotations

import os
import posixpath
import re
from functools import lru_cache
from pathlib import Path

from nbgate.errors import InputError

__all__ = ["DEFAULT_PATTERNS", "resolve_notebooks"]

DEFAULT_PATTERNS = ("**/*.ipynb",)
_SKIP_DIRS = {".ipynb_checkpoints", ".git"}
_GLOB_CHARS = re.compile(r"[*?\[]")


def resolve_notebooks(root: Path, patterns: list[str], exclude: list[str]) -> list[str]:
    """Sorted notebook paths relative to ``root`` matched by ``patterns`` minus ``exclude``.

    Patterns are paths or globs (``*`` within a directory, ``**`` across directories,
    ``?``, ``[...]``); a directory means every notebook under it. Raises InputError for a
    pattern that matches nothing, a path outside ``root``, or a path that is not a notebook.
    """
    if not root.is_dir():
        raise InputError(f"notebook root {root} is not a directory")
    real_root = root.resolve()
    files: list[str] | None = None  # walked lazily: only globs need the full listing
    chosen: set[str] = set()
    for raw in patterns or list(DEFAULT_PATTERNS):
        pattern = _relative_pattern(raw, real_root)
        if _GLOB_CHARS.search(pattern):
            if files is None:
                files = _walk(root)
            matcher = _compile(pattern)
            hits = [f for f in files if f.endswith(".ipynb") and matcher.fullmatch(f)]
            if not hits:
                raise InputError(
                    f"notebook pattern {raw!r} matches no notebook in {root}: check the pattern "
                    "(relative to the checkout, e.g. 'notebooks/**/*.ipynb')"
                )
            chosen.update(hits)
        else:
            chosen.update(_literal(root, pattern, raw))
    for path in chosen:
        _check_inside(root, real_root, path)
    excluded = {p for p in chosen if _excluded(p, exclude)}
    result = sorted(chosen - excluded)
    if not result:
        raise InputError(
            f"every notebook matched by {patterns or list(DEFAULT_PATTERNS)} in {root} is excluded "
            f"by {exclude}: narrow the exclude list"
        )
    return result


def _relative_pattern(raw: str, real_root: Path) -> str:
    text = raw.strip().replace("\\", "/")
    if not text:
        raise InputError("an empty notebook path was given: name a notebook or a glob like '**/*.ipynb'")
    if text.startswith("/"):
        absolute = Path(posixpath.normpath(text))
        try:
            text = absolute.relative_to(real_root).as_posix()
        except ValueError:
            raise InputError(
                f"notebook path {raw!r} is outside the checkout {real_root}: use a path relative to it"
            ) from None
    normal = posixpath.normpath(text)
    if normal == ".." or normal.startswith("../"):
        raise InputError(
            f"notebook path {raw!r} is outside the checkout {real_root}: use a path relative to it"
        )
    return "" if normal == "." else normal


def _literal(root: Path, rel: str, raw: str) -> list[str]:
    target = root / rel if rel else root
    if target.is_dir():
        under = [f"{rel}/{f}" if rel else f for f in _walk(target) if f.endswith(".ipynb")]
        if not under:
            raise InputError(f"directory {raw!r} in {root} holds no notebook (.ipynb)")
        return under
    if not target.exists() and not target.is_symlink():
        raise InputError(f"notebook {raw!r} not found in {root}: check the path (relative to the checkout)")
    if not rel.endswith(".ipynb"):
        raise InputError(f"{raw!r} is not a notebook (.ipynb): name .ipynb files or a glob")
    return [rel]


def _check_inside(root: Path, real_root: Path, rel: str) -> None:
    resolved = (root / rel).resolve()
    if resolved != real_root and real_root not in resolved.parents:
        raise InputError(
            f"notebook {rel!r} resolves outside the checkout {real_root} (a symlink?): "
            "notebooks must live inside the repository"
        )
    if not resolved.is_file():
        raise InputError(f"notebook {rel!r} in {root} is not a regular file (a dangling symlink?)")


def _walk(top: Path) -> list[str]:
    """Relative POSIX paths of files under ``top``; symlinked directories are not followed
    (they could loop, or lead out of the root)."""
    found: list[str] = []
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        base = Path(dirpath).relative_to(top).as_posix()
        prefix = "" if base == "." else base + "/"
        found.extend(prefix + name for name in filenames)
    return found


def _excluded(path: str, exclude: list[str]) -> bool:
    """True when an exclude glob matches the path or one of its parent directories."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    for raw in exclude:
        pattern = posixpath.normpath(raw.strip().replace("\\", "/")).lstrip("/")
        matcher = _compile(pattern)
        if any(matcher.fullmatch(c) for c in candidates):
            return True
    return False


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    """A glob → regex: ``**`` spans directories, ``*``/``?`` stay within one."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif ch == "*":
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        elif ch == "[":
            end = pattern.find("]", i + 2 if pattern[i + 1 : i + 2] in ("!", "]") else i + 1)
            if end < 0:
                out.append(re.escape(ch))
                i += 1
                continue
            body = pattern[i + 1 : end]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = end + 1
        else:
            out.append(re.escape(ch))
            i += 1
    return re.compile("".join(out))
