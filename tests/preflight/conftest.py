"""Fixtures for the pre-flight area (helpers live in preflight_support.py: unique module name)."""

from __future__ import annotations

from preflight_support import kernel_wheelhouse

__all__ = ["kernel_wheelhouse"]
