"""JSON-like values (``application/json``, ``*+json``, scraps) compared with deepdiff and tolerance.

deepdiff walks the structure and names paths (``root['metrics'][2]``); a custom operator
decides numbers with the same rule as text, ``|a - b| <= atol + rtol * |golden|``, and keeps
the largest errors seen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from nbgate.compare.text import Tolerance

__all__ = ["StructuredComparison", "compare_structured"]


@dataclass
class StructuredComparison:
    equal: bool
    changes: list[str] = field(default_factory=list)  # "root['a'][1]: 0.5 → 0.7" (bounded)
    max_abs_error: float = 0.0
    max_rel_error: float = 0.0


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def compare_structured(
    actual: Any, expected: Any, tolerance: Tolerance, max_details: int = 10
) -> StructuredComparison:
    if actual == expected:
        return StructuredComparison(True)
    if _is_number(actual) and _is_number(expected):
        # Top-level numbers (a scrap holding one float) need no tree walk.
        result = StructuredComparison(True)
        _number(actual, expected, tolerance, result, path="root", limit=max_details)
        return result
    from deepdiff import DeepDiff
    from deepdiff.operator import BaseOperator

    result = StructuredComparison(True)

    class _Close(BaseOperator):  # type: ignore[misc]
        def match(self, level: Any) -> bool:
            return _is_number(level.t1) and _is_number(level.t2)

        def give_up_diffing(self, level: Any, diff_instance: Any) -> bool:
            # True: deepdiff treats the pair as equal; mismatches are recorded by _number.
            _number(level.t2, level.t1, tolerance, result, path=level.path(), limit=max_details)
            return True

    diff = DeepDiff(
        expected,
        actual,
        custom_operators=[_Close()],
        ignore_numeric_type_changes=True,
        ignore_nan_inequality=True,
        verbose_level=2,
    )
    for kind, items in diff.items():
        if not items:
            continue
        result.equal = False
        entries = items.items() if isinstance(items, dict) else ((str(i), None) for i in items)
        for path, change in entries:
            if len(result.changes) >= max_details:
                break
            result.changes.append(f"{path}: {_describe(kind, change)}")
    return result


def _number(a: Any, b: Any, tol: Tolerance, result: StructuredComparison, *, path: str, limit: int) -> None:
    """Record ``a`` (actual) against ``b`` (golden)."""
    fa, fb = float(a), float(b)
    if math.isnan(fa) and math.isnan(fb):
        return
    if isinstance(a, int) and isinstance(b, int) and tol.exact_integers:
        ok = a == b
    else:
        ok = abs(fa - fb) <= tol.atol + tol.rtol * abs(fb) or fa == fb
    if fa != fb:
        err = abs(fa - fb)
        rel = err / abs(fb) if fb else math.inf
        if not math.isnan(err):
            result.max_abs_error = max(result.max_abs_error, err)
            result.max_rel_error = max(result.max_rel_error, rel)
        if not ok:
            result.equal = False
            if len(result.changes) < limit:
                result.changes.append(
                    f"{path}: expected {b!r}, got {a!r} (abs err {err:.3g}, rel err {rel:.3g})"
                )


def _describe(kind: str, change: Any) -> str:
    if isinstance(change, dict) and "old_value" in change:
        old, new = _short(change["old_value"]), _short(change["new_value"])
        return f"{kind.replace('_', ' ')}: expected {old}, got {new}"
    if kind.endswith("_added"):
        return f"added in the executed output ({_short(change)})" if change is not None else "added"
    if kind.endswith("_removed"):
        return f"missing from the executed output ({_short(change)})" if change is not None else "missing"
    return kind.replace("_", " ")


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
