"""Import papermill without its optional cloud back-ends.

``papermill.iorw`` probes pyarrow (HDFS), gcsfs, boto3, azure and PyGithub at import time
to register IO handlers. nbgate reads and writes notebooks on local paths itself and never
uses those handlers, yet pyarrow alone (pulled in by scrapbook) costs ~0.5 s of CPU on
every execution's start-up. Hiding the back-ends while papermill is imported makes papermill
register them as unavailable, exactly as on a machine where they are not installed. The
kernel is a separate process and is not affected.
"""

from __future__ import annotations

import sys
import threading

__all__ = ["import_papermill"]

_OPTIONAL_BACKENDS = (
    "pyarrow",
    "pyarrow.fs",
    "gcsfs",
    "gcsfs.retry",
    "gcsfs.utils",
    "github",
    "boto3",
    "botocore",
    "azure",
    "azure.datalake",
    "azure.datalake.store",
    "azure.storage",
    "azure.storage.blob",
    "azure.identity",
)
_lock = threading.Lock()


def import_papermill() -> None:
    """Import papermill once, lean; a no-op when it is already imported."""
    if "papermill.iorw" in sys.modules:
        return
    with _lock:
        if "papermill.iorw" in sys.modules:
            return
        hidden = [name for name in _OPTIONAL_BACKENDS if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]  # makes `import name` raise ImportError
        try:
            import papermill.iorw  # noqa: F401
        finally:
            for name in hidden:
                if name in sys.modules and sys.modules[name] is None:
                    del sys.modules[name]
