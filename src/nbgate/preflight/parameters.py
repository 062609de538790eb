"""Rule ``parametersCell``: parameters are given but no cell is tagged ``parameters``.

Papermill then injects the parameters at the top, and the notebook's own assignments
further down silently override them: the run "passes" with the wrong values.
"""

from __future__ import annotations

from collections.abc import Iterator

from nbgate.preflight.findings import Finding
from nbgate.preflight.registry import Context, rule


@rule("parametersCell", "error", "parameters given but no cell tagged 'parameters'")
def check_parameters_cell(ctx: Context) -> Iterator[Finding]:
    if not ctx.parameters:
        return
    if any("parameters" in cell.tags for cell in ctx.notebook.cells):
        return
    names = ", ".join(sorted(ctx.parameters))
    yield Finding(
        rule="parametersCell",
        message=f"parameters ({names}) are given but no code cell is tagged 'parameters': papermill would "
        "inject them at the top, where later assignments override them; tag the cell that sets "
        "their defaults with 'parameters'",
    )


@rule("syntax", "warning", "code cells that are not valid Python")
def check_syntax(ctx: Context) -> Iterator[Finding]:
    for cell in ctx.notebook.cells:
        if cell.syntax_error is not None:
            err = cell.syntax_error
            yield Finding(
                rule="syntax",
                cell=cell.index,
                line=err.lineno,
                message=f"the cell does not parse: {err.msg}",
            )
