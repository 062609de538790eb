"""Suite-wide settings. Each area keeps its own fixtures in tests/<area>/conftest.py."""

from __future__ import annotations

import os

# No stray debugger warnings from kernels started by the tests.
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
