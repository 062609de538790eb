"""Parse and format Go-style durations without importing pydantic (CLI start-up counts)."""

from __future__ import annotations

import re

__all__ = ["GO_DURATION", "format_duration", "parse_duration"]

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
GO_DURATION = r"^((\d+(\.\d+)?)(ms|s|m|h|d))+$"


def parse_duration(value: object) -> float:
    """Seconds from a number or a Go-style duration string; a clear error otherwise."""
    if isinstance(value, bool):
        raise ValueError(f"expected a duration like 90, '90s' or '10m', got {value!r}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    elif isinstance(value, str):
        text = value.strip()
        try:
            seconds = float(text)
        except ValueError:
            if not re.fullmatch(GO_DURATION, text):
                raise ValueError(
                    f"expected a duration like 90, '90s', '10m' or '1h30m', got {value!r}"
                ) from None
            seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(text))
    else:
        raise ValueError(f"expected a duration like 90, '90s' or '10m', got {value!r}")
    if seconds <= 0:
        raise ValueError(f"a duration must be positive, got {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """The shortest Go-style string for whole seconds (``3600`` → ``1h``); used in manifests."""
    whole = round(seconds)
    if abs(seconds - whole) > 1e-9:
        return f"{seconds}s"
    parts = []
    for unit, size in (("h", 3600), ("m", 60), ("s", 1)):
        if whole >= size:
            parts.append(f"{whole // size}{unit}")
            whole %= size
    return "".join(parts) or "0s"
