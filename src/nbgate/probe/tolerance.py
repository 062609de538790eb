"""Numeric tolerance, numpy.isclose semantics: ``|a - b| <= atol + rtol * |b|`` (b = expected).

Kept tiny and alone on purpose: once the golden-compare engine (nbgate.compare) exposes its
tolerance rules, this module is the one place to switch over.
"""

from __future__ import annotations

from typing import Any

__all__ = ["compare_json", "compare_values", "top_k_indices"]


def _flat(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        out: list[Any] = []
        for item in value:
            out.extend(_flat(item))
        return out
    return [value]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def compare_values(actual: Any, expected: Any, *, rtol: float, atol: float) -> str | None:
    """None when equal within tolerance (numbers) / exactly (labels); else what differs."""
    got, want = _flat(actual), _flat(expected)
    if len(got) != len(want):
        return f"expected {len(want)} values, got {len(got)}"
    worst: tuple[float, int] | None = None
    bad = 0
    for i, (a, b) in enumerate(zip(got, want, strict=True)):
        if _is_number(a) and _is_number(b):
            err = abs(float(a) - float(b))
            if err > atol + rtol * abs(float(b)):
                bad += 1
                if worst is None or err > worst[0]:
                    worst = (err, i)
        elif a != b:
            return f"value {i}: expected {b!r}, got {a!r}"
    if worst is None:
        return None
    err, i = worst
    return (
        f"{bad} of {len(want)} values outside rtol={rtol:g} atol={atol:g}; worst at {i}: "
        f"expected {want[i]!r}, got {got[i]!r} (|diff|={err:.3g})"
    )


def top_k_indices(values: Any, k: int) -> list[list[int]]:
    """Per row, the indices of the k largest scores (ties broken by index)."""
    rows = values if values and isinstance(values[0], (list, tuple)) else [values]
    return [sorted(range(len(r)), key=lambda i: (-float(r[i]), i))[:k] for r in rows]


def compare_json(actual: Any, expected: Any, *, rtol: float, atol: float, where: str = "$") -> str | None:
    """Subset match: every key of ``expected`` must be in ``actual``; numbers within tolerance."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}: expected an object, got {type(actual).__name__}"
        for key, want in expected.items():
            if key not in actual:
                return f"{where}.{key}: missing"
            diff = compare_json(actual[key], want, rtol=rtol, atol=atol, where=f"{where}.{key}")
            if diff:
                return diff
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            n = len(actual) if isinstance(actual, list) else type(actual).__name__
            return f"{where}: expected a list of {len(expected)}, got {n}"
        for i, (a, b) in enumerate(zip(actual, expected, strict=True)):
            diff = compare_json(a, b, rtol=rtol, atol=atol, where=f"{where}[{i}]")
            if diff:
                return diff
        return None
    diff = compare_values(actual, expected, rtol=rtol, atol=atol)
    return f"{where}: {diff}" if diff else None
