"""Find each notebook's golden from the ``golden.path`` template."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from nbgate.compare.options import CompareOptions
from nbgate.errors import InputError
from nbgate.outcomes import Outcome
from nbgate.results import CompareResult

__all__ = ["compare_with_golden", "golden_path_for"]


def golden_path_for(template: str, notebook: str, golden_root: Path) -> Path:
    """``{path}``, ``{dir}``, ``{name}``, ``{stem}`` filled from the notebook's path."""
    pure = PurePosixPath(notebook)
    try:
        rendered = template.format(
            path=notebook,
            dir=str(pure.parent) if str(pure.parent) != "." else "",
            name=pure.name,
            stem=pure.stem,
        )
    except (KeyError, IndexError, ValueError) as exc:
        raise InputError(
            f"golden.path {template!r} has an unknown placeholder ({exc}): "
            "use {path}, {dir}, {name} or {stem}"
        ) from None
    candidate = Path(rendered)
    if candidate.is_absolute():
        return candidate
    resolved = (golden_root / rendered.lstrip("/")).resolve()
    root = golden_root.resolve()
    if resolved != root and root not in resolved.parents:
        raise InputError(f"golden.path {template!r} resolves outside the golden source ({resolved})")
    return resolved


def compare_with_golden(
    executed: Path,
    notebook: str,
    *,
    template: str,
    golden_root: Path,
    required: bool,
    options: CompareOptions,
) -> CompareResult | None:
    """The golden rule every runner (local, KFP) applies after a passing execution.

    The notebook's golden is found from ``golden.path``; a missing golden is an
    ``input_error`` result when ``golden.required``, else ``None`` (comparison skipped).
    """
    golden = golden_path_for(template, notebook, golden_root)
    if not golden.is_file():
        if not required:
            return None
        shown = (
            golden.relative_to(golden_root.resolve())
            if golden.is_relative_to(golden_root.resolve())
            else golden
        )
        return CompareResult(
            notebook=notebook,
            golden=str(golden),
            outcome=Outcome.INPUT_ERROR,
            message=f"golden notebook {shown} not found: add it (nbgate compare EXECUTED GOLDEN "
            "--update-golden writes one from a passing run) or set golden.required: false",
        )
    from nbgate.steps.compare import compare

    return compare(executed, golden, options, notebook=notebook, golden_name=str(golden))
