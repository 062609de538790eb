"""Rule ``pipInstall``: ``!pip install`` / ``%pip install`` inside cells.

A notebook that installs its own packages runs against whatever the index serves that day,
mutates the environment under validation, and needs network in a cluster: declare the
package in the requirements instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from nbgate.preflight.findings import Finding
from nbgate.preflight.registry import Context, rule

_INSTALL = re.compile(
    r"(?:^|[\s;&|!%{}])(?:pip3?|python3?\s+-m\s+pip|-m\s+pip|uv\s+pip|conda|mamba|micromamba)\s+install\b"
)
_SHELL_CELL = ("%%bash", "%%sh", "%%script", "%%capture")


@rule("pipInstall", "warning", "packages installed from inside the notebook (!pip / %pip install)")
def check_pip_install(ctx: Context) -> Iterator[Finding]:
    for cell in ctx.notebook.cells:
        lines = cell.source.splitlines()
        shell_cell = bool(lines) and lines[0].lstrip().startswith(_SHELL_CELL)
        for number, text in enumerate(lines, start=1):
            stripped = text.lstrip()
            if not (shell_cell or stripped.startswith(("!", "%"))):
                continue
            if _INSTALL.search(stripped):
                yield Finding(
                    rule="pipInstall",
                    cell=cell.index,
                    line=number,
                    message=f"{stripped[:100]!r} installs packages at run time: declare them in the "
                    "requirements (and run with a clean environment) instead",
                )
