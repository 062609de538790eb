"""Turn a clean environment's ``ModuleNotFoundError`` into the fix: which file to declare it in."""

from __future__ import annotations

import re

from nbgate.envs.build import CleanEnv
from nbgate.outcomes import Outcome
from nbgate.results import ExecutionResult

__all__ = ["explain_missing_module"]

_NO_MODULE = re.compile(r"No module named '([^']+)'")


def explain_missing_module(execution: ExecutionResult, env: CleanEnv) -> ExecutionResult:
    """The same result with a message that names the module and where to declare it."""
    if execution.outcome is not Outcome.CELL_ERROR:
        return execution
    failed = next((c for c in execution.cells if c.index == execution.failed_cell), None)
    if failed is None or failed.error is None or failed.error.ename != "ModuleNotFoundError":
        return execution
    match = _NO_MODULE.search(failed.error.evalue)
    if match is None:
        return execution
    module = match.group(1).split(".")[0]
    from nbgate.envs.requirements import canonical_name
    from nbgate.preflight.imports import distributions_for

    dists = sorted(distributions_for(module) - {canonical_name(module)}) or [canonical_name(module)]
    message = (
        f"cell {execution.failed_cell}: module {module!r} is not installed in the clean environment "
        f"(built only from the repo's declared requirements): declare {' or '.join(dists)} in "
        f"{env.declarations.where_to_declare()}"
    )
    return execution.model_copy(update={"message": message})
