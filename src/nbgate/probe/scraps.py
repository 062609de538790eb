"""The scraps (``scrapbook.glue``) of an executed notebook, as plain Python values.

Read from the notebook's outputs by the compare engine's reader: no scrapbook import, so the
probe image needs neither scrapbook nor its pyarrow.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nbgate.errors import InputError

__all__ = ["read_scraps"]


def read_scraps(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise InputError(f"executed notebook {path} does not exist; pass the executed notebook to --scraps")
    from nbgate.compare import scraps as reader

    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = nb["cells"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"cannot read scraps from {path}: {type(exc).__name__}: {exc}") from None
    return {name: reader.decoded_value(scrap) for name, scrap in reader.read_scraps(cells).items()}
