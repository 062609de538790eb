"""How a clean environment is built: cache, package index, wheelhouse, scratch size."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbgate.errors import InputError

__all__ = ["EnvOptions", "default_cache_dir", "options_from_spec", "parse_quantity"]

_SUFFIXES = {
    "Ki": 2**10,
    "Mi": 2**20,
    "Gi": 2**30,
    "Ti": 2**40,
    "Pi": 2**50,
    "k": 10**3,
    "K": 10**3,
    "M": 10**6,
    "G": 10**9,
    "T": 10**12,
    "P": 10**15,
}


def parse_quantity(value: str | int | float, *, field: str) -> int:
    """Bytes from a Kubernetes quantity (``100Mi``, ``2Gi``, ``500M``, ``1e9``, ``1024``)."""
    if isinstance(value, bool):
        raise ValueError(f"{field}: expected a quantity like 512Mi or 2Gi, got {value!r}")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        text = value.strip()
        for suffix in sorted(_SUFFIXES, key=len, reverse=True):
            if text.endswith(suffix):
                try:
                    number = float(text[: -len(suffix)]) * _SUFFIXES[suffix]
                except ValueError:
                    break
                return _positive(number, value, field)
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{field}: expected a quantity like 512Mi or 2Gi, got {value!r}") from None
    return _positive(number, value, field)


def _positive(number: float, value: object, field: str) -> int:
    if number <= 0:
        raise ValueError(f"{field}: a quantity must be positive, got {value!r}")
    return int(number)


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/nbgate/envs`` or ``~/.cache/nbgate/envs``: writable in a pod whose root is not."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "nbgate" / "envs"


@dataclass(frozen=True)
class EnvOptions:
    cache_dir: Path | None = None  # None: default_cache_dir()
    index_url: str | None = None
    find_links: tuple[str, ...] = ()
    no_index: bool = False
    scratch_size: int | None = None  # bytes an environment may take; None: unbounded
    timeout: float = 1800.0  # seconds pip may take

    def pip_env(self) -> dict[str, str]:
        """The index URL goes to pip through its environment: it may carry credentials, and a
        command line is visible to every process on the machine."""
        return {"PIP_INDEX_URL": self.index_url} if self.index_url else {}

    def pip_options(self) -> list[str]:
        args: list[str] = []
        for link in self.find_links:
            args += ["--find-links", link]
        if self.no_index:
            args.append("--no-index")
        return args


def _local(value: str, base_dir: Path) -> str:
    """A relative wheelhouse/cache path is relative to the spec's folder; URLs stay as they are."""
    if "://" in value:
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else (base_dir / path).resolve())


def options_from_spec(environment: Any, base_dir: Path) -> EnvOptions:
    """``EnvOptions`` from ``spec.environment`` (an ``EnvironmentSpec``)."""
    size = None
    if environment.scratch_size is not None:
        try:
            size = parse_quantity(environment.scratch_size, field="environment.scratchSize")
        except ValueError as exc:
            raise InputError(f"{exc}: use a Kubernetes quantity such as 4Gi") from None
    return EnvOptions(
        cache_dir=Path(_local(environment.cache_dir, base_dir)) if environment.cache_dir else None,
        index_url=environment.index_url,
        find_links=tuple(_local(link, base_dir) for link in environment.find_links),
        no_index=environment.no_index,
        scratch_size=size,
    )
