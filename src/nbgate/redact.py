"""Secret redaction: every secret value, and anything that looks like a token, becomes ``***``.

What is a secret:

* the value of every env var named in ``NBGATE_SECRET_ENV`` (comma-separated names) and of
  nbgate's own credential vars (``NBGATE_GIT_TOKEN``, ``NBGATE_GIT_PASSWORD``);
* the content of every file named in ``NBGATE_SECRET_FILES`` (comma-separated paths; a
  directory stands for every regular file directly in it, which is how Kubernetes mounts a
  Secret volume: one file per key) and of nbgate's credential files (``NBGATE_GIT_TOKEN_FILE``,
  ``NBGATE_GIT_PASSWORD_FILE``, ``NBGATE_GIT_SSH_KEY_FILE``); a multi-line file also counts
  each of its lines;
* their encodings a notebook is likely to print: base64 (standard and URL-safe, with or without
  padding, and embedded at any byte alignment inside a longer base64 string), JSON-escaped and
  URL-quoted;
* common token shapes, whoever's they are: GitHub (``ghp_``…, ``github_pat_``), GitLab
  (``glpat-``), Slack (``xox?-``), AWS access key ids (``AKIA``…) and labelled secret keys,
  JWTs, ``Bearer`` tokens, ``Authorization:`` header values, passwords in URLs, PEM private keys.

Values shorter than ``MIN_SECRET_LENGTH`` characters are not redacted: replacing every ``1`` or
``true`` in a report would destroy it while hiding nothing.

A notebook's streams are redacted per cell and stream name *as one text* (what a reader sees),
then the replacements are mapped back onto the original outputs: a secret printed in two halves
by two ``print`` calls, which the kernel may send as two ``stream`` outputs, is caught while the
notebook keeps its structure.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import re
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

__all__ = [
    "MIN_SECRET_LENGTH",
    "REDACTED",
    "RedactingFilter",
    "Redactor",
    "current_redactor",
    "install_log_redaction",
    "redact_data",
    "redact_execution_result",
    "redact_model",
    "redact_notebook",
    "redact_text",
]

REDACTED = "***"
MIN_SECRET_LENGTH = 6
# Read at most this much of a secret file: a Secret is at most 1 MiB, a token a few hundred bytes.
_MAX_SECRET_FILE = 64 * 1024

SECRET_ENV = "NBGATE_SECRET_ENV"  # noqa: S105 — the variable's name, not a secret
SECRET_FILES = "NBGATE_SECRET_FILES"  # noqa: S105
_BUILTIN_ENV = ("NBGATE_GIT_TOKEN", "NBGATE_GIT_PASSWORD")
_BUILTIN_FILE_ENV = ("NBGATE_GIT_TOKEN_FILE", "NBGATE_GIT_PASSWORD_FILE", "NBGATE_GIT_SSH_KEY_FILE")

# Token shapes. The named group ``s`` is what is hidden; the rest (a header name, "Bearer") stays
# so a reader still sees *what* was there.
_PATTERNS = [
    r"\b(?P<s>gh[pousr]_[A-Za-z0-9]{30,255})",
    r"\b(?P<s>github_pat_[A-Za-z0-9_]{22,255})",
    r"\b(?P<s>glpat-[A-Za-z0-9_\-]{20,})",
    r"\b(?P<s>xox[abposre]-[A-Za-z0-9-]{10,})",
    r"\b(?P<s>(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16})\b",
    r"(?i)aws_?secret_?access_?key[\"']?\s*[:=]\s*[\"']?(?P<s>[A-Za-z0-9/+=]{40})",
    r"\b(?P<s>eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,})",
    r"(?i)\bbearer\s+(?P<s>[A-Za-z0-9\-._~+/]{8,}=*)",
    r"(?i)\b(?:proxy-)?authorization[\"']?\s*[:=]\s*[\"']?(?P<s>[^\s\"',}][^\r\n\"',}]*)",
    r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:(?P<s>[^/\s@]+)@",
    r"(?P<s>-----BEGIN[A-Z ]*PRIVATE KEY-----[\s\S]*?-----END[A-Z ]*PRIVATE KEY-----)",
]
_COMPILED = [re.compile(p) for p in _PATTERNS]

# Output MIME types whose data is binary (base64): scanning them could only corrupt an image.
_BINARY_PREFIXES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "application/pdf")

T = TypeVar("T")


def _base64_variants(value: bytes) -> set[str]:
    """The base64 forms of ``value``: whole (padded or not) and embedded at each alignment."""
    variants: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(value).decode("ascii")
        variants.add(whole)
        variants.add(whole.rstrip("="))
        n = len(value)
        for k in range(3):
            # Inside a longer base64 string the secret starts at byte offset k (mod 3): the
            # characters whose 6 bits all come from the secret are the same whatever surrounds it.
            enc = encode(b"\0" * k + value).decode("ascii").rstrip("=")
            start = -(-8 * k // 6)  # ceil
            end = (8 * (k + n)) // 6
            inner = enc[start:end]
            if len(inner) >= 8:
                variants.add(inner)
    return variants


def _forms(value: str) -> set[str]:
    forms = {value}
    forms |= _base64_variants(value.encode("utf-8"))
    escaped = json.dumps(value)[1:-1]
    forms.add(escaped)
    forms.add(quote(value, safe=""))
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


class Redactor:
    """Finds and hides secrets in text. Immutable once built; safe to share between threads."""

    def __init__(self, secrets: Iterable[str] = (), *, patterns: bool = True) -> None:
        values: set[str] = set()
        for secret in secrets:
            for candidate in {secret, secret.strip()}:
                if len(candidate) >= MIN_SECRET_LENGTH:
                    values |= _forms(candidate)
        self.secret_count = len(values)
        # Longest first: a value that contains another is hidden whole.
        ordered = sorted(values, key=len, reverse=True)
        self._literal = re.compile("|".join(re.escape(v) for v in ordered)) if ordered else None
        self._patterns = _COMPILED if patterns else []

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Redactor:
        return cls(secret_values(os.environ if environ is None else environ))

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Merged, sorted ``(start, end)`` ranges of ``text`` to hide."""
        found: list[tuple[int, int]] = []
        if self._literal is not None:
            found.extend(m.span() for m in self._literal.finditer(text))
        for pattern in self._patterns:
            found.extend(m.span("s") for m in pattern.finditer(text))
        if not found:
            return []
        found.sort()
        merged = [found[0]]
        for start, end in found[1:]:
            last_start, last_end = merged[-1]
            if start <= last_end:
                merged[-1] = (last_start, max(last_end, end))
            else:
                merged.append((start, end))
        return merged

    def redact_count(self, text: str) -> tuple[str, int]:
        spans = self.spans(text)
        if not spans:
            return text, 0
        return _apply([text], spans)[0][0], len(spans)

    def redact(self, text: str) -> str:
        return self.redact_count(text)[0]

    def redact_pieces(self, pieces: list[str]) -> tuple[list[str], int]:
        """Redact ``pieces`` as if they were one text; each piece keeps its own part."""
        spans = self.spans("".join(pieces))
        if not spans:
            return pieces, 0
        return _apply(pieces, spans)[0], len(spans)


