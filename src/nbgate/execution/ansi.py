"""Remove terminal escape codes from tracebacks: reports and JUnit want plain text."""

from __future__ import annotations

import re

__all__ = ["strip_ansi"]

# CSI sequences (colours, cursor moves), OSC sequences (hyperlinks, titles) and the
# two-byte escapes IPython's ultratb emits.
_ANSI = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI ... final byte
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)  # OSC ... BEL or ST
    | \x1b[@-Z\\-_]                     # two-byte escapes
    """,
    re.VERBOSE,
)


def strip_ansi(text: str) -> str:
    return _ANSI.sub("", text)
