"""Load a spec file: an nbgate ``NotebookValidation`` or the operator's ``NotebookValidationJob``.

``load_spec`` reads YAML or JSON, picks the model by ``apiVersion``/``kind``, validates it and
turns every problem into one ``InputError`` line that names the file and the field. Relative
input paths in the spec (``source.local``, ``golden.source.local``, ``profilesFrom.z2jhValues``)
are resolved against the spec file's directory, so a spec means the same thing whatever the
working directory; ``report.outputDir`` stays relative to the working directory, like ``-o``.

Quick to import: pydantic, PyYAML and jsonschema are imported inside the functions that use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from nbgate.errors import InputError

if TYPE_CHECKING:
    from nbgate.spec.model import NotebookValidation
    from nbgate.spec.pod import PodProfile

__all__ = [
    "ACCEPTED",
    "BUILTIN_PROFILES",
    "LoadedSpec",
    "check_profile",
    "finish",
    "load_spec",
    "parse_document",
]

Origin = Literal["nbgate", "operator"]

NBGATE_API_VERSION = "nbgate.dev/v1alpha1"
NBGATE_KIND = "NotebookValidation"
OPERATOR_API_VERSION = "mlops.mlops.dev/v1alpha1"
OPERATOR_KIND = "NotebookValidationJob"
# (apiVersion, kind) pairs load_spec accepts, in the order error messages list them.
ACCEPTED: tuple[tuple[str, str], ...] = (
    (NBGATE_API_VERSION, NBGATE_KIND),
    (OPERATOR_API_VERSION, OPERATOR_KIND),
)
# Profiles every runner knows without a definition in spec.profiles (see nbgate.pod).
BUILTIN_PROFILES: tuple[str, ...] = ("cpu", "gpu")


@dataclass
class LoadedSpec:
    """A validated spec and what loading it found out.

    ``resource`` has its relative input paths already resolved against ``base_dir``;
    ``warnings`` name the fields nbgate read but cannot honour (operator-only features, z2jh
    settings without an nbgate equivalent); ``profiles`` are the named pod profiles after
    merging ``profilesFrom.z2jhValues`` under ``spec.profiles`` (the spec wins).
    """

    resource: NotebookValidation
    base_dir: Path
    warnings: list[str] = field(default_factory=list)
    origin: Origin = "nbgate"
    path: Path | None = None
    profiles: dict[str, PodProfile] = field(default_factory=dict)

    def resolve(self, path: str | Path) -> Path:
        """A path from the spec, made absolute against the spec's directory."""
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else (self.base_dir / candidate).resolve()


def _describe(source: str | Path) -> str:
    return str(source)


def parse_document(text: str, name: str) -> Any:
    """YAML or JSON text → Python data; an ``InputError`` naming the file (and line) otherwise."""
    stripped = text.lstrip()
    if name.endswith(".json") or stripped.startswith("{"):
        import json

        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            if name.endswith(".json"):
                raise InputError(
                    f"spec {name} is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
                ) from None
            # A flow-style YAML mapping also starts with '{': let the YAML parser judge it.
    import yaml

    try:
        # libyaml's parser when PyYAML has it: several times faster than the pure-Python one.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        documents = [d for d in yaml.load_all(text, Loader=loader) if d is not None]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise InputError(f"spec {name} is not valid YAML: {problem}{where}") from None
    if not documents:
        raise InputError(f"spec {name} is empty: start it with apiVersion: {NBGATE_API_VERSION}")
    if len(documents) > 1:
        raise InputError(f"spec {name} holds {len(documents)} YAML documents: put one spec per file")
    return documents[0]


def _accepted_text() -> str:
    return " or ".join(f"apiVersion: {a} with kind: {k}" for a, k in ACCEPTED)


def _check_type(data: Any, name: str) -> Origin:
    """Which model reads ``data``; a clear error for anything else."""
    if not isinstance(data, dict):
        raise InputError(
            f"spec {name} must be a mapping with apiVersion, kind and spec, got a {type(data).__name__}"
        )
    api_version, kind = data.get("apiVersion"), data.get("kind")
    if api_version is None or kind is None:
        missing = " and ".join(k for k in ("apiVersion", "kind") if data.get(k) is None)
        raise InputError(f"spec {name} has no {missing}: use {_accepted_text()}")
    if (api_version, kind) == (NBGATE_API_VERSION, NBGATE_KIND):
        return "nbgate"
    if (api_version, kind) == (OPERATOR_API_VERSION, OPERATOR_KIND):
        return "operator"
    raise InputError(
        f"spec {name}: apiVersion {api_version!r} with kind {kind!r} is not accepted: use {_accepted_text()}"
    )


