"""Git credentials from the environment and mounted Secret files, handed to git via its env.

Never on a command line (``/proc/*/cmdline`` is world-readable, CI logs echo argv) and
never in ``.git/config``:

* HTTPS token / basic credentials → an ``Authorization`` header set through
  ``GIT_CONFIG_COUNT``/``GIT_CONFIG_KEY_n``/``GIT_CONFIG_VALUE_n`` (git ≥ 2.31), scoped to
  the clone URL's origin so submodules on other hosts never receive it. git-lfs reads the
  same configuration, so LFS downloads are authenticated too.
* SSH key → ``GIT_SSH_COMMAND`` with ``IdentitiesOnly`` and the mounted known-hosts file.

Variables (docs/glossary.md): NBGATE_GIT_TOKEN[_FILE], NBGATE_GIT_USERNAME,
NBGATE_GIT_PASSWORD[_FILE], NBGATE_GIT_SSH_KEY_FILE, NBGATE_GIT_KNOWN_HOSTS_FILE,
NBGATE_SECRET_ENV.
"""

from __future__ import annotations

import base64
import os
import shlex
import shutil
import stat
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from nbgate.errors import InputError
from nbgate.git.urls import GitUrl, allow_protocol_env

__all__ = ["GitEnv", "add_config", "base_env", "git_env", "secret_values"]

DEFAULT_TOKEN_USER = "x-access-token"  # noqa: S105 — a user name, not a secret


@dataclass
class GitEnv:
    """Environment additions for every git process, plus the strings to scrub from output."""

    env: dict[str, str]
    secrets: list[str] = field(default_factory=list)


def base_env(url: GitUrl) -> dict[str, str]:
    """What every git run gets, credentials or not."""
    return {
        # Never wait for a human: a missing credential must fail fast, not hang the pod.
        "GIT_TERMINAL_PROMPT": "0",
        "GCM_INTERACTIVE": "never",
        # The allow-list, enforced by git itself on submodules and redirects too.
        "GIT_ALLOW_PROTOCOL": allow_protocol_env(include_file=url.is_local),
        # LFS objects are pulled explicitly afterwards (with a clear warning when git-lfs is
        # missing); a smudge filter failing mid-checkout would abort the whole clone.
        "GIT_LFS_SKIP_SMUDGE": "1",
        # English messages: errors are classified by their text.
        "LC_ALL": "C",
        "LANGUAGE": "C",
        # A stalled HTTP transfer (< 1 KB/s for 60 s) is aborted by git itself.
        "GIT_HTTP_LOW_SPEED_LIMIT": "1000",
        "GIT_HTTP_LOW_SPEED_TIME": "60",
    }


def _read_value(environ: Mapping[str, str], name: str) -> str | None:
    """``NAME`` or the contents of the file named by ``NAME_FILE`` (a mounted Secret key)."""
    value = environ.get(name)
    if value:
        return value.strip()
    path = environ.get(f"{name}_FILE")
    if not path:
        return None
    try:
        return Path(path).read_text(encoding="utf-8").strip() or None
    except OSError as exc:
        raise InputError(
            f"cannot read {name}_FILE={path}: {exc.strerror or exc}: mount the Secret key there "
            f"or unset {name}_FILE"
        ) from None


def secret_values(environ: Mapping[str, str]) -> list[str]:
    """Values named by NBGATE_SECRET_ENV (comma-separated env var names): redacted everywhere."""
    names = [n.strip() for n in environ.get("NBGATE_SECRET_ENV", "").split(",") if n.strip()]
    return [environ[n] for n in names if environ.get(n)]


@contextmanager
def git_env(url: GitUrl, environ: Mapping[str, str] | None = None) -> Iterator[GitEnv]:
    """The env for git runs against ``url``; temporary key copies are removed on exit."""
    source = os.environ if environ is None else environ
    result = GitEnv(env=base_env(url), secrets=secret_values(source))
    with tempfile.TemporaryDirectory(prefix="nbgate-git-") as scratch:
        if url.is_http:
            _add_http_auth(result, url, source)
        elif url.transport == "ssh":
            _add_ssh(result, source, Path(scratch))
        yield result


def _add_http_auth(result: GitEnv, url: GitUrl, environ: Mapping[str, str]) -> None:
    token = _read_value(environ, "NBGATE_GIT_TOKEN")
    password = token or _read_value(environ, "NBGATE_GIT_PASSWORD")
    if not password:
        return
    username = environ.get("NBGATE_GIT_USERNAME") or (DEFAULT_TOKEN_USER if token else None)
    if not username:
        raise InputError(
            "NBGATE_GIT_PASSWORD is set but NBGATE_GIT_USERNAME is not: set both, or use NBGATE_GIT_TOKEN"
        )
    basic = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
    parts = urlsplit(url.url)
    # http.<url>.extraHeader applies to this origin only (submodules elsewhere get nothing).
    scope = f"{parts.scheme}://{parts.netloc}/"
    add_config(result.env, f"http.{scope}.extraHeader", f"Authorization: Basic {basic}")
    result.secrets += [password, basic]


def add_config(env: dict[str, str], key: str, value: str) -> None:
    """Append one ``git -c key=value`` equivalent that stays off the command line."""
    index = int(env.get("GIT_CONFIG_COUNT", "0"))
    env[f"GIT_CONFIG_KEY_{index}"] = key
    env[f"GIT_CONFIG_VALUE_{index}"] = value
    env["GIT_CONFIG_COUNT"] = str(index + 1)


def _add_ssh(result: GitEnv, environ: Mapping[str, str], scratch: Path) -> None:
    options = ["-o", "BatchMode=yes"]  # never prompt for a passphrase or a host key
    key_file = environ.get("NBGATE_GIT_SSH_KEY_FILE")
    if key_file:
        key = _private_key_copy(Path(key_file), scratch)
        options += ["-i", str(key), "-o", "IdentitiesOnly=yes"]
    known_hosts = environ.get("NBGATE_GIT_KNOWN_HOSTS_FILE")
    if known_hosts:
        if not Path(known_hosts).is_file():
            raise InputError(
                f"NBGATE_GIT_KNOWN_HOSTS_FILE={known_hosts} does not exist: mount the known_hosts "
                "Secret key there (ssh-keyscan HOST > known_hosts)"
            )
        options += ["-o", f"UserKnownHostsFile={known_hosts}", "-o", "StrictHostKeyChecking=yes"]
    # GIT_SSH_COMMAND is run by a shell: quote every piece (paths may contain spaces).
    result.env["GIT_SSH_COMMAND"] = " ".join(shlex.quote(p) for p in ["ssh", *options])


def _private_key_copy(key: Path, scratch: Path) -> Path:
    """The key, or a 0600 copy of it: ssh refuses group/world-readable keys, and Secret
    volumes are mounted 0644 unless ``defaultMode`` says otherwise."""
    try:
        mode = key.stat().st_mode
    except OSError as exc:
        raise InputError(
            f"cannot read NBGATE_GIT_SSH_KEY_FILE={key}: {exc.strerror or exc}: mount the "
            "ssh-privatekey Secret key there"
        ) from None
    if not mode & (stat.S_IRWXG | stat.S_IRWXO):
        return key
    copy = scratch / "id_key"
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out, key.open("rb") as src:
        shutil.copyfileobj(src, out)
    return copy
