"""scrapbook scraps, read from the notebook's outputs (scrapbook's own format), never executed.

``scrapbook.glue(name, value)`` writes a ``display_data`` output whose data holds
``application/scrapbook.scrap.<encoder>+json: {name, data, encoder, version}``. Pinning a
notebook's key results as scraps is the robust way to golden-compare them: values are compared
by name and type with per-scrap tolerance, whatever the notebook prints around them.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

__all__ = ["SCRAP_PREFIX", "Scrap", "decoded_value", "is_scrap_output", "read_scraps"]

SCRAP_PREFIX = "application/scrapbook.scrap."


@dataclass(frozen=True)
class Scrap:
    name: str
    encoder: str
    data: Any
    cell: int  # index of the cell that glued it


def is_scrap_output(output: dict[str, Any]) -> bool:
    if "scrapbook" in (output.get("metadata") or {}):
        return True
    return any(str(k).startswith(SCRAP_PREFIX) for k in (output.get("data") or {}))


def read_scraps(cells: list[dict[str, Any]]) -> dict[str, Scrap]:
    """Scraps by name; a name glued twice keeps its last value, as scrapbook reads it."""
    scraps: dict[str, Scrap] = {}
    for index, cell in enumerate(cells):
        for output in cell.get("outputs") or []:
            for mime, payload in (output.get("data") or {}).items():
                if not str(mime).startswith(SCRAP_PREFIX) or not isinstance(payload, dict):
                    continue
                name = payload.get("name")
                if not isinstance(name, str):
                    continue
                encoder = str(payload.get("encoder") or mime[len(SCRAP_PREFIX) :].split("+")[0])
                scraps[name] = Scrap(name, encoder, payload.get("data"), index)
    return scraps


def decoded_value(scrap: Scrap) -> Any:
    """A JSON-like value to compare: DataFrames (``pandas`` encoder, parquet) become
    ``{"columns", "index", "data"}``; other encoders are already JSON-like."""
    if scrap.encoder != "pandas" or not isinstance(scrap.data, str):
        return scrap.data
    try:
        import pandas as pd
    except ImportError:
        from nbgate.errors import InputError

        raise InputError(
            f"scrap {scrap.name!r} is a pandas DataFrame: install nbgate[dataframes] to compare it"
        ) from None

    frame = pd.read_parquet(io.BytesIO(base64.b64decode(scrap.data)))
    split = frame.to_dict(orient="split")
    return {
        "columns": [str(c) for c in split["columns"]],
        "index": [str(i) for i in split["index"]],
        "data": split["data"],
    }
