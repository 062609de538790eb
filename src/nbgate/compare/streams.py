"""Streams as a reader saw them: merged per name, ``\\r`` and ``\\b`` applied.

A kernel splits one ``print`` loop into any number of ``stream`` outputs depending on timing,
and progress bars rewrite their line with ``\\r``: neither may make two runs differ.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["merge_streams", "render_terminal"]

_BACKSPACE = re.compile(r"[^\n]\x08")
# Everything on a line up to the last \r that is not followed by a newline (as nbval does).
_CARRIAGE = re.compile(r"^.*\r(?=[^\n])", re.MULTILINE)


def render_terminal(text: str) -> str:
    """What a terminal shows: backspaces erase, a bare ``\\r`` restarts the line."""
    if "\x08" in text:
        previous = None
        while previous != text:
            previous = text
            text = _BACKSPACE.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n")
        text = _CARRIAGE.sub("", text)
        text = text.replace("\r", "")
    return text


def merge_streams(outputs: list[dict[str, Any]]) -> dict[str, str]:
    """``{stream name: rendered text}`` for the stream outputs of one cell, in order."""
    merged: dict[str, list[str]] = {}
    for out in outputs:
        if out.get("output_type") == "stream":
            text = out.get("text", "")
            merged.setdefault(str(out.get("name", "stdout")), []).append(
                "".join(text) if isinstance(text, list) else str(text)
            )
    return {name: render_terminal("".join(parts)) for name, parts in merged.items()}
