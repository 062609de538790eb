"""Suite-wide settings. Each area keeps its own fixtures in tests/<area>/conftest.py."""

from __future__ import annotations

import os

# Notebooks run headless in tests: no GUI backend, no stray config from the developer's home.
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
