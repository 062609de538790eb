"""Fixtures of the image tests (helpers in images_support.py; basenames must be unique)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from images_support import images  # noqa: F401 — the session fixture
