"""Rule ``absolutePaths``: string literals that point into someone's machine.

``/Users/sarah/data/train.csv`` runs on Sarah's laptop and nowhere else. Only string
literals are inspected (the AST, so comments never count); a path built at run time from
a parameter is exactly what we want people to write instead.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from nbgate.preflight.findings import Finding
from nbgate.preflight.registry import Context, rule

__all__ = ["local_path_in"]

_PATTERNS = (
    (re.compile(r"^/(?:Users|home)/"), "a home directory"),
    (re.compile(r"^/root(?:/|$)"), "root's home directory"),
    (re.compile(r"^[A-Za-z]:[\\/]"), "a drive letter"),
    (re.compile(r"^~[A-Za-z0-9_.-]*(?:[\\/]|$)"), "a user's home directory (~)"),
    (re.compile(r"^\\\\[^\\]+\\"), "a Windows network share"),
    (re.compile(r"file://", re.IGNORECASE), "a file:// URL"),
)


def local_path_in(text: str) -> str | None:
    """What kind of machine-local path ``text`` is, or None."""
    candidate = text.strip()
    for pattern, kind in _PATTERNS:
        if pattern.search(candidate):
            return kind
    return None


def _strings(tree: ast.AST) -> Iterator[tuple[int, str]]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.lineno, node.value
        elif isinstance(node, ast.JoinedStr) and node.values:
            first = node.values[0]  # f"/Users/{user}/x": the literal head is what matters
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value


def _is_magic_call(node: ast.AST) -> bool:
    """``get_ipython().system('…')`` etc.: shell commands are the pipInstall rule's business."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Call)
        and isinstance(node.func.value.func, ast.Name)
        and node.func.value.func.id == "get_ipython"
    )


@rule("absolutePaths", "error", "absolute local paths (home directories, drive letters, ~, file://)")
def check_paths(ctx: Context) -> Iterator[Finding]:
    for cell in ctx.notebook.cells:
        if cell.tree is None:
            continue
        skip: set[int] = set()
        for node in ast.walk(cell.tree):
            if _is_magic_call(node):
                skip.update(id(n) for n in ast.walk(node))
        seen: set[tuple[int, str]] = set()
        for node in ast.walk(cell.tree):
            if id(node) in skip:
                continue
            for line, text in _strings(node) if isinstance(node, (ast.Constant, ast.JoinedStr)) else ():
                kind = local_path_in(text)
                if kind is None or (line, text) in seen:
                    continue
                seen.add((line, text))
                shown = text if len(text) <= 120 else text[:119] + "…"
                yield Finding(
                    rule="absolutePaths",
                    cell=cell.index,
                    line=line,
                    message=f"absolute local path {shown!r} ({kind}) exists only on one machine: "
                    "make it a parameter or a path relative to the repo",
                )