def _validate_nbgate(data: dict[str, Any], name: str) -> NotebookValidation:
    from pydantic import ValidationError

    from nbgate.spec.errors import describe_validation_error
    from nbgate.spec.model import NotebookValidation

    try:
        return NotebookValidation.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"spec {name}: {describe_validation_error(exc, NotebookValidation)}") from None


def _resolve_paths(resource: NotebookValidation, base_dir: Path) -> NotebookValidation:
    """Copy of ``resource`` with relative input paths made absolute against ``base_dir``."""

    def absolute(value: str) -> str:
        path = Path(value).expanduser()
        return str(path if path.is_absolute() else (base_dir / path).resolve())

    spec = resource.spec
    updates: dict[str, Any] = {}
    if spec.source.local is not None:
        updates["source"] = spec.source.model_copy(update={"local": absolute(spec.source.local)})
    golden = spec.golden
    if golden is not None and golden.source is not None and golden.source.local is not None:
        new_source = golden.source.model_copy(update={"local": absolute(golden.source.local)})
        updates["golden"] = golden.model_copy(update={"source": new_source})
    if spec.profiles_from is not None:
        updates["profiles_from"] = spec.profiles_from.model_copy(
            update={"z2jh_values": absolute(spec.profiles_from.z2jh_values)}
        )
    if not updates:
        return resource
    return resource.model_copy(update={"spec": spec.model_copy(update=updates)})


def check_profile(resource: NotebookValidation, profiles: dict[str, PodProfile], name: str) -> None:
    """``spec.pod.profile`` must be a built-in profile or one defined/imported by the spec."""
    chosen = resource.spec.pod.profile
    known = sorted(set(BUILTIN_PROFILES) | set(profiles))
    if chosen in known:
        return
    from nbgate.spec.errors import closest

    guess = closest(chosen, known)
    hint = f"did you mean {guess!r}? " if guess else ""
    raise InputError(
        f"spec {name}: spec.pod.profile {chosen!r} is not a known profile: {hint}"
        f"known profiles: {', '.join(known)} (define more in spec.profiles or spec.profilesFrom.z2jhValues)"
    )


def finish(
    resource: NotebookValidation,
    *,
    base_dir: Path,
    name: str,
    origin: Origin,
    warnings: list[str],
    path: Path | None,
) -> LoadedSpec:
    """Resolve paths, import profiles, check ``pod.profile``: the common tail of every loader."""
    from nbgate.spec.z2jh import resolve_profiles_with_warnings

    resource = _resolve_paths(resource, base_dir)
    profiles, profile_warnings = resolve_profiles_with_warnings(resource, base_dir)
    check_profile(resource, profiles, name)
    return LoadedSpec(
        resource=resource,
        base_dir=base_dir,
        warnings=[*warnings, *profile_warnings],
        origin=origin,
        path=path,
        profiles=profiles,
    )


def load_spec(source: str | Path, *, text: str | None = None) -> LoadedSpec:
    """Read, validate and normalise the spec at ``source`` (or ``text``, named by ``source``).

    ``source`` ``-`` with ``text`` (e.g. read from stdin) resolves relative paths against the
    working directory. Every problem is an ``InputError`` with one line naming the file.
    """
    name = _describe(source)
    path: Path | None = None
    if text is None:
        path = Path(source)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"spec {name} does not exist") from None
        except IsADirectoryError:
            raise InputError(
                f"spec {name} is a directory: name the spec file (e.g. {name}/validation.yaml)"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise InputError(f"cannot read spec {name}: {reason}") from None
    elif str(source) not in ("-", ""):
        path = Path(source)
    base_dir = (path.parent if path is not None else Path.cwd()).resolve()

    data = parse_document(text, name)
    origin: Origin = _check_type(data, name)
    if origin == "operator":
        from nbgate.spec.operator import from_operator

        resource, warnings = from_operator(data, name)
    else:
        resource, warnings = _validate_nbgate(data, name), []
    return finish(resource, base_dir=base_dir, name=name, origin=origin, warnings=warnings, path=path)
