"""Sanitizer rules: regex replace rules with cheap tests that spare most regex passes.

A text is sanitized by every rule in order. Most rules match nothing in most texts, and a regex
pass costs a step of the regex engine at every position of the text (more where digits are,
which most patterns start with), so each rule may say, in ways tested at C speed, where a match
can be: substrings it needs (``triggers``, ``needs``), a literal at a fixed place in every match
(``anchor``), a shape of the text (``probe``). The tests only skip texts or positions where the
rule cannot match: the result is always the rule applied with ``re.sub``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from nbgate.errors import InputError

__all__ = ["Probe", "Rule", "Sanitizer"]


@dataclass(frozen=True)
class Probe:
    """A necessary condition for a rule to match, checked at C speed on ASCII text.

    The text is mapped character by character: each character listed in ``classes`` becomes
    its class letter (the key), every other ASCII character ``.``, and the ``drop`` characters
    are removed; a text whose map holds none of ``needles`` cannot match. For rules that may
    match anywhere a digit stands, where the regex engine would try (and backtrack at) every
    digit of every number in the text. The mapping runs on the text's ASCII bytes
    (``bytes.translate``: a table lookup per byte).
    """

    classes: dict[str, str]  # class letter -> the characters of that class
    needles: tuple[str, ...]
    drop: str = ""

    def table(self) -> bytes:
        table = bytearray(b"." * 256)
        for letter, chars in self.classes.items():
            for c in chars:
                table[ord(c)] = ord(letter)
        return bytes(table)


@dataclass(frozen=True)
class Rule:
    """A regex replace rule with optional cheap tests that spare most regex passes.

    * ``triggers``: the rule runs only on texts holding one of these substrings;
    * ``needs``: and only on texts holding this character, which every match contains: one
      ``memchr``, tested first, that spares most texts the scans for longer triggers;
    * ``anchor``: ``(literal, offset)`` when every match holds ``literal`` exactly ``offset``
      characters after its start: matches are then tried only there (``str.find`` speed)
      instead of at every position, with the same result as ``re.sub``;
    * ``probe``: see :class:`Probe`.
    """

    regex: str
    replace: str
    triggers: tuple[str, ...] = ()
    needs: str = ""
    anchor: tuple[str, int] | None = None
    probe: Probe | None = None


_Compiled = tuple[
    re.Pattern[str],
    str,
    tuple[str, ...],
    str,
    "tuple[str, int] | None",
    "bytes | None",
    bytes,
    tuple[bytes, ...],
]


class Sanitizer:
    """A compiled list of rules; ``apply`` is pure and cheap to call on short texts."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        compiled: list[_Compiled] = []
        for rule in rules:
            try:
                pattern = re.compile(rule.regex)
            except re.error as exc:
                raise InputError(f"sanitizer regex {rule.regex!r} is invalid: {exc}; fix the rule") from None
            probe = rule.probe
            compiled.append(
                (
                    pattern,
                    rule.replace,
                    rule.triggers,
                    rule.needs,
                    rule.anchor,
                    probe.table() if probe else None,
                    probe.drop.encode("ascii") if probe else b"",
                    tuple(n.encode("ascii") for n in probe.needles) if probe else (),
                )
            )
        self._rules = compiled

    def apply(self, text: str) -> str:
        encoded: bytes | None = None  # the text's ASCII bytes for the probes, once needed
        for pattern, replace, triggers, needs, anchor, table, drop, needles in self._rules:
            if needs and needs not in text:
                continue
            if triggers:
                for trigger in triggers:  # a plain loop: any() over a generator costs more here
                    if trigger in text:
                        break
                else:
                    continue
            if table is not None and text.isascii():
                if encoded is None:
                    encoded = text.encode("ascii")
                mapped = encoded.translate(table, drop)
                for needle in needles:
                    if needle in mapped:
                        break
                else:
                    continue
            text = _anchored_sub(pattern, replace, text, anchor) if anchor else pattern.sub(replace, text)
            encoded = None
        return text

    def __len__(self) -> int:
        return len(self._rules)


def _anchored_sub(pattern: re.Pattern[str], replace: str, text: str, anchor: tuple[str, int]) -> str:
    """``pattern.sub(replace, text)`` for a pattern whose every match holds ``literal`` exactly
    ``offset`` characters after its start.

    ``re.sub`` takes the leftmost match at or after the end of the previous one. The places where
    the literal stands are the only possible starts, so trying them in increasing order, skipping
    those before the previous match's end, finds the same matches (``match(text, pos)`` sees the
    characters before ``pos``, as a search does).
    """
    literal, offset = anchor
    parts: list[str] = []
    end = 0  # end of the previous match
    found = text.find(literal, offset)
    while found >= 0:
        start = found - offset
        m = pattern.match(text, start) if start >= end else None
        if m is None:
            found = text.find(literal, found + 1)
            continue
        parts.append(text[end:start])
        # m.expand parses the template on every call: only when there is an escape to expand.
        parts.append(m.expand(replace) if "\\" in replace else replace)
        end = m.end()
        found = text.find(literal, max(found + 1, end + offset))
    if not parts:
        return text
    parts.append(text[end:])
    return "".join(parts)
