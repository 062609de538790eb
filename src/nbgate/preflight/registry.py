"""The pluggable rule registry: a rule is a name, a default severity and a check function.

A rule yields ``Finding``s without a severity decision; the engine applies the configured
severity (``error``, ``warning`` or ``off``) so every rule is switchable the same way.
Adding a rule = one function decorated with ``@rule(...)`` in a module imported by
``nbgate.preflight.rules``, plus its field in ``spec.preflight.rules``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbgate.envs.requirements import Declarations
from nbgate.preflight.findings import Finding, Severity
from nbgate.preflight.source import NotebookSource

__all__ = ["RULES", "Context", "Rule", "rule"]


@dataclass
class Context:
    notebook: NotebookSource
    repo: Path
    parameters: Mapping[str, Any]
    _declarations: Declarations | None = field(default=None, repr=False)

    @property
    def declarations(self) -> Declarations:
        # Read lazily: only the imports rule needs them, and walking a repo costs.
        if self._declarations is None:
            from nbgate.envs.requirements import find_declarations

            self._declarations = find_declarations(self.repo)
        return self._declarations


Check = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    name: str
    default: Severity
    summary: str
    check: Check


RULES: dict[str, Rule] = {}


def rule(name: str, default: Severity, summary: str) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        RULES[name] = Rule(name, default, summary, check)
        return check

    return register
