"""The vocabulary of results: what happened to a notebook, a cell, a check."""

from __future__ import annotations

from enum import Enum

from nbgate.errors import ExitCode

__all__ = ["Outcome", "Verdict", "exit_code_for", "verdict_for"]


class Outcome(str, Enum):
    """What happened when a notebook was validated (the JSON report's ``outcome``)."""

    PASSED = "passed"
    MISMATCH = "mismatch"  # executed fine, differs from its golden / a probe check failed
    CELL_ERROR = "cell_error"  # a cell raised
    CELL_TIMEOUT = "cell_timeout"  # one cell ran past timeouts.cell
    NOTEBOOK_DEADLINE = "notebook_deadline"  # the whole notebook ran past timeouts.notebook
    DEAD_KERNEL = "dead_kernel"  # the kernel died (os._exit, segfault, OOM kill)
    MISSING_KERNEL = "missing_kernel"  # the requested kernelspec is not installed
    BUDGET_EXCEEDED = "budget_exceeded"  # a compute budget (time, memory) was exceeded
    PREFLIGHT_FAILED = "preflight_failed"  # static checks failed before any kernel ran
    INPUT_ERROR = "input_error"  # bad input for this notebook (unreadable, bad params)
    TRANSIENT_ERROR = "transient_error"  # infrastructure error worth retrying
    SKIPPED = "skipped"


class Verdict(str, Enum):
    """The verdict of a run or a step, as written to verdict artifacts and the gate."""

    PASSED = "passed"
    FAILED = "failed"  # validation failed: exit 1
    ERROR = "error"  # could not run: exit 2
    TRANSIENT = "transient"  # infrastructure error: exit 3


_FAILED = {
    Outcome.MISMATCH,
    Outcome.CELL_ERROR,
    Outcome.CELL_TIMEOUT,
    Outcome.NOTEBOOK_DEADLINE,
    Outcome.DEAD_KERNEL,
    Outcome.BUDGET_EXCEEDED,
    Outcome.PREFLIGHT_FAILED,
}
_ERROR = {Outcome.MISSING_KERNEL, Outcome.INPUT_ERROR}


def verdict_for(outcome: Outcome) -> Verdict:
    if outcome in (Outcome.PASSED, Outcome.SKIPPED):
        return Verdict.PASSED
    if outcome in _FAILED:
        return Verdict.FAILED
    if outcome in _ERROR:
        return Verdict.ERROR
    return Verdict.TRANSIENT


_EXIT = {
    Verdict.PASSED: ExitCode.PASSED,
    Verdict.FAILED: ExitCode.VALIDATION_FAILED,
    Verdict.ERROR: ExitCode.INPUT_ERROR,
    Verdict.TRANSIENT: ExitCode.TRANSIENT_ERROR,
}


def exit_code_for(verdicts: list[Verdict]) -> ExitCode:
    """The run's exit code: the worst verdict wins (error > transient > failed > passed).

    A bad input (2) outranks a transient error (3) because retrying cannot fix it.
    """
    order = [Verdict.ERROR, Verdict.TRANSIENT, Verdict.FAILED]
    for verdict in order:
        if verdict in verdicts:
            return _EXIT[verdict]
    return ExitCode.PASSED
