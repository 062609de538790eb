"""Sanitizers: regex replace rules applied to both sides' text before it is compared.

Three sources, applied in this order: the rules of an nbval sanitize file (``regex:`` /
``replace:`` line pairs, exactly nbval's format, so nbval users keep their file), the spec's
``sanitizers`` rules, then the named presets. User rules come first because they are written
against the raw output, as nbval applies them.

Replacements are words in angle brackets without digits (``<timestamp>``): the number
comparison never sees a volatile value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from nbgate.compare.options import PRESETS, CompareOptions, SanitizerRule
from nbgate.errors import InputError

__all__ = ["PRESET_RULES", "Sanitizer", "parse_nbval_sanitize_file", "sanitizer_for"]

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*"
_TIME = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"
_UNIT = r"(?:ns|µs|μs|us|ms|s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?)"

# (regex, replacement, triggers): a rule runs only on texts holding one of its trigger substrings,
# a cheap test that spares most regex passes on the texts that need none.
Rule = tuple[str, str, tuple[str, ...]]

PRESET_RULES: dict[str, list[Rule]] = {
    "ansi": [
        (r"\x1b\[[0-9;?]*[ -/]*[@-~]", "", ("\x1b",)),
        (r"\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)", "", ("\x1b",)),
    ],
    "timestamps": [
        # ISO 8601 and friends: 2024-01-05T12:00:00.123+00:00, 2024-01-05 12:00:00
        (
            rf"\d{{4}}-\d{{2}}-\d{{2}}[T ]{_TIME}(?:Z|[+-]\d{{2}}:?\d{{2}}|\s?[A-Z]{{3,4}}\b)?",
            "<timestamp>",
            (":",),
        ),
        # ctime: Mon Jan  5 12:00:00 2024
        (rf"\b{_DAY},?\s+{_MONTH}\s+\d{{1,2}},?\s+{_TIME}(?:\s+\d{{4}})?", "<timestamp>", (":",)),
        # RFC 2822: Mon, 05 Jan 2024 12:00:00 GMT
        (
            rf"\b{_DAY},?\s+\d{{1,2}}\s+{_MONTH}\s+\d{{4}}\s+{_TIME}(?:\s+[A-Z]{{3}}|\s+[+-]\d{{4}})?",
            "<timestamp>",
            (":",),
        ),
        (r"\b\d{4}-\d{2}-\d{2}\b", "<date>", ("-",)),
        (r"\b\d{1,2}/\d{1,2}/\d{4}\b", "<date>", ("/",)),
        (rf"\b{_MONTH}\s+\d{{1,2}},\s+\d{{4}}\b", "<date>", (",",)),
        (rf"(?<![\d:]){_TIME}(?![\d:])", "<time>", (":",)),
    ],
    "durations": [
        # IPython %time / %timeit: "CPU times: user 1.2 ms, sys: 0 ns", "1.2 ms ± 3 µs per loop"
        (
            r"\d+(?:\.\d+)?\s?(?:ns|µs|μs|us|ms|s)\s±\s\d+(?:\.\d+)?\s?(?:ns|µs|μs|us|ms|s)",
            "<duration>",
            ("±",),
        ),
        (r"\(mean ± std\. dev\. of \d+ runs?, [\d,]+ loops? each\)", "(<timeit>)", ("±",)),
        (rf"(?<![\w.])\d+(?:\.\d+)?(?:e[-+]?\d+)?\s?{_UNIT}(?![\w])", "<duration>", ()),
        (
            r"(?<![\w.])\d+(?:\.\d+)?\s?(?:it/s|s/it|steps?/s|samples?/s|examples?/s)",
            "<rate>",
            ("/s", "s/"),
        ),
    ],
    "memory-addresses": [(r"\b0x[0-9a-fA-F]{6,16}\b", "<address>", ("0x",))],
    "uuids": [
        (
            r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b",
            "<uuid>",
            ("-",),
        ),
        (r"\b[0-9a-f]{32}\b", "<uuid>", ()),
    ],
    "temp-paths": [
        (r"(?:/private)?/var/folders/[^\s'\"<>]+", "<tmp>", ("/var/folders/",)),
        (r"/tmp/[^\s'\"<>]*", "<tmp>", ("/tmp/",)),  # noqa: S108 — a pattern matching temp paths
        (r"[A-Za-z]:\\Users\\[^\\]+\\AppData\\Local\\Temp\\[^\s'\"<>]*", "<tmp>", ("AppData",)),
        (r"\btmp[a-z0-9_]{6,}\b", "<tmp>", ("tmp",)),
    ],
    "matplotlib": [
        (r"<matplotlib\.[\w.]+(?: object)? at <address>>", "<matplotlib object>", ("<matplotlib",)),
        (r"<Figure size \d+(?:\.\d+)?x\d+(?:\.\d+)? with \d+ Axes>", "<Figure>", ("<Figure",)),
        (r"<(?:Axes|AxesSubplot|matplotlib\.axes\.[\w.]+):[^>\n]*>", "<Axes>", ("<Axes", "<matplotlib")),
    ],
    "progress-bars": [
        # tqdm: " 45%|████▌     | 45/100 [00:01<00:02, 30.00it/s]" (after \r handling, the last state)
        (r"\d{1,3}%\|[^|\n]*\|\s*[\d.]+[kMG]?/[\d.?]+[kMG]?\s*\[[^\]\n]*\]", "<progress>", ("%|",)),
        # keras: "32/32 [==============================] - 0s 2ms/step"
        (r"\[[=>.]{5,}\]", "[<bar>]", ("[=", "[>", "[.")),
        (r"\bETA: \S+", "ETA: <eta>", ("ETA",)),
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


class Sanitizer:
    """A compiled list of rules; ``apply`` is pure and cheap to call on short texts."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        compiled: list[tuple[re.Pattern[str], str, tuple[str, ...]]] = []
        for regex, replace, triggers in rules:
            try:
                compiled.append((re.compile(regex), replace, triggers))
            except re.error as exc:
                raise InputError(f"sanitizer regex {regex!r} is invalid: {exc}; fix the rule") from None
        self._rules = compiled

    def apply(self, text: str) -> str:
        for pattern, replace, triggers in self._rules:
            if triggers:
                for trigger in triggers:  # a plain loop: any() over a generator costs more here
                    if trigger in text:
                        break
                else:
                    continue
            text = pattern.sub(replace, text)
        return text

    def __len__(self) -> int:
        return len(self._rules)


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
        rules.extend((r.regex, r.replace, ()) for r in parse_nbval_sanitize_file(path))
    presets = list(options.presets)
    for item in options.sanitizers:
        if isinstance(item, SanitizerRule):
            rules.append((item.regex, item.replace, ()))
        elif item not in presets:
            presets.append(item)
    # Presets in a fixed order: ANSI codes first, memory addresses before the matplotlib reprs
    # that contain them.
    for name in PRESETS:
        if name in presets:
            rules.extend(PRESET_RULES[name])
    return Sanitizer(rules)
