"""Per-cell control: nbgate tags and nbval's tags and comment markers.

nbgate tags (in ``metadata.tags`` of either side's cell):

* ``nbgate-skip-compare`` — the cell's outputs are not compared;
* ``nbgate-tolerance=RTOL`` or ``nbgate-tolerance=RTOL:ATOL`` (nbformat forbids commas in tags);
  ``nbgate-rtol=R``; ``nbgate-atol=A``.

nbval's markers mean what they mean to nbval, so nbval users switch without editing notebooks:
tags ``nbval-ignore-output``, ``nbval-check-output``, ``nbval-raises-exception``,
``raises-exception``, ``nbval-skip``, and comment lines ``# NBVAL_IGNORE_OUTPUT``,
``# NBVAL_CHECK_OUTPUT``, ``# NBVAL_RAISES_EXCEPTION``, ``# NBVAL_SKIP`` (and the legacy
``# PYTEST_VALIDATE_IGNORE_OUTPUT``). As in nbval, comment markers win over tags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nbgate.errors import InputError

__all__ = ["CellControl", "cell_control", "cell_source", "cell_tags"]

_COMMENT_MARKERS = {
    "PYTEST_VALIDATE_IGNORE_OUTPUT": ("check", False),
    "NBVAL_IGNORE_OUTPUT": ("check", False),
    "NBVAL_CHECK_OUTPUT": ("check", True),
    "NBVAL_RAISES_EXCEPTION": ("raises", True),
    "NBVAL_SKIP": ("skip", True),
}
_TAGS = {
    "nbval-ignore-output": ("check", False),
    "nbval-check-output": ("check", True),
    "nbval-raises-exception": ("raises", True),
    "raises-exception": ("raises", True),
    "nbval-skip": ("skip", True),
    "nbgate-skip-compare": ("skip", True),
}


@dataclass(frozen=True)
class CellControl:
    skip: bool = False  # not compared at all (nbval: not even run)
    check: bool | None = None  # False: outputs ignored; True: checked even in lax mode
    raises: bool = False  # an error output is expected
    rtol: float | None = None
    atol: float | None = None
    reason: str = ""  # the tag or marker that decided skip/check, for the report


def cell_source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def cell_tags(cell: dict[str, Any] | None) -> list[str]:
    if not cell:
        return []
    tags = (cell.get("metadata") or {}).get("tags") or []
    return [str(t) for t in tags] if isinstance(tags, list) else []


def _float(tag: str, text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise InputError(
            f"cell tag {tag!r} in {where} needs a non-negative number, e.g. nbgate-tolerance=1e-3 "
            "or nbgate-tolerance=1e-3:1e-6 (rtol:atol)"
        )
    return value


_NO_CONTROL = CellControl()


def cell_control(cell: dict[str, Any], golden: dict[str, Any] | None, where: str) -> CellControl:
    """The control for one aligned pair: tags of both sides, comment markers of the executed one."""
    tags = cell_tags(cell) + cell_tags(golden)
    source = cell_source(cell)
    if not tags and "#" not in source:
        return _NO_CONTROL  # most cells: no tag, no comment line that could hold a marker
    found: dict[str, tuple[bool, str]] = {}
    rtol: float | None = None
    atol: float | None = None
    for tag in dict.fromkeys(tags):
        if tag in _TAGS:
            key, value = _TAGS[tag]
            found[key] = (value, tag)
        elif tag.startswith("nbgate-tolerance="):
            parts = tag.split("=", 1)[1].replace(",", ":").split(":")
            rtol = _float(tag, parts[0], where)
            if len(parts) > 1:
                atol = _float(tag, parts[1], where)
        elif tag.startswith("nbgate-rtol="):
            rtol = _float(tag, tag.split("=", 1)[1], where)
        elif tag.startswith("nbgate-atol="):
            atol = _float(tag, tag.split("=", 1)[1], where)
    for raw in source.splitlines():
        line = raw.strip()
        if line.startswith("#"):
            marker = line.lstrip("#").strip()
            if marker in _COMMENT_MARKERS:
                key, value = _COMMENT_MARKERS[marker]
                found[key] = (value, f"# {marker}")
    skip = found.get("skip", (False, ""))
    check = found.get("check")
    raises = found.get("raises", (False, ""))
    reason = skip[1] if skip[0] else (check[1] if check else "")
    return CellControl(
        skip=skip[0],
        check=check[0] if check else None,
        raises=raises[0],
        rtol=rtol,
        atol=atol,
        reason=reason,
    )
