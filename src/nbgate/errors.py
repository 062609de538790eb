"""Errors that map to nbgate's exit codes.

Exit codes are a contract with CI systems and with Argo/KFP retry policies:

* 0 — every notebook passed;
* 1 — validation failed (a notebook raised, timed out, or differs from its golden);
* 2 — could not run: bad spec, bad input, missing kernel… retrying will not help;
* 3 — transient infrastructure error (network, server unavailable): worth retrying.

Every error carries a one-line message that names the input and the fix; the CLI prints
that line and exits with the code, never a traceback.
"""

from __future__ import annotations

from enum import IntEnum

__all__ = [
    "ExitCode",
    "InputError",
    "NbgateError",
    "TransientError",
]


class ExitCode(IntEnum):
    PASSED = 0
    VALIDATION_FAILED = 1
    INPUT_ERROR = 2
    TRANSIENT_ERROR = 3


class NbgateError(Exception):
    """Base class: an error nbgate explains in one line."""

    exit_code: ExitCode = ExitCode.INPUT_ERROR

    def __init__(self, message: str) -> None:
        # Keep the message on one line: it is what the terminal, logs and reports show.
        super().__init__(" ".join(message.split()))

    @property
    def message(self) -> str:
        return str(self)


class InputError(NbgateError):
    """The user's input is wrong (spec, path, ref, kernel…). Exit 2."""

    exit_code = ExitCode.INPUT_ERROR


class TransientError(NbgateError):
    """Infrastructure that may work on a retry (network, server unavailable). Exit 3."""

    exit_code = ExitCode.TRANSIENT_ERROR
