"""Run one git command: argument list (never a shell), a deadline, scrubbed output.

A hung server must not hang the step: each command gets what is left of the step's
deadline, and on expiry its whole process group (git, git-remote-*, ssh, index-pack) is
killed and a TransientError raised, which Argo/KFP retry policies retry.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nbgate.errors import InputError, TransientError
from nbgate.git.urls import redact_url

__all__ = ["Deadline", "GitFailed", "Scrubber", "run_git"]


class Deadline:
    """The step's time limit; each git command gets the time that is left."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._end = time.monotonic() + seconds

    def left(self) -> float:
        return self._end - time.monotonic()


class Scrubber:
    """Removes secrets (tokens, their base64 form, URL user info) from text."""

    def __init__(self, secrets: Sequence[str]) -> None:
        # Longest first, so a secret containing another is hidden whole.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return redact_url(text)


@dataclass
class GitFailed(Exception):
    """git exited non-zero; ``stderr`` is already scrubbed."""

    args_shown: str
    returncode: int
    stderr: str

    def __str__(self) -> str:
        return f"{self.args_shown} exited {self.returncode}: {self.stderr.strip()}"

    def last_line(self) -> str:
        """The telling part of git's stderr: its first ``fatal:``/``error:`` line and what
        follows it (git:// puts the errno on the next line), bounded, on one line."""
        lines = [ln.strip() for ln in self.stderr.splitlines() if ln.strip()]
        start = next(
            (i for prefix in ("fatal:", "error:") for i, ln in enumerate(lines) if ln.startswith(prefix)),
            max(len(lines) - 1, 0),
        )
        text = " ".join(lines[start : start + 3]) or f"exit status {self.returncode}"
        return text if len(text) <= 300 else text[:300] + "…"


def run_git(
    args: Sequence[str],
    *,
    env: dict[str, str],
    deadline: Deadline,
    scrub: Scrubber,
    cwd: Path | None = None,
    what: str,
) -> str:
    """Run ``git *args``; return stdout. Raise GitFailed, or TransientError on timeout.

    ``what`` names the operation in a timeout message (e.g. "git clone of <url>").
    """
    remaining = deadline.left()
    if remaining <= 0:
        raise TransientError(_timeout_message(what, deadline))
    try:
        proc = subprocess.Popen(
            ["git", *args],
            cwd=cwd,
            env={**os.environ, **env},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            # Its own process group, so a timeout kills git's children too.
            start_new_session=True,
        )
    except FileNotFoundError:
        raise InputError("the 'git' command is not installed: install git (apt-get install git)") from None
    try:
        out, err = proc.communicate(timeout=remaining)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise TransientError(_timeout_message(what, deadline)) from None
    finally:
        if proc.poll() is None:  # e.g. KeyboardInterrupt while waiting
            _kill_group(proc)
    if proc.returncode != 0:
        shown = "git " + " ".join(args[:1])
        raise GitFailed(shown, proc.returncode, scrub(err.decode("utf-8", "replace")))
    return out.decode("utf-8", "replace")


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def _timeout_message(what: str, deadline: Deadline) -> str:
    return (
        f"{what} timed out after {deadline.seconds:g}s: the server did not answer in time; "
        "retry, or raise --timeout if the repository is large"
    )
