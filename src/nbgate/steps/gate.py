"""The ``gate`` step: the DAG's last word — the worst verdict among the verdict files."""

from __future__ import annotations

import json
from pathlib import Path

from nbgate.errors import ExitCode, InputError
from nbgate.outcomes import Verdict, exit_code_for

__all__ = ["decide", "gate", "read_verdicts"]


def read_verdicts(paths: list[Path]) -> list[tuple[Path, Verdict, str]]:
    """Verdict files (or folders holding ``verdict*.json``) → (file, verdict, message)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("verdict*.json")))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(
                f"verdict {path} does not exist: pass the files written by --verdict or their folder"
            )
    found: list[tuple[Path, Verdict, str]] = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            verdict = Verdict(data["verdict"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f'verdict file {path} is not a verdict ({exc}): expected {{"verdict": ...}}'
            ) from None
        found.append((path, verdict, str(data.get("message", ""))))
    return found


def decide(found: list[tuple[Path, Verdict, str]], *, allow_empty: bool = False) -> ExitCode:
    """The worst verdict's exit code: 0 passed, 1 failed, 2 error, 3 transient."""
    if not found and not allow_empty:
        raise InputError("no verdict files found: the steps write them with --verdict FILE")
    return exit_code_for([verdict for _, verdict, _ in found])


def gate(paths: list[Path], *, allow_empty: bool = False) -> ExitCode:
    """Exit code of the run from its verdict files (or folders of them)."""
    return decide(read_verdicts(paths), allow_empty=allow_empty)
