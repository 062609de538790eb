"""Text compared with numeric tolerance: numbers are pulled out, the rest compared as text.

A text is split into a *skeleton* (the text with every number replaced by a marker) and the
list of its numbers. Two texts match when their skeletons are equal (after whitespace
normalization, which absorbs numpy/pandas re-wrapping and re-padding when a number's width
changes) and every pair of numbers satisfies ``|a - b| <= atol + rtol * |b|`` (numpy.isclose,
``b`` the golden). ``nan`` equals ``nan``; ``inf`` equals ``inf`` of the same sign; complex
numbers use the modulus of the difference.
"""

from __future__ import annotations

import cmath
import math
import re
from dataclasses import dataclass, field

__all__ = [
    "NumberDiff",
    "TextComparison",
    "Tolerance",
    "compare_text",
    "excerpt",
    "first_difference",
    "split_numbers",
]

_DIGITS = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_SPECIAL = r"(?:nan|NaN|NAN|inf|Inf|INF|[Ii]nfinity)"
_REAL = rf"(?:{_DIGITS}|{_SPECIAL})"
# Not inside a word or a dotted version (v1.2.3, float64, x_1): those stay in the skeleton.
_NUMBER = re.compile(rf"(?=[-+\d.nNiI])(?<![\w.])([-+]?{_REAL})(?:([-+]{_REAL})j|(j))?(?!\w|\.\w)")
_MARK = "\x00"
_WS = re.compile(r"\s+")
_BRACKET_PAD = re.compile(r" ?([\[\](){},;]) ?")


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float
    exact_integers: bool = True
    normalize_whitespace: bool = True


@dataclass(frozen=True)
class NumberDiff:
    index: int  # position among the text's numbers (0-based)
    line: int  # 1-based line of the golden text
    expected: str
    actual: str
    abs_error: float
    rel_error: float


@dataclass
class TextComparison:
    equal: bool
    kind: str = "text"  # "text" (the words differ) or "number" (only numbers are out of tolerance)
    numbers_compared: int = 0
    max_abs_error: float = 0.0
    max_rel_error: float = 0.0
    number_diffs: list[NumberDiff] = field(default_factory=list)
    mismatched_numbers: int = 0


@dataclass(frozen=True)
class _Token:
    text: str
    value: complex | float | int
    start: int


def _split(text: str) -> tuple[str, list[str]]:
    """One C-level pass: the skeleton and the numbers' literal texts (values parsed lazily)."""
    parts = _NUMBER.split(text)
    skeleton = _MARK.join(parts[0::4])
    numbers = [
        g1 + (g2 + "j" if g2 else "") + (g3 or "")
        for g1, g2, g3 in zip(parts[1::4], parts[2::4], parts[3::4], strict=False)
    ]
    return skeleton, numbers


def split_numbers(text: str) -> tuple[str, list[_Token]]:
    """The skeleton (numbers replaced by a marker) and the numbers with values and offsets."""
    skeleton, _ = _split(text)
    return skeleton, [_Token(m.group(0), _value(m), m.start()) for m in _NUMBER.finditer(text)]


def _value(m: re.Match[str]) -> complex | float | int:
    real, imag, bare_j = m.group(1), m.group(2), m.group(3)
    if imag is not None:
        return complex(float(real), float(imag))
    if bare_j is not None:
        return complex(0.0, float(real))
    if real.lstrip("+-").isdigit():
        return int(real)
    return float(real)


def _parse(literal: str) -> complex | float | int:
    m = _NUMBER.fullmatch(literal)
    assert m is not None
    return _value(m)


def _normalize(skeleton: str, tolerance: Tolerance) -> str:
    if not tolerance.normalize_whitespace:
        return skeleton
    return _BRACKET_PAD.sub(r"\1", _WS.sub(" ", skeleton).strip())


