"""Specs from command-line flags: ``nbgate run --notebook nb.ipynb --golden golden.ipynb -p a=1``.

``spec_from_flags`` builds the same ``NotebookValidation`` a spec file would hold, so the runner
has one input type:

* ``source.local`` is the notebooks' nearest common directory; ``notebooks`` are their paths
  relative to it (a directory given as a notebook means every ``.ipynb`` below it);
* a golden *file* becomes ``golden.source.local`` = the file's directory and ``golden.path`` = its
  file name — a plain relative path, no absolute paths in ``golden.path``; it needs exactly one
  notebook. A golden *directory* holds one golden per notebook, at the notebook's path
  relative to the notebooks' common directory (``golden.path: "{path}"``).

``override_from_flags`` applies the same flags on top of a loaded spec file (flags win).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbgate.errors import InputError

if TYPE_CHECKING:
    from nbgate.spec.load import LoadedSpec

__all__ = ["override_from_flags", "spec_from_flags"]


def _duration(value: str | float | None, flag: str) -> float | None:
    if value is None:
        return None
    from nbgate.duration_text import parse_duration

    try:
        return parse_duration(value)
    except ValueError as exc:
        raise InputError(f"{flag}: {exc}") from None


def _notebook_paths(notebooks: list[Path]) -> tuple[Path, list[str]]:
    if not notebooks:
        raise InputError("no notebook given: pass --notebook NB (or a spec file)")
    resolved = []
    for notebook in notebooks:
        path = Path(notebook).expanduser()
        if not path.exists():
            raise InputError(f"notebook {notebook} does not exist")
        if path.is_file() and path.suffix != ".ipynb":
            raise InputError(f"notebook {notebook} is not a .ipynb file")
        resolved.append(path.resolve())
    parents = [p if p.is_dir() else p.parent for p in resolved]
    root = Path(os.path.commonpath([str(p) for p in parents]))
    relative = []
    for path in resolved:
        rel = path.relative_to(root).as_posix()
        relative.append(
            f"{rel}/**/*.ipynb" if path.is_dir() and rel != "." else ("**/*.ipynb" if path.is_dir() else rel)
        )
    return root, relative


def _golden(golden: Path, notebooks: list[str]) -> dict[str, Any]:
    path = Path(golden).expanduser()
    if not path.exists():
        raise InputError(f"golden {golden} does not exist")
    if path.is_dir():
        return {"source": {"local": str(path.resolve())}, "path": "{path}"}
    if path.suffix != ".ipynb":
        raise InputError(f"golden {golden} is not a .ipynb file")
    if len(notebooks) != 1 or "*" in notebooks[0]:
        raise InputError(
            f"golden {golden} is one notebook but several notebooks were given: "
            "pass a directory of goldens to --golden, or one --notebook"
        )
    # Braces are the template's placeholders: a literal one is written doubled.
    name = path.name.replace("{", "{{").replace("}", "}}")
    return {"source": {"local": str(path.resolve().parent)}, "path": name}


def _overrides(
    *,
    parameters: dict[str, Any] | None,
    kernel: str | None,
    cell_timeout: str | float | None,
    deadline: str | float | None,
    output_dir: Path | str | None,
    formats: list[str] | None,
    jobs: int | None,
) -> dict[str, Any]:
    """The spec fields the flags set (wire names), checked flag by flag."""
    spec: dict[str, Any] = {}
    if parameters:
        spec["parameters"] = dict(parameters)
    if kernel:
        spec["kernel"] = kernel
    timeouts = {}
    cell = _duration(cell_timeout, "--cell-timeout")
    notebook = _duration(deadline, "--deadline")
    if cell is not None:
        timeouts["cell"] = cell
    if notebook is not None:
        timeouts["notebook"] = notebook
    if timeouts:
        spec["timeouts"] = timeouts
    report: dict[str, Any] = {}
    if output_dir is not None:
        report["outputDir"] = str(output_dir)
    if formats:
        report["formats"] = list(formats)
    if report:
        spec["report"] = report
    if jobs is not None:
        if jobs < 1:
            raise InputError(f"--jobs must be at least 1, got {jobs}")
        spec["jobs"] = jobs
    return spec


def _validated(wire: dict[str, Any], what: str) -> Any:
    from pydantic import ValidationError

    from nbgate.spec.errors import describe_validation_error
    from nbgate.spec.model import NotebookValidation

    try:
        return NotebookValidation.model_validate(wire)
    except ValidationError as exc:
        raise InputError(f"{what}: {describe_validation_error(exc, NotebookValidation)}") from None


def spec_from_flags(
    notebooks: list[Path],
    *,
    golden: Path | None = None,
    parameters: dict[str, Any] | None = None,
    kernel: str | None = None,
    cell_timeout: str | float | None = None,
    deadline: str | float | None = None,
    parameter_set: str | None = None,
    output_dir: Path | str | None = None,
    formats: list[str] | None = None,
    jobs: int | None = None,
    name: str | None = None,
) -> LoadedSpec:
    """A spec for notebooks given on the command line (no spec file)."""
    from nbgate.spec.load import finish

    if parameter_set:
        raise InputError(
            f"--parameter-set {parameter_set} needs a spec file with spec.parameterSets; "
            "without one, pass parameters with -p name=value"
        )
    root, relative = _notebook_paths(notebooks)
    spec: dict[str, Any] = {"source": {"local": str(root)}, "notebooks": relative}
    if golden is not None:
        spec["golden"] = _golden(golden, relative)
    spec.update(
        _overrides(
            parameters=parameters,
            kernel=kernel,
            cell_timeout=cell_timeout,
            deadline=deadline,
            output_dir=output_dir,
            formats=formats,
            jobs=jobs,
        )
    )
    default_name = Path(relative[0]).stem.replace("*", "").strip(".") if relative else ""
    wire = {
        "apiVersion": "nbgate.dev/v1alpha1",
        "kind": "NotebookValidation",
        "metadata": {"name": name or default_name or "adhoc"},
        "spec": spec,
    }
    resource = _validated(wire, "command-line spec")
    return finish(resource, base_dir=Path.cwd().resolve(), name="(command line)", origin="nbgate",
                  warnings=[], path=None)  # fmt: skip


def override_from_flags(
    loaded: LoadedSpec,
    *,
    parameters: dict[str, Any] | None = None,
    kernel: str | None = None,
    cell_timeout: str | float | None = None,
    deadline: str | float | None = None,
    parameter_set: str | None = None,
    output_dir: Path | str | None = None,
    formats: list[str] | None = None,
    jobs: int | None = None,
) -> LoadedSpec:
    """``loaded`` with command-line flags applied on top (``-p`` merges over spec.parameters)."""
    wire = loaded.resource.model_dump(mode="json", by_alias=True, exclude_unset=True)
    spec = wire.setdefault("spec", {})
    flags = _overrides(
        parameters=parameters, kernel=kernel, cell_timeout=cell_timeout, deadline=deadline,
        output_dir=output_dir, formats=formats, jobs=jobs,
    )  # fmt: skip
    for key, value in flags.items():
        if isinstance(value, dict) and isinstance(spec.get(key), dict):
            spec[key] = {**spec[key], **value}
        else:
            spec[key] = value
    if parameter_set is not None:
        spec["parameterSet"] = parameter_set
    name = str(loaded.path) if loaded.path else "(command line)"
    resource = _validated(wire, f"spec {name} with the command-line flags")
    return replace(loaded, resource=resource)
