"""The scraps (``scrapbook.glue``) of an executed notebook, as plain Python values."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbgate.errors import InputError

__all__ = ["read_scraps"]


def read_scraps(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(f"executed notebook {path} does not exist; pass the executed notebook to --scraps")
    import scrapbook

    try:
        book = scrapbook.read_notebook(str(path))
    except Exception as exc:
        raise InputError(f"cannot read scraps from {path}: {type(exc).__name__}: {exc}") from None
    return {name: scrap.data for name, scrap in book.scraps.items()}
