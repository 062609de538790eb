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
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import compress
from operator import ne

__all__ = [
    "NumberDiff",
    "TextComparison",
    "Tolerance",
    "compare_text",
    "excerpt",
    "first_difference",
    "split_numbers",
    "text_equal",
    "texts_close",
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
    return _MARK.join(parts[0::4]), _literals(parts)


def _literals(parts: list[str]) -> list[str]:
    """The numbers' literal texts from ``_NUMBER.split``'s parts."""
    return [
        g1 + (g2 + "j" if g2 else "") + (g3 or "")
        for g1, g2, g3 in zip(parts[1::4], parts[2::4], parts[3::4], strict=False)
    ]


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


def _numbers_close(ta: str, te: str, tol: Tolerance) -> bool:
    """Whether one pair of number literals passes, as :func:`compare_text` decides it (through
    :func:`_fast_close` and :func:`_close`), without computing the error figures."""
    if ta == te:
        return True
    if "j" in ta or "j" in te:
        return _close(_parse(ta), _parse(te), tol)[0]
    if tol.exact_integers and ta.lstrip("+-").isdigit() and te.lstrip("+-").isdigit():
        return int(ta) == int(te)  # two integer literals: _close wants equal values
    b = float(te)
    diff = abs(float(ta) - b)
    if diff < math.inf:  # finite (nan compares false): neither side is nan or infinite
        return diff <= tol.atol + tol.rtol * abs(b)
    return _close(_parse(ta), _parse(te), tol)[0]


# A word that is one plain decimal literal and nothing else: the number pattern splits it into
# exactly that number with nothing around it, so two such words compare without the pattern.
_PLAIN = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)")


def texts_close(actual: str, expected: str, tolerance: Tolerance, *, normalize: bool = True) -> bool | None:
    """``compare_text(actual, expected, tolerance, normalize=normalize).equal`` where it can be
    decided on the parts that differ, ``None`` where only the whole-text comparison can tell.

    Exact because of *cut characters* (line break, space, ``>``, ``<``): no number contains
    one, and the number pattern's context checks (not after a word character or dot, not before
    one) treat one like the edge of the string. So a text cut at one is its pieces' skeletons
    joined by it, and its numbers are its pieces' numbers in order: for two texts cut at the
    same character, a different piece count means different skeletons, identical pieces add
    identical skeleton parts and identical numbers (which compare_text skips), and the
    differing pieces decide the rest. Texts are cut into lines, words, then HTML tags, and only
    the differing pieces are looked at; a piece that is one plain decimal on both sides is that
    number alone, so only the other pieces are split into numbers by the regex (the costly
    step). A log whose lines differ in one float, or a table whose rows differ in a few cells,
    costs those numbers, not the whole text.

    Whitespace normalization can join pieces, so with ``normalize`` a skeleton that differs is
    left to the whole-text comparison (``None``).
    """
    if actual == expected:
        return True
    if _MARK in actual or _MARK in expected:
        # The marker in the text itself: equal skeletons no longer imply that each piece pairs
        # its own numbers; the whole-text comparison decides.
        return None
    lines_a, lines_e = actual.split("\n"), expected.split("\n")
    if len(lines_a) != len(lines_e):
        return None if normalize else False
    # The differing lines joined again by line breaks (one cut, the same pieces), cut at spaces.
    differ = list(map(ne, lines_a, lines_e))  # map, compress: no Python step per line or word
    words_a = "\n".join(compress(lines_a, differ)).split(" ")
    words_e = "\n".join(compress(lines_e, differ)).split(" ")
    if len(words_a) != len(words_e):
        return None if normalize else False
    differ = list(map(ne, words_a, words_e))
    close = _words_close(list(compress(words_a, differ)), list(compress(words_e, differ)), tolerance)
    return None if close is None and normalize else bool(close)