def _close(a: complex | float | int, b: complex | float | int, tol: Tolerance) -> tuple[bool, float, float]:
    """(within tolerance, absolute error, relative error); ``b`` is the golden."""
    if isinstance(a, int) and isinstance(b, int) and not isinstance(a, bool):
        idiff = abs(a - b)
        irel = idiff / abs(b) if b else (math.inf if idiff else 0.0)
        if tol.exact_integers:
            return idiff == 0, float(idiff), irel
        return idiff <= tol.atol + tol.rtol * abs(b), float(idiff), irel
    ca, cb = complex(a), complex(b)
    a_nan = cmath.isnan(ca)
    b_nan = cmath.isnan(cb)
    if a_nan or b_nan:
        return a_nan and b_nan, (0.0 if a_nan and b_nan else math.nan), math.nan
    if cmath.isinf(ca) or cmath.isinf(cb):
        same = ca == cb
        return same, (0.0 if same else math.inf), (0.0 if same else math.inf)
    diff = abs(ca - cb)
    scale = abs(cb)
    rel = diff / scale if scale else (math.inf if diff else 0.0)
    return diff <= tol.atol + tol.rtol * scale, diff, rel


def _fast_close(ta: str, te: str, tol: Tolerance) -> tuple[bool, float, float] | None:
    """The common case in C-speed steps: two plain decimal literals; None for anything else."""
    if (
        "j" in ta
        or "j" in te
        or (tol.exact_integers and ta.lstrip("+-").isdigit() and te.lstrip("+-").isdigit())
    ):
        return None
    a, b = float(ta), float(te)
    diff = abs(a - b)
    if math.isnan(diff) or math.isinf(diff):  # nan or inf involved: the exact rules in _close
        return None
    scale = abs(b)
    return diff <= tol.atol + tol.rtol * scale, diff, (diff / scale if scale else (math.inf if diff else 0.0))


def compare_text(
    actual: str, expected: str, tolerance: Tolerance, max_details: int = 10, *, normalize: bool = True
) -> TextComparison:
    """Compare two (already sanitized) texts with numeric tolerance.

    ``normalize=False`` skips whitespace normalization of the skeletons: a quick first attempt
    that leaves the full rules to a second call.
    """
    if actual == expected:
        return TextComparison(equal=True)
    skel_a, nums_a = _split(actual)
    skel_e, nums_e = _split(expected)
    if len(nums_a) != len(nums_e) or (
        skel_a != skel_e and (not normalize or _normalize(skel_a, tolerance) != _normalize(skel_e, tolerance))
    ):
        return TextComparison(equal=False, kind="text")
    result = TextComparison(equal=True, kind="number", numbers_compared=len(nums_e))
    starts: list[int] | None = None
    for i, (ta, te) in enumerate(zip(nums_a, nums_e, strict=False)):
        if ta == te:
            continue
        fast = _fast_close(ta, te, tolerance)
        ok, abs_err, rel_err = fast if fast is not None else _close(_parse(ta), _parse(te), tolerance)
        if not math.isnan(abs_err):
            result.max_abs_error = max(result.max_abs_error, abs_err)
        if not math.isnan(rel_err):
            result.max_rel_error = max(result.max_rel_error, rel_err)
        if not ok:
            result.equal = False
            result.mismatched_numbers += 1
            if len(result.number_diffs) < max_details:
                if starts is None:  # offsets only when there is something to report
                    starts = [m.start() for m in _NUMBER.finditer(expected)]
                line = expected.count("\n", 0, starts[i]) + 1
                result.number_diffs.append(NumberDiff(i, line, te, ta, abs_err, rel_err))
    return result


def first_difference(actual: str, expected: str) -> int:
    """The 0-based index of the first differing line (linear, no LCS)."""
    la, le = actual.splitlines(), expected.splitlines()
    for i, (a, e) in enumerate(zip(la, le, strict=False)):
        if a != e:
            return i
    return min(len(la), len(le))


def excerpt(text: str, line: int, limit: int, context: int = 2) -> str:
    """A bounded window of ``text`` around ``line`` (0-based), at most ``limit`` characters."""
    lines = text.splitlines()
    start = max(0, line - context)
    window = lines[start : line + context + 1]
    out = "\n".join(window)
    if start > 0:
        out = f"[… {start} lines]\n" + out
    if line + context + 1 < len(lines):
        out += f"\n[… {len(lines) - (line + context + 1)} more lines]"
    if len(out) > limit:
        out = out[: limit - 1] + "…"
    return out
