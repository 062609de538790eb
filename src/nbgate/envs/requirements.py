"""What a repo declares it needs: ``requirements*.txt``, ``pyproject.toml``, ``environment.yml``.

One reader for two users: pre-flight (is this import declared?) and the clean environment
(what to install, and the hash that keys its cache). Parsing is deliberately shallow: a
distribution name per requirement is all either needs; pip itself reads the files when
the environment is built, so version specifiers, markers and options keep their meaning.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Declarations", "canonical_name", "find_declarations"]

# Directories never searched: environments, caches, VCS metadata, build output.
_SKIP_DIRS = {
    ".git",
    ".hg",
    ".venv",
    "venv",
    ".venvs",
    "env",
    ".tox",
    ".nox",
    "node_modules",
    "__pycache__",
    "site-packages",
    "build",
    "dist",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
}
_MAX_DEPTH = 4
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
# Conda packages that are the interpreter or tooling, never imports.
_CONDA_TOOLING = {"python", "pip", "setuptools", "wheel", "conda", "mamba"}


def canonical_name(name: str) -> str:
    """PEP 503 normalisation: ``Scikit_Learn`` and ``scikit-learn`` are one distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass
class Declarations:
    """The declaration files found in a repo and the distributions they name."""

    root: Path
    requirement_files: list[Path] = field(default_factory=list)
    pyproject: Path | None = None
    environment_files: list[Path] = field(default_factory=list)
    names: set[str] = field(default_factory=set)  # canonical distribution names
    # pip arguments for what pyproject.toml / environment.yml declare (requirement files go as -r).
    extra_requirements: list[str] = field(default_factory=list)

    @property
    def files(self) -> list[Path]:
        found = [
            *self.requirement_files,
            *([self.pyproject] if self.pyproject else []),
            *self.environment_files,
        ]
        return found

    def where_to_declare(self) -> str:
        """The file a missing distribution belongs in, relative to the repo (the first found)."""
        if self.requirement_files:
            return self._rel(self.requirement_files[0])
        if self.pyproject is not None:
            return f"{self._rel(self.pyproject)} ([project] dependencies)"
        if self.environment_files:
            return self._rel(self.environment_files[0])
        return "requirements.txt (none exists yet: create it)"

    def declares(self, distribution: str) -> bool:
        return canonical_name(distribution) in self.names

    def digest(self, *extra: str) -> str:
        """A stable hash of every declaration file's path and content (plus ``extra`` inputs)."""
        sha = hashlib.sha256()
        for path in sorted(self.files):
            sha.update(self._rel(path).encode())
            sha.update(b"\0")
            sha.update(path.read_bytes())
            sha.update(b"\0")
        for item in extra:
            sha.update(item.encode())
            sha.update(b"\0")
        return sha.hexdigest()

    def _rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def _walk(root: Path, depth: int = 0) -> Iterator[Path]:
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return
    for entry in entries:
        if entry.is_dir():
            if depth < _MAX_DEPTH and entry.name not in _SKIP_DIRS and not entry.name.startswith("."):
                yield from _walk(entry, depth + 1)
        else:
            yield entry


def _requirement_name(line: str) -> str | None:
    line = line.split(" #", 1)[0].strip()
    if not line or line.startswith("#"):
        return None
    egg = _EGG.search(line)
    if egg:
        return egg.group(1)
    if line.startswith("-"):
        return None  # options (-r/-c are followed separately, --index-url… are pip's business)
    match = _NAME.match(line)
    return match.group(1) if match else None


def _read_requirements(path: Path, names: set[str], seen: set[Path]) -> None:
    path = path.resolve()
    if path in seen or not path.is_file():
        return
    seen.add(path)
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        for flag in ("-r ", "--requirement ", "--requirement="):
            if line.startswith(flag):
                _read_requirements(path.parent / line[len(flag) :].strip(), names, seen)
                break
        else:
            name = _requirement_name(line)
            if name:
                names.add(canonical_name(name))


def _read_pyproject(path: Path, decl: Declarations) -> None:
    try:
        import tomllib  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found,no-redef,unused-ignore]
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    project = data.get("project") or {}
    specs: list[str] = [str(d) for d in project.get("dependencies") or []]
    for group in (project.get("optional-dependencies") or {}).values():
        specs.extend(str(d) for d in group or [])
    own = canonical_name(str(project.get("name", "")))
    for spec in specs:
        name = _requirement_name(spec)
        if name and canonical_name(name) != own:  # "pkg[extra]" self-references are not deps
            decl.names.add(canonical_name(name))
            decl.extra_requirements.append(spec)
    poetry = ((data.get("tool") or {}).get("poetry") or {}).get("dependencies") or {}
    for name in poetry:
        if canonical_name(name) != "python":
            decl.names.add(canonical_name(name))
            decl.extra_requirements.append(name)


def _read_environment(path: Path, decl: Declarations) -> None:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return
    deps = data.get("dependencies") if isinstance(data, dict) else None
    for dep in deps or []:
        if isinstance(dep, dict):
            for spec in dep.get("pip") or []:
                name = _requirement_name(str(spec))
                if name:
                    decl.names.add(canonical_name(name))
                    decl.extra_requirements.append(str(spec))
        elif isinstance(dep, str):
            # conda: "conda-forge::scikit-learn=1.3" → scikit-learn; versions use conda syntax,
            # so the clean environment installs the name only (best effort: most match PyPI).
            name = _requirement_name(dep.split("::")[-1])
            if name and canonical_name(name) not in _CONDA_TOOLING:
                decl.names.add(canonical_name(name))
                decl.extra_requirements.append(name)


def find_declarations(root: Path) -> Declarations:
    """Every declaration file under ``root`` (a bounded walk) and the distributions named."""
    root = root.resolve()
    decl = Declarations(root=root)
    seen: set[Path] = set()
    for path in _walk(root):
        name = path.name.lower()
        if name.startswith("requirements") and name.endswith(".txt"):
            decl.requirement_files.append(path)
            _read_requirements(path, decl.names, seen)
        elif name == "pyproject.toml" and decl.pyproject is None and path.parent == root:
            decl.pyproject = path
            _read_pyproject(path, decl)
        elif name in ("environment.yml", "environment.yaml"):
            decl.environment_files.append(path)
            _read_environment(path, decl)
    # requirements.txt before requirements-dev.txt, shallow before deep: the natural "where".
    decl.requirement_files.sort(
        key=lambda p: (len(p.relative_to(root).parts), p.name != "requirements.txt", str(p))
    )
    return decl
