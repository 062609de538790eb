"""The built-in rules: importing this module registers them (see ``registry``)."""

from __future__ import annotations

from nbgate.preflight import imports, parameters, paths, pip_install  # noqa: F401 — registers the rules
from nbgate.preflight.registry import RULES

__all__ = ["RULES"]
