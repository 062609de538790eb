"""Find each notebook's golden from the ``golden.path`` template."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from nbgate.errors import InputError

__all__ = ["golden_path_for"]


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
