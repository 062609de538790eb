"""Small text helpers shared by reports and logs: ANSI stripping, bounded excerpts."""

from __future__ import annotations

import re

__all__ = ["excerpt", "strip_ansi"]

# CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks, titles).
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
# XML 1.0 forbids most control characters; JUnit consumers choke on them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def strip_ansi(text: str) -> str:
    return _CONTROL.sub("", _ANSI.sub("", text))


def excerpt(text: str, limit: int = 2000) -> str:
    """At most ``limit`` characters, with a note saying how much was cut."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n… [{len(text) - limit} more characters truncated]"
