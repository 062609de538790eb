"""Turn a failed git command into nbgate's error kinds.

InputError (exit 2: retrying will not help) for a missing ref, a missing repository or
refused credentials; TransientError (exit 3: retry) for network trouble. git prints
English messages because it runs with LC_ALL=C.
"""

from __future__ import annotations

import re

from nbgate.errors import InputError, NbgateError, TransientError
from nbgate.git.run import GitFailed

__all__ = ["classify_failure", "is_ref_missing", "ref_not_found"]

_REF_MISSING = re.compile(
    r"Remote branch .* not found in upstream|couldn't find remote ref|not our ref|"
    r"invalid reference|unknown revision|did not match any file|Needed a single revision|"
    r"no such ref was fetched|unadvertised object",
    re.IGNORECASE,
)
_AUTH = re.compile(
    r"Authentication failed|could not read (Username|Password)|terminal prompts disabled|"
    r"Permission denied \(|returned error: 40[13]|HTTP Basic: Access denied|"
    r"Host key verification failed|Invalid username or password",
    re.IGNORECASE,
)
_REPO_MISSING = re.compile(
    r"repository '.*' not found|Repository not found|does not appear to be a git repository|"
    r"not exported|returned error: 404|does not exist|No such file or directory|"
    r"not a git repository",
    re.IGNORECASE,
)
_TRANSIENT = re.compile(
    r"Connection refused|Could not resolve host|Could not resolve hostname|"
    r"Temporary failure in name resolution|Name or service not known|timed out|"
    r"Network is unreachable|No route to host|Connection reset|Connection closed|"
    r"unable to connect|unable to access|early EOF|remote end hung up|RPC failed|"
    r"returned error: 5\d\d|returned error: 429|SSL|gnutls|TLS|Broken pipe|"
    r"the remote end hung up|transfer closed",
    re.IGNORECASE,
)
_BLOCKED = re.compile(r"transport '([^']+)' not allowed", re.IGNORECASE)


def is_ref_missing(exc: GitFailed) -> bool:
    """git could reach the repository but not the ref/commit asked for."""
    return bool(_REF_MISSING.search(exc.stderr)) and not _BLOCKED.search(exc.stderr)


def ref_not_found(ref: str, url: str) -> InputError:
    return InputError(f"ref {ref!r} not found in {url}: use an existing branch, tag or commit")


def classify_failure(exc: GitFailed, *, url: str, ref: str | None = None) -> NbgateError:
    """The error to raise for ``exc``; ``url`` is already redacted."""
    text = exc.stderr

    def detail(pattern: re.Pattern[str]) -> str:
        """The stderr line that matched (e.g. ssh's 'Connection refused', not git's generic
        'Could not read from remote repository'), else git's fatal line."""
        for raw in text.splitlines():
            if pattern.search(raw):
                line = raw.strip()
                return line if len(line) <= 300 else line[:300] + "…"
        return exc.last_line()

    blocked = _BLOCKED.search(text)
    if blocked:
        return InputError(
            f"git refused the '{blocked.group(1)}' transport while cloning {url} (a submodule URL?): "
            "nbgate allows only https, http, ssh, git and file (file only for local repositories)"
        )
    if ref is not None and _REF_MISSING.search(text):
        return ref_not_found(ref, url)
    if _AUTH.search(text):
        return InputError(
            f"authentication to {url} failed ({detail(_AUTH)}): check the credentials "
            "(NBGATE_GIT_TOKEN, NBGATE_GIT_USERNAME/NBGATE_GIT_PASSWORD, NBGATE_GIT_SSH_KEY_FILE, "
            "NBGATE_GIT_KNOWN_HOSTS_FILE) and that they can read the repository"
        )
    if _REPO_MISSING.search(text):
        return InputError(
            f"repository {url} not found ({detail(_REPO_MISSING)}): check source.git.url / --url"
        )
    if _TRANSIENT.search(text):
        last = exc.last_line()  # git:// puts the errno on the line after its fatal line
        shown = last if _TRANSIENT.search(last) else detail(_TRANSIENT)
        return TransientError(f"cannot reach {url} ({shown}): network or server trouble, worth a retry")
    return InputError(f"{exc.args_shown} failed for {url}: {exc.last_line()}")
