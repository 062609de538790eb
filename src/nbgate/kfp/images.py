"""Step images: ``{registry}/nbgate-{step}:{tag}``, one per step (see ``images/<step>``)."""

from __future__ import annotations

import os

__all__ = ["DEFAULT_REGISTRY", "image_for"]

DEFAULT_REGISTRY = "ghcr.io/nbgate"


def _default_tag() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nbgate")
    except PackageNotFoundError:  # pragma: no cover — a source tree without metadata
        return "latest"


def image_for(step: str, registry: str | None = None, tag: str | None = None) -> str:
    """The image a step's component runs in.

    ``NBGATE_REGISTRY`` / ``NBGATE_IMAGE_TAG`` override the defaults when components are
    compiled (``make generate-components``); ``compile_spec`` overrides them per task.
    """
    registry = (registry or os.environ.get("NBGATE_REGISTRY") or DEFAULT_REGISTRY).rstrip("/")
    tag = tag or os.environ.get("NBGATE_IMAGE_TAG") or _default_tag()
    return f"{registry}/nbgate-{step}:{tag}"