def _apply(pieces: list[str], spans: list[tuple[int, int]]) -> tuple[list[str], None]:
    """Cut ``spans`` (offsets in the joined text) out of ``pieces``; ``***`` where a span starts."""
    out: list[str] = []
    offset = 0
    for piece in pieces:
        lo, hi = offset, offset + len(piece)
        buf: list[str] = []
        cursor = lo
        for start, end in spans:
            if end <= lo or start >= hi:
                continue
            buf.append(piece[cursor - lo : max(start, lo) - lo])
            if start >= lo:
                buf.append(REDACTED)
            cursor = min(end, hi)
        buf.append(piece[cursor - lo :])
        out.append("".join(buf))
        offset = hi
    return out, None


def _split_names(value: str | None) -> list[str]:
    return [item.strip() for item in (value or "").split(",") if item.strip()]


def _file_values(path: Path) -> list[str]:
    files: list[Path] = []
    if path.is_dir():
        # A Secret volume: one file per key; "..data" and dot-entries are the kubelet's plumbing.
        files = sorted(p for p in path.iterdir() if not p.name.startswith(".") and p.is_file())
    elif path.is_file():
        files = [path]
    values: list[str] = []
    for file in files:
        try:
            with file.open("rb") as handle:
                text = handle.read(_MAX_SECRET_FILE).decode("utf-8", errors="replace")
        except OSError:
            continue
        values.append(text.strip())
        if "\n" in text.strip():
            values.extend(line.strip() for line in text.splitlines())
    return values