def _words_close(words_a: list[str], words_e: list[str], tol: Tolerance) -> bool | None:
    """``None`` if the words' skeletons differ, else whether every pair of numbers passes.

    A word is cut at ``>``, a piece at its first ``<`` (an HTML cell's ``1.5</td``): plain
    decimals on both sides, before the same rest, pair directly. The other pieces are split
    together (joined by a space, a cut character), working on the split's parts directly:
    skeleton pieces at 0, 4, 8…, each number's three groups after them; list comparisons in C
    rather than a skeleton string and literals built in Python for every number. Numbers are
    judged once every skeleton is known to match, so each pair is one the whole text pairs.
    """
    plain = _PLAIN.fullmatch
    if all(map(plain, words_a)) and all(map(plain, words_e)):
        return _plain_pairs_close(words_a, words_e, tol)  # words that are numbers (a log's floats)
    pairs: list[tuple[str, str]] = []
    other_a: list[str] = []
    other_e: list[str] = []
    for word_a, word_e in zip(words_a, words_e, strict=True):
        if plain(word_a) and plain(word_e):
            pairs.append((word_a, word_e))
            continue
        cells_a, cells_e = word_a.split(">"), word_e.split(">")
        if len(cells_a) != len(cells_e):  # different skeletons: the split below tells
            other_a.append(word_a)
            other_e.append(word_e)
            continue
        differ = list(map(ne, cells_a, cells_e))
        for a, e in zip(compress(cells_a, differ), compress(cells_e, differ), strict=True):
            head_a, cut_a, tail_a = a.partition("<")
            head_e, cut_e, tail_e = e.partition("<")
            if cut_a == cut_e and tail_a == tail_e and plain(head_a) and plain(head_e):
                pairs.append((head_a, head_e))
            else:
                other_a.append(a)
                other_e.append(e)
    if other_a:
        pa, pe = _NUMBER.split(" ".join(other_a)), _NUMBER.split(" ".join(other_e))
        if len(pa) != len(pe) or pa[0::4] != pe[0::4]:
            return None
        if any(pa[2::4]) or any(pa[3::4]) or any(pe[2::4]) or any(pe[3::4]):
            pairs.extend(zip(_literals(pa), _literals(pe), strict=True))  # complex: full literals
        else:
            pairs.extend(zip(pa[1::4], pe[1::4], strict=True))  # real: the first group is all
    return _pairs_close(pairs, tol)


def _plain_pairs_close(words_a: list[str], words_e: list[str], tol: Tolerance) -> bool:
    """:func:`_pairs_close` for plain decimal literals (no ``j``, no ``nan``): the checks of
    :func:`_numbers_close` they can need, inlined (the hot loop of a log full of floats)."""
    atol, rtol, exact = tol.atol, tol.rtol, tol.exact_integers
    for ta, te in zip(words_a, words_e, strict=True):
        if ta == te:
            continue
        if exact and ta.lstrip("+-").isdigit() and te.lstrip("+-").isdigit():
            if int(ta) != int(te):
                return False
            continue
        b = float(te)
        diff = abs(float(ta) - b)
        if diff < math.inf:
            if not diff <= atol + rtol * abs(b):
                return False
        elif not _close(_parse(ta), _parse(te), tol)[0]:  # digits beyond the float range
            return False
    return True


def _pairs_close(pairs: Iterable[tuple[str, str]], tol: Tolerance) -> bool:
    """Whether every pair of number literals (actual, golden) passes."""
    for ta, te in pairs:  # noqa: SIM110 — a plain loop: all() over a generator costs more
        if ta != te and not _numbers_close(ta, te, tol):
            return False
    return True


def text_equal(actual: str, expected: str, tolerance: Tolerance, *, normalize: bool = True) -> bool:
    """``compare_text(...).equal``: piece by piece where that decides it, else the whole text."""
    close = texts_close(actual, expected, tolerance, normalize=normalize)
    if close is not None:
        return close
    return compare_text(actual, expected, tolerance, 1, normalize=normalize).equal


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
