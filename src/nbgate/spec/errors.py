"""Turn a pydantic ``ValidationError`` into the one line a user reads.

The line names the field path as the user wrote it (camelCase, ``spec.timeouts.cel``), says what
is wrong and, for an unknown field, suggests the nearest valid field *at that location* (the
aliases of the model the path leads to, nested models included). Several errors: the first one,
then ``(and N more)`` — one clear line beats a wall of text in a CI log.
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Union, get_args, get_origin

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

__all__ = ["closest", "describe_validation_error", "format_path", "join_errors"]

_SAFE_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
# Tags pydantic puts into ``loc`` for union members, e.g. 'str', 'list[str]', 'function-before[...]'.
_TAG = re.compile(r"^[a-z][a-z-]*(\[.*\])?$")


def format_path(parts: Iterable[str | int]) -> str:
    """``("spec", "endpoints", 0, "url")`` → ``spec.endpoints[0].url``; odd keys are quoted."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _SAFE_KEY.match(part):
            out += f".{part}" if out else part
        else:
            out += f'["{part}"]'
    return out


def _normalise(name: str) -> str:
    return name.replace("_", "").replace("-", "").lower()


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to ``word`` (case, ``_`` and ``-`` do not count), or None."""
    by_norm = {_normalise(c): c for c in candidates}
    if _normalise(word) in by_norm:
        return by_norm[_normalise(word)]
    match = difflib.get_close_matches(_normalise(word), list(by_norm), n=1, cutoff=0.6)
    return by_norm[match[0]] if match else None


def join_errors(messages: Sequence[str]) -> str:
    """The first message, plus how many more there are.

    Unknown fields come first: a misspelled field also makes the real one 'missing', and the
    misspelling is the cause.
    """
    messages = sorted(messages, key=lambda m: not m.startswith("unknown field"))
    if len(messages) > 1:
        return f"{messages[0]} (and {len(messages) - 1} more)"
    return messages[0]


# --- walking the model along an error's ``loc`` ----------------------------------------------


def _unwrap(tp: Any) -> Any:
    while get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if _is_union(tp):
        members = [a for a in get_args(tp) if a is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
    return tp


def _is_union(tp: Any) -> bool:
    return get_origin(tp) in (Union, types.UnionType)


def _is_model(tp: Any) -> bool:
    from pydantic import BaseModel

    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _field_for(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        if key in (name, field.alias):
            return field.annotation
    return None


def _member_for_tag(members: Sequence[Any], tag: str) -> Any:
    head = tag.split("[", 1)[0]
    for member in members:
        base = get_origin(member) or member
        if getattr(base, "__name__", None) in (tag, head):
            return member
    return None


def aliases(model: type[BaseModel]) -> list[str]:
    """The names a user writes for a model's fields (camelCase aliases)."""
    return [field.alias or name for name, field in model.model_fields.items()]


def _walk(root: type[BaseModel], loc: Sequence[str | int]) -> tuple[list[str | int], Any]:
    """The user-visible path for ``loc`` (union tags dropped) and the type it leads to."""
    parts: list[str | int] = []
    tp: Any = root
    for item in loc:
        tp = _unwrap(tp)
        if _is_union(tp):
            members = [a for a in get_args(tp) if a is not type(None)]
            if isinstance(item, str) and (_TAG.match(item) or item[:1].isupper()):
                member = _member_for_tag(members, item)
                if member is not None:
                    tp = member
                    continue
            models = [m for m in members if _is_model(_unwrap(m))]
            tp = models[0] if models else Any
            tp = _unwrap(tp)
        origin = get_origin(tp)
        if _is_model(tp) and isinstance(item, str):
            parts.append(item)
            tp = _field_for(tp, item)
        elif origin in (list, tuple, set, frozenset) and isinstance(item, int):
            parts.append(item)
            args = get_args(tp)
            tp = args[0] if args else Any
        elif origin is dict:
            parts.append(item)
            args = get_args(tp)
            tp = args[1] if len(args) == 2 else Any
        elif isinstance(item, str) and (_TAG.match(item) and "[" in item):
            continue  # a validator tag, not something the user wrote
        else:
            parts.append(item)
            tp = Any
    return parts, _unwrap(tp)


def _shown(value: Any) -> str:
    """A short, safe rendering of a bad input: scalars only, truncated."""
    if isinstance(value, (bool, int, float)) or value is None:
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    return f"a {type(value).__name__}"


def _one(root: type[BaseModel], error: Any, prefix: Sequence[str | int]) -> tuple[str, str]:
    loc = tuple(prefix) + tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        parts, _ = _walk(root, loc[len(prefix) :])
        parts = list(prefix) + parts
        parent_path, key = parts[:-1], parts[-1]
        _, parent = _walk(root, [p for p in loc[len(prefix) : -1]])
        path = format_path(parts)
        if _is_model(parent):
            guess = closest(str(key), aliases(parent))
            where = format_path(parent_path) or "the top level"
            if guess:
                return path, f"unknown field {path}: did you mean {guess!r}?"
            return path, f"unknown field {path} (fields at {where}: {', '.join(aliases(parent))})"
        return path, f"unknown field {path}"
    parts, _ = _walk(root, loc[len(prefix) :])
    path = format_path(list(prefix) + parts)
    message = str(error["msg"])
    if kind == "missing":
        return path, f"missing required field {path}"
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
        return path, f"{path}: {message}"
    if message.startswith("Assertion failed, "):
        message = message[len("Assertion failed, ") :]
        return path, f"{path}: {message}"
    message = message[:1].lower() + message[1:]
    return path, f"{path}: {message} (got {_shown(error.get('input'))})"


def describe_validation_error(
    exc: ValidationError, model: type[BaseModel], *, prefix: Sequence[str | int] = ()
) -> str:
    """One line for all of ``exc``'s errors against ``model`` (paths start at ``prefix``)."""
    seen: dict[str, str] = {}
    for error in exc.errors(include_url=False):
        path, message = _one(model, error, prefix)
        # Union members each report the same bad value: one message per path.
        seen.setdefault(path, message)
    messages = list(seen.values())
    return join_errors(messages) if messages else str(exc).splitlines()[0]
