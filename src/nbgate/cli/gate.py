"""``nbgate gate``: the DAG's last step — exit with the worst verdict's code."""

from __future__ import annotations

from pathlib import Path

import click

__all__ = ["command"]


@click.command("gate")
@click.argument("verdicts", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--allow-empty", is_flag=True, help="Pass when no verdict file is found (default: error).")
def command(verdicts: tuple[Path, ...], allow_empty: bool) -> int:
    """Read verdict files (or a folder of them) and exit 0/1/2/3 with the worst one."""
    from nbgate.outcomes import Verdict
    from nbgate.steps.gate import decide, read_verdicts

    found = read_verdicts(list(verdicts))
    for path, verdict, message in found:
        if verdict is not Verdict.PASSED:
            click.echo(f"nbgate gate: {path}: {verdict.value}: {message}", err=True)
    code = decide(found, allow_empty=allow_empty)
    click.echo(f"nbgate gate: exit {int(code)}", err=True)
    return int(code)
