"""Sanitizers: regex replace rules applied to both sides' text before it is compared.

Three sources, applied in this order: the rules of an nbval sanitize file (``regex:`` /
``replace:`` line pairs, exactly nbval's format, so nbval users keep their file), the spec's
``sanitizers`` rules, then the named presets. User rules come first because they are written
against the raw output, as nbval applies them.

Replacements are words in angle brackets without digits (``<timestamp>``): the number
comparison never sees a volatile value. Each preset rule carries cheap tests that spare its
regex pass on the texts it cannot match (:mod:`nbgate.compare.rules`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from nbgate.compare.options import PRESETS, CompareOptions, SanitizerRule
from nbgate.compare.rules import Probe, Rule, Sanitizer
from nbgate.errors import InputError

__all__ = ["PRESET_RULES", "Probe", "Rule", "Sanitizer", "parse_nbval_sanitize_file", "sanitizer_for"]

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*"
_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
_UNIT = r"(?:ns|µs|μs|us|ms|s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?)"


_DIGIT = "0123456789"
# What the regex engine's \s matches among ASCII characters.
_ASCII_SPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

PRESET_RULES: dict[str, list[Rule]] = {
    "ansi": [
        Rule(r"\x1b\[[0-9;?]*[ -/]*[@-~]", "", ("\x1b",)),
        Rule(r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)", "", ("\x1b",)),
    ],
    "timestamps": [
        # ISO 8601 and friends: 2024-01-05T12:00:00.123+00:00, 2024-01-05 12:00:00
        Rule(
            rf"\d{{4}}-\d{{2}}-\d{{2}}[T ]{_TIME}(?:Z|[+-]\d{{2}}:?\d{{2}}|\s?[A-Z]{{3,4}}\b)?",
            "<timestamp>",
            (":",),
            anchor=("-", 4),
        ),
        # ctime: Mon Jan  5 12:00:00 2024 (a time's colon, and it starts with a day name)
        Rule(
            rf"\b{_DAY},?\s+{_MONTH}\s+\d{{1,2}},?\s+{_TIME}(?:\s+\d{{4}})?",
            "<timestamp>",
            _DAYS,
            needs=":",
        ),
        # RFC 2822: Mon, 05 Jan 2024 12:00:00 GMT
        Rule(
            rf"\b{_DAY},?\s+\d{{1,2}}\s+{_MONTH}\s+\d{{4}}\s+{_TIME}(?:\s+[A-Z]{{3}}|\s+[+-]\d{{4}})?",
            "<timestamp>",
            _DAYS,
            needs=":",
        ),
        Rule(r"\b\d{4}-\d{2}-\d{2}\b", "<date>", ("-",), anchor=("-", 4)),
        Rule(r"\b\d{1,2}/\d{1,2}/\d{4}\b", "<date>", ("/",)),
        Rule(rf"\b{_MONTH}\s+\d{{1,2}},\s+\d{{4}}\b", "<date>", _MONTHS, needs=","),
        # A time holds a digit, a colon and two digits.
        Rule(
            rf"(?<![\d:]){_TIME}(?![\d:])",
            "<time>",
            (":",),
            probe=Probe({"0": _DIGIT, ":": ":"}, ("0:00",)),
        ),
    ],
    "durations": [
        # IPython %time / %timeit: "CPU times: user 1.2 ms, sys: 0 ns", "1.2 ms ± 3 µs per loop"
        Rule(
            r"\d+(?:\.\d+)?\s?(?:ns|µs|μs|us|ms|s)\s±\s\d+(?:\.\d+)?\s?(?:ns|µs|μs|us|ms|s)",
            "<duration>",
            ("±",),
        ),
        Rule(r"\(mean ± std\. dev\. of \d+ runs?, [\d,]+ loops? each\)", "(<timeit>)", ("±",)),
        # A digit, at most one space, then a unit: every unit starts with n, µ, μ, u, m, s or h
        # (µ and μ are not ASCII: a text holding them skips the probe). Spaces dropped, one
        # needle is one search (two spaces then pass too: the probe only has to let through
        # every text that can match).
        Rule(
            rf"(?<![\w.])\d+(?:\.\d+)?(?:e[-+]?\d+)?\s?{_UNIT}(?![\w])",
            "<duration>",
            probe=Probe({"0": _DIGIT, "u": "nmush"}, ("0u",), drop=_ASCII_SPACE),
        ),
        Rule(
            r"(?<![\w.])\d+(?:\.\d+)?\s?(?:it/s|s/it|steps?/s|samples?/s|examples?/s)",
            "<rate>",
            ("/s", "s/"),
            needs="/",
        ),
    ],
    "memory-addresses": [
        Rule(r"\b0x[0-9a-fA-F]{6,16}\b", "<address>", ("0x",), needs="x", anchor=("0x", 0)),
    ],
    "uuids": [
        Rule(
            r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b",
            "<uuid>",
            ("-",),
            anchor=("-", 8),
        ),
        # 32 hex digits in a row.
        Rule(r"\b[0-9a-f]{32}\b", "<uuid>", probe=Probe({"x": "0123456789abcdef"}, ("x" * 32,))),
    ],
    "temp-paths": [
        Rule(r"(?:/private)?/var/folders/[^\s'\"<>]+", "<tmp>", ("/var/folders/",), needs="/"),
        Rule(r"/tmp/[^\s'\"<>]*", "<tmp>", ("/tmp/",), needs="/"),  # noqa: S108 — matches temp paths
        Rule(
            r"[A-Za-z]:\\Users\\[^\\]+\\AppData\\Local\\Temp\\[^\s'\"<>]*",
            "<tmp>",
            ("AppData",),
            needs="\\",
        ),
        Rule(r"\btmp[a-z0-9_]{6,}\b", "<tmp>", ("tmp",)),
    ],
    "matplotlib": [
        Rule(r"<matplotlib\.[\w.]+(?: object)? at <address>>", "<matplotlib object>", ("<matplotlib",)),
        Rule(r"<Figure size \d+(?:\.\d+)?x\d+(?:\.\d+)? with \d+ Axes>", "<Figure>", ("<Figure",)),
        Rule(
            r"<(?:Axes|AxesSubplot|matplotlib\.axes\.[\w.]+):[^>\n]*>",
            "<Axes>",
            ("<Axes", "<matplotlib"),
            needs=":",
        ),
    ],
    "progress-bars": [
        # tqdm: " 45%|████▌     | 45/100 [00:01<00:02, 30.00it/s]" (after \r handling, the last state)
        Rule(
            r"\d{1,3}%\|[^|\n]*\|\s*[\d.]+[kMG]?/[\d.?]+[kMG]?\s*\[[^\]\n]*\]",
            "<progress>",
            ("%|",),
            needs="%",
        ),
        # keras: "32/32 [==============================] - 0s 2ms/step"
        Rule(r"\[[=>.]{5,}\]", "[<bar>]", ("[=", "[>", "[."), needs="["),
        Rule(r"\bETA: \S+", "ETA: <eta>", ("ETA",), needs=":"),
    ],
}


def parse_nbval_sanitize_file(path: Path) -> list[SanitizerRule]:
    """Rules from an nbval sanitize file: a ``regex: …`` line followed by a ``replace: …`` line.

    The same pattern nbval uses (``^regex: (.*)$\\n^replace: (.*)$``), so the file means the same.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read sanitize file {path}: {exc.strerror or exc}") from None
    pairs = re.findall(r"^regex: (.*)$\n^replace: (.*)$", text, flags=re.MULTILINE)
    if not pairs and text.strip():
        raise InputError(
            f"sanitize file {path} holds no rules: write 'regex: PATTERN' and 'replace: TEXT' line pairs"
        )
    return [SanitizerRule(regex=r, replace=s) for r, s in pairs]


def sanitizer_for(options: CompareOptions, base_dir: Path | None = None) -> Sanitizer:
    """The sanitizer for a set of options (cached: options repeat for every cell)."""
    key = options.model_dump_json(include={"presets", "sanitizers", "sanitize_file"})
    return _cached(key, str(base_dir) if base_dir else "")


@lru_cache(maxsize=64)
def _cached(key: str, base_dir: str) -> Sanitizer:
    options = CompareOptions.model_validate_json(key)
    rules: list[Rule] = []
    if options.sanitize_file:
        path = Path(options.sanitize_file)
        if not path.is_absolute() and base_dir:
            path = Path(base_dir) / path
        rules.extend(Rule(r.regex, r.replace) for r in parse_nbval_sanitize_file(path))
    presets = list(options.presets)
    for item in options.sanitizers:
        if isinstance(item, SanitizerRule):
            rules.append(Rule(item.regex, item.replace))
        elif item not in presets:
            presets.append(item)
    # Presets in a fixed order: ANSI codes first, memory addresses before the matplotlib reprs
    # that contain them.
    for name in PRESETS:
        if name in presets:
            rules.extend(PRESET_RULES[name])
    return Sanitizer(rules)
