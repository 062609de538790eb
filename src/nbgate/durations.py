"""Durations as Kubernetes people write them: ``90``, ``"90s"``, ``"10m"``, ``"1h30m"``."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema

from nbgate.duration_text import GO_DURATION as _GO_DURATION
from nbgate.duration_text import format_duration, parse_duration

__all__ = ["Duration", "format_duration", "parse_duration"]

Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0},
                {"type": "string", "pattern": _GO_DURATION},
            ],
            "description": "Seconds, or a Go duration such as '90s', '10m', '1h30m'.",
        }
    ),
]
