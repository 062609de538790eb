"""Run the pre-flight rules over a notebook: fast, static, no kernel."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from nbgate.errors import InputError
from nbgate.preflight.findings import Finding, Severity
from nbgate.preflight.registry import Context
from nbgate.preflight.rules import RULES
from nbgate.preflight.source import load_notebook

__all__ = ["has_errors", "parse_rule_option", "preflight_notebook", "severities", "summarize"]

_SEVERITIES = ("error", "warning", "off")


def severities(overrides: Mapping[str, str] | None = None) -> dict[str, Severity]:
    """Each rule's severity: its default, overridden by ``overrides`` (unknown names refused)."""
    chosen: dict[str, Severity] = {name: r.default for name, r in RULES.items()}
    for name, value in (overrides or {}).items():
        if name not in RULES:
            known = ", ".join(sorted(RULES))
            raise InputError(f"unknown pre-flight rule {name!r}: use one of {known}")
        if value not in _SEVERITIES:
            raise InputError(f"pre-flight rule {name}: severity {value!r} must be error, warning or off")
        chosen[name] = value  # type: ignore[assignment]
    return chosen


def parse_rule_option(text: str) -> tuple[str, str]:
    """``absolutePaths=warning`` → ``("absolutePaths", "warning")``."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or value.strip() not in _SEVERITIES:
        raise InputError(f"--rule {text!r} must look like NAME=error|warning|off (e.g. pipInstall=error)")
    return name.strip(), value.strip()


def preflight_notebook(
    notebook: Path,
    *,
    repo: Path | None = None,
    parameters: Mapping[str, Any] | None = None,
    rules: Mapping[str, str] | None = None,
    label: str | None = None,
) -> list[Finding]:
    """Every finding for ``notebook``, with severities applied (``off`` rules are not run).

    ``repo`` is where requirements and local modules are looked for (default: the
    notebook's folder); ``label`` is the name findings carry (default: the path).
    """
    chosen = severities(rules)
    source = load_notebook(notebook)
    ctx = Context(notebook=source, repo=(repo or notebook.parent).resolve(), parameters=parameters or {})
    findings: list[Finding] = []
    for name, rule in RULES.items():
        severity = chosen[name]
        if severity == "off":
            continue
        for finding in rule.check(ctx):
            findings.append(
                Finding(
                    rule=finding.rule,
                    message=finding.message,
                    severity=severity,
                    cell=finding.cell,
                    line=finding.line,
                    notebook=label or str(notebook),
                )
            )
    findings.sort(key=lambda f: (f.cell if f.cell is not None else -1, f.line or 0, f.rule))
    return findings


def has_errors(findings: list[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def summarize(findings: list[Finding]) -> str:
    """One line for the notebook's message: the first error, and how many more."""
    errors = [f for f in findings if f.severity == "error"]
    if not errors:
        return "pre-flight passed"
    first = errors[0]
    where = f"cell {first.cell}, line {first.line}: " if first.cell is not None else ""
    more = f" (+{len(errors) - 1} more pre-flight error(s))" if len(errors) > 1 else ""
    return f"pre-flight: {where}{first.message}{more}"
