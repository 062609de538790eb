"""Pre-flight: static checks of a notebook before any kernel runs (see ``engine``)."""

from __future__ import annotations

from nbgate.preflight.engine import has_errors, preflight_notebook, severities, summarize
from nbgate.preflight.findings import Finding, format_finding

__all__ = ["Finding", "format_finding", "has_errors", "preflight_notebook", "severities", "summarize"]