def secret_files(environ: Mapping[str, str]) -> list[Path]:
    paths = [Path(p) for p in _split_names(environ.get(SECRET_FILES))]
    paths += [Path(environ[name]) for name in _BUILTIN_FILE_ENV if environ.get(name)]
    return paths


def secret_values(environ: Mapping[str, str]) -> list[str]:
    """Every secret value the environment names (see the module docstring)."""
    names = [*_split_names(environ.get(SECRET_ENV)), *_BUILTIN_ENV]
    values = [environ[name] for name in names if environ.get(name)]
    for path in secret_files(environ):
        values.extend(_file_values(path))
    return [v for v in values if v]


_CACHE_LOCK = threading.Lock()
_CACHE: tuple[tuple[Any, ...], Redactor] | None = None


def _cache_key(environ: Mapping[str, str]) -> tuple[Any, ...]:
    names = [*_split_names(environ.get(SECRET_ENV)), *_BUILTIN_ENV]
    stamps: list[tuple[str, int | None, int | None]] = []
    for path in secret_files(environ):
        files = [path]
        if path.is_dir():
            files += sorted(p for p in path.iterdir() if not p.name.startswith("."))
        for file in files:
            try:
                stat = file.stat()
                stamps.append((str(file), stat.st_mtime_ns, stat.st_size))
            except OSError:
                stamps.append((str(file), None, None))
    return (tuple((n, environ.get(n)) for n in names), tuple(stamps))


def current_redactor() -> Redactor:
    """The redactor for this process's environment now (rebuilt when the env or files change)."""
    global _CACHE  # noqa: PLW0603 — a process-wide cache is the point
    key = _cache_key(os.environ)
    with _CACHE_LOCK:
        if _CACHE is None or _CACHE[0] != key:
            _CACHE = (key, Redactor.from_env(os.environ))
        return _CACHE[1]


def redact_text(text: str, redactor: Redactor | None = None) -> str:
    return (redactor or current_redactor()).redact(text)


def redact_data(value: T, redactor: Redactor | None = None) -> T:
    """Every string inside ``value`` (dicts, lists, tuples) redacted; other values unchanged."""
    r = redactor or current_redactor()
    return _redact_any(value, r)  # type: ignore[no-any-return]


def _redact_any(value: Any, r: Redactor) -> Any:
    if isinstance(value, str):
        return r.redact(value)
    if isinstance(value, dict):
        return {k: _redact_any(v, r) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact_any(v, r) for v in value]
    if isinstance(value, tuple):
        return tuple(_redact_any(v, r) for v in value)
    return value


def redact_model(model: T, redactor: Redactor | None = None) -> T:
    """A copy of a pydantic result model (``RunResult``, ``ExecutionResult``…) with secrets hidden."""
    r = redactor or current_redactor()
    dump = model.model_dump(mode="python")  # type: ignore[attr-defined]
    return type(model).model_validate(_redact_any(dump, r))  # type: ignore[attr-defined, no-any-return]


def redact_execution_result(result: T, redactor: Redactor | None = None) -> T:
    """``ExecutionResult`` with messages, tracebacks and source excerpts redacted (a copy)."""
    return redact_model(result, redactor)


