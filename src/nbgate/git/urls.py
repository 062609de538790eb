"""Which Git URLs nbgate accepts, checked *before* git runs.

Git can run arbitrary programs through its transport helpers (``ext::sh -c …``,
``fd::``, ``<anything>://`` → ``git-remote-<anything>``), so a URL from a spec is
checked against an allow-list: https, http, ssh (``ssh://`` and ``[user@]host:path``),
git, file and plain local paths. URLs that embed credentials are refused too: they would
end up in logs, process lists and ``.git/config``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from nbgate.errors import InputError

__all__ = [
    "ALLOWED_SCHEMES",
    "GitUrl",
    "allow_protocol_env",
    "parse_git_url",
    "redact_url",
]

ALLOWED_SCHEMES = ("https", "http", "ssh", "git", "file")

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
# ``<helper>::<address>`` makes git run ``git-remote-<helper>`` (ext:: runs a shell command).
_HELPER = re.compile(r"^([A-Za-z0-9][A-Za-z0-9+.-]*)::")
# Anything ``scheme://user[:pw]@`` → keep the scheme and host, hide the user info.
_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")

_FIX = "use an https, http, ssh (ssh:// or git@host:path), git or file URL"
_CREDENTIALS_FIX = (
    "do not put credentials in the URL: mount them from a Kubernetes Secret "
    "(source.git.credentialsSecret) or set NBGATE_GIT_TOKEN / NBGATE_GIT_TOKEN_FILE"
)


@dataclass(frozen=True)
class GitUrl:
    """A URL git may be given: ``transport`` is one of ALLOWED_SCHEMES."""

    url: str
    transport: str
    host: str | None = None  # None for file:// and local paths

    @property
    def is_local(self) -> bool:
        return self.transport == "file"

    @property
    def is_http(self) -> bool:
        return self.transport in ("http", "https")


def redact_url(text: str) -> str:
    """``https://user:token@host/x`` → ``https://***@host/x`` anywhere in ``text``."""
    return _USERINFO.sub(r"\1***@", text)


def parse_git_url(raw: str) -> GitUrl:
    """Classify ``raw`` or raise InputError naming the (redacted) URL and the fix."""
    url = raw.strip()
    if not url:
        raise InputError(f"the Git URL is empty: {_FIX}")
    helper = _HELPER.match(url)
    if helper:
        raise InputError(
            f"Git URL {_shown(url)!r} uses the '{helper.group(1)}::' transport, which nbgate refuses "
            f"(it can run programs): {_FIX}"
        )
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise InputError(f"the Git URL {_shown(url)!r} contains control characters")
    if url.startswith("-"):
        raise InputError(f"the Git URL {url!r} starts with '-': {_FIX}")
    scheme = _SCHEME.match(url)
    if scheme:
        return _parse_scheme_url(url, scheme.group(1).lower())
    colon, slash = url.find(":"), url.find("/")
    if colon > 0 and (slash < 0 or colon < slash):
        return _parse_scp_like(url)
    # A plain local path (git treats it like file://).
    return GitUrl(url=url, transport="file")


def _shown(url: str) -> str:
    """The URL as it may appear in a message: credentials hidden, bounded length."""
    text = redact_url(url)
    return text if len(text) <= 200 else text[:200] + "…"


def _parse_scheme_url(url: str, scheme: str) -> GitUrl:
    if scheme not in ALLOWED_SCHEMES:
        raise InputError(f"Git URL {_shown(url)!r} uses the unsupported transport '{scheme}://': {_FIX}")
    parts = urlsplit(url)
    userinfo, at, _ = parts.netloc.rpartition("@")
    # Any user info on http(s) is a credential (``https://<token>@host`` works on GitHub);
    # on ssh/git a bare user name is fine, a password is not.
    if at and (scheme in ("http", "https") or ":" in userinfo):
        raise InputError(f"Git URL {_shown(url)!r} embeds credentials: {_CREDENTIALS_FIX}")
    if scheme == "file":
        return GitUrl(url=url, transport="file")
    host = parts.hostname
    if not host:
        raise InputError(f"Git URL {_shown(url)!r} has no host name: {_FIX}")
    return GitUrl(url=url, transport=scheme, host=host)


def _parse_scp_like(url: str) -> GitUrl:
    """``[user@]host:path`` — git's scp-like ssh syntax."""
    head = url.split("/", 1)[0]
    userinfo, at, _ = head.rpartition("@")
    if at and ":" in userinfo:
        raise InputError(f"Git URL {redact_scp(url)!r} embeds credentials: {_CREDENTIALS_FIX}")
    hostpart = url.split(":", 1)[0]
    host = hostpart.rpartition("@")[2].strip("[]")
    if not host or not url.split(":", 1)[1]:
        raise InputError(f"Git URL {url!r} is not a valid host:path (like git@github.com:org/repo.git)")
    return GitUrl(url=url, transport="ssh", host=host)


def redact_scp(url: str) -> str:
    head, slash, rest = url.partition("/")
    _, at, host = head.rpartition("@")
    return ("***@" + host if at else head) + slash + rest


def allow_protocol_env(*, include_file: bool) -> str:
    """The GIT_ALLOW_PROTOCOL value: the allow-list, also enforced on submodules and redirects.

    ``file`` is left out unless the main URL is itself local: a remote repository must not
    be able to pull files from this machine into the checkout through a submodule URL
    (the reason git ≥ 2.38.1 defaults ``protocol.file.allow`` to ``user``).
    """
    protocols = ["https", "http", "ssh", "git"]
    if include_file:
        protocols.append("file")
    return ":".join(protocols)
