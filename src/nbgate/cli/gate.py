"""``nbgate gate``: the DAG's last step — exit with the worst verdict's code."""

from __future__ import annotations

import json
from pathlib import Path

import click

from nbgate.errors import InputError

__all__ = ["command"]


def _verdict_files(paths: tuple[Path, ...]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("verdict*.json")))
        elif path.is_file():
            files.append(path)
        else:
            raise InputError(f"verdict {path} does not exist: pass the files written by --verdict or their folder")
    return files


@click.command("gate")
@click.argument("verdicts", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--allow-empty", is_flag=True, help="Pass when no verdict file is found (default: error).")
def command(verdicts: tuple[Path, ...], allow_empty: bool) -> int:
    """Read verdict files (or a report.json) and exit 0/1/2/3 with the worst one."""
    from nbgate.outcomes import Verdict, exit_code_for

    files = _verdict_files(verdicts)
    if not files and not allow_empty:
        raise InputError("no verdict files found: the steps write them with --verdict FILE")
    found: list[Verdict] = []
    for path in files:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            verdict = Verdict(data["verdict"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"verdict file {path} is not a verdict ({exc}): expected {{\"verdict\": ...}}") from None
        found.append(verdict)
        if verdict is not Verdict.PASSED:
            click.echo(f"nbgate gate: {path}: {verdict.value}: {data.get('message', '')}", err=True)
    code = exit_code_for(found)
    click.echo(f"nbgate gate: {len(found)} verdict(s), exit {int(code)}", err=True)
    return int(code)