# --- notebooks ---------------------------------------------------------------------------------


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _redact_field(container: Any, key: str, r: Redactor) -> int:
    if key not in container:
        return 0
    value = container[key]
    if isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        text, count = r.redact_count(_joined(value))
        if count:
            container[key] = text
        return count
    if isinstance(value, (dict, list)):
        before = json.dumps(value, sort_keys=True, default=str)
        after = _redact_any(value, r)
        if json.dumps(after, sort_keys=True, default=str) != before:
            container[key] = after
            return _count_changes(value, after)
    return 0


def _count_changes(before: Any, after: Any) -> int:
    if isinstance(before, str):
        return int(before != after)
    if isinstance(before, dict):
        return sum(_count_changes(v, after[k]) for k, v in before.items())
    if isinstance(before, list):
        return sum(_count_changes(b, a) for b, a in zip(before, after, strict=False))
    return 0


def _redact_streams(outputs: list[Any], r: Redactor) -> int:
    by_name: dict[str, list[Any]] = {}
    for out in outputs:
        if out.get("output_type") == "stream":
            by_name.setdefault(str(out.get("name", "stdout")), []).append(out)
    total = 0
    for streams in by_name.values():
        pieces = [_joined(out.get("text", "")) for out in streams]
        redacted, count = r.redact_pieces(pieces)
        if count:
            for out, text in zip(streams, redacted, strict=True):
                out["text"] = text
            total += count
    return total


def _redact_output(out: Any, r: Redactor) -> int:
    kind = out.get("output_type")
    count = 0
    if kind == "error":
        count += _redact_field(out, "ename", r) + _redact_field(out, "evalue", r)
        tb = out.get("traceback")
        if isinstance(tb, list):
            new = []
            for line in tb:
                text, n = r.redact_count(str(line))
                new.append(text)
                count += n
            if count:
                out["traceback"] = new
    elif kind in ("execute_result", "display_data", "update_display_data"):
        data = out.get("data") or {}
        for mime in list(data):
            if not mime.startswith(_BINARY_PREFIXES):
                count += _redact_field(data, mime, r)
        if "metadata" in out:
            count += _redact_field(out, "metadata", r)
    return count


def redact_notebook(nb: Any, redactor: Redactor | None = None) -> int:
    """Redact a notebook (an ``nbformat`` node or its dict) in place; returns the replacements made.

    Cell sources, every text output (streams merged per cell and name, see the module
    docstring), error names/values/tracebacks, JSON outputs, and cell and notebook metadata.
    Binary outputs (PNG, JPEG…) are left alone.
    """
    r = redactor or current_redactor()
    count = _redact_field(nb, "metadata", r)
    for cell in nb.get("cells", []):
        count += _redact_field(cell, "source", r)
        count += _redact_field(cell, "metadata", r)
        outputs = cell.get("outputs")
        if outputs:
            count += _redact_streams(outputs, r)
            for out in outputs:
                count += _redact_output(out, r)
    return count


# --- logs --------------------------------------------------------------------------------------


class RedactingFilter(logging.Filter):
    """Redacts each record's message, arguments and exception text before a handler writes it.

    Attach it to *handlers* (``install_log_redaction`` does): a filter on a logger does not see
    records propagated from its children.
    """

    def __init__(self, redactor: Redactor | None = None) -> None:
        super().__init__()
        self._redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        r = self._redactor or current_redactor()
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: log it as given, redacted
            message = str(record.msg)
        record.msg, record.args = r.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = r.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = r.redact(record.stack_info)
        for key, value in list(record.__dict__.items()):
            if key.startswith("nbgate_") and isinstance(value, (str, dict, list)):
                setattr(record, key, _redact_any(value, r))
        return True


def install_log_redaction(logger: logging.Logger | None = None) -> int:
    """Add a ``RedactingFilter`` to every handler of ``logger`` (the root logger by default).

    Returns how many handlers got one (a handler that already has one is left as it is).
    """
    target = logger or logging.getLogger()
    added = 0
    for handler in target.handlers:
        if not any(isinstance(f, RedactingFilter) for f in handler.filters):
            handler.addFilter(RedactingFilter())
            added += 1
    return added
